/*
 * api_values.c — the handlers of values, their review, and targets
 * (docs/api/data.md "Values and review", "Targets"): reading values with
 * their review states, writing them in bulk (all or nothing, optionally
 * submitting them), submitting, approving or returning them, and reading
 * and writing targets and baselines.
 *
 * Scope: a reporter reads and writes only its own unit, a data department
 * only its indicators (srv_may_unit, srv_may_indicator); a list is
 * narrowed to the scope, a named item outside it is refused with 2006.
 * Every row of a bulk request is checked (types, period, scope) before the
 * store is called; the store then applies all rows in one transaction.
 *
 * Store refusals are told apart without reading their wording: the store
 * names the refused row by its index ("values[3]: …"), and a refusal of a
 * row whose period lies inside a locked period (kh_store_period_list) is
 * 3003; otherwise a refused review step is 3004 and a refused write 3002;
 * KH_ENOTFOUND (unknown unit, no such value) is 3001.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

#define MAX_ROWS 10000 /* rows of one bulk request; larger data go through imports */

/* Review state names as the API spells them (enum kh_review_state order). */
static const char *const state_names[] = {"draft", "submitted", "approved", "returned"};

static const char *state_name(int s)
{
    return s >= 0 && s < 4 ? state_names[s] : "unknown";
}

/* ---- reading fields of the rows of a bulk request ---------------------------------- */

/*
 * String `key` of row i of array `arr`: non-empty, at most max bytes, no
 * NUL. Missing or null: an error when required, else *out = NULL. Returns 0
 * or -1 with E_BAD_FIELD naming "arr[i].key" in r.
 */
