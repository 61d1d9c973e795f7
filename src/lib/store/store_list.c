/*
 * store_list.c — what the HTTP server lists and writes in bulk
 * (kaohe/store.h, "listings for the API"): the generation of a
 * jurisdiction's data (the id of its newest batch, for caches and ETags),
 * periods, schemes and the active one, stored values with their review
 * state, bulk writes of values, reviews and targets, and the audit log as
 * records.
 *
 * Bulk writes are one transaction each, all or nothing: the first refused
 * record rolls everything back and the error names it by its index
 * ("values[3]: …"). Values go through store_value.c's per-value steps
 * (store_value_set_in, store_value_review_in), so a bulk write follows the
 * same review and lock rules as a single one. Listings read inside one
 * read transaction, so they never show half of a change; a callback runs
 * while the listing's statement is open and must not use the same store
 * handle.
 */
#include "base/common.h"

#include "base/sort.h"
#include "store/store_int.h"

/* ---- the generation ---------------------------------------------------------- */

int kh_store_generation(struct kh_store *st, int64_t jid, int64_t *gen, struct kh_err *err)
{
    static const char sql[] = "SELECT coalesce(max(id), 0) FROM batch WHERE jurisdiction_id = ?1";
    struct db_stmt *q;
    int rc;

    *gen = 0;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    if ((rc = db_step(q, err)) != DB_ROW)
        return rc < 0 ? rc : kh_err_set(err, KH_EIO, db_path(st->db), 0, 0, "no generation");
    *gen = db_col_int(q, 0);
    db_reset(q);
    return KH_OK;
}

/* ---- periods ------------------------------------------------------------------ */

int store_period_known(struct kh_store *st, int64_t jid, const char *code, int *known,
                       struct kh_err *err)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM period WHERE jurisdiction_id = ?1 AND code = ?2)"
        " OR EXISTS (SELECT 1 FROM value WHERE jurisdiction_id = ?1 AND period = ?2)"
        " OR EXISTS (SELECT 1 FROM target WHERE jurisdiction_id = ?1 AND period = ?2)"
        " OR EXISTS (SELECT 1 FROM event WHERE jurisdiction_id = ?1 AND period = ?2)";
    struct db_stmt *q;
    int rc;

    *known = 0;
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code);
    if ((rc = db_step(q, err)) != DB_ROW)
        return rc < 0 ? rc : kh_err_set(err, KH_EIO, db_path(st->db), 0, 0, "no answer");
    *known = db_col_int(q, 0) != 0;
    db_reset(q);
    return KH_OK;
}

