/*
 * api_appeals.c — appeals: a unit contests one scored item of one period
 * with a reason and evidence files; the assessment office accepts it (the
 * data are corrected, the period rescored and republished, and the diff is
 * shown to every unit whose results changed) or rejects it with a reason.
 *
 * Who sees what: the office, reviewers and leaders see every appeal; a
 * unit's reporter sees the appeals of its unit and those whose acceptance
 * changed its results, and files appeals only for its own unit. Routes,
 * fields and examples: docs/api/appeals.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

#define MAX_EVIDENCE    20   /* evidence files of one appeal */
#define MAX_REASON      4000 /* bytes of a reason or decision */
#define MAX_CORRECTIONS 1000 /* values corrected by one decision */

static const char *const state_names[] = {"open", "accepted", "rejected"};

/*
 * The next item of a comma-separated list: copies it into item[sz] and
 * moves *p past it; returns 0 at the end. Empty items and items longer
 * than sz - 1 bytes come back as "".
 */
static int next_item(const char **p, char *item, size_t sz)
{
    size_t len;

    if (!*p || !**p)
        return 0;
    len = strcspn(*p, ",");
    item[0] = 0;
    if (len < sz) {
        memcpy(item, *p, len);
        item[len] = 0;
    }
    *p += len;
    if (**p)
        (*p)++;
    return 1;
}

/* Split a comma-separated list into a JSON array: of integers (ints
 * non-zero) or of strings. */
static json_t *list_json(const char *text, int ints)
{
    json_t *a = json_array();
    const char *p = text;
    char item[160];

    while (next_item(&p, item, sizeof(item))) {
        if (ints && srv_parse_id(item) > 0)
            json_array_append_new(a, json_integer((json_int_t)srv_parse_id(item)));
        else if (!ints && item[0])
            json_array_append_new(a, srv_json_str(item));
    }
    return a;
}

/* "" as null, else the string. */
static json_t *opt_str(const char *s)
{
    return s && s[0] ? srv_json_str(s) : json_null();
}

/* An appeal as JSON; with `full`, the diff of an accepted appeal too. */
static json_t *appeal_json(const struct kh_appeal *a, int full)
{
    json_t *o = json_object(), *diff = NULL;
    json_error_t je;

    json_object_set_new(o, "id", json_integer((json_int_t)a->id));
    json_object_set_new(o, "unit", srv_json_str(a->unit));
    json_object_set_new(o, "scheme", srv_json_str(a->scheme_id));
    json_object_set_new(o, "node", srv_json_str(a->node));
    json_object_set_new(o, "period", srv_json_str(a->period));
    json_object_set_new(o, "reason", srv_json_str(a->reason));
    json_object_set_new(o, "evidence", list_json(a->evidence, 1));
    json_object_set_new(
        o, "state", json_string(a->state >= 0 && a->state <= 2 ? state_names[a->state] : "open"));
    json_object_set_new(o, "filed_by", srv_json_str(a->filed_by));
    json_object_set_new(o, "filed_at", srv_json_str(a->filed_at));
    json_object_set_new(o, "decision", opt_str(a->decision));
    json_object_set_new(o, "decided_by", opt_str(a->decided_by));
    json_object_set_new(o, "decided_at", opt_str(a->decided_at));
    json_object_set_new(o, "snapshot_before",
                        a->snapshot_before ? json_integer((json_int_t)a->snapshot_before)
                                           : json_null());
    json_object_set_new(o, "snapshot_after",
                        a->snapshot_after ? json_integer((json_int_t)a->snapshot_after)
                                          : json_null());
    json_object_set_new(o, "affected", list_json(a->affected, 0));
    if (full) {
        if (a->diff && a->diff[0])
            diff = json_loads(a->diff, 0, &je);
        json_object_set_new(o, "diff", diff ? diff : json_null());
    }
    return o;
}

/* Non-zero if the account may see appeal a: one of every unit (srv_may_unit
 * says yes for all but reporters), or its unit filed or was affected by it. */
static int may_see(const struct srv_req *q, const struct kh_appeal *a)
{
    const char *p = a->affected;
    char item[160];

    if (srv_may_unit(q, a->unit))
        return 1;
    while (next_item(&p, item, sizeof(item)))
        if (item[0] && srv_may_unit(q, item))
            return 1;
    return 0;
}

/* Read the appeal named by the path into *a, or fail with 404 (unknown,
 * or not an id) or 403 (not the account's to see). */
