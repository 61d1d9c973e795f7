/*
 * api_events.c — the handlers of events, evidence files and ballots
 * (docs/api/data.md "Events", "Evidence", "Ballots"): listing, adding and
 * deleting events (bonuses, deductions, honours); uploading an evidence
 * file as the request body and downloading it; listing ballots and casting
 * one's own ballots at an evaluation meeting.
 *
 * An event cites evidence by id; the store keeps the references as
 * "evidence:1,evidence:2". Evidence is downloaded as an attachment, and
 * with its stored media type only when that is one a browser shows safely
 * (PNG, JPEG, PDF); anything else is sent as application/octet-stream.
 * A reporter uploads and downloads only its own unit's evidence; an
 * evaluator sees only its own ballots.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

/* ---- small helpers ---------------------------------------------------------------------- */

/*
 * Optional string field `key` of o (row `field` names it in errors): at
 * most max bytes, no NUL; "" and null are none (*out = NULL). Returns 0 or
 * -1 with E_BAD_FIELD in r.
 */
static int opt_str(struct srv_resp *r, json_t *o, const char *key, const char *field, size_t max,
                   const char **out)
{
    json_t *v = json_object_get(o, key);

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        srv_fail(r, E_BAD_FIELD, field, "%s must be a string of at most %zu bytes", field, max);
        return -1;
    }
    if (json_string_length(v))
        *out = json_string_value(v);
    return 0;
}

/* Required string field: as opt_str, but missing or empty is an error. */
static int req_str(struct srv_resp *r, json_t *o, const char *key, const char *field, size_t max,
                   const char **out)
{
    if (opt_str(r, o, key, field, max, out))
        return -1;
    if (!*out) {
        srv_fail(r, E_BAD_FIELD, field, "%s is required (a non-empty string)", field);
        return -1;
    }
    return 0;
}

/* ---- events ------------------------------------------------------------------------ */

/* An event as JSON; "evidence_ids" lists the evidence files it cites. */
static json_t *event_json(const struct kh_event_row *e)
{
    json_t *o = json_object(), *ids = json_array();
    const char *s;

    for (s = e->evidence; s && (s = strstr(s, "evidence:")) != NULL;) {
        int64_t id = 0;
        for (s += 9; *s >= '0' && *s <= '9' && id < 100000000000000; s++)
            id = id * 10 + (*s - '0');
        if (id)
            json_array_append_new(ids, json_integer(id));
    }
    json_object_set_new(o, "id", json_integer(e->id));
    json_object_set_new(o, "unit", srv_json_str(e->unit));
    json_object_set_new(o, "item", srv_json_str(e->item));
    json_object_set_new(o, "period", srv_json_str(e->period));
    json_object_set_new(o, "level", srv_json_str(e->level));
    json_object_set_new(o, "count", srv_json_num(e->count));
    json_object_set_new(o, "matter", srv_json_str(e->matter));
    json_object_set_new(o, "points", srv_json_num(e->points));
    json_object_set_new(o, "shares", json_integer(e->shares));
    json_object_set_new(o, "exempt", json_boolean(e->exempt));
    json_object_set_new(o, "evidence", srv_json_str(e->evidence));
    json_object_set_new(o, "evidence_ids", ids);
    json_object_set_new(o, "note", srv_json_str(e->note));
    json_object_set_new(o, "by", srv_json_str(e->by));
    json_object_set_new(o, "at", srv_json_str(e->at));
    return o;
}

/* What an event listing collects: a page, or the one event with id `want`. */
struct event_page {
    json_t *list;
    size_t total, limit, offset;
    const char *item; /* ?item= filter, or NULL */
    int64_t want;     /* > 0: find this event only */
    json_t *found;
};

static int event_row(void *user, const struct kh_event_row *e)
{
    struct event_page *pg = user;

    if (pg->want) {
        if (e->id != pg->want)
            return 0;
        pg->found = event_json(e);
        return 1;
    }
    if (pg->item && (!e->item || strcmp(e->item, pg->item)))
        return 0;
    if (pg->total >= pg->offset && pg->total - pg->offset < pg->limit)
        json_array_append_new(pg->list, event_json(e));
    pg->total++;
    return 0;
}

/* Event `id` (filtered by unit and period when known) as JSON into *out
 * (NULL when there is none). Returns 0, or -1 with the error in r. */
