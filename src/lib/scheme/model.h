/*
 * model.h — the scheme model: what a loaded 考核办法 is in memory.
 *
 * The YAML loader (scheme_load.c) builds it and validates it; the engine
 * (src/lib/engine) reads it and never changes it. Every element keeps the
 * position of the YAML text it came from, so that `kaohe check` and the
 * engine can point a clerk at the exact clause. The language itself is
 * documented for users in docs/scheme-language.md; this header documents
 * the meaning of each field for the engine.
 *
 * Names: a scheme has categories (赛道), parameters, inputs (data series
 * filed in values.csv), derived indicators (formulas), an indicator tree of
 * nodes with rules, tiers and vetoes. Expressions anywhere in the scheme are
 * bound to "slots" (struct kh_slot): one per distinct thing an expression
 * can read (an input at the period, a target, a parameter, another node's
 * score …). The engine materialises each slot as a column over units.
 */
#ifndef KH_SCHEME_MODEL_H
#define KH_SCHEME_MODEL_H

#include "kaohe/base.h"
#include "kaohe/scheme.h"
#include "expr/expr.h"

/* A position in the scheme file. */
struct kh_pos {
    int line, col;
};

/* ---- parameters (R17: may differ by category or by unit) -------------- */

/*
 * A numeric parameter. In YAML: a number (`0.5`), a share of the node's
 * points (`"80%"` → pct = 1, value 0.8 means 0.8 × W), or a map
 * `{default: 2, town: 2.5, T01: 3}` whose keys are category ids or unit
 * ids (unit ids win over categories, categories over default).
 * `set` is 0 when the scheme did not give it (use the rule's default).
 */
struct kh_param_over {
    char *key;    /* category id or unit id */
    int cat;      /* category index when key is a category, else -1 */
    double v;
    int pct;      /* v is a share of W */
};

struct kh_param {
    int set;
    double v;     /* default value (NaN: no default — must be overridden) */
    int pct;      /* v is a share of W */
    struct kh_param_over *over;
    int nover;
    struct kh_pos pos;
};

/* ---- slots: what expressions read -------------------------------------- */

enum kh_slot_kind {
    KH_SLOT_INPUT,      /* input `name` at the scored period (aggregated) */
    KH_SLOT_PREV,       /* prev(name): the previous period of the same kind */
    KH_SLOT_LASTYEAR,   /* lastyear(name): the same period a year earlier */
    KH_SLOT_TARGET,     /* target(name): from targets.csv */
    KH_SLOT_BASELINE,   /* baseline(name): from targets.csv */
    KH_SLOT_DERIVED,    /* a derived indicator (index into derived[]) */
    KH_SLOT_PARAM,      /* param(name): a named scheme parameter */
    KH_SLOT_ATTR,       /* attr(name): a numeric unit attribute (units.csv) */
    KH_SLOT_EVENTS,     /* events(item): count of non-exempt events */
    KH_SLOT_SCORE,      /* score(node): a node's score */
    KH_SLOT_FAILED,     /* failed(node): 1 if the node's pass test fails */
    KH_SLOT_NODE_X,     /* x of a node (its value) */
    KH_SLOT_NODE_T,     /* t of a node (its target) */
    KH_SLOT_NODE_B,     /* b of a node (its baseline) */
    KH_SLOT_NODE_W,     /* W of a node (its points for the unit) */
    KH_SLOT_TOTAL,      /* total: the root score (tiers, vetoes) */
    KH_SLOT_RANK,       /* rank: the total's rank in its ranking scope */
    KH_SLOT_FAILED_ALL, /* failed_count: nodes with a pass test that fail */
    KH_SLOT_VETO,       /* veto(id): 1 if that veto is triggered */
    KH_SLOT_YTD,        /* ytd(name): input from the year's first month to the
                           end of the scored period (累计, for 序时进度) */
    KH_SLOT_ELAPSED     /* elapsed: share of the year elapsed at the end of
                           the scored period (2024-06 → 0.5) */
};

