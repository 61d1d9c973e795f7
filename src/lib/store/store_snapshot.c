/*
 * store_snapshot.c — publishing: a scoring run frozen as an immutable
 * snapshot with a content hash, and the means to reproduce it.
 *
 * A snapshot holds the scheme version it scored (its full text stays in
 * scheme_version), the period, every input record of the scored dataset
 * in canonical text (store_canon.c) with the batch, source and line it
 * came from, and every output: per unit its category, total (full
 * precision and as displayed), rank, tier and vetoes, and per unit and
 * node the score (both ways; nodes that do not apply are left out).
 *
 * The hash is SHA-256 (libsodium crypto_hash_sha256) over this text, one
 * line each, in this order:
 *
 *   kaohe-snapshot 1
 *   scheme <TAB> scheme id <TAB> SHA-256 of the scheme text
 *   period <TAB> period
 *   input <TAB> kind <TAB> key <TAB> data          (dataset order)
 *   unit <TAB> id <TAB> category <TAB> total <TAB> display <TAB> rank <TAB> rank_of
 *        <TAB> tier id <TAB> vetoes (';') <TAB> honours eligible (1/0)
 *   score <TAB> unit <TAB> node <TAB> score <TAB> display   (after each unit line)
 *
 * Who published and when, the provenance of inputs and the store's own
 * numbering are left out, so publishing twice with nothing changed gives
 * the same hash, and the same inputs and scheme give the same hash in any
 * store. Numbers are written in the shortest form that reads back exactly.
 *
 * Publishing also runs inside a caller's transaction (store_publish_in: an
 * accepted appeal corrects and publishes at once), and a snapshot's unit
 * lines and scores are read back in published order
 * (kh_store_snapshot_units).
 */
#include "base/common.h"

#include <sodium.h>

#include "base/sort.h"
#include "kaohe/report.h"
#include "store/store_int.h"

#define SNAPSHOT_FORMAT "kaohe-snapshot 1\n"

/* The kinds of inputs, in hashing order, and the record count of each. */
static const char *const input_kinds[] = {"unit", "value", "target", "event", "ballot"};

/* One freezing pass: hashing (snap == 0) or inserting rows (snap > 0). */
struct freeze {
    struct kh_store *st;
    int64_t snap;
    crypto_hash_sha256_state h;
    const char *scheme_sha;
    const struct kh_scheme *s;
    const struct kh_dataset *ds;
    const struct kh_result *r;
    const struct store_prov *prov; /* may be NULL (verification) */
    int *ordinal;                  /* the n of each event */
    struct kh_buf key, data, line;
    size_t seq;
    struct kh_err *err;
};

/* Hash the line in f->line. */
static void hash_line(struct freeze *f)
{
    crypto_hash_sha256_update(&f->h, (const unsigned char *)f->line.data, f->line.len);
}

/* The origin of input i of `kind`, or NULL. */
static const struct store_origin *origin(const struct freeze *f, int kind, size_t i)
{
    const struct store_prov *p = f->prov;
    if (!p)
        return NULL;
    switch (kind) {
    case 0:
        return p->units ? &p->units[i] : NULL;
    case 1:
        return p->values ? &p->values[i] : NULL;
    case 2:
        return p->targets ? &p->targets[i] : NULL;
    case 3:
        return p->events ? &p->events[i] : NULL;
    default:
        return p->ballots ? &p->ballots[i] : NULL;
    }
}

/* The unit index of input i of `kind`. */
static int input_unit(const struct kh_dataset *ds, int kind, size_t i)
{
    switch (kind) {
    case 0:
        return (int)i;
    case 1:
        return ds->values[i].unit;
    case 2:
        return ds->targets[i].unit;
    case 3:
        return ds->events[i].unit;
    default:
        return ds->ballots[i].unit;
    }
}

/* How many inputs of `kind` ds has. */
static size_t input_count(const struct kh_dataset *ds, int kind)
{
    switch (kind) {
    case 0:
        return (size_t)ds->nunits;
    case 1:
        return ds->nvalues;
    case 2:
        return ds->ntargets;
    case 3:
        return ds->nevents;
    default:
        return ds->nballots;
    }
}