static int event_find(struct srv_req *q, struct srv_resp *r, int64_t id, const char *period,
                      const char *unit, json_t **out)
{
    struct event_page pg;
    struct kh_err err;

    memset(&pg, 0, sizeof(pg));
    pg.want = id;
    kh_err_clear(&err);
    if (kh_store_event_list(q->st, q->jid, period, unit, event_row, &pg, &err) < 0) {
        json_decref(pg.found);
        srv_fail_err(r, E_INTERNAL, &err);
        return -1;
    }
    *out = pg.found;
    return 0;
}

/* GET /events?period=&unit=&item=: events, a reporter's own unit only, paged. */
void api_events_list(struct srv_req *q, struct srv_resp *r)
{
    const char *unit = srv_query_filter(q, "unit"), *period = srv_query_filter(q, "period");
    char canon[KH_PERIOD_TEXT];
    struct event_page pg;
    struct kh_period p;
    struct kh_err err;

    memset(&pg, 0, sizeof(pg));
    pg.item = srv_query_filter(q, "item");
    if (srv_page(q, r, 100, 1000, &pg.limit, &pg.offset))
        return;
    if (period) {
        if (kh_period_parse(period, &p)) {
            srv_fail(r, E_BAD_QUERY, "period",
                     "period must be a year (2024), a half (2024H1), a quarter (2024Q3) or a "
                     "month (2024-07)");
            return;
        }
        period = kh_period_format(&p, canon);
    }
    if (q->acct.role == KH_ROLE_REPORTER) {
        if (unit && !srv_may_unit(q, unit)) {
            srv_fail(r, E_SCOPE, "unit", "unit %.128s is not yours: you may only read unit %s",
                     unit, q->acct.unit);
            return;
        }
        unit = q->acct.unit;
    }
    pg.list = json_array();
    kh_err_clear(&err);
    if (kh_store_event_list(q->st, q->jid, period, unit, event_row, &pg, &err) != KH_OK) {
        json_decref(pg.list);
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    srv_ok_page(r, pg.list, pg.total, pg.limit, pg.offset);
}

/*
 * The body's "evidence" (an array of evidence ids, each existing and about
 * the event's unit or no unit) as "evidence:1,evidence:2" into out.
 * Returns 0 or -1 with the error in r.
 */
static int evidence_refs(struct srv_req *q, struct srv_resp *r, json_t *body, const char *unit,
                         char *out, size_t outsz)
{
    json_t *a = json_object_get(body, "evidence"), *v;
    size_t i, len = 0;

    out[0] = '\0';
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a) || json_array_size(a) > 20) {
        srv_fail(r, E_BAD_FIELD, "evidence",
                 "evidence must be an array of at most 20 evidence ids (from POST /evidence)");
        return -1;
    }
    json_array_foreach(a, i, v)
    {
        char field[32];
        struct kh_evidence ev;
        struct kh_err err;
        int64_t id = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
        snprintf(field, sizeof(field), "evidence[%zu]", i);
        if (id < 1) {
            srv_fail(r, E_BAD_FIELD, field, "%s must be an evidence id (a whole number)", field);
            return -1;
        }
        kh_err_clear(&err);
        if (kh_store_evidence_get(q->st, q->jid, id, &ev, NULL, &err) != KH_OK) {
            if (err.code == KH_ENOTFOUND)
                srv_fail(r, E_NOT_FOUND, field,
                         "%s: no evidence file %lld: upload it with POST "
                         "/api/v1/evidence first",
                         field, (long long)id);
            else
                srv_fail_err(r, E_INTERNAL, &err);
            return -1;
        }
        if (ev.unit[0] && strcmp(ev.unit, unit)) {
            srv_fail(r, E_INVALID, field, "%s: evidence file %lld is about unit %s, not %s", field,
                     (long long)id, ev.unit, unit);
            return -1;
        }
        len += (size_t)snprintf(out + len, outsz - len, "%sevidence:%lld", len ? "," : "",
                                (long long)id);
    }
    return 0;
}

/* POST /events {unit, item, period, level?, count?, matter?, points?, shares?, exempt?,
 * evidence?, note?}: add one event (201 with the stored event). */
