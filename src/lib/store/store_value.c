/*
 * store_value.c — single values: reading one, setting one (a correction
 * typed in rather than imported), and moving one through review (draft →
 * submitted → approved or returned). Each change is one transaction with
 * its batch and audit entry; values of locked periods do not change.
 *
 * Review rules (docs/store.md): anyone submits a draft or a returned
 * value; only the office approves or returns a submitted one, or returns
 * (reopens) an approved one; returning needs a note saying why. Values the
 * office sets or imports are approved at once; an approved value changes
 * only through the office (so a pending correction never hides the number
 * that counts); only approved values are scored.
 */
#include "base/common.h"

#include "store/store_int.h"

/* Where one value lives. */
struct loc {
    int64_t unit, indicator, value; /* 0 when missing */
    char period[KH_PERIOD_TEXT];
    struct kh_period p;
    double v;
    int state;
    char key[400]; /* "T01 gdp 2024-07" */
};

/* The state number of a stored state name. */
static int state_of(const char *name)
{
    int s;
    for (s = KH_REVIEW_DRAFT; s <= KH_REVIEW_RETURNED; s++)
        if (kh_streq(store_state_name(s), name))
            return s;
    return KH_REVIEW_DRAFT;
}

/* Find unit, indicator (added when `add_indicator`) and value. */
static int locate(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                  const char *period, int add_indicator, struct loc *l, struct kh_err *err)
{
    static const char get_unit[] = "SELECT id FROM unit WHERE jurisdiction_id = ?1 AND code = ?2";
    static const char get_ind[] =
        "SELECT id FROM indicator WHERE jurisdiction_id = ?1 AND code = ?2";
    static const char add_ind[] = "INSERT INTO indicator (jurisdiction_id, code) VALUES (?1, ?2)";
    static const char get_value[] =
        "SELECT id, value, state FROM value WHERE unit_id = ?1 AND indicator_id = ?2"
        " AND period = ?3";
    struct db_stmt *q;
    int rc;

    memset(l, 0, sizeof(*l));
    l->v = NAN;
    if (!unit || !unit[0] || !indicator || !indicator[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a value needs a unit id and an indicator");
    if (!period || kh_period_parse(period, &l->p))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "\"%s\" is not a period: expected a year (2024), a half (2024H1), a "
                          "quarter (2024Q3) or a month (2024-07)",
                          period ? period : "");
    kh_period_format(&l->p, l->period);
    snprintf(l->key, sizeof(l->key), "%s %s %s", unit, indicator, l->period);
    if ((rc = db_prepare(st->db, get_unit, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, unit);
    if ((rc = db_step(q, err)) == DB_DONE)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0,
                          "no unit \"%s\" in this jurisdiction: import it with a units file first",
                          unit);
    if (rc < 0)
        return rc;
    l->unit = db_col_int(q, 0);
    db_reset(q);
    if ((rc = db_prepare(st->db, get_ind, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, indicator);
    rc = db_step(q, err);
    if (rc == DB_ROW) {
        l->indicator = db_col_int(q, 0);
        db_reset(q);
    } else if (rc < 0) {
        return rc;
    } else if (!add_indicator) {
        return KH_OK;
    } else {
        if ((rc = db_prepare(st->db, add_ind, &q, err)))
            return rc;
        db_bind_int(q, 1, jid);
        db_bind_text(q, 2, indicator);
        if ((rc = db_run(q, err)))
            return rc;
        l->indicator = db_last_id(st->db);
    }
    if ((rc = db_prepare(st->db, get_value, &q, err)))
        return rc;
    db_bind_int(q, 1, l->unit);
    db_bind_int(q, 2, l->indicator);
    db_bind_text(q, 3, l->period);
    rc = db_step(q, err);
    if (rc == DB_ROW) {
        l->value = db_col_int(q, 0);
        l->v = db_col_double(q, 1);
        l->state = state_of(db_col_text(q, 2));
        db_reset(q);
    }
    return rc < 0 ? rc : KH_OK;
}

/* KH_EINVAL when l's period lies in a locked one. */
static int check_lock(struct kh_store *st, int64_t jid, const struct loc *l, struct kh_err *err)
{
    struct store_locks locks;
    const char *lock;
    int rc;

    if ((rc = store_locks_load(st, jid, &locks, err)))
        return rc;
    lock = store_locked(&locks, &l->p);
    if (lock)
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                        "value %s cannot change: period %s is locked (kaohe unlock %s --reason …)",
                        l->key, lock, lock);
    store_locks_free(&locks);
    return rc;
}

int kh_store_value_get(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                       const char *period, double *v, int *state, struct kh_err *err)
{
    struct loc l;
    int rc;

    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = locate(st, jid, unit, indicator, period, 0, &l, err)))
        return rc;
    if (!l.value)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no value %s in the store", l.key);
    if (v)
        *v = l.v;
    if (state)
        *state = l.state;
    return KH_OK;
}

int kh_store_value_set(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                       const char *period, double v, const struct kh_actor *who, struct kh_err *err)
{
    static const char ins[] =
        "INSERT INTO value (jurisdiction_id, unit_id, indicator_id, period, value, state,"
        " batch_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)";
    static const char upd[] =
        "UPDATE value SET value = ?2, state = ?3, batch_id = ?4, source_id = NULL, line = 0"
        " WHERE id = ?1";
    const char *state = store_state_name(who && who->office ? KH_REVIEW_APPROVED : KH_REVIEW_DRAFT);
    struct store_batch b;
    struct db_stmt *q;
    struct loc l;
    char o[40], n[40];
    int rc;

    if ((rc = store_check_actor(who, err)))
        return rc;
    if (isinf(v))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a value must be a finite number");
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = locate(st, jid, unit, indicator, period, 1, &l, err)))
        goto fail;
    if (l.value && (isnan(l.v) ? isnan(v) : l.v == v)) {
        db_rollback(st->db); /* unchanged */
        return KH_OK;
    }
    if (l.value && l.state == KH_REVIEW_APPROVED && !who->office) {
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                        "value %s is approved: only the office changes it, or returns it to you "
                        "for correction",
                        l.key);
        goto fail;
    }
    if ((rc = check_lock(st, jid, &l, err)) ||
        (rc = store_batch_begin(st, jid, "edit", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, l.value ? upd : ins, &q, err)))
        goto fail;
    if (l.value) {
        db_bind_int(q, 1, l.value);
        db_bind_double(q, 2, v);
        db_bind_text(q, 3, state);
        db_bind_int(q, 4, b.id);
    } else {
        db_bind_int(q, 1, jid);
        db_bind_int(q, 2, l.unit);
        db_bind_int(q, 3, l.indicator);
        db_bind_text(q, 4, l.period);
        db_bind_double(q, 5, v);
        db_bind_text(q, 6, state);
        db_bind_int(q, 7, b.id);
    }
    if (isnan(v))
        snprintf(n, sizeof(n), "—");
    else
        store_num(v, n);
    if (isnan(l.v))
        snprintf(o, sizeof(o), "—");
    else
        store_num(l.v, o);
    if ((rc = db_run(q, err)) || (rc = store_audit(st, &b, l.value ? "update" : "insert", "value",
                                                   l.key, l.value ? o : NULL, n, err)))
        goto fail;
    return db_commit(st->db, err);