int kh_store_period_open(struct kh_store *st, int64_t jid, const char *code,
                         const struct kh_actor *who, struct kh_err *err)
{
    static const char ins[] =
        "INSERT INTO period (jurisdiction_id, code, locked, batch_id) VALUES (?1, ?2, 0, ?3)";
    struct store_batch b;
    struct kh_period p;
    struct db_stmt *q;
    char pc[KH_PERIOD_TEXT];
    int rc, known;

    if ((rc = store_check_actor(who, err)) || (rc = store_period(code, &p, pc, err)))
        return rc;
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_period_known(st, jid, pc, &known, err)))
        goto fail;
    if (known) {
        db_rollback(st->db); /* known already */
        return KH_OK;
    }
    if ((rc = store_batch_begin(st, jid, "period", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, ins, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, pc);
    db_bind_int(q, 3, b.id);
    if ((rc = db_run(q, err)) ||
        (rc = store_audit(st, &b, "open", "period", pc, NULL, "open", err)))
        goto fail;
    return db_commit(st->db, err);
fail:
    db_rollback(st->db);
    return rc;
}

/* Rank of a period kind in listings: years, halves, quarters, months. */
static int kind_rank(int kind)
{
    switch (kind) {
    case KH_PERIOD_YEAR:
        return 0;
    case KH_PERIOD_HALF:
        return 1;
    case KH_PERIOD_QUARTER:
        return 2;
    default:
        return 3;
    }
}

/* A listed period with its parsed form. */
struct prow {
    struct kh_period p;
    int own_lock;
    struct kh_period_row row;
};

/* Period order of listings: year, then halves, quarters, months. */
static int prow_cmp(const void *pa, const void *pb, void *ctx)
{
    const struct kh_period *a = &((const struct prow *)pa)->p, *b = &((const struct prow *)pb)->p;
    (void)ctx;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (kind_rank(a->kind) != kind_rank(b->kind))
        return kind_rank(a->kind) < kind_rank(b->kind) ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

int kh_store_period_list(struct kh_store *st, int64_t jid, struct kh_period_row **out, size_t *n,
                         struct kh_err *err)
{
    static const char sql[] = "SELECT c.code, coalesce(p.locked, 0), coalesce(p.reason, '') FROM ("
                              " SELECT code FROM period WHERE jurisdiction_id = ?1"
                              " UNION SELECT period FROM value WHERE jurisdiction_id = ?1"
                              " UNION SELECT period FROM target WHERE jurisdiction_id = ?1"
                              " UNION SELECT period FROM event WHERE jurisdiction_id = ?1) c"
                              " LEFT JOIN period p ON p.jurisdiction_id = ?1 AND p.code = c.code";
    struct prow *v = NULL;
    struct kh_period_row *rows = NULL;
    size_t cap = 0, k = 0, i, j;
    struct db_stmt *q;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    while ((rc = db_step(q, err)) == DB_ROW) {
        struct prow *x;
        struct kh_period p;
        if (kh_period_parse(db_col_text(q, 0), &p))
            continue; /* stored codes are canonical; skip damage rather than fail */
        if (kh_grow(&v, &cap, k + 1, sizeof(*v))) {
            db_reset(q);
            rc = KH_ENOMEM;
            break;
        }
        x = &v[k++];
        memset(x, 0, sizeof(*x));
        x->p = p;
        kh_period_format(&p, x->row.code);
        x->own_lock = x->row.locked = db_col_int(q, 1) != 0;
        snprintf(x->row.reason, sizeof(x->row.reason), "%s", db_col_text(q, 2));
    }
    if (rc < 0)
        goto out;
    if (kh_sort(v, k, sizeof(*v), prow_cmp, NULL) ||
        !(rows = malloc((k ? k : 1) * sizeof(*rows)))) {
        rc = KH_ENOMEM;
        goto out;
    }
    /* A period inside a locked one is locked too (with that lock's reason
     * when it has none of its own). */
    for (i = 0; i < k; i++) {
        for (j = 0; j < k && !v[i].row.locked; j++)
            if (j != i && v[j].own_lock && kh_period_contains(&v[j].p, &v[i].p)) {
                v[i].row.locked = 1;
                if (!v[i].row.reason[0])
                    memcpy(v[i].row.reason, v[j].row.reason, sizeof(v[i].row.reason));
            }
        rows[i] = v[i].row;
    }
    *out = rows;
    *n = k;
    rows = NULL;
    rc = KH_OK;
out:
    free(v);
    free(rows);
    if (rc == KH_ENOMEM)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}

/* ---- schemes ---------------------------------------------------------------------- */

int kh_store_scheme_list(struct kh_store *st, int64_t jid, struct kh_scheme_row **out, size_t *n,
                         struct kh_err *err)
{
    static const char sql[] =
        "SELECT s.code,"
        " (SELECT v.name FROM scheme_version v WHERE v.scheme_id = s.id"
        "  ORDER BY v.version DESC LIMIT 1),"
        " (SELECT count(*) FROM scheme_version v WHERE v.scheme_id = s.id),"
        " coalesce((SELECT v.version FROM active_scheme a"
        "  JOIN scheme_version v ON v.id = a.scheme_version_id"
        "  WHERE a.jurisdiction_id = s.jurisdiction_id AND v.scheme_id = s.id), 0),"
        " (SELECT max(b.at) FROM batch b WHERE b.id IN ("
        "  SELECT batch_id FROM scheme_version WHERE scheme_id = s.id"
        "  UNION SELECT a.batch_id FROM active_scheme a"
        "  JOIN scheme_version v ON v.id = a.scheme_version_id WHERE v.scheme_id = s.id))"
        " FROM scheme s WHERE s.jurisdiction_id = ?1 ORDER BY s.code";
    struct kh_scheme_row *v = NULL;
    size_t cap = 0, k = 0;
    struct db_stmt *q;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_begin_read(st->db, err)))
        return rc;
    if ((rc = db_prepare(st->db, sql, &q, err)))
        goto out;
    db_bind_int(q, 1, jid);
    while ((rc = db_step(q, err)) == DB_ROW) {
        struct kh_scheme_row *x;
        if (kh_grow(&v, &cap, k + 1, sizeof(*v))) {
            db_reset(q);
            rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        x = &v[k++];
        memset(x, 0, sizeof(*x));
        snprintf(x->id, sizeof(x->id), "%s", db_col_text(q, 0));
        snprintf(x->name, sizeof(x->name), "%s", db_col_text(q, 1) ? db_col_text(q, 1) : "");
        x->versions = (int)db_col_int(q, 2);
        x->active = (int)db_col_int(q, 3);
        snprintf(x->updated_at, sizeof(x->updated_at), "%s",
                 db_col_text(q, 4) ? db_col_text(q, 4) : "");
    }
out:
    db_rollback(st->db);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return KH_OK;
}

int kh_store_scheme_activate(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                             const struct kh_actor *who, struct kh_err *err)
{
    static const char cur[] =
        "SELECT a.scheme_version_id, s.code, v.version FROM active_scheme a"
        " JOIN scheme_version v ON v.id = a.scheme_version_id JOIN scheme s ON s.id = v.scheme_id"
        " WHERE a.jurisdiction_id = ?1";
    static const char put[] =
        "INSERT INTO active_scheme (jurisdiction_id, scheme_version_id, batch_id)"
        " VALUES (?1, ?2, ?3) ON CONFLICT (jurisdiction_id) DO UPDATE SET"
        " scheme_version_id = excluded.scheme_version_id, batch_id = excluded.batch_id";
    struct store_scheme_row row;
    struct store_batch b;
    struct db_stmt *q;
    char was[200] = "", now[200];
    int64_t cur_id = 0;
    int rc;

    memset(&row, 0, sizeof(row));
    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!scheme_id || !scheme_id[0] || version < 0)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "activating a scheme needs its id and a version number");
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_scheme_get(st, jid, scheme_id, version, 0, &row, err)) ||
        (rc = db_prepare(st->db, cur, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    if ((rc = db_step(q, err)) == DB_ROW) {
        cur_id = db_col_int(q, 0);
        snprintf(was, sizeof(was), "%s v%lld", db_col_text(q, 1), (long long)db_col_int(q, 2));
        db_reset(q);
    } else if (rc < 0) {
        goto fail;
    }
    if (cur_id == row.id) {
        db_rollback(st->db); /* active already */
        store_scheme_row_free(&row);
        return KH_OK;
    }
    snprintf(now, sizeof(now), "%s v%d", scheme_id, row.version);
    if ((rc = store_batch_begin(st, jid, "scheme", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, put, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, row.id);
    db_bind_int(q, 3, b.id);
    if ((rc = db_run(q, err)) ||
        (rc = store_audit(st, &b, "activate", "scheme", scheme_id, was[0] ? was : NULL, now, err)))
        goto fail;
    store_scheme_row_free(&row);
    return db_commit(st->db, err);
fail:
    db_rollback(st->db);
    store_scheme_row_free(&row);
    return rc;
}

int kh_store_scheme_active(struct kh_store *st, int64_t jid, char id[128], int *version,
                           struct kh_err *err)
{
    static const char act[] =
        "SELECT s.code, v.version FROM active_scheme a"
        " JOIN scheme_version v ON v.id = a.scheme_version_id JOIN scheme s ON s.id = v.scheme_id"
        " WHERE a.jurisdiction_id = ?1";
    static const char only[] =
        "SELECT s.code, (SELECT max(version) FROM scheme_version v WHERE v.scheme_id = s.id),"
        " (SELECT count(*) FROM scheme WHERE jurisdiction_id = ?1)"
        " FROM scheme s WHERE s.jurisdiction_id = ?1 LIMIT 1";
    struct db_stmt *q;
    int rc, found = 0;

    id[0] = 0;
    *version = 0;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_begin_read(st->db, err)))
        return rc;
    if ((rc = db_prepare(st->db, act, &q, err)))
        goto out;
    db_bind_int(q, 1, jid);
    if ((rc = db_step(q, err)) == DB_ROW) {
        snprintf(id, 128, "%s", db_col_text(q, 0));
        *version = (int)db_col_int(q, 1);
        db_reset(q);
        found = 1;
    }
    if (rc < 0 || found || (rc = db_prepare(st->db, only, &q, err)))
        goto out;
    db_bind_int(q, 1, jid);
    if ((rc = db_step(q, err)) == DB_ROW) {
        if (db_col_int(q, 2) == 1) {
            snprintf(id, 128, "%s", db_col_text(q, 0));
            *version = (int)db_col_int(q, 1);
            found = 1;
        }
        db_reset(q);
    }
out:
    db_rollback(st->db);
    if (rc < 0)
        return rc;
    if (!found)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0,
                          "no active scheme: import a scheme, or activate one of the schemes "
                          "stored");
    return KH_OK;
}

