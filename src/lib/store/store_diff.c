/*
 * store_diff.c — what changed between two published snapshots, and why.
 *
 * Inputs are matched by kind and key (store_canon.c): a record whose data
 * differs, or that exists in one snapshot only, is a changed input, shown
 * old → new with who made the newer version, when, and from which file
 * and row. Outputs are compared as published (displayed scores, ranks,
 * tiers, vetoes): a unit any of whose figures changed is a changed unit,
 * listed with its changed nodes. Each changed unit is then linked to its
 * own changed inputs (records of that unit); a unit with none moved
 * because other units' data changed — through relative rules (ranks,
 * group means, proportions of the best) — or because the scheme did.
 *
 * The text form is Chinese first with ids; the JSON form (RFC 8259) is
 * documented in docs/store.md.
 */
#include "base/common.h"

#include "store/store_int.h"

/* A changed input. */
struct change {
    char *kind, *unit, *key, *old_data, *new_data; /* old/new NULL when absent */
    char *by, *via, *at, *source;
    int line;
};

/* A changed unit's figures (from, to). */
struct unit_change {
    char *unit, *name, *category, *status; /* status: changed, added, removed */
    double total[2];
    int rank[2], rank_of[2];
    char *tier[2], *vetoes[2];
};

/* The field names of each kind's key and data (store_int.h). */
static const struct {
    const char *kind, *zh;
    const char *key[4], *data[8];
} kinds[] = {
    {"unit", "单位", {"id"}, {"name", "category", "parent", "tags", "attributes"}},
    {"value", "数值", {"unit", "indicator", "period"}, {"value"}},
    {"target", "目标", {"unit", "indicator", "period"}, {"target", "baseline"}},
    {"event",
     "事项",
     {"unit", "item", "period", "n"},
     {"level", "count", "matter", "points", "shares", "exempt", "evidence", "note"}},
    {"ballot", "评议票", {"meeting", "evaluator", "unit"}, {"group", "grade", "score"}},
};

