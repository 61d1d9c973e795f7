/*
 * store_int.h — what the files of the SQLite store share: the store
 * handle, batches (who changed what, when, from which file), the audit
 * helper, locked periods, the canonical text of records used by snapshots
 * and diffs, and building a dataset from the store with the provenance of
 * each record.
 *
 * Files: db.c (SQLite, the schema), store.c (open, jurisdictions, period
 * locks, audit), store_value.c (single values and review), store_import.c
 * (imports), store_scheme.c (scheme versions), store_dataset.c (the store
 * as a dataset), store_snapshot.c (publish, hashes, verification, reading
 * snapshots back), store_diff.c (diffs), store_account.c (accounts and
 * sessions), store_list.c (listings and bulk writes for the API),
 * store_event.c (events, evidence, ballots), store_appeal.c (appeals).
 *
 * Internal to src/lib/store.
 */
#ifndef KH_STORE_INT_H
#define KH_STORE_INT_H

#include <stdint.h>

#include "kaohe/data.h"
#include "kaohe/period.h"
#include "kaohe/store.h"
#include "store/db.h"

struct kh_store {
    struct db *db;
    /* A password hash of nothing anyone knows, made on the first
     * kh_store_account_verify of this handle ("" until then): an unknown
     * name is checked against it so that it takes as long as a known one.
     * Per handle, not static: a handle serves one thread at a time. */
    char dummy_hash[128];
};

/* ---- batches and the audit log (store.c) ---------------------------------- */

/*
 * One change set: the batch row that records who acted, through which
 * channel, when, and (for an import) on which file. Created inside the
 * caller's transaction by store_batch_begin; records and audit entries
 * written in that transaction point at it.
 */
struct store_batch {
    int64_t jid;
    int64_t id;
    char at[32]; /* UTC, ISO 8601 */
};

/* Check who (user non-empty, at most 128 bytes; via defaults to "api"). */
int store_check_actor(const struct kh_actor *who, struct kh_err *err);

/* KH_OK if jurisdiction jid exists, else KH_ENOTFOUND. */
int store_check_jurisdiction(struct kh_store *st, int64_t jid, struct kh_err *err);

/*
 * Insert the batch row of a change of `kind` ("import:values", "lock",
 * "publish" …) by `who`; `file` and `sha256` may be NULL. Must run inside a
 * transaction.
 */
int store_batch_begin(struct kh_store *st, int64_t jid, const char *kind,
                      const struct kh_actor *who, const char *file, const char *sha256,
                      struct store_batch *b, struct kh_err *err);

/* Append an audit entry to batch b: action (insert, update, delete, lock …),
 * entity (unit, value …), key, old and new text (NULL for none). */
int store_audit(struct kh_store *st, const struct store_batch *b, const char *action,
                const char *entity, const char *key, const char *old_text, const char *new_text,
                struct kh_err *err);

/* The current time, UTC, ISO 8601 ("2025-01-31T08:00:00Z"). */
void store_now(char out[32]);

/* Time t (seconds since 1970), UTC, ISO 8601. */
void store_time(int64_t t, char out[32]);

/* Parse `period` into *p and its canonical code; KH_EINVAL saying what a
 * period looks like otherwise. */
int store_period(const char *period, struct kh_period *p, char code[KH_PERIOD_TEXT],
                 struct kh_err *err);

/* The id of unit `code` of jid; KH_ENOTFOUND naming it when missing. */
int store_unit_id(struct kh_store *st, int64_t jid, const char *code, int64_t *id,
                  struct kh_err *err);

/* The id of indicator `code` of jid, added when missing and `add` (else
 * *id is 0 for a missing one). */
int store_indicator_id(struct kh_store *st, int64_t jid, const char *code, int add, int64_t *id,
                       struct kh_err *err);

/* Prefix err's message with "what[i]: " (for bulk writes). Returns err's
 * code. */
int store_err_index(struct kh_err *err, const char *what, size_t i);

/* Non-zero if s is 1..max bytes of well-formed UTF-8 without control
 * characters (one line of text). */
int store_good_text(const char *s, size_t max);