struct kh_slot {
    int kind;       /* enum kh_slot_kind */
    char *name;     /* input/param/attr/event item/derived name (owned) */
    int ref;        /* input index, derived index, param index, node index
                       or veto index, depending on kind; -1 if none */
};

/* ---- inputs and derived indicators ------------------------------------ */

enum kh_aggregate {
    KH_AGG_NONE,    /* only a value filed for exactly the scored period */
    KH_AGG_SUM,     /* sum of the sub-period values (flows: revenue) */
    KH_AGG_MEAN,    /* mean (rates, S39 monthly → quarterly averages) */
    KH_AGG_LAST,    /* the latest sub-period (year-to-date figures) */
    KH_AGG_MIN,
    KH_AGG_MAX
};

struct kh_input {
    char *id;       /* the name in values.csv */
    char *name;     /* display name */
    char *unit;     /* measurement unit ("%", "万元"), may be NULL */
    int aggregate;  /* enum kh_aggregate */
    int partial_ok; /* 1: aggregate whatever sub-periods were filed; 0
                       (default): a period with sub-periods missing (or, for
                       last, not filed up to its end) has no value */
    struct kh_pos pos;
};

struct kh_derived {
    char *id;
    char *name;
    struct kh_expr *formula;
    struct kh_pos pos;
};

struct kh_named_param {
    char *id;
    char *name;
    struct kh_param p;
};

/* ---- categories ------------------------------------------------------- */

struct kh_category {
    char *id;       /* as in units.csv */
    char *name;     /* display name (镇街, 部门, 园区A档) */
    struct kh_pos pos;
};

/* ---- rules ------------------------------------------------------------ */

enum kh_rule_kind {
    KH_RULE_NONE = 0,   /* a parent node: combines its children */
    KH_RULE_RATIO,      /* R1 completion ratio */
    KH_RULE_STEPS,      /* R2, R5, R13 steps around a reference */
    KH_RULE_RANK,       /* R3a/b points by rank */
    KH_RULE_PROPORTIONAL, /* R3c proportional to the leader */
    KH_RULE_EFFICACY,   /* R4 efficacy coefficient */
    KH_RULE_BANDS,      /* R6 bands */
    KH_RULE_BINARY,     /* R7 done / not done */
    KH_RULE_COUNT,      /* R8 counts with quota and cap */
    KH_RULE_BONUS,      /* R9 bonus events */
    KH_RULE_DEDUCT,     /* R10 deduction events */
    KH_RULE_BALLOT,     /* R12 evaluator ballots */
    KH_RULE_INDEX,      /* normalisation for composite indices */
    KH_RULE_FORMULA,    /* a custom expression gives the score */
    KH_RULE_SCORE       /* x is the score itself (scaled, clamped) */
};

enum kh_measure {
    KH_MEASURE_POINTS,   /* percentage points: d = x − ref */
    KH_MEASURE_PERCENT,  /* percent of the reference: d = (x − ref)/|ref|·100 */
    KH_MEASURE_ABSOLUTE  /* plain difference in the value's own unit */
};

enum kh_partial {
    KH_PARTIAL_CONTINUOUS, /* 1.5 steps count 1.5 */
    KH_PARTIAL_WHOLE       /* 1.5 steps count 1 (whole steps only) */
};

/* One piece of a piecewise slope: applies to the part of d in
 * (previous piece's `until`, until]; the last piece has has_until = 0. */
struct kh_piece {
    struct kh_param per;   /* points per step in this piece */
    int has_until;
    struct kh_param until; /* upper end of the piece, in d units (>0) */
};

/* A cliff: when x crosses a threshold the score is fixed (低于90%不得分). */
enum kh_cliff_op { KH_CLIFF_NONE, KH_CLIFF_LT, KH_CLIFF_LE, KH_CLIFF_GT, KH_CLIFF_GE };

