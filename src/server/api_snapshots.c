/*
 * api_snapshots.c — the published results and the audit log: list and
 * publish snapshots (the frozen inputs and outputs of one scoring run, with
 * a content hash), read one back as a league table grouped by category,
 * show what changed between two, reproduce one to check its hash, and page
 * through the append-only audit log by id.
 *
 * A snapshot never changes once published, so its table and its diffs are
 * cacheable (r->cacheable). Routes, fields and examples: docs/api/snapshots.md;
 * the diff's JSON form is the store's (docs/store.md §7), passed through.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

#define AUDIT_DEFAULT 100
#define AUDIT_MAX     1000

/* ---- helpers ---------------------------------------------------------------- */

/* The snapshot id in path parameter k, or -1 with E_NO_SNAPSHOT in r. */
static int param_snapshot(struct srv_req *q, struct srv_resp *r, int k, int64_t *id)
{
    const char *s = k < q->nparam ? q->param[k] : NULL;

    if ((*id = srv_parse_count(s, INT64_MAX / 10)) < 1) {
        srv_fail(r, E_NO_SNAPSHOT, NULL,
                 "no snapshot \"%.64s\": snapshot ids are whole numbers from 1 (GET "
                 "/api/v1/snapshots lists them)",
                 s ? s : "");
        return -1;
    }
    return 0;
}

/* A snapshot's description as JSON (the fields of the store's diff JSON). */
static json_t *info_json(const struct kh_snapshot_info *i)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer((json_int_t)i->id));
    json_object_set_new(o, "hash", srv_json_str(i->hash));
    json_object_set_new(o, "scheme", srv_json_str(i->scheme_id));
    json_object_set_new(o, "version", json_integer(i->scheme_version));
    json_object_set_new(o, "period", srv_json_str(i->period));
    json_object_set_new(o, "published_at", srv_json_str(i->published_at));
    json_object_set_new(o, "published_by", srv_json_str(i->published_by));
    return o;
}

/* Read snapshot id's description, or fail with E_NO_SNAPSHOT (unknown) or
 * the store's error. */
static int load_info(struct srv_req *q, struct srv_resp *r, int64_t id,
                     struct kh_snapshot_info *info)
{
    struct kh_err err;

    kh_err_clear(&err);
    if (kh_store_snapshot(q->st, q->jid, id, info, &err)) {
        srv_fail_err(r, E_NO_SNAPSHOT, &err);
        return -1;
    }
    return 0;
}

/* ---- GET /snapshots ------------------------------------------------------------- */

void api_snapshots_list(struct srv_req *q, struct srv_resp *r)
{
    struct kh_snapshot_info *v = NULL;
    struct kh_err err;
    size_t n = 0, limit, offset, i;
    json_t *a;

    if (srv_page(q, r, 100, 1000, &limit, &offset))
        return;
    kh_err_clear(&err);
    if (kh_store_snapshot_list(q->st, q->jid, &v, &n, &err)) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    a = json_array();
    /* The store lists oldest first; the API newest first. */
    for (i = offset; i < n && i - offset < limit; i++)
        json_array_append_new(a, info_json(&v[n - 1 - i]));
    free(v);
    srv_ok_page(r, a, n, limit, offset);
}

/* ---- POST /snapshots -------------------------------------------------------------- */