int kh_store_scheme_text(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                         char **text, size_t *len, struct kh_err *err)
{
    struct store_scheme_row row;
    int rc;

    *text = NULL;
    *len = 0;
    if ((rc = store_scheme_get(st, jid, scheme_id, version, 0, &row, err)))
        return rc;
    *text = row.text;
    *len = row.len;
    row.text = NULL;
    store_scheme_row_free(&row);
    return KH_OK;
}

/* ---- values ---------------------------------------------------------------------------- */

/* Non-zero if code is one of q's indicators (or q names none). */
static int wanted_indicator(const struct kh_value_query *q, const char *code)
{
    size_t i;
    if (!q || !q->n_indicators)
        return 1;
    for (i = 0; i < q->n_indicators; i++)
        if (q->indicators[i] && strcmp(q->indicators[i], code) == 0)
            return 1;
    return 0;
}

int kh_store_value_list(struct kh_store *st, int64_t jid, const struct kh_value_query *qy,
                        int (*cb)(void *user, const struct kh_value_row *row), void *user,
                        struct kh_err *err)
{
    static const char sql[] =
        "SELECT u.code, i.code, v.period, v.value, v.state, b.user, b.at,"
        " CASE WHEN v.state = 'returned' THEN v.note END FROM value v"
        " JOIN unit u ON u.id = v.unit_id JOIN indicator i ON i.id = v.indicator_id"
        " JOIN batch b ON b.id = max(v.batch_id, coalesce(v.review_batch_id, 0))"
        " WHERE v.jurisdiction_id = ?1 AND (?2 IS NULL OR v.period = ?2)"
        " AND (?3 = 0 OR v.unit_id = ?3) AND (?4 IS NULL OR v.state = ?4)"
        " ORDER BY u.id, i.code, v.period";
    struct kh_period p;
    struct db_stmt *q;
    char pc[KH_PERIOD_TEXT];
    int64_t uid = 0;
    int rc, state = qy ? qy->state : -1, s;

