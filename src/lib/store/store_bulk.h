/*
 * store_bulk.h — the mechanics that make big imports fast (store_bulk.c):
 * values written and looked up in chunks by multi-row statements instead of
 * one statement a row; the check that the units an import names are stored,
 * once per unit; the periods of an import with their canonical text and
 * lock, worked out once per distinct period; and the SHA-256 of the
 * imported file, computed on a second thread while the file is parsed.
 *
 * Mechanics only: which rows exist, insert the ones that do not. What an
 * import means (locks, who may change an approved value, counting, the
 * audit log) stays in store_import.c.
 *
 * Internal to src/lib/store.
 */
#ifndef KH_STORE_BULK_H
#define KH_STORE_BULK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "kaohe/period.h"
#include "store/store_int.h"

/* Rows in the largest multi-row statement (a chunk). */
#define STORE_BULK_ROWS 64

/* One value row to store, keyed by (unit_id, indicator_id, period). */
struct store_bulk_value {
    int64_t unit_id, indicator_id;
    int64_t source_id;  /* 0: none (SQL NULL) */
    const char *period; /* canonical text; must stay valid until the call returns */
    double value;       /* NaN: missing (SQL NULL) */
    int line;
};

/* What is stored at a row's key. */
struct store_bulk_stored {
    int found;        /* 0: nothing stored; the other fields are then unset */
    int64_t id;       /* the value row */
    int64_t batch_id; /* the batch that wrote it last */
    double value;     /* NaN for SQL NULL */
    char state[16];   /* review state ("approved" …) */
};

/*
 * Insert rows[0..n) into the value table of jurisdiction jid in their order
 * (so that their ids follow it), with review `state` and batch `batch_id`,
 * skipping every row whose key is stored already (INSERT OR IGNORE: a row
 * the store refuses for any other reason is skipped too, so the caller
 * must compare *inserted, how many were inserted, with what it expected).
 * Runs inside the caller's write transaction; KH_OK or an error of the
 * store.
 */
int store_bulk_insert(struct kh_store *st, int64_t jid, const char *state, int64_t batch_id,
                      const struct store_bulk_value *rows, size_t n, size_t *inserted,
                      struct kh_err *err);

/*
 * Look up the stored value at the key of each of rows[0..n) into out[i]
 * (out has n entries). KH_OK or an error of the store.
 */
int store_bulk_find(struct kh_store *st, const struct store_bulk_value *rows, size_t n,
                    struct store_bulk_stored *out, struct kh_err *err);

/*
 * Check that the units ids[0..n) are units of jurisdiction jid in the store
 * (one ordered scan of its units, merged with the ids, which are sorted in
 * place): *missing receives the first id that is not, or 0 when all are.
 * KH_OK (whatever *missing says) or an error of the store.
 */
int store_bulk_units(struct kh_store *st, int64_t jid, int64_t *ids, size_t n, int64_t *missing,
                     struct kh_err *err);

/*
 * The distinct periods of one import: each one's canonical text and the
 * locked period containing it (or NULL), computed once. Texts never move
 * while the table lives, so they may be bound as static text. Start zeroed
 * (memset), free with store_periods_free.
 */
struct store_periods {
    struct store_period_slot **slots; /* open addressing, cap a power of two */
    size_t n, cap;
    struct store_period_slot *last; /* the slot of the previous lookup */
};

/*
 * The canonical text of p (*text) and the locked period of `locks`
 * containing it (*lock, NULL when p may change). KH_OK, or KH_ENOMEM.
 */
int store_periods_get(struct store_periods *t, const struct store_locks *locks,
                      const struct kh_period *p, const char **text, const char **lock);

void store_periods_free(struct store_periods *t);

/*
 * The SHA-256 of a file being imported, for its batch record, computed on a
 * thread of its own while the caller parses the same file (a big values
 * file takes about half as long to hash as to parse, so on a second core
 * the hash costs no time). A file under a few MiB, or when no thread can be
 * started, is hashed by store_hasher_finish on the caller's thread. The
 * thread touches only the struct, which the caller leaves alone between
 * start and join. Start with store_hasher_start; always end with
 * store_hasher_join (harmless twice), also on error paths.
 */
struct store_hasher {
    const char *path;
    char sha[65]; /* lower-case hex, after store_hasher_finish */
    int zip;      /* the file is a zip archive (a workbook) */
    int rc, started, done;
    struct kh_err err;
    pthread_t thread;
};

void store_hasher_start(struct store_hasher *h, const char *path);

/* Wait for the hash (or compute it now) into h->sha and h->zip. KH_OK, or
 * the error of reading the file (KH_EIO) into err. */
int store_hasher_finish(struct store_hasher *h, struct kh_err *err);

void store_hasher_join(struct store_hasher *h);

#endif
