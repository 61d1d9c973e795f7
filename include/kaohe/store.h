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

/* Who makes a change, for the audit log: a user name and the channel
 * ("cli", "api", "import"). */
struct kh_actor {
    const char *user;
    const char *via;
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
    size_t rows;       /* records in the file */
    size_t inserted;   /* new records */
    size_t updated;    /* records whose value changed (each one audited) */
    size_t unchanged;  /* records already there with the same value */
    char encoding[32]; /* detected encoding of the file ("UTF-8", "GB18030", "XLSX") */
};

/* Called during long imports with the records done and the total (for a
 * progress bar); may be NULL. */
typedef void (*kh_progress_fn)(void *user, size_t done, size_t total);

/*
 * Import one file of `kind` ("units", "values", "targets", "events",
 * "ballots", or "scheme" for a YAML scheme) into jurisdiction jid. CSV
 * (UTF-8 or GB18030) or XLSX, decided by content. All or nothing: the file
 * is parsed and validated completely (against the units already stored),
 * then applied in one transaction; one bad row rejects the whole file with
 * its sheet, row, column and what was expected, and the database is
 * unchanged. Importing the same file twice changes nothing the second time
 * (report: all unchanged). Values of a locked period are refused. Each
 * changed record is audited with `who`. Imported values are in review
 * state "approved" when `who` imports as the assessment office; see
 * docs/store.md.
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
                        size_t len, const struct kh_actor *who, int *version,
                        struct kh_err *err);

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
int kh_store_dataset(struct kh_store *st, int64_t jid, struct kh_dataset **out,
                     struct kh_err *err);

/* Lock or unlock a period (no value of a locked period changes); a reason
 * is required for unlocking and is audited. */
int kh_store_period_lock(struct kh_store *st, int64_t jid, const char *period, int lock,
                         const char *reason, const struct kh_actor *who, struct kh_err *err);

/* A published snapshot. */
struct kh_snapshot_info {
    int64_t id;
    char hash[65];       /* SHA-256 of the frozen inputs and outputs, hex */
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
                     const struct kh_actor *who, struct kh_snapshot_info *info,
                     struct kh_err *err);

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

#endif