static int load_appeal(struct srv_req *q, struct srv_resp *r, struct kh_appeal *a)
{
    const char *s = q->nparam > 0 ? q->param[0] : NULL;
    int64_t id = srv_parse_id(s);
    struct kh_err err;

    memset(a, 0, sizeof(*a));
    if (id < 1) {
        srv_fail(r, E_NOT_FOUND, NULL,
                 "no appeal \"%.64s\": appeal ids are whole numbers from 1 (GET "
                 "/api/v1/appeals lists them)",
                 s ? s : "");
        return -1;
    }
    kh_err_clear(&err);
    if (kh_store_appeal_get(q->st, q->jid, id, a, &err)) {
        kh_appeal_clear(a);
        srv_fail_err(r, E_NOT_FOUND, &err);
        return -1;
    }
    if (!may_see(q, a)) {
        kh_appeal_clear(a);
        srv_fail(r, E_SCOPE, NULL,
                 "appeal %lld is about another unit: a unit sees its own appeals and those "
                 "that changed its results",
                 (long long)id);
        return -1;
    }
    return 0;
}

/* ---- GET /appeals ------------------------------------------------------------------ */

void api_appeals_list(struct srv_req *q, struct srv_resp *r)
{
    const char *state_s = srv_query_filter(q, "state"), *unit = srv_query_filter(q, "unit");
    struct kh_appeal *v = NULL;
    struct kh_err err;
    size_t n = 0, i, limit, offset, total = 0;
    int state = -1, k;
    json_t *a;

    if (srv_page(q, r, 100, 1000, &limit, &offset))
        return;
    for (k = 0; state_s && k < 3; k++)
        if (!strcmp(state_s, state_names[k]))
            state = k;
    if (state_s && state < 0) {
        srv_fail(r, E_BAD_QUERY, "state", "state must be open, accepted or rejected");
        return;
    }
    if (unit && !srv_may_unit(q, unit)) {
        srv_fail(r, E_SCOPE, "unit", "a reporter of unit %s sees only that unit's appeals",
                 q->acct.unit);
        return;
    }
    if (!unit && q->acct.role == KH_ROLE_REPORTER)
        unit = q->acct.unit;
    kh_err_clear(&err);
    if (kh_store_appeal_list(q->st, q->jid, unit, &v, &n, &err)) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    a = json_array();
    for (i = 0; i < n; i++) {
        if (state >= 0 && v[i].state != state)
            continue;
        if (total++ >= offset && json_array_size(a) < limit)
            json_array_append_new(a, appeal_json(&v[i], 0));
    }
    for (i = 0; i < n; i++)
        kh_appeal_clear(&v[i]);
    free(v);
    srv_ok_page(r, a, total, limit, offset);
}

/* ---- POST /appeals ------------------------------------------------------------------ */

/* Non-zero if id is already in the comma-separated list. */
static int evidence_listed(const char *list, int64_t id)
{
    char item[24];
    const char *p = list;

    while (next_item(&p, item, sizeof(item)))
        if (srv_parse_id(item) == id)
            return 1;
    return 0;
}

/*
 * Check the "evidence" array of body (ids of files about `unit`) and write
 * them comma-separated into out[outsz]. Returns 0, or -1 with the error in r.
 */
static int read_evidence(struct srv_req *q, struct srv_resp *r, json_t *body, const char *unit,
                         char *out, size_t outsz)
{
    json_t *ev = json_object_get(body, "evidence"), *x;
    struct kh_evidence e;
    struct kh_err err;
    size_t i, len = 0;
    char field[32];

    out[0] = 0;
    if (!ev || json_is_null(ev))
        return 0;
    if (!json_is_array(ev) || json_array_size(ev) > MAX_EVIDENCE) {
        srv_fail(r, E_BAD_FIELD, "evidence",
                 "field \"evidence\" must be a list of at most %d evidence file ids (from POST "
                 "/api/v1/evidence)",
                 MAX_EVIDENCE);
        return -1;
    }
    json_array_foreach(ev, i, x)
    {
        json_int_t id = json_is_integer(x) ? json_integer_value(x) : 0;
        snprintf(field, sizeof(field), "evidence[%zu]", i);
        if (id < 1) {
            srv_fail(r, E_BAD_FIELD, field,
                     "%s must be the id of an evidence file (a whole number from 1)", field);
            return -1;
        }
        kh_err_clear(&err);
        if (kh_store_evidence_get(q->st, q->jid, (int64_t)id, &e, NULL, &err)) {
            if (err.code == KH_ENOTFOUND)
                srv_fail(r, E_NOT_FOUND, field, "%s: %s", field, err.msg);
            else
                srv_fail_err(r, E_INTERNAL, &err);
            return -1;
        }
        if (strcmp(e.unit, unit)) {
            srv_fail(r, E_INVALID, field,
                     "evidence file %lld is not about unit %s: upload it with ?unit=%s",
                     (long long)id, unit, unit);
            return -1;
        }
        if (evidence_listed(out, (int64_t)id))
            continue;
        if (len + 22 >= outsz) {
            srv_fail(r, E_BAD_FIELD, "evidence", "too many evidence files for one appeal");
            return -1;
        }
        len += (size_t)snprintf(out + len, outsz - len, "%s%lld", len ? "," : "", (long long)id);
    }
    return 0;
}