/* Order of event indices by unit, item and period (stable: then by index). */
static int event_group_cmp(const void *pa, const void *pb, void *ctx)
{
    const struct kh_dataset *ds = ctx;
    const struct kh_event *a = &ds->events[*(const size_t *)pa];
    const struct kh_event *b = &ds->events[*(const size_t *)pb];
    int c;

    if (a->unit != b->unit)
        return a->unit < b->unit ? -1 : 1;
    if ((c = strcmp(a->item, b->item)))
        return c;
    return kh_period_cmp(&a->period, &b->period);
}

/* The n of every event: how many events of the same unit, item and period
 * come before it in the dataset. *out is malloc'ed (caller frees). */
static int event_ordinals(const struct kh_dataset *ds, int **out, struct kh_err *err)
{
    size_t *order = malloc((ds->nevents + 1) * sizeof(*order)), i;
    int *n = malloc((ds->nevents + 1) * sizeof(*n));

    *out = NULL;
    if (!order || !n)
        goto nomem;
    for (i = 0; i < ds->nevents; i++)
        order[i] = i;
    if (kh_sort(order, ds->nevents, sizeof(*order), event_group_cmp, (void *)ds))
        goto nomem;
    for (i = 0; i < ds->nevents; i++)
        n[order[i]] = i && event_group_cmp(&order[i - 1], &order[i], (void *)ds) == 0
                          ? n[order[i - 1]] + 1
                          : 0;
    free(order);
    *out = n;
    return KH_OK;
nomem:
    free(order);
    free(n);
    return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory publishing");
}

/* Freeze (hash or insert) every input record. */
static int freeze_inputs(struct freeze *f)
{
    static const char ins[] =
        "INSERT INTO snapshot_input (snapshot_id, seq, kind, unit, key, data, batch_id,"
        " source_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    int kind, rc;
    size_t i;

    for (kind = 0; kind < (int)KH_ARRAY_LEN(input_kinds); kind++) {
        size_t n = input_count(f->ds, kind);
        for (i = 0; i < n; i++) {
            const struct store_origin *o = origin(f, kind, i);
            struct db_stmt *q;
            store_canon_record(f->ds, input_kinds[kind], i, kind == 3 ? f->ordinal[i] : 0, &f->key,
                               &f->data);
            if (kh_buf_failed(&f->key) || kh_buf_failed(&f->data))
                return kh_err_set(f->err, KH_ENOMEM, NULL, 0, 0, "out of memory publishing");
            if (!f->snap) {
                kh_buf_reset(&f->line);
                kh_buf_printf(&f->line, "input\t%s\t%s\t%s\n", input_kinds[kind],
                              kh_buf_str(&f->key), kh_buf_str(&f->data));
                if (kh_buf_failed(&f->line))
                    return kh_err_set(f->err, KH_ENOMEM, NULL, 0, 0, "out of memory publishing");
                hash_line(f);
                continue;
            }
            if ((rc = db_prepare(f->st->db, ins, &q, f->err)))
                return rc;
            db_bind_int(q, 1, f->snap);
            db_bind_int(q, 2, (int64_t)f->seq++);
            db_bind_text(q, 3, input_kinds[kind]);
            db_bind_text(q, 4, f->ds->units[input_unit(f->ds, kind, i)].id);
            db_bind_text(q, 5, kh_buf_str(&f->key));
            db_bind_text(q, 6, kh_buf_str(&f->data));
            if (o && o->batch)
                db_bind_int(q, 7, o->batch);
            if (o && o->source)
                db_bind_int(q, 8, o->source);
            db_bind_int(q, 9, o ? o->line : 0);
            if ((rc = db_run(q, f->err)))
                return rc;
        }
    }
    return KH_OK;
}

/* The vetoes of unit u joined with ';'. */
static const char *vetoes(const struct kh_result *r, int u, struct kh_buf *b)
{
    int v;
    kh_buf_reset(b);
    for (v = 0; v < kh_result_veto_count(r, u); v++) {
        if (v)
            kh_buf_putc(b, ';');
        kh_buf_puts(b, kh_result_veto_name(r, u, v));
    }
    return kh_buf_str(b);
}