struct kh_rule_steps {
    struct kh_expr *ref;  /* the reference; NULL: the node's target t */
    int measure;          /* enum kh_measure (required in YAML) */
    struct kh_param step; /* size of one step in d units (default 1) */
    int partial;          /* enum kh_partial (required in YAML) */
    struct kh_param base; /* score at d = 0 (default W) */
    struct kh_piece *up;  /* slopes above the reference; nup pieces */
    int nup;
    struct kh_piece *down; /* slopes below the reference; ndown pieces */
    int ndown;
    struct kh_param max_up;   /* cap on the bonus amount (unset: none) */
    struct kh_param max_down; /* cap on the deduction amount (unset: none) */
    int cliff_op;             /* enum kh_cliff_op, compares x */
    struct kh_param cliff_at;
    struct kh_param cliff_score; /* default 0 */
};

enum kh_ties {
    KH_TIES_COMPETITION, /* 1,2,2,4 */
    KH_TIES_DENSE,       /* 1,2,2,3 */
    KH_TIES_SHARE,       /* tied units share the mean of their slots' points */
    KH_TIES_ORDINAL      /* 1,2,3,4 by the tie-break keys, then unit order */
};

struct kh_rank_band {
    int from, to;        /* ranks, inclusive, 1-based */
    struct kh_param score;
};

enum kh_rank_form { KH_RANK_LIST, KH_RANK_BANDS, KH_RANK_STEP };

struct kh_rule_rank {
    struct kh_expr *by;  /* what is ranked; NULL: x */
    int ties;            /* enum kh_ties (required in YAML) */
    int from_bottom;     /* 1: rank 1 is the last place (倒数第1名) */
    int form;            /* enum kh_rank_form */
    struct kh_param *list; /* LIST: points for rank 1, 2, … */
    int nlist;
    struct kh_rank_band *bands; /* BANDS */
    int nbands;
    struct kh_param first; /* STEP: points of rank 1 */
    struct kh_param step;  /* STEP: minus this per place */
    struct kh_param rest;  /* ranks not covered (default 0); also STEP's floor */
};

enum kh_nonpos { KH_NONPOS_ERROR, KH_NONPOS_ZERO, KH_NONPOS_FULL };

struct kh_rule_ratio {
    struct kh_param cap;    /* largest ratio counted (default 1; unset cap_none) */
    int cap_none;           /* 1: uncapped (`cap: none`) */
    struct kh_param floor;  /* smallest ratio (default 0) */
    int on_bad_target;      /* enum kh_nonpos: target missing, 0 or negative */
};

struct kh_rule_proportional {
    int on_bad_leader;      /* enum kh_nonpos: leader value <= 0 */
};

struct kh_rule_efficacy {
    struct kh_param low, high; /* d range (default 60, 100) */
    struct kh_expr *best;      /* satisfactory value; NULL: group max (min if lower) */
    struct kh_expr *worst;     /* not-allowed value; NULL: group min (max if lower) */
    struct kh_param scale;     /* score = W · d / scale (default 100) */
    int equal_high;            /* best == worst: 1 → high, 0 → low (default high) */
    int clamp;                 /* clamp d to [low, high] (default 1) */
};

/* A band: the value is in it when every bound given holds. */
struct kh_band {
    int has_gt, has_ge, has_lt, has_le;
    struct kh_param gt, ge, lt, le;
    struct kh_param score;
    struct kh_pos pos;
};

struct kh_rule_bands {
    struct kh_expr *on;  /* banded quantity; NULL: x */
    struct kh_band *bands; /* first match wins */
    int nbands;
};

struct kh_rule_binary {
    struct kh_expr *when; /* NULL: x > 0 */
    struct kh_param other; /* score when false (default 0) */
};

