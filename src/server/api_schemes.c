/*
 * api_schemes.c — the handlers of schemes (docs/api/data.md "Schemes"):
 * listing the stored schemes, uploading a YAML scheme as the request body
 * (or only validating it with ?dry_run=1), reading a scheme's categories,
 * indicator tree, tiers and vetoes, reading a version's YAML text, and
 * activating a version.
 *
 * A scheme is validated by the scheme loader (kh_scheme_load_mem) before
 * it is stored; one that does not load is answered with 4001 and the line
 * and column of the first problem. The tree is read through the scheme
 * inspection calls of kaohe/scheme.h, never from the YAML directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

/* A store error about a named scheme: 4002 when it (or the version) does
 * not exist, 3002 for other refusals. */
static void fail_scheme(struct srv_resp *r, const struct kh_err *err)
{
    struct kh_err e = *err;

    e.file[0] = '\0'; /* the store's own file: nothing the client sent */
    srv_fail_err(r, e.code == KH_ENOTFOUND ? E_NO_SCHEME : E_INVALID, &e);
}

/* The scheme's warnings as a JSON array of strings. */
static json_t *warnings_json(const struct kh_scheme *s)
{
    json_t *a = json_array();
    int i;

    for (i = 0; i < kh_scheme_warning_count(s); i++)
        json_array_append_new(a, srv_json_str(kh_scheme_warning(s, i)));
    return a;
}

/* The scheme's categories as [{"id", "name"}]. */
static json_t *categories_json(const struct kh_scheme *s)
{
    json_t *a = json_array();
    int i;

    for (i = 0; i < kh_scheme_category_count(s); i++)
        json_array_append_new(a, json_pack("{s:o,s:o}", "id",
                                           srv_json_str(kh_scheme_category_id(s, i)), "name",
                                           srv_json_str(kh_scheme_category_name(s, i))));
    return a;
}

/* A short description of a loaded scheme: id, name, version text,
 * categories, node and leaf counts, warnings. */
static json_t *summary_json(const struct kh_scheme *s)
{
    json_t *o = json_object();
    int i, leaves = 0, n = kh_scheme_node_count(s);

    for (i = 0; i < n; i++)
        leaves += kh_scheme_node_is_leaf(s, i) != 0;
    json_object_set_new(o, "id", srv_json_str(kh_scheme_id(s)));
    json_object_set_new(o, "name", srv_json_str(kh_scheme_name(s)));
    json_object_set_new(o, "version_text", srv_json_str(kh_scheme_version(s)));
    json_object_set_new(o, "categories", categories_json(s));
    json_object_set_new(o, "nodes", json_integer(n));
    json_object_set_new(o, "leaves", json_integer(leaves));
    json_object_set_new(o, "tiers", json_integer(kh_scheme_tier_count(s)));
    json_object_set_new(o, "vetoes", json_integer(kh_scheme_veto_count(s)));
    json_object_set_new(o, "warnings", warnings_json(s));
    return o;
}

/*
 * The stored row of scheme `id` into *row; *found says whether there is
 * one. Returns 0, or -1 with the error in r.
 */
static int scheme_row(struct srv_req *q, struct srv_resp *r, const char *id,
                      struct kh_scheme_row *row, int *found)
{
    struct kh_scheme_row *rows = NULL;
    struct kh_err err;
    size_t n = 0, i;

    *found = 0;
    kh_err_clear(&err);
    if (kh_store_scheme_list(q->st, q->jid, &rows, &n, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return -1;
    }
    for (i = 0; i < n && !*found; i++)
        if (!strcmp(rows[i].id, id)) {
            *row = rows[i];
            *found = 1;
        }
    free(rows);
    return 0;
}

/* A scheme row as JSON; `def` marks the scheme scores use by default. */
static json_t *row_json(const struct kh_scheme_row *row, int def)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", srv_json_str(row->id));
    json_object_set_new(o, "name", srv_json_str(row->name));
    json_object_set_new(o, "versions", json_integer(row->versions));
    json_object_set_new(o, "active", row->active ? json_integer(row->active) : json_null());
    json_object_set_new(o, "default", json_boolean(def));
    json_object_set_new(o, "updated_at", srv_json_str(row->updated_at));
    return o;
}

