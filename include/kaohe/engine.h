/*
 * kaohe/engine.h — scoring: a scheme applied to a dataset for one period
 * gives every node's score for every unit, the totals, ranks and tiers,
 * vetoes, firsts, weak points, time-progress status and, on request, an
 * explanation trace of any single number.
 *
 * The engine does no I/O: it reads a loaded scheme and dataset and writes
 * into memory and into caller-supplied buffers. Results are deterministic:
 * the same scheme and data give the same bytes.
 *
 * Units are addressed by their index in the dataset (kh_dataset.units);
 * nodes by their index in the scheme (kh_scheme_node_count, pre-order,
 * node 0 is the total).
 */
#ifndef KAOHE_ENGINE_H
#define KAOHE_ENGINE_H

#include <stddef.h>

#include "kaohe/base.h"
#include "kaohe/data.h"
#include "kaohe/scheme.h"

struct kh_result; /* opaque: one scored period */

/*
 * Score every unit of ds under scheme s for `period` ("2024", "2024H1",
 * "2024Q3", "2024-07"). Returns KH_OK and *out, or an error saying which
 * unit, indicator and data row is the problem (a missing value whose
 * indicator says `missing: error`, a unit whose category the scheme does
 * not know, a target of zero where the rule cannot divide by it …).
 * s and ds must outlive *out, which the caller frees with kh_result_free().
 */
int kh_score(const struct kh_scheme *s, const struct kh_dataset *ds, const char *period,
             struct kh_result **out, struct kh_err *err);

/* Free a result (NULL is fine). */
void kh_result_free(struct kh_result *r);

/* The period scored, as text. */
const char *kh_result_period(const struct kh_result *r);

/* The unit's category index in the scheme. */
int kh_result_category(const struct kh_result *r, int unit);

/* A node's score for a unit at full precision; NaN when the node does not
 * apply to the unit (another category's indicator) or was excluded for
 * missing data. */
double kh_result_score(const struct kh_result *r, int unit, int node);

/* The same, rounded as the scheme publishes it (decimals, half-up). */
double kh_result_display(const struct kh_result *r, int unit, int node);

/* A leaf's value x and target t for the unit (NaN if none). */
double kh_result_value(const struct kh_result *r, int unit, int node);
double kh_result_target(const struct kh_result *r, int unit, int node);

/* Rank of the total within the ranking scope (category by default), and
 * how many units that scope ranks. */
int kh_result_rank(const struct kh_result *r, int unit);
int kh_result_rank_size(const struct kh_result *r, int unit);

/* The tier's index in the scheme's tier list, or -1 (no tiers, or the unit
 * met no tier's conditions); its id and display name ("" when none). */
int kh_result_tier(const struct kh_result *r, int unit);
const char *kh_result_tier_id(const struct kh_result *r, int unit);
const char *kh_result_tier_name(const struct kh_result *r, int unit);

/* Vetoes triggered for the unit: count, and the i-th's display name. */
int kh_result_veto_count(const struct kh_result *r, int unit);
const char *kh_result_veto_name(const struct kh_result *r, int unit, int i);

/* 0 if a veto took away the unit's eligibility for honours. */
int kh_result_honours_eligible(const struct kh_result *r, int unit);

/* Time-progress (序时进度) status of a leaf with `progress:`. */
enum kh_progress { KH_PROGRESS_NONE, KH_PROGRESS_GREEN, KH_PROGRESS_YELLOW, KH_PROGRESS_RED };
int kh_result_progress(const struct kh_result *r, int unit, int node);

/* A first place ("全市第一", "中心城区第一"): unit u is first on node n among
 * the units of `scope` (a category id, or a tag). */
struct kh_first {
    int unit;
    int node;
    int by_value;          /* 1: ranked by the value x, 0: by score */
    double value;          /* the value or score that was first */
    int tied;              /* units sharing the first place */
    const char *scope;     /* category id or tag; points into the scheme or the
                              dataset, valid as long as they are */
    int scope_is_tag;
};

/*
 * List every first place: for each node (leaves by value in their direction,
 * other nodes by score) within each category and within each tag. *out is
 * malloc'ed (caller frees); *n its length. Returns KH_OK or KH_ENOMEM.
 */
int kh_result_firsts(const struct kh_result *r, struct kh_first **out, size_t *n);

/* A weak point of a unit: a leaf where it loses points. */
struct kh_weak {
    int node;
    double score;       /* the unit's score */
    double full;        /* the node's points for the unit */
    double loss;        /* full − score */
    double group_mean;  /* mean score of the units of the same category */
    double gap;         /* group_mean − score (positive: below the group) */
};

/*
 * The unit's weak points, worst first (largest loss, then largest gap):
 * writes up to `max` entries into out and returns how many. Leaves only;
 * bonus and deduction items are left out.
 */
int kh_result_weak(const struct kh_result *r, int unit, struct kh_weak *out, int max);

/*
 * Rank movement of a unit between two results of the same scheme and
 * dataset units: previous rank − current rank (positive: 进位, moved up).
 * Returns 0 when either rank is unknown; *known is set to 0 then (may be
 * NULL).
 */
int kh_result_movement(const struct kh_result *prev, const struct kh_result *cur, int unit,
                       int *known);

/*
 * The unit's current streak of first places on node `node` within its
 * category, over results[0..n) in time order (the last is the current
 * period): how many consecutive periods, ending with the last, it ranked
 * first. ("数字化城市管理工作连续12个月位居中心城区第一" uses a tag scope:
 * pass the tag, or NULL for the category.)
 */
int kh_streak(const struct kh_result *const *results, int n, int unit, int node,
              const char *tag);

/*
 * Explain one number: append to `out` the trace for unit `unit` and node
 * `node` — the clause as written in the scheme, the inputs with the data
 * rows they came from, the group statistics used, each step of the formula
 * with its numbers, the rounding, and the effect on the parent, the total,
 * the rank and the tier. In Chinese. Returns KH_OK or an error.
 */
int kh_explain(const struct kh_result *r, int unit, int node, struct kh_buf *out,
               struct kh_err *err);

/*
 * Change one input value and rescore only what depends on it: the value of
 * input `input` (an id under the scheme's inputs:) for unit `unit` in the
 * scored period becomes v (NaN: reported missing), replacing whatever the
 * dataset gives for that period. Derived indicators, node values and scores
 * that read it (directly or through other nodes' scores) are recomputed;
 * columns that do not depend on it are kept. Totals, ranks, vetoes and tiers
 * are then redone. The dataset is not changed, and so neither are the
 * ytd(), prev() and lastyear() readings of the input, which come from the
 * dataset's rows for other periods. Returns KH_OK, KH_ENOTFOUND
 * for an unknown input or unit, or a scoring error (the result is then left
 * as it was before the call failed only up to the failing node: score again).
 * The number of node columns recomputed is stored in *nodes_recomputed when
 * that pointer is not NULL.
 */
int kh_result_set_input(struct kh_result *r, int unit, const char *input, double v,
                        int *nodes_recomputed, struct kh_err *err);

/*
 * Round v half-up (away from zero) at `decimals`, the way published tables
 * round: on the shortest decimal form of v, so 2.675 → 2.68.
 */
double kh_round(double v, int decimals);

#endif