/* Non-zero (with 404 E_NO_SCHEME in r) when jid stores no scheme `id`. */
static int scheme_missing(struct srv_req *q, struct srv_resp *r, const char *id)
{
    struct kh_scheme_row *rows = NULL;
    struct kh_err err;
    size_t n = 0, i;
    int found = 0;

    kh_err_clear(&err);
    if (kh_store_scheme_list(q->st, q->jid, &rows, &n, &err)) {
        srv_fail_err(r, E_INTERNAL, &err);
        return 1;
    }
    for (i = 0; i < n && !found; i++)
        found = !strcmp(rows[i].id, id);
    free(rows);
    if (!found)
        srv_fail(r, E_NO_SCHEME, "scheme",
                 "no scheme \"%.128s\": GET /api/v1/schemes lists them; leave \"scheme\" out for "
                 "the active one",
                 id);
    return !found;
}

void api_appeal_file(struct srv_req *q, struct srv_resp *r)
{
    struct kh_appeal a, got;
    struct kh_period p;
    struct kh_actor who;
    struct kh_err err;
    const char *unit = NULL, *node = NULL, *period = NULL, *scheme = NULL, *reason = NULL;
    int64_t id;
    int version;
    json_t *body = srv_body_json(q, r);

    if (!body)
        return;
    memset(&a, 0, sizeof(a));
    memset(&got, 0, sizeof(got));
    if (srv_field_str(r, body, "unit", 1, &unit) || srv_field_str(r, body, "node", 1, &node) ||
        srv_field_str(r, body, "period", 1, &period) ||
        srv_field_str(r, body, "scheme", 0, &scheme) ||
        srv_field_str(r, body, "reason", 1, &reason))
        goto out;
    if (!srv_may_unit(q, unit)) {
        srv_fail(r, E_SCOPE, "unit", "a reporter of unit %s files appeals only for that unit",
                 q->acct.unit);
        goto out;
    }
    if (!unit[0] || strlen(unit) >= sizeof(a.unit)) {
        srv_fail(r, E_BAD_FIELD, "unit", "field \"unit\" must be a unit code");
        goto out;
    }
    if (!node[0] || strlen(node) >= sizeof(a.node)) {
        srv_fail(r, E_BAD_FIELD, "node",
                 "field \"node\" must be the id of a scored item of the scheme");
        goto out;
    }
    if (kh_period_parse(period, &p)) {
        srv_fail(r, E_BAD_FIELD, "period",
                 "field \"period\" must be a period such as 2024, 2024H1, 2024Q3 or 2024-07");
        goto out;
    }
    if (!reason[strspn(reason, " \t\r\n")] || strlen(reason) > MAX_REASON) {
        srv_fail(r, E_BAD_FIELD, "reason",
                 "field \"reason\" must say why the score is wrong (1 to %d bytes)", MAX_REASON);
        goto out;
    }
    kh_err_clear(&err);
    if (scheme && (!scheme[0] || strlen(scheme) >= sizeof(a.scheme_id))) {
        srv_fail(r, E_BAD_FIELD, "scheme", "field \"scheme\" must be a scheme id");
        goto out;
    }
    if (!scheme && kh_store_scheme_active(q->st, q->jid, a.scheme_id, &version, &err)) {
        srv_fail_err(r, E_NO_SCHEME, &err);
        goto out;
    }
    if (scheme && scheme_missing(q, r, scheme))
        goto out;
    if (scheme)
        snprintf(a.scheme_id, sizeof(a.scheme_id), "%s", scheme);
    if (read_evidence(q, r, body, unit, a.evidence, sizeof(a.evidence)))
        goto out;
    snprintf(a.unit, sizeof(a.unit), "%s", unit);
    snprintf(a.node, sizeof(a.node), "%s", node);
    kh_period_format(&p, a.period);
    a.reason = (char *)reason;
    srv_actor(q, 0, &who);
    if (kh_store_appeal_file(q->st, q->jid, &a, &who, &id, &err) ||
        kh_store_appeal_get(q->st, q->jid, id, &got, &err)) {
        srv_fail_err(r, E_INVALID, &err);
        goto out;
    }
    r->status = 201;
    srv_ok(r, appeal_json(&got, 1));
out:
    kh_appeal_clear(&got);
    json_decref(body);
}