struct kh_rule_count {
    struct kh_param quota; /* default 0 */
    struct kh_param base;  /* score at the quota (default 0) */
    struct kh_param per;   /* points per unit above the quota (required) */
    struct kh_param below; /* score under the quota (default 0) */
    struct kh_param max;   /* cap (unset: none) */
};

/* Points by event level ({国家级: 1, 省级: 0.8}); a level may instead give a
 * discretionary range [lo, hi] (the event's `points` column picks the value). */
struct kh_level {
    char *name;
    struct kh_param v;
    int ranged;
    struct kh_param hi; /* with ranged: v is lo */
};

/* A nonlinear schedule by total count: the row with the largest count <= n
 * applies: either a total deduction or a fixed item score. */
struct kh_sched {
    double count;
    int sets_score;     /* 1: score = value; 0: deduction = value */
    struct kh_param value;
};

struct kh_rule_events {      /* bonus and deduct */
    char **items;            /* event items this rule takes */
    int nitems;
    struct kh_level *levels; /* nlevels; none: every event is worth `per` */
    int nlevels;
    struct kh_param per;     /* points per event (when no levels) */
    int dedupe_matter;       /* bonus: keep the best event per matter (default 1) */
    int split_shares;        /* divide by the event's shares (default 1) */
    struct kh_sched *sched;  /* deduct: nonlinear schedule (optional) */
    int nsched;
    struct kh_param base;    /* deduct: starting score (default W); bonus: 0 */
    struct kh_param max;     /* bonus: cap on the sum; deduct: cap on deduction */
    struct kh_param min;     /* deduct: floor of the score (default 0; negative = 倒扣) */
};

struct kh_grade {
    char *name;
    double v;
};

struct kh_ballot_group {
    char *name;
    double weight;
};

struct kh_rule_ballot {
    char *meeting;
    struct kh_grade *grades; /* grade → value; none: numeric scores */
    int ngrades;
    char **ignore;           /* grades that count nowhere (不了解) */
    int nignore;
    struct kh_ballot_group *groups; /* evaluator groups and weights; none: one group */
    int ngroups;
    int trim_over;           /* trim when a group has more than this many marks (0: never) */
    int trim_high, trim_low; /* how many highest and lowest marks to drop */
    struct kh_param scale;   /* score = W · S / scale (default 100) */
    int invalid_uniform;     /* a ballot giving every unit the same mark is void */
    struct kh_grade *grade_quota; /* at most v units per evaluator with this grade */
    int ngrade_quota;
};

enum kh_index_method { KH_INDEX_GOALPOSTS, KH_INDEX_MINMAX, KH_INDEX_ZSCORE };

struct kh_rule_index {
    int method;
    struct kh_param min, max; /* goalposts */
    int log;                  /* transform ln(x) (and ln of goalposts) first */
    int clamp;                /* clamp to [0, 1] (default 1; not for z-scores) */
};

struct kh_rule_formula {
    struct kh_expr *expr;
};

struct kh_rule_score {
    struct kh_param scale;  /* x is on 0..scale; score = W · x / scale (unset: x as is) */
};

struct kh_rule {
    int kind;               /* enum kh_rule_kind */
    struct kh_pos pos;
    union {
        struct kh_rule_ratio ratio;
        struct kh_rule_steps steps;
        struct kh_rule_rank rank;
        struct kh_rule_proportional prop;
        struct kh_rule_efficacy eff;
        struct kh_rule_bands bands;
        struct kh_rule_binary binary;
        struct kh_rule_count count;
        struct kh_rule_events events;
        struct kh_rule_ballot ballot;
        struct kh_rule_index index;
        struct kh_rule_formula formula;
        struct kh_rule_score score;
    } u;
};

/* ---- nodes ------------------------------------------------------------ */

enum kh_node_kind {
    KH_NODE_NORMAL,   /* counts toward the parent's full points */
    KH_NODE_BONUS,    /* 加分项: outside the full points */
    KH_NODE_DEDUCTION /* 扣分项: outside the full points */
};

