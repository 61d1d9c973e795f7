/*
 * kaohe/store.h — the system of record: one SQLite file (WAL, foreign keys
 * on) holding, per jurisdiction, units and categories, every version of
 * every scheme with its source text, periods and their lock state, values
 * with provenance and review state, targets, events, ballots, an
 * append-only audit log written in the same transaction as each change, and
 * published snapshots: the frozen inputs and outputs of one scoring run with
 * a content hash, so that any published table can be reproduced exactly and
 * any later change shown as a diff.
 *
 * One database may hold several jurisdictions (a city and its districts);
 * every read and write names one, and nothing crosses between them. The
 * interface does not expose SQLite: a PostgreSQL implementation will serve
 * the same calls. All SQL lives in src/lib/store/ and uses bound parameters.
 *
 * A store handle serves one thread at a time: a threaded server opens one
 * handle per thread (readers then never wait for the writer; writers take
 * turns, each waiting up to 5 s). The store reads and writes nothing but
 * its own file (with SQLite's -wal and -shm beside it) and the files it is
 * asked to import. User-facing description: docs/store.md.
 */
#ifndef KAOHE_STORE_H
#define KAOHE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "kaohe/base.h"
#include "kaohe/data.h"
#include "kaohe/engine.h"
#include "kaohe/scheme.h"

struct kh_store; /* opaque */

/*
 * Who makes a change, for the audit log: a user name (required, at most
 * 128 bytes) and the channel ("cli", "api"; NULL means "api"). `office` is
 * non-zero when the actor acts as the assessment office (考核办): values it
 * imports or sets are "approved" at once; anyone else's arrive as
 * "submitted" (imports) or "draft" (single values) and count only once the
 * office approves them (kh_store_value_review).
 */
struct kh_actor {
    const char *user;
    const char *via;
    int office;
};

/* Review states of a value. Only approved values are scored. */
enum kh_review_state {
    KH_REVIEW_DRAFT = 0,
    KH_REVIEW_SUBMITTED = 1,
    KH_REVIEW_APPROVED = 2,
    KH_REVIEW_RETURNED = 3
};

/*
 * Open the store at `path`. With `create`, a missing file is created;
 * without it, a missing file is KH_ENOTFOUND ("run kaohe init"). The schema
 * is migrated to the current version inside a transaction (a database newer
 * than this kaohe is refused). Caller closes with kh_store_close().
 */
int kh_store_open(const char *path, int create, struct kh_store **out, struct kh_err *err);

/* Close the store (NULL is fine). */
void kh_store_close(struct kh_store *st);

/* The schema version of the open database. */
int kh_store_schema_version(const struct kh_store *st);

/*
 * Find the jurisdiction with code `code` (e.g. "demo-district"); with
 * `create`, add it with display name `name` when missing. *jid receives its
 * id. KH_ENOTFOUND if missing and not created.
 */
int kh_store_jurisdiction(struct kh_store *st, const char *code, const char *name, int create,
                          int64_t *jid, struct kh_err *err);

/* What an import did. */
struct kh_import_report {
    size_t rows;         /* records in the file */
    size_t inserted;     /* new records */
    size_t updated;      /* records whose value changed (each one audited) */
    size_t unchanged;    /* records already there with the same value */
    size_t removed;      /* events dropped because their group was replaced */
    char encoding[32];   /* detected encoding of the file ("UTF-8", "GB18030", "XLSX") */
    char scheme_id[128]; /* kind "scheme": the scheme's id … */
    int scheme_version;  /* … and the version number the text is stored as */
};

/* Called during long imports with the records done and the total (for a
 * progress bar); may be NULL. */
typedef void (*kh_progress_fn)(void *user, size_t done, size_t total);

