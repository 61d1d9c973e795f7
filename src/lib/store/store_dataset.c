/*
 * store_dataset.c — the store seen as a dataset (kaohe/data.h), which is
 * what the engine scores: units (parents before children, otherwise in the
 * order they were first stored), approved values, targets, events and
 * ballots of one jurisdiction, in stored order, read in one consistent
 * read transaction. Each record keeps its provenance: the dataset's file
 * names are the stored source names (a CSV file, or a sheet) and each
 * record its line, so that `explain` cites the row a number came from.
 *
 * The order matters: ties that a scheme breaks by data order, and sums of
 * events, come out the same every time the same store is read, which is
 * what makes snapshot hashes reproducible.
 */
#include "base/common.h"

#include "base/sort.h"
#include "io/dataset_priv.h"
#include "store/store_int.h"

/* A stored unit, read before the dataset is filled. */
struct urow {
    char *code, *name, *cat, *parent, *tags;
    struct store_origin o;
    int parent_row; /* index of the parent's row, -1 when none or left out */
    int take;       /* of a category the scheme assesses */
    int state;      /* 0 not added, 1 on the stack, 2 added */
};

/* What a build carries around. */
struct build {
    struct kh_store *st;
    int64_t jid;
    struct kh_dataset *ds;
    struct store_prov *prov; /* never NULL; filled only when `want` */
    int want;
    size_t cap_units, cap_values, cap_targets, cap_events, cap_ballots;
    struct srcmap {
        int64_t source;
        int file;
    } * src;
    size_t nsrc, cap_src, last_src;
    struct kh_err *err;
};

void store_prov_free(struct store_prov *p)
{
    if (!p)
        return;
    free(p->units);
    free(p->values);
    free(p->targets);
    free(p->events);
    free(p->ballots);
    memset(p, 0, sizeof(*p));
}

/* Record running out of memory; returns KH_ENOMEM. */
static int nomem(struct build *b)
{
    return kh_err_set(b->err, KH_ENOMEM, NULL, 0, 0, "out of memory reading the store");
}

/* The dataset file index of stored source `source` (added on first use),
 * or -1 for records without a source. */
static int source_file(struct build *b, int64_t source, int *file)
{
    static const char sql[] = "SELECT name FROM source WHERE jurisdiction_id = ?1 AND id = ?2";
    struct db_stmt *q;
    size_t i;
    int rc;

    *file = -1;
    if (source <= 0)
        return KH_OK;
    if (b->last_src < b->nsrc && b->src[b->last_src].source == source) {
        *file = b->src[b->last_src].file;
        return KH_OK;
    }
    for (i = 0; i < b->nsrc; i++)
        if (b->src[i].source == source) {
            b->last_src = i;
            *file = b->src[i].file;
            return KH_OK;
        }
    if ((rc = db_prepare(b->st->db, sql, &q, b->err)))
        return rc;
    db_bind_int(q, 1, b->jid);
    db_bind_int(q, 2, source);
    rc = db_step(q, b->err);
    if (rc < 0)
        return rc;
    if (rc == DB_ROW) {
        *file = ds_add_file(b->ds, db_col_text(q, 0), 0);
        db_reset(q);
        if (*file < 0)
            return nomem(b);
    }
    if (kh_grow(&b->src, &b->cap_src, b->nsrc + 1, sizeof(*b->src)))
        return nomem(b);
    b->src[b->nsrc].source = source;
    b->src[b->nsrc].file = *file;
    b->last_src = b->nsrc++;
    return KH_OK;
}

/* Record the origin of the record just added (index i of an array whose
 * provenance array is *arr with capacity *cap), and point the record's
 * file and line at its source. */
static int note_origin(struct build *b, struct store_origin **arr, size_t *cap, size_t i,
                       const struct store_origin *o, int *file, int *line)
{
    int rc;

    if ((rc = source_file(b, o->source, file)))
        return rc;
    *line = *file >= 0 ? o->line : 0;
    if (!b->want)
        return KH_OK;
    if (kh_grow(arr, cap, i + 1, sizeof(**arr)))
        return nomem(b);
    (*arr)[i] = *o;
    return KH_OK;
}

/* Read the origin columns at c, c+1, c+2 (batch, source, line). */
static void read_origin(struct db_stmt *q, int c, struct store_origin *o)
{
    o->batch = db_col_int(q, c);
    o->source = db_col_is_null(q, c + 1) ? 0 : db_col_int(q, c + 1);
    o->line = (int)db_col_int(q, c + 2);
}

/* ---- units ------------------------------------------------------------------- */

static void urows_free(struct urow *r, size_t n)
{
    size_t i;
    for (i = 0; r && i < n; i++) {
        free(r[i].code);
        free(r[i].name);
        free(r[i].cat);
        free(r[i].parent);
        free(r[i].tags);
    }
    free(r);
}