enum kh_combine {
    KH_COMBINE_SUM,       /* Σ weight·score (weight default 1) */
    KH_COMBINE_MEAN,      /* W · weighted arithmetic mean of score/W_child */
    KH_COMBINE_GEOMETRIC, /* W · weighted geometric mean of score/W_child */
    KH_COMBINE_HARMONIC,  /* W · weighted harmonic mean of score/W_child */
    KH_COMBINE_MIN,       /* W · min of score/W_child */
    KH_COMBINE_MAX        /* W · max of score/W_child */
};

enum kh_missing {
    KH_MISSING_ERROR,   /* refuse to score (default) */
    KH_MISSING_ZERO,    /* the node scores 0 */
    KH_MISSING_MEAN,    /* the node scores its group's mean score */
    KH_MISSING_EXCLUDE  /* the node is dropped and its parent re-weighted */
};

enum kh_group_kind {
    KH_GROUP_CATEGORY,  /* units of the same category (default) */
    KH_GROUP_ALL,       /* every unit the node applies to */
    KH_GROUP_TAG        /* units carrying the tag `group_tag` */
};

/* A special case checked before the rule: if `when` holds, score = `score`. */
struct kh_override {
    struct kh_expr *when;
    struct kh_expr *score;
    struct kh_pos pos;
};

struct kh_node {
    char *id;
    char *name;
    char *clause;        /* the rule's text as published (细则原文); may be NULL */
    char *dept;          /* responsible department (牵头单位); may be NULL */
    int kind;            /* enum kh_node_kind */
    int parent;          /* index of the parent node, -1 for the root */
    int *children;       /* child node indices, in order */
    int nchildren;
    int depth;           /* root 0 */

    struct kh_param points; /* W (分值) as written; may differ by category */
    double *w_by_cat;       /* W resolved per category by the loader (ncats
                               entries; NaN where the node does not apply) */
    int points_from_share;  /* points was given as `share:` of the parent */
    double share;           /* with points_from_share */
    double weight;          /* for the parent's combine (default 1) */
    int combine;            /* enum kh_combine (parents) */

    int *only_cats;      /* the node applies only to these categories; */
    int nonly_cats;      /* none: all */

    struct kh_expr *value;    /* x; NULL for parents */
    int value_input;          /* input index when value is just an input's
                                 name (then target and baseline default to
                                 that input's); -1 otherwise */
    struct kh_expr *target;   /* t; NULL: target(<value name>) when value is an input */
    struct kh_expr *baseline; /* b; NULL: baseline(<value name>) likewise */
    int lower_better;         /* direction: lower is better */
    int group;                /* enum kh_group_kind */
    char *group_tag;          /* with KH_GROUP_TAG */
    int missing;              /* enum kh_missing */

    struct kh_rule rule;
    struct kh_override *overrides;
    int noverrides;
    struct kh_expr *multiplier; /* R16: the score is multiplied by this */
    int has_min, has_max;
    struct kh_param min, max;   /* final clamp of the node's score */
    struct kh_expr *pass;       /* 达标 test (for failed() and tiers T4); NULL */
    int has_progress;           /* time-progress status (needs a target) */
    double progress_green, progress_yellow; /* ratio thresholds of actual/expected */

    int slot_x, slot_t, slot_b, slot_w; /* the node's own slots (-1 if unused) */
    struct kh_pos pos;
};

/* ---- tiers and vetoes ------------------------------------------------- */

enum kh_quota_round { KH_QROUND_FLOOR, KH_QROUND_ROUND, KH_QROUND_CEIL };