/* Freeze (hash or insert) every output. */
static int freeze_outputs(struct freeze *f)
{
    static const char ins_unit[] =
        "INSERT INTO snapshot_unit (snapshot_id, unit, seq, name, category, total, display,"
        " rank, rank_of, tier, tier_name, vetoes, eligible)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
    static const char ins_score[] =
        "INSERT INTO snapshot_score (snapshot_id, unit, node, seq, score, display)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    const struct kh_dataset *ds = f->ds;
    const struct kh_result *r = f->r;
    int nn = kh_scheme_node_count(f->s), u, k, rc;
    struct kh_buf vb;
    struct db_stmt *q;

    kh_buf_init(&vb, 0);
    for (u = 0; u < ds->nunits; u++) {
        const char *cat = kh_scheme_category_id(f->s, kh_result_category(r, u));
        double total = kh_result_score(r, u, 0), disp = kh_result_display(r, u, 0);
        char t1[40], t2[40];
        vetoes(r, u, &vb);
        if (!f->snap) {
            kh_buf_reset(&f->line);
            kh_buf_puts(&f->line, "unit\t");
            store_canon(&f->line, ds->units[u].id);
            kh_buf_putc(&f->line, '\t');
            store_canon(&f->line, cat);
            kh_buf_printf(&f->line, "\t%s\t%s\t%d\t%d\t", store_num(total, t1), store_num(disp, t2),
                          kh_result_rank(r, u), kh_result_rank_size(r, u));
            store_canon(&f->line, kh_result_tier_id(r, u));
            kh_buf_putc(&f->line, '\t');
            store_canon(&f->line, kh_buf_str(&vb));
            kh_buf_printf(&f->line, "\t%d\n", kh_result_honours_eligible(r, u) ? 1 : 0);
            hash_line(f);
        } else {
            if ((rc = db_prepare(f->st->db, ins_unit, &q, f->err)))
                goto out;
            db_bind_int(q, 1, f->snap);
            db_bind_text(q, 2, ds->units[u].id);
            db_bind_int(q, 3, u);
            db_bind_text(q, 4, ds->units[u].name);
            db_bind_text(q, 5, cat);
            db_bind_double(q, 6, total);
            db_bind_double(q, 7, disp);
            db_bind_int(q, 8, kh_result_rank(r, u));
            db_bind_int(q, 9, kh_result_rank_size(r, u));
            db_bind_text(q, 10, kh_result_tier_id(r, u));
            db_bind_text(q, 11, kh_result_tier_name(r, u));
            db_bind_text(q, 12, kh_buf_str(&vb));
            db_bind_int(q, 13, kh_result_honours_eligible(r, u) ? 1 : 0);
            if ((rc = db_run(q, f->err)))
                goto out;
        }
        for (k = 1; k < nn; k++) {
            double sc = kh_result_score(r, u, k), d = kh_result_display(r, u, k);
            if (isnan(sc))
                continue;
            if (!f->snap) {
                kh_buf_reset(&f->line);
                kh_buf_puts(&f->line, "score\t");
                store_canon(&f->line, ds->units[u].id);
                kh_buf_putc(&f->line, '\t');
                store_canon(&f->line, kh_scheme_node_id(f->s, k));
                kh_buf_printf(&f->line, "\t%s\t%s\n", store_num(sc, t1), store_num(d, t2));
                hash_line(f);
                continue;
            }
            if ((rc = db_prepare(f->st->db, ins_score, &q, f->err)))
                goto out;
            db_bind_int(q, 1, f->snap);
            db_bind_text(q, 2, ds->units[u].id);
            db_bind_text(q, 3, kh_scheme_node_id(f->s, k));
            db_bind_int(q, 4, k);
            db_bind_double(q, 5, sc);
            db_bind_double(q, 6, d);
            if ((rc = db_run(q, f->err)))
                goto out;
        }
        if (kh_buf_failed(&f->line) || kh_buf_failed(&vb)) {
            rc = kh_err_set(f->err, KH_ENOMEM, NULL, 0, 0, "out of memory publishing");
            goto out;
        }
    }
    rc = KH_OK;
out:
    kh_buf_free(&vb);
    return rc;
}

/* Hash the whole snapshot text into hex. */
static int snapshot_hash(struct freeze *f, char out[65])
{
    unsigned char md[crypto_hash_sha256_BYTES];
    int rc;

    if (!f->ordinal && (rc = event_ordinals(f->ds, &f->ordinal, f->err)))
        return rc;
    crypto_hash_sha256_init(&f->h);
    kh_buf_reset(&f->line);
    kh_buf_puts(&f->line, SNAPSHOT_FORMAT "scheme\t");
    store_canon(&f->line, kh_scheme_id(f->s));
    kh_buf_printf(&f->line, "\t%s\nperiod\t%s\n", f->scheme_sha, kh_result_period(f->r));
    hash_line(f);
    if ((rc = freeze_inputs(f)) || (rc = freeze_outputs(f)))
        return rc;
    crypto_hash_sha256_final(&f->h, md);
    sodium_bin2hex(out, 65, md, sizeof(md));
    return KH_OK;
}