/* Order of row indices by unit code, for finding parents. */
static int by_code(const void *a, const void *b, void *ctx)
{
    const struct urow *r = ctx;
    return strcmp(r[*(const int *)a].code, r[*(const int *)b].code);
}

/* Row index of the unit with this code, or -1; `order` sorted by code. */
static int find_row(const struct urow *r, const int *order, size_t n, const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r[order[mid]].code, code);
        if (c == 0)
            return order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Add row k to the dataset (its parent is added already or left out). */
static int add_unit(struct build *b, struct urow *r, int k)
{
    struct kh_dataset *ds = b->ds;
    const char *parent = r[k].parent_row >= 0 ? r[k].parent : NULL;
    int u;

    u = kh_dataset_add_unit(ds, r[k].code, r[k].name, r[k].cat, parent,
                            r[k].tags[0] ? r[k].tags : NULL, b->err);
    if (u < 0)
        return u;
    r[k].state = 2;
    return note_origin(b, &b->prov->units, &b->cap_units, (size_t)u, &r[k].o, &ds->units[u].file,
                       &ds->units[u].line);
}

/* Read every unit of the jurisdiction and add those taken, parents first. */
static int build_units(struct build *b, const struct kh_scheme *only)
{
    static const char sql[] =
        "SELECT u.code, u.name, c.code, p.code, u.tags, u.batch_id, u.source_id, u.line"
        " FROM unit u JOIN category c ON c.id = u.category_id"
        " LEFT JOIN unit p ON p.id = u.parent_id"
        " WHERE u.jurisdiction_id = ?1 ORDER BY u.id";
    static const char attrs[] =
        "SELECT u.code, a.name, a.value FROM unit_attr a JOIN unit u ON u.id = a.unit_id"
        " WHERE u.jurisdiction_id = ?1 ORDER BY u.id, a.name";
    struct urow *r = NULL;
    int *order = NULL, *stack = NULL;
    size_t n = 0, cap = 0, i;
    struct db_stmt *q;
    int rc, c;

    if ((rc = db_prepare(b->st->db, sql, &q, b->err)))
        return rc;
    db_bind_int(q, 1, b->jid);
    while ((rc = db_step(q, b->err)) == DB_ROW) {
        struct urow *x;
        if (kh_grow(&r, &cap, n + 1, sizeof(*r))) {
            db_reset(q);
            rc = nomem(b);
            goto out;
        }
        x = &r[n++];
        memset(x, 0, sizeof(*x));
        x->code = kh_strdup(db_col_text(q, 0));
        x->name = kh_strdup(db_col_text(q, 1));
        x->cat = kh_strdup(db_col_text(q, 2));
        x->parent = db_col_text(q, 3) ? kh_strdup(db_col_text(q, 3)) : NULL;
        x->tags = kh_strdup(db_col_text(q, 4) ? db_col_text(q, 4) : "");
        read_origin(q, 5, &x->o);
        if (!x->code || !x->name || !x->cat || !x->tags || (db_col_text(q, 3) && !x->parent)) {
            db_reset(q);
            rc = nomem(b);
            goto out;
        }
        x->take = !only;
        for (c = 0; only && c < kh_scheme_category_count(only) && !x->take; c++)
            x->take = strcmp(kh_scheme_category_id(only, c), x->cat) == 0;
    }
    if (rc < 0)
        goto out;
    order = malloc((n ? n : 1) * sizeof(*order));
    stack = malloc((n ? n : 1) * sizeof(*stack));
    if (!order || !stack) {
        rc = nomem(b);
        goto out;
    }
    for (i = 0; i < n; i++)
        order[i] = (int)i;
    if (kh_sort(order, n, sizeof(*order), by_code, r)) {
        rc = nomem(b);
        goto out;
    }
    for (i = 0; i < n; i++) {
        int p = r[i].parent ? find_row(r, order, n, r[i].parent) : -1;
        r[i].parent_row = p >= 0 && r[p].take ? p : -1;
    }
    /* Add each taken unit after its chain of parents (iteratively: a long
     * chain must not exhaust the C stack; a damaged store's cycle is cut). */
    for (i = 0; i < n; i++) {
        size_t top = 0;
        int k = (int)i;
        if (!r[i].take)
            continue;
        while (k >= 0 && r[k].state == 0) {
            r[k].state = 1;
            stack[top++] = k;
            k = r[k].parent_row;
        }
        while (top) {
            k = stack[--top];
            if (r[k].parent_row >= 0 && r[r[k].parent_row].state != 2)
                r[k].parent_row = -1; /* a cycle: cut it here */
            if ((rc = add_unit(b, r, k)))
                goto out;
        }
    }
    if ((rc = db_prepare(b->st->db, attrs, &q, b->err)))
        goto out;
    db_bind_int(q, 1, b->jid);
    while ((rc = db_step(q, b->err)) == DB_ROW) {
        int u = kh_dataset_unit(b->ds, db_col_text(q, 0));
        if (u >= 0 && kh_dataset_set_attr(b->ds, u, db_col_text(q, 1), db_col_double(q, 2))) {
            db_reset(q);
            rc = nomem(b);
            goto out;
        }
    }
    rc = rc < 0 ? rc : KH_OK;
out:
    free(order);
    free(stack);
    urows_free(r, n);
    return rc;
}

