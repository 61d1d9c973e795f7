/*
 * rules.h — the scoring rule families (R1–R13 of the rule catalogue) as pure
 * functions of one unit's inputs.
 *
 * The engine prepares, for one node and one unit, everything the node's
 * rule needs (value x, target t, baseline b, points W, group statistics,
 * rank, the unit's events and ballots) in a struct kh_rule_unit, and calls
 * kh_rule_eval(). Rules never look at other units directly: whatever they
 * need from the group arrives precomputed. This keeps each family small,
 * testable on its own, and lets the engine evaluate columns fast.
 */
#ifndef KH_ENGINE_RULES_H
#define KH_ENGINE_RULES_H

#include <stddef.h>

#include "kaohe/data.h"
#include "scheme/model.h"
#include "engine/trace.h"

/* Everything a rule may read for one unit. Fields a rule does not use are
 * left NaN / 0 / NULL by the engine. */
struct kh_rule_unit {
    int unit;               /* index into the dataset's units */
    int cat;                /* the unit's category index in the scheme */
    const char *unit_id;    /* for per-unit parameters */
    double x;               /* the node's value (NaN: missing) */
    double t;               /* target (NaN: none) */
    double b;               /* baseline (NaN: none) */
    double W;               /* the node's points for this unit */

    double ref;             /* steps: the reference value (ref: or t) */
    double leader;          /* proportional: the group's best x (max, or min when lower is better) */
    double best, worst;     /* efficacy: satisfactory and not-allowed values */
    double gmin, gmax;      /* index (minmax): the group's min and max of x */
    double gmean, gstd;     /* index (zscore): the group's mean and population std of x */
    double cond;            /* binary: the `when` condition (1/0/NaN) */
    double computed;        /* formula: the expression's value; bands: the banded quantity */

    int rank;               /* rank: the unit's place (1-based) per the tie policy,
                               counted from the rule's end (top or bottom) */
    int ntied;              /* rank: units sharing that place (>= 1) */
    int ngroup;             /* rank: ranked units in the group */

    const struct kh_event *const *events; /* bonus/deduct: this unit's events of the
                                             rule's items in the period */
    size_t nevents;
    const struct kh_ballot *const *ballots; /* ballot: this unit's rows at the meeting */
    size_t nballots;
    const unsigned char *ballot_valid; /* parallel to ballots: 1 if its ballot is valid */
    const char *const *files; /* dataset file names, for citing event/ballot rows */
};

/*
 * Score one unit on node n's rule (n->rule.kind must not be KH_RULE_NONE).
 * Writes the score into *score. Explains each step into tr (may be NULL) in
 * Chinese with the numbers used, e.g. "差值 d = x − 参照 = 9.3 − 8.5 = 0.8".
 * Returns KH_OK, or KH_EINVAL with err naming the node and what is wrong
 * (e.g. the target is 0 and on_bad_target is error; an event level that the
 * rule does not list, citing the event's file:line).
 * The node's final clamp (min/max), overrides, multiplier and missing-data
 * policy are the engine's job, not the rule's.
 */
int kh_rule_eval(const struct kh_scheme *s, const struct kh_node *n,
                 const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                 struct kh_err *err);

/*
 * Decide which ballots of `r->meeting` are valid: valid[i] for every i in
 * [0, ds->nballots) is set to 1 or 0 (ballots of other meetings get 1).
 * A ballot is all rows of one evaluator at the meeting. It is void when
 * r->invalid_uniform and it gives every unit the same mark (and marks more
 * than one unit), or when it gives more units a grade than r->grade_quota
 * allows. A row whose grade is not in r->grades nor r->ignore is an error
 * (KH_EINVAL citing file:line). Returns KH_OK or an error.
 */
int kh_ballot_validate(const struct kh_rule_ballot *r, const struct kh_dataset *ds,
                       unsigned char *valid, struct kh_err *err);

/*
 * Rank the values v[0..n) within groups: group[i] in [0, ngroups) or -1
 * (not ranked: rank 0, ntied 0). Higher values rank first unless
 * `lower_better`. NaN values are not ranked (rank 0). `ties` is enum
 * kh_ties: COMPETITION gives 1,2,2,4; DENSE 1,2,2,3; SHARE gives
 * competition ranks (the rule shares the points of the tied slots);
 * ORDINAL breaks ties by `tiebreak` (may be NULL; higher first) and then by
 * index. Writes rank[i] and ntied[i] (units with the same rank in the same
 * group) and, if gsize is not NULL, gsize[g] = ranked units in group g.
 * Returns KH_OK or KH_ENOMEM. O(n log n).
 */
int kh_rank_groups(const double *v, const int *group, size_t n, int ngroups, int lower_better,
                   int ties, const double *tiebreak, int *rank, int *ntied, int *gsize);

#endif