void api_event_add(struct srv_req *q, struct srv_resp *r)
{
    struct kh_event_row e;
    struct kh_period p;
    struct kh_actor who;
    struct kh_err err;
    char period[KH_PERIOD_TEXT], lock[KH_PERIOD_TEXT], refs[20 * 32];
    int64_t id = 0, shares = 1;
    json_t *body = srv_body_json(q, r), *o = NULL;

    if (!body)
        return;
    memset(&e, 0, sizeof(e));
    e.count = 1;
    e.points = NAN;
    if (req_str(r, body, "unit", "unit", 128, &e.unit) ||
        req_str(r, body, "item", "item", 128, &e.item) ||
        req_str(r, body, "period", "period", 32, &e.period) ||
        opt_str(r, body, "level", "level", 128, &e.level) ||
        opt_str(r, body, "matter", "matter", 256, &e.matter) ||
        opt_str(r, body, "note", "note", 2000, &e.note) ||
        srv_field_num(r, body, "count", 0, &e.count) ||
        srv_field_num(r, body, "points", 0, &e.points) ||
        srv_field_int(r, body, "shares", 0, &shares) ||
        srv_field_bool(r, body, "exempt", 0, &e.exempt))
        goto done;
    if (kh_period_parse(e.period, &p)) {
        srv_fail(r, E_BAD_FIELD, "period",
                 "\"%s\" is not a period: expected a year (2024), a half (2024H1), a quarter "
                 "(2024Q3) or a month (2024-07)",
                 e.period);
        goto done;
    }
    e.period = kh_period_format(&p, period);
    if (e.count < 0 || e.count > 1e6) {
        srv_fail(r, E_BAD_FIELD, "count", "count must be a number from 0 to 1000000");
        goto done;
    }
    if (shares < 1 || shares > 1000) {
        srv_fail(r, E_BAD_FIELD, "shares", "shares must be a whole number from 1 to 1000");
        goto done;
    }
    e.shares = (int)shares;
    if (!srv_may_unit(q, e.unit)) {
        srv_fail(r, E_SCOPE, "unit", "unit %s is not yours", e.unit);
        goto done;
    }
    if (evidence_refs(q, r, body, e.unit, refs, sizeof(refs)))
        goto done;
    e.evidence = refs[0] ? refs : NULL;
    if (srv_period_locked(q, e.period, lock)) {
        srv_fail(r, E_LOCKED, "period", "events of %s cannot change: period %s is locked", e.period,
                 lock);
        goto done;
    }
    srv_actor(q, 0, &who);
    kh_err_clear(&err);
    if (kh_store_event_add(q->st, q->jid, &e, &who, &id, &err) != KH_OK) {
        if (err.code == KH_ENOTFOUND)
            srv_fail(r, E_NOT_FOUND, "unit", "%s", err.msg);
        else
            srv_fail_err(r, srv_period_locked(q, e.period, lock) ? E_LOCKED : E_INVALID, &err);
        goto done;
    }
    if (event_find(q, r, id, e.period, e.unit, &o))
        goto done;
    r->status = 201;
    srv_ok(r, o ? o : json_pack("{s:I}", "id", (json_int_t)id));
done:
    json_decref(body);
}

/* DELETE /events/{id}: delete one event; answers the deleted event. */
void api_event_delete(struct srv_req *q, struct srv_resp *r)
{
    int64_t id = srv_parse_id(q->param[0]);
    char lock[KH_PERIOD_TEXT];
    struct kh_actor who;
    struct kh_err err;
    json_t *o = NULL, *period;

    if (id < 1 || event_find(q, r, id, NULL, NULL, &o))
        goto missing;
    if (!o)
        goto missing;
    if (!srv_may_unit(q, json_string_value(json_object_get(o, "unit")))) {
        srv_fail(r, E_SCOPE, "id", "event %lld is not about your unit", (long long)id);
        goto done;
    }
    period = json_object_get(o, "period");
    if (srv_period_locked(q, json_string_value(period), lock)) {
        srv_fail(r, E_LOCKED, "id", "event %lld of %s cannot be deleted: period %s is locked",
                 (long long)id, json_string_value(period), lock);
        goto done;
    }
    srv_actor(q, 0, &who);
    kh_err_clear(&err);
    if (kh_store_event_delete(q->st, q->jid, id, &who, &err) != KH_OK) {
        srv_fail_err(r, E_INVALID, &err);
        goto done;
    }
    srv_ok(r, o);
    return;
missing:
    if (!r->status)
        srv_fail(r, E_NOT_FOUND, "id", "no event %.32s (GET /api/v1/events lists them)",
                 q->param[0]);
done:
    json_decref(o);
}