/* ---- records -------------------------------------------------------------------- */

/* Add the approved values of the units taken, in stored order. */
static int build_values(struct build *b)
{
    static const char sql[] =
        "SELECT u.code, i.code, v.period, v.value, v.batch_id, v.source_id, v.line"
        " FROM value v JOIN unit u ON u.id = v.unit_id JOIN indicator i ON i.id = v.indicator_id"
        " WHERE v.jurisdiction_id = ?1 AND v.state = 'approved' ORDER BY v.id";
    struct kh_dataset *ds = b->ds;
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(b->st->db, sql, &q, b->err)))
        return rc;
    db_bind_int(q, 1, b->jid);
    while ((rc = db_step(q, b->err)) == DB_ROW) {
        struct store_origin o;
        struct kh_value *v;
        if (kh_dataset_unit(ds, db_col_text(q, 0)) < 0)
            continue; /* a unit the scheme does not assess */
        if ((rc = kh_dataset_add_value(ds, db_col_text(q, 0), db_col_text(q, 1), db_col_text(q, 2),
                                       db_col_double(q, 3), b->err)))
            break;
        read_origin(q, 4, &o);
        v = &ds->values[ds->nvalues - 1];
        if ((rc = note_origin(b, &b->prov->values, &b->cap_values, ds->nvalues - 1, &o, &v->file,
                              &v->line)))
            break;
    }
    if (rc != DB_DONE)
        db_reset(q);
    return rc < 0 ? rc : KH_OK;
}

/* Add the targets and baselines of the units taken, in stored order. */
static int build_targets(struct build *b)
{
    static const char sql[] =
        "SELECT u.code, i.code, t.period, t.target, t.baseline, t.batch_id, t.source_id, t.line"
        " FROM target t JOIN unit u ON u.id = t.unit_id JOIN indicator i ON i.id = t.indicator_id"
        " WHERE t.jurisdiction_id = ?1 ORDER BY t.id";
    struct kh_dataset *ds = b->ds;
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(b->st->db, sql, &q, b->err)))
        return rc;
    db_bind_int(q, 1, b->jid);
    while ((rc = db_step(q, b->err)) == DB_ROW) {
        struct store_origin o;
        struct kh_target *t;
        if (kh_dataset_unit(ds, db_col_text(q, 0)) < 0)
            continue;
        if ((rc = kh_dataset_add_target(ds, db_col_text(q, 0), db_col_text(q, 1), db_col_text(q, 2),
                                        db_col_double(q, 3), db_col_double(q, 4), b->err)))
            break;
        read_origin(q, 5, &o);
        t = &ds->targets[ds->ntargets - 1];
        if ((rc = note_origin(b, &b->prov->targets, &b->cap_targets, ds->ntargets - 1, &o, &t->file,
                              &t->line)))
            break;
    }
    if (rc != DB_DONE)
        db_reset(q);
    return rc < 0 ? rc : KH_OK;
}

/* Add the events of the units taken, in stored order. */
static int build_events(struct build *b)
{
    static const char sql[] =
        "SELECT u.code, e.period, e.item, e.level, e.count, e.matter, e.points, e.shares,"
        " e.exempt, e.evidence, e.note, e.batch_id, e.source_id, e.line"
        " FROM event e JOIN unit u ON u.id = e.unit_id"
        " WHERE e.jurisdiction_id = ?1 ORDER BY e.id";
    struct kh_dataset *ds = b->ds;
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(b->st->db, sql, &q, b->err)))
        return rc;
    db_bind_int(q, 1, b->jid);
    while ((rc = db_step(q, b->err)) == DB_ROW) {
        struct store_origin o;
        struct kh_event e, *x;
        if (kh_dataset_unit(ds, db_col_text(q, 0)) < 0)
            continue;
        memset(&e, 0, sizeof(e));
        e.item = (char *)db_col_text(q, 2);
        e.level = (char *)db_col_text(q, 3);
        e.count = db_col_double(q, 4);
        e.matter = (char *)db_col_text(q, 5);
        e.points = db_col_double(q, 6);
        e.shares = (int)db_col_int(q, 7);
        e.exempt = (int)db_col_int(q, 8);
        e.evidence = (char *)db_col_text(q, 9);
        e.note = (char *)db_col_text(q, 10);
        if ((rc = kh_dataset_add_event_ex(ds, db_col_text(q, 0), db_col_text(q, 1), &e, b->err)))
            break;
        read_origin(q, 11, &o);
        x = &ds->events[ds->nevents - 1];
        if ((rc = note_origin(b, &b->prov->events, &b->cap_events, ds->nevents - 1, &o, &x->file,
                              &x->line)))
            break;
    }
    if (rc != DB_DONE)
        db_reset(q);
    return rc < 0 ? rc : KH_OK;
}