/* The entry of `kind` in kinds[] (the last one for an unknown kind). */
static int kind_index(const char *kind)
{
    int i;
    for (i = 0; i < (int)KH_ARRAY_LEN(kinds) - 1; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return i;
    return (int)KH_ARRAY_LEN(kinds) - 1;
}

/* What a diff carries around. */
struct diff {
    struct kh_store *st;
    int64_t jid, a, b;
    struct kh_snapshot_info ia, ib;
    struct kh_scheme *sa, *sb; /* for node names and decimals */
    int scheme_changed, period_changed;
    struct change *ch;
    size_t nch, cap_ch;
    struct unit_change *uc;
    size_t nuc, cap_uc;
    struct kh_buf w1, w2; /* scratch for splitting records */
    struct kh_err *err;
};

/* Record running out of memory; returns KH_ENOMEM. */
static int nomem(struct diff *d)
{
    return kh_err_set(d->err, KH_ENOMEM, NULL, 0, 0, "out of memory comparing snapshots");
}

/* A copy of s (NULL stays NULL); *fail set when out of memory. */
static char *dup_or_null(const char *s, int *fail)
{
    char *c;
    if (!s)
        return NULL;
    c = kh_strdup(s);
    if (!c)
        *fail = 1;
    return c;
}

/* Release what a changed input owns. */
static void change_free(struct change *c)
{
    free(c->kind);
    free(c->unit);
    free(c->key);
    free(c->old_data);
    free(c->new_data);
    free(c->by);
    free(c->via);
    free(c->at);
    free(c->source);
}

/* Release what a changed unit owns. */
static void unit_change_free(struct unit_change *u)
{
    free(u->unit);
    free(u->name);
    free(u->category);
    free(u->status);
    free(u->tier[0]);
    free(u->tier[1]);
    free(u->vetoes[0]);
    free(u->vetoes[1]);
}

/* ---- reading ----------------------------------------------------------------- */

/* Collect the changed inputs: changed or removed (from a's side), then
 * added (in b only). Provenance is that of b's record (a's when removed). */
static int read_changes(struct diff *d)
{
    static const char changed[] =
        "SELECT a.kind, a.unit, a.key, a.data, b.data, bt.user, bt.via, bt.at, src.name,"
        " coalesce(b.line, 0)"
        " FROM snapshot_input a LEFT JOIN snapshot_input b ON b.snapshot_id = ?2"
        "  AND b.kind = a.kind AND b.key = a.key"
        " LEFT JOIN batch bt ON bt.id = b.batch_id LEFT JOIN source src ON src.id = b.source_id"
        " WHERE a.snapshot_id = ?1 AND (b.data IS NULL OR b.data <> a.data) ORDER BY a.seq";
    static const char added[] =
        "SELECT b.kind, b.unit, b.key, NULL, b.data, bt.user, bt.via, bt.at, src.name, b.line"
        " FROM snapshot_input b"
        " LEFT JOIN batch bt ON bt.id = b.batch_id LEFT JOIN source src ON src.id = b.source_id"
        " WHERE b.snapshot_id = ?2 AND NOT EXISTS (SELECT 1 FROM snapshot_input a"
        "  WHERE a.snapshot_id = ?1 AND a.kind = b.kind AND a.key = b.key) ORDER BY b.seq";
    const char *const queries[] = {changed, added};
    size_t k;
    int rc;

    for (k = 0; k < 2; k++) {
        struct db_stmt *q;
        if ((rc = db_prepare(d->st->db, queries[k], &q, d->err)))
            return rc;
        db_bind_int(q, 1, d->a);
        db_bind_int(q, 2, d->b);
        while ((rc = db_step(q, d->err)) == DB_ROW) {
            struct change *c;
            int fail = 0;
            if (kh_grow(&d->ch, &d->cap_ch, d->nch + 1, sizeof(*d->ch))) {
                db_reset(q);
                return nomem(d);
            }
            c = &d->ch[d->nch++];
            memset(c, 0, sizeof(*c));
            c->kind = dup_or_null(db_col_text(q, 0), &fail);
            c->unit = dup_or_null(db_col_text(q, 1), &fail);
            c->key = dup_or_null(db_col_text(q, 2), &fail);
            c->old_data = dup_or_null(db_col_text(q, 3), &fail);
            c->new_data = dup_or_null(db_col_text(q, 4), &fail);
            c->by = dup_or_null(db_col_text(q, 5), &fail);
            c->via = dup_or_null(db_col_text(q, 6), &fail);
            c->at = dup_or_null(db_col_text(q, 7), &fail);
            c->source = dup_or_null(db_col_text(q, 8), &fail);
            c->line = (int)db_col_int(q, 9);
            if (fail || !c->kind || !c->key) {
                db_reset(q);
                return nomem(d);
            }
        }
        if (rc < 0)
            return rc;
    }
    return KH_OK;
}

/* Read the figures of one side of a unit row into u (side 0 = a). */
static int read_side(struct db_stmt *q, int c, struct unit_change *u, int side)
{
    int fail = 0;
    u->total[side] = db_col_double(q, c);
    u->rank[side] = (int)db_col_int(q, c + 1);
    u->rank_of[side] = (int)db_col_int(q, c + 2);
    u->tier[side] = dup_or_null(db_col_text(q, c + 3) ? db_col_text(q, c + 3) : "", &fail);
    u->vetoes[side] = dup_or_null(db_col_text(q, c + 4) ? db_col_text(q, c + 4) : "", &fail);
    return fail;
}

/* Non-zero if unit `unit` has a node whose displayed score differs. */
static int nodes_differ(struct diff *d, const char *unit, int *differ)
{
    static const char sql_a[] =
        "SELECT 1 FROM snapshot_score a LEFT JOIN snapshot_score b ON b.snapshot_id = ?2"
        "  AND b.unit = a.unit AND b.node = a.node"
        " WHERE a.snapshot_id = ?1 AND a.unit = ?3 AND a.display IS NOT b.display"
        " UNION ALL SELECT 1 FROM snapshot_score b WHERE b.snapshot_id = ?2 AND b.unit = ?3"
        "  AND NOT EXISTS (SELECT 1 FROM snapshot_score a WHERE a.snapshot_id = ?1"
        "  AND a.unit = b.unit AND a.node = b.node) LIMIT 1";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(d->st->db, sql_a, &q, d->err)))
        return rc;
    db_bind_int(q, 1, d->a);
    db_bind_int(q, 2, d->b);
    db_bind_text(q, 3, unit);
    rc = db_step(q, d->err);
    *differ = rc == DB_ROW;
    if (rc == DB_ROW)
        db_reset(q);
    return rc < 0 ? rc : KH_OK;
}

