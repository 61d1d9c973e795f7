/*
 * kaohe/data.h — the assessment's input data in memory: units, values,
 * targets and baselines, events (honours, accidents, deductions) and
 * ballots, each record remembering the file and line it came from so that
 * explanations can cite it.
 *
 * A dataset is filled from CSV files (RFC 4180; UTF-8 with or without BOM,
 * or GB18030 as Excel on Chinese Windows saves it, detected and converted)
 * or built in code. The file formats are documented in docs/data-files.md.
 * The engine reads a dataset; it never changes it.
 */
#ifndef KAOHE_DATA_H
#define KAOHE_DATA_H

#include <stddef.h>

#include "kaohe/base.h"
#include "kaohe/period.h"

/* An assessed unit (镇街, 部门, 园区, 村 …). */
struct kh_unit {
    char *id;        /* unique code, e.g. "T01" */
    char *name;      /* display name, e.g. "城关镇" */
    char *category;  /* 赛道 id, e.g. "town"; must name a scheme category */
    char *parent;    /* id of the parent unit, or NULL */
    char **tags;     /* peer groups, e.g. "中心城区"; ntags entries */
    int ntags;
    char **attr_names; /* extra numeric columns of units.csv (difficulty …);
                          the name strings are owned by the dataset and shared
                          between units: compare them with strcmp */
    double *attr_values;
    int nattrs;
    int file, line;  /* provenance: index into kh_dataset.files, 1-based line;
                        file is -1 and line 0 for records added in code (this
                        holds for every record type below) */
};

/* One value of one indicator for one unit in one period (long form). */
struct kh_value {
    int unit;        /* index into kh_dataset.units */
    int indicator;   /* index into kh_dataset.indicators */
    struct kh_period period;
    double value;    /* NaN: reported as missing */
    int file, line;
};

/* A target and/or baseline of one indicator for one unit and period. */
struct kh_target {
    int unit;
    int indicator;
    struct kh_period period;
    double target;   /* NaN if not given */
    double baseline; /* NaN if not given */
    int file, line;
};

/* An event: an honour, an accident, a criticism, a deduction … */
struct kh_event {
    int unit;
    char *item;      /* event type, matched by the scheme (e.g. "honour") */
    struct kh_period period;
    char *level;     /* e.g. "national", "省级"; NULL if none */
    double count;    /* how many (default 1) */
    char *matter;    /* groups awards for the same work (dedupe); NULL */
    double points;   /* points chosen within a discretionary range; NaN */
    int shares;      /* number of co-owners sharing the credit (default 1) */
    int exempt;      /* non-zero: exempted (with evidence), scores nothing */
    char *evidence;  /* reference to the supporting document; NULL */
    char *note;      /* free text; NULL */
    int file, line;
};

/* One evaluator's mark for one unit at an evaluation meeting. */
struct kh_ballot {
    char *meeting;   /* meeting id, matched by the scheme's ballot rule */
    char *evaluator; /* who cast it (one ballot = one evaluator's rows) */
    char *group;     /* evaluator group (领导, 代表委员, 群众 …); NULL if none */
    int unit;
    char *grade;     /* a grade label (好/较好/一般/差) or NULL */
    double score;    /* a numeric mark, NaN when graded */
    int file, line;
};

/* The whole input. Arrays are owned by the dataset. In the compact form
 * (kh_dataset_set_compact) values and targets are not kept as records:
 * `values` and `targets` stay empty. */
struct kh_dataset {
    char **files;          /* provenance file names; nfiles entries */
    int nfiles;
    struct kh_unit *units;
    int nunits;
    char **indicators;     /* interned indicator names */
    int nindicators;
    struct kh_value *values;
    size_t nvalues;
    struct kh_target *targets;
    size_t ntargets;
    struct kh_event *events;
    size_t nevents;
    struct kh_ballot *ballots;
    size_t nballots;
    void *priv;            /* lookup tables; internal */
};

/* Create an empty dataset. Returns NULL when out of memory. */
struct kh_dataset *kh_dataset_new(void);

/* Free a dataset and everything it owns (NULL is fine). */
void kh_dataset_free(struct kh_dataset *ds);

/*
 * Load a data folder: units.csv (required), values.csv, targets.csv,
 * events.csv, ballots.csv (each optional), in that order. Returns KH_OK, or
 * an error naming the file, line and column and what was expected; on error
 * the dataset holds whatever was loaded before the failing file, which was
 * added whole or not at all.
 */
int kh_dataset_load_dir(struct kh_dataset *ds, const char *dir, struct kh_err *err);

/*
 * Load one file of the given kind ("units", "values", "targets", "events",
 * "ballots"). All or nothing: a file with one bad row adds nothing and the
 * error names the line and column (the column is the 1-based field number;
 * the message names the column's header). Units must be loaded before the
 * files that refer to them. The file (at most 2 GiB) is read whole and its
 * encoding detected (UTF-8 with or without BOM, UTF-16 with BOM, GB18030);
 * a big UTF-8 file without quotes is read in pieces instead, which loads
 * the same rows and keeps memory down.
 * Errors: KH_EINVAL (bad content), KH_EIO (cannot read), KH_ELIMIT (too
 * big), KH_ENOMEM. Loading may move the dataset's arrays (pointers into
 * them do not survive a load), even when it fails.
 */