/*
 * Import one file of `kind` ("units", "values", "targets", "events",
 * "ballots", or "scheme" for a YAML scheme) into jurisdiction jid. CSV
 * (UTF-8 or GB18030) or XLSX, decided by content (kh_dataset_load_file).
 * All or nothing: the file is parsed and validated completely (against the
 * units already stored), then applied in one transaction; one bad row
 * rejects the whole file with its sheet, row, column and what was
 * expected, and the database is unchanged. Importing the same file twice
 * changes nothing the second time (report: all unchanged, and not even a
 * batch or audit entry is written).
 *
 * Records are matched by their keys: units by id; values and targets by
 * (unit, indicator, period); ballots by (meeting, evaluator, unit); events
 * by group: the rows of a file for one (unit, item, period) are the whole
 * list of that group's events, replacing what was stored for it (groups
 * the file does not mention stay). Each inserted unit, event and ballot
 * and each changed record is audited with `who` (old → new); new values
 * and targets are audited as one entry per import (each row keeps its
 * batch, file and line). Values, targets and events of a locked period
 * (or of a period inside a locked one) may not change: such a file is
 * refused. Imported values are "approved" when `who` is the office,
 * "submitted" otherwise; only the office may change an approved value. A
 * units file either lists every parent it names or only adds new units
 * below stored ones. `progress` (may be NULL) is called while records are
 * applied. `rep` is filled even on failure (rows and encoding as far as
 * known).
 */
int kh_store_import(struct kh_store *st, int64_t jid, const char *kind, const char *path,
                    const struct kh_actor *who, kh_progress_fn progress, void *user,
                    struct kh_import_report *rep, struct kh_err *err);

/*
 * Add a scheme's source text (validated first) as a new version unless an
 * identical text is already stored; *version receives the version number of
 * that text. Schemes are kept per scheme id (the `scheme: id:` inside).
 */
int kh_store_scheme_add(struct kh_store *st, int64_t jid, const char *name, const char *text,
                        size_t len, const struct kh_actor *who, int *version, struct kh_err *err);

/*
 * Load scheme `scheme_id` at `version` (0: the latest) from the store.
 * Caller frees *out with kh_scheme_free().
 */
int kh_store_scheme_load(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                         struct kh_scheme **out, struct kh_err *err);

/*
 * Build a dataset of jurisdiction jid from the store: all units, and the
 * approved values, targets, events and ballots. Provenance in the dataset
 * names the original file and row of each record. Caller frees *out.
 */
int kh_store_dataset(struct kh_store *st, int64_t jid, struct kh_dataset **out, struct kh_err *err);

/*
 * Lock (`lock` non-zero) or unlock a period. While a period is locked, no
 * value, target or event of it or of a period inside it (2024 holds 2024H1,
 * 2024Q3, 2024-07) changes. `reason` is required for unlocking and kept in
 * the audit log (optional for locking). Locking a locked period (or
 * unlocking an open one) changes nothing.
 */
int kh_store_period_lock(struct kh_store *st, int64_t jid, const char *period, int lock,
                         const char *reason, const struct kh_actor *who, struct kh_err *err);

/*
 * Whether `period` may change: *locked = 1 with the code of the locked
 * period that contains it (2024 contains 2024-03) in lock[], or
 * *locked = 0. Reads only the locks. KH_EINVAL for a text that is not a
 * period.
 */
int kh_store_period_locked(struct kh_store *st, int64_t jid, const char *period, int *locked,
                           char lock[KH_PERIOD_TEXT], struct kh_err *err);

/* A published snapshot. */
struct kh_snapshot_info {
    int64_t id;
    char hash[65]; /* SHA-256 of the frozen inputs and outputs, hex */
    char scheme_id[128];
    int scheme_version;
    char period[16];
    char published_at[32]; /* UTC, ISO 8601 */
    char published_by[128];
};

/*
 * Score version `version` of scheme_id (0: the latest) over the store's
 * data for `period` and freeze the run as a snapshot: the scheme text, every input record used
 * and every output (each node's score, totals, ranks, tiers, vetoes), with
 * a content hash. Publishing twice with nothing changed gives a new
 * snapshot with the same hash. *info receives its description.
 */
int kh_store_publish(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                     const char *period, const struct kh_actor *who,
                     struct kh_snapshot_info *info, struct kh_err *err);

/* Describe snapshot `id` of jurisdiction jid. */
int kh_store_snapshot(struct kh_store *st, int64_t jid, int64_t id, struct kh_snapshot_info *info,
                      struct kh_err *err);

