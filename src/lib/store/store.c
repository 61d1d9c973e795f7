/*
 * store.c — the store's front door (kaohe/store.h): opening and closing,
 * jurisdictions, period locks, the audit log, and the helpers every other
 * store file uses: batches (who, when, which file), audit entries, locked
 * periods, the canonical text of numbers and fields, review state names.
 *
 * Every change runs in one transaction that also writes its batch row and
 * its audit entries, so that the log can never disagree with the data: a
 * change that is rolled back takes its audit entries with it, and one that
 * is committed has them.
 */
#include "base/common.h"

#include <sodium.h>
#include <time.h>

#include "base/utf8.h"
#include "store/store_int.h"

#define MAX_NAME 128 /* bytes of a user name or jurisdiction code */

/* ---- opening -------------------------------------------------------------- */

int kh_store_open(const char *path, int create, struct kh_store **out, struct kh_err *err)
{
    struct kh_store *st;
    int rc;

    *out = NULL;
    if (sodium_init() < 0)
        return kh_err_set(err, KH_EIO, path, 0, 0, "libsodium could not be initialised");
    st = calloc(1, sizeof(*st));
    if (!st)
        return kh_err_set(err, KH_ENOMEM, path, 0, 0, "out of memory");
    rc = db_open(path, create, &st->db, err);
    if (rc) {
        free(st);
        return rc;
    }
    *out = st;
    return KH_OK;
}

void kh_store_close(struct kh_store *st)
{
    if (!st)
        return;
    db_close(st->db);
    free(st);
}

int kh_store_schema_version(const struct kh_store *st)
{
    return db_version(st->db);
}

int kh_store_check(struct kh_store *st, struct kh_err *err)
{
    return db_check(st->db, err);
}

/* ---- small helpers ------------------------------------------------------------ */

void store_time(int64_t t64, char out[32])
{
    time_t t = (time_t)t64;
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

void store_now(char out[32])
{
    store_time((int64_t)time(NULL), out);
}

int store_period(const char *period, struct kh_period *p, char code[KH_PERIOD_TEXT],
                 struct kh_err *err)
{
    if (!period || kh_period_parse(period, p))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "\"%s\" is not a period: expected a year (2024), a half (2024H1), a "
                          "quarter (2024Q3) or a month (2024-07)",
                          period ? period : "");
    kh_period_format(p, code);
    return KH_OK;
}

int store_unit_id(struct kh_store *st, int64_t jid, const char *code, int64_t *id,
                  struct kh_err *err)
{
    static const char sql[] = "SELECT id FROM unit WHERE jurisdiction_id = ?1 AND code = ?2";
    struct db_stmt *q;
    int rc;

    *id = 0;
    if (!code || !code[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a unit id is needed");
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code);
    rc = db_step(q, err);
    if (rc == DB_DONE)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0,
                          "no unit \"%s\" in this jurisdiction: import it with a units file first",
                          code);
    if (rc < 0)
        return rc;
    *id = db_col_int(q, 0);
    db_reset(q);
    return KH_OK;
}

int store_indicator_id(struct kh_store *st, int64_t jid, const char *code, int add, int64_t *id,
                       struct kh_err *err)
{
    static const char get[] = "SELECT id FROM indicator WHERE jurisdiction_id = ?1 AND code = ?2";
    static const char ins[] = "INSERT INTO indicator (jurisdiction_id, code) VALUES (?1, ?2)";
    struct db_stmt *q;
    int rc;