/* Start a freezing pass over s, ds and r (prov may be NULL). */
static void freeze_init(struct freeze *f, struct kh_store *st, const char *sha,
                        const struct kh_scheme *s, const struct kh_dataset *ds,
                        const struct kh_result *r, const struct store_prov *prov,
                        struct kh_err *err)
{
    memset(f, 0, sizeof(*f));
    f->st = st;
    f->scheme_sha = sha;
    f->s = s;
    f->ds = ds;
    f->r = r;
    f->prov = prov;
    f->err = err;
    kh_buf_init(&f->key, 0);
    kh_buf_init(&f->data, 0);
    kh_buf_init(&f->line, 0);
}

/* Release what a freezing pass holds. */
static void freeze_release(struct freeze *f)
{
    free(f->ordinal);
    f->ordinal = NULL;
    kh_buf_free(&f->key);
    kh_buf_free(&f->data);
    kh_buf_free(&f->line);
}

/* ---- describing snapshots ------------------------------------------------------ */

#define INFO_SQL                                                                                   \
    "SELECT s.id, s.hash, sc.code, v.version, s.period, b.at, b.user"                              \
    " FROM snapshot s JOIN scheme_version v ON v.id = s.scheme_version_id"                         \
    " JOIN scheme sc ON sc.id = v.scheme_id JOIN batch b ON b.id = s.batch_id"

/* Fill *info from the current row of an INFO_SQL query. */
static void read_info(struct db_stmt *q, struct kh_snapshot_info *info)
{
    memset(info, 0, sizeof(*info));
    info->id = db_col_int(q, 0);
    snprintf(info->hash, sizeof(info->hash), "%s", db_col_text(q, 1));
    snprintf(info->scheme_id, sizeof(info->scheme_id), "%s", db_col_text(q, 2));
    info->scheme_version = (int)db_col_int(q, 3);
    snprintf(info->period, sizeof(info->period), "%s", db_col_text(q, 4));
    snprintf(info->published_at, sizeof(info->published_at), "%s", db_col_text(q, 5));
    snprintf(info->published_by, sizeof(info->published_by), "%s", db_col_text(q, 6));
}

int kh_store_snapshot(struct kh_store *st, int64_t jid, int64_t id, struct kh_snapshot_info *info,
                      struct kh_err *err)
{
    static const char sql[] = INFO_SQL " WHERE s.jurisdiction_id = ?1 AND s.id = ?2";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, id);
    rc = db_step(q, err);
    if (rc == DB_DONE)
        return kh_err_set(err, KH_ENOTFOUND, db_path(st->db), 0, 0,
                          "no snapshot %lld in this jurisdiction (kaohe snapshot lists them)",
                          (long long)id);
    if (rc < 0)
        return rc;
    read_info(q, info);
    db_reset(q);
    return KH_OK;
}

int kh_store_snapshot_list(struct kh_store *st, int64_t jid, struct kh_snapshot_info **out,
                           size_t *n, struct kh_err *err)
{
    static const char sql[] = INFO_SQL " WHERE s.jurisdiction_id = ?1 ORDER BY s.id";
    struct kh_snapshot_info *v = NULL;
    size_t cap = 0, k = 0;
    struct db_stmt *q;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    while ((rc = db_step(q, err)) == DB_ROW) {
        if (kh_grow(&v, &cap, k + 1, sizeof(*v))) {
            db_reset(q);
            free(v);
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        }
        read_info(q, &v[k++]);
    }
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return KH_OK;
}

/* ---- publishing ------------------------------------------------------------------ */

int store_publish_in(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                     const char *period, const struct kh_actor *who,
                     struct kh_snapshot_info *info, struct kh_err *err)
{
    static const char ins[] =
        "INSERT INTO snapshot (jurisdiction_id, scheme_version_id, period, hash, batch_id,"
        " units, inputs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    struct store_scheme_row row;
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = NULL;
    struct kh_result *r = NULL;
    struct store_prov prov;
    struct store_batch b;
    struct freeze f;
    struct db_stmt *q;
    char hash[65], what[300];
    size_t ninputs;
    int rc;