    if (qy && qy->period && (rc = store_period(qy->period, &p, pc, err)))
        return rc;
    if (state != -1 && !store_state_name(state))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "unknown review state %d: expected draft, submitted, approved or "
                          "returned",
                          state);
    if (qy && qy->n_indicators && !qy->indicators)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a list of indicators is missing");
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_begin_read(st->db, err)))
        return rc;
    if (qy && qy->unit && (rc = store_unit_id(st, jid, qy->unit, &uid, err)))
        goto out;
    if ((rc = db_prepare(st->db, sql, &q, err)))
        goto out;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, qy && qy->period ? pc : NULL);
    db_bind_int(q, 3, uid);
    db_bind_text(q, 4, state == -1 ? NULL : store_state_name(state));
    while ((rc = db_step(q, err)) == DB_ROW) {
        struct kh_value_row row;
        if (!wanted_indicator(qy, db_col_text(q, 1)))
            continue;
        row.unit = db_col_text(q, 0);
        row.indicator = db_col_text(q, 1);
        row.period = db_col_text(q, 2);
        row.value = db_col_double(q, 3);
        row.state = KH_REVIEW_DRAFT;
        for (s = KH_REVIEW_DRAFT; s <= KH_REVIEW_RETURNED; s++)
            if (kh_streq(store_state_name(s), db_col_text(q, 4)))
                row.state = s;
        row.by = db_col_text(q, 5);
        row.at = db_col_text(q, 6);
        row.note = db_col_text(q, 7);
        if ((rc = cb(user, &row))) {
            db_reset(q);
            goto out;
        }
    }
    if (rc == DB_DONE)
        rc = KH_OK;
out:
    db_rollback(st->db);
    return rc;
}