struct kh_tier {
    char *id;
    char *name;
    int has_min, min_strict;   /* total >= min (or > min when strict) */
    double min;
    int has_max, max_strict;   /* total <= max (or < max when strict) */
    double max;
    int has_quota;             /* at most quota units of the scope */
    int quota_share;           /* quota is a share (quota_v in [0,1]) */
    double quota_v;            /* (quota_v NaN: only some categories have one) */
    struct kh_tier_quota {     /* per-category quotas ({default: 30%, park: 1}) */
        int cat;
        int share;
        double v;
    } *qover;
    int nqover;
    int quota_round;           /* enum kh_quota_round (required for shares) */
    struct kh_expr *when;      /* extra condition (eligibility, T4) */
    struct kh_pos pos;
};

enum kh_quota_tie { KH_QTIE_EXCLUDE, KH_QTIE_INCLUDE };

struct kh_tiers {
    struct kh_tier *levels;    /* best first */
    int nlevels;
    int scope_all;             /* 0: per category (T3), 1: all units together */
    struct kh_expr **tiebreak; /* keys, higher first, applied to equal totals */
    int ntiebreak;
    int quota_tie;             /* enum kh_quota_tie: ties at a quota boundary */
    int quota_tie_set;
};

enum kh_veto_effect { KH_VETO_FORCE_TIER, KH_VETO_FORBID_TOP, KH_VETO_FORBID, KH_VETO_NO_HONOURS };

struct kh_veto {
    char *id;
    char *name;
    char *clause;
    struct kh_expr *when;
    int effect;          /* enum kh_veto_effect */
    int tier;            /* FORCE_TIER: the tier index */
    int *forbid;         /* FORBID: tier indices */
    int nforbid;
    struct kh_pos pos;
};

/* ---- the scheme ------------------------------------------------------- */

enum kh_rounding { KH_ROUND_DISPLAY, KH_ROUND_ITEM };

struct kh_scheme {
    char *file;          /* path it was loaded from (for messages) */
    char *source;        /* the YAML text, kept for snapshots */
    char *id;
    char *name;
    char *version;
    int decimals;        /* displayed decimals (default 2) */
    int rounding;        /* enum kh_rounding */
    int rank_exact;      /* 1: rank on full precision; 0: on displayed totals */
    int rank_ties;       /* enum kh_ties for the total (default competition) */
    int rank_scope_all;  /* 0: rank within category (default) */

    struct kh_category *cats;
    int ncats;
    struct kh_named_param *params;
    int nparams;
    struct kh_input *inputs;
    int ninputs;
    struct kh_derived *derived;
    int nderived;
    struct kh_node *nodes;   /* nodes[0] is the root (the total); pre-order */
    int nnodes;
    struct kh_tiers tiers;
    struct kh_veto *vetoes;
    int nvetoes;

    struct kh_slot *slots;
    int nslots;

    char **warnings;         /* "file:line:col: text" */
    int nwarnings;

    /* Parameter keys that are not categories, so must be unit ids; the
     * engine checks them against the data. */
    struct kh_unit_key {
        char *key;
        struct kh_pos pos;
    } *unit_keys;
    int nunit_keys;
};

/*
 * The value of parameter p for a unit of category `cat` (-1: none) whose id
 * is `unit_id` (may be NULL), where the node's points are W (for "80%"
 * values). Returns `dflt` when p is not set. Unit overrides win over
 * category overrides, which win over the default.
 */
double kh_param_get(const struct kh_param *p, int cat, const char *unit_id, double W,
                    double dflt);

/*
 * Non-zero if leaf nd's rule reads the node's value x (so a missing x is
 * missing data, handled by the node's missing: policy): not for bonus,
 * deduct, ballot and formula rules, nor when binary has when:, bands has
 * on: or rank has by:.
 */
int kh_node_reads_x(const struct kh_node *nd);

/* Index of a node by id, category by id, input by id; -1 if none. */
int kh_scheme_node(const struct kh_scheme *s, const char *id);
int kh_scheme_category(const struct kh_scheme *s, const char *id);
int kh_scheme_input(const struct kh_scheme *s, const char *id);

#endif