/* Collect the units whose published figures changed, in b's order, then
 * those only in a. */
static int read_units(struct diff *d)
{
    static const char both[] =
        "SELECT b.unit, b.name, b.category, 'changed',"
        " a.display, a.rank, a.rank_of, a.tier_name, a.vetoes,"
        " b.display, b.rank, b.rank_of, b.tier_name, b.vetoes"
        " FROM snapshot_unit b LEFT JOIN snapshot_unit a ON a.snapshot_id = ?1 AND a.unit = b.unit"
        " WHERE b.snapshot_id = ?2 ORDER BY b.seq";
    static const char gone[] =
        "SELECT a.unit, a.name, a.category, 'removed',"
        " a.display, a.rank, a.rank_of, a.tier_name, a.vetoes,"
        " NULL, 0, 0, '', ''"
        " FROM snapshot_unit a WHERE a.snapshot_id = ?1 AND NOT EXISTS (SELECT 1 FROM"
        "  snapshot_unit b WHERE b.snapshot_id = ?2 AND b.unit = a.unit) ORDER BY a.seq";
    const char *const queries[] = {both, gone};
    size_t k;
    int rc;

    for (k = 0; k < 2; k++) {
        struct db_stmt *q;
        if ((rc = db_prepare(d->st->db, queries[k], &q, d->err)))
            return rc;
        db_bind_int(q, 1, d->a);
        db_bind_int(q, 2, d->b);
        while ((rc = db_step(q, d->err)) == DB_ROW) {
            struct unit_change u;
            int fail = 0, differ = 0, added = k == 0 && db_col_is_null(q, 5);
            memset(&u, 0, sizeof(u));
            u.unit = dup_or_null(db_col_text(q, 0), &fail);
            u.name = dup_or_null(db_col_text(q, 1), &fail);
            u.category = dup_or_null(db_col_text(q, 2), &fail);
            u.status = dup_or_null(added ? "added" : db_col_text(q, 3), &fail);
            fail |= read_side(q, 4, &u, 0) | read_side(q, 9, &u, 1);
            if (fail) {
                db_reset(q);
                unit_change_free(&u);
                return nomem(d);
            }
            if (k == 0 && !added) {
                differ = !(isnan(u.total[0]) ? isnan(u.total[1]) : u.total[0] == u.total[1]) ||
                         u.rank[0] != u.rank[1] || u.rank_of[0] != u.rank_of[1] ||
                         strcmp(u.tier[0], u.tier[1]) != 0 || strcmp(u.vetoes[0], u.vetoes[1]) != 0;
            } else {
                differ = 1;
            }
            if (!differ) {
                /* the row stays current while another statement runs */
                if ((rc = nodes_differ(d, u.unit, &differ))) {
                    db_reset(q);
                    unit_change_free(&u);
                    return rc;
                }
            }
            if (!differ) {
                unit_change_free(&u);
                continue;
            }
            if (kh_grow(&d->uc, &d->cap_uc, d->nuc + 1, sizeof(*d->uc))) {
                db_reset(q);
                unit_change_free(&u);
                return nomem(d);
            }
            d->uc[d->nuc++] = u;
        }
        if (rc < 0)
            return rc;
    }
    return KH_OK;
}

