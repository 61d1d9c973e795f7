/*
 * db.c — SQLite, wrapped once (see db.h): connection settings, the schema
 * and its migrations, the prepared-statement cache, binding, stepping and
 * transactions. No other file of kaohe calls sqlite3_*.
 *
 * Settings on every connection: foreign keys on (switched off only around
 * the one transaction of a values import, whose references the importer
 * checks itself: db_foreign_keys); a 5 s busy timeout (a
 * second writer waits, then fails with a clear message); temporary tables
 * and sort files in memory (the store does no I/O outside its own file and
 * its WAL); defensive mode and untrusted schema (a hostile file cannot
 * make SQL run functions through views or triggers); synchronous=FULL.
 * New files are put in WAL mode, which is persistent: readers never block
 * the writer, and a process killed at any moment leaves the last committed
 * state (the uncommitted tail of the WAL is ignored on the next open).
 *
 * The schema is a list of migrations, each one SQL script run in order
 * inside one transaction with the version bump; migrations[i] takes the
 * file from version i to i + 1. A file made by a newer kaohe (a version
 * beyond the list) is refused rather than guessed at. The file carries
 * application_id 'khdb' so that other SQLite files are recognised.
 */
#include "base/common.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "store/db.h"

#define DB_APPLICATION_ID 0x6B686462 /* 'khdb' */
#define DB_BUSY_MS        5000

/* ---- the schema --------------------------------------------------------- */

/*
 * Version 1. Every table that belongs to a jurisdiction carries its id, and
 * the foreign keys between such tables include it — (jurisdiction_id,
 * unit_id) references unit(jurisdiction_id, id) — so that the schema
 * itself refuses a value of one jurisdiction on a unit of another. Who and
 * when live in `batch` (one row per import, lock, publish or edit); records
 * point at their batch and at the `source` (file or sheet) and line they
 * came from. The audit log, batches and snapshots are append-only:
 * triggers refuse UPDATE and DELETE on them.
 */