/* ---- evidence ---------------------------------------------------------------------- */

/* The media type of an upload: the Content-Type's type/subtype in lower
 * case when it is a well-formed token pair, else application/octet-stream. */
static void upload_mime(const char *ct, char out[128])
{
    size_t n = 0, slash = 0;
    const char *s;

    for (s = ct; s && *s && *s != ';' && *s != ' ' && n < 127; s++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
        if (c == '/' && !slash && n)
            slash = n;
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("!#$&^_.+-", c)))
            break;
        out[n++] = c;
    }
    out[n] = '\0';
    if (!s || (*s && *s != ';' && *s != ' ') || !slash || slash + 1 == n)
        snprintf(out, 128, "application/octet-stream");
}

/* Back n up to the start of a UTF-8 character of s. */
static size_t utf8_cut(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/*
 * The name to store for an upload named `given` (may be NULL): its last
 * path component, "evidence" when empty; a name too long for out[outsz]
 * is shortened in the middle of its stem, keeping an extension of up to
 * 16 bytes, at UTF-8 character boundaries. (The store removes control
 * bytes.)
 */
static void evidence_name(const char *given, char *out, size_t outsz)
{
    const char *base = given, *s, *ext;
    size_t n, e, keep;

    for (s = given; s && *s; s++)
        if (*s == '/' || *s == '\\')
            base = s + 1;
    if (!base || !base[0])
        base = "evidence";
    n = strlen(base);
    if (n < outsz) {
        memcpy(out, base, n + 1);
        return;
    }
    ext = strrchr(base, '.');
    e = ext && strlen(ext) <= 16 ? strlen(ext) : 0;
    keep = utf8_cut(base, outsz - 1 - e);
    memcpy(out, base, keep);
    memcpy(out + keep, base + n - e, e);
    out[keep + e] = '\0';
}

/* The evidence's description as JSON. */
static json_t *evidence_json(const struct kh_evidence *ev)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(ev->id));
    json_object_set_new(o, "name", srv_json_str(ev->name));
    json_object_set_new(o, "mime", srv_json_str(ev->mime));
    json_object_set_new(o, "size", json_integer((json_int_t)ev->size));
    json_object_set_new(o, "sha256", srv_json_str(ev->sha256));
    json_object_set_new(o, "unit", ev->unit[0] ? srv_json_str(ev->unit) : json_null());
    json_object_set_new(o, "by", srv_json_str(ev->by));
    json_object_set_new(o, "at", srv_json_str(ev->at));
    return o;
}

/* POST /evidence?name=&unit=: store the body as an evidence file (201). */
void api_evidence_upload(struct srv_req *q, struct srv_resp *r)
{
    const char *name = srv_query(q, "name"), *unit = srv_query(q, "unit");
    size_t max = srv_opts(q->srv)->max_evidence;
    struct kh_evidence ev;
    struct kh_actor who;
    struct kh_err err;
    char mime[128], fname[181]; /* 180 bytes: percent-encoded, it fits r->disposition */

    if (q->acct.role == KH_ROLE_REPORTER && (!unit || !unit[0])) {
        srv_fail(r, E_BAD_QUERY, "unit", "say which unit the file is about: ?unit=%s",
                 q->acct.unit);
        return;
    }
    if (unit && !unit[0])
        unit = NULL;
    if (unit && !srv_may_unit(q, unit)) {
        srv_fail(r, E_SCOPE, "unit",
                 "unit %.128s is not yours: you may only upload evidence "
                 "about unit %s",
                 unit, q->acct.unit);
        return;
    }
    if (q->body_len > max) {
        srv_fail(r, E_TOO_LARGE, NULL, "the file is %zu bytes; evidence files may be at most %zu",
                 q->body_len, max);
        return;
    }
    if (!q->body || !q->body_len) {
        srv_fail(r, E_INVALID, NULL, "the file is empty: send its bytes as the request body");
        return;
    }
    evidence_name(name, fname, sizeof(fname));
    upload_mime(q->content_type, mime);
    srv_actor(q, 0, &who);
    kh_err_clear(&err);
    if (kh_store_evidence_add(q->st, q->jid, fname, mime, unit, q->body, q->body_len, max, &who,
                              &ev, &err) != KH_OK) {
        srv_fail_err(r, E_INVALID, &err);
        return;
    }
    r->status = 201;
    srv_ok(r, evidence_json(&ev));
}