    memset(&prov, 0, sizeof(prov));
    memset(&row, 0, sizeof(row));
    freeze_init(&f, st, "", NULL, NULL, NULL, NULL, err);
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_scheme_get(st, jid, scheme_id, version, 0, &row, err)) ||
        (rc = kh_scheme_load_mem(row.file, row.text, row.len, &s, err)) ||
        (rc = store_dataset_build(st, jid, s, &ds, &prov, err)) ||
        (rc = kh_score(s, ds, period, &r, err)))
        goto out;
    freeze_release(&f);
    freeze_init(&f, st, row.sha256, s, ds, r, &prov, err);
    if ((rc = snapshot_hash(&f, hash)) ||
        (rc = store_batch_begin(st, jid, "publish", who, NULL, hash, &b, err)) ||
        (rc = db_prepare(st->db, ins, &q, err)))
        goto out;
    ninputs = (size_t)ds->nunits + ds->nvalues + ds->ntargets + ds->nevents + ds->nballots;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, row.id);
    db_bind_text(q, 3, kh_result_period(r));
    db_bind_text(q, 4, hash);
    db_bind_int(q, 5, b.id);
    db_bind_int(q, 6, ds->nunits);
    db_bind_int(q, 7, (int64_t)ninputs);
    if ((rc = db_run(q, err)))
        goto out;
    f.snap = db_last_id(st->db);
    if ((rc = freeze_inputs(&f)) || (rc = freeze_outputs(&f)))
        goto out;
    snprintf(what, sizeof(what), "#%lld %s v%d %s sha256 %.12s (%d units, %zu inputs)",
             (long long)f.snap, kh_scheme_id(s), row.version, kh_result_period(r), hash, ds->nunits,
             ninputs);
    if ((rc = store_audit(st, &b, "publish", "snapshot", kh_scheme_id(s), NULL, what, err)))
        goto out;
    memset(info, 0, sizeof(*info));
    info->id = f.snap;
    snprintf(info->hash, sizeof(info->hash), "%s", hash);
    snprintf(info->scheme_id, sizeof(info->scheme_id), "%s", kh_scheme_id(s));
    info->scheme_version = row.version;
    snprintf(info->period, sizeof(info->period), "%s", kh_result_period(r));
    snprintf(info->published_at, sizeof(info->published_at), "%s", b.at);
    snprintf(info->published_by, sizeof(info->published_by), "%s", who->user);
out:
    freeze_release(&f);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
    store_prov_free(&prov);
    store_scheme_row_free(&row);
    return rc;
}

int kh_store_publish(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                     const char *period, const struct kh_actor *who,
                     struct kh_snapshot_info *info, struct kh_err *err)
{
    struct kh_snapshot_info scratch;
    int rc;

    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!scheme_id || !scheme_id[0] || !period)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "publishing needs a scheme id and a period");
    if ((rc = db_begin(st->db, err)))
        return rc;
    rc = store_publish_in(st, jid, scheme_id, version, period, who, info ? info : &scratch, err);
    if (rc == KH_OK)
        return db_commit(st->db, err);
    db_rollback(st->db);
    return rc;
}

/* ---- reproducing --------------------------------------------------------------------- */

/* Add one frozen input record to ds. */
static int thaw_record(struct kh_dataset *ds, const char *kind, const char *key, const char *data,
                       struct kh_buf *wk, struct kh_buf *wd, struct kh_err *err)
{
    const char *k[8], *d[8];
    int nk = store_canon_split(key, wk, k, 8), nd = store_canon_split(data, wd, d, 8);
    double x, y;