void api_publish(struct srv_req *q, struct srv_resp *r)
{
    struct kh_snapshot_info info;
    struct kh_period p;
    struct kh_actor who;
    struct kh_err err;
    const char *scheme = NULL, *period = NULL;
    char active[128];
    int active_version = 0, rc;
    int64_t version = -1;
    json_t *body = srv_body_json(q, r);

    if (!body)
        return;
    if (srv_field_str(r, body, "scheme", 0, &scheme) ||
        srv_field_str(r, body, "period", 1, &period) ||
        srv_field_int(r, body, "version", 0, &version))
        goto out;
    if (json_object_get(body, "version") && (version < 1 || version > 1000000)) {
        srv_fail(r, E_BAD_FIELD, "version", "field \"version\" must be a version number from 1");
        goto out;
    }
    if (kh_period_parse(period, &p)) {
        srv_fail(r, E_BAD_FIELD, "period",
                 "field \"period\" must be a period such as 2024, 2024H1, 2024Q3 or 2024-07");
        goto out;
    }
    kh_err_clear(&err);
    /* The version in force: the one asked for, else the active one when the
     * scheme is the active scheme (as live scores use), else the latest. */
    if (kh_store_scheme_active(q->st, q->jid, active, &active_version, &err) != KH_OK) {
        if (!scheme || !scheme[0]) {
            srv_fail_err(r, E_NO_SCHEME, &err);
            goto out;
        }
        active[0] = 0;
    }
    if (!scheme || !scheme[0])
        scheme = active;
    if (version < 0)
        version = strcmp(scheme, active) == 0 ? active_version : 0;
    srv_actor(q, 1, &who);
    memset(&info, 0, sizeof(info));
    rc = kh_store_publish(q->st, q->jid, scheme, (int)version, period, &who, &info, &err);
    if (rc) {
        /* An unknown scheme is the only thing publish does not find. */
        srv_fail_err(r, rc == KH_ENOTFOUND ? E_NO_SCHEME : E_SCORE, &err);
        goto out;
    }
    r->status = 201;
    srv_ok(r, info_json(&info));
out:
    json_decref(body);
}

/* ---- GET /snapshots/{id} ---------------------------------------------------------- */

/* Building the table: one JSON table per category of the scheme, in the
 * scheme's order, in the shape of the live league table (docs/api/scores.md). */
struct table {
    const struct kh_scheme *s;
    int only;      /* the one category asked for, or -1 */
    json_t **rows; /* per category: its rows array (NULL when left out) */
};

/* Non-zero if node k of s counts for category c (it has points there). */
static int node_in_cat(const struct kh_scheme *s, int k, int c)
{
    return k > 0 && !isnan(kh_scheme_node_points(s, k, c));
}

/* Index of the category with this id or display name in s, or -1. */
static int find_category(const struct kh_scheme *s, const char *text)
{
    int c;
    for (c = 0; c < kh_scheme_category_count(s); c++)
        if (!strcmp(kh_scheme_category_id(s, c), text) ||
            !strcmp(kh_scheme_category_name(s, c), text))
            return c;
    return -1;
}

/* {category, name, columns: [{id, name, depth, parent, points}], rows: []}
 * of category c; its rows array goes to *rows. */
static json_t *table_head(const struct kh_scheme *s, int c, json_t **rows)
{
    json_t *t = json_object(), *cols = json_array();
    int k, p;

    for (k = 1; k < kh_scheme_node_count(s); k++) {
        if (!node_in_cat(s, k, c))
            continue;
        p = kh_scheme_node_parent(s, k);
        json_array_append_new(
            cols, json_pack("{sssssisoso}", "id", kh_scheme_node_id(s, k), "name",
                            kh_scheme_node_name(s, k), "depth", kh_scheme_node_depth(s, k),
                            "parent", p >= 0 ? json_string(kh_scheme_node_id(s, p)) : json_null(),
                            "points", srv_json_num(kh_scheme_node_points(s, k, c))));
    }
    *rows = json_array();
    json_object_set_new(t, "category", json_string(kh_scheme_category_id(s, c)));
    json_object_set_new(t, "name", srv_json_str(kh_scheme_category_name(s, c)));
    json_object_set_new(t, "columns", cols);
    json_object_set_new(t, "rows", *rows);
    return t;
}

/* The vetoes text "a;b" as ["a", "b"]. */
static json_t *vetoes_json(const char *text)
{
    json_t *a = json_array();
    const char *p = text ? text : "";

    while (*p) {
        size_t len = strcspn(p, ";");
        if (len)
            json_array_append_new(a, json_stringn(p, len));
        p += len;
        if (*p)
            p++;
    }
    return a;
}