/* ---- writing ----------------------------------------------------------------------- */

/* Decimals of the scheme of b. */
static int decimals(const struct diff *d)
{
    return d->sb ? kh_scheme_decimals(d->sb) : 2;
}

/* The display name of node id from b's scheme (a's when only there). */
static const char *node_name(const struct diff *d, const char *id)
{
    int k;
    if (d->sb && (k = kh_scheme_find_node(d->sb, id)) >= 0)
        return kh_scheme_node_name(d->sb, k);
    if (d->sa && (k = kh_scheme_find_node(d->sa, id)) >= 0)
        return kh_scheme_node_name(d->sa, k);
    return "";
}

/* Append a number as published ("—" when missing). */
static void num(struct kh_buf *out, double v, int dec)
{
    if (isnan(v))
        kh_buf_puts(out, "—");
    else
        kh_buf_printf(out, "%.*f", dec, kh_round(v, dec));
}

/* Append a JSON number, or null. */
static void jnum(struct kh_buf *out, double v, int dec)
{
    if (isnan(v))
        kh_buf_puts(out, "null");
    else
        kh_buf_printf(out, "%.*f", dec, kh_round(v, dec));
}

/* Append the changed nodes of unit u: text lines, or a JSON array. */
static int write_nodes(struct diff *d, const struct unit_change *u, int json, struct kh_buf *out)
{
    static const char sql[] =
        "SELECT a.node, a.display, b.display, coalesce(b.seq, a.seq) FROM snapshot_score a"
        " LEFT JOIN snapshot_score b ON b.snapshot_id = ?2 AND b.unit = a.unit AND b.node = a.node"
        " WHERE a.snapshot_id = ?1 AND a.unit = ?3 AND a.display IS NOT b.display"
        " UNION ALL SELECT b.node, NULL, b.display, b.seq FROM snapshot_score b"
        " WHERE b.snapshot_id = ?2 AND b.unit = ?3 AND NOT EXISTS (SELECT 1 FROM snapshot_score a"
        "  WHERE a.snapshot_id = ?1 AND a.unit = b.unit AND a.node = b.node) ORDER BY 4";
    struct db_stmt *q;
    int rc, first = 1, dec = decimals(d);

    if ((rc = db_prepare(d->st->db, sql, &q, d->err)))
        return rc;
    db_bind_int(q, 1, d->a);
    db_bind_int(q, 2, d->b);
    db_bind_text(q, 3, u->unit);
    if (json)
        kh_buf_puts(out, ",\"nodes\":[");
    while ((rc = db_step(q, d->err)) == DB_ROW) {
        const char *node = db_col_text(q, 0);
        if (json) {
            kh_buf_puts(out, first ? "{\"node\":" : ",{\"node\":");
            kh_buf_json_str(out, node);
            kh_buf_puts(out, ",\"name\":");
            kh_buf_json_str(out, node_name(d, node));
            kh_buf_puts(out, ",\"from\":");
            jnum(out, db_col_double(q, 1), dec);
            kh_buf_puts(out, ",\"to\":");
            jnum(out, db_col_double(q, 2), dec);
            kh_buf_putc(out, '}');
        } else {
            kh_buf_printf(out, "    %s %s: ", node, node_name(d, node));
            num(out, db_col_double(q, 1), dec);
            kh_buf_puts(out, " → ");
            num(out, db_col_double(q, 2), dec);
            kh_buf_putc(out, '\n');
        }
        first = 0;
    }
    if (json)
        kh_buf_putc(out, ']');
    return rc < 0 ? rc : KH_OK;
}

