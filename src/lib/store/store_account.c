/*
 * store_account.c — who may sign in to the server: accounts of a
 * jurisdiction with a role and its scope (a reporter's unit, a data
 * department's indicators), passwords, and signed-in sessions
 * (kaohe/store.h, docs/store.md "Accounts and sessions").
 *
 * Passwords are kept only as argon2id hashes (libsodium crypto_pwhash_str,
 * interactive limits, the salt and parameters inside the hash text). A
 * check of an unknown name runs one argon2id verification against a hash
 * of nothing anyone knows (kept in the store handle, made on the handle's
 * first check), so a wrong name takes as long as a wrong password and a
 * disabled account is reported only to someone who knows its password.
 * Hashing runs before the write transaction starts, so that a slow hash
 * never holds the writer's lock.
 *
 * Session tokens are 32 random bytes (randombytes_buf) in hex; the store
 * keeps only their BLAKE2b hash (crypto_generichash), so a copy of the
 * file holds no live session. Sessions are not data: starting or ending
 * one writes no batch and no audit entry, and does not move the
 * jurisdiction's generation. Disabling an account or setting its password
 * ends every session of it. Account changes are audited like any change.
 */
#include "base/common.h"

#include <sodium.h>
#include <time.h>

#include "store/store_int.h"

#define PASSWORD_MIN 8
#define PASSWORD_MAX 256
#define TTL_MAX      (10L * 366 * 24 * 3600) /* ten years */

/* The one message of a failed check, whatever the cause. */
#define WRONG_LOGIN "wrong user name or password"

static const char *const role_names[] = {NULL,       "admin",     "dept",  "reporter",
                                         "reviewer", "evaluator", "leader"};

const char *kh_role_name(int role)
{
    return role >= 1 && role <= KH_ROLE_MAX ? role_names[role] : NULL;
}

int kh_role_parse(const char *name)
{
    int r;
    for (r = 1; name && r <= KH_ROLE_MAX; r++)
        if (strcmp(role_names[r], name) == 0)
            return r;
    return 0;
}

/* ---- checking an account ------------------------------------------------------ */

/* Non-zero if s is 1..128 bytes of [A-Za-z0-9._-]. */
static int good_login(const char *s)
{
    size_t n = s ? strlen(s) : 0, i;

    if (n == 0 || n > 128)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Non-zero if s is a list of indicator codes joined with ',' (no blanks,
 * no empty code, no control characters) that fits kh_account. */
static int good_indicators(const char *s)
{
    size_t n = strlen(s), i;
    int empty = 1;

    if (n == 0 || n >= sizeof(((struct kh_account *)0)->indicators) || !store_good_text(s, n))
        return 0;
    for (i = 0; i <= n; i++) {
        if (s[i] == ',' || s[i] == 0) {
            if (empty)
                return 0;
            empty = 1;
        } else if (s[i] == ' ' || s[i] == '\t') {
            return 0;
        } else {
            empty = 0;
        }
    }
    return 1;
}

/* Check the fields of *a that create and update take (not the unit's
 * existence: that needs the store). */
static int check_account(const struct kh_account *a, struct kh_err *err)
{
    if (!a || !good_login(a->name))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "name: a login name is 1 to 128 characters of letters, digits, '.', "
                          "'_' and '-'");
    if (!kh_role_name(a->role))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "role: %d is not a role: expected admin, dept, reporter, reviewer, "
                          "evaluator or leader",
                          a->role);
    if (a->display[0] && !store_good_text(a->display, sizeof(a->display) - 1))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "display: a shown name is at most 256 bytes of UTF-8 on one line");
    if (a->role == KH_ROLE_REPORTER && !a->unit[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "unit: a reporter account names the unit it reports for");
    if (a->role != KH_ROLE_REPORTER && a->unit[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "unit: only a reporter account has a unit (this one is %s)",
                          kh_role_name(a->role));
    if (a->role == KH_ROLE_DEPT && !good_indicators(a->indicators))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "indicators: a dept account names at least one indicator, codes "
                          "joined with ',' (gdp,energy)");
    if (a->role != KH_ROLE_DEPT && a->indicators[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "indicators: only a dept account has indicators (this one is %s)",
                          kh_role_name(a->role));
    return KH_OK;
}

/* KH_EINVAL unless password is 8 to 256 bytes. */
static int check_password(const char *password, struct kh_err *err)
{
    size_t n = password ? strlen(password) : 0;
    if (n < PASSWORD_MIN || n > PASSWORD_MAX)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "password: a password is %d to %d bytes long",
                          PASSWORD_MIN, PASSWORD_MAX);
    return KH_OK;
}

