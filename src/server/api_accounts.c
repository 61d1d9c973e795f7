/*
 * api_accounts.c — accounts, created and changed by an administrator
 * (docs/api.md "Roles"): list, create with a role and its scope (a
 * reporter's unit, a data department's indicators), read, and change role,
 * scope, display name or disabled flag, or reset the password. The store
 * checks the fields against the role and keeps only argon2id hashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

void api_accounts_list(struct srv_req *q, struct srv_resp *r)
{
    struct kh_account *a = NULL;
    struct kh_err err;
    size_t n = 0, i;
    json_t *list;

    kh_err_clear(&err);
    if (kh_store_account_list(q->st, q->jid, &a, &n, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    list = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(list, srv_account_json(&a[i]));
    free(a);
    srv_ok(r, list);
}

/*
 * Copy the optional fields display, role, unit, indicators (a list of
 * codes or one comma-separated string) and disabled of body into *a.
 * Returns 0, or -1 with the error in r.
 */
static int read_fields(struct srv_resp *r, json_t *body, struct kh_account *a)
{
    const char *display = NULL, *role = NULL, *unit = NULL;
    json_t *inds = json_object_get(body, "indicators");
    int disabled = a->disabled;

    if (srv_field_str(r, body, "display", 0, &display) || srv_field_str(r, body, "role", 0, &role) ||
        srv_field_str(r, body, "unit", 0, &unit) ||
        srv_field_bool(r, body, "disabled", 0, &disabled))
        return -1;
    if (display && snprintf(a->display, sizeof(a->display), "%s", display) >= (int)sizeof(a->display)) {
        srv_fail(r, E_BAD_FIELD, "display", "display is longer than %zu bytes",
                 sizeof(a->display) - 1);
        return -1;
    }
    if (role) {
        a->role = kh_role_parse(role);
        if (!a->role) {
            srv_fail(r, E_BAD_FIELD, "role",
                     "role must be admin, dept, reporter, reviewer, evaluator or leader");
            return -1;
        }
    }
    if (unit && snprintf(a->unit, sizeof(a->unit), "%s", unit) >= (int)sizeof(a->unit)) {
        srv_fail(r, E_BAD_FIELD, "unit", "unit is longer than %zu bytes", sizeof(a->unit) - 1);
        return -1;
    }
    if (inds && json_is_string(inds)) {
        if (snprintf(a->indicators, sizeof(a->indicators), "%s", json_string_value(inds)) >=
            (int)sizeof(a->indicators))
            goto too_long;
    } else if (inds && json_is_array(inds)) {
        size_t i, len = 0;
        json_t *v;
        a->indicators[0] = '\0';
        json_array_foreach(inds, i, v) {
            const char *code = json_string_value(v);
            if (!code || !code[0] || strchr(code, ',')) {
                srv_fail(r, E_BAD_FIELD, "indicators",
                         "indicators must be a list of indicator codes (strings without commas)");
                return -1;
            }
            len += (size_t)snprintf(a->indicators + len, sizeof(a->indicators) - len, "%s%s",
                                    i ? "," : "", code);
            if (len >= sizeof(a->indicators))
                goto too_long;
        }
    } else if (inds && !json_is_null(inds)) {
        srv_fail(r, E_BAD_FIELD, "indicators", "indicators must be a list of indicator codes");
        return -1;
    }
    a->disabled = disabled;
    return 0;
too_long:
    srv_fail(r, E_BAD_FIELD, "indicators", "the indicator list is longer than %zu bytes",
             sizeof(a->indicators) - 1);
    return -1;
}

/* Answer a store refusal of account fields: a password problem is 2007,
 * the rest 2008; other failures as they are. */
static void account_error(struct srv_resp *r, const struct kh_err *err)
{
    if (err->code == KH_EINVAL)
        srv_fail(r, strstr(err->msg, "password") ? E_PASSWORD : E_ACCOUNT, NULL, "%s", err->msg);
    else
        srv_fail_err(r, E_NOT_FOUND, err);
}

void api_account_create(struct srv_req *q, struct srv_resp *r)
{
    const char *name = NULL, *password = NULL;
    struct kh_account a;
    struct kh_actor who;
    struct kh_err err;
    json_t *body = srv_body_json(q, r);

    if (!body)
        return;
    memset(&a, 0, sizeof(a));
    if (srv_field_str(r, body, "name", 1, &name) ||
        srv_field_str(r, body, "password", 1, &password) || read_fields(r, body, &a))
        goto done;
    if (!a.role) {
        srv_fail(r, E_BAD_FIELD, "role", "field \"role\" is required");
        goto done;
    }
    if (snprintf(a.name, sizeof(a.name), "%s", name) >= (int)sizeof(a.name)) {
        srv_fail(r, E_BAD_FIELD, "name", "name is longer than %zu bytes", sizeof(a.name) - 1);
        goto done;
    }
    srv_actor(q, 1, &who);
    kh_err_clear(&err);
    if (kh_store_account_create(q->st, q->jid, &a, password, &who, NULL, &err) != KH_OK) {
        account_error(r, &err);
        goto done;
    }
    if (kh_store_account_get(q->st, q->jid, a.name, &a, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        goto done;
    }
    r->status = 201;
    srv_ok(r, srv_account_json(&a));
done:
    json_decref(body);
}

void api_account_get(struct srv_req *q, struct srv_resp *r)
{
    struct kh_account a;
    struct kh_err err;

    kh_err_clear(&err);
    if (kh_store_account_get(q->st, q->jid, q->param[0], &a, &err) != KH_OK) {
        srv_fail_err(r, E_NOT_FOUND, &err);
        return;
    }
    srv_ok(r, srv_account_json(&a));
}

void api_account_update(struct srv_req *q, struct srv_resp *r)
{
    const char *password = NULL;
    struct kh_account a;
    struct kh_actor who;
    struct kh_err err;
    json_t *body = srv_body_json(q, r);

    if (!body)
        return;
    kh_err_clear(&err);
    if (kh_store_account_get(q->st, q->jid, q->param[0], &a, &err) != KH_OK) {
        srv_fail_err(r, E_NOT_FOUND, &err);
        goto done;
    }
    if (read_fields(r, body, &a) || srv_field_str(r, body, "password", 0, &password))
        goto done;
    srv_actor(q, 1, &who);
    if (kh_store_account_update(q->st, q->jid, &a, &who, &err) != KH_OK ||
        (password && kh_store_account_password(q->st, q->jid, a.name, NULL, password, &who,
                                               &err) != KH_OK)) {
        account_error(r, &err);
        goto done;
    }
    if (kh_store_account_get(q->st, q->jid, a.name, &a, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        goto done;
    }
    srv_ok(r, srv_account_json(&a));
done:
    json_decref(body);
}