    *id = 0;
    if (!code || !code[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "an indicator code is needed");
    if ((rc = db_prepare(st->db, get, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code);
    rc = db_step(q, err);
    if (rc == DB_ROW) {
        *id = db_col_int(q, 0);
        db_reset(q);
        return KH_OK;
    }
    if (rc < 0 || !add)
        return rc < 0 ? rc : KH_OK;
    if ((rc = db_prepare(st->db, ins, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code);
    if ((rc = db_run(q, err)))
        return rc;
    *id = db_last_id(st->db);
    return KH_OK;
}

int store_err_index(struct kh_err *err, const char *what, size_t i)
{
    char msg[sizeof(err->msg)], prefix[64];
    int room;

    if (!err)
        return KH_EINVAL;
    snprintf(msg, sizeof(msg), "%s", err->msg);
    snprintf(prefix, sizeof(prefix), "%s[%zu]: ", what, i);
    room = (int)(sizeof(err->msg) - 1 - strlen(prefix));
    snprintf(err->msg, sizeof(err->msg), "%s%.*s", prefix, room, msg);
    return err->code;
}

int store_good_text(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0, i = 0;

    if (n == 0 || n > max)
        return 0;
    while (i < n) {
        uint32_t cp;
        size_t k = kh_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (!k || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            return 0;
        i += k;
    }
    return 1;
}

const char *store_basename(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path ? path : "";
}

void store_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, data, (unsigned long long)len);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

const char *store_state_name(int state)
{
    switch (state) {
    case KH_REVIEW_DRAFT:
        return "draft";
    case KH_REVIEW_SUBMITTED:
        return "submitted";
    case KH_REVIEW_APPROVED:
        return "approved";
    case KH_REVIEW_RETURNED:
        return "returned";
    default:
        return NULL;
    }
}

/* Non-zero if s is a usable name: 1..MAX_NAME bytes, no control
 * characters. */
static int good_name(const char *s)
{
    size_t n = s ? strlen(s) : 0, i;

    if (n == 0 || n > MAX_NAME)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return 0;
    return 1;
}

int store_check_actor(const struct kh_actor *who, struct kh_err *err)
{
    if (!who || !good_name(who->user))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "a change needs the name of who makes it (1 to %d characters, one "
                          "line) for the audit log",
                          MAX_NAME);
    if (who->via && !good_name(who->via))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "the channel of a change (via) must be a short word such as cli or api");
    return KH_OK;
}

int store_check_jurisdiction(struct kh_store *st, int64_t jid, struct kh_err *err)
{
    static const char sql[] = "SELECT 1 FROM jurisdiction WHERE id = ?1";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    rc = db_step(q, err);
    if (rc == DB_ROW) {
        db_reset(q);
        return KH_OK;
    }
    if (rc == DB_DONE)
        return kh_err_set(err, KH_ENOTFOUND, db_path(st->db), 0, 0,
                          "no jurisdiction with id %lld in the store", (long long)jid);
    return rc;
}

int store_batch_begin(struct kh_store *st, int64_t jid, const char *kind,
                      const struct kh_actor *who, const char *file, const char *sha256,
                      struct store_batch *b, struct kh_err *err)
{
    static const char sql[] =
        "INSERT INTO batch (jurisdiction_id, kind, user, via, at, file, sha256) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    struct db_stmt *q;
    int rc;

    memset(b, 0, sizeof(*b));
    b->jid = jid;
    store_now(b->at);
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, kind);
    db_bind_text(q, 3, who->user);
    db_bind_text(q, 4, who->via ? who->via : "api");
    db_bind_text(q, 5, b->at);
    db_bind_text(q, 6, file);
    db_bind_text(q, 7, sha256);
    if ((rc = db_run(q, err)))
        return rc;
    b->id = db_last_id(st->db);
    return KH_OK;
}

int store_audit(struct kh_store *st, const struct store_batch *b, const char *action,
                const char *entity, const char *key, const char *old_text, const char *new_text,
                struct kh_err *err)
{
    static const char sql[] =
        "INSERT INTO audit (jurisdiction_id, batch_id, action, entity, key, old, new) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, b->jid);
    db_bind_int(q, 2, b->id);
    db_bind_text(q, 3, action);
    db_bind_text(q, 4, entity);
    db_bind_text(q, 5, key);
    db_bind_text(q, 6, old_text);
    db_bind_text(q, 7, new_text);
    return db_run(q, err);
}

/* ---- jurisdictions -------------------------------------------------------------- */

int kh_store_jurisdiction(struct kh_store *st, const char *code, const char *name, int create,
                          int64_t *jid, struct kh_err *err)
{
    static const char find[] = "SELECT id FROM jurisdiction WHERE code = ?1";
    static const char add[] =
        "INSERT INTO jurisdiction (code, name, created_at) VALUES (?1, ?2, ?3)";
    struct db_stmt *q;
    char at[32];
    int rc;

    *jid = 0;
    if (!good_name(code) || strcspn(code, " \t") != strlen(code))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "a jurisdiction code is 1 to %d characters without blanks (e.g. "
                          "demo-district)",
                          MAX_NAME);
    if (name && !good_name(name))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "a jurisdiction name is 1 to %d bytes on one line", MAX_NAME);
    if ((rc = db_prepare(st->db, find, &q, err)))
        return rc;
    db_bind_text(q, 1, code);
    rc = db_step(q, err);
    if (rc == DB_ROW) {
        *jid = db_col_int(q, 0);
        db_reset(q);
        return KH_OK;
    }
    if (rc < 0)
        return rc;
    if (!create)
        return kh_err_set(err, KH_ENOTFOUND, db_path(st->db), 0, 0,
                          "no jurisdiction \"%s\" in this store: add it with kaohe init "
                          "--jurisdiction %s",
                          code, code);
    if ((rc = db_begin(st->db, err)))
        return rc;
    store_now(at);
    if ((rc = db_prepare(st->db, add, &q, err)))
        goto fail;
    db_bind_text(q, 1, code);
    db_bind_text(q, 2, name ? name : code);
    db_bind_text(q, 3, at);
    if ((rc = db_run(q, err)))
        goto fail;
    *jid = db_last_id(st->db);
    return db_commit(st->db, err);
fail:
    db_rollback(st->db);
    return rc;
}