/* ---- locked periods (store.c) -------------------------------------------- */

/* The locked periods of a jurisdiction, read once per change. */
struct store_locks {
    struct kh_period *p;
    char (*code)[KH_PERIOD_TEXT];
    size_t n;
};

/* Read the locked periods of jid. Free with store_locks_free. */
int store_locks_load(struct kh_store *st, int64_t jid, struct store_locks *l, struct kh_err *err);

/* The code of a locked period that contains p ("2024" contains "2024-03"),
 * or NULL when p may change. */
const char *store_locked(const struct store_locks *l, const struct kh_period *p);

void store_locks_free(struct store_locks *l);

/* ---- single values inside a caller's transaction (store_value.c) ---------- */

/*
 * What a run of value changes shares: the store, the jurisdiction, who acts,
 * the batch (begun on the first change, so that nothing is written when
 * nothing changes; or given by the caller) and the locked periods (read
 * once). Start with store_values_init, end with store_values_release.
 */
struct store_values {
    struct kh_store *st;
    int64_t jid;
    const struct kh_actor *who;
    const char *kind; /* the batch kind ("edit", "review" …) */
    struct store_batch b;
    int have_batch;
    struct store_locks locks;
    int have_locks;
};

/* Start a run for `who` in jid; `b` (may be NULL) is a batch of the
 * caller's transaction to write into instead of a new one of `kind`. */
void store_values_init(struct store_values *v, struct kh_store *st, int64_t jid,
                       const struct kh_actor *who, const char *kind, const struct store_batch *b);
void store_values_release(struct store_values *v);

/*
 * kh_store_value_set and kh_store_value_review inside the caller's write
 * transaction (which rolls back on error). *changed (may be NULL) is set
 * to 1 when something was written, 0 when the value was already so. The
 * actor has been checked. *state (may be NULL) receives the value's state
 * afterwards.
 */
int store_value_set_in(struct store_values *v, const char *unit, const char *indicator,
                       const char *period, double x, int *changed, int *state, struct kh_err *err);
int store_value_review_in(struct store_values *v, const char *unit, const char *indicator,
                          const char *period, int state, const char *note, int *changed,
                          struct kh_err *err);

/* Check a review request (state known, a note when returning). */
int store_review_check(int state, const char *note, struct kh_err *err);

/* ---- listings (store_list.c) ------------------------------------------------ */

/* *known: non-zero if period `code` (canonical) of jid is in the period
 * table or named by a value, target or event. */
int store_period_known(struct kh_store *st, int64_t jid, const char *code, int *known,
                       struct kh_err *err);

/* ---- publishing inside a transaction (store_snapshot.c) -------------------- */

/* Score version `version` of scheme_id (0: the latest) for `period` and
 * freeze the run as a new snapshot, inside the caller's write transaction. */
int store_publish_in(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                     const char *period, const struct kh_actor *who,
                     struct kh_snapshot_info *info, struct kh_err *err);

/* ---- text helpers (store_canon.c) ---------------------------------------------------- */

/* A double in the shortest form that reads back exactly, "" for NaN. */
const char *store_num(double v, char out[40]);

/*
 * Append s (NULL as "") as one field of a canonical record: backslash,
 * tab, line feed and carriage return escaped as \\ \t \n \r, so that fields
 * can be joined with tabs and records with line feeds unambiguously.
 */
void store_canon(struct kh_buf *b, const char *s);

/* The part of path after its last '/' (path itself when there is none). */
const char *store_basename(const char *path);

/* SHA-256 of data[0..len) in lower-case hex (libsodium). */
void store_sha256_hex(const void *data, size_t len, char out[65]);

/* The review state names, "draft", "submitted", "approved", "returned". */
const char *store_state_name(int state);

/* ---- scheme versions (store_scheme.c) ------------------------------------------ */

/* One stored version of a scheme. */
struct store_scheme_row {
    int64_t id; /* scheme_version row */
    int version;
    char *text; /* malloc'ed, NUL-terminated */
    size_t len;
    char *file; /* the file it was imported from (malloc'ed) */
    char sha256[65];
};