static const char migration_1[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);\n"
    "INSERT INTO schema_version VALUES (0);\n"
    "CREATE TABLE jurisdiction (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE TABLE batch (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL REFERENCES jurisdiction(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  user TEXT NOT NULL,\n"
    "  via TEXT NOT NULL,\n"
    "  at TEXT NOT NULL,\n"
    "  file TEXT,\n"
    "  sha256 TEXT,\n"
    "  UNIQUE (jurisdiction_id, id));\n"
    "CREATE TABLE source (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  encoding TEXT,\n"
    "  UNIQUE (jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id));\n"
    "CREATE TABLE category (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL REFERENCES jurisdiction(id),\n"
    "  code TEXT NOT NULL,\n"
    "  UNIQUE (jurisdiction_id, code),\n"
    "  UNIQUE (jurisdiction_id, id));\n"
    "CREATE TABLE unit (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  code TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  category_id INTEGER NOT NULL,\n"
    "  parent_id INTEGER,\n"
    "  tags TEXT NOT NULL DEFAULT '',\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  source_id INTEGER,\n"
    "  line INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE (jurisdiction_id, code),\n"
    "  UNIQUE (jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, category_id) REFERENCES category(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, parent_id) REFERENCES unit(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, source_id) REFERENCES source(jurisdiction_id, id));\n"
    "CREATE TABLE unit_attr (\n"
    "  unit_id INTEGER NOT NULL REFERENCES unit(id),\n"
    "  name TEXT NOT NULL,\n"
    "  value REAL NOT NULL,\n"
    "  PRIMARY KEY (unit_id, name)) WITHOUT ROWID;\n"
    "CREATE TABLE indicator (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL REFERENCES jurisdiction(id),\n"
    "  code TEXT NOT NULL,\n"
    "  UNIQUE (jurisdiction_id, code),\n"
    "  UNIQUE (jurisdiction_id, id));\n"
    "CREATE TABLE period (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL REFERENCES jurisdiction(id),\n"
    "  code TEXT NOT NULL,\n"
    "  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),\n"
    "  batch_id INTEGER,\n"
    "  reason TEXT,\n"
    "  UNIQUE (jurisdiction_id, code),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id));\n"
    "CREATE TABLE value (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  unit_id INTEGER NOT NULL,\n"
    "  indicator_id INTEGER NOT NULL,\n"
    "  period TEXT NOT NULL,\n"
    "  value REAL,\n"
    "  state TEXT NOT NULL CHECK (state = 'approved' OR state = 'submitted'\n"
    "    OR state = 'draft' OR state = 'returned'),\n"
    "  batch_id INTEGER NOT NULL REFERENCES batch(id),\n"
    "  source_id INTEGER REFERENCES source(id),\n"
    "  line INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE (unit_id, indicator_id, period),\n"
    "  FOREIGN KEY (jurisdiction_id, unit_id) REFERENCES unit(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, indicator_id) REFERENCES indicator(jurisdiction_id, id));\n"
    "CREATE INDEX value_jurisdiction ON value (jurisdiction_id);\n"
    "CREATE TABLE target (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  unit_id INTEGER NOT NULL,\n"
    "  indicator_id INTEGER NOT NULL,\n"
    "  period TEXT NOT NULL,\n"
    "  target REAL,\n"
    "  baseline REAL,\n"
    "  batch_id INTEGER NOT NULL REFERENCES batch(id),\n"
    "  source_id INTEGER REFERENCES source(id),\n"
    "  line INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE (unit_id, indicator_id, period),\n"
    "  FOREIGN KEY (jurisdiction_id, unit_id) REFERENCES unit(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, indicator_id) REFERENCES indicator(jurisdiction_id, id));\n"
    "CREATE INDEX target_jurisdiction ON target (jurisdiction_id);\n"
    "CREATE TABLE event (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  unit_id INTEGER NOT NULL,\n"
    "  item TEXT NOT NULL,\n"
    "  period TEXT NOT NULL,\n"
    "  level TEXT,\n"
    "  count REAL NOT NULL,\n"
    "  matter TEXT,\n"
    "  points REAL,\n"
    "  shares INTEGER NOT NULL,\n"
    "  exempt INTEGER NOT NULL,\n"
    "  evidence TEXT,\n"
    "  note TEXT,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  source_id INTEGER,\n"
    "  line INTEGER NOT NULL DEFAULT 0,\n"
    "  FOREIGN KEY (jurisdiction_id, unit_id) REFERENCES unit(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, source_id) REFERENCES source(jurisdiction_id, id));\n"
    "CREATE INDEX event_group ON event (unit_id, item, period);\n"
    "CREATE INDEX event_jurisdiction ON event (jurisdiction_id);\n"
    "CREATE TABLE ballot (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  meeting TEXT NOT NULL,\n"
    "  evaluator TEXT NOT NULL,\n"
    "  grp TEXT,\n"
    "  unit_id INTEGER NOT NULL,\n"
    "  grade TEXT,\n"
    "  score REAL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  source_id INTEGER,\n"
    "  line INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE (jurisdiction_id, meeting, evaluator, unit_id),\n"
    "  FOREIGN KEY (jurisdiction_id, unit_id) REFERENCES unit(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, source_id) REFERENCES source(jurisdiction_id, id));\n"
    "CREATE TABLE scheme (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL REFERENCES jurisdiction(id),\n"
    "  code TEXT NOT NULL,\n"
    "  UNIQUE (jurisdiction_id, code),\n"
    "  UNIQUE (jurisdiction_id, id));\n"
    "CREATE TABLE scheme_version (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  scheme_id INTEGER NOT NULL,\n"
    "  version INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  label TEXT NOT NULL,\n"
    "  file TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  UNIQUE (scheme_id, version),\n"
    "  UNIQUE (scheme_id, sha256),\n"
    "  UNIQUE (jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, scheme_id) REFERENCES scheme(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id));\n"
    "CREATE TABLE audit (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  action TEXT NOT NULL,\n"
    "  entity TEXT NOT NULL,\n"
    "  key TEXT NOT NULL,\n"
    "  old TEXT,\n"
    "  new TEXT,\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id));\n"
    "CREATE INDEX audit_jurisdiction ON audit (jurisdiction_id, id);\n"
    "CREATE TABLE snapshot (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  scheme_version_id INTEGER NOT NULL,\n"
    "  period TEXT NOT NULL,\n"
    "  hash TEXT NOT NULL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  units INTEGER NOT NULL,\n"
    "  inputs INTEGER NOT NULL,\n"
    "  UNIQUE (jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, scheme_version_id)\n"
    "    REFERENCES scheme_version(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id));\n"
    "CREATE TABLE snapshot_input (\n"
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  unit TEXT NOT NULL,\n"
    "  key TEXT NOT NULL,\n"
    "  data TEXT NOT NULL,\n"
    "  batch_id INTEGER,\n"
    "  source_id INTEGER,\n"
    "  line INTEGER NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (snapshot_id, kind, key)) WITHOUT ROWID;\n"
    "CREATE UNIQUE INDEX snapshot_input_seq ON snapshot_input (snapshot_id, seq);\n"
    "CREATE TABLE snapshot_unit (\n"
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),\n"
    "  unit TEXT NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  category TEXT NOT NULL,\n"
    "  total REAL,\n"
    "  display REAL,\n"
    "  rank INTEGER NOT NULL,\n"
    "  rank_of INTEGER NOT NULL,\n"
    "  tier TEXT NOT NULL,\n"
    "  tier_name TEXT NOT NULL,\n"
    "  vetoes TEXT NOT NULL,\n"
    "  eligible INTEGER NOT NULL,\n"
    "  PRIMARY KEY (snapshot_id, unit)) WITHOUT ROWID;\n"
    "CREATE TABLE snapshot_score (\n"
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),\n"
    "  unit TEXT NOT NULL,\n"
    "  node TEXT NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  score REAL,\n"
    "  display REAL,\n"
    "  PRIMARY KEY (snapshot_id, unit, node)) WITHOUT ROWID;\n"
    "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
    "CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
    "CREATE TRIGGER batch_append_only_u BEFORE UPDATE ON batch\n"
    "  BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;\n"
    "CREATE TRIGGER batch_append_only_d BEFORE DELETE ON batch\n"
    "  BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;\n"
    "CREATE TRIGGER snapshot_frozen_u BEFORE UPDATE ON snapshot\n"
    "  BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;\n"
    "CREATE TRIGGER snapshot_frozen_d BEFORE DELETE ON snapshot\n"
    "  BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;\n"
    "CREATE TRIGGER snapshot_input_frozen_u BEFORE UPDATE ON snapshot_input\n"
    "  BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;\n"
    "CREATE TRIGGER snapshot_input_frozen_d BEFORE DELETE ON snapshot_input\n"
    "  BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;\n"
    "CREATE TRIGGER snapshot_unit_frozen_u BEFORE UPDATE ON snapshot_unit\n"
    "  BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;\n"
    "CREATE TRIGGER snapshot_unit_frozen_d BEFORE DELETE ON snapshot_unit\n"
    "  BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;\n"
    "CREATE TRIGGER snapshot_score_frozen_u BEFORE UPDATE ON snapshot_score\n"
    "  BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;\n"
    "CREATE TRIGGER snapshot_score_frozen_d BEFORE DELETE ON snapshot_score\n"
    "  BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;\n";