int kh_store_values_set(struct kh_store *st, int64_t jid, const struct kh_value_in *in, size_t n,
                        int submit, const struct kh_actor *who, size_t *changed, struct kh_err *err)
{
    struct store_values run;
    size_t i, count = 0;
    int rc, ch, ch2, state;

    if (changed)
        *changed = 0;
    if ((rc = store_check_actor(who, err)))
        return rc;
    if (n && !in)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no values given");
    if ((rc = db_begin(st->db, err)))
        return rc;
    store_values_init(&run, st, jid, who, "edit", NULL);
    if ((rc = store_check_jurisdiction(st, jid, err)))
        goto fail;
    for (i = 0; i < n; i++) {
        ch2 = 0;
        if ((rc = store_value_set_in(&run, in[i].unit, in[i].indicator, in[i].period, in[i].value,
                                     &ch, &state, err)))
            goto fail_at;
        if (submit && !who->office && (state == KH_REVIEW_DRAFT || state == KH_REVIEW_RETURNED) &&
            (rc = store_value_review_in(&run, in[i].unit, in[i].indicator, in[i].period,
                                        KH_REVIEW_SUBMITTED, NULL, &ch2, err)))
            goto fail_at;
        count += ch || ch2;
    }
    store_values_release(&run);
    if (!run.have_batch) {
        db_rollback(st->db); /* nothing changed */
        return KH_OK;
    }
    if ((rc = db_commit(st->db, err)))
        return rc;
    if (changed)
        *changed = count;
    return KH_OK;
fail_at:
    store_err_index(err, "values", i);
fail:
    store_values_release(&run);
    db_rollback(st->db);
    return rc;
}

int kh_store_values_review(struct kh_store *st, int64_t jid, const struct kh_value_in *in, size_t n,
                           int state, const char *note, const struct kh_actor *who,
                           struct kh_err *err)
{
    struct store_values run;
    size_t i;
    int rc;

    if ((rc = store_check_actor(who, err)) || (rc = store_review_check(state, note, err)))
        return rc;
    if (n && !in)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no values given");
    if ((rc = db_begin(st->db, err)))
        return rc;
    store_values_init(&run, st, jid, who, "review", NULL);
    if ((rc = store_check_jurisdiction(st, jid, err)))
        goto fail;
    for (i = 0; i < n; i++)
        if ((rc = store_value_review_in(&run, in[i].unit, in[i].indicator, in[i].period, state,
                                        note, NULL, err))) {
            store_err_index(err, "values", i);
            goto fail;
        }
    store_values_release(&run);
    if (!run.have_batch) {
        db_rollback(st->db); /* all already so */
        return KH_OK;
    }
    return db_commit(st->db, err);
fail:
    store_values_release(&run);
    db_rollback(st->db);
    return rc;
}

/* ---- targets ------------------------------------------------------------------------------ */

/* "target 12, baseline —" for the audit log. */
static const char *target_words(char out[100], double t, double base)
{
    char x[40], y[40];
    snprintf(out, 100, "target %s, baseline %s", isnan(t) ? "—" : store_num(t, x),
             isnan(base) ? "—" : store_num(base, y));
    return out;
}