/* One published unit line as a row of its category's table. */
static int table_unit(void *user, const struct kh_snapshot_unit *u)
{
    struct table *t = user;
    int c = find_category(t->s, u->category), k;
    json_t *o, *scores;
    size_t i;

    if (c < 0 || !t->rows[c])
        return 0;
    o = json_object();
    json_object_set_new(o, "unit", srv_json_str(u->unit));
    json_object_set_new(o, "name", srv_json_str(u->name));
    json_object_set_new(o, "total", srv_json_num(u->total));
    json_object_set_new(o, "display", srv_json_num(u->display));
    json_object_set_new(o, "rank", u->rank ? json_integer(u->rank) : json_null());
    json_object_set_new(o, "rank_of", u->rank ? json_integer(u->rank_of) : json_null());
    json_object_set_new(o, "tier", u->tier[0] ? srv_json_str(u->tier) : json_null());
    json_object_set_new(o, "tier_name", u->tier[0] ? srv_json_str(u->tier_name) : json_null());
    json_object_set_new(o, "vetoes", vetoes_json(u->vetoes));
    json_object_set_new(o, "honours_eligible", json_boolean(u->eligible));
    scores = json_object();
    for (i = 0; i < u->nscores; i++)
        if ((k = kh_scheme_find_node(t->s, u->nodes[i])) > 0 && node_in_cat(t->s, k, c))
            json_object_set_new(scores, u->nodes[i], srv_json_num(u->displays[i]));
    json_object_set_new(o, "scores", scores);
    json_array_append_new(t->rows[c], o);
    return 0;
}

void api_snapshot_get(struct srv_req *q, struct srv_resp *r)
{
    struct kh_snapshot_info info;
    struct kh_scheme *s = NULL;
    struct table t;
    struct kh_err err;
    const char *want = srv_query(q, "category");
    int64_t id;
    int c, nc;
    json_t *data = NULL, *tables;

    memset(&t, 0, sizeof(t));
    if (param_snapshot(q, r, 0, &id) || load_info(q, r, id, &info))
        return;
    kh_err_clear(&err);
    if (kh_store_scheme_load(q->st, q->jid, info.scheme_id, info.scheme_version, &s, &err)) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    t.s = s;
    t.only = want ? find_category(s, want) : -1;
    if (want && t.only < 0) {
        srv_fail(r, E_NOT_FOUND, "category",
                 "scheme %s has no category '%.64s'; give a category id or name as GET "
                 "/api/v1/schemes/%s lists them",
                 info.scheme_id, want, info.scheme_id);
        goto out;
    }
    nc = kh_scheme_category_count(s);
    data = json_object();
    tables = json_array();
    json_object_set_new(data, "snapshot", info_json(&info));
    json_object_set_new(data, "scheme", json_string(info.scheme_id));
    json_object_set_new(data, "version", json_integer(info.scheme_version));
    json_object_set_new(data, "period", json_string(info.period));
    json_object_set_new(data, "name", srv_json_str(kh_scheme_name(s)));
    json_object_set_new(data, "decimals", json_integer(kh_scheme_decimals(s)));
    json_object_set_new(data, "categories", tables);
    if (!(t.rows = calloc((size_t)(nc > 0 ? nc : 1), sizeof(*t.rows)))) {
        srv_fail(r, E_INTERNAL, NULL, "out of memory");
        goto out;
    }
    for (c = 0; c < nc; c++)
        if (t.only < 0 || t.only == c)
            json_array_append_new(tables, table_head(s, c, &t.rows[c]));
    if (kh_store_snapshot_units(q->st, q->jid, id, table_unit, &t, &err)) {
        srv_fail_err(r, E_NO_SNAPSHOT, &err);
        goto out;
    }
    r->cacheable = 1;
    srv_ok(r, data);
    data = NULL;
out:
    json_decref(data);
    free(t.rows);
    kh_scheme_free(s);
}

/* ---- GET /snapshots/{id}/diff/{other} ---------------------------------------------- */