static int item_str(struct srv_resp *r, json_t *o, const char *arr, size_t i, const char *key,
                    size_t max, int required, const char **out)
{
    json_t *v = json_object_get(o, key);
    char field[96];

    snprintf(field, sizeof(field), "%s[%zu].%s", arr, i, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (!required)
            return 0;
        srv_fail(r, E_BAD_FIELD, field, "%s is required", field);
        return -1;
    }
    if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        srv_fail(r, E_BAD_FIELD, field, "%s must be a non-empty string of at most %zu bytes", field,
                 max);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

/*
 * Number `key` of row i of `arr`: a number, or null for none (NaN). When
 * `need` the key must be present (null allowed); otherwise a missing key
 * is NaN too. Returns 0 or -1 with E_BAD_FIELD in r.
 */
static int item_num(struct srv_resp *r, json_t *o, const char *arr, size_t i, const char *key,
                    int need, double *out)
{
    json_t *v = json_object_get(o, key);
    char field[96];

    snprintf(field, sizeof(field), "%s[%zu].%s", arr, i, key);
    *out = NAN;
    if (!v && need) {
        srv_fail(r, E_BAD_FIELD, field, "%s is required: a number, or null for reported missing",
                 field);
        return -1;
    }
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        srv_fail(r, E_BAD_FIELD, field, "%s must be a number or null", field);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

/* The array `arr` of body: 1..MAX_ROWS objects. NULL with E_BAD_FIELD in r. */
static json_t *rows_of(struct srv_resp *r, json_t *body, const char *arr)
{
    json_t *a = json_object_get(body, arr);
    size_t i;

    if (!a || !json_is_array(a) || !json_array_size(a) || json_array_size(a) > MAX_ROWS) {
        srv_fail(r, E_BAD_FIELD, arr, "\"%s\" must be an array of 1 to %d objects", arr, MAX_ROWS);
        return NULL;
    }
    for (i = 0; i < json_array_size(a); i++) {
        char field[64];
        if (json_is_object(json_array_get(a, i)))
            continue;
        snprintf(field, sizeof(field), "%s[%zu]", arr, i);
        srv_fail(r, E_BAD_FIELD, field, "%s must be an object", field);
        return NULL;
    }
    return a;
}

/*
 * Unit, indicator and period of row i of arr (period checked, scope
 * checked: 2006 outside the account's unit or indicators). Returns 0 or
 * -1 with the error in r.
 */
static int item_key(struct srv_req *q, struct srv_resp *r, json_t *o, const char *arr, size_t i,
                    const char **unit, const char **indicator, const char **period)
{
    struct kh_period p;
    char field[96];

    if (item_str(r, o, arr, i, "unit", 128, 1, unit) ||
        item_str(r, o, arr, i, "indicator", 128, 1, indicator) ||
        item_str(r, o, arr, i, "period", 32, 1, period))
        return -1;
    if (kh_period_parse(*period, &p)) {
        snprintf(field, sizeof(field), "%s[%zu].period", arr, i);
        srv_fail(r, E_BAD_FIELD, field,
                 "%s \"%s\" is not a period: expected a year (2024), a half (2024H1), a quarter "
                 "(2024Q3) or a month (2024-07)",
                 field, *period);
        return -1;
    }
    if (!srv_may_unit(q, *unit)) {
        snprintf(field, sizeof(field), "%s[%zu].unit", arr, i);
        srv_fail(r, E_SCOPE, field, "%s: unit %s is not yours: you may only file data of unit %s",
                 field, *unit, q->acct.unit);
        return -1;
    }
    if (!srv_may_indicator(q, *indicator)) {
        snprintf(field, sizeof(field), "%s[%zu].indicator", arr, i);
        srv_fail(r, E_SCOPE, field,
                 "%s: indicator %s is not one of your department's indicators (%s)", field,
                 *indicator, q->acct.indicators);
        return -1;
    }
    return 0;
}

/*
 * The rows of array `arr` of body as value keys (and values when
 * with_value: "value" is required, null for reported missing). *out is
 * malloc'ed (caller frees); its strings point into body. Returns 0 or -1
 * with the error in r.
 */
static int parse_items(struct srv_req *q, struct srv_resp *r, json_t *body, const char *arr,
                       int with_value, struct kh_value_in **out, size_t *n)
{
    json_t *a = rows_of(r, body, arr), *o;
    struct kh_value_in *in;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!a)
        return -1;
    if (!(in = calloc(json_array_size(a), sizeof(*in)))) {
        srv_fail(r, E_INTERNAL, NULL, "out of memory");
        return -1;
    }
    json_array_foreach(a, i, o)
    {
        in[i].value = NAN;
        if (item_key(q, r, o, arr, i, &in[i].unit, &in[i].indicator, &in[i].period) ||
            (with_value && item_num(r, o, arr, i, "value", 1, &in[i].value))) {
            free(in);
            return -1;
        }
    }
    *out = in;
    *n = json_array_size(a);
    return 0;
}

/* ---- store errors ------------------------------------------------------------------- */

/* The row index a store message starts with ("values[3]: …"), with *rest
 * after the prefix; -1 (rest = msg) when there is none. */
static long msg_index(const char *msg, const char **rest)
{
    const char *s = msg;
    long idx = 0;

    *rest = msg;
    while ((*s >= 'a' && *s <= 'z') || *s == '_')
        s++;
    if (s == msg || *s++ != '[' || *s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9' && idx < 100000000; s++)
        idx = idx * 10 + (*s - '0');
    if (*s++ != ']' || *s++ != ':')
        return -1;
    while (*s == ' ')
        s++;
    *rest = s;
    return idx;
}

/* The period of row i of a bulk call's rows (values or targets). */
typedef const char *(*period_at_fn)(const void *rows, size_t i);

static const char *value_period(const void *rows, size_t i)
{
    return ((const struct kh_value_in *)rows)[i].period;
}

static const char *target_period(const void *rows, size_t i)
{
    return ((const struct kh_target_in *)rows)[i].period;
}

/*
 * Answer a refusal of a bulk store call over the n `rows` of array `arr`:
 * 3003 when the refused row's period lies in a locked one, else `refused`
 * (3004 for review steps, 3002 for writes); 3001 for KH_ENOTFOUND; other
 * errors as srv_fail_err. The field names the refused row.
 */
static void fail_rows(struct srv_req *q, struct srv_resp *r, const struct kh_err *err,
                      const char *arr, const void *rows, period_at_fn period_at, size_t n,
                      int refused)
{
    char field[64] = "", lock[KH_PERIOD_TEXT];
    const char *rest;
    long idx = msg_index(err->msg, &rest);
    size_t i, from = 0, to = n;

    if (err->code != KH_EINVAL && err->code != KH_ENOTFOUND) {
        srv_fail_err(r, E_INVALID, err);
        return;
    }
    if (idx >= 0 && (size_t)idx < n) {
        snprintf(field, sizeof(field), "%s[%ld]", arr, idx);
        from = (size_t)idx;
        to = from + 1;
    }
    if (err->code == KH_ENOTFOUND) {
        srv_fail(r, E_NOT_FOUND, field[0] ? field : NULL, "%s", rest);
        return;
    }
    for (i = from; i < to; i++)
        if (srv_period_locked(q, period_at(rows, i), lock)) {
            snprintf(field, sizeof(field), "%s[%zu]", arr, i);
            if (strstr(rest, " is locked"))
                srv_fail(r, E_LOCKED, field, "%s", rest);
            else /* refused first for another reason, but locked all the same */
                srv_fail(r, E_LOCKED, field, "%s; period %s is locked, too", rest, lock);
            return;
        }
    srv_fail(r, refused, field[0] ? field : NULL, "%s", rest);
}

/* The rows' current values and states, as the store now has them. */
static json_t *rows_now(struct srv_req *q, const struct kh_value_in *in, size_t n)
{
    json_t *a = json_array();
    struct kh_period p;
    char period[KH_PERIOD_TEXT];
    size_t i;

    for (i = 0; i < n; i++) {
        struct kh_err err;
        double v = NAN;
        int state = -1;
        json_t *o = json_object();

        kh_err_clear(&err);
        if (kh_store_value_get(q->st, q->jid, in[i].unit, in[i].indicator, in[i].period, &v, &state,
                               &err) != KH_OK)
            state = -1;
        kh_period_parse(in[i].period, &p);
        json_object_set_new(o, "unit", srv_json_str(in[i].unit));
        json_object_set_new(o, "indicator", srv_json_str(in[i].indicator));
        json_object_set_new(o, "period", srv_json_str(kh_period_format(&p, period)));
        json_object_set_new(o, "value", srv_json_num(v));
        json_object_set_new(o, "state", state >= 0 ? json_string(state_name(state)) : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

/* ---- values ----------------------------------------------------------------------- */

/* What GET /values collects. */
struct value_page {
    json_t *list;
    size_t total, limit, offset;
};

static int value_row(void *user, const struct kh_value_row *row)
{
    struct value_page *pg = user;
    json_t *o;

    if (pg->total >= pg->offset && pg->total - pg->offset < pg->limit) {
        o = json_object();
        json_object_set_new(o, "unit", srv_json_str(row->unit));
        json_object_set_new(o, "indicator", srv_json_str(row->indicator));
        json_object_set_new(o, "period", srv_json_str(row->period));
        json_object_set_new(o, "value", srv_json_num(row->value));
        json_object_set_new(o, "state", json_string(state_name(row->state)));
        json_object_set_new(o, "by", srv_json_str(row->by));
        json_object_set_new(o, "at", srv_json_str(row->at));
        if (row->note)
            json_object_set_new(o, "note", srv_json_str(row->note));
        json_array_append_new(pg->list, o);
    }
    pg->total++;
    return 0;
}

/*
 * The unit, indicator and period filters of a read, narrowed to the
 * account's scope: a reporter's unit is forced (another is 2006), a
 * department's indicators (another is 2006). inds[] receives the indicator
 * codes (pointing into q or buf), *ninds their number; *none is set when
 * the scope is empty (a department without indicators). Returns 0 or -1
 * with the error in r.
 */
static int read_scope(struct srv_req *q, struct srv_resp *r, const char **unit, char period[],
                      const char **inds, size_t *ninds, size_t maxinds, char *buf, size_t bufsz,
                      int *none)
{
    const char *u = srv_query_filter(q, "unit"), *ind = srv_query_filter(q, "indicator"),
               *per = srv_query_filter(q, "period");
    struct kh_period p;
    char *s;

    *none = 0;
    *ninds = 0;
    period[0] = '\0';
    if (per) {
        if (kh_period_parse(per, &p)) {
            srv_fail(r, E_BAD_QUERY, "period",
                     "period must be a year (2024), a half (2024H1), a quarter (2024Q3) or a "
                     "month (2024-07)");
            return -1;
        }
        kh_period_format(&p, period);
    }
    if (q->acct.role == KH_ROLE_REPORTER) {
        if (u && !srv_may_unit(q, u)) {
            srv_fail(r, E_SCOPE, "unit", "unit %.128s is not yours: you may only read unit %s", u,
                     q->acct.unit);
            return -1;
        }
        u = q->acct.unit;
    }
    *unit = u;
    if (ind) {
        if (q->acct.role == KH_ROLE_DEPT && !srv_may_indicator(q, ind)) {
            srv_fail(r, E_SCOPE, "indicator",
                     "indicator %.128s is not one of your department's indicators (%s)", ind,
                     q->acct.indicators);
            return -1;
        }
        inds[(*ninds)++] = ind;
    } else if (q->acct.role == KH_ROLE_DEPT) {
        snprintf(buf, bufsz, "%s", q->acct.indicators);
        for (s = buf; *s && *ninds < maxinds;) {
            char *comma = strchr(s, ',');
            if (comma)
                *comma = '\0';
            if (*s)
                inds[(*ninds)++] = s;
            if (!comma)
                break;
            s = comma + 1;
        }
        *none = !*ninds;
    }
    return 0;
}

/* GET /values?period=&unit=&indicator=&state=: stored values with their review states. */
void api_values_list(struct srv_req *q, struct srv_resp *r)
{
    const char *inds[256], *st = srv_query_filter(q, "state");
    char period[KH_PERIOD_TEXT], buf[sizeof(q->acct.indicators)];
    struct kh_value_query vq;
    struct value_page pg;
    struct kh_err err;
    int none, s;

    memset(&vq, 0, sizeof(vq));
    memset(&pg, 0, sizeof(pg));
    vq.state = -1;
    if (st) {
        for (s = 0; s < 4 && strcmp(st, state_names[s]); s++)
            ;
        if (s == 4) {
            srv_fail(r, E_BAD_QUERY, "state",
                     "state must be draft, submitted, approved or returned");
            return;
        }
        vq.state = s;
    }
    if (srv_page(q, r, 100, 1000, &pg.limit, &pg.offset) ||
        read_scope(q, r, &vq.unit, period, inds, &vq.n_indicators, 256, buf, sizeof(buf), &none))
        return;
    vq.period = period[0] ? period : NULL;
    vq.indicators = vq.n_indicators ? inds : NULL;
    pg.list = json_array();
    kh_err_clear(&err);
    if (!none && kh_store_value_list(q->st, q->jid, &vq, value_row, &pg, &err) != KH_OK) {
        json_decref(pg.list);
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    srv_ok_page(r, pg.list, pg.total, pg.limit, pg.offset);
}

/* PUT /values {"values": [{unit, indicator, period, value}], "submit"?}: all or nothing. */
void api_values_put(struct srv_req *q, struct srv_resp *r)
{
    struct kh_value_in *in = NULL;
    struct kh_actor who;
    struct kh_err err;
    size_t n = 0, changed = 0;
    int submit = 0;
    json_t *body = srv_body_json(q, r), *o;

    if (!body)
        return;
    if (srv_field_bool(r, body, "submit", 0, &submit) ||
        parse_items(q, r, body, "values", 1, &in, &n))
        goto done;
    srv_actor(q, q->acct.role == KH_ROLE_ADMIN, &who);
    kh_err_clear(&err);
    if (kh_store_values_set(q->st, q->jid, in, n, submit, &who, &changed, &err) != KH_OK) {
        fail_rows(q, r, &err, "values", in, value_period, n, E_INVALID);
        goto done;
    }
    o = json_object();
    json_object_set_new(o, "changed", json_integer((json_int_t)changed));
    json_object_set_new(o, "values", rows_now(q, in, n));
    srv_ok(r, o);
done:
    free(in);
    json_decref(body);
}

/* Move the body's "items" to `state` as `who` (note may be NULL). */
static void review_items(struct srv_req *q, struct srv_resp *r, json_t *body, int state,
                         const char *note, const struct kh_actor *who)
{
    struct kh_value_in *in = NULL;
    struct kh_err err;
    size_t n = 0;

    if (parse_items(q, r, body, "items", 0, &in, &n))
        return;
    kh_err_clear(&err);
    if (kh_store_values_review(q->st, q->jid, in, n, state, note, who, &err) != KH_OK)
        fail_rows(q, r, &err, "items", in, value_period, n, E_REVIEW);
    else
        srv_ok(r, json_pack("{s:o}", "items", rows_now(q, in, n)));
    free(in);
}

/* POST /values/submit {"items": [{unit, indicator, period}]}: draft or returned → submitted. */
void api_values_submit(struct srv_req *q, struct srv_resp *r)
{
    struct kh_actor who;
    json_t *body = srv_body_json(q, r);

    if (!body)
        return;
    srv_actor(q, 0, &who);
    review_items(q, r, body, KH_REVIEW_SUBMITTED, NULL, &who);
    json_decref(body);
}

/* POST /values/review {"action": "approve"|"return", "note", "items"}: as the office. */
void api_values_review(struct srv_req *q, struct srv_resp *r)
{
    const char *action = NULL, *note = NULL;
    struct kh_actor who;
    json_t *body = srv_body_json(q, r);
    int state;

    if (!body)
        return;
    if (srv_field_str(r, body, "action", 1, &action) || srv_field_str(r, body, "note", 0, &note))
        goto done;
    if (!strcmp(action, "approve")) {
        state = KH_REVIEW_APPROVED;
    } else if (!strcmp(action, "return")) {
        state = KH_REVIEW_RETURNED;
    } else {
        srv_fail(r, E_BAD_FIELD, "action", "action must be \"approve\" or \"return\"");
        goto done;
    }
    if (note && strlen(note) > 1000) {
        srv_fail(r, E_BAD_FIELD, "note", "the note may be at most 1000 bytes long");
        goto done;
    }
    if (state == KH_REVIEW_RETURNED && (!note || !note[strspn(note, " \t\r\n")])) {
        srv_fail(r, E_BAD_FIELD, "note",
                 "returning values needs a note saying what to correct (\"note\": \"…\")");
        goto done;
    }
    srv_actor(q, 1, &who);
    review_items(q, r, body, state, note, &who);
done:
    json_decref(body);
}

/* ---- targets ---------------------------------------------------------------------- */

/* GET /targets?period=&unit=&indicator=: targets and baselines, scoped like values. */
void api_targets_list(struct srv_req *q, struct srv_resp *r)
{
    const char *inds[256], *unit = NULL;
    char period[KH_PERIOD_TEXT], text[KH_PERIOD_TEXT], buf[sizeof(q->acct.indicators)];
    struct kh_dataset *ds = NULL;
    struct kh_period p;
    struct kh_err err;
    size_t limit, offset, total = 0, ninds = 0, i, k;
    json_t *list;
    int none;

    if (srv_page(q, r, 100, 1000, &limit, &offset) ||
        read_scope(q, r, &unit, period, inds, &ninds, 256, buf, sizeof(buf), &none))
        return;
    kh_err_clear(&err);
    if (kh_store_dataset(q->st, q->jid, &ds, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    if (period[0])
        kh_period_parse(period, &p);
    list = json_array();
    for (i = 0; i < ds->ntargets && !none; i++) {
        const struct kh_target *t = &ds->targets[i];
        const char *ind = ds->indicators[t->indicator];
        json_t *o;
        if ((unit && strcmp(ds->units[t->unit].id, unit)) ||
            (period[0] && !kh_period_equal(&t->period, &p)))
            continue;
        for (k = 0; k < ninds && strcmp(inds[k], ind); k++)
            ;
        if (ninds && k == ninds)
            continue;
        if (total >= offset && total - offset < limit) {
            o = json_object();
            json_object_set_new(o, "unit", srv_json_str(ds->units[t->unit].id));
            json_object_set_new(o, "indicator", srv_json_str(ind));
            json_object_set_new(o, "period", srv_json_str(kh_period_format(&t->period, text)));
            json_object_set_new(o, "target", srv_json_num(t->target));
            json_object_set_new(o, "baseline", srv_json_num(t->baseline));
            json_array_append_new(list, o);
        }
        total++;
    }
    kh_dataset_free(ds);
    srv_ok_page(r, list, total, limit, offset);
}

/* PUT /targets {"targets": [{unit, indicator, period, target, baseline}]}: all or nothing. */
void api_targets_put(struct srv_req *q, struct srv_resp *r)
{
    struct kh_target_in *in = NULL;
    struct kh_actor who;
    struct kh_err err;
    json_t *body = srv_body_json(q, r), *a, *o;
    size_t i, n = 0;

    if (!body)
        return;
    if (!(a = rows_of(r, body, "targets")))
        goto done;
    n = json_array_size(a);
    if (!(in = calloc(n, sizeof(*in)))) {
        srv_fail(r, E_INTERNAL, NULL, "out of memory");
        goto done;
    }
    json_array_foreach(a, i, o)
    {
        if (item_key(q, r, o, "targets", i, &in[i].unit, &in[i].indicator, &in[i].period) ||
            item_num(r, o, "targets", i, "target", 0, &in[i].target) ||
            item_num(r, o, "targets", i, "baseline", 0, &in[i].baseline))
            goto done;
        if (isnan(in[i].target) && isnan(in[i].baseline)) {
            char field[64];
            snprintf(field, sizeof(field), "targets[%zu]", i);
            srv_fail(r, E_BAD_FIELD, field, "%s needs a target, a baseline or both (numbers)",
                     field);
            goto done;
        }
    }
    srv_actor(q, 1, &who);
    kh_err_clear(&err);
    if (kh_store_targets_set(q->st, q->jid, in, n, &who, &err) != KH_OK) {
        fail_rows(q, r, &err, "targets", in, target_period, n, E_INVALID);
        goto done;
    }
    srv_ok(r, json_pack("{s:I}", "written", (json_int_t)n));
done:
    free(in);
    json_decref(body);
}