/*
 * Compare two snapshots: append to `out` which units' scores, ranks and
 * tiers changed (node by node), and which input records changed between
 * them (old → new, with who changed them when known), linking each changed
 * unit to its own changed inputs, or saying that it moved through others'
 * changes (relative rules). Text in Chinese with ids; `json` non-zero for
 * JSON instead.
 */
int kh_store_diff(struct kh_store *st, int64_t jid, int64_t a, int64_t b, int json,
                  struct kh_buf *out, struct kh_err *err);

/*
 * Append the audit log of jurisdiction jid (newest last; at most `limit`
 * entries, 0: all) to out as lines "when · who (via) · what: old → new".
 */
int kh_store_audit(struct kh_store *st, int64_t jid, size_t limit, struct kh_buf *out,
                   struct kh_err *err);

/* ---- single values and their review ------------------------------------ */

/*
 * Set one value (NaN: reported missing) of unit `unit` (its id), indicator
 * and period, as `who` (state: approved for the office, else draft; only
 * the office may change an approved value). Audited old → new; refused in
 * a locked period; KH_ENOTFOUND for an unknown unit. Unchanged values are
 * left alone (nothing audited).
 */
int kh_store_value_set(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                       const char *period, double v, const struct kh_actor *who,
                       struct kh_err *err);

/* Read one stored value and its review state (any state). KH_ENOTFOUND
 * when there is none. */
int kh_store_value_get(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                       const char *period, double *v, int *state, struct kh_err *err);

/*
 * Move a value through review: draft → submitted (anyone), submitted →
 * approved or returned (the office only), returned → submitted, approved
 * → returned (the office, reopening it). `note` (may be NULL) is kept in
 * the audit log; returning requires one. Refused in a locked period.
 */
int kh_store_value_review(struct kh_store *st, int64_t jid, const char *unit, const char *indicator,
                          const char *period, int state, const char *note,
                          const struct kh_actor *who, struct kh_err *err);

/* ---- scoring from the store --------------------------------------------------- */

/*
 * Load scheme_id at `version` (0: latest), build the dataset of the units
 * of the scheme's categories (other units of the jurisdiction, assessed by
 * other schemes, are left out) with their approved values, targets, events
 * and ballots, and score `period`. On success the caller owns *s, *ds and
 * *r (free r first, then ds and s); on failure all three are NULL.
 */
int kh_store_score(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                   const char *period, struct kh_scheme **s, struct kh_dataset **ds,
                   struct kh_result **r, struct kh_err *err);

/* ---- snapshots ------------------------------------------------------------------ */

/* Every snapshot of jid, oldest first. *out is malloc'ed (caller frees),
 * *n its length (0 and NULL when there is none). */
int kh_store_snapshot_list(struct kh_store *st, int64_t jid, struct kh_snapshot_info **out,
                           size_t *n, struct kh_err *err);

/*
 * Reproduce snapshot `id`: rebuild its scheme and dataset from the frozen
 * records alone, score again, and compare the recomputed hash with the
 * stored one. KH_OK when they match; KH_EINVAL naming the first difference
 * otherwise.
 */
int kh_store_snapshot_verify(struct kh_store *st, int64_t jid, int64_t id, struct kh_err *err);

/* Check the whole file (PRAGMA integrity_check and foreign keys): KH_OK or
 * KH_EIO naming the first problem. */
int kh_store_check(struct kh_store *st, struct kh_err *err);

/* ---- accounts, roles and sessions (store_account.c) ----------------------------- */

/*
 * Roles of a jurisdiction's accounts (docs/api.md, "Roles"). What each role
 * may do is decided by the server's one route table; the store only keeps
 * the role and the account's scope: the unit of a reporter, the indicators
 * of a data department.
 */
enum kh_role {
    KH_ROLE_ADMIN = 1,     /* 考核办: the assessment office */
    KH_ROLE_DEPT = 2,      /* 数据部门: writes given indicators for all units */
    KH_ROLE_REPORTER = 3,  /* 单位填报员: reads and writes its own unit */
    KH_ROLE_REVIEWER = 4,  /* 审核员: approves or returns submitted values */
    KH_ROLE_EVALUATOR = 5, /* 评议人: casts ballots at evaluation meetings */
    KH_ROLE_LEADER = 6     /* 领导: reads everything */
};
#define KH_ROLE_MAX 6