/* Read version `version` (0: the latest) of scheme `code` of jid, or the
 * version row `id` when id > 0 (code is then ignored). KH_ENOTFOUND when
 * there is none. Free with store_scheme_row_free. */
int store_scheme_get(struct kh_store *st, int64_t jid, const char *code, int version, int64_t id,
                     struct store_scheme_row *row, struct kh_err *err);
void store_scheme_row_free(struct store_scheme_row *row);

/* Import the scheme file at path (the "scheme" kind of kh_store_import). */
int store_import_scheme(struct kh_store *st, int64_t jid, const char *path,
                        const struct kh_actor *who, struct kh_import_report *rep,
                        struct kh_err *err);

/* The fields of an event as words for the audit log ("count 1, level 省级,
 * matter …"), into b. */
const char *store_event_words(struct kh_buf *b, const struct kh_event *e);

/* "好 (区领导)" or "85 (区领导)": a ballot for the audit log, into b. */
const char *store_ballot_words(struct kh_buf *b, const char *group, const char *grade,
                               double score);

/* ---- the store as a dataset (store_dataset.c) --------------------------------- */

/* Where one record of a built dataset came from in the store. */
struct store_origin {
    int64_t batch, source;
    int line;
};

/* Provenance of every record of a built dataset, parallel to its arrays. */
struct store_prov {
    struct store_origin *units, *values, *targets, *events, *ballots;
};

void store_prov_free(struct store_prov *p);

/*
 * Build a dataset of jurisdiction jid: units in the order they were first
 * stored (parents before their children), approved values, targets,
 * events and ballots in stored order. With `only` (a scheme), only units of
 * the scheme's categories and their records are taken (a unit whose parent
 * is left out gets no parent). `prov` (may be NULL) receives the origin of
 * every record. The dataset's file names are the stored source names.
 */
int store_dataset_build(struct kh_store *st, int64_t jid, const struct kh_scheme *only,
                        struct kh_dataset **out, struct store_prov *prov, struct kh_err *err);

/* ---- canonical records (store_canon.c) ----------------------------------------- */

/*
 * The canonical text of records, used for snapshot hashes, for diffs and
 * for comparing an imported record with a stored one. A record is a key
 * and a data part, each a list of fields joined by tabs (store_canon
 * escaping); numbers in the shortest text that reads back exactly, NaN as
 * an empty field.
 *
 *   unit    key: id                          data: name, category, parent, tags, attributes
 *   value   key: unit, indicator, period     data: value
 *   target  key: unit, indicator, period     data: target, baseline
 *   event   key: unit, item, period, n       data: level, count, matter, points, shares,
 *                                                  exempt, evidence, note
 *   ballot  key: meeting, evaluator, unit    data: group, grade, score
 *
 * Tags are joined with ';' in their order; attributes as name=value joined
 * with ';' sorted by name. n numbers the events of one (unit, item, period)
 * in dataset order.
 */

/* Append the data part of an event (the fields after its key). */
void store_event_data(struct kh_buf *b, const struct kh_event *e);

/* Append the data part of a unit; tags joined with ';'; attributes sorted
 * by name. */
void store_unit_data(struct kh_buf *b, const struct kh_unit *u);

/* Append a unit's tags joined with ';' (as the unit table stores them),
 * and its attributes as name=value joined with ';', sorted by name. */
void store_unit_tags(struct kh_buf *b, const struct kh_unit *u);
void store_unit_attrs(struct kh_buf *b, const struct kh_unit *u);

/*
 * Reset `key` and `data` and write the canonical record of input i of ds
 * of `kind` ("unit", "value", "target", "event", "ballot"); `ordinal` is
 * the event's n (ignored for other kinds).
 */
void store_canon_record(const struct kh_dataset *ds, const char *kind, size_t i, int ordinal,
                        struct kh_buf *key, struct kh_buf *data);

/*
 * Split canonical text into at most `max` fields, unescaped, into `work`
 * (reset first; the fields point into it and live until it changes).
 * Returns the number of fields, or -1 when out of memory.
 */
int store_canon_split(const char *rec, struct kh_buf *work, const char **fields, int max);

#endif