    if (nk < 0 || nd < 0)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
#define NUM(s, out) (*(s) ? kh_parse_double((s), &(out)) : ((out) = NAN, KH_OK))
    if (strcmp(kind, "unit") == 0 && nk == 1 && nd == 5) {
        int u = kh_dataset_add_unit(ds, k[0], d[0], d[1], d[2][0] ? d[2] : NULL,
                                    d[3][0] ? d[3] : NULL, err);
        char *attrs, *p;
        if (u < 0)
            return u;
        if (!(attrs = kh_strdup(d[4])))
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        for (p = attrs; *p;) {
            char *end = p + strcspn(p, ";"), *eq, keep = *end;
            *end = 0;
            eq = strrchr(p, '=');
            if (eq) {
                *eq = 0;
                if (kh_parse_double(eq + 1, &x) || kh_dataset_set_attr(ds, u, p, x)) {
                    free(attrs);
                    return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "bad frozen attribute of %s",
                                      k[0]);
                }
            }
            p = keep ? end + 1 : end;
        }
        free(attrs);
        return KH_OK;
    }
    if (strcmp(kind, "value") == 0 && nk == 3 && nd == 1 && NUM(d[0], x) == KH_OK)
        return kh_dataset_add_value(ds, k[0], k[1], k[2], x, err);
    if (strcmp(kind, "target") == 0 && nk == 3 && nd == 2 && NUM(d[0], x) == KH_OK &&
        NUM(d[1], y) == KH_OK)
        return kh_dataset_add_target(ds, k[0], k[1], k[2], x, y, err);
    if (strcmp(kind, "event") == 0 && nk == 4 && nd == 8) {
        struct kh_event e;
        long shares, exempt;
        memset(&e, 0, sizeof(e));
        e.level = (char *)d[0];
        e.matter = (char *)d[2];
        e.evidence = (char *)d[6];
        e.note = (char *)d[7];
        if (kh_parse_double(d[1], &e.count) == KH_OK && NUM(d[3], e.points) == KH_OK &&
            kh_parse_long(d[4], 1, 1000000000, &shares) == KH_OK &&
            kh_parse_long(d[5], 0, 1, &exempt) == KH_OK) {
            e.item = (char *)k[1];
            e.shares = (int)shares;
            e.exempt = (int)exempt;
            return kh_dataset_add_event_ex(ds, k[0], k[2], &e, err);
        }
    }
    if (strcmp(kind, "ballot") == 0 && nk == 3 && nd == 3 && NUM(d[2], x) == KH_OK)
        return kh_dataset_add_ballot(ds, k[0], k[1], d[0][0] ? d[0] : NULL, k[2],
                                     d[1][0] ? d[1] : NULL, x, err);
#undef NUM
    return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a frozen %s record is damaged: %s", kind, key);
}

/* Rebuild the dataset of snapshot snap from its frozen inputs. */
static int thaw(struct kh_store *st, int64_t snap, struct kh_dataset **out, struct kh_err *err)
{
    static const char sql[] =
        "SELECT kind, key, data FROM snapshot_input WHERE snapshot_id = ?1 ORDER BY seq";
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_buf wk, wd;
    struct db_stmt *q;
    int rc;

    *out = NULL;
    if (!ds)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    kh_buf_init(&wk, 0);
    kh_buf_init(&wd, 0);
    if ((rc = db_prepare(st->db, sql, &q, err)))
        goto out;
    db_bind_int(q, 1, snap);
    while ((rc = db_step(q, err)) == DB_ROW) {
        int r2 =
            thaw_record(ds, db_col_text(q, 0), db_col_text(q, 1), db_col_text(q, 2), &wk, &wd, err);
        if (r2 < 0) {
            db_reset(q);
            rc = r2;
            break;
        }
    }
    if (rc == DB_DONE)
        rc = KH_OK;
out:
    kh_buf_free(&wk);
    kh_buf_free(&wd);
    if (rc) {
        kh_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return KH_OK;
}

int kh_store_snapshot_verify(struct kh_store *st, int64_t jid, int64_t id, struct kh_err *err)
{
    static const char sql[] =
        "SELECT scheme_version_id, period, hash FROM snapshot WHERE jurisdiction_id = ?1"
        " AND id = ?2";
    struct store_scheme_row row;
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = NULL;
    struct kh_result *r = NULL;
    struct freeze f;
    struct db_stmt *q;
    char period[KH_PERIOD_TEXT], stored[65], hash[65];
    int64_t version_id;
    int rc, own = !db_in_transaction(st->db), began = 0;

    memset(&row, 0, sizeof(row));
    freeze_init(&f, st, "", NULL, NULL, NULL, NULL, err);
    if (own) {
        if ((rc = db_begin_read(st->db, err)))
            goto out;
        began = 1;
    }
    if ((rc = db_prepare(st->db, sql, &q, err)))
        goto out;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, id);
    if ((rc = db_step(q, err)) != DB_ROW) {
        if (rc == DB_DONE)
            rc = kh_err_set(err, KH_ENOTFOUND, db_path(st->db), 0, 0,
                            "no snapshot %lld in this jurisdiction", (long long)id);
        goto out;
    }
    version_id = db_col_int(q, 0);
    snprintf(period, sizeof(period), "%s", db_col_text(q, 1));
    snprintf(stored, sizeof(stored), "%s", db_col_text(q, 2));
    db_reset(q);
    if ((rc = store_scheme_get(st, jid, NULL, 0, version_id, &row, err)) ||
        (rc = kh_scheme_load_mem(row.file, row.text, row.len, &s, err)) ||
        (rc = thaw(st, id, &ds, err)) || (rc = kh_score(s, ds, period, &r, err)))
        goto out;
    freeze_release(&f);
    freeze_init(&f, st, row.sha256, s, ds, r, NULL, err);
    if ((rc = snapshot_hash(&f, hash)))
        goto out;
    if (strcmp(hash, stored) != 0)
        rc = kh_err_set(err, KH_EINVAL, db_path(st->db), 0, 0,
                        "snapshot %lld does not reproduce: its inputs scored again give hash "
                        "%.16s…, but %.16s… was published",
                        (long long)id, hash, stored);
out:
    if (began)
        db_rollback(st->db);
    freeze_release(&f);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
    store_scheme_row_free(&row);
    return rc;
}

