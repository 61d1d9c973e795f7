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
 * Score scheme_id (latest version) over the store's data for `period` and
 * freeze the run as a snapshot: the scheme text, every input record used
 * and every output (each node's score, totals, ranks, tiers, vetoes), with
 * a content hash. Publishing twice with nothing changed gives a new
 * snapshot with the same hash. *info receives its description.
 */
int kh_store_publish(struct kh_store *st, int64_t jid, const char *scheme_id, const char *period,
                     const struct kh_actor *who, struct kh_snapshot_info *info, struct kh_err *err);

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

#endif