/* "admin", "dept", "reporter", "reviewer", "evaluator", "leader"; NULL for
 * anything else. */
const char *kh_role_name(int role);

/* The role named `name` (as kh_role_name spells it), or 0 when unknown. */
int kh_role_parse(const char *name);

/* An account (no password hash: that never leaves the store). */
struct kh_account {
    int64_t id;
    int64_t jid;
    char name[129];     /* login name: 1-128 bytes of [A-Za-z0-9._-] */
    char display[257];  /* shown name, UTF-8, may be "" */
    int role;           /* enum kh_role */
    char unit[129];     /* reporter: the code of its unit; "" otherwise */
    char indicators[2048]; /* dept: indicator codes joined with ','; "" otherwise */
    int disabled;       /* non-zero: may not sign in */
    char created_at[32];
};

/*
 * Create account `a` (its id, jid and created_at are ignored) in
 * jurisdiction jid with `password` (8 to 256 bytes), stored only as an
 * argon2id hash (libsodium crypto_pwhash_str, interactive limits). A
 * reporter must name an existing unit of jid; a dept at least one
 * indicator. Audited ("insert account name"). KH_EINVAL (with the field in
 * the message) for a bad name, role, scope or password, or a name already
 * taken. *id receives the new account's id (id may be NULL).
 */
int kh_store_account_create(struct kh_store *st, int64_t jid, const struct kh_account *a,
                            const char *password, const struct kh_actor *who, int64_t *id,
                            struct kh_err *err);

/* Read account `name` of jid into *out. KH_ENOTFOUND when there is none. */
int kh_store_account_get(struct kh_store *st, int64_t jid, const char *name,
                         struct kh_account *out, struct kh_err *err);

/* Every account of jid, ordered by name. *out is malloc'ed (caller frees),
 * *n its length. */
int kh_store_account_list(struct kh_store *st, int64_t jid, struct kh_account **out, size_t *n,
                          struct kh_err *err);

/*
 * Change the role, display name, unit, indicators and disabled flag of the
 * stored account named a->name to those of *a (checked as for create).
 * Disabling an account ends its sessions. Audited old → new.
 */
int kh_store_account_update(struct kh_store *st, int64_t jid, const struct kh_account *a,
                            const struct kh_actor *who, struct kh_err *err);

/*
 * Check `password` for account `name` of jid. KH_OK and *out filled when it
 * matches and the account is enabled; otherwise KH_EINVAL with one message
 * for every cause ("wrong user name or password", or "account disabled"),
 * taking about as long whether or not the name exists.
 */
int kh_store_account_verify(struct kh_store *st, int64_t jid, const char *name,
                            const char *password, struct kh_account *out, struct kh_err *err);

/*
 * Set a new password (8 to 256 bytes) for account `name`. With `old`
 * non-NULL it must match the current password (a user changing their own);
 * with NULL it is an administrator's reset. Every session of the account
 * ends. Audited (without the passwords).
 */
int kh_store_account_password(struct kh_store *st, int64_t jid, const char *name,
                              const char *old, const char *password, const struct kh_actor *who,
                              struct kh_err *err);

/* A signed-in session. */
struct kh_session {
    int64_t account;    /* the account's id */
    char csrf[65];      /* the CSRF token of this session (hex) */
    char expires_at[32];
};

/*
 * Start a session for account id `account`, valid for `ttl` seconds. Fresh
 * random tokens (libsodium randombytes_buf, 32 bytes each, hex) go to
 * token[] (the cookie's value) and csrf[]; the store keeps only a hash of
 * the token, so a copy of the database does not hold live sessions.
 */
int kh_store_session_create(struct kh_store *st, int64_t account, long ttl, char token[65],
                            char csrf[65], struct kh_err *err);

/*
 * Find the live session of `token` and its account. KH_ENOTFOUND when the
 * token is unknown, expired, malformed (anything but 64 hex digits) or its
 * account is disabled. *s and *a (either may be NULL) are filled on success.
 */
int kh_store_session_get(struct kh_store *st, const char *token, struct kh_session *s,
                         struct kh_account *a, struct kh_err *err);

