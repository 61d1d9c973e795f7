/*
 * store_import.c — kh_store_import: one file of units, values, targets,
 * events or ballots (or a scheme) into the store, all or nothing.
 *
 * 1. Parse: the file is read by kh_dataset_load_file into a scratch
 *    dataset that already holds the stored units, so the dataset loaders
 *    do every check they know (columns, numbers, periods, duplicates,
 *    unknown units) with file:line:column errors, CSV or XLSX alike.
 * 2. Validate against the store: locked periods.
 * 3. Apply in one write transaction, record by record, matching each with
 *    its stored version by key (see kaohe/store.h): new records inserted,
 *    changed ones updated and audited old → new, equal ones left alone.
 *    Any error rolls the whole transaction back. When nothing changed the
 *    transaction is rolled back too, so that a repeated import leaves the
 *    file byte for byte as it was.
 *
 * The hot path is values: chunks of 64 rows written and looked up by
 * multi-row statements (store_bulk.c) rather than a statement a row, with
 * foreign keys checked once per distinct unit instead of on every row (see
 * "values" below). A big file's SHA-256 is computed on a second thread
 * while step 1 parses it.
 */
#include "base/common.h"

#include "base/sort.h"
#include "store/store_bulk.h"
#include "store/store_int.h"

/* Records between two progress calls. */
#define PROGRESS_EVERY 4096

/* One import. */
struct imp {
    struct kh_store *st;
    int64_t jid;
    const char *kind, *path;
    const struct kh_actor *who;
    kh_progress_fn progress;
    void *user;
    struct kh_import_report *rep;
    struct kh_err *err;
    struct kh_dataset *ds; /* the scratch dataset */
    int first_unit;        /* units: the first unit of the file in ds */
    int64_t *unit_id;      /* stored id of each ds unit (0: not stored yet) */
    int64_t *ind_id;       /* stored id of each ds indicator */
    int64_t *source_of;    /* source row of each ds file (0: not made yet) */
    struct store_locks locks;
    struct store_batch batch;
    const char *state; /* review state of imported values */
    size_t done, total;
    struct store_periods periods; /* values: each period's text and lock */
    struct kh_period last_p;      /* caches: the last period's text and lock */
    char last_text[KH_PERIOD_TEXT];
    const char *last_lock;
    int have_last;
    struct kh_buf a, b, c; /* scratch text */
};

/* Record running out of memory; returns KH_ENOMEM. */
static int nomem(struct imp *im)
{
    return kh_err_set(im->err, KH_ENOMEM, im->path, 0, 0, "out of memory importing the file");
}

/* An error about the record from `file`, `line` of the imported file. */
static int rec_error(struct imp *im, int file, int line, const char *fmt, ...) KH_PRINTF(4, 5);

static int rec_error(struct imp *im, int file, int line, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = kh_err_setv(im->err, KH_EINVAL,
                     file >= 0 && file < im->ds->nfiles ? im->ds->files[file] : im->path, line, 0,
                     fmt, ap);
    va_end(ap);
    return rc;
}

/* Count one record done; tell the progress callback now and then. */
static void tick(struct imp *im)
{
    im->done++;
    if (im->progress && im->done % PROGRESS_EVERY == 0)
        im->progress(im->user, im->done, im->total);
}

/* The canonical text of period p (cached for runs of the same period) and
 * the locked period containing it, or NULL. */
static const char *period_text(struct imp *im, const struct kh_period *p, const char **lock)
{
    if (!im->have_last || !kh_period_equal(&im->last_p, p)) {
        im->last_p = *p;
        kh_period_format(p, im->last_text);
        im->last_lock = store_locked(&im->locks, p);
        im->have_last = 1;
    }
    *lock = im->last_lock;
    return im->last_text;
}

/* The refusal for a record of a locked period. */
static int locked_error(struct imp *im, int file, int line, const char *what, const char *period,
                        const char *lock)
{
    return rec_error(im, file, line,
                     "%s of period %s cannot change: period %s is locked (unlock it with kaohe "
                     "unlock %s --reason …, or leave this row out of the file); nothing was "
                     "imported",
                     what, period, lock, lock);
}

/* The source row of ds file `file` (made on first use); 0 for none. */
static int source_of(struct imp *im, int file, int64_t *out)
{
    static const char sql[] =
        "INSERT INTO source (jurisdiction_id, batch_id, name, encoding) VALUES (?1, ?2, ?3, ?4)";
    struct db_stmt *q;
    int rc;

    *out = 0;
    if (file < 0 || file >= im->ds->nfiles)
        return KH_OK;
    if (im->source_of[file]) {
        *out = im->source_of[file];
        return KH_OK;
    }
    if ((rc = db_prepare(im->st->db, sql, &q, im->err)))
        return rc;
    db_bind_int(q, 1, im->jid);
    db_bind_int(q, 2, im->batch.id);
    db_bind_text(q, 3, store_basename(im->ds->files[file]));
    db_bind_text(q, 4, kh_dataset_file_encoding(im->ds, file));
    if ((rc = db_run(q, im->err)))
        return rc;
    *out = im->source_of[file] = db_last_id(im->st->db);
    return KH_OK;
}

/* Bind a source id (0 as NULL). */
static void bind_source(struct db_stmt *q, int i, int64_t source)
{
    if (source)
        db_bind_int(q, i, source);
    else
        db_bind_null(q, i);
}

/* Non-zero when two stored numbers are the same (NaN = missing = NaN). */
static int same_num(double a, double b)
{
    return isnan(a) ? isnan(b) : a == b;
}

/* Text of a number for the audit log: "—" when missing. */
static const char *num_words(double v, char out[40])
{
    if (isnan(v)) {
        snprintf(out, 40, "—");
        return out;
    }
    return store_num(v, out);
}

/* ---- the scratch dataset --------------------------------------------------- */

/* Add every stored unit of the jurisdiction to ds (without parents, tags
 * or attributes: enough for the loaders to check unit ids), remembering
 * their stored ids when `ids` is given. */
static int scratch_stored_units(struct imp *im, struct kh_dataset *ds, int64_t **ids)
{
    static const char sql[] =
        "SELECT u.id, u.code, u.name, c.code FROM unit u JOIN category c ON c.id = u.category_id"
        " WHERE u.jurisdiction_id = ?1 ORDER BY u.id";
    size_t cap = 0;
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(im->st->db, sql, &q, im->err)))
        return rc;
    db_bind_int(q, 1, im->jid);
    while ((rc = db_step(q, im->err)) == DB_ROW) {
        int u = kh_dataset_add_unit(ds, db_col_text(q, 1), db_col_text(q, 2), db_col_text(q, 3),
                                    NULL, NULL, im->err);
        if (u < 0) {
            db_reset(q);
            return u;
        }
        if (ids) {
            if (kh_grow(ids, &cap, (size_t)u + 1, sizeof(**ids))) {
                db_reset(q);
                return nomem(im);
            }
            (*ids)[u] = db_col_int(q, 0);
        }
    }
    return rc < 0 ? rc : KH_OK;
}