/* The argon2id hash text of password into out. */
static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], struct kh_err *err)
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory hashing a password");
    return KH_OK;
}

/* The words of an account for the audit log ("role dept, indicators gdp,
 * display 统计局, disabled"). */
static const char *account_words(struct kh_buf *b, const struct kh_account *a)
{
    kh_buf_reset(b);
    kh_buf_printf(b, "role %s", kh_role_name(a->role));
    if (a->unit[0])
        kh_buf_printf(b, ", unit %s", a->unit);
    if (a->indicators[0])
        kh_buf_printf(b, ", indicators %s", a->indicators);
    if (a->display[0])
        kh_buf_printf(b, ", display %s", a->display);
    if (a->disabled)
        kh_buf_puts(b, ", disabled");
    return kh_buf_str(b);
}

/* ---- reading accounts ------------------------------------------------------------ */

#define ACCOUNT_SQL                                                                                \
    "SELECT a.id, a.jurisdiction_id, a.name, a.display, a.role, coalesce(u.code, ''),"             \
    " a.indicators, a.disabled, a.created_at, a.pwhash FROM account a"                             \
    " LEFT JOIN unit u ON u.id = a.unit_id"

/* Fill *a from the current row of an ACCOUNT_SQL query; the hash (column
 * 9) into hash when non-NULL. */
static void read_account(struct db_stmt *q, struct kh_account *a, char *hash, size_t hash_size)
{
    memset(a, 0, sizeof(*a));
    a->id = db_col_int(q, 0);
    a->jid = db_col_int(q, 1);
    snprintf(a->name, sizeof(a->name), "%s", db_col_text(q, 2));
    snprintf(a->display, sizeof(a->display), "%s", db_col_text(q, 3));
    a->role = (int)db_col_int(q, 4);
    snprintf(a->unit, sizeof(a->unit), "%s", db_col_text(q, 5));
    snprintf(a->indicators, sizeof(a->indicators), "%s", db_col_text(q, 6));
    a->disabled = (int)db_col_int(q, 7);
    snprintf(a->created_at, sizeof(a->created_at), "%s", db_col_text(q, 8));
    if (hash)
        snprintf(hash, hash_size, "%s", db_col_text(q, 9));
}

/* Read account `name` of jid (and its hash); KH_ENOTFOUND when missing. */
static int find_account(struct kh_store *st, int64_t jid, const char *name, struct kh_account *a,
                        char *hash, size_t hash_size, struct kh_err *err)
{
    static const char sql[] = ACCOUNT_SQL " WHERE a.jurisdiction_id = ?1 AND a.name = ?2";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, name ? name : "");
    rc = db_step(q, err);
    if (rc == DB_DONE)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no account \"%s\" in this jurisdiction",
                          name ? name : "");
    if (rc < 0)
        return rc;
    read_account(q, a, hash, hash_size);
    db_reset(q);
    return KH_OK;
}

int kh_store_account_get(struct kh_store *st, int64_t jid, const char *name, struct kh_account *out,
                         struct kh_err *err)
{
    return find_account(st, jid, name, out, NULL, 0, err);
}

int kh_store_account_list(struct kh_store *st, int64_t jid, struct kh_account **out, size_t *n,
                          struct kh_err *err)
{
    static const char sql[] = ACCOUNT_SQL " WHERE a.jurisdiction_id = ?1 ORDER BY a.name";
    struct kh_account *v = NULL;
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
        read_account(q, &v[k++], NULL, 0);
    }
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return KH_OK;
}

/* ---- changing accounts ------------------------------------------------------------ */

/* The unit id of a reporter's unit (0 for other roles). */
static int scope_unit(struct kh_store *st, int64_t jid, const struct kh_account *a, int64_t *uid,
                      struct kh_err *err)
{
    int rc;

    *uid = 0;
    if (a->role != KH_ROLE_REPORTER)
        return KH_OK;
    rc = store_unit_id(st, jid, a->unit, uid, err);
    if (rc == KH_ENOTFOUND)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "unit: no unit \"%s\" in this jurisdiction for the reporter", a->unit);
    return rc;
}

/* Delete every session of account id. */
static int end_sessions(struct kh_store *st, int64_t account, struct kh_err *err)
{
    static const char sql[] = "DELETE FROM session WHERE account_id = ?1";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, account);
    return db_run(q, err);
}