/* End the session of `token` (unknown tokens are fine). */
int kh_store_session_end(struct kh_store *st, const char *token, struct kh_err *err);

/* ---- listings for the API (store_list.c) ---------------------------------------- */

/*
 * A number that grows with every committed change to jurisdiction jid's
 * data (imports, edits, reviews, locks, schemes, publishing, appeals): the
 * id of its newest batch. Equal numbers mean equal data, so it keys caches
 * and ETags of scores.
 */
int kh_store_generation(struct kh_store *st, int64_t jid, int64_t *gen, struct kh_err *err);

/* A period the store knows (any value, target or event names it, or it
 * was opened with kh_store_period_open) and its lock. */
struct kh_period_row {
    char code[16];
    int locked;
    char reason[512]; /* the reason of the last lock or unlock, "" if none */
};

/* Open period `code` (so that it is listed before any data arrive);
 * opening a known period changes nothing. Audited. */
int kh_store_period_open(struct kh_store *st, int64_t jid, const char *code,
                         const struct kh_actor *who, struct kh_err *err);

/* Every period of jid, in period order (year, then its halves, quarters,
 * months). *out malloc'ed, caller frees. */
int kh_store_period_list(struct kh_store *st, int64_t jid, struct kh_period_row **out, size_t *n,
                         struct kh_err *err);

/* A stored scheme and its versions. */
struct kh_scheme_row {
    char id[128];      /* the scheme's id */
    char name[256];    /* its name (the latest version's) */
    int versions;      /* how many versions are stored */
    int active;        /* the active version, 0 when none is active */
    char updated_at[32];
};

/* Every scheme of jid, ordered by id. *out malloc'ed, caller frees. */
int kh_store_scheme_list(struct kh_store *st, int64_t jid, struct kh_scheme_row **out, size_t *n,
                         struct kh_err *err);

/*
 * Make `version` of scheme `scheme_id` the active one (the one scores use
 * when a request names no scheme). Audited. KH_ENOTFOUND for an unknown
 * scheme or version.
 */
int kh_store_scheme_activate(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                             const struct kh_actor *who, struct kh_err *err);

/*
 * The active scheme of jid: its id into id[128] and version. When none was
 * activated and exactly one scheme is stored, that scheme's latest
 * version. KH_ENOTFOUND when there is no scheme, or several and none
 * active.
 */
int kh_store_scheme_active(struct kh_store *st, int64_t jid, char id[128], int *version,
                           struct kh_err *err);

/* The source text of a stored scheme version (0: latest); *text
 * malloc'ed and NUL-terminated, caller frees. */
int kh_store_scheme_text(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                         char **text, size_t *len, struct kh_err *err);

/* One stored value with its review state and last change. */
struct kh_value_row {
    const char *unit, *indicator, *period; /* valid during the callback only */
    double value;                         /* NaN: reported missing */
    int state;                            /* enum kh_review_state */
    const char *by;                       /* who last changed it or its state */
    const char *at;                       /* when (UTC, ISO 8601) */
    const char *note;                     /* returned: the office's note, else NULL */
};

/* Which values to list: every field may be NULL (or state -1) for all. */
struct kh_value_query {
    const char *period;           /* exact period code */
    const char *unit;             /* unit code */
    const char *const *indicators; /* list of codes, n_indicators of them */
    size_t n_indicators;
    int state;                    /* -1: any */
};

/*
 * Call cb for every stored value of jid matching q, ordered by unit (in
 * stored order), indicator, period, inside one read transaction. cb
 * returns 0 to go on, non-zero to stop (that value is returned).
 */
int kh_store_value_list(struct kh_store *st, int64_t jid, const struct kh_value_query *q,
                        int (*cb)(void *user, const struct kh_value_row *row), void *user,
                        struct kh_err *err);

/* One value to write in a bulk write. */
struct kh_value_in {
    const char *unit, *indicator, *period;
    double value; /* NaN: reported missing */
};

/*
 * Set n values in ONE transaction, each as kh_store_value_set would; with
 * `submit`, each changed or draft/returned value then moves to submitted
 * (for the office they are approved anyway). All or nothing: the first
 * refused value rolls everything back, and err names it by its index
 * ("values[3]: …"). *changed (may be NULL) receives how many values changed.
 */