/*
 * Parse a units file. First on its own (a complete list, parents
 * included); when that fails and the store has units, once more on top of
 * the stored units, for a file that adds new units below stored parents.
 * The first attempt's error is the one reported.
 */
static int scratch_units_file(struct imp *im)
{
    struct kh_dataset *ds2 = NULL;
    struct kh_err first, second;
    int rc, stored, report_first = 1;

    kh_err_clear(&first);
    kh_err_clear(&second);
    rc = kh_dataset_load_file(im->ds, "units", im->path, &first);
    if (rc == KH_OK || rc != KH_EINVAL)
        goto out;
    /* Once more on top of the stored units (if there are any). */
    report_first = 0;
    if (!(ds2 = kh_dataset_new())) {
        rc = nomem(im);
        goto out;
    }
    if ((rc = scratch_stored_units(im, ds2, NULL)))
        goto out;
    report_first = 1;
    rc = KH_EINVAL;
    stored = ds2->nunits;
    if (stored && kh_dataset_load_file(ds2, "units", im->path, &second) == KH_OK) {
        im->first_unit = stored;
        kh_dataset_free(im->ds);
        im->ds = ds2;
        ds2 = NULL;
        rc = KH_OK;
    }
out:
    if (rc && report_first) {
        *im->err = first;
        if (strstr(first.msg, "unknown parent unit")) {
            size_t n = strlen(im->err->msg);
            snprintf(im->err->msg + n, sizeof(im->err->msg) - n,
                     " (a units file that repeats stored units must also list their parents)");
        }
    }
    kh_dataset_free(ds2);
    return rc;
}

/* Parse the file into im->ds. */
static int scratch_load(struct imp *im)
{
    int rc;

    im->ds = kh_dataset_new();
    if (!im->ds)
        return nomem(im);
    if (strcmp(im->kind, "units") == 0)
        return scratch_units_file(im);
    if ((rc = scratch_stored_units(im, im->ds, &im->unit_id)))
        return rc;
    return kh_dataset_load_file(im->ds, im->kind, im->path, im->err);
}

/* ---- shared lookups ------------------------------------------------------------- */

/* The stored id of the indicator of each ds indicator (added if new). */
static int resolve_indicators(struct imp *im)
{
    static const char find[] = "SELECT id FROM indicator WHERE jurisdiction_id = ?1 AND code = ?2";
    static const char add[] = "INSERT INTO indicator (jurisdiction_id, code) VALUES (?1, ?2)";
    struct db_stmt *q;
    int k, rc;

    im->ind_id = calloc((size_t)im->ds->nindicators + 1, sizeof(*im->ind_id));
    if (!im->ind_id)
        return nomem(im);
    for (k = 0; k < im->ds->nindicators; k++) {
        if ((rc = db_prepare(im->st->db, find, &q, im->err)))
            return rc;
        db_bind_int(q, 1, im->jid);
        db_bind_text(q, 2, im->ds->indicators[k]);
        rc = db_step(q, im->err);
        if (rc == DB_ROW) {
            im->ind_id[k] = db_col_int(q, 0);
            db_reset(q);
            continue;
        }
        if (rc < 0 || (rc = db_prepare(im->st->db, add, &q, im->err)))
            return rc;
        db_bind_int(q, 1, im->jid);
        db_bind_text(q, 2, im->ds->indicators[k]);
        if ((rc = db_run(q, im->err)))
            return rc;
        im->ind_id[k] = db_last_id(im->st->db);
    }
    return KH_OK;
}

/* "T01 gdp 2024-07": the key of a value or target in the audit log. */
static const char *uip_key(struct imp *im, int unit, int ind, const char *period)
{
    kh_buf_reset(&im->c);
    kh_buf_printf(&im->c, "%s %s %s", im->ds->units[unit].id, im->ds->indicators[ind], period);
    return kh_buf_str(&im->c);
}

/* ---- values ---------------------------------------------------------------------- */

/*
 * Values are applied in chunks of up to STORE_BULK_ROWS rows, in file order,
 * through the multi-row statements of store_bulk.c. While rows are mostly
 * new, a chunk is inserted first (INSERT OR IGNORE: rows whose key is
 * stored are skipped) and looked up only when some were skipped, to tell
 * them from the rows this batch wrote; while they are mostly stored (a
 * repeated import), it is looked up first and only its new rows are
 * inserted. Then every row gets what the import promises, in file
 * order, so that the first refused row is the one reported: a new row is
 * counted as inserted (the summary audit entry covers it); a stored row
 * with the same value is unchanged; a stored row with another value is
 * checked (locked period, approved and not the office), updated and
 * audited old → new. A row of a locked period is never inserted: it makes
 * a chunk of its own, looked up first.
 *
 * Foreign keys are off during this transaction (apply): each reference a
 * value row makes is checked here instead, once per distinct key rather
 * than once per row — the units by check_units inside the transaction, the
 * indicators found or added inside it (resolve_indicators), the batch and
 * the sources written by it.
 */

/* One chunk of the file's values. */
struct chunk {
    struct store_bulk_value rows[STORE_BULK_ROWS];
    size_t at[STORE_BULK_ROWS]; /* each row's index in ds->values */
    struct store_bulk_stored stored[STORE_BULK_ROWS];
    struct store_bulk_value fresh[STORE_BULK_ROWS]; /* the rows to insert after a lookup */
    unsigned char is_new[STORE_BULK_ROWS];
    size_t n;
    const char *lock; /* a chunk of one row of a locked period: that lock */
};

/* Check that every unit the file's values name is a unit of the
 * jurisdiction in the store, inside the import's transaction: what the
 * foreign key of value (jurisdiction_id, unit_id) checks on every row, done
 * once per unit (store_bulk_units). */