/* ---- locked periods -------------------------------------------------------------- */

int store_locks_load(struct kh_store *st, int64_t jid, struct store_locks *l, struct kh_err *err)
{
    static const char sql[] =
        "SELECT code FROM period WHERE jurisdiction_id = ?1 AND locked = 1 ORDER BY code";
    struct db_stmt *q;
    size_t cap_p = 0, cap_c = 0;
    int rc;

    memset(l, 0, sizeof(*l));
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    while ((rc = db_step(q, err)) == DB_ROW) {
        const char *code = db_col_text(q, 0);
        struct kh_period p;
        if (!code || kh_period_parse(code, &p))
            continue; /* stored codes are canonical; skip damage rather than fail */
        if (kh_grow(&l->p, &cap_p, l->n + 1, sizeof(*l->p)) ||
            kh_grow(&l->code, &cap_c, l->n + 1, sizeof(*l->code))) {
            db_reset(q);
            store_locks_free(l);
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        }
        l->p[l->n] = p;
        kh_period_format(&p, l->code[l->n]);
        l->n++;
    }
    if (rc < 0)
        store_locks_free(l);
    return rc < 0 ? rc : KH_OK;
}

const char *store_locked(const struct store_locks *l, const struct kh_period *p)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (kh_period_contains(&l->p[i], p))
            return l->code[i];
    return NULL;
}

int kh_store_period_locked(struct kh_store *st, int64_t jid, const char *period, int *locked,
                           char lock[KH_PERIOD_TEXT], struct kh_err *err)
{
    struct store_locks locks;
    struct kh_period p;
    const char *code;
    int rc;

    *locked = 0;
    lock[0] = '\0';
    if (!period || kh_period_parse(period, &p))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "\"%s\" is not a period: expected a year (2024), a half (2024H1), a "
                          "quarter (2024Q3) or a month (2024-07)",
                          period ? period : "");
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_locks_load(st, jid, &locks, err)))
        return rc;
    if ((code = store_locked(&locks, &p))) {
        *locked = 1;
        snprintf(lock, KH_PERIOD_TEXT, "%s", code);
    }
    store_locks_free(&locks);
    return KH_OK;
}

void store_locks_free(struct store_locks *l)
{
    free(l->p);
    free(l->code);
    memset(l, 0, sizeof(*l));
}