int kh_store_account_create(struct kh_store *st, int64_t jid, const struct kh_account *a,
                            const char *password, const struct kh_actor *who, int64_t *id,
                            struct kh_err *err)
{
    static const char taken[] = "SELECT 1 FROM account WHERE jurisdiction_id = ?1 AND name = ?2";
    static const char ins[] =
        "INSERT INTO account (jurisdiction_id, name, display, role, unit_id, indicators,"
        " disabled, pwhash, created_at, batch_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    char hash[crypto_pwhash_STRBYTES];
    struct store_batch b;
    struct db_stmt *q;
    struct kh_buf w;
    int64_t uid;
    int rc;

    if (id)
        *id = 0;
    if ((rc = store_check_actor(who, err)) || (rc = check_account(a, err)) ||
        (rc = check_password(password, err)) || (rc = hash_password(password, hash, err)))
        return rc;
    kh_buf_init(&w, 0);
    if ((rc = db_begin(st->db, err)))
        goto out;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = scope_unit(st, jid, a, &uid, err)) ||
        (rc = db_prepare(st->db, taken, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, a->name);
    if ((rc = db_step(q, err)) == DB_ROW) {
        db_reset(q);
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                        "name: the account name \"%s\" is taken in this jurisdiction", a->name);
        goto fail;
    }
    if (rc < 0 || (rc = store_batch_begin(st, jid, "account", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, ins, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, a->name);
    db_bind_text(q, 3, a->display);
    db_bind_int(q, 4, a->role);
    if (uid)
        db_bind_int(q, 5, uid);
    db_bind_text(q, 6, a->indicators);
    db_bind_int(q, 7, a->disabled ? 1 : 0);
    db_bind_text(q, 8, hash);
    db_bind_text(q, 9, b.at);
    db_bind_int(q, 10, b.id);
    if ((rc = db_run(q, err)))
        goto fail;
    if (id)
        *id = db_last_id(st->db);
    if ((rc = store_audit(st, &b, "insert", "account", a->name, NULL, account_words(&w, a), err)))
        goto fail;
    rc = db_commit(st->db, err);
    goto out;
fail:
    db_rollback(st->db);
out:
    sodium_memzero(hash, sizeof(hash));
    kh_buf_free(&w);
    return rc;
}

int kh_store_account_update(struct kh_store *st, int64_t jid, const struct kh_account *a,
                            const struct kh_actor *who, struct kh_err *err)
{
    static const char upd[] =
        "UPDATE account SET display = ?2, role = ?3, unit_id = ?4, indicators = ?5,"
        " disabled = ?6 WHERE id = ?1";
    struct kh_account old, now;
    struct store_batch b;
    struct kh_buf w1, w2;
    struct db_stmt *q;
    int64_t uid;
    int rc;

    if ((rc = store_check_actor(who, err)) || (rc = check_account(a, err)))
        return rc;
    kh_buf_init(&w1, 0);
    kh_buf_init(&w2, 0);
    if ((rc = db_begin(st->db, err)))
        goto out;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = find_account(st, jid, a->name, &old, NULL, 0, err)) ||
        (rc = scope_unit(st, jid, a, &uid, err)))
        goto fail;
    now = old;
    now.role = a->role;
    now.disabled = a->disabled ? 1 : 0;
    snprintf(now.display, sizeof(now.display), "%s", a->display);
    snprintf(now.unit, sizeof(now.unit), "%s", a->unit);
    snprintf(now.indicators, sizeof(now.indicators), "%s", a->indicators);
    if (strcmp(account_words(&w1, &old), account_words(&w2, &now)) == 0) {
        db_rollback(st->db); /* nothing changes */
        goto out;
    }
    if ((rc = store_batch_begin(st, jid, "account", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, upd, &q, err)))
        goto fail;
    db_bind_int(q, 1, old.id);
    db_bind_text(q, 2, now.display);
    db_bind_int(q, 3, now.role);
    if (uid)
        db_bind_int(q, 4, uid);
    db_bind_text(q, 5, now.indicators);
    db_bind_int(q, 6, now.disabled);
    if ((rc = db_run(q, err)) || (now.disabled && (rc = end_sessions(st, old.id, err))) ||
        (rc = store_audit(st, &b, "update", "account", a->name, kh_buf_str(&w1), kh_buf_str(&w2),
                          err)))
        goto fail;
    rc = db_commit(st->db, err);
    goto out;
fail:
    db_rollback(st->db);
out:
    kh_buf_free(&w1);
    kh_buf_free(&w2);
    return rc;
}

/* ---- passwords ------------------------------------------------------------------------ */