/* Append the fields of canonical text rec with their names ("target 8,
 * baseline —"); a single-field record is written bare. */
static void data_words(struct diff *d, struct kh_buf *out, int kind, const char *rec)
{
    const char *f[8];
    int n, i, shown = 0;

    if (!rec) {
        kh_buf_puts(out, "(无 none)");
        return;
    }
    n = store_canon_split(rec, &d->w2, f, 8);
    if (n == 1) {
        kh_buf_puts(out, f[0][0] ? f[0] : "—");
        return;
    }
    for (i = 0; i < n && i < 8 && kinds[kind].data[i]; i++) {
        const char *name = kinds[kind].data[i];
        if (!f[i][0] || (strcmp(name, "shares") == 0 && strcmp(f[i], "1") == 0) ||
            (strcmp(name, "exempt") == 0 && strcmp(f[i], "0") == 0))
            continue; /* empty, or an event's defaults */
        if (strcmp(name, "exempt") == 0)
            kh_buf_printf(out, "%sexempt", shown ? ", " : "");
        else
            kh_buf_printf(out, "%s%s %s", shown ? ", " : "", name, f[i]);
        shown++;
    }
    if (!shown)
        kh_buf_puts(out, "—");
}

/* Append canonical text rec as a JSON object of named fields (null when
 * absent). */
static void data_json(struct kh_buf *out, const char *const *names, const char *rec,
                      struct kh_buf *work)
{
    const char *f[8];
    int n, i;

    if (!rec) {
        kh_buf_puts(out, "null");
        return;
    }
    n = store_canon_split(rec, work, f, 8);
    kh_buf_putc(out, '{');
    for (i = 0; i < n && i < 8 && names[i]; i++) {
        if (i)
            kh_buf_putc(out, ',');
        kh_buf_json_str(out, names[i]);
        kh_buf_putc(out, ':');
        kh_buf_json_str(out, f[i]);
    }
    kh_buf_putc(out, '}');
}

/* Append one changed input as a text line. */
static void change_text(struct diff *d, struct kh_buf *out, size_t i)
{
    const struct change *c = &d->ch[i];
    const char *f[8];
    int kind = kind_index(c->kind), n, k;

    kh_buf_printf(out, "  #%zu %s %s", i + 1, kinds[kind].zh, c->kind);
    n = store_canon_split(c->key, &d->w1, f, 8);
    for (k = 0; k < n; k++)
        if (!(kind == 3 && k == 3)) /* an event's n is for matching only */
            kh_buf_printf(out, " %s", f[k]);
    kh_buf_puts(out, ": ");
    data_words(d, out, kind, c->old_data);
    kh_buf_puts(out, " → ");
    data_words(d, out, kind, c->new_data);
    if (c->by)
        kh_buf_printf(out, " · %s (%s) %s", c->by, c->via ? c->via : "", c->at ? c->at : "");
    else if (!c->new_data)
        kh_buf_puts(out, " · 已删除 removed");
    if (c->source && c->new_data)
        kh_buf_printf(out, " · %s:%d", c->source, c->line);
    kh_buf_putc(out, '\n');
}