int kh_store_period_lock(struct kh_store *st, int64_t jid, const char *period, int lock,
                         const char *reason, const struct kh_actor *who, struct kh_err *err)
{
    static const char get[] = "SELECT locked FROM period WHERE jurisdiction_id = ?1 AND code = ?2";
    static const char put[] =
        "INSERT INTO period (jurisdiction_id, code, locked, batch_id, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (jurisdiction_id, code) DO UPDATE SET "
        "locked = excluded.locked, batch_id = excluded.batch_id, reason = excluded.reason";
    struct store_batch b;
    struct db_stmt *q;
    struct kh_period p;
    char code[KH_PERIOD_TEXT];
    int rc, was = 0;

    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!period || kh_period_parse(period, &p))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "\"%s\" is not a period: expected a year (2024), a half (2024H1), a "
                          "quarter (2024Q3) or a month (2024-07)",
                          period ? period : "");
    if (!lock && (!reason || !reason[strspn(reason, " \t")]))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "unlocking period %s needs a reason for the audit log", period);
    kh_period_format(&p, code);
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_prepare(st->db, get, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code);
    rc = db_step(q, err);
    if (rc == DB_ROW) {
        was = (int)db_col_int(q, 0);
        db_reset(q);
    } else if (rc < 0) {
        goto fail;
    }
    if (was == (lock != 0)) {
        db_rollback(st->db); /* already so: nothing to record */
        return KH_OK;
    }
    if ((rc = store_batch_begin(st, jid, lock ? "lock" : "unlock", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, put, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code);
    db_bind_int(q, 3, lock != 0);
    db_bind_int(q, 4, b.id);
    db_bind_text(q, 5, reason);
    if ((rc = db_run(q, err)) ||
        (rc = store_audit(st, &b, lock ? "lock" : "unlock", "period", code,
                          lock ? "unlocked" : "locked",
                          lock ? (reason && reason[0] ? reason : "locked") : reason, err)))
        goto fail;
    return db_commit(st->db, err);
fail:
    db_rollback(st->db);
    return rc;
}

/* ---- the audit log ---------------------------------------------------------------- */

/* The words of an audit action, Chinese first. */
static const char *action_words(const char *action)
{
    static const char *const words[][2] = {
        {"insert", "新增 insert"},   {"update", "修改 update"},     {"delete", "删除 delete"},
        {"lock", "锁定 lock"},       {"unlock", "解锁 unlock"},     {"import", "导入 import"},
        {"publish", "发布 publish"}, {"review", "审核 review"},     {"add", "新增 add"},
        {"open", "开放 open"},       {"activate", "启用 activate"}, {"file", "提出 file"},
        {"accept", "采纳 accept"},   {"reject", "驳回 reject"},
    };
    size_t i;

    for (i = 0; i < KH_ARRAY_LEN(words); i++)
        if (strcmp(words[i][0], action) == 0)
            return words[i][1];
    return action;
}

int kh_store_audit(struct kh_store *st, int64_t jid, size_t limit, struct kh_buf *out,
                   struct kh_err *err)
{
    static const char sql[] =
        "SELECT at, user, via, action, entity, key, old, new FROM ("
        " SELECT a.id, b.at, b.user, b.via, a.action, a.entity, a.key, a.old, a.new"
        " FROM audit a JOIN batch b ON b.id = a.batch_id"
        " WHERE a.jurisdiction_id = ?1 ORDER BY a.id DESC LIMIT ?2) ORDER BY id";
    struct db_stmt *q;
    int rc;

    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, limit ? (int64_t)(limit > INT64_MAX ? INT64_MAX : limit) : -1);
    while ((rc = db_step(q, err)) == DB_ROW) {
        const char *old_text = db_col_text(q, 6), *new_text = db_col_text(q, 7);
        kh_buf_printf(out, "%s · %s (%s) · %s %s %s", db_col_text(q, 0), db_col_text(q, 1),
                      db_col_text(q, 2), action_words(db_col_text(q, 3)), db_col_text(q, 4),
                      db_col_text(q, 5));
        if (old_text && new_text)
            kh_buf_printf(out, ": %s → %s", old_text, new_text);
        else if (new_text)
            kh_buf_printf(out, ": %s", new_text);
        else if (old_text)
            kh_buf_printf(out, ": %s → (无 none)", old_text);
        kh_buf_putc(out, '\n');
    }
    if (rc < 0)
        return rc;
    if (kh_buf_failed(out))
        return kh_err_set(err, kh_buf_failed(out), NULL, 0, 0, "the audit log is too long to show");
    return KH_OK;
}
