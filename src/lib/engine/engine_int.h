/*
 * engine_int.h — private to the engine: the result structure and the steps
 * that fill it.
 *
 * Scoring is column-oriented: every slot of the scheme (an input at the
 * period, a target, a parameter, a node's value, a node's score …) becomes
 * one column of n doubles, n = number of units, computed at most once and
 * on demand (columns.c). Leaf nodes prepare their rule's per-unit inputs as
 * columns too (node.c), then call the rule family for each unit
 * (rules.c). Totals, ranks, vetoes and tiers follow (result.c); analyses
 * read the finished result (analysis.c); explanations re-run one node for
 * one unit with tracing on (explain.c).
 */
#ifndef KH_ENGINE_INT_H
#define KH_ENGINE_INT_H

#include "kaohe/engine.h"
#include "kaohe/period.h"
#include "engine/rules.h"
#include "engine/trace.h"
#include "scheme/model.h"

/* Why a node has no ordinary score for a unit. */
enum kh_flag {
    KH_FLAG_OK = 0,
    KH_FLAG_NA,        /* the node does not apply to the unit's category */
    KH_FLAG_EXCLUDED,  /* missing data, node excluded (parent re-weighted) */
    KH_FLAG_ZERO,      /* missing data, scored 0 */
    KH_FLAG_MEAN,      /* missing data, scored the group mean */
    KH_FLAG_OVERRIDE   /* a `when:` special case decided the score */
};

/* Column states. */
enum { COL_NONE = 0, COL_BUSY, COL_DONE };

/* Events of one unit within the period, by index into ds->events. */
struct unit_events {
    size_t *idx;
    size_t n;
};

struct kh_result {
    const struct kh_scheme *s;
    const struct kh_dataset *ds;
    struct kh_period period;
    char period_text[KH_PERIOD_TEXT];
    size_t n;               /* units (= ds->nunits) */
    int *cat;               /* category index of each unit */

    double **cols;          /* per slot; NULL until computed */
    unsigned char *colstate;

    double **score;         /* per node: n scores */
    unsigned char **flag;   /* per node: n enum kh_flag */
    unsigned char *nodestate;

    /* Lookup built once: dataset values by indicator (CSR). */
    size_t *val_start;      /* nindicators + 1 */
    size_t *val_idx;        /* value indices grouped by indicator */
    size_t *tg_start;       /* targets by indicator (CSR), like values */
    size_t *tg_idx;
    /* Events by unit within the period (CSR). */
    size_t *ev_start;       /* n + 1 */
    size_t *ev_idx;

    int *rank;              /* total's rank (0: not ranked) */
    int *rank_size;
    int *tier;              /* -1: none */
    unsigned char *no_honours;
    unsigned char *vetoed;  /* n × nvetoes */
    signed char **progress; /* per node (NULL unless the node has progress) */

    int **tmp_group;        /* per node group arrays, cached */
    int *ngroups_cache;

    /* Values changed after scoring (kh_result_set_input), applied on top of
     * the dataset whenever their input column is computed. */
    struct kh_override_value {
        int slot;
        size_t unit;
        double v;
    } *changes;
    size_t nchanges, capchanges;
};

/* ---- columns.c ---------------------------------------------------------- */

/* Make sure slot `slot`'s column is computed. KH_OK or an error. */
int kh_col_ensure(struct kh_result *r, int slot, struct kh_err *err);

/* Ensure every slot that e reads. */
int kh_col_ensure_expr(struct kh_result *r, const struct kh_expr *e, struct kh_err *err);

/* Evaluate e over all units into out (n doubles), with the given grouping. */
int kh_eval(struct kh_result *r, const struct kh_expr *e, const int *group, int ngroups,
            double *out, struct kh_err *err);

/*
 * The comparison group of node ni for every unit: group index per unit, -1
 * where the node does not apply. Cached in the result. *ngroups is set.
 */
const int *kh_node_groups(struct kh_result *r, int ni, int *ngroups, struct kh_err *err);

/* The category grouping (group = category index). */
const int *kh_cat_groups(struct kh_result *r);

/* Look up an input's value for unit u at period p (or, with ytd, the year
 * to date up to p) with the input's aggregation; when `rows` is not NULL,
 * describe the rows used into it. */
double kh_input_value(const struct kh_result *r, int input, int u, const struct kh_period *p,
                      int ytd, struct kh_buf *rows);

/* ---- node.c --------------------------------------------------------------- */

/* Per-node prepared rule inputs (columns over units). */
struct node_prep {
    double *ref, *leader, *best, *worst, *cond, *computed;
    double *gmin, *gmax, *gmean, *gstd;
    int *rank, *ntied, *gsize;
    double **ov_when, **ov_score; /* per override */
    double *mult;
    unsigned char *ballot_valid;  /* ds->nballots */
    size_t *bal_start, *bal_idx;  /* the meeting's ballot rows by unit (CSR) */
    const int *group;
    int ngroups;
};

/* Compute node ni's scores for every unit (recursively its children). */
int kh_node_compute(struct kh_result *r, int ni, struct kh_err *err);

/* Prepare / release a leaf's rule inputs. */
int kh_node_prepare(struct kh_result *r, int ni, struct node_prep *p, struct kh_err *err);
void kh_node_prep_free(struct node_prep *p);

/*
 * Score leaf ni for unit u from prepared inputs (before missing-data means,
 * multiplier and clamp when `raw` is set). Writes *score and *flag.
 */
int kh_leaf_unit(struct kh_result *r, int ni, const struct node_prep *p, size_t u,
                 double *score, int *flag, struct kh_trace *tr, struct kh_err *err);

/* Apply the node's multiplier, clamp and item rounding to one unit's score. */
double kh_node_post(struct kh_result *r, int ni, const struct node_prep *p, size_t u,
                    double v, struct kh_trace *tr);

/*
 * Combine parent ni's children for unit u (sum with re-weighting around
 * excluded children, or a weighted mean of score rates); *flag is set;
 * each step is written to tr (may be NULL). Overrides, multiplier and
 * clamp are not applied here.
 */
double kh_node_combine(struct kh_result *r, int ni, size_t u, int *flag, struct kh_trace *tr);

/* Share of the target done, for time progress (序时进度): x / t, or t / x
 * when lower is better (1 when x is 0). */
double kh_progress_done(const struct kh_node *nd, double x, double t);

/* The node's points W for unit u (NaN: not applicable). */
double kh_node_w(const struct kh_result *r, int ni, size_t u);

/* The file name a record came from, for citing it ("(程序添加)" for records
 * built in code, whose file index is -1). */
static inline const char *kh_src_file(const struct kh_dataset *ds, int file)
{
    return file >= 0 && file < ds->nfiles ? ds->files[file] : "(程序添加 added in code)";
}

/* Non-zero if event e falls within the scored period (engine.c). */
int kh_event_in_period(const struct kh_result *r, const struct kh_event *e);

/* ---- result.c ----------------------------------------------------------- */

/* Ranks, vetoes and tiers once every node is scored. */
int kh_result_finish(struct kh_result *r, struct kh_err *err);

/* The value a total is ranked and tiered on (display-rounded or exact). */
double kh_rank_basis(const struct kh_result *r, size_t u);

#endif