/* Append one changed input as a JSON object. */
static void change_json(struct diff *d, struct kh_buf *out, size_t i)
{
    const struct change *c = &d->ch[i];
    int kind = kind_index(c->kind);

    kh_buf_puts(out, "{\"kind\":");
    kh_buf_json_str(out, c->kind);
    kh_buf_puts(out, ",\"unit\":");
    kh_buf_json_str(out, c->unit);
    kh_buf_puts(out, ",\"key\":");
    data_json(out, kinds[kind].key, c->key, &d->w1);
    kh_buf_puts(out, ",\"from\":");
    data_json(out, kinds[kind].data, c->old_data, &d->w2);
    kh_buf_puts(out, ",\"to\":");
    data_json(out, kinds[kind].data, c->new_data, &d->w2);
    kh_buf_puts(out, ",\"by\":");
    if (c->by)
        kh_buf_json_str(out, c->by);
    else
        kh_buf_puts(out, "null");
    kh_buf_puts(out, ",\"via\":");
    if (c->via)
        kh_buf_json_str(out, c->via);
    else
        kh_buf_puts(out, "null");
    kh_buf_puts(out, ",\"at\":");
    if (c->at)
        kh_buf_json_str(out, c->at);
    else
        kh_buf_puts(out, "null");
    kh_buf_puts(out, ",\"source\":");
    if (c->source && c->new_data)
        kh_buf_json_str(out, c->source);
    else
        kh_buf_puts(out, "null");
    kh_buf_printf(out, ",\"line\":%d}", c->new_data && c->source ? c->line : 0);
}

/* Why unit u changed: "own_inputs", "scheme" or "others". */
static const char *cause(const struct diff *d, const struct unit_change *u)
{
    size_t i;
    for (i = 0; i < d->nch; i++)
        if (d->ch[i].unit && strcmp(d->ch[i].unit, u->unit) == 0)
            return "own_inputs";
    if (strcmp(u->status, "changed") != 0)
        return "own_inputs"; /* added or removed: its own unit record */
    return d->scheme_changed ? "scheme" : "others";
}

/* Append a snapshot's description as JSON. */
static void info_json(struct kh_buf *out, const struct kh_snapshot_info *i)
{
    kh_buf_printf(out, "{\"id\":%lld,\"hash\":", (long long)i->id);
    kh_buf_json_str(out, i->hash);
    kh_buf_puts(out, ",\"scheme\":");
    kh_buf_json_str(out, i->scheme_id);
    kh_buf_printf(out, ",\"version\":%d,\"period\":", i->scheme_version);
    kh_buf_json_str(out, i->period);
    kh_buf_puts(out, ",\"published_at\":");
    kh_buf_json_str(out, i->published_at);
    kh_buf_puts(out, ",\"published_by\":");
    kh_buf_json_str(out, i->published_by);
    kh_buf_putc(out, '}');
}

/* Append the diff as JSON (docs/store.md §7). */
static int write_json(struct diff *d, struct kh_buf *out)
{
    size_t i, k;
    int rc, dec = decimals(d);

    kh_buf_puts(out, "{\"from\":");
    info_json(out, &d->ia);
    kh_buf_puts(out, ",\"to\":");
    info_json(out, &d->ib);
    kh_buf_printf(out, ",\"same_hash\":%s,\"scheme_changed\":%s,\"period_changed\":%s,",
                  strcmp(d->ia.hash, d->ib.hash) == 0 ? "true" : "false",
                  d->scheme_changed ? "true" : "false", d->period_changed ? "true" : "false");
    kh_buf_puts(out, "\n\"units\":[");
    for (i = 0; i < d->nuc; i++) {
        const struct unit_change *u = &d->uc[i];
        int first = 1;
        kh_buf_puts(out, i ? ",\n{\"unit\":" : "\n{\"unit\":");
        kh_buf_json_str(out, u->unit);
        kh_buf_puts(out, ",\"name\":");
        kh_buf_json_str(out, u->name);
        kh_buf_puts(out, ",\"category\":");
        kh_buf_json_str(out, u->category);
        kh_buf_puts(out, ",\"status\":");
        kh_buf_json_str(out, u->status);
        kh_buf_puts(out, ",\"total\":[");
        jnum(out, u->total[0], dec);
        kh_buf_putc(out, ',');
        jnum(out, u->total[1], dec);
        kh_buf_printf(out, "],\"rank\":[%d,%d],\"rank_of\":[%d,%d],\"tier\":[", u->rank[0],
                      u->rank[1], u->rank_of[0], u->rank_of[1]);
        kh_buf_json_str(out, u->tier[0]);
        kh_buf_putc(out, ',');
        kh_buf_json_str(out, u->tier[1]);
        kh_buf_puts(out, "],\"vetoes\":[");
        kh_buf_json_str(out, u->vetoes[0]);
        kh_buf_putc(out, ',');
        kh_buf_json_str(out, u->vetoes[1]);
        kh_buf_putc(out, ']');
        if ((rc = write_nodes(d, u, 1, out)))
            return rc;
        kh_buf_puts(out, ",\"cause\":");
        kh_buf_json_str(out, cause(d, u));
        kh_buf_puts(out, ",\"inputs\":[");
        for (k = 0; k < d->nch; k++)
            if (d->ch[k].unit && strcmp(d->ch[k].unit, u->unit) == 0) {
                kh_buf_printf(out, "%s%zu", first ? "" : ",", k);
                first = 0;
            }
        kh_buf_puts(out, "]}");
    }
    kh_buf_puts(out, "],\n\"inputs\":[");
    for (k = 0; k < d->nch; k++) {
        kh_buf_puts(out, k ? ",\n" : "\n");
        change_json(d, out, k);
    }
    kh_buf_puts(out, "]}\n");
    return KH_OK;
}