void api_snapshot_diff(struct srv_req *q, struct srv_resp *r)
{
    struct kh_buf out;
    struct kh_err err;
    json_error_t je;
    int64_t a, b;
    json_t *data;

    if (param_snapshot(q, r, 0, &a) || param_snapshot(q, r, 1, &b))
        return;
    kh_buf_init(&out, 0);
    kh_err_clear(&err);
    if (kh_store_diff(q->st, q->jid, a, b, 1, &out, &err)) {
        kh_buf_free(&out);
        srv_fail_err(r, E_NO_SNAPSHOT, &err);
        return;
    }
    data = json_loadb(out.data ? out.data : "", out.len, 0, &je);
    kh_buf_free(&out);
    if (!data) {
        srv_fail(r, E_INTERNAL, NULL, "the diff of snapshots %lld and %lld is not valid JSON: %s",
                 (long long)a, (long long)b, je.text);
        return;
    }
    r->cacheable = 1;
    srv_ok(r, data);
}

/* ---- GET /snapshots/{id}/verify ------------------------------------------------------ */

void api_snapshot_verify(struct srv_req *q, struct srv_resp *r)
{
    struct kh_snapshot_info info;
    struct kh_err err;
    int64_t id;

    if (param_snapshot(q, r, 0, &id) || load_info(q, r, id, &info))
        return;
    kh_err_clear(&err);
    if (kh_store_snapshot_verify(q->st, q->jid, id, &err)) {
        srv_fail_err(r, E_INVALID, &err);
        return;
    }
    srv_ok(r, json_pack("{sIsssb}", "id", (json_int_t)id, "hash", info.hash, "verified", 1));
}

/* ---- GET /audit --------------------------------------------------------------------- */

/* Collecting audit entries: at most `limit` kept, one more only noticed. */
struct audit_page {
    json_t *entries;
    size_t limit, seen;
    int64_t last;
};

static int audit_entry(void *user, const struct kh_audit_row *row)
{
    struct audit_page *p = user;
    json_t *o;

    if (p->seen++ >= p->limit)
        return 1; /* there is more: stop */
    o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)row->id));
    json_object_set_new(o, "at", srv_json_str(row->at));
    json_object_set_new(o, "user", srv_json_str(row->user));
    json_object_set_new(o, "via", srv_json_str(row->via));
    json_object_set_new(o, "action", srv_json_str(row->action));
    json_object_set_new(o, "entity", srv_json_str(row->entity));
    json_object_set_new(o, "key", srv_json_str(row->key));
    json_object_set_new(o, "old", srv_json_str(row->old_text));
    json_object_set_new(o, "new", srv_json_str(row->new_text));
    json_array_append_new(p->entries, o);
    p->last = row->id;
    return 0;
}

void api_audit(struct srv_req *q, struct srv_resp *r)
{
    const char *after_s = srv_query(q, "after"), *limit_s = srv_query(q, "limit");
    int64_t after = after_s ? srv_parse_count(after_s, INT64_MAX / 10) : 0;
    int64_t limit = limit_s ? srv_parse_count(limit_s, AUDIT_MAX) : AUDIT_DEFAULT;
    struct audit_page p;
    struct kh_err err;
    int rc;
    json_t *data;

    if (after < 0) {
        srv_fail(r, E_BAD_QUERY, "after",
                 "after must be the id of an audit entry (a whole number, 0 or more)");
        return;
    }
    if (limit < 1) {
        srv_fail(r, E_BAD_QUERY, "limit", "limit must be a whole number from 1 to %d", AUDIT_MAX);
        return;
    }
    memset(&p, 0, sizeof(p));
    p.entries = json_array();
    p.limit = (size_t)limit;
    kh_err_clear(&err);
    rc = kh_store_audit_list(q->st, q->jid, after, p.limit + 1, audit_entry, &p, &err);
    if (rc < 0) {
        json_decref(p.entries);
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    data = json_object();
    json_object_set_new(data, "entries", p.entries);
    json_object_set_new(data, "next",
                        p.seen > p.limit ? json_integer((json_int_t)p.last) : json_null());
    srv_ok(r, data);
}
