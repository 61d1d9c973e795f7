/*
 * store_value.c — single values: reading one, setting one (a correction
 * typed in rather than imported), and moving one through review (draft →
 * submitted → approved or returned). Each change is one transaction with
 * its batch and audit entry; values of locked periods do not change.
 *
 * The work on one value runs inside a caller's transaction
 * (store_value_set_in, store_value_review_in with a struct store_values),
 * so that the bulk writes of store_list.c and the corrections of an
 * accepted appeal (store_appeal.c) follow exactly these rules; the public
 * single-value calls wrap one such step in its own transaction.
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
    static const char get_value[] =
        "SELECT id, value, state FROM value WHERE unit_id = ?1 AND indicator_id = ?2"
        " AND period = ?3";
    struct db_stmt *q;
    int rc;

    memset(l, 0, sizeof(*l));
    l->v = NAN;
    if (!unit || !unit[0] || !indicator || !indicator[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a value needs a unit id and an indicator");
    if ((rc = store_period(period, &l->p, l->period, err)))
        return rc;
    snprintf(l->key, sizeof(l->key), "%s %s %s", unit, indicator, l->period);
    if ((rc = store_unit_id(st, jid, unit, &l->unit, err)) ||
        (rc = store_indicator_id(st, jid, indicator, add_indicator, &l->indicator, err)))
        return rc;
    if (!l->indicator)
        return KH_OK;
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

void store_values_init(struct store_values *v, struct kh_store *st, int64_t jid,
                       const struct kh_actor *who, const char *kind, const struct store_batch *b)
{
    memset(v, 0, sizeof(*v));
    v->st = st;
    v->jid = jid;
    v->who = who;
    v->kind = kind;
    if (b) {
        v->b = *b;
        v->have_batch = 1;
    }
}

void store_values_release(struct store_values *v)
{
    if (v->have_locks)
        store_locks_free(&v->locks);
    v->have_locks = 0;
}

/* KH_EINVAL when l's period lies in a locked one (locks read once per run). */
static int check_lock(struct store_values *v, const struct loc *l, struct kh_err *err)
{
    const char *lock;
    int rc;

    if (!v->have_locks) {
        if ((rc = store_locks_load(v->st, v->jid, &v->locks, err)))
            return rc;
        v->have_locks = 1;
    }
    lock = store_locked(&v->locks, &l->p);
    if (lock)
        return kh_err_set(
            err, KH_EINVAL, NULL, 0, 0,
            "value %s cannot change: period %s is locked (kaohe unlock %s --reason …)", l->key,
            lock, lock);
    return KH_OK;
}

/* The run's batch, begun on first use. */
static int batch(struct store_values *v, struct kh_err *err)
{
    int rc;

    if (v->have_batch)
        return KH_OK;
    if ((rc = store_batch_begin(v->st, v->jid, v->kind, v->who, NULL, NULL, &v->b, err)))
        return rc;
    v->have_batch = 1;
    return KH_OK;
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

int store_value_set_in(struct store_values *v, const char *unit, const char *indicator,
                       const char *period, double x, int *changed, int *state, struct kh_err *err)
{
    static const char ins[] =
        "INSERT INTO value (jurisdiction_id, unit_id, indicator_id, period, value, state,"
        " batch_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)";
    static const char upd[] =
        "UPDATE value SET value = ?2, state = ?3, batch_id = ?4, source_id = NULL, line = 0,"
        " review_batch_id = NULL WHERE id = ?1";
    int to = v->who->office ? KH_REVIEW_APPROVED : KH_REVIEW_DRAFT;
    struct db_stmt *q;
    struct loc l;
    char o[40], n[40];
    int rc;

    if (changed)
        *changed = 0;
    if (isinf(x))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a value must be a finite number");
    if ((rc = locate(v->st, v->jid, unit, indicator, period, 1, &l, err)))
        return rc;
    if (state)
        *state = l.state;
    if (l.value && (isnan(l.v) ? isnan(x) : l.v == x))
        return KH_OK; /* unchanged */
    if (l.value && l.state == KH_REVIEW_APPROVED && !v->who->office)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "value %s is approved: only the office changes it, or returns it to "
                          "you for correction",
                          l.key);
    if ((rc = check_lock(v, &l, err)) || (rc = batch(v, err)) ||
        (rc = db_prepare(v->st->db, l.value ? upd : ins, &q, err)))
        return rc;
    if (l.value) {
        db_bind_int(q, 1, l.value);
        db_bind_double(q, 2, x);
        db_bind_text(q, 3, store_state_name(to));
        db_bind_int(q, 4, v->b.id);
    } else {
        db_bind_int(q, 1, v->jid);
        db_bind_int(q, 2, l.unit);
        db_bind_int(q, 3, l.indicator);
        db_bind_text(q, 4, l.period);
        db_bind_double(q, 5, x);
        db_bind_text(q, 6, store_state_name(to));
        db_bind_int(q, 7, v->b.id);
    }
    if (isnan(x))
        snprintf(n, sizeof(n), "—");
    else
        store_num(x, n);
    if (isnan(l.v))
        snprintf(o, sizeof(o), "—");
    else
        store_num(l.v, o);
    if ((rc = db_run(q, err)) || (rc = store_audit(v->st, &v->b, l.value ? "update" : "insert",
                                                   "value", l.key, l.value ? o : NULL, n, err)))
        return rc;
    if (changed)
        *changed = 1;
    if (state)
        *state = to;
    return KH_OK;
}