/*
 * Version 2: what the HTTP server needs. Accounts (a role and its scope:
 * a reporter's unit, a department's indicators; the password only as an
 * argon2id hash) and their sessions (only a hash of each token is kept);
 * the jurisdiction's active scheme version; evidence files (append-only,
 * stored once per unit and content); appeals against a scored item, with
 * the units an accepted appeal changed; who last reviewed a value
 * (value.review_batch_id, so that a value's own batch stays who entered
 * it). Appeals are open until decided once: a decided appeal, like
 * evidence, cannot change or go.
 */
static const char migration_2[] =
    "CREATE TABLE account (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL REFERENCES jurisdiction(id),\n"
    "  name TEXT NOT NULL,\n"
    "  display TEXT NOT NULL DEFAULT '',\n"
    "  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 6),\n"
    "  unit_id INTEGER,\n"
    "  indicators TEXT NOT NULL DEFAULT '',\n"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
    "  pwhash TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  UNIQUE (jurisdiction_id, name),\n"
    "  UNIQUE (jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, unit_id) REFERENCES unit(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id));\n"
    "CREATE TABLE session (\n"
    "  token_hash TEXT PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  account_id INTEGER NOT NULL,\n"
    "  csrf TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL,\n"
    "  expires_at TEXT NOT NULL,\n"
    "  FOREIGN KEY (jurisdiction_id, account_id) REFERENCES account(jurisdiction_id, id))\n"
    "  WITHOUT ROWID;\n"
    "CREATE INDEX session_account ON session (account_id);\n"
    "CREATE TABLE active_scheme (\n"
    "  jurisdiction_id INTEGER PRIMARY KEY REFERENCES jurisdiction(id),\n"
    "  scheme_version_id INTEGER NOT NULL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  FOREIGN KEY (jurisdiction_id, scheme_version_id)\n"
    "    REFERENCES scheme_version(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id));\n"
    "CREATE TABLE evidence (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  mime TEXT NOT NULL,\n"
    "  size INTEGER NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  unit_id INTEGER,\n"
    "  data BLOB NOT NULL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  UNIQUE (jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, unit_id) REFERENCES unit(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id));\n"
    "CREATE UNIQUE INDEX evidence_once ON evidence (jurisdiction_id, ifnull(unit_id, 0), sha256);\n"
    "CREATE TABLE appeal (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  unit_id INTEGER NOT NULL,\n"
    "  scheme_id INTEGER NOT NULL,\n"
    "  node TEXT NOT NULL,\n"
    "  period TEXT NOT NULL,\n"
    "  reason TEXT NOT NULL,\n"
    "  evidence TEXT NOT NULL DEFAULT '',\n"
    "  state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),\n"
    "  decision TEXT,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  decided_batch_id INTEGER,\n"
    "  snapshot_before INTEGER,\n"
    "  snapshot_after INTEGER,\n"
    "  diff TEXT,\n"
    "  UNIQUE (jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, unit_id) REFERENCES unit(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, scheme_id) REFERENCES scheme(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, batch_id) REFERENCES batch(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, decided_batch_id) REFERENCES batch(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, snapshot_before) REFERENCES snapshot(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, snapshot_after) REFERENCES snapshot(jurisdiction_id, id));\n"
    "CREATE TABLE appeal_unit (\n"    /* key columns first: SQLite 3.40's integrity_check */
    "  appeal_id INTEGER NOT NULL,\n" /* misreads NOT NULL columns placed between them */
    "  unit_id INTEGER NOT NULL,\n"
    "  jurisdiction_id INTEGER NOT NULL,\n"
    "  PRIMARY KEY (appeal_id, unit_id),\n"
    "  FOREIGN KEY (jurisdiction_id, appeal_id) REFERENCES appeal(jurisdiction_id, id),\n"
    "  FOREIGN KEY (jurisdiction_id, unit_id) REFERENCES unit(jurisdiction_id, id))\n"
    "  WITHOUT ROWID;\n"
    "CREATE INDEX appeal_unit_unit ON appeal_unit (unit_id);\n"
    "ALTER TABLE value ADD COLUMN review_batch_id INTEGER REFERENCES batch(id);\n"
    "CREATE TRIGGER evidence_append_only_u BEFORE UPDATE ON evidence\n"
    "  BEGIN SELECT RAISE(ABORT, 'evidence files are append-only'); END;\n"
    "CREATE TRIGGER evidence_append_only_d BEFORE DELETE ON evidence\n"
    "  BEGIN SELECT RAISE(ABORT, 'evidence files are append-only'); END;\n"
    "CREATE TRIGGER appeal_decided_u BEFORE UPDATE ON appeal WHEN OLD.state <> 0\n"
    "  BEGIN SELECT RAISE(ABORT, 'a decided appeal cannot change'); END;\n"
    "CREATE TRIGGER appeal_kept_d BEFORE DELETE ON appeal\n"
    "  BEGIN SELECT RAISE(ABORT, 'appeals are kept'); END;\n"
    "CREATE TRIGGER appeal_unit_kept_u BEFORE UPDATE ON appeal_unit\n"
    "  BEGIN SELECT RAISE(ABORT, 'appeals are kept'); END;\n"
    "CREATE TRIGGER appeal_unit_kept_d BEFORE DELETE ON appeal_unit\n"
    "  BEGIN SELECT RAISE(ABORT, 'appeals are kept'); END;\n";

