/*
 * dataset_priv.h — what the two halves of the dataset implementation share:
 * dataset.c (lifecycle, lookup tables, the add_* functions, rollback) and
 * dataset_load.c (the file formats of docs/data-files.md, in CSV or XLSX).
 *
 * The lookup tables are open-addressing hash maps with linear probing. A
 * slot holds the key's 32-bit hash and the index of the record it belongs
 * to, plus one (0 marks an empty slot); the key itself is read from the
 * record, so a map costs 8 bytes a slot. Maps: unit id → unit, indicator
 * name → indicator, and (meeting, evaluator, unit) → ballot, the last for
 * duplicate detection. Values and targets need no map: they are entered
 * into columns by (indicator, period) over the units (io/dataset_cols.h),
 * where an entry already there is the duplicate.
 *
 * Loading is all or nothing: a load first takes a ds_mark, appends records
 * straight into the dataset's arrays as it validates them, and on any error
 * calls ds_rollback, which frees what was added and rebuilds the maps, so
 * the dataset's contents are as before (its arrays may have moved).
 *
 * Internal to src/lib/io.
 */
#ifndef KH_IO_DATASET_PRIV_H
#define KH_IO_DATASET_PRIV_H

#include <stdint.h>

#include "kaohe/data.h"
#include "io/dataset_cols.h"

/* An open-addressing hash map of record indices (see above). */
struct ds_map {
    uint64_t *slots; /* cap slots: hash << 32 | (index + 1); 0 = empty */
    size_t cap;      /* a power of two, or 0 before the first insert */
    size_t count;
};

/* The private part of a dataset (kh_dataset.priv). */
struct ds_priv {
    size_t files_cap, units_cap, indicators_cap, values_cap, targets_cap, events_cap, ballots_cap;
    int *file_encoding; /* enum kh_encoding per file (files_cap entries) */
    struct ds_map unit_map, indicator_map, ballot_map;
    struct ds_icols *cols[2]; /* per indicator: value columns [0], target columns [1] */
    size_t cols_cap[2];
    size_t nentries[2]; /* values and targets in the columns */
    int compact;        /* kh_dataset_set_compact: no value or target records */
    uint32_t code_rows; /* compact: rows added in code so far */
    char **attr_names;  /* interned unit attribute names */
    int nattr_names;
    size_t attr_names_cap;
    int units_file; /* the last file that added units, or -1 */
};

/* How big a dataset was, to roll back to. */
struct ds_mark {
    int nfiles, nunits, nindicators, units_file;
    size_t nvalues, ntargets, nevents, nballots;
};

/* The private part of ds. */
static inline struct ds_priv *ds_priv(const struct kh_dataset *ds)
{
    return (struct ds_priv *)ds->priv;
}

/* Remember the dataset's size in *m. */
void ds_mark(const struct kh_dataset *ds, struct ds_mark *m);

/* Drop everything added since *m was taken and rebuild the maps. Never
 * fails (the maps are rebuilt in place). */
void ds_rollback(struct kh_dataset *ds, const struct ds_mark *m);

/* Hash of the n bytes at s. */
uint32_t ds_hash_str(const char *s, size_t n);

/* Index of the unit whose id is s[0..n), or -1. */
int ds_unit_find(const struct kh_dataset *ds, const char *s, size_t n);

/* Index of the indicator named s[0..n), or -1. */
int ds_indicator_find(const struct kh_dataset *ds, const char *s, size_t n);

/* Index of the indicator named s[0..n), added if new. Returns the index or
 * KH_ENOMEM / KH_ELIMIT (nothing recorded). */
int ds_indicator_intern(struct kh_dataset *ds, const char *s, size_t n);

/* Add a provenance file name; returns its index or KH_ENOMEM. */
int ds_add_file(struct kh_dataset *ds, const char *name, int encoding);

/*
 * Make room for `extra` more records in the array of that kind. Returns
 * KH_OK, KH_ENOMEM or KH_ELIMIT (more than the maps can index).
 */
int ds_reserve_units(struct kh_dataset *ds, size_t extra);
int ds_reserve_values(struct kh_dataset *ds, size_t extra);
int ds_reserve_targets(struct kh_dataset *ds, size_t extra);
int ds_reserve_events(struct kh_dataset *ds, size_t extra);
int ds_reserve_ballots(struct kh_dataset *ds, size_t extra);

/*
 * Make room for `extra` more values (targets) in the array at once, before
 * a big file is read. KH_OK, KH_ENOMEM or KH_ELIMIT; failing is harmless
 * (loading then grows as it goes).
 */
int ds_presize_values(struct kh_dataset *ds, size_t extra);
int ds_presize_targets(struct kh_dataset *ds, size_t extra);