/* Append "a → b" for two ranks (0 shown as —), with the number of units
 * ranked ("1/3 → 1/4") when that changed. */
static void rank_pair(struct kh_buf *out, const struct unit_change *u)
{
    char t[2][32];
    int k;

    for (k = 0; k < 2; k++) {
        if (!u->rank[k])
            snprintf(t[k], sizeof(t[k]), "—");
        else if (u->rank_of[0] != u->rank_of[1])
            snprintf(t[k], sizeof(t[k]), "%d/%d", u->rank[k], u->rank_of[k]);
        else
            snprintf(t[k], sizeof(t[k]), "%d", u->rank[k]);
    }
    kh_buf_printf(out, "%s → %s", t[0], t[1]);
}

/* Append the diff as text: header, changed units, changed inputs. */
static int write_text(struct diff *d, struct kh_buf *out)
{
    size_t i, k;
    int rc, dec = decimals(d);

    kh_buf_printf(out, "快照 snapshot %lld → %lld · 方案 scheme %s v%d", (long long)d->ia.id,
                  (long long)d->ib.id, d->ia.scheme_id, d->ia.scheme_version);
    if (d->scheme_changed)
        kh_buf_printf(out, " → %s v%d", d->ib.scheme_id, d->ib.scheme_version);
    kh_buf_printf(out, " · 期间 period %s", d->ia.period);
    if (d->period_changed)
        kh_buf_printf(out, " → %s", d->ib.period);
    kh_buf_printf(out, "\n哈希 hash %.12s… → %.12s…%s\n", d->ia.hash, d->ib.hash,
                  strcmp(d->ia.hash, d->ib.hash) == 0 ? " (相同 identical)" : "");
    kh_buf_printf(out, "\n结果变化的单位 units whose results changed: %zu\n", d->nuc);
    for (i = 0; i < d->nuc; i++) {
        const struct unit_change *u = &d->uc[i];
        const char *why = cause(d, u);
        int first = 1;
        kh_buf_printf(out, "  %s %s (%s)", u->unit, u->name, u->category);
        if (strcmp(u->status, "added") == 0)
            kh_buf_puts(out, " 新增 added");
        else if (strcmp(u->status, "removed") == 0)
            kh_buf_puts(out, " 移除 removed");
        kh_buf_puts(out, ": 总分 total ");
        num(out, u->total[0], dec);
        kh_buf_puts(out, " → ");
        num(out, u->total[1], dec);
        if (u->rank[0] != u->rank[1] || u->rank_of[0] != u->rank_of[1]) {
            kh_buf_puts(out, " · 排名 rank ");
            rank_pair(out, u);
        }
        if (strcmp(u->tier[0], u->tier[1]) != 0)
            kh_buf_printf(out, " · 等次 tier %s → %s", u->tier[0][0] ? u->tier[0] : "—",
                          u->tier[1][0] ? u->tier[1] : "—");
        if (strcmp(u->vetoes[0], u->vetoes[1]) != 0)
            kh_buf_printf(out, " · 否决 vetoes %s → %s", u->vetoes[0][0] ? u->vetoes[0] : "—",
                          u->vetoes[1][0] ? u->vetoes[1] : "—");
        kh_buf_putc(out, '\n');
        if ((rc = write_nodes(d, u, 0, out)))
            return rc;
        if (strcmp(why, "own_inputs") == 0) {
            kh_buf_puts(out, "    原因 cause: 本单位数据变化 its own inputs changed:");
            for (k = 0; k < d->nch; k++)
                if (d->ch[k].unit && strcmp(d->ch[k].unit, u->unit) == 0) {
                    kh_buf_printf(out, "%s#%zu", first ? " " : ", ", k + 1);
                    first = 0;
                }
            kh_buf_putc(out, '\n');
        } else if (strcmp(why, "scheme") == 0) {
            kh_buf_puts(out, "    原因 cause: 方案变化 the scheme changed\n");
        } else {
            kh_buf_puts(out,
                        "    原因 cause: 其他单位数据变化 (相对评价规则) moved by other units' "
                        "changes (relative rules)\n");
        }
    }
    kh_buf_printf(out, "\n数据变化 inputs changed: %zu\n", d->nch);
    for (k = 0; k < d->nch; k++)
        change_text(d, out, k);
    return KH_OK;
}

