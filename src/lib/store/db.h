/*
 * db.h — the one place that talks to SQLite (db.c): opening a store file
 * with the right settings (WAL, foreign keys, busy timeout, defensive mode,
 * temporary tables in memory), the schema as an ordered list of migrations,
 * a cache of prepared statements, bind and column helpers, and
 * transactions.
 *
 * Every statement the store runs is a constant SQL text with `?N`
 * parameters, prepared once per connection and reused; values only ever
 * travel through the bind helpers. Nothing outside db.c includes sqlite3.h,
 * so a PostgreSQL implementation of the store replaces this file and the
 * SQL texts, not the logic around them.
 *
 * Internal to src/lib/store.
 */
#ifndef KH_STORE_DB_H
#define KH_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "kaohe/base.h"

struct db;      /* a connection; opaque */
struct db_stmt; /* a prepared statement of that connection; opaque */

/* The schema version this build creates and understands. */
#define DB_SCHEMA_VERSION 3

/* db_step results besides errors (which are negative kh_status codes). */
enum { DB_DONE = 0, DB_ROW = 1 };

/*
 * Open the store file `path`: create it when `create` and missing (else
 * KH_ENOTFOUND, "run kaohe init"), refuse a file that is not a kaohe store
 * or comes from a newer kaohe, and migrate an older schema to
 * DB_SCHEMA_VERSION inside one transaction. Caller closes with db_close().
 */
int db_open(const char *path, int create, struct db **out, struct kh_err *err);

/* Finalise every statement and close (NULL is fine). */
void db_close(struct db *db);

/* The SQL script of migration i (from version i to i + 1), NULL beyond
 * the last: for tests that build a file of an older version. */
const char *db_migration(int i);

/* The schema version of the open file; the path it was opened with. */
int db_version(const struct db *db);
const char *db_path(const struct db *db);

/*
 * Transactions. db_begin starts a write transaction at once (BEGIN
 * IMMEDIATE: a second writer waits up to the busy timeout, then gets a
 * clear "busy" error rather than a deadlock later). db_commit resets the
 * cached statements and commits; on failure the transaction is rolled back.
 * db_rollback is harmless outside a transaction.
 */
int db_begin(struct db *db, struct kh_err *err);
int db_begin_read(struct db *db, struct kh_err *err); /* BEGIN (deferred): one consistent read */
int db_in_transaction(const struct db *db);
int db_commit(struct db *db, struct kh_err *err);
void db_rollback(struct db *db);

/*
 * Foreign key enforcement of this connection on (on non-zero) or off, which
 * SQLite allows only outside a transaction (KH_EINVAL inside one). Off is
 * for one bulk write whose caller checks every reference it writes itself
 * (store_import.c: values); the caller turns it back on after that
 * transaction, whatever its outcome.
 */
int db_foreign_keys(struct db *db, int on, struct kh_err *err);

/*
 * The statement for the constant text `sql` (compared by pointer, then by
 * content), prepared on first use and cached; it comes back reset with its
 * bindings cleared. Returns KH_OK or an error naming the store file.
 */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct kh_err *err);

/*
 * Bind parameter i (1-based). Text is copied; NULL text binds SQL NULL, as
 * does a NaN double. A failure (out of memory) is remembered and reported
 * by the next db_step.
 */
void db_bind_int(struct db_stmt *s, int i, int64_t v);
void db_bind_text(struct db_stmt *s, int i, const char *v);
/* Bind text that stays unchanged until the statement is reset or rebound
 * (not copied: the hot path of imports). */
void db_bind_text_static(struct db_stmt *s, int i, const char *v);
void db_bind_textn(struct db_stmt *s, int i, const char *v, size_t n);
void db_bind_double(struct db_stmt *s, int i, double v);
void db_bind_null(struct db_stmt *s, int i);
/* Bind n bytes (copied; NULL with n 0 binds an empty blob, not SQL NULL). */
void db_bind_blob(struct db_stmt *s, int i, const void *v, size_t n);

/*
 * Run one step: DB_ROW with a row to read, DB_DONE when finished (the
 * statement is then reset), or a negative status with err set: KH_EIO for
 * a busy, damaged or full database, KH_ENOMEM, KH_EINVAL for a violated
 * constraint (a bug or a hostile file), with SQLite's words.
 */
int db_step(struct db_stmt *s, struct kh_err *err);

/* Run a statement that returns no rows (all steps); KH_OK or an error. */
int db_run(struct db_stmt *s, struct kh_err *err);

/* Reset a statement that was not stepped to DB_DONE (releases its read). */
void db_reset(struct db_stmt *s);

/* Columns of the current row (0-based). Text is NULL for SQL NULL and
 * valid until the next step or reset; a NULL double reads as NaN. */
int64_t db_col_int(struct db_stmt *s, int i);
double db_col_double(struct db_stmt *s, int i);
const char *db_col_text(struct db_stmt *s, int i);
int db_col_is_null(struct db_stmt *s, int i);
/* The bytes of a blob column and their number (valid as db_col_text). */
const void *db_col_blob(struct db_stmt *s, int i, size_t *n);

/* Rows changed by the last INSERT/UPDATE/DELETE; rowid of the last INSERT. */
int64_t db_changes(struct db *db);
int64_t db_last_id(struct db *db);

/*
 * Check the file: PRAGMA integrity_check and foreign_key_check. KH_OK, or
 * KH_EIO with the first problem found.
 */
int db_check(struct db *db, struct kh_err *err);

#endif