/* Write `name` percent-encoded (RFC 8187 attr-char kept) into out[outsz],
 * cutting only between whole UTF-8 characters. */
static void pct_name(const char *name, char *out, size_t outsz)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0, ch = 0;
    const unsigned char *s;

    for (s = (const unsigned char *)name; *s; s++) {
        int keep = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                   (*s >= '0' && *s <= '9') || strchr("!#$&+-.^_`|~", *s);
        if ((*s & 0xC0) != 0x80)
            ch = n; /* a character starts here */
        if (n + (keep ? 1 : 3) + 1 > outsz) {
            n = ch; /* drop the partial character */
            break;
        }
        if (keep) {
            out[n++] = (char)*s;
        } else {
            out[n++] = '%';
            out[n++] = hex[*s >> 4];
            out[n++] = hex[*s & 15];
        }
    }
    out[n] = '\0';
}

/* GET /evidence/{id}: the file's bytes, as an attachment. */
void api_evidence_get(struct srv_req *q, struct srv_resp *r)
{
    static const char *const shown[] = {"image/png", "image/jpeg", "application/pdf"};
    int64_t id = srv_parse_id(q->param[0]);
    struct kh_evidence ev;
    struct kh_err err;
    char enc[sizeof(((struct srv_resp *)0)->disposition) - 32];
    void *data = NULL;
    size_t i;

    kh_err_clear(&err);
    if (id < 1 || kh_store_evidence_get(q->st, q->jid, id, &ev, &data, &err) != KH_OK) {
        if (id > 0 && err.code != KH_ENOTFOUND)
            srv_fail_err(r, E_INTERNAL, &err);
        else
            srv_fail(r, E_NOT_FOUND, "id", "no evidence file %.32s", q->param[0]);
        return;
    }
    if (q->acct.role == KH_ROLE_REPORTER && (!ev.unit[0] || !srv_may_unit(q, ev.unit))) {
        free(data);
        srv_fail(r, E_SCOPE, "id", "evidence file %lld is not about your unit %s", (long long)id,
                 q->acct.unit);
        return;
    }
    kh_buf_reset(&r->body);
    if (ev.size && kh_buf_add(&r->body, data, ev.size) != KH_OK) {
        free(data);
        srv_fail(r, E_INTERNAL, NULL, "the evidence file is too large to send");
        return;
    }
    free(data);
    r->content_type = "application/octet-stream";
    for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
        if (!strcmp(ev.mime, shown[i]))
            r->content_type = shown[i];
    pct_name(ev.name[0] ? ev.name : "evidence", enc, sizeof(enc));
    snprintf(r->disposition, sizeof(r->disposition), "attachment; filename*=UTF-8''%s", enc);
    r->status = 200;
}

/* ---- ballots ----------------------------------------------------------------------- */