int kh_store_values_set(struct kh_store *st, int64_t jid, const struct kh_value_in *in, size_t n,
                        int submit, const struct kh_actor *who, size_t *changed,
                        struct kh_err *err);

/*
 * Move n values (unit/indicator/period of each in[i]; value ignored) to
 * `state` in ONE transaction, each as kh_store_value_review would, all or
 * nothing with the index of the refused one in err.
 */
int kh_store_values_review(struct kh_store *st, int64_t jid, const struct kh_value_in *in,
                           size_t n, int state, const char *note, const struct kh_actor *who,
                           struct kh_err *err);

/* One target to write. */
struct kh_target_in {
    const char *unit, *indicator, *period;
    double target, baseline; /* NaN: not given */
};

/* Set n targets in one transaction (the office only; refused in a locked
 * period), all or nothing; audited old → new. */
int kh_store_targets_set(struct kh_store *st, int64_t jid, const struct kh_target_in *in,
                         size_t n, const struct kh_actor *who, struct kh_err *err);

/* ---- events, evidence and ballots (store_event.c) --------------------------------- */

/* An event (bonus, deduction, honour …) as stored, with its id. */
struct kh_event_row {
    int64_t id;
    const char *unit, *item, *period, *level, *matter, *evidence, *note; /* NULL if none */
    double count, points; /* points NaN if none */
    int shares, exempt;
    const char *by, *at; /* who added it, when */
};

/*
 * Add one event for e->unit (e->id, by and at ignored); refused in a
 * locked period. `evidence` is free text; the API stores "evidence:ID"
 * references to files added with kh_store_evidence_add, comma-separated.
 * Audited. *id receives the new event's id.
 */
int kh_store_event_add(struct kh_store *st, int64_t jid, const struct kh_event_row *e,
                       const struct kh_actor *who, int64_t *id, struct kh_err *err);

/* Delete event `id` (refused in a locked period); audited with its data. */
int kh_store_event_delete(struct kh_store *st, int64_t jid, int64_t id, const struct kh_actor *who,
                          struct kh_err *err);

/* Call cb for every event of jid, filtered by period and unit (NULL: all),
 * ordered by unit, item, period, id. cb as for kh_store_value_list. */
int kh_store_event_list(struct kh_store *st, int64_t jid, const char *period, const char *unit,
                        int (*cb)(void *user, const struct kh_event_row *row), void *user,
                        struct kh_err *err);

/* A stored evidence file (its bytes are read separately). */
struct kh_evidence {
    int64_t id;
    char name[256];    /* the file name given at upload, sanitised: no '/', '\\', control bytes */
    char mime[128];    /* the media type given at upload */
    size_t size;
    char sha256[65];
    char unit[129];    /* the unit it concerns, "" for none */
    char by[129];
    char at[32];
};

/*
 * Store an evidence file (at most `max` bytes; larger is KH_ELIMIT) about
 * unit `unit` (NULL or "" for none). Identical bytes for the same unit are
 * stored once (the existing id is returned). Audited. *out is filled.
 */
int kh_store_evidence_add(struct kh_store *st, int64_t jid, const char *name, const char *mime,
                          const char *unit, const void *data, size_t len, size_t max,
                          const struct kh_actor *who, struct kh_evidence *out, struct kh_err *err);

/* Read evidence `id` of jid: its description and (when data is non-NULL)
 * a malloc'ed copy of its bytes. KH_ENOTFOUND when there is none. */
int kh_store_evidence_get(struct kh_store *st, int64_t jid, int64_t id, struct kh_evidence *out,
                          void **data, struct kh_err *err);

/*
 * Cast (or replace) evaluator `who->user`'s ballot in `meeting` on `unit`:
 * a grade (好/较好/一般/差 …) or a numeric score (NaN when graded), with the
 * evaluator group `group` (may be NULL). Audited.
 */
int kh_store_ballot_set(struct kh_store *st, int64_t jid, const char *meeting, const char *group,
                        const char *unit, const char *grade, double score,
                        const struct kh_actor *who, struct kh_err *err);

/* ---- reading snapshots back (store_snapshot.c) ----------------------------------- */