/* GET /schemes: every stored scheme, with its versions and the active one. */
void api_schemes_list(struct srv_req *q, struct srv_resp *r)
{
    struct kh_scheme_row *rows = NULL;
    struct kh_err err;
    char active[128] = "";
    size_t n = 0, i;
    int version = 0;
    json_t *list;

    kh_err_clear(&err);
    if (kh_store_scheme_list(q->st, q->jid, &rows, &n, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    kh_err_clear(&err);
    if (kh_store_scheme_active(q->st, q->jid, active, &version, &err) != KH_OK)
        active[0] = '\0'; /* none active (several schemes, none chosen): no default */
    list = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(list, row_json(&rows[i], !strcmp(rows[i].id, active)));
    free(rows);
    srv_ok(r, list);
}

/* Parse query parameter `name` as a flag: absent/0/false → 0, 1/true → 1;
 * -1 with E_BAD_QUERY in r otherwise. */
static int query_flag(const struct srv_req *q, struct srv_resp *r, const char *name)
{
    const char *v = srv_query(q, name);

    if (!v || !strcmp(v, "0") || !strcmp(v, "false"))
        return 0;
    if (!strcmp(v, "1") || !strcmp(v, "true") || !v[0])
        return 1;
    srv_fail(r, E_BAD_QUERY, name, "%s must be 1 or 0", name);
    return -1;
}

/* ?version= as a version number (0 when absent); -1 with E_BAD_QUERY in r. */
static int query_version(const struct srv_req *q, struct srv_resp *r)
{
    int64_t v = 0;
    return srv_query_count(q, r, "version", 1, 1000000, &v) ? -1 : (int)v;
}

/* POST /schemes[?dry_run=1][&name=]: validate the YAML body and (unless a
 * dry run) store it as a new version of its scheme. */
void api_scheme_upload(struct srv_req *q, struct srv_resp *r)
{
    struct kh_scheme_row before, after;
    struct kh_scheme *s = NULL;
    struct kh_actor who;
    struct kh_err err;
    const char *name = srv_query(q, "name");
    int dry, version = 0, had, have;
    json_t *o;

    if ((dry = query_flag(q, r, "dry_run")) < 0)
        return;
    if (!name || !name[0] || strlen(name) > 200 || strpbrk(name, "/\\"))
        name = "scheme.yaml";
    if (!q->body || !q->body_len) {
        srv_fail(r, E_SCHEME, NULL, "the scheme is empty: send the YAML text as the request body");
        return;
    }
    kh_err_clear(&err);
    if (kh_scheme_load_mem(name, q->body, q->body_len, &s, &err) != KH_OK) {
        srv_fail_err(r, E_SCHEME, &err);
        return;
    }
    o = summary_json(s);
    json_object_set_new(o, "dry_run", json_boolean(dry));
    if (dry) {
        kh_scheme_free(s);
        srv_ok(r, o);
        return;
    }
    if (scheme_row(q, r, kh_scheme_id(s), &before, &had))
        goto fail;
    srv_actor(q, 1, &who);
    kh_err_clear(&err);
    if (kh_store_scheme_add(q->st, q->jid, name, q->body, q->body_len, &who, &version, &err) !=
        KH_OK) {
        srv_fail_err(r, E_SCHEME, &err);
        goto fail;
    }
    if (scheme_row(q, r, kh_scheme_id(s), &after, &have))
        goto fail;
    json_object_set_new(o, "version", json_integer(version));
    json_object_set_new(o, "created", json_boolean(!had || after.versions > before.versions));
    json_object_set_new(o, "active",
                        have && after.active ? json_integer(after.active) : json_null());
    if (!had || after.versions > before.versions)
        r->status = 201;
    kh_scheme_free(s);
    srv_ok(r, o);
    return;
fail:
    kh_scheme_free(s);
    json_decref(o);
}

/* Node i of s as JSON: id, name, depth, parent, leaf, points per category. */
static json_t *node_json(const struct kh_scheme *s, int i)
{
    json_t *o = json_object(), *points = json_object();
    int parent = kh_scheme_node_parent(s, i), c;

    for (c = 0; c < kh_scheme_category_count(s); c++)
        json_object_set_new(points, kh_scheme_category_id(s, c),
                            srv_json_num(kh_scheme_node_points(s, i, c)));
    json_object_set_new(o, "id", srv_json_str(kh_scheme_node_id(s, i)));
    json_object_set_new(o, "name", srv_json_str(kh_scheme_node_name(s, i)));
    json_object_set_new(o, "depth", json_integer(kh_scheme_node_depth(s, i)));
    json_object_set_new(o, "parent",
                        parent >= 0 ? srv_json_str(kh_scheme_node_id(s, parent)) : json_null());
    json_object_set_new(o, "leaf", json_boolean(kh_scheme_node_is_leaf(s, i)));
    json_object_set_new(o, "points", points);
    return o;
}

/* GET /schemes/{scheme}[?version=]: the scheme's categories, inputs, tree, tiers
 * and vetoes. */
void api_scheme_get(struct srv_req *q, struct srv_resp *r)
{
    const char *id = q->param[0];
    struct kh_scheme_row row;
    struct kh_scheme *s = NULL;
    struct kh_err err;
    json_t *o, *nodes, *tiers, *vetoes, *inputs;
    int version, found, i;

    if ((version = query_version(q, r)) < 0 || scheme_row(q, r, id, &row, &found))
        return;
    if (!found) {
        srv_fail(r, E_NO_SCHEME, "scheme", "no scheme \"%.128s\" (GET /api/v1/schemes lists them)",
                 id);
        return;
    }
    kh_err_clear(&err);
    if (kh_store_scheme_load(q->st, q->jid, id, version, &s, &err) != KH_OK) {
        fail_scheme(r, &err);
        return;
    }
    nodes = json_array();
    for (i = 0; i < kh_scheme_node_count(s); i++)
        json_array_append_new(nodes, node_json(s, i));
    tiers = json_array();
    for (i = 0; i < kh_scheme_tier_count(s); i++)
        json_array_append_new(tiers,
                              json_pack("{s:o,s:o}", "id", srv_json_str(kh_scheme_tier_id(s, i)),
                                        "name", srv_json_str(kh_scheme_tier_name(s, i))));
    inputs = json_array();
    for (i = 0; i < kh_scheme_input_count(s); i++)
        json_array_append_new(
            inputs, json_pack("{s:o,s:o,s:o}", "id", srv_json_str(kh_scheme_input_id(s, i)), "name",
                              srv_json_str(kh_scheme_input_name(s, i)), "unit",
                              srv_json_str(kh_scheme_input_unit(s, i))));
    vetoes = json_array();
    for (i = 0; i < kh_scheme_veto_count(s); i++)
        json_array_append_new(vetoes,
                              json_pack("{s:o,s:o}", "id", srv_json_str(kh_scheme_veto_id(s, i)),
                                        "name", srv_json_str(kh_scheme_veto_name(s, i))));
    o = json_object();
    json_object_set_new(o, "id", srv_json_str(kh_scheme_id(s)));
    json_object_set_new(o, "name", srv_json_str(kh_scheme_name(s)));
    json_object_set_new(o, "version", json_integer(version ? version : row.versions));
    json_object_set_new(o, "version_text", srv_json_str(kh_scheme_version(s)));
    json_object_set_new(o, "versions", json_integer(row.versions));
    json_object_set_new(o, "active", row.active ? json_integer(row.active) : json_null());
    json_object_set_new(o, "decimals", json_integer(kh_scheme_decimals(s)));
    json_object_set_new(o, "categories", categories_json(s));
    json_object_set_new(o, "inputs", inputs);
    json_object_set_new(o, "nodes", nodes);
    json_object_set_new(o, "tiers", tiers);
    json_object_set_new(o, "vetoes", vetoes);
    json_object_set_new(o, "warnings", warnings_json(s));
    kh_scheme_free(s);
    srv_ok(r, o);
}

/* GET /schemes/{scheme}/text[?version=]: the version's YAML text as stored. */
void api_scheme_text(struct srv_req *q, struct srv_resp *r)
{
    struct kh_err err;
    char *text = NULL;
    size_t len = 0;
    int version;

    if ((version = query_version(q, r)) < 0)
        return;
    kh_err_clear(&err);
    if (kh_store_scheme_text(q->st, q->jid, q->param[0], version, &text, &len, &err) != KH_OK) {
        fail_scheme(r, &err);
        return;
    }
    kh_buf_reset(&r->body);
    if (kh_buf_add(&r->body, text, len) != KH_OK) {
        free(text);
        srv_fail(r, E_INTERNAL, NULL, "the scheme text is too large to send");
        return;
    }
    free(text);
    r->content_type = "application/yaml; charset=utf-8";
    r->status = 200;
}

/* POST /schemes/{scheme}/activate {"version"}: make that version the active one. */
void api_scheme_activate(struct srv_req *q, struct srv_resp *r)
{
    struct kh_scheme_row row;
    struct kh_actor who;
    struct kh_err err;
    int64_t version = 0;
    json_t *body = srv_body_json(q, r);
    int found;

    if (!body)
        return;
    if (srv_field_int(r, body, "version", 1, &version))
        goto done;
    if (version < 1 || version > 1000000000) {
        srv_fail(r, E_BAD_FIELD, "version", "version must be a version number (1, 2 …)");
        goto done;
    }
    srv_actor(q, 1, &who);
    kh_err_clear(&err);
    if (kh_store_scheme_activate(q->st, q->jid, q->param[0], (int)version, &who, &err) != KH_OK) {
        fail_scheme(r, &err);
        goto done;
    }
    if (scheme_row(q, r, q->param[0], &row, &found))
        goto done;
    if (!found) { /* cannot happen after a successful activation */
        srv_fail(r, E_NO_SCHEME, "scheme", "no scheme \"%.128s\"", q->param[0]);
        goto done;
    }
    srv_ok(r, row_json(&row, 1));
done:
    json_decref(body);
}