/*
 * Version 3: the note of the office's last return of a value (value.note),
 * so that the reporter sees what to correct next to the value; the audit
 * log keeps every note as before. The note is meaningful only while the
 * value is returned: readers show it for that state alone, so no other
 * write needs to clear it.
 */
static const char migration_3[] = "ALTER TABLE value ADD COLUMN note TEXT;\n";

/* migrations[i] takes a file from version i to version i + 1. */
static const char *const migrations[] = {migration_1, migration_2, migration_3};

const char *db_migration(int i)
{
    return i >= 0 && i < (int)KH_ARRAY_LEN(migrations) ? migrations[i] : NULL;
}

/* ---- the connection ------------------------------------------------------- */

struct db_stmt {
    sqlite3_stmt *stmt;
    const char *sql; /* the caller's constant text: the cache key */
    struct db *db;
    int bind_rc; /* first failing bind since the last prepare */
};

struct db {
    sqlite3 *h;
    char *path;
    int version;
    struct db_stmt **cache;
    size_t ncache, cache_cap;
};

/* Map an SQLite result code to a kh_status and record a message naming the
 * store file and the SQL that failed (its first words). */
static int db_fail(struct db *db, int src, const char *sql, struct kh_err *err)
{
    int prim = src & 0xFF;
    const char *msg = db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(src);
    char what[48];

    snprintf(what, sizeof(what), "%s", sql ? sql : "");
    for (size_t i = 0; what[i]; i++)
        if (what[i] == '\n')
            what[i] = ' ';
    switch (prim) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return kh_err_set(err, KH_EIO, db->path, 0, 0,
                          "the store is busy: another kaohe process is writing to it; try again "
                          "when it has finished (%s)",
                          msg);
    case SQLITE_NOMEM:
        return kh_err_set(err, KH_ENOMEM, db->path, 0, 0, "out of memory in the store");
    case SQLITE_FULL:
        return kh_err_set(err, KH_EIO, db->path, 0, 0, "the disk is full: %s", msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return kh_err_set(err, KH_EIO, db->path, 0, 0,
                          "the store file is damaged or not a kaohe store: %s", msg);
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM:
        return kh_err_set(err, KH_EIO, db->path, 0, 0, "cannot read or write the store: %s", msg);
    case SQLITE_CONSTRAINT:
        return kh_err_set(err, KH_EINVAL, db->path, 0, 0, "refused by the store: %s [%s…]", msg,
                          what);
    default:
        return kh_err_set(err, KH_EIO, db->path, 0, 0, "store error: %s [%s…]", msg, what);
    }
}