int kh_dataset_load_file(struct kh_dataset *ds, const char *kind, const char *path,
                         struct kh_err *err);

/*
 * Load from memory, as kh_dataset_load_file does from a file; `name` is used
 * in provenance and errors.
 */
int kh_dataset_load_mem(struct kh_dataset *ds, const char *kind, const char *name,
                        const char *data, size_t len, struct kh_err *err);

/* Index of a unit by id, or -1. */
int kh_dataset_unit(const struct kh_dataset *ds, const char *id);

/* Index of an indicator by name, or -1. */
int kh_dataset_indicator(const struct kh_dataset *ds, const char *name);

/* The encoding file `file` was read in ("UTF-8", "UTF-8 with BOM",
 * "UTF-16LE", "UTF-16BE", "GB18030"), or NULL for a bad index. */
const char *kh_dataset_file_encoding(const struct kh_dataset *ds, int file);

/* ---- the compact form ---------------------------------------------------- */

/*
 * Keep values and targets in the compact form (on non-zero) or the
 * ordinary one (on 0, the default). Either way the dataset keeps them by
 * indicator and period in columns over the units, which is what the
 * engine reads. The ordinary form also keeps one record per row in
 * ds->values and ds->targets (40 and 48 bytes a row); the compact form
 * does not: those arrays stay empty (nvalues and ntargets 0) and a value
 * costs about 12 bytes (the value and the line it came from). Everything
 * else is the same: loading, duplicate checks, all-or-nothing loads,
 * scoring, explanations citing file:line. Use it for big data that only
 * needs scoring; code that reads ds->values or ds->targets (the store's
 * import and snapshots, the data-entry template export) needs the
 * ordinary form. Call before the first value or target is added.
 * Returns KH_OK, or KH_EINVAL when the dataset already holds values or
 * targets in the other form.
 */
int kh_dataset_set_compact(struct kh_dataset *ds, int on);

/* How many values (targets) the dataset holds, in either form (in the
 * ordinary form, ds->nvalues and ds->ntargets). */
size_t kh_dataset_value_count(const struct kh_dataset *ds);
size_t kh_dataset_target_count(const struct kh_dataset *ds);

/* ---- building in code (tests, the demo generator) ---------------------- */

/*
 * The add_* functions copy their strings. Errors: KH_EINVAL (empty or bad
 * argument, bad period, duplicate), KH_ENOTFOUND (unknown unit),
 * KH_ENOMEM; on error nothing is added.
 */

/*
 * Add a unit. id, name and category must be non-empty; `parent` (or NULL)
 * must name a unit added before. `tags` is a list separated by ';' (also
 * '；', '|', '、'), or NULL. Returns the new unit's index, or a negative
 * status (duplicate id: KH_EINVAL).
 */
int kh_dataset_add_unit(struct kh_dataset *ds, const char *id, const char *name,
                        const char *category, const char *parent, const char *tags,
                        struct kh_err *err);

/* Set a numeric attribute of a unit (e.g. "difficulty"); NaN removes it.
 * Returns KH_OK, KH_EINVAL (bad unit index or empty name) or KH_ENOMEM. */
int kh_dataset_set_attr(struct kh_dataset *ds, int unit, const char *name, double v);

/* Add a value; a second value for the same unit, indicator and period is
 * an error (KH_EINVAL). */
int kh_dataset_add_value(struct kh_dataset *ds, const char *unit, const char *indicator,
                         const char *period, double value, struct kh_err *err);

/* Add a target and/or baseline (NaN for the one not given, not both); a
 * second target for the same unit, indicator and period is KH_EINVAL. */
int kh_dataset_add_target(struct kh_dataset *ds, const char *unit, const char *indicator,
                          const char *period, double target, double baseline,
                          struct kh_err *err);

/* Add an event. level, matter may be NULL; count 1, shares 1 are usual.
 * The event gets shares 1, no points (NaN), not exempt, no evidence or note. */
int kh_dataset_add_event(struct kh_dataset *ds, const char *unit, const char *item,
                         const char *period, const char *level, double count,
                         const char *matter, struct kh_err *err);

/*
 * Add an event with every field: item, level, count (>= 0), matter, points,
 * shares (>= 1), exempt, evidence and note are taken from *e (strings
 * copied; NULL or "" for none); its unit, period, file and line are ignored.
 */
int kh_dataset_add_event_ex(struct kh_dataset *ds, const char *unit, const char *period,
                            const struct kh_event *e, struct kh_err *err);

/* Add a ballot row: grade (or NULL) or score (NaN when graded), exactly
 * one of the two; group may be NULL. One evaluator marks a unit at most
 * once per meeting (a second ballot is KH_EINVAL). */
int kh_dataset_add_ballot(struct kh_dataset *ds, const char *meeting, const char *evaluator,
                          const char *group, const char *unit, const char *grade,
                          double score, struct kh_err *err);

#endif