/* GET /ballots?meeting=: ballots (an evaluator only its own), paged. */
void api_ballots_list(struct srv_req *q, struct srv_resp *r)
{
    const char *meeting = srv_query_filter(q, "meeting");
    struct kh_dataset *ds = NULL;
    struct kh_err err;
    size_t limit, offset, total = 0, i;
    json_t *list;

    if (srv_page(q, r, 100, 1000, &limit, &offset))
        return;
    kh_err_clear(&err);
    if (kh_store_dataset(q->st, q->jid, &ds, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    list = json_array();
    for (i = 0; i < ds->nballots; i++) {
        const struct kh_ballot *b = &ds->ballots[i];
        json_t *o;
        if ((meeting && strcmp(b->meeting, meeting)) ||
            (q->acct.role == KH_ROLE_EVALUATOR && strcmp(b->evaluator, q->acct.name)))
            continue;
        if (total >= offset && total - offset < limit) {
            o = json_object();
            json_object_set_new(o, "meeting", srv_json_str(b->meeting));
            json_object_set_new(o, "evaluator", srv_json_str(b->evaluator));
            json_object_set_new(o, "group", srv_json_str(b->group));
            json_object_set_new(o, "unit", srv_json_str(ds->units[b->unit].id));
            json_object_set_new(o, "grade", srv_json_str(b->grade));
            json_object_set_new(o, "score", srv_json_num(b->score));
            json_array_append_new(list, o);
        }
        total++;
    }
    kh_dataset_free(ds);
    srv_ok_page(r, list, total, limit, offset);
}

/*
 * Check every ballot row of `a` (unit known, not twice, a grade or a score
 * but not both) before anything is stored. Returns 0 or -1 with the error
 * in r.
 */
static int ballots_check(struct srv_req *q, struct srv_resp *r, json_t *a)
{
    struct kh_dataset *ds = NULL;
    struct kh_err err;
    unsigned char *seen = NULL;
    json_t *o;
    size_t i;
    int rc = -1;

    kh_err_clear(&err);
    if (kh_store_dataset(q->st, q->jid, &ds, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return -1;
    }
    if (!(seen = calloc((size_t)ds->nunits + 1, 1))) {
        srv_fail(r, E_INTERNAL, NULL, "out of memory");
        goto done;
    }
    json_array_foreach(a, i, o)
    {
        char field[32], key[48];
        const char *unit, *grade;
        json_t *score;
        int u;
        snprintf(field, sizeof(field), "ballots[%zu]", i);
        if (!json_is_object(o)) {
            srv_fail(r, E_BAD_FIELD, field, "%s must be an object", field);
            goto done;
        }
        snprintf(key, sizeof(key), "%s.unit", field);
        if (req_str(r, o, "unit", key, 128, &unit))
            goto done;
        if ((u = kh_dataset_unit(ds, unit)) < 0) {
            srv_fail(r, E_NOT_FOUND, key, "%s: no unit \"%s\" in this jurisdiction", key, unit);
            goto done;
        }
        if (seen[u]++) {
            srv_fail(r, E_BAD_FIELD, key, "%s: unit %s is marked twice", key, unit);
            goto done;
        }
        snprintf(key, sizeof(key), "%s.grade", field);
        if (opt_str(r, o, "grade", key, 64, &grade))
            goto done;
        score = json_object_get(o, "score");
        if (score && !json_is_null(score) &&
            (!json_is_number(score) || !isfinite(json_number_value(score)))) {
            srv_fail(r, E_BAD_FIELD, field, "%s.score must be a number", field);
            goto done;
        }
        if (!grade == (!score || json_is_null(score))) {
            srv_fail(r, E_BAD_FIELD, field,
                     "%s needs a grade (好, 较好, 一般, 差 …) or a score, "
                     "not both",
                     field);
            goto done;
        }
    }
    rc = 0;
done:
    free(seen);
    kh_dataset_free(ds);
    return rc;
}

/* POST /ballots {"meeting", "group"?, "ballots": [{unit, grade? | score?}]}: cast one's ballots. */
void api_ballots_cast(struct srv_req *q, struct srv_resp *r)
{
    const char *meeting = NULL, *group = NULL;
    struct kh_actor who;
    json_t *body = srv_body_json(q, r), *a, *o;
    size_t i;

    if (!body)
        return;
    if (req_str(r, body, "meeting", "meeting", 128, &meeting) ||
        opt_str(r, body, "group", "group", 128, &group))
        goto done;
    a = json_object_get(body, "ballots");
    if (!json_is_array(a) || !json_array_size(a) || json_array_size(a) > 10000) {
        srv_fail(r, E_BAD_FIELD, "ballots", "ballots must be an array of 1 to 10000 objects");
        goto done;
    }
    if (ballots_check(q, r, a))
        goto done;
    srv_actor(q, 0, &who);
    json_array_foreach(a, i, o)
    {
        const char *grade = json_string_value(json_object_get(o, "grade"));
        json_t *score = json_object_get(o, "score");
        struct kh_err err;
        kh_err_clear(&err);
        if (kh_store_ballot_set(
                q->st, q->jid, meeting, group, json_string_value(json_object_get(o, "unit")),
                grade && grade[0] ? grade : NULL,
                json_is_number(score) ? json_number_value(score) : NAN, &who, &err) != KH_OK) {
            char field[32];
            snprintf(field, sizeof(field), "ballots[%zu]", i);
            srv_fail(r, err.code == KH_ENOTFOUND ? E_NOT_FOUND : E_INVALID, field,
                     "%s: %s (the %zu ballots before it were saved)", field, err.msg, i);
            goto done;
        }
    }
    srv_ok(r, json_pack("{s:s,s:s,s:I}", "meeting", meeting, "evaluator", who.user, "cast",
                        (json_int_t)json_array_size(a)));
done:
    json_decref(body);
}