/* Run a constant script with no parameters (settings, migrations, BEGIN). */
static int db_exec(struct db *db, const char *sql, struct kh_err *err)
{
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KH_OK : db_fail(db, rc, sql, err);
}

/* Read a single integer from a constant query (PRAGMA, version). A missing
 * row reads as `dflt`. */
static int db_query_int(struct db *db, const char *sql, int64_t dflt, int64_t *out,
                        struct kh_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db->h, sql, -1, &s, NULL);

    if (rc != SQLITE_OK)
        return db_fail(db, rc, sql, err);
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : dflt;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? KH_OK : db_fail(db, rc, sql, err);
}

/* Non-zero if the file has a table called schema_version. */
static int db_has_schema_table(struct db *db, int *has, struct kh_err *err)
{
    int64_t n = 0;
    int rc = db_query_int(db,
                          "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = "
                          "'schema_version'",
                          0, &n, err);
    *has = n > 0;
    return rc;
}

/* The schema version of the file (0 for a new, empty file). Refuses a file
 * that holds tables but none of kaohe's. */
static int db_read_version(struct db *db, int *version, struct kh_err *err)
{
    int64_t app = 0, ntables = 0, v = 0;
    int has, rc;

    if ((rc = db_query_int(db, "PRAGMA application_id", 0, &app, err)) ||
        (rc = db_has_schema_table(db, &has, err)))
        return rc;
    if (app != 0 && app != DB_APPLICATION_ID)
        return kh_err_set(err, KH_EINVAL, db->path, 0, 0,
                          "this SQLite file belongs to another program, not to kaohe: give "
                          "--db a new file name or a kaohe store");
    if (!has) {
        if ((rc = db_query_int(db, "SELECT count(*) FROM sqlite_schema", 0, &ntables, err)))
            return rc;
        if (ntables)
            return kh_err_set(err, KH_EINVAL, db->path, 0, 0,
                              "this SQLite file is not a kaohe store (it has tables but no "
                              "schema_version): give --db a new file name or a kaohe store");
        *version = 0;
        return KH_OK;
    }
    if ((rc = db_query_int(db, "SELECT version FROM schema_version", -1, &v, err)))
        return rc;
    if (v < 0 || v > INT_MAX)
        return kh_err_set(err, KH_EINVAL, db->path, 0, 0,
                          "the store's schema_version table is damaged");
    *version = (int)v;
    return KH_OK;
}

