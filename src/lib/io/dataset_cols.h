/*
 * dataset_cols.h — the dataset's values and targets by (indicator,
 * period): for each indicator, one column per period that has data, over
 * the units. Built as the data are loaded or added (io/dataset.c), never
 * by the engine, which reads the column of the scored period as one
 * sequential array instead of searching the long-form records of every
 * period (docs/performance.md). A column doubles as the duplicate check:
 * a unit's entry that is already there is the earlier row with the same
 * (unit, indicator, period).
 *
 * A column starts sparse (the entries in the order they came, and a bit
 * per unit saying which units have one) and becomes dense (one slot per
 * unit) once a quarter of the units have an entry, so that a period with
 * a few rows costs a few bytes a row and a full one 12 bytes a value.
 *
 * Each entry keeps, beside the value (and the baseline, for targets), a
 * reference to its row (0: no entry), through which explanations cite
 * file:line and by which the rows of one unit can be put back into the
 * order they were filed in. In the ordinary form that is the index of its
 * record in kh_dataset.values or .targets plus one. In the compact form
 * (kh_dataset_set_compact) there are no records: it is the row's line plus
 * one, the file being the column's (`file`), or each entry's (`files`)
 * once rows of several files share the column; rows added in code get a
 * running number instead, so that they keep their order (see
 * kh_dscol_order).
 *
 * Internal to src/lib (io and engine). Read-only for the engine: a loaded
 * dataset's columns are not changed by reading them, so several threads
 * may read one dataset at once.
 */
#ifndef KH_IO_DATASET_COLS_H
#define KH_IO_DATASET_COLS_H

#include <stddef.h>
#include <stdint.h>

#include "kaohe/data.h"

/* The values (or targets) of one indicator in one period. */
struct kh_dscol {
    struct kh_period period;
    size_t count;        /* entries present */
    int dense;           /* 1: indexed by unit over [0, n); 0: count entries in filing order */
    size_t n;            /* dense: units covered (later units have no entry); sparse: capacity */
    double *v;           /* the value; for targets, the target (NaN when not given) */
    double *b;           /* targets: the baseline (NaN when not given); values: NULL */
    uint32_t *ref;       /* the row's reference (see above); dense: 0 where no entry */
    int file;            /* compact form: the file of every entry, unless files (below
                            -1 for rows added in code, see kh_dscol_order); else -1 */
    int *files;          /* compact form, rows of several files: each entry's file; or NULL */
    uint32_t *unit;      /* sparse: each entry's unit; dense: NULL */
    unsigned char *bits; /* sparse: one bit per unit with an entry (nbits units); dense: NULL */
    size_t nbits;
};

/*
 * The columns of indicator `ind` (values when `targets` is 0, else
 * targets), in the order their periods first appeared in the data; *ncols
 * is set (0 for an unknown indicator). The array is owned by the dataset
 * and valid until the next change to it.
 */
const struct kh_dscol *kh_dscols(const struct kh_dataset *ds, int targets, int ind, int *ncols);

/*
 * Unit u's entry in column c: its row reference (see above), or 0 when
 * the unit has none; when it has one, *at is the index of its value in
 * c->v (and c->b). Sparse columns are searched (only for single lookups:
 * explanations, duplicate messages).
 */
uint32_t kh_dscol_find(const struct kh_dscol *c, size_t u, size_t *at);

/* The file (index into ds->files, -1 for code) and line of entry `at` of
 * column c, a column of values (targets when `targets`). */
void kh_dscol_where(const struct kh_dataset *ds, int targets, const struct kh_dscol *c, size_t at,
                    int *file, int *line);

/*
 * A key that orders the entries of all the columns of one kind as their
 * rows were filed. Ordinary form: ref (the record index + 1; the file is
 * -1). Compact form: (file + 1) << 32 | ref for a row of a file (ref is
 * its line + 1); a row added in code is stored with the file -(m + 2),
 * m being how many files the dataset had then, and comes after the rows
 * of those m files and before the next file's: m << 32 | 2^31 | ref (ref
 * is then its running number, under 2^31).
 */
static inline uint64_t kh_dscol_order(const struct kh_dscol *c, size_t at)
{
    int f = c->files ? c->files[at] : c->file;
    if (f >= -1)
        return (uint64_t)(uint32_t)(f + 1) << 32 | c->ref[at];
    return (uint64_t)(uint32_t)(-(f + 2)) << 32 | UINT32_C(0x80000000) | c->ref[at];
}

/* ---- for io/dataset.c -------------------------------------------------- */

/* The column lists of one indicator. */
struct ds_icols {
    struct kh_dscol *c;
    int n, cap;
    int hint; /* the column the last insertion used (loads come in runs) */
};

/* A value or target to enter into its column. */
struct ds_entry {
    int unit, indicator;
    struct kh_period period;
    double v; /* the value; for targets, the target */
    double b; /* targets: the baseline */
    int file, line;
};

/*
 * Enter e as a value (targets: as a target). In the ordinary form its
 * record must already be stored at index ds->nvalues (ds->ntargets), the
 * count not yet bumped (ds_put does both); in the compact form there is
 * none. Returns KH_OK; KH_EINVAL when the unit already has an entry for
 * that indicator and period, with *dup_file and *dup_line saying where it
 * came from (nothing entered); KH_ENOMEM or KH_ELIMIT.
 */
int ds_cols_put(struct kh_dataset *ds, int targets, const struct ds_entry *e, int *dup_file,
                int *dup_line);

/*
 * Store e as a value (targets: as a target): in the ordinary form its
 * per-row record first (kh_value or kh_target, from e's fields), then its
 * cell through ds_cols_put, then the record count is bumped; in the compact
 * form only the cell. The one way loaders and kh_dataset_add_* enter
 * values and targets. Returns what ds_cols_put returns (KH_EINVAL for a
 * duplicate, with *dup_file and *dup_line; nothing counted), or the
 * failure of growing the record array.
 */
int ds_put(struct kh_dataset *ds, int targets, const struct ds_entry *e, int *dup_file,
           int *dup_line);

/*
 * Remove the entries a failed load added: in the ordinary form those of
 * records [keep, count) of that kind (values or targets, still in the
 * record array); in the compact form those from files numbered nfiles and
 * up. Then drop the columns left empty, and the column lists of
 * indicators from `nind` on.
 */
void ds_cols_rollback(struct kh_dataset *ds, int targets, size_t keep, size_t count, int nfiles,
                      int nind);

/* Free every column. */
void ds_cols_free(struct kh_dataset *ds);

#endif