fail:
    db_rollback(st->db);
    return rc;
}

/* Non-zero if `who` may move a value from state `from` to `to`. */
static int may_move(const struct kh_actor *who, int from, int to)
{
    switch (to) {
    case KH_REVIEW_SUBMITTED:
        return from == KH_REVIEW_DRAFT || from == KH_REVIEW_RETURNED;
    case KH_REVIEW_APPROVED:
        return who->office && from == KH_REVIEW_SUBMITTED;
    case KH_REVIEW_RETURNED:
        return who->office && (from == KH_REVIEW_SUBMITTED || from == KH_REVIEW_APPROVED);
    default:
        return 0;
    }
}

int kh_store_value_review(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                          const char *period, int state, const char *note,
                          const struct kh_actor *who, struct kh_err *err)
{
    static const char upd[] = "UPDATE value SET state = ?2 WHERE id = ?1";
    struct store_batch b;
    struct db_stmt *q;
    struct loc l;
    char what[600];
    int rc;

    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!store_state_name(state))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "unknown review state %d: expected draft, submitted, approved or "
                          "returned",
                          state);
    if (state == KH_REVIEW_RETURNED && (!note || !note[strspn(note, " \t")]))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "returning a value needs a note saying what to correct");
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = locate(st, jid, unit, indicator, period, 0, &l, err)))
        goto fail;
    if (!l.value) {
        rc = kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no value %s in the store", l.key);
        goto fail;
    }
    if (l.state == state) {
        db_rollback(st->db);
        return KH_OK;
    }
    if (!may_move(who, l.state, state)) {
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0, "value %s is %s and cannot become %s%s", l.key,
                        store_state_name(l.state), store_state_name(state),
                        who->office ? "" : " (approving and returning are for the office)");
        goto fail;
    }
    if ((rc = check_lock(st, jid, &l, err)) ||
        (rc = store_batch_begin(st, jid, "review", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, upd, &q, err)))
        goto fail;
    db_bind_int(q, 1, l.value);
    db_bind_text(q, 2, store_state_name(state));
    snprintf(what, sizeof(what), "%s%s%s", store_state_name(state), note ? ": " : "",
             note ? note : "");
    if ((rc = db_run(q, err)) ||
        (rc = store_audit(st, &b, "review", "value", l.key, store_state_name(l.state), what, err)))
        goto fail;
    return db_commit(st->db, err);
fail:
    db_rollback(st->db);
    return rc;
}