/* ---- GET /appeals/{id} ---------------------------------------------------------------- */

void api_appeal_get(struct srv_req *q, struct srv_resp *r)
{
    struct kh_appeal a;

    if (load_appeal(q, r, &a))
        return;
    srv_ok(r, appeal_json(&a, 1));
    kh_appeal_clear(&a);
}

/* ---- POST /appeals/{id}/decision ------------------------------------------------------- */

/*
 * Read the "corrections" array of body into *out (n values; the strings
 * point into body). Returns 0, or -1 with the error in r.
 */
static int read_corrections(struct srv_resp *r, json_t *body, struct kh_value_in **out, size_t *n)
{
    json_t *cs = json_object_get(body, "corrections"), *c, *v;
    struct kh_period p;
    size_t i;
    char field[48];

    *out = NULL;
    *n = 0;
    if (!cs || json_is_null(cs))
        return 0;
    if (!json_is_array(cs) || json_array_size(cs) > MAX_CORRECTIONS) {
        srv_fail(r, E_BAD_FIELD, "corrections",
                 "field \"corrections\" must be a list of at most %d values {\"unit\", "
                 "\"indicator\", \"period\", \"value\"}",
                 MAX_CORRECTIONS);
        return -1;
    }
    if (!json_array_size(cs))
        return 0;
    if (!(*out = calloc(json_array_size(cs), sizeof(**out)))) {
        srv_fail(r, E_INTERNAL, NULL, "out of memory");
        return -1;
    }
    json_array_foreach(cs, i, c)
    {
        struct kh_value_in *x = &(*out)[i];
        const char *names[3] = {"unit", "indicator", "period"};
        const char **dst[3] = {&x->unit, &x->indicator, &x->period};
        int k;

        for (k = 0; k < 3; k++) {
            json_t *s = json_is_object(c) ? json_object_get(c, names[k]) : NULL;
            snprintf(field, sizeof(field), "corrections[%zu].%s", i, names[k]);
            if (!json_is_string(s) || !json_string_length(s) ||
                strlen(json_string_value(s)) != json_string_length(s)) {
                srv_fail(r, E_BAD_FIELD, field, "%s must be a non-empty string", field);
                return -1;
            }
            *dst[k] = json_string_value(s);
        }
        if (kh_period_parse(x->period, &p)) {
            srv_fail(r, E_BAD_FIELD, field,
                     "%s must be a period such as 2024, 2024H1, 2024Q3 or 2024-07", field);
            return -1;
        }
        v = json_object_get(c, "value");
        snprintf(field, sizeof(field), "corrections[%zu].value", i);
        if (!v || !(json_is_null(v) || (json_is_number(v) && isfinite(json_number_value(v))))) {
            srv_fail(r, E_BAD_FIELD, field, "%s must be a number (or null: reported missing)",
                     field);
            return -1;
        }
        x->value = json_is_null(v) ? NAN : json_number_value(v);
    }
    *n = json_array_size(cs);
    return 0;
}

/*
 * Refuse corrections that fall inside a locked period (409 E_LOCKED naming
 * the correction): an accepted appeal changes data, and locked data do not
 * change until the office unlocks the period with a reason. Returns 0 when
 * none is locked, -1 with the error in r.
 */