/* ---- reading a snapshot back --------------------------------------------------------- */

/* One unit line of a snapshot, read before sorting. */
struct sunit {
    char *unit, *name, *category, *tier, *tier_name, *vetoes;
    double total, display;
    int rank, rank_of, eligible;
};

static void sunits_free(struct sunit *u, size_t n)
{
    size_t i;
    for (i = 0; u && i < n; i++) {
        free(u[i].unit);
        free(u[i].name);
        free(u[i].category);
        free(u[i].tier);
        free(u[i].tier_name);
        free(u[i].vetoes);
    }
    free(u);
}

/* The unit lines of snapshot snap in dataset order. */
static int read_sunits(struct kh_store *st, int64_t snap, struct sunit **out, size_t *n,
                       struct kh_err *err)
{
    static const char sql[] =
        "SELECT unit, name, category, tier, tier_name, vetoes, total, display, rank, rank_of,"
        " eligible FROM snapshot_unit WHERE snapshot_id = ?1 ORDER BY seq";
    struct sunit *v = NULL, *x;
    size_t cap = 0, k = 0;
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, snap);
    while ((rc = db_step(q, err)) == DB_ROW) {
        if (kh_grow(&v, &cap, k + 1, sizeof(*v))) {
            db_reset(q);
            rc = KH_ENOMEM;
            break;
        }
        x = &v[k++];
        memset(x, 0, sizeof(*x));
        x->unit = kh_strdup(db_col_text(q, 0));
        x->name = kh_strdup(db_col_text(q, 1));
        x->category = kh_strdup(db_col_text(q, 2));
        x->tier = kh_strdup(db_col_text(q, 3));
        x->tier_name = kh_strdup(db_col_text(q, 4));
        x->vetoes = kh_strdup(db_col_text(q, 5));
        x->total = db_col_double(q, 6);
        x->display = db_col_double(q, 7);
        x->rank = (int)db_col_int(q, 8);
        x->rank_of = (int)db_col_int(q, 9);
        x->eligible = (int)db_col_int(q, 10);
        if (!x->unit || !x->name || !x->category || !x->tier || !x->tier_name || !x->vetoes) {
            db_reset(q);
            rc = KH_ENOMEM;
            break;
        }
    }
    if (rc == KH_ENOMEM)
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory reading a snapshot");
    if (rc < 0) {
        sunits_free(v, k);
        return rc;
    }
    *out = v;
    *n = k;
    return KH_OK;
}

/* The node scores of one unit of a snapshot, reused from unit to unit. */
struct sscores {
    char **nodes;
    double *scores, *displays;
    size_t n, cap_nodes, cap_scores, cap_displays;
};

static void sscores_clear(struct sscores *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        free(s->nodes[i]);
    s->n = 0;
}

/* Read the scores of `unit` in snapshot snap, in node order, into s. */
static int read_sscores(struct kh_store *st, int64_t snap, const char *unit, struct sscores *s,
                        struct kh_err *err)
{
    static const char sql[] = "SELECT node, score, display FROM snapshot_score"
                              " WHERE snapshot_id = ?1 AND unit = ?2 ORDER BY seq";
    struct db_stmt *q;
    int rc;