/* Add the ballots about the units taken, in stored order. */
static int build_ballots(struct build *b)
{
    static const char sql[] =
        "SELECT x.meeting, x.evaluator, x.grp, u.code, x.grade, x.score, x.batch_id,"
        " x.source_id, x.line FROM ballot x JOIN unit u ON u.id = x.unit_id"
        " WHERE x.jurisdiction_id = ?1 ORDER BY x.id";
    struct kh_dataset *ds = b->ds;
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(b->st->db, sql, &q, b->err)))
        return rc;
    db_bind_int(q, 1, b->jid);
    while ((rc = db_step(q, b->err)) == DB_ROW) {
        struct store_origin o;
        struct kh_ballot *x;
        if (kh_dataset_unit(ds, db_col_text(q, 3)) < 0)
            continue;
        if ((rc = kh_dataset_add_ballot(ds, db_col_text(q, 0), db_col_text(q, 1), db_col_text(q, 2),
                                        db_col_text(q, 3), db_col_text(q, 4), db_col_double(q, 5),
                                        b->err)))
            break;
        read_origin(q, 6, &o);
        x = &ds->ballots[ds->nballots - 1];
        if ((rc = note_origin(b, &b->prov->ballots, &b->cap_ballots, ds->nballots - 1, &o, &x->file,
                              &x->line)))
            break;
    }
    if (rc != DB_DONE)
        db_reset(q);
    return rc < 0 ? rc : KH_OK;
}

int store_dataset_build(struct kh_store *st, int64_t jid, const struct kh_scheme *only,
                        struct kh_dataset **out, struct store_prov *prov, struct kh_err *err)
{
    struct store_prov scratch;
    struct build b;
    int rc, own_txn = !db_in_transaction(st->db);

    *out = NULL;
    memset(&b, 0, sizeof(b));
    memset(&scratch, 0, sizeof(scratch));
    if (prov)
        memset(prov, 0, sizeof(*prov));
    b.st = st;
    b.jid = jid;
    b.err = err;
    b.prov = prov ? prov : &scratch;
    b.want = prov != NULL;
    b.ds = kh_dataset_new();
    if (!b.ds)
        return nomem(&b);
    if (own_txn && (rc = db_begin_read(st->db, err)))
        goto out;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = build_units(&b, only)) ||
        (rc = build_values(&b)) || (rc = build_targets(&b)) || (rc = build_events(&b)) ||
        (rc = build_ballots(&b)))
        goto out;
out:
    if (own_txn)
        db_rollback(st->db); /* a read: nothing to keep */
    free(b.src);
    store_prov_free(&scratch);
    if (rc) {
        if (prov)
            store_prov_free(prov);
        kh_dataset_free(b.ds);
        return rc;
    }
    *out = b.ds;
    return KH_OK;
}

int kh_store_dataset(struct kh_store *st, int64_t jid, struct kh_dataset **out, struct kh_err *err)
{
    return store_dataset_build(st, jid, NULL, out, NULL, err);
}

int kh_store_score(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                   const char *period, struct kh_scheme **s, struct kh_dataset **ds,
                   struct kh_result **r, struct kh_err *err)
{
    int rc, own_txn = !db_in_transaction(st->db);

    *s = NULL;
    *ds = NULL;
    *r = NULL;
    /* The scheme and the data of one moment: a reader never sees half of a
     * change (store_dataset_build then runs inside this transaction). */
    if (own_txn && (rc = db_begin_read(st->db, err)))
        return rc;
    rc = kh_store_scheme_load(st, jid, scheme_id, version, s, err);
    if (!rc)
        rc = store_dataset_build(st, jid, *s, ds, NULL, err);
    if (own_txn)
        db_rollback(st->db); /* a read: nothing to keep */
    if (!rc)
        rc = kh_score(*s, *ds, period, r, err);
    if (rc) {
        kh_dataset_free(*ds);
        kh_scheme_free(*s);
        *ds = NULL;
        *s = NULL;
        return rc;
    }
    return KH_OK;
}