int kh_store_value_set(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                       const char *period, double v, const struct kh_actor *who, struct kh_err *err)
{
    struct store_values run;
    int rc;

    if ((rc = store_check_actor(who, err)))
        return rc;
    if ((rc = db_begin(st->db, err)))
        return rc;
    store_values_init(&run, st, jid, who, "edit", NULL);
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_value_set_in(&run, unit, indicator, period, v, NULL, NULL, err)))
        goto fail;
    store_values_release(&run);
    if (!run.have_batch) {
        db_rollback(st->db); /* unchanged (an indicator row may have been added) */
        return KH_OK;
    }
    return db_commit(st->db, err);
fail:
    store_values_release(&run);
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

int store_review_check(int state, const char *note, struct kh_err *err)
{
    if (!store_state_name(state))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "unknown review state %d: expected draft, submitted, approved or "
                          "returned",
                          state);
    if (state == KH_REVIEW_RETURNED && (!note || !note[strspn(note, " \t")]))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "returning a value needs a note saying what to correct");
    return KH_OK;
}

int store_value_review_in(struct store_values *v, const char *unit, const char *indicator,
                          const char *period, int state, const char *note, int *changed,
                          struct kh_err *err)
{
    static const char upd[] =
        "UPDATE value SET state = ?2, review_batch_id = ?3,"
        " note = CASE WHEN ?2 = 'returned' THEN ?4 ELSE note END WHERE id = ?1";
    struct db_stmt *q;
    struct loc l;
    char what[600];
    int rc;

    if (changed)
        *changed = 0;
    if ((rc = store_review_check(state, note, err)) ||
        (rc = locate(v->st, v->jid, unit, indicator, period, 0, &l, err)))
        return rc;
    if (!l.value)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no value %s in the store", l.key);
    if (l.state == state)
        return KH_OK;
    if (!may_move(v->who, l.state, state))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "value %s is %s and cannot become %s%s",
                          l.key, store_state_name(l.state), store_state_name(state),
                          v->who->office ? "" : " (approving and returning are for the office)");
    if ((rc = check_lock(v, &l, err)) || (rc = batch(v, err)) ||
        (rc = db_prepare(v->st->db, upd, &q, err)))
        return rc;
    db_bind_int(q, 1, l.value);
    db_bind_text(q, 2, store_state_name(state));
    db_bind_int(q, 3, v->b.id);
    db_bind_text(q, 4, note);
    snprintf(what, sizeof(what), "%s%s%s", store_state_name(state), note ? ": " : "",
             note ? note : "");
    if ((rc = db_run(q, err)) || (rc = store_audit(v->st, &v->b, "review", "value", l.key,
                                                   store_state_name(l.state), what, err)))
        return rc;
    if (changed)
        *changed = 1;
    return KH_OK;
}

int kh_store_value_review(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                          const char *period, int state, const char *note,
                          const struct kh_actor *who, struct kh_err *err)
{
    struct store_values run;
    int rc;

    if ((rc = store_check_actor(who, err)) || (rc = store_review_check(state, note, err)))
        return rc;
    if ((rc = db_begin(st->db, err)))
        return rc;
    store_values_init(&run, st, jid, who, "review", NULL);
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_value_review_in(&run, unit, indicator, period, state, note, NULL, err)))
        goto fail;
    store_values_release(&run);
    if (!run.have_batch) {
        db_rollback(st->db); /* already so */
        return KH_OK;
    }
    return db_commit(st->db, err);
fail:
    store_values_release(&run);
    db_rollback(st->db);
    return rc;
}
