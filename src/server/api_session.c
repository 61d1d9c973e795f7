/*
 * api_session.c — signing in and out, who am I, changing one's own
 * password, and the health check (docs/api.md "Sessions, CSRF and rate
 * limiting"). A session is a random token in an HttpOnly SameSite=Strict
 * cookie, new at every sign-in; the store keeps only its hash. Failed
 * sign-ins are counted per name and per address (auth.c).
 */
#include <stdio.h>
#include <string.h>

#include "srv.h"

json_t *srv_account_json(const struct kh_account *a)
{
    json_t *o = json_object(), *inds = json_array();
    const char *p = a->indicators;

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n)
            json_array_append_new(inds, json_stringn(p, n));
        if (!comma)
            break;
        p = comma + 1;
    }
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "display", srv_json_str(a->display));
    json_object_set_new(o, "role", srv_json_str(kh_role_name(a->role)));
    json_object_set_new(o, "unit", a->unit[0] ? json_string(a->unit) : json_null());
    json_object_set_new(o, "indicators", inds);
    json_object_set_new(o, "disabled", json_boolean(a->disabled));
    json_object_set_new(o, "created_at", srv_json_str(a->created_at));
    return o;
}

void api_health(struct srv_req *q, struct srv_resp *r)
{
    srv_ok(r, json_pack("{sssssi}", "status", "ok", "jurisdiction", srv_opts(q->srv)->jurisdiction,
                        "schema", kh_store_schema_version(q->st)));
}

/* Set the session cookie (token "" clears it). */
static void set_cookie(struct srv_resp *r, const char *token, long ttl)
{
    if (token[0])
        snprintf(r->cookie, sizeof(r->cookie),
                 SRV_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld", token, ttl);
    else
        snprintf(r->cookie, sizeof(r->cookie),
                 SRV_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

void api_login(struct srv_req *q, struct srv_resp *r)
{
    const struct kh_server_opts *o = srv_opts(q->srv);
    const char *name = NULL, *password = NULL;
    struct kh_account a;
    struct kh_err err;
    char token[65], csrf[65];
    unsigned retry;
    json_t *body = srv_body_json(q, r);

    if (!body)
        return;
    if (srv_field_str(r, body, "name", 1, &name) || srv_field_str(r, body, "password", 1, &password))
        goto done;
    if (!srv_login_allowed(srv_limiter(q->srv), name, q->client, &retry)) {
        r->retry_after = retry;
        srv_fail(r, E_RATE_LIMIT, NULL,
                 "too many failed sign-ins for this name or from this address; try again in %u "
                 "seconds",
                 retry);
        goto done;
    }
    kh_err_clear(&err);
    if (kh_store_account_verify(q->st, q->jid, name, password, &a, &err) != KH_OK) {
        if (err.code == KH_EINVAL) {
            srv_login_record(srv_limiter(q->srv), name, q->client, 0);
            srv_fail(r, E_CREDENTIALS, NULL, "%s", err.msg);
        } else {
            srv_fail_err(r, E_INTERNAL, &err);
        }
        goto done;
    }
    srv_login_record(srv_limiter(q->srv), name, q->client, 1);
    /* A session the client brought is never adopted: end it, start anew. */
    if (q->token[0])
        kh_store_session_end(q->st, q->token, NULL);
    if (kh_store_session_create(q->st, a.id, o->session_ttl, token, csrf, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        goto done;
    }
    set_cookie(r, token, o->session_ttl);
    srv_ok(r, json_pack("{soss}", "account", srv_account_json(&a), "csrf", csrf));
done:
    json_decref(body);
}

void api_me(struct srv_req *q, struct srv_resp *r)
{
    srv_ok(r, json_pack("{sossss}", "account", srv_account_json(&q->acct), "csrf", q->sess.csrf,
                        "expires_at", q->sess.expires_at));
}

void api_logout(struct srv_req *q, struct srv_resp *r)
{
    struct kh_err err;

    kh_err_clear(&err);
    if (kh_store_session_end(q->st, q->token, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    set_cookie(r, "", 0);
    srv_ok(r, json_pack("{sb}", "signed_out", 1));
}

void api_password(struct srv_req *q, struct srv_resp *r)
{
    const char *old = NULL, *new_pw = NULL;
    struct kh_actor who;
    struct kh_err err;
    unsigned retry;
    size_t n;
    json_t *body = srv_body_json(q, r);

    if (!body)
        return;
    if (srv_field_str(r, body, "old", 1, &old) || srv_field_str(r, body, "new", 1, &new_pw))
        goto done;
    n = strlen(new_pw);
    if (n < 8 || n > 256) {
        srv_fail(r, E_PASSWORD, "new", "the new password must be 8 to 256 bytes long");
        goto done;
    }
    /* Guessing the current password through a stolen session counts as
     * failed sign-ins for the account's name and the address. */
    if (!srv_login_allowed(srv_limiter(q->srv), q->acct.name, q->client, &retry)) {
        r->retry_after = retry;
        srv_fail(r, E_RATE_LIMIT, NULL, "too many failed attempts; try again in %u seconds",
                 retry);
        goto done;
    }
    srv_actor(q, 0, &who);
    kh_err_clear(&err);
    if (kh_store_account_password(q->st, q->jid, q->acct.name, old, new_pw, &who, &err) != KH_OK) {
        if (err.code == KH_EINVAL) {
            srv_login_record(srv_limiter(q->srv), q->acct.name, q->client, 0);
            srv_fail(r, E_PASSWORD, "old", "%s", err.msg);
        } else
            srv_fail_err(r, E_INTERNAL, &err);
        goto done;
    }
    set_cookie(r, "", 0); /* every session ended: sign in again */
    srv_ok(r, json_pack("{sb}", "changed", 1));
done:
    json_decref(body);
}