static int check_units(struct imp *im)
{
    const struct kh_dataset *ds = im->ds;
    unsigned char *named = calloc((size_t)ds->nunits + 1, 1);
    int64_t *ids = malloc(((size_t)ds->nunits + 1) * sizeof(*ids)), missing = 0;
    size_t i, n = 0;
    int u, rc = KH_OK;

    if (!named || !ids) {
        rc = nomem(im);
        goto out;
    }
    for (i = 0; i < ds->nvalues; i++)
        named[ds->values[i].unit] = 1;
    for (u = 0; u < ds->nunits && rc == KH_OK; u++) {
        if (!named[u])
            continue;
        if (!im->unit_id || !im->unit_id[u])
            rc = kh_err_set(im->err, KH_EIO, db_path(im->st->db), 0, 0,
                            "unit %s has no stored id (a bug)", ds->units[u].id);
        else
            ids[n++] = im->unit_id[u];
    }
    if (rc || (rc = store_bulk_units(im->st, im->jid, ids, n, &missing, im->err)) || !missing)
        goto out;
    for (u = 0; u < ds->nunits && !(named[u] && im->unit_id[u] == missing); u++)
        ;
    rc = kh_err_set(im->err, KH_EIO, db_path(im->st->db), 0, 0,
                    "unit %s left the store during the import; import the file again",
                    u < ds->nunits ? ds->units[u].id : "?");
out:
    free(named);
    free(ids);
    return rc;
}

/* Row j of chunk c is stored with c->stored[j]: unchanged, or checked,
 * updated and audited old → new. */
static int value_stored(struct imp *im, const struct chunk *c, size_t j)
{
    static const char upd[] =
        "UPDATE value SET value = ?2, state = ?3, batch_id = ?4, source_id = ?5, line = ?6"
        " WHERE id = ?1";
    const struct kh_value *v = &im->ds->values[c->at[j]];
    const struct store_bulk_value *r = &c->rows[j];
    const struct store_bulk_stored *s = &c->stored[j];
    char o[120], n[40], sn[120];
    struct db_stmt *q;
    int rc;

    if (same_num(s->value, v->value)) {
        im->rep->unchanged++;
        tick(im);
        return KH_OK;
    }
    if (c->lock)
        return locked_error(im, v->file, v->line, "a value", r->period, c->lock);
    if (!im->who->office && strcmp(s->state, "approved") == 0)
        return rec_error(im, v->file, v->line,
                         "value %s is approved and only the office may change it (ask it to "
                         "return the value for correction); nothing was imported",
                         uip_key(im, v->unit, v->indicator, r->period));
    if ((rc = db_prepare(im->st->db, upd, &q, im->err)))
        return rc;
    db_bind_int(q, 1, s->id);
    db_bind_double(q, 2, v->value);
    db_bind_text(q, 3, im->state);
    db_bind_int(q, 4, im->batch.id);
    bind_source(q, 5, r->source_id);
    db_bind_int(q, 6, v->line);
    if ((rc = db_run(q, im->err)))
        return rc;
    num_words(s->value, o);
    num_words(v->value, n);
    if (strcmp(s->state, im->state) != 0) {
        size_t l = strlen(o);
        snprintf(o + l, sizeof(o) - l, " [%s]", s->state);
        snprintf(sn, sizeof(sn), "%s [%s]", n, im->state);
    } else {
        snprintf(sn, sizeof(sn), "%s", n);
    }
    if ((rc = store_audit(im->st, &im->batch, "update", "value",
                          uip_key(im, v->unit, v->indicator, r->period), o, sn, im->err)))
        return rc;
    im->rep->updated++;
    tick(im);
    return KH_OK;
}

/* The error for a row the store did not insert although its key was not
 * stored, or whose key it holds from no batch although it would not insert
 * it (neither can happen inside the import's write transaction). */
static int vanished(struct imp *im)
{
    return kh_err_set(im->err, KH_EIO, db_path(im->st->db), 0, 0,
                      "the store did not take a value row as expected; nothing was imported "
                      "(import the file again)");
}

/* Apply chunk c; *insert_first says how (see above) and is updated for the
 * next chunk from what this one held. */
static int apply_chunk(struct imp *im, struct chunk *c, int *insert_first)
{
    size_t j, nfresh = 0, inserted = 0;
    int rc;

    if (!c->lock && *insert_first) {
        if ((rc = store_bulk_insert(im->st, im->jid, im->state, im->batch.id, c->rows, c->n,
                                    &inserted, im->err)))
            return rc;
        if (inserted == c->n) { /* all new: the common case of new data */
            im->rep->inserted += c->n;
            for (j = 0; j < c->n; j++)
                tick(im);
            return KH_OK;
        }
        /* Some were stored already: the rows this batch wrote are the new ones. */
        if ((rc = store_bulk_find(im->st, c->rows, c->n, c->stored, im->err)))
            return rc;
        for (j = 0; j < c->n; j++) {
            if (!c->stored[j].found)
                return vanished(im);
            c->is_new[j] = c->stored[j].batch_id == im->batch.id;
            nfresh += c->is_new[j];
        }
        if (nfresh != inserted)
            return vanished(im);
    } else {
        if ((rc = store_bulk_find(im->st, c->rows, c->n, c->stored, im->err)))
            return rc;
        for (j = 0; j < c->n; j++) {
            c->is_new[j] = !c->stored[j].found;
            if (c->is_new[j] && c->lock)
                return locked_error(im, im->ds->values[c->at[j]].file,
                                    im->ds->values[c->at[j]].line, "a value", c->rows[j].period,
                                    c->lock);
            if (c->is_new[j])
                c->fresh[nfresh++] = c->rows[j];
        }
        if (nfresh) {
            if ((rc = store_bulk_insert(im->st, im->jid, im->state, im->batch.id, c->fresh, nfresh,
                                        &inserted, im->err)))
                return rc;
            if (inserted != nfresh)
                return vanished(im);
        }
    }
    for (j = 0; j < c->n; j++) {
        if (c->is_new[j]) {
            im->rep->inserted++;
            tick(im);
        } else if ((rc = value_stored(im, c, j))) {
            return rc;
        }
    }
    if (!c->lock)
        *insert_first = nfresh * 2 >= c->n;
    return KH_OK;
}

/* Apply the file's values (the hot path; see above). */
static int apply_values(struct imp *im)
{
    struct kh_dataset *ds = im->ds;
    struct chunk *c;
    size_t i = 0;
    int rc, insert_first = 1;

    if ((rc = resolve_indicators(im)) || (rc = check_units(im)))
        return rc;
    if (!(c = malloc(sizeof(*c))))
        return nomem(im);
    while (i < ds->nvalues && rc == KH_OK) {
        /* The next chunk: up to STORE_BULK_ROWS rows, or one row of a
         * locked period (which ends the chunk before it). */
        c->n = 0;
        c->lock = NULL;
        while (i < ds->nvalues && c->n < STORE_BULK_ROWS) {
            const struct kh_value *v = &ds->values[i];
            struct store_bulk_value *r = &c->rows[c->n];
            const char *lock;
            if (store_periods_get(&im->periods, &im->locks, &v->period, &r->period, &lock)) {
                rc = nomem(im);
                break;
            }
            if (lock && c->n)
                break;
            if ((rc = source_of(im, v->file, &r->source_id)))
                break;
            r->unit_id = im->unit_id[v->unit];
            r->indicator_id = im->ind_id[v->indicator];
            r->value = v->value;
            r->line = v->line;
            c->at[c->n++] = i++;
            if (lock) {
                c->lock = lock;
                break;
            }
        }
        if (rc == KH_OK && c->n)
            rc = apply_chunk(im, c, &insert_first);
    }
    free(c);
    return rc;
}