    sscores_clear(s);
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, snap);
    db_bind_text(q, 2, unit);
    while ((rc = db_step(q, err)) == DB_ROW) {
        if (kh_grow(&s->nodes, &s->cap_nodes, s->n + 1, sizeof(*s->nodes)) ||
            kh_grow(&s->scores, &s->cap_scores, s->n + 1, sizeof(*s->scores)) ||
            kh_grow(&s->displays, &s->cap_displays, s->n + 1, sizeof(*s->displays)) ||
            !(s->nodes[s->n] = kh_strdup(db_col_text(q, 0)))) {
            db_reset(q);
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory reading a snapshot");
        }
        s->scores[s->n] = db_col_double(q, 1);
        s->displays[s->n] = db_col_double(q, 2);
        s->n++;
    }
    return rc < 0 ? rc : KH_OK;
}

int kh_store_snapshot_units(struct kh_store *st, int64_t jid, int64_t id,
                            int (*cb)(void *user, const struct kh_snapshot_unit *u), void *user,
                            struct kh_err *err)
{
    static const char sql[] =
        "SELECT scheme_version_id FROM snapshot WHERE jurisdiction_id = ?1 AND id = ?2";
    struct store_scheme_row row;
    struct kh_scheme *s = NULL;
    struct sunit *units = NULL;
    struct kh_report_row *order = NULL;
    struct sscores sc;
    struct db_stmt *q;
    size_t n = 0, i;
    int rc, began = 0, c;

    memset(&row, 0, sizeof(row));
    memset(&sc, 0, sizeof(sc));
    if (!db_in_transaction(st->db)) {
        if ((rc = db_begin_read(st->db, err)))
            return rc;
        began = 1;
    }
    if ((rc = db_prepare(st->db, sql, &q, err)))
        goto out;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, id);
    if ((rc = db_step(q, err)) != DB_ROW) {
        if (rc == DB_DONE)
            rc = kh_err_set(err, KH_ENOTFOUND, db_path(st->db), 0, 0,
                            "no snapshot %lld in this jurisdiction", (long long)id);
        goto out;
    }
    row.id = db_col_int(q, 0);
    db_reset(q);
    if ((rc = store_scheme_get(st, jid, NULL, 0, row.id, &row, err)) ||
        (rc = kh_scheme_load_mem(row.file, row.text, row.len, &s, err)) ||
        (rc = read_sunits(st, id, &units, &n, err)))
        goto out;
    if (!(order = malloc((n ? n : 1) * sizeof(*order)))) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory reading a snapshot");
        goto out;
    }
    for (i = 0; i < n; i++) {
        order[i].unit = (int)i;
        order[i].rank = units[i].rank;
        order[i].cat = kh_scheme_category_count(s);
        for (c = 0; c < kh_scheme_category_count(s); c++)
            if (strcmp(kh_scheme_category_id(s, c), units[i].category) == 0)
                order[i].cat = c;
    }
    qsort(order, n, sizeof(*order), kh_report_row_cmp);
    for (i = 0; i < n; i++) {
        const struct sunit *x = &units[order[i].unit];
        struct kh_snapshot_unit u;
        if ((rc = read_sscores(st, id, x->unit, &sc, err)))
            goto out;
        memset(&u, 0, sizeof(u));
        u.unit = x->unit;
        u.name = x->name;
        u.category = x->category;
        u.tier = x->tier;
        u.tier_name = x->tier_name;
        u.vetoes = x->vetoes;
        u.total = x->total;
        u.display = x->display;
        u.rank = x->rank;
        u.rank_of = x->rank_of;
        u.eligible = x->eligible;
        u.nscores = sc.n;
        u.nodes = (const char *const *)sc.nodes;
        u.scores = sc.scores;
        u.displays = sc.displays;
        if ((rc = cb(user, &u)))
            goto out;
    }
    rc = KH_OK;
out:
    if (began)
        db_rollback(st->db);
    sscores_clear(&sc);
    free(sc.nodes);
    free(sc.scores);
    free(sc.displays);
    free(order);
    sunits_free(units, n);
    kh_scheme_free(s);
    store_scheme_row_free(&row);
    return rc;
}