/*
 * Enter the record just stored at index `idx` (== the current count) into
 * its map. Returns KH_OK; KH_EINVAL when another record has the same key,
 * with *dup set to that record's index (nothing entered); or KH_ENOMEM.
 * The caller bumps the count only on KH_OK. (Values and targets go into
 * their columns instead: ds_cols_put, io/dataset_cols.h.)
 */
int ds_unit_enter(struct kh_dataset *ds, int idx, int *dup);
int ds_ballot_enter(struct kh_dataset *ds, size_t idx, size_t *dup);

/* Release what a unit, event or ballot record owns. */
void ds_unit_release(struct kh_unit *u);
void ds_event_release(struct kh_event *e);
void ds_ballot_release(struct kh_ballot *b);

/* The interned copy of attribute name s[0..n) (added if new), or NULL when
 * out of memory. */
const char *ds_attr_intern(struct kh_dataset *ds, const char *s, size_t n);

/*
 * Split a tag list (separators ';' '；' '|' '、'; blanks around tags
 * trimmed; empty and repeated tags dropped) into u->tags / u->ntags.
 * Returns KH_OK or KH_ENOMEM.
 */
int ds_unit_set_tags(struct kh_unit *u, const char *s, size_t n);

/*
 * Where record `file`/`line` came from, as words for a message: "line 12"
 * when `file` is `cur_file`, else "values.csv:12", or "code" for records
 * added in code (file -1). Written into out[0..outsz).
 */
const char *ds_where(const struct kh_dataset *ds, int file, int line, int cur_file, char *out,
                     size_t outsz);

/*
 * Why unit id s is unknown, as the tail of a message ("no unit has this id
 * in units.csv; \"城关镇\" is the name of unit T01, use its id"), written
 * into out[0..outsz).
 */
const char *ds_unknown_unit_hint(const struct kh_dataset *ds, const char *s, char *out,
                                 size_t outsz);

/*
 * Load one sheet of the Excel workbook (.xlsx, io/xlsx.h) at `path` as a
 * file of the given kind, as kh_dataset_load_file does (all or nothing,
 * the same checks); `sheet` names the worksheet (ASCII case ignored), NULL
 * or "" for the first visible one. Errors name the sheet, row and column
 * ("values.xlsx [Sheet1]!C17: …"); an unknown sheet is KH_ENOTFOUND with
 * the list of sheets. Defined in dataset_load.c; meant for kaohe/data.h
 * (the import command's sheet choice).
 */
int kh_dataset_load_sheet(struct kh_dataset *ds, const char *kind, const char *path,
                          const char *sheet, struct kh_err *err);

/* ---- loads driven from outside dataset_load.c ----------------------------- */

struct ds_load; /* one file load in progress (dataset_load.c) */

/*
 * Start loading a file of `kind` (as kh_dataset_load_file names them) called
 * `name`, read in `encoding` (enum kh_encoding): the dataset is marked for
 * rollback and the file added to it. Returns the load, or NULL with *err
 * set (unknown kind, out of memory; the dataset is then unchanged).
 */
struct ds_load *ds_load_new(struct kh_dataset *ds, const char *kind, const char *name, int encoding,
                            struct kh_err *err);

/* Size the dataset's arrays for about `rows` more rows (failing is harmless). */
void ds_load_presize(struct ds_load *l, size_t rows);

/*
 * Load the records of the UTF-8 CSV text[0..len) — the next piece of the
 * file, ending with a whole record — with separator `delim`; its first
 * line is line line_base + 1 of the file. Returns KH_OK or the first
 * error (recorded in the load's err).
 */
int ds_load_text(struct ds_load *l, const char *text, size_t len, int delim, int line_base);

/*
 * End the load and free l. With `keep`, check what needs the whole file
 * (a header was read; the kind's checks, such as units' parents) and
 * return KH_OK, or the error after rolling the dataset back. Without, roll
 * back and return KH_OK.
 */
int ds_load_finish(struct ds_load *l, int keep);

/*
 * Load the CSV file at `path` in pieces (dataset_pieces.c) when it is big
 * and that gives the same load as reading it whole. Returns KH_OK when the
 * file was loaded, or 1 when it was not (not big, not plain UTF-8, holds
 * quotes, or anything failed — the dataset is then unchanged and the
 * caller reads the file whole, which reports any error).
 */
int ds_load_pieces(struct kh_dataset *ds, const char *kind, const char *path, struct kh_err *err);

/* The accepted period forms, for messages. */
#define DS_PERIOD_FORMS "a year (2024), a half (2024H1), a quarter (2024Q3) or a month (2024-07)"

#endif