/* ---- targets ------------------------------------------------------------------------ */

/* "target 8, baseline —" for the audit log. */
static const char *target_words(struct kh_buf *b, double t, double base)
{
    char x[40], y[40];
    kh_buf_reset(b);
    kh_buf_printf(b, "target %s, baseline %s", num_words(t, x), num_words(base, y));
    return kh_buf_str(b);
}

/* Apply the file's targets and baselines, matched by unit, indicator, period. */
static int apply_targets(struct imp *im)
{
    static const char ins[] =
        "INSERT INTO target (jurisdiction_id, unit_id, indicator_id, period, target, baseline,"
        " batch_id, source_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        " ON CONFLICT (unit_id, indicator_id, period) DO NOTHING";
    static const char get[] =
        "SELECT id, target, baseline FROM target WHERE unit_id = ?1 AND indicator_id = ?2"
        " AND period = ?3";
    static const char upd[] =
        "UPDATE target SET target = ?2, baseline = ?3, batch_id = ?4, source_id = ?5,"
        " line = ?6 WHERE id = ?1";
    struct kh_dataset *ds = im->ds;
    struct db_stmt *q;
    size_t i;
    int rc;

    if ((rc = resolve_indicators(im)))
        return rc;
    for (i = 0; i < ds->ntargets; i++) {
        const struct kh_target *t = &ds->targets[i];
        const char *lock, *pt = period_text(im, &t->period, &lock);
        int64_t uid = im->unit_id[t->unit], iid = im->ind_id[t->indicator], src, id;
        double ot, ob;
        if ((rc = source_of(im, t->file, &src)))
            return rc;
        if (!lock) {
            if ((rc = db_prepare(im->st->db, ins, &q, im->err)))
                return rc;
            db_bind_int(q, 1, im->jid);
            db_bind_int(q, 2, uid);
            db_bind_int(q, 3, iid);
            db_bind_text(q, 4, pt);
            db_bind_double(q, 5, t->target);
            db_bind_double(q, 6, t->baseline);
            db_bind_int(q, 7, im->batch.id);
            bind_source(q, 8, src);
            db_bind_int(q, 9, t->line);
            if ((rc = db_run(q, im->err)))
                return rc;
            if (db_changes(im->st->db) == 1) {
                im->rep->inserted++;
                tick(im);
                continue;
            }
        }
        if ((rc = db_prepare(im->st->db, get, &q, im->err)))
            return rc;
        db_bind_int(q, 1, uid);
        db_bind_int(q, 2, iid);
        db_bind_text(q, 3, pt);
        rc = db_step(q, im->err);
        if (rc < 0)
            return rc;
        if (rc == DB_DONE)
            return locked_error(im, t->file, t->line, "a target", pt, lock);
        id = db_col_int(q, 0);
        ot = db_col_double(q, 1);
        ob = db_col_double(q, 2);
        db_reset(q);
        if (same_num(ot, t->target) && same_num(ob, t->baseline)) {
            im->rep->unchanged++;
            tick(im);
            continue;
        }
        if (lock)
            return locked_error(im, t->file, t->line, "a target", pt, lock);
        if ((rc = db_prepare(im->st->db, upd, &q, im->err)))
            return rc;
        db_bind_int(q, 1, id);
        db_bind_double(q, 2, t->target);
        db_bind_double(q, 3, t->baseline);
        db_bind_int(q, 4, im->batch.id);
        bind_source(q, 5, src);
        db_bind_int(q, 6, t->line);
        if ((rc = db_run(q, im->err)) ||
            (rc = store_audit(im->st, &im->batch, "update", "target",
                              uip_key(im, t->unit, t->indicator, pt), target_words(&im->a, ot, ob),
                              target_words(&im->b, t->target, t->baseline), im->err)))
            return rc;
        im->rep->updated++;
        tick(im);
    }
    return KH_OK;
}

/* ---- units ------------------------------------------------------------------------ */

/* The words of a unit for the audit log: "城关镇, category town, parent
 * T00, tags 中心城区;山区, difficulty=1.2" (empty parts left out). */
static const char *unit_words(struct kh_buf *b, const char *name, const char *cat,
                              const char *parent, const char *tags, const char *attrs)
{
    kh_buf_reset(b);
    kh_buf_printf(b, "%s, category %s", name, cat);
    if (parent && parent[0])
        kh_buf_printf(b, ", parent %s", parent);
    if (tags && tags[0])
        kh_buf_printf(b, ", tags %s", tags);
    if (attrs && attrs[0])
        kh_buf_printf(b, ", %s", attrs);
    return kh_buf_str(b);
}

/* The stored id of category `code` (added if new; the last one cached). */
static int category_id(struct imp *im, const char *code, int64_t *id)
{
    static const char find[] = "SELECT id FROM category WHERE jurisdiction_id = ?1 AND code = ?2";
    static const char add[] = "INSERT INTO category (jurisdiction_id, code) VALUES (?1, ?2)";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(im->st->db, find, &q, im->err)))
        return rc;
    db_bind_int(q, 1, im->jid);
    db_bind_text(q, 2, code);
    rc = db_step(q, im->err);
    if (rc == DB_ROW) {
        *id = db_col_int(q, 0);
        db_reset(q);
        return KH_OK;
    }
    if (rc < 0 || (rc = db_prepare(im->st->db, add, &q, im->err)))
        return rc;
    db_bind_int(q, 1, im->jid);
    db_bind_text(q, 2, code);
    if ((rc = db_run(q, im->err)))
        return rc;
    *id = db_last_id(im->st->db);
    return KH_OK;
}

/* The stored attributes of unit id as "name=value;…" sorted by name. */
static int stored_attrs(struct imp *im, int64_t id, struct kh_buf *out)
{
    static const char sql[] = "SELECT name, value FROM unit_attr WHERE unit_id = ?1 ORDER BY name";
    struct db_stmt *q;
    int rc, first = 1;

    kh_buf_reset(out);
    if ((rc = db_prepare(im->st->db, sql, &q, im->err)))
        return rc;
    db_bind_int(q, 1, id);
    while ((rc = db_step(q, im->err)) == DB_ROW) {
        char t[40];
        kh_buf_printf(out, "%s%s=%s", first ? "" : ";", db_col_text(q, 0),
                      store_num(db_col_double(q, 1), t));
        first = 0;
    }
    return rc < 0 ? rc : KH_OK;
}