/* Bring the file to DB_SCHEMA_VERSION, one migration after another, all in
 * one transaction (nothing changes if one fails). */
static int db_migrate(struct db *db, struct kh_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc, v;

    /* A new file: 16 KiB pages (before anything is written, WAL included),
     * which makes a bulk import of values 20% faster than SQLite's 4 KiB
     * (docs/performance.md, "Import into the store"). */
    if (db->version == 0 && ((rc = db_exec(db, "PRAGMA page_size = 16384", err)) ||
                             (rc = db_exec(db, "PRAGMA journal_mode = WAL", err))))
        return rc;
    if ((rc = db_exec(db, "BEGIN IMMEDIATE", err)))
        return rc;
    /* Someone may have migrated between our read and our lock. */
    if ((rc = db_read_version(db, &v, err)))
        goto fail;
    for (; v < DB_SCHEMA_VERSION; v++) {
        if ((rc = db_exec(db, migrations[v], err)))
            goto fail;
        rc = sqlite3_prepare_v2(db->h, "UPDATE schema_version SET version = ?1", -1, &s, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int(s, 1, v + 1);
            rc = sqlite3_step(s);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        sqlite3_finalize(s);
        s = NULL;
        if (rc != SQLITE_OK) {
            rc = db_fail(db, rc, "UPDATE schema_version", err);
            goto fail;
        }
    }
    if ((rc = db_exec(db, "PRAGMA application_id = 1802003554", err)) ||
        (rc = db_exec(db, "COMMIT", err)))
        goto fail;
    db->version = v;
    return KH_OK;
fail:
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int db_open(const char *path, int create, struct db **out, struct kh_err *err)
{
    struct db *db;
    struct stat sb;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, rc;

    *out = NULL;
    if (!path || !path[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no store file name given (--db FILE)");
    if (stat(path, &sb) != 0) {
        if (!create)
            return kh_err_set(err, KH_ENOTFOUND, path, 0, 0,
                              "no kaohe store here: create it with kaohe init --db %s", path);
        flags |= SQLITE_OPEN_CREATE;
    } else if (!S_ISREG(sb.st_mode)) {
        return kh_err_set(err, KH_EIO, path, 0, 0, "the store must be a regular file");
    }
    db = calloc(1, sizeof(*db));
    if (!db || !(db->path = kh_strdup(path))) {
        free(db);
        return kh_err_set(err, KH_ENOMEM, path, 0, 0, "out of memory");
    }
    rc = sqlite3_open_v2(path, &db->h, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = db_fail(db, rc, "open", err);
        goto fail;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, DB_BUSY_MS);
    sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    if ((rc = db_exec(db,
                      "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                      "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768",
                      err)) ||
        (rc = db_read_version(db, &db->version, err)))
        goto fail;
    if (db->version > DB_SCHEMA_VERSION) {
        rc = kh_err_set(err, KH_EINVAL, path, 0, 0,
                        "the store has schema version %d but this kaohe knows versions up to "
                        "%d: use a newer kaohe",
                        db->version, DB_SCHEMA_VERSION);
        goto fail;
    }
    if (db->version < DB_SCHEMA_VERSION && (rc = db_migrate(db, err)))
        goto fail;
    *out = db;
    return KH_OK;
fail:
    db_close(db);
    return rc;
}

void db_close(struct db *db)
{
    size_t i;

    if (!db)
        return;
    for (i = 0; i < db->ncache; i++) {
        sqlite3_finalize(db->cache[i]->stmt);
        free(db->cache[i]);
    }
    free(db->cache);
    sqlite3_close(db->h);
    free(db->path);
    free(db);
}

int db_version(const struct db *db)
{
    return db->version;
}

const char *db_path(const struct db *db)
{
    return db->path;
}

/* ---- transactions ----------------------------------------------------------- */

int db_begin(struct db *db, struct kh_err *err)
{
    return db_exec(db, "BEGIN IMMEDIATE", err);
}

int db_begin_read(struct db *db, struct kh_err *err)
{
    return db_exec(db, "BEGIN", err);
}

int db_in_transaction(const struct db *db)
{
    return !sqlite3_get_autocommit(db->h);
}

int db_commit(struct db *db, struct kh_err *err)
{
    size_t i;
    int rc;

    for (i = 0; i < db->ncache; i++)
        sqlite3_reset(db->cache[i]->stmt);
    rc = db_exec(db, "COMMIT", err);
    if (rc)
        db_rollback(db);
    return rc;
}

void db_rollback(struct db *db)
{
    size_t i;

    for (i = 0; i < db->ncache; i++)
        sqlite3_reset(db->cache[i]->stmt);
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_foreign_keys(struct db *db, int on, struct kh_err *err)
{
    int now = -1;

    if (!sqlite3_get_autocommit(db->h))
        return kh_err_set(err, KH_EINVAL, db->path, 0, 0,
                          "foreign keys cannot be switched inside a transaction");
    if (sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_FKEY, on ? 1 : 0, &now) != SQLITE_OK ||
        now != (on ? 1 : 0))
        return kh_err_set(err, KH_EIO, db->path, 0, 0, "cannot switch foreign keys %s",
                          on ? "on" : "off");
    return KH_OK;
}

/* ---- statements ---------------------------------------------------------------- */

int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct kh_err *err)
{
    struct db_stmt *s = NULL;
    size_t i;
    int rc;

    for (i = 0; i < db->ncache; i++)
        if (db->cache[i]->sql == sql || strcmp(db->cache[i]->sql, sql) == 0) {
            s = db->cache[i];
            break;
        }
    if (s) {
        sqlite3_reset(s->stmt);
        sqlite3_clear_bindings(s->stmt);
        s->bind_rc = SQLITE_OK;
        *out = s;
        return KH_OK;
    }
    if (kh_grow(&db->cache, &db->cache_cap, db->ncache + 1, sizeof(*db->cache)))
        return kh_err_set(err, KH_ENOMEM, db->path, 0, 0, "out of memory");
    s = calloc(1, sizeof(*s));
    if (!s)
        return kh_err_set(err, KH_ENOMEM, db->path, 0, 0, "out of memory");
    rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt, NULL);
    if (rc != SQLITE_OK) {
        free(s);
        return db_fail(db, rc, sql, err);
    }
    s->sql = sql;
    s->db = db;
    db->cache[db->ncache++] = s;
    *out = s;
    return KH_OK;
}

/* Remember the first failing bind. */
static void bind_result(struct db_stmt *s, int rc)
{
    if (rc != SQLITE_OK && s->bind_rc == SQLITE_OK)
        s->bind_rc = rc;
}

void db_bind_int(struct db_stmt *s, int i, int64_t v)
{
    bind_result(s, sqlite3_bind_int64(s->stmt, i, v));
}

void db_bind_text(struct db_stmt *s, int i, const char *v)
{
    bind_result(s, v ? sqlite3_bind_text(s->stmt, i, v, -1, SQLITE_TRANSIENT)
                     : sqlite3_bind_null(s->stmt, i));
}

void db_bind_text_static(struct db_stmt *s, int i, const char *v)
{
    bind_result(s, v ? sqlite3_bind_text(s->stmt, i, v, -1, SQLITE_STATIC)
                     : sqlite3_bind_null(s->stmt, i));
}

void db_bind_textn(struct db_stmt *s, int i, const char *v, size_t n)
{
    if (!v) {
        bind_result(s, sqlite3_bind_null(s->stmt, i));
        return;
    }
    bind_result(
        s, sqlite3_bind_text64(s->stmt, i, v, (sqlite3_uint64)n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

void db_bind_double(struct db_stmt *s, int i, double v)
{
    bind_result(s, isnan(v) ? sqlite3_bind_null(s->stmt, i) : sqlite3_bind_double(s->stmt, i, v));
}

void db_bind_blob(struct db_stmt *s, int i, const void *v, size_t n)
{
    static const char none[1] = {0};
    bind_result(s,
                sqlite3_bind_blob64(s->stmt, i, v ? v : none, (sqlite3_uint64)n, SQLITE_TRANSIENT));
}

void db_bind_null(struct db_stmt *s, int i)
{
    bind_result(s, sqlite3_bind_null(s->stmt, i));
}

int db_step(struct db_stmt *s, struct kh_err *err)
{
    int rc;

    if (s->bind_rc != SQLITE_OK)
        return db_fail(s->db, s->bind_rc, s->sql, err);
    rc = sqlite3_step(s->stmt);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(s->stmt);
        return DB_DONE;
    }
    rc = db_fail(s->db, rc, s->sql, err);
    sqlite3_reset(s->stmt);
    return rc;
}

int db_run(struct db_stmt *s, struct kh_err *err)
{
    int rc;

    while ((rc = db_step(s, err)) == DB_ROW)
        ;
    return rc;
}

void db_reset(struct db_stmt *s)
{
    sqlite3_reset(s->stmt);
}

int64_t db_col_int(struct db_stmt *s, int i)
{
    return sqlite3_column_int64(s->stmt, i);
}

double db_col_double(struct db_stmt *s, int i)
{
    if (sqlite3_column_type(s->stmt, i) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(s->stmt, i);
}

const char *db_col_text(struct db_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s->stmt, i);
}

const void *db_col_blob(struct db_stmt *s, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(s->stmt, i);
    *n = (size_t)sqlite3_column_bytes(s->stmt, i);
    return p;
}

int db_col_is_null(struct db_stmt *s, int i)
{
    return sqlite3_column_type(s->stmt, i) == SQLITE_NULL;
}

int64_t db_changes(struct db *db)
{
    return sqlite3_changes64(db->h);
}

int64_t db_last_id(struct db *db)
{
    return sqlite3_last_insert_rowid(db->h);
}

/* ---- checking ------------------------------------------------------------------ */

int db_check(struct db *db, struct kh_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    rc = sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_fail(db, rc, "PRAGMA integrity_check", err);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0) {
        kh_err_set(err, KH_EIO, db->path, 0, 0, "the store file is damaged: %s",
                   (const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        return KH_EIO;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return db_fail(db, rc, "PRAGMA integrity_check", err);
    rc = sqlite3_prepare_v2(db->h, "PRAGMA foreign_key_check", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_fail(db, rc, "PRAGMA foreign_key_check", err);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        kh_err_set(err, KH_EIO, db->path, 0, 0,
                   "the store breaks a reference: table %s row %lld points at a missing %s row",
                   (const char *)sqlite3_column_text(s, 0), (long long)sqlite3_column_int64(s, 1),
                   (const char *)sqlite3_column_text(s, 2));
        sqlite3_finalize(s);
        return KH_EIO;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? KH_OK : db_fail(db, rc, "PRAGMA foreign_key_check", err);
}