/* One unit's published line of a snapshot. */
struct kh_snapshot_unit {
    const char *unit, *name, *category, *tier, *tier_name, *vetoes; /* valid in cb only */
    double total, display;
    int rank, rank_of, eligible;
    size_t nscores;
    const char *const *nodes; /* nscores node ids … */
    const double *scores;     /* … their scores … */
    const double *displays;   /* … and displayed scores (NaN: none) */
};

/* Call cb for each unit of snapshot `id` in published order (category,
 * rank). cb as for kh_store_value_list. KH_ENOTFOUND for an unknown id. */
int kh_store_snapshot_units(struct kh_store *st, int64_t jid, int64_t id,
                            int (*cb)(void *user, const struct kh_snapshot_unit *u), void *user,
                            struct kh_err *err);

/* ---- appeals (store_appeal.c) ------------------------------------------------------ */

enum kh_appeal_state { KH_APPEAL_OPEN = 0, KH_APPEAL_ACCEPTED = 1, KH_APPEAL_REJECTED = 2 };

/* An appeal: a unit contests one scored item of one period. */
struct kh_appeal {
    int64_t id;
    char unit[129];
    char scheme_id[128];
    char node[129];     /* the scored item (a node id of the scheme) */
    char period[16];
    char *reason;       /* malloc'ed */
    char evidence[512]; /* evidence ids, comma-separated, "" for none */
    int state;          /* enum kh_appeal_state */
    char *decision;     /* malloc'ed, NULL while open: the office's reason */
    char filed_by[129], filed_at[32];
    char decided_by[129], decided_at[32];
    int64_t snapshot_before, snapshot_after; /* accepted: the snapshots around the correction, 0 if none */
    char *affected;     /* malloc'ed, accepted: codes of the units whose results changed, comma-separated */
    char *diff;         /* malloc'ed, accepted with snapshots: kh_store_diff JSON of before → after */
};

/* Release what an appeal owns (reason, decision, affected, diff). */
void kh_appeal_clear(struct kh_appeal *a);

/*
 * File an appeal (a->unit, scheme_id, node, period, reason, evidence; the
 * rest ignored): the unit and period must exist, the node must be in the
 * scheme, the reason non-empty (at most 4000 bytes). Audited. *id receives
 * its id.
 */
int kh_store_appeal_file(struct kh_store *st, int64_t jid, const struct kh_appeal *a,
                         const struct kh_actor *who, int64_t *id, struct kh_err *err);

/* Read appeal `id` into *out (caller calls kh_appeal_clear). */
int kh_store_appeal_get(struct kh_store *st, int64_t jid, int64_t id, struct kh_appeal *out,
                        struct kh_err *err);

/*
 * The appeals of jid, newest first: all (unit NULL), or those filed by
 * `unit` or whose acceptance changed its results. *out malloc'ed; clear
 * each and free the array.
 */
int kh_store_appeal_list(struct kh_store *st, int64_t jid, const char *unit,
                         struct kh_appeal **out, size_t *n, struct kh_err *err);

/*
 * Decide an open appeal (the office). Rejecting needs a reason. Accepting
 * applies `corrections` (n values, set as the office: approved) and, when
 * a snapshot of the appeal's scheme and period was published, publishes a
 * new one and records both snapshot ids, the diff between them and the
 * units whose results changed; all in ONE transaction. KH_EINVAL when the
 * appeal is already decided.
 */
int kh_store_appeal_decide(struct kh_store *st, int64_t jid, int64_t id, int accept,
                           const char *reason, const struct kh_value_in *corrections, size_t n,
                           const struct kh_actor *who, struct kh_err *err);

/* ---- the audit log as records ------------------------------------------------------- */

/* One audit entry. */
struct kh_audit_row {
    int64_t id;
    const char *at, *user, *via, *action, *entity, *key, *old_text, *new_text; /* old/new may be NULL */
};

/* Call cb for at most `limit` (0: all) audit entries of jid with id greater
 * than `after`, oldest first. */
int kh_store_audit_list(struct kh_store *st, int64_t jid, int64_t after, size_t limit,
                        int (*cb)(void *user, const struct kh_audit_row *row), void *user,
                        struct kh_err *err);

#endif