/* Replace the stored attributes of unit id by those of u. */
static int put_attrs(struct imp *im, int64_t id, const struct kh_unit *u)
{
    static const char del[] = "DELETE FROM unit_attr WHERE unit_id = ?1";
    static const char add[] = "INSERT INTO unit_attr (unit_id, name, value) VALUES (?1, ?2, ?3)";
    struct db_stmt *q;
    int rc, k;

    if ((rc = db_prepare(im->st->db, del, &q, im->err)))
        return rc;
    db_bind_int(q, 1, id);
    if ((rc = db_run(q, im->err)))
        return rc;
    for (k = 0; k < u->nattrs; k++) {
        if ((rc = db_prepare(im->st->db, add, &q, im->err)))
            return rc;
        db_bind_int(q, 1, id);
        db_bind_text(q, 2, u->attr_names[k]);
        db_bind_double(q, 3, u->attr_values[k]);
        if ((rc = db_run(q, im->err)))
            return rc;
    }
    return KH_OK;
}

/* Insert or update unit i of the scratch dataset; *changed set when it was
 * written (its parent link is set afterwards, by link_parents). */
static int apply_unit(struct imp *im, int i, int *changed)
{
    static const char get[] =
        "SELECT u.id, u.name, c.code, p.code, u.tags FROM unit u"
        " JOIN category c ON c.id = u.category_id LEFT JOIN unit p ON p.id = u.parent_id"
        " WHERE u.jurisdiction_id = ?1 AND u.code = ?2";
    static const char ins[] =
        "INSERT INTO unit (jurisdiction_id, code, name, category_id, tags, batch_id, source_id,"
        " line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    static const char upd[] =
        "UPDATE unit SET name = ?2, category_id = ?3, tags = ?4, batch_id = ?5, source_id = ?6,"
        " line = ?7 WHERE id = ?1";
    const struct kh_unit *u = &im->ds->units[i];
    struct kh_buf tags, attrs, oattrs, old;
    struct db_stmt *q;
    int64_t cat, src, id = 0;
    int rc;

    *changed = 0;
    kh_buf_init(&tags, 0);
    kh_buf_init(&attrs, 0);
    kh_buf_init(&oattrs, 0);
    kh_buf_init(&old, 0);
    store_unit_tags(&tags, u);
    store_unit_attrs(&attrs, u);
    if (kh_buf_failed(&tags) || kh_buf_failed(&attrs)) {
        rc = nomem(im);
        goto out;
    }
    if ((rc = source_of(im, u->file, &src)) || (rc = db_prepare(im->st->db, get, &q, im->err)))
        goto out;
    db_bind_int(q, 1, im->jid);
    db_bind_text(q, 2, u->id);
    rc = db_step(q, im->err);
    if (rc < 0)
        goto out;
    if (rc == DB_ROW) {
        char *oname = kh_strdup(db_col_text(q, 1)), *ocat = kh_strdup(db_col_text(q, 2)),
             *oparent = kh_strdup(db_col_text(q, 3)), *otags = kh_strdup(db_col_text(q, 4));
        int same;
        id = db_col_int(q, 0);
        db_reset(q);
        same = kh_streq(oname, u->name) && kh_streq(ocat, u->category) &&
               kh_streq(oparent ? oparent : "", u->parent ? u->parent : "") &&
               kh_streq(otags ? otags : "", kh_buf_str(&tags));
        rc = stored_attrs(im, id, &oattrs);
        if (rc == KH_OK)
            unit_words(&old, oname ? oname : "", ocat ? ocat : "", oparent, otags,
                       kh_buf_str(&oattrs));
        free(oname);
        free(ocat);
        free(oparent);
        free(otags);
        if (rc)
            goto out;
        if (same && strcmp(kh_buf_str(&oattrs), kh_buf_str(&attrs)) == 0) {
            im->unit_id[i] = id;
            im->rep->unchanged++;
            goto out;
        }
    }
    if ((rc = category_id(im, u->category, &cat)))
        goto out;
    if (!id) {
        if ((rc = db_prepare(im->st->db, ins, &q, im->err)))
            goto out;
        db_bind_int(q, 1, im->jid);
        db_bind_text(q, 2, u->id);
        db_bind_text(q, 3, u->name);
        db_bind_int(q, 4, cat);
        db_bind_text(q, 5, kh_buf_str(&tags));
        db_bind_int(q, 6, im->batch.id);
        bind_source(q, 7, src);
        db_bind_int(q, 8, u->line);
        if ((rc = db_run(q, im->err)))
            goto out;
        id = db_last_id(im->st->db);
        im->rep->inserted++;
    } else {
        if ((rc = db_prepare(im->st->db, upd, &q, im->err)))
            goto out;
        db_bind_int(q, 1, id);
        db_bind_text(q, 2, u->name);
        db_bind_int(q, 3, cat);
        db_bind_text(q, 4, kh_buf_str(&tags));
        db_bind_int(q, 5, im->batch.id);
        bind_source(q, 6, src);
        db_bind_int(q, 7, u->line);
        if ((rc = db_run(q, im->err)))
            goto out;
        im->rep->updated++;
    }
    if ((rc = put_attrs(im, id, u)))
        goto out;
    im->unit_id[i] = id;
    *changed = 1;
    rc = store_audit(
        im->st, &im->batch, old.len ? "update" : "insert", "unit", u->id,
        old.len ? kh_buf_str(&old) : NULL,
        unit_words(&im->a, u->name, u->category, u->parent, kh_buf_str(&tags), kh_buf_str(&attrs)),
        im->err);
out:
    kh_buf_free(&tags);
    kh_buf_free(&attrs);
    kh_buf_free(&oattrs);
    kh_buf_free(&old);
    return rc;
}

/* Apply the file's units, then link them to their parents. */
static int apply_units(struct imp *im)
{
    static const char link[] =
        "UPDATE unit SET parent_id = (SELECT p.id FROM unit p WHERE p.jurisdiction_id = ?1"
        " AND p.code = ?2) WHERE id = ?3";
    struct kh_dataset *ds = im->ds;
    unsigned char *changed;
    struct db_stmt *q;
    int i, rc = KH_OK;

    im->unit_id = calloc((size_t)ds->nunits + 1, sizeof(*im->unit_id));
    changed = calloc((size_t)ds->nunits + 1, 1);
    if (!im->unit_id || !changed) {
        free(changed);
        return nomem(im);
    }
    for (i = im->first_unit; i < ds->nunits && !rc; i++) {
        int ch;
        rc = apply_unit(im, i, &ch);
        changed[i] = (unsigned char)ch;
        tick(im);
    }
    /* Parents once every unit of the file is stored (a parent may come
     * after its children in the file). */
    for (i = im->first_unit; i < ds->nunits && !rc; i++) {
        if (!changed[i])
            continue;
        if ((rc = db_prepare(im->st->db, link, &q, im->err)))
            break;
        db_bind_int(q, 1, im->jid);
        db_bind_text(q, 2, ds->units[i].parent);
        db_bind_int(q, 3, im->unit_id[i]);
        rc = db_run(q, im->err);
    }
    free(changed);
    return rc;
}