/* Non-zero if password matches the stored hash (argon2id, constant work). */
static int password_matches(const char *hash, const char *password)
{
    const char *p = password ? password : "";
    return crypto_pwhash_str_verify(hash, p, strlen(p)) == 0;
}

/* The handle's hash of nothing anyone knows, made on first use. */
static int dummy_hash(struct kh_store *st, struct kh_err *err)
{
    unsigned char secret[32];
    char hex[65];
    int rc;

    if (st->dummy_hash[0])
        return KH_OK;
    randombytes_buf(secret, sizeof(secret));
    sodium_bin2hex(hex, sizeof(hex), secret, sizeof(secret));
    rc = hash_password(hex, st->dummy_hash, err);
    sodium_memzero(hex, sizeof(hex));
    sodium_memzero(secret, sizeof(secret));
    return rc;
}

int kh_store_account_verify(struct kh_store *st, int64_t jid, const char *name,
                            const char *password, struct kh_account *out, struct kh_err *err)
{
    char hash[crypto_pwhash_STRBYTES + 1];
    struct kh_account a;
    struct kh_err scratch;
    int rc, found, match;

    /* The dummy hash is made before anything is looked up, so the first
     * check of a handle costs the same whether or not the name exists. */
    if ((rc = dummy_hash(st, err)))
        return rc;
    memset(&a, 0, sizeof(a));
    rc = find_account(st, jid, good_login(name) ? name : "", &a, hash, sizeof(hash), &scratch);
    if (rc && rc != KH_ENOTFOUND) {
        if (err)
            *err = scratch;
        return rc;
    }
    found = rc == KH_OK;
    match = password_matches(found ? hash : st->dummy_hash, password) && found;
    sodium_memzero(hash, sizeof(hash));
    if (!match)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, WRONG_LOGIN);
    if (a.disabled)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "account disabled");
    if (out)
        *out = a;
    return KH_OK;
}

int kh_store_account_password(struct kh_store *st, int64_t jid, const char *name, const char *old,
                              const char *password, const struct kh_actor *who, struct kh_err *err)
{
    static const char upd[] = "UPDATE account SET pwhash = ?3 WHERE id = ?1 AND pwhash = ?2";
    char hash[crypto_pwhash_STRBYTES + 1], fresh[crypto_pwhash_STRBYTES];
    struct kh_account a;
    struct store_batch b;
    struct db_stmt *q;
    int rc;

    if ((rc = store_check_actor(who, err)) || (rc = check_password(password, err)) ||
        (rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = find_account(st, jid, name, &a, hash, sizeof(hash), err)))
        return rc;
    if (old && !password_matches(hash, old)) {
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0, "old: the current password is wrong");
        goto out;
    }
    if ((rc = hash_password(password, fresh, err)) || (rc = db_begin(st->db, err)))
        goto out;
    if ((rc = store_batch_begin(st, jid, "account", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, upd, &q, err)))
        goto fail;
    db_bind_int(q, 1, a.id);
    db_bind_text(q, 2, hash);
    db_bind_text(q, 3, fresh);
    if ((rc = db_run(q, err)))
        goto fail;
    if (db_changes(st->db) != 1) {
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                        "the password of account \"%s\" changed meanwhile: try again", a.name);
        goto fail;
    }
    if ((rc = end_sessions(st, a.id, err)) ||
        (rc = store_audit(st, &b, "update", "account", a.name, NULL,
                          old ? "password changed" : "password reset", err)))
        goto fail;
    rc = db_commit(st->db, err);
    goto out;
fail:
    db_rollback(st->db);
out:
    sodium_memzero(hash, sizeof(hash));
    sodium_memzero(fresh, sizeof(fresh));
    return rc;
}

/* ---- sessions ---------------------------------------------------------------------------- */

/* The stored form of a token in hex: the hex of its BLAKE2b hash. KH_ENOTFOUND
 * when token is not 64 hex digits. */