/* Set one target inside the bulk write's transaction. */
static int target_set_in(struct kh_store *st, int64_t jid, const struct kh_target_in *t,
                         const struct store_locks *locks, struct store_batch *b, int *have_batch,
                         const struct kh_actor *who, struct kh_err *err)
{
    static const char get[] =
        "SELECT id, target, baseline FROM target WHERE unit_id = ?1 AND indicator_id = ?2"
        " AND period = ?3";
    static const char ins[] =
        "INSERT INTO target (jurisdiction_id, unit_id, indicator_id, period, target, baseline,"
        " batch_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)";
    static const char upd[] = "UPDATE target SET target = ?2, baseline = ?3, batch_id = ?4,"
                              " source_id = NULL, line = 0 WHERE id = ?1";
    struct kh_period p;
    struct db_stmt *q;
    char pc[KH_PERIOD_TEXT], key[400], o[100], w[100];
    const char *lock;
    int64_t uid, iid, id = 0;
    double ot = NAN, ob = NAN;
    int rc;

    if (isinf(t->target) || isinf(t->baseline))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a target or baseline must be finite");
    if ((rc = store_period(t->period, &p, pc, err)) ||
        (rc = store_unit_id(st, jid, t->unit, &uid, err)) ||
        (rc = store_indicator_id(st, jid, t->indicator, 1, &iid, err)) ||
        (rc = db_prepare(st->db, get, &q, err)))
        return rc;
    snprintf(key, sizeof(key), "%s %s %s", t->unit, t->indicator, pc);
    db_bind_int(q, 1, uid);
    db_bind_int(q, 2, iid);
    db_bind_text(q, 3, pc);
    if ((rc = db_step(q, err)) == DB_ROW) {
        id = db_col_int(q, 0);
        ot = db_col_double(q, 1);
        ob = db_col_double(q, 2);
        db_reset(q);
        if ((isnan(ot) ? isnan(t->target) : ot == t->target) &&
            (isnan(ob) ? isnan(t->baseline) : ob == t->baseline))
            return KH_OK; /* unchanged */
    } else if (rc < 0) {
        return rc;
    }
    if ((lock = store_locked(locks, &p)))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "target %s cannot change: period %s is locked (kaohe unlock %s "
                          "--reason …)",
                          key, lock, lock);
    if (!*have_batch) {
        if ((rc = store_batch_begin(st, jid, "edit", who, NULL, NULL, b, err)))
            return rc;
        *have_batch = 1;
    }
    if ((rc = db_prepare(st->db, id ? upd : ins, &q, err)))
        return rc;
    if (id) {
        db_bind_int(q, 1, id);
        db_bind_double(q, 2, t->target);
        db_bind_double(q, 3, t->baseline);
        db_bind_int(q, 4, b->id);
    } else {
        db_bind_int(q, 1, jid);
        db_bind_int(q, 2, uid);
        db_bind_int(q, 3, iid);
        db_bind_text(q, 4, pc);
        db_bind_double(q, 5, t->target);
        db_bind_double(q, 6, t->baseline);
        db_bind_int(q, 7, b->id);
    }
    if ((rc = db_run(q, err)))
        return rc;
    return store_audit(st, b, id ? "update" : "insert", "target", key,
                       id ? target_words(o, ot, ob) : NULL, target_words(w, t->target, t->baseline),
                       err);
}

int kh_store_targets_set(struct kh_store *st, int64_t jid, const struct kh_target_in *in, size_t n,
                         const struct kh_actor *who, struct kh_err *err)
{
    struct store_locks locks;
    struct store_batch b;
    size_t i;
    int rc, have_batch = 0;

    memset(&locks, 0, sizeof(locks));
    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!who->office)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "only the office sets targets");
    if (n && !in)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no targets given");
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_locks_load(st, jid, &locks, err)))
        goto fail;
    for (i = 0; i < n; i++)
        if ((rc = target_set_in(st, jid, &in[i], &locks, &b, &have_batch, who, err))) {
            store_err_index(err, "targets", i);
            goto fail;
        }
    store_locks_free(&locks);
    if (!have_batch) {
        db_rollback(st->db); /* nothing changed */
        return KH_OK;
    }
    return db_commit(st->db, err);
fail:
    store_locks_free(&locks);
    db_rollback(st->db);
    return rc;
}

/* ---- the audit log as records --------------------------------------------------------------- */

int kh_store_audit_list(struct kh_store *st, int64_t jid, int64_t after, size_t limit,
                        int (*cb)(void *user, const struct kh_audit_row *row), void *user,
                        struct kh_err *err)
{
    static const char sql[] =
        "SELECT a.id, b.at, b.user, b.via, a.action, a.entity, a.key, a.old, a.new"
        " FROM audit a JOIN batch b ON b.id = a.batch_id"
        " WHERE a.jurisdiction_id = ?1 AND a.id > ?2 ORDER BY a.id LIMIT ?3";
    struct db_stmt *q;
    int rc;

    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, after);
    db_bind_int(q, 3, limit ? (int64_t)(limit > INT64_MAX ? INT64_MAX : limit) : -1);
    while ((rc = db_step(q, err)) == DB_ROW) {
        struct kh_audit_row row;
        row.id = db_col_int(q, 0);
        row.at = db_col_text(q, 1);
        row.user = db_col_text(q, 2);
        row.via = db_col_text(q, 3);
        row.action = db_col_text(q, 4);
        row.entity = db_col_text(q, 5);
        row.key = db_col_text(q, 6);
        row.old_text = db_col_text(q, 7);
        row.new_text = db_col_text(q, 8);
        if ((rc = cb(user, &row))) {
            db_reset(q);
            return rc;
        }
    }
    return rc < 0 ? rc : KH_OK;
}