/* ---- events ---------------------------------------------------------------------- */

/* Order of event indices: unit, item, period (then file order: stable). */
static int event_cmp(const void *pa, const void *pb, void *ctx)
{
    const struct kh_dataset *ds = ctx;
    const struct kh_event *a = &ds->events[*(const size_t *)pa],
                          *b = &ds->events[*(const size_t *)pb];
    int c;

    if (a->unit != b->unit)
        return a->unit < b->unit ? -1 : 1;
    if ((c = strcmp(a->item, b->item)))
        return c;
    return kh_period_cmp(&a->period, &b->period);
}

/* strcmp for qsort over char * */
static int str_cmp(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Free a list of strings. */
static void strs_free(char **v, size_t n)
{
    size_t i;
    for (i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

const char *store_event_words(struct kh_buf *b, const struct kh_event *e)
{
    char t[40];

    kh_buf_reset(b);
    kh_buf_printf(b, "count %s", store_num(e->count, t));
    if (e->level)
        kh_buf_printf(b, ", level %s", e->level);
    if (e->matter)
        kh_buf_printf(b, ", matter %s", e->matter);
    if (!isnan(e->points))
        kh_buf_printf(b, ", points %s", store_num(e->points, t));
    if (e->shares != 1)
        kh_buf_printf(b, ", shares %d", e->shares);
    if (e->exempt)
        kh_buf_puts(b, ", exempt");
    if (e->evidence)
        kh_buf_printf(b, ", evidence %s", e->evidence);
    if (e->note)
        kh_buf_printf(b, ", note %s", e->note);
    return kh_buf_str(b);
}

/* The stored events of one group: ids, data texts and words. */
struct group {
    int64_t *ids;
    char **data, **words;
    size_t n, cap_ids, cap_data, cap_words;
};

/* Release a group and leave it empty. */
static void group_free(struct group *g)
{
    free(g->ids);
    strs_free(g->data, g->n);
    strs_free(g->words, g->n);
    memset(g, 0, sizeof(*g));
}

/* Read the stored events of (uid, item, period) into g. */
static int group_read(struct imp *im, int64_t uid, const char *item, const char *period,
                      struct group *g)
{
    static const char sql[] =
        "SELECT id, level, count, matter, points, shares, exempt, evidence, note FROM event"
        " WHERE unit_id = ?1 AND item = ?2 AND period = ?3 ORDER BY id";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(im->st->db, sql, &q, im->err)))
        return rc;
    db_bind_int(q, 1, uid);
    db_bind_text(q, 2, item);
    db_bind_text(q, 3, period);
    while ((rc = db_step(q, im->err)) == DB_ROW) {
        struct kh_event e;
        memset(&e, 0, sizeof(e));
        e.level = (char *)db_col_text(q, 1);
        e.count = db_col_double(q, 2);
        e.matter = (char *)db_col_text(q, 3);
        e.points = db_col_double(q, 4);
        e.shares = (int)db_col_int(q, 5);
        e.exempt = (int)db_col_int(q, 6);
        e.evidence = (char *)db_col_text(q, 7);
        e.note = (char *)db_col_text(q, 8);
        kh_buf_reset(&im->a);
        store_event_data(&im->a, &e);
        if (kh_grow(&g->ids, &g->cap_ids, g->n + 1, sizeof(*g->ids)) ||
            kh_grow(&g->data, &g->cap_data, g->n + 1, sizeof(*g->data)) ||
            kh_grow(&g->words, &g->cap_words, g->n + 1, sizeof(*g->words))) {
            db_reset(q);
            return nomem(im);
        }
        g->ids[g->n] = db_col_int(q, 0);
        g->data[g->n] = kh_strdup(kh_buf_str(&im->a));
        g->words[g->n] = kh_strdup(store_event_words(&im->b, &e));
        g->n++;
        if (!g->data[g->n - 1] || !g->words[g->n - 1] || kh_buf_failed(&im->a)) {
            db_reset(q);
            return nomem(im);
        }
    }
    return rc < 0 ? rc : KH_OK;
}

/* Non-zero if the stored group g holds the same events as file events
 * order[a..b) (as multisets: the order of rows does not matter). */
static int group_same(struct imp *im, struct group *g, const size_t *order, size_t a, size_t b,
                      int *same)
{
    char **mine = NULL, **theirs = NULL;
    size_t n = b - a, k;
    int rc = KH_OK;

    *same = 0;
    if (n != g->n)
        return KH_OK;
    mine = calloc(n, sizeof(*mine));
    theirs = malloc(n * sizeof(*theirs));
    if (!mine || !theirs) {
        rc = nomem(im);
        goto out;
    }
    for (k = 0; k < n; k++) {
        kh_buf_reset(&im->a);
        store_event_data(&im->a, &im->ds->events[order[a + k]]);
        if (kh_buf_failed(&im->a) || !(mine[k] = kh_strdup(kh_buf_str(&im->a)))) {
            rc = nomem(im);
            goto out;
        }
        theirs[k] = g->data[k];
    }
    if (kh_sort(mine, n, sizeof(*mine), str_cmp, NULL) ||
        kh_sort(theirs, n, sizeof(*theirs), str_cmp, NULL)) {
        rc = nomem(im);
        goto out;
    }
    *same = 1;
    for (k = 0; k < n && *same; k++)
        *same = strcmp(mine[k], theirs[k]) == 0;
out:
    strs_free(mine, mine ? n : 0);
    free(theirs);
    return rc;
}

/* Replace the stored group g by file events order[a..b). */
static int group_replace(struct imp *im, struct group *g, const size_t *order, size_t a, size_t b,
                         const char *key)
{
    static const char del[] = "DELETE FROM event WHERE id = ?1";
    static const char ins[] =
        "INSERT INTO event (jurisdiction_id, unit_id, item, period, level, count, matter,"
        " points, shares, exempt, evidence, note, batch_id, source_id, line)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
    struct db_stmt *q;
    size_t k, n = b - a, both = n < g->n ? n : g->n;
    char pt[KH_PERIOD_TEXT];
    int rc;

    for (k = 0; k < g->n; k++) {
        if ((rc = db_prepare(im->st->db, del, &q, im->err)))
            return rc;
        db_bind_int(q, 1, g->ids[k]);
        if ((rc = db_run(q, im->err)) || (rc = store_audit(im->st, &im->batch, "delete", "event",
                                                           key, g->words[k], NULL, im->err)))
            return rc;
    }
    for (k = a; k < b; k++) {
        const struct kh_event *e = &im->ds->events[order[k]];
        int64_t src;
        if ((rc = source_of(im, e->file, &src)) || (rc = db_prepare(im->st->db, ins, &q, im->err)))
            return rc;
        db_bind_int(q, 1, im->jid);
        db_bind_int(q, 2, im->unit_id[e->unit]);
        db_bind_text(q, 3, e->item);
        db_bind_text(q, 4, kh_period_format(&e->period, pt));
        db_bind_text(q, 5, e->level);
        db_bind_double(q, 6, e->count);
        db_bind_text(q, 7, e->matter);
        db_bind_double(q, 8, e->points);
        db_bind_int(q, 9, e->shares);
        db_bind_int(q, 10, e->exempt ? 1 : 0);
        db_bind_text(q, 11, e->evidence);
        db_bind_text(q, 12, e->note);
        db_bind_int(q, 13, im->batch.id);
        bind_source(q, 14, src);
        db_bind_int(q, 15, e->line);
        if ((rc = db_run(q, im->err)) ||
            (rc = store_audit(im->st, &im->batch, "insert", "event", key, NULL,
                              store_event_words(&im->a, e), im->err)))
            return rc;
        tick(im);
    }
    im->rep->updated += both;
    im->rep->inserted += n - both;
    im->rep->removed += g->n - both;
    return KH_OK;
}

/* Apply the file's events group by group (unit, item, period). */
static int apply_events(struct imp *im)
{
    struct kh_dataset *ds = im->ds;
    size_t *order, a, b, k;
    struct group g;
    int rc = KH_OK;

    memset(&g, 0, sizeof(g));
    order = malloc((ds->nevents + 1) * sizeof(*order));
    if (!order)
        return nomem(im);
    for (k = 0; k < ds->nevents; k++)
        order[k] = k;
    if (kh_sort(order, ds->nevents, sizeof(*order), event_cmp, ds)) {
        free(order);
        return nomem(im);
    }
    for (a = 0; a < ds->nevents && !rc; a = b) {
        const struct kh_event *e = &ds->events[order[a]];
        const char *lock, *pt = period_text(im, &e->period, &lock);
        int same;
        for (b = a + 1; b < ds->nevents && event_cmp(&order[a], &order[b], ds) == 0; b++)
            ;
        group_free(&g);
        if ((rc = group_read(im, im->unit_id[e->unit], e->item, pt, &g)) ||
            (rc = group_same(im, &g, order, a, b, &same)))
            break;
        if (same) {
            im->rep->unchanged += b - a;
            for (k = a; k < b; k++)
                tick(im);
            continue;
        }
        if (lock) {
            rc = locked_error(im, e->file, e->line, "an event", pt, lock);
            break;
        }
        kh_buf_reset(&im->c);
        kh_buf_printf(&im->c, "%s %s %s", ds->units[e->unit].id, e->item, pt);
        {
            char *key = kh_strdup(kh_buf_str(&im->c));
            if (!key) {
                rc = nomem(im);
                break;
            }
            rc = group_replace(im, &g, order, a, b, key);
            free(key);
        }
    }
    group_free(&g);
    free(order);
    return rc;
}

/* ---- ballots ---------------------------------------------------------------------- */

const char *store_ballot_words(struct kh_buf *b, const char *group, const char *grade, double score)
{
    char t[40];
    kh_buf_reset(b);
    kh_buf_puts(b, grade ? grade : num_words(score, t));
    if (group)
        kh_buf_printf(b, " (%s)", group);
    return kh_buf_str(b);
}

/* Apply the file's ballots, matched by meeting, evaluator, unit. */
static int apply_ballots(struct imp *im)
{
    static const char ins[] =
        "INSERT INTO ballot (jurisdiction_id, meeting, evaluator, grp, unit_id, grade, score,"
        " batch_id, source_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT (jurisdiction_id, meeting, evaluator, unit_id) DO NOTHING";
    static const char get[] =
        "SELECT id, grp, grade, score FROM ballot WHERE jurisdiction_id = ?1 AND meeting = ?2"
        " AND evaluator = ?3 AND unit_id = ?4";
    static const char upd[] =
        "UPDATE ballot SET grp = ?2, grade = ?3, score = ?4, batch_id = ?5, source_id = ?6,"
        " line = ?7 WHERE id = ?1";
    struct kh_dataset *ds = im->ds;
    struct db_stmt *q;
    size_t i;
    int rc;

    for (i = 0; i < ds->nballots; i++) {
        const struct kh_ballot *x = &ds->ballots[i];
        int64_t uid = im->unit_id[x->unit], src, id;
        double os;
        int same;
        if ((rc = source_of(im, x->file, &src)) || (rc = db_prepare(im->st->db, ins, &q, im->err)))
            return rc;
        kh_buf_reset(&im->c);
        kh_buf_printf(&im->c, "%s %s %s", x->meeting, x->evaluator, ds->units[x->unit].id);
        db_bind_int(q, 1, im->jid);
        db_bind_text(q, 2, x->meeting);
        db_bind_text(q, 3, x->evaluator);
        db_bind_text(q, 4, x->group);
        db_bind_int(q, 5, uid);
        db_bind_text(q, 6, x->grade);
        db_bind_double(q, 7, x->score);
        db_bind_int(q, 8, im->batch.id);
        bind_source(q, 9, src);
        db_bind_int(q, 10, x->line);
        if ((rc = db_run(q, im->err)))
            return rc;
        if (db_changes(im->st->db) == 1) {
            if ((rc = store_audit(im->st, &im->batch, "insert", "ballot", kh_buf_str(&im->c), NULL,
                                  store_ballot_words(&im->a, x->group, x->grade, x->score),
                                  im->err)))
                return rc;
            im->rep->inserted++;
            tick(im);
            continue;
        }
        if ((rc = db_prepare(im->st->db, get, &q, im->err)))
            return rc;
        db_bind_int(q, 1, im->jid);
        db_bind_text(q, 2, x->meeting);
        db_bind_text(q, 3, x->evaluator);
        db_bind_int(q, 4, uid);
        if ((rc = db_step(q, im->err)) != DB_ROW)
            return rc < 0 ? rc
                          : kh_err_set(im->err, KH_EIO, db_path(im->st->db), 0, 0,
                                       "a ballot vanished during the import");
        id = db_col_int(q, 0);
        os = db_col_double(q, 3);
        same = kh_streq(db_col_text(q, 1), x->group) && kh_streq(db_col_text(q, 2), x->grade) &&
               same_num(os, x->score);
        store_ballot_words(&im->b, db_col_text(q, 1), db_col_text(q, 2), os);
        db_reset(q);
        if (same) {
            im->rep->unchanged++;
            tick(im);
            continue;
        }
        if ((rc = db_prepare(im->st->db, upd, &q, im->err)))
            return rc;
        db_bind_int(q, 1, id);
        db_bind_text(q, 2, x->group);
        db_bind_text(q, 3, x->grade);
        db_bind_double(q, 4, x->score);
        db_bind_int(q, 5, im->batch.id);
        bind_source(q, 6, src);
        db_bind_int(q, 7, x->line);
        if ((rc = db_run(q, im->err)) ||
            (rc = store_audit(im->st, &im->batch, "update", "ballot", kh_buf_str(&im->c),
                              kh_buf_str(&im->b),
                              store_ballot_words(&im->a, x->group, x->grade, x->score), im->err)))
            return rc;
        im->rep->updated++;
        tick(im);
    }
    return KH_OK;
}

/* ---- the import ------------------------------------------------------------------- */

/* The kinds kh_store_import knows, with their appliers. */
static const struct {
    const char *kind;
    int (*apply)(struct imp *im);
} appliers[] = {
    {"units", apply_units},   {"values", apply_values},   {"targets", apply_targets},
    {"events", apply_events}, {"ballots", apply_ballots},
};

/* Records of the file in the scratch dataset. */
static size_t file_records(const struct imp *im)
{
    const struct kh_dataset *ds = im->ds;
    switch (im->kind[0]) {
    case 'u':
        return (size_t)(ds->nunits - im->first_unit);
    case 'v':
        return ds->nvalues;
    case 't':
        return ds->ntargets;
    case 'e':
        return ds->nevents;
    default:
        return ds->nballots;
    }
}

/* Apply the parsed file in one transaction. */
static int apply_in(struct imp *im, int (*fn)(struct imp *im), const char *sha)
{
    char kind[32], summary[200];
    struct kh_import_report *rep = im->rep;
    int rc;

    snprintf(kind, sizeof(kind), "import:%s", im->kind);
    if ((rc = db_begin(im->st->db, im->err)))
        return rc;
    if ((rc = store_check_jurisdiction(im->st, im->jid, im->err)) ||
        (rc = store_locks_load(im->st, im->jid, &im->locks, im->err)) ||
        (rc =
             store_batch_begin(im->st, im->jid, kind, im->who, im->path, sha, &im->batch, im->err)))
        goto fail;
    im->source_of = calloc((size_t)im->ds->nfiles + 1, sizeof(*im->source_of));
    if (!im->source_of) {
        rc = nomem(im);
        goto fail;
    }
    if ((rc = fn(im)))
        goto fail;
    if (im->progress)
        im->progress(im->user, im->done, im->total);
    if (rep->inserted + rep->updated + rep->removed == 0) {
        db_rollback(im->st->db); /* nothing changed: leave no trace */
        return KH_OK;
    }
    snprintf(summary, sizeof(summary),
             "%zu rows: %zu new, %zu changed, %zu unchanged, %zu removed (sha256 %.12s)", rep->rows,
             rep->inserted, rep->updated, rep->unchanged, rep->removed, sha);
    if ((rc = store_audit(im->st, &im->batch, "import", im->kind, store_basename(im->path), NULL,
                          summary, im->err)) ||
        (rc = db_commit(im->st->db, im->err)))
        goto fail;
    return KH_OK;
fail:
    db_rollback(im->st->db);
    rep->inserted = rep->updated = rep->unchanged = rep->removed = 0;
    return rc;
}

/* apply_in, for values with the connection's foreign keys off (checked by
 * apply_values itself, see "values") and on again afterwards. */
static int apply(struct imp *im, int (*fn)(struct imp *im), const char *sha)
{
    struct kh_err ignored;
    int rc, rc2;

    if (fn != apply_values)
        return apply_in(im, fn, sha);
    if ((rc = db_foreign_keys(im->st->db, 0, im->err)))
        return rc;
    rc = apply_in(im, fn, sha);
    rc2 = db_foreign_keys(im->st->db, 1, rc ? &ignored : im->err);
    return rc ? rc : rc2;
}

int kh_store_import(struct kh_store *st, int64_t jid, const char *kind, const char *path,
                    const struct kh_actor *who, kh_progress_fn progress, void *user,
                    struct kh_import_report *rep, struct kh_err *err)
{
    struct kh_import_report scratch;
    struct store_hasher hash;
    struct imp im;
    size_t k;
    int rc;

    if (!rep)
        rep = &scratch;
    memset(rep, 0, sizeof(*rep));
    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!path || !path[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no file to import");
    if (kind && strcmp(kind, "scheme") == 0)
        return store_import_scheme(st, jid, path, who, rep, err);
    for (k = 0; k < KH_ARRAY_LEN(appliers); k++)
        if (kind && strcmp(appliers[k].kind, kind) == 0)
            break;
    if (k == KH_ARRAY_LEN(appliers))
        return kh_err_set(err, KH_EINVAL, path, 0, 0,
                          "unknown kind of file \"%s\": expected units, values, targets, events, "
                          "ballots or scheme",
                          kind ? kind : "");
    memset(&im, 0, sizeof(im));
    im.st = st;
    im.jid = jid;
    im.kind = appliers[k].kind;
    im.path = path;
    im.who = who;
    im.progress = progress;
    im.user = user;
    im.rep = rep;
    im.err = err;
    im.state = store_state_name(who->office ? KH_REVIEW_APPROVED : KH_REVIEW_SUBMITTED);
    kh_buf_init(&im.a, 0);
    kh_buf_init(&im.b, 0);
    kh_buf_init(&im.c, 0);
    memset(&hash, 0, sizeof(hash));
    if ((rc = store_check_jurisdiction(st, jid, err)))
        goto out;
    store_hasher_start(&hash, path);
    if ((rc = scratch_load(&im)) || (rc = store_hasher_finish(&hash, err)))
        goto out;
    rep->rows = im.total = file_records(&im);
    if (hash.zip) {
        snprintf(rep->encoding, sizeof(rep->encoding), "XLSX");
    } else if (im.ds->nfiles > 0) {
        const char *enc = kh_dataset_file_encoding(im.ds, im.ds->nfiles - 1);
        snprintf(rep->encoding, sizeof(rep->encoding), "%s", enc ? enc : "");
    }
    rc = apply(&im, appliers[k].apply, hash.sha);
out:
    store_hasher_join(&hash);
    store_locks_free(&im.locks);
    store_periods_free(&im.periods);
    kh_dataset_free(im.ds);
    free(im.unit_id);
    free(im.ind_id);
    free(im.source_of);
    kh_buf_free(&im.a);
    kh_buf_free(&im.b);
    kh_buf_free(&im.c);
    return rc;
}