static int token_hash(const char *token, char out[65], struct kh_err *err)
{
    unsigned char bin[32], h[32];
    size_t n = 0;
    const char *end = NULL;

    if (!token || strlen(token) != 64 ||
        sodium_hex2bin(bin, sizeof(bin), token, 64, NULL, &n, &end) != 0 || n != sizeof(bin) ||
        end != token + 64)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no such session (sign in again)");
    crypto_generichash(h, sizeof(h), bin, sizeof(bin), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
    sodium_memzero(bin, sizeof(bin));
    return KH_OK;
}

int kh_store_session_create(struct kh_store *st, int64_t account, long ttl, char token[65],
                            char csrf[65], struct kh_err *err)
{
    static const char acc[] = "SELECT jurisdiction_id, disabled FROM account WHERE id = ?1";
    static const char purge[] = "DELETE FROM session WHERE expires_at <= ?1";
    static const char ins[] =
        "INSERT INTO session (token_hash, jurisdiction_id, account_id, csrf, created_at,"
        " expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    unsigned char raw[32];
    char th[65], now[32], until[32];
    struct db_stmt *q;
    int64_t jid, t = (int64_t)time(NULL);
    int rc, disabled;

    token[0] = 0;
    csrf[0] = 0;
    if (ttl < 0 || ttl > TTL_MAX)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "a session lasts 0 seconds to ten years, not %ld seconds", ttl);
    store_time(t, now);
    store_time(t + ttl, until);
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = db_prepare(st->db, acc, &q, err)))
        goto fail;
    db_bind_int(q, 1, account);
    if ((rc = db_step(q, err)) != DB_ROW) {
        if (rc == DB_DONE)
            rc = kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no account with id %lld",
                            (long long)account);
        goto fail;
    }
    jid = db_col_int(q, 0);
    disabled = (int)db_col_int(q, 1);
    db_reset(q);
    if (disabled) {
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0, "account disabled");
        goto fail;
    }
    /* Expired sessions of anyone go now: the table holds live ones only. */
    if ((rc = db_prepare(st->db, purge, &q, err)))
        goto fail;
    db_bind_text(q, 1, now);
    if ((rc = db_run(q, err)))
        goto fail;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(token, 65, raw, sizeof(raw));
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(csrf, 65, raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
    if ((rc = token_hash(token, th, err)) || (rc = db_prepare(st->db, ins, &q, err)))
        goto fail;
    db_bind_text(q, 1, th);
    db_bind_int(q, 2, jid);
    db_bind_int(q, 3, account);
    db_bind_text(q, 4, csrf);
    db_bind_text(q, 5, now);
    db_bind_text(q, 6, until);
    if ((rc = db_run(q, err)) || (rc = db_commit(st->db, err)))
        goto fail;
    return KH_OK;
fail:
    db_rollback(st->db);
    sodium_memzero(token, 65);
    sodium_memzero(csrf, 65);
    token[0] = 0;
    csrf[0] = 0;
    return rc;
}

int kh_store_session_get(struct kh_store *st, const char *token, struct kh_session *s,
                         struct kh_account *a, struct kh_err *err)
{
    static const char sql[] =
        "SELECT a.id, a.jurisdiction_id, a.name, a.display, a.role, coalesce(u.code, ''),"
        " a.indicators, a.disabled, a.created_at, x.token_hash, x.csrf, x.expires_at"
        " FROM session x JOIN account a ON a.id = x.account_id"
        " AND a.jurisdiction_id = x.jurisdiction_id LEFT JOIN unit u ON u.id = a.unit_id"
        " WHERE x.token_hash = ?1";
    struct kh_account acc;
    struct kh_session ses;
    struct db_stmt *q;
    char th[65], now[32];
    const char *stored;
    int rc, live;

    if ((rc = token_hash(token, th, err)) || (rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_text(q, 1, th);
    rc = db_step(q, err);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no such session (sign in again)");
    read_account(q, &acc, NULL, 0);
    stored = db_col_text(q, 9);
    memset(&ses, 0, sizeof(ses));
    ses.account = acc.id;
    snprintf(ses.csrf, sizeof(ses.csrf), "%s", db_col_text(q, 10));
    snprintf(ses.expires_at, sizeof(ses.expires_at), "%s", db_col_text(q, 11));
    store_now(now);
    live = stored && strlen(stored) == 64 && sodium_memcmp(stored, th, 64) == 0 &&
           strcmp(ses.expires_at, now) > 0 && !acc.disabled;
    db_reset(q);
    if (!live)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0,
                          "the session has ended or expired (sign in again)");
    if (s)
        *s = ses;
    if (a)
        *a = acc;
    return KH_OK;
}

int kh_store_session_end(struct kh_store *st, const char *token, struct kh_err *err)
{
    static const char sql[] = "DELETE FROM session WHERE token_hash = ?1";
    struct db_stmt *q;
    struct kh_err scratch;
    char th[65];
    int rc;

    if (token_hash(token, th, &scratch))
        return KH_OK; /* not a token: no session to end */
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_text(q, 1, th);
    return db_run(q, err);
}