/* Load the scheme of snapshot info i. */
static int load_scheme(struct diff *d, const struct kh_snapshot_info *i, struct kh_scheme **s)
{
    return kh_store_scheme_load(d->st, d->jid, i->scheme_id, i->scheme_version, s, d->err);
}

int kh_store_diff(struct kh_store *st, int64_t jid, int64_t a, int64_t b, int json,
                  struct kh_buf *out, struct kh_err *err)
{
    struct diff d;
    size_t i;
    int rc, began = 0;

    memset(&d, 0, sizeof(d));
    d.st = st;
    d.jid = jid;
    d.a = a;
    d.b = b;
    d.err = err;
    kh_buf_init(&d.w1, 0);
    kh_buf_init(&d.w2, 0);
    if (!db_in_transaction(st->db)) {
        if ((rc = db_begin_read(st->db, err)))
            goto out;
        began = 1;
    }
    if ((rc = kh_store_snapshot(st, jid, a, &d.ia, err)) ||
        (rc = kh_store_snapshot(st, jid, b, &d.ib, err)) || (rc = load_scheme(&d, &d.ia, &d.sa)) ||
        (rc = load_scheme(&d, &d.ib, &d.sb)))
        goto out;
    d.scheme_changed =
        strcmp(d.ia.scheme_id, d.ib.scheme_id) != 0 || d.ia.scheme_version != d.ib.scheme_version;
    d.period_changed = strcmp(d.ia.period, d.ib.period) != 0;
    if ((rc = read_changes(&d)) || (rc = read_units(&d)))
        goto out;
    rc = json ? write_json(&d, out) : write_text(&d, out);
    if (!rc && kh_buf_failed(out))
        rc = kh_err_set(err, kh_buf_failed(out), NULL, 0, 0, "the diff is too large to show");
out:
    if (began)
        db_rollback(st->db);
    for (i = 0; i < d.nch; i++)
        change_free(&d.ch[i]);
    for (i = 0; i < d.nuc; i++)
        unit_change_free(&d.uc[i]);
    free(d.ch);
    free(d.uc);
    kh_scheme_free(d.sa);
    kh_scheme_free(d.sb);
    kh_buf_free(&d.w1);
    kh_buf_free(&d.w2);
    return rc;
}