static int corrections_locked(struct srv_req *q, struct srv_resp *r, const struct kh_value_in *cs,
                              size_t n)
{
    char field[48], lock[KH_PERIOD_TEXT];
    struct kh_err err;
    size_t i;
    int locked;

    kh_err_clear(&err);
    for (i = 0; i < n; i++) {
        if (kh_store_period_locked(q->st, q->jid, cs[i].period, &locked, lock, &err) != KH_OK) {
            if (err.code == KH_EINVAL)
                continue; /* not a period: the store refuses the correction itself */
            srv_fail_err(r, E_INTERNAL, &err);
            return -1;
        }
        if (locked) {
            snprintf(field, sizeof(field), "corrections[%zu]", i);
            srv_fail(r, E_LOCKED, field,
                     "%s: value %s %s %s cannot change: period %s is locked (unlock it with a "
                     "reason first)",
                     field, cs[i].unit, cs[i].indicator, cs[i].period, lock);
            return -1;
        }
    }
    return 0;
}

/* Answer a refused decision: the store names a refused correction by its
 * index ("corrections[2]: …"), which becomes the error's field. */
static void fail_decision(struct srv_resp *r, const struct kh_err *err, size_t n)
{
    char field[48] = "";
    const char *m = err->msg;
    char *end;
    unsigned long i;

    if (err->code != KH_EINVAL && err->code != KH_ENOTFOUND) {
        srv_fail_err(r, E_INVALID, err);
        return;
    }
    if (!strncmp(m, "corrections[", 12)) {
        i = strtoul(m + 12, &end, 10);
        if (end != m + 12 && *end == ']' && i < n)
            snprintf(field, sizeof(field), "corrections[%lu]", i);
    }
    srv_fail(r, err->code == KH_ENOTFOUND ? E_NOT_FOUND : E_INVALID, field[0] ? field : NULL, "%s",
             m);
}

void api_appeal_decide(struct srv_req *q, struct srv_resp *r)
{
    struct kh_appeal a;
    struct kh_value_in *cs = NULL;
    struct kh_actor who;
    struct kh_err err;
    const char *reason = NULL;
    size_t n = 0;
    int accept = 0;
    int64_t id;
    json_t *body;

    if (load_appeal(q, r, &a))
        return;
    id = a.id;
    if (!(body = srv_body_json(q, r)))
        goto out;
    if (srv_field_bool(r, body, "accept", 1, &accept) ||
        srv_field_str(r, body, "reason", 0, &reason) || read_corrections(r, body, &cs, &n))
        goto out;
    if (a.state != KH_APPEAL_OPEN) {
        srv_fail(r, E_APPEAL, NULL, "appeal %lld was already %s by %s at %s", (long long)a.id,
                 state_names[a.state == KH_APPEAL_ACCEPTED ? 1 : 2], a.decided_by, a.decided_at);
        goto out;
    }
    if (reason && strlen(reason) > MAX_REASON) {
        srv_fail(r, E_BAD_FIELD, "reason", "field \"reason\" may be at most %d bytes", MAX_REASON);
        goto out;
    }
    if (!accept && (!reason || !reason[strspn(reason, " \t\r\n")])) {
        srv_fail(r, E_APPEAL, "reason",
                 "rejecting appeal %lld of unit %s needs a \"reason\" the unit can read",
                 (long long)a.id, a.unit);
        goto out;
    }
    if (!accept && n) {
        srv_fail(r, E_BAD_FIELD, "corrections",
                 "a rejected appeal corrects nothing: leave \"corrections\" out");
        goto out;
    }
    if (corrections_locked(q, r, cs, n))
        goto out;
    srv_actor(q, 1, &who);
    kh_err_clear(&err);
    kh_appeal_clear(&a);
    memset(&a, 0, sizeof(a));
    if (kh_store_appeal_decide(q->st, q->jid, id, accept, reason, cs, n, &who, &err)) {
        struct kh_appeal now;
        struct kh_err e2;
        /* Decided meanwhile by someone else, or the corrections were refused. */
        memset(&now, 0, sizeof(now));
        kh_err_clear(&e2);
        if (err.code == KH_EINVAL && !kh_store_appeal_get(q->st, q->jid, id, &now, &e2) &&
            now.state != KH_APPEAL_OPEN)
            srv_fail(r, E_APPEAL, NULL, "%s", err.msg);
        else
            fail_decision(r, &err, n);
        kh_appeal_clear(&now);
        goto out;
    }
    if (kh_store_appeal_get(q->st, q->jid, id, &a, &err)) {
        srv_fail_err(r, E_INTERNAL, &err);
        goto out;
    }
    srv_ok(r, appeal_json(&a, 1));
out:
    kh_appeal_clear(&a);
    free(cs);
    json_decref(body);
}
