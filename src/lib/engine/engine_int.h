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
    unsigned char *colshared; /* per slot: the column is another's or nancol, not its own */
    double *nancol;           /* the column of NaN that slots may share (columns.c) */
    int *input_slot;          /* per scheme input: its KH_SLOT_INPUT slot, or -1 */

    double **score;         /* per node: n scores */
    unsigned char **flag;   /* per node: n enum kh_flag */
    unsigned char *nodestate;

    /* Events by unit within the period (CSR). */
    size_t *ev_start;       /* n + 1 */
    size_t *ev_idx;

    double *basis;          /* kh_rank_basis of each unit (result.c), and */
    double *basis_of;       /* the total it was computed from */
    size_t *order;          /* units in rank order within the tier scope (result.c) */
    size_t *order_start;    /* each scope group's first place in order; ngroups + 1 */
    int order_valid;        /* order was made for these units (kh_order_keep) */
    int *rank;              /* total's rank (0: not ranked) */
    int *rank_size;
    int *tier;              /* -1: none */
    unsigned char *no_honours;
    unsigned char *vetoed;  /* n × nvetoes */
    signed char **progress; /* per node (NULL unless the node has progress) */

    int **tmp_group;        /* per node group arrays, cached */
    int *ngroups_cache;

    /* Column memory (kh_col_alloc): one block of pool_cols columns of n
     * doubles, asked to be backed by huge pages, and the stack of the free
     * ones; columns beyond it come from malloc. */
    double *pool;
    size_t pool_cols;
    double **pool_free;
    size_t npool_free;

    /* Values changed after scoring (kh_result_set_input), applied on top of
     * the dataset whenever their input column is computed. */
    struct kh_override_value {
        int slot;
        size_t unit;
        double v;
    } *changes;
    size_t nchanges, capchanges;
};

/* ---- engine.c: column memory ------------------------------------------- */

/* A column of n doubles for the result (uninitialised), or NULL when out
 * of memory. Give it back with kh_col_release. */
double *kh_col_alloc(struct kh_result *r);

/* Give back a column from kh_col_alloc (NULL is fine). */
void kh_col_release(struct kh_result *r, double *col);

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

/*
 * Recombine parent ni (children computed) for units[0..nunits) only, the
 * other units' scores staying as they are: the parent's part of
 * kh_node_compute, for kh_result_set_input when only some children's
 * scores changed. The node's state is not changed. KH_OK or an error.
 */
int kh_node_recombine(struct kh_result *r, int ni, const size_t *units, size_t nunits,
                      struct kh_err *err);

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
static inline double kh_node_w(const struct kh_result *r, int ni, size_t u)
{
    int c = r->cat[u];
    return c < 0 ? NAN : r->s->nodes[ni].w_by_cat[c];
}

/* The file name a record came from, for citing it ("(程序添加)" for records
 * built in code, whose file index is -1). */
static inline const char *kh_src_file(const struct kh_dataset *ds, int file)
{
    return file >= 0 && file < ds->nfiles ? ds->files[file] : "(程序添加 added in code)";
}

/* Non-zero if event e falls within the scored period (engine.c). */
int kh_event_in_period(const struct kh_result *r, const struct kh_event *e);

/* ---- rank.c --------------------------------------------------------------- */

/*
 * Order the units that have a group (0 <= group[u] < ngroups) by group,
 * then by keys[0], keys[1] … keys[nkeys-1] (each higher first, NaN last,
 * 0.0 and -0.0 equal), then by index: order[start[g] .. start[g+1]) are
 * group g's units (order has n entries, start ngroups + 1). Radix passes,
 * O(n · nkeys). Returns KH_OK, KH_ENOMEM or KH_ELIMIT.
 */
int kh_order_desc(const int *group, size_t n, int ngroups, const double *const *keys, int nkeys,
                  size_t *order, size_t *start);

/*
 * The same order, kept from one call to the next: when *valid and the same
 * units are in the same groups as when order and start were made, the old
 * order is repaired by insertion (a few changed units move, O(n) compares)
 * instead of sorted again; otherwise, or when too much would move, it is
 * made afresh (kh_order_desc) and *valid set. order has n entries, start
 * ngroups + 1. Returns KH_OK, KH_ENOMEM or KH_ELIMIT.
 */
int kh_order_keep(const int *group, size_t n, int ngroups, const double *const *keys, int nkeys,
                  size_t *order, size_t *start, int *valid);

/* ---- result.c ----------------------------------------------------------- */

/* Ranks, vetoes and tiers once every node is scored. */
int kh_result_finish(struct kh_result *r, struct kh_err *err);

/* The value a total is ranked and tiered on (display-rounded or exact). */
double kh_rank_basis(const struct kh_result *r, size_t u);

#endif
