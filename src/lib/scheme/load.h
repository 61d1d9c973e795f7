/*
 * load.h — private to the scheme loader: the reader context and the helpers
 * that read typed values from the positioned YAML tree with errors at the
 * right line and column.
 *
 * Loading runs in three steps: load.c reads the sections and the indicator
 * tree, load_rule.c reads each rule family, and load_check.c binds every
 * expression's names (once all names are known), resolves points per
 * category, and rejects cycles and inconsistent points.
 */
#ifndef KH_SCHEME_LOAD_H
#define KH_SCHEME_LOAD_H

#include "scheme/model.h"
#include "scheme/yaml.h"

/* Where an expression is used: decides which names it may read. */
enum ld_ctx {
    LD_CTX_NODE,     /* a node's rule or condition: x t b W allowed */
    LD_CTX_VALUE,    /* a node's value: as NODE, but not x itself */
    LD_CTX_TARGET,   /* a node's target: as NODE, but not t itself */
    LD_CTX_BASELINE, /* a node's baseline: as NODE, but not b itself */
    LD_CTX_DERIVED,  /* a derived indicator's formula */
    LD_CTX_TIER,     /* a tier condition: total, rank, failed_count, veto() */
    LD_CTX_VETO,     /* a veto condition: total, rank, failed_count */
    LD_CTX_TIEBREAK  /* a tie-break key: total, failed_count (ranks come after) */
};

/* Contexts of a node's own expressions, and of the results phase. */
#define LD_NODE_CTX(c) ((c) <= LD_CTX_BASELINE)
#define LD_RESULT_CTX(c) ((c) >= LD_CTX_TIER)

/* An expression waiting to be bound once every name is known. */
struct ld_pending {
    struct kh_expr *e;
    int ctx;       /* enum ld_ctx */
    int node;      /* node index for node contexts, derived index for DERIVED */
};

struct ld {
    struct kh_scheme *s;
    const char *file;
    struct kh_err *err;
    struct ld_pending *pend;
    size_t npend, cappend;
    size_t capslots;
    size_t capwarn;
    size_t capukeys;
    int bind_node;  /* while binding: the node (or derived) whose expression it is */
    int bind_ctx;
};

/* Record "file:line:col: message" as the error at node `at` (may be NULL)
 * and return KH_EINVAL. */
int ld_fail(struct ld *L, const struct kh_ynode *at, const char *fmt, ...) KH_PRINTF(3, 4);

/* Record a warning at `at`. Returns KH_OK (or KH_ENOMEM). */
int ld_warn(struct ld *L, const struct kh_ynode *at, const char *fmt, ...) KH_PRINTF(3, 4);

/*
 * Check that `map` is a mapping whose keys are all in the NULL-terminated
 * `allowed` list and not repeated; `what` names the thing for messages
 * ("indicator 'gdp'"). Returns KH_OK or KH_EINVAL.
 */
int ld_keys(struct ld *L, const struct kh_ynode *map, const char *what,
            const char *const *allowed);

/* Read a scalar as an owned string. */
int ld_str(struct ld *L, const struct kh_ynode *n, const char *what, char **out);

/* Read a display name: text without control characters, line breaks or tabs. */
int ld_name(struct ld *L, const struct kh_ynode *n, const char *what, char **out);

/* Remember a parameter key that is not a category: it must be a unit id,
 * which only the data can tell (checked by kh_score). */
int ld_unit_key(struct ld *L, const struct kh_ynode *key);

/* Read an identifier (letters, digits, _, CJK; not starting with a digit). */
int ld_ident(struct ld *L, const struct kh_ynode *n, const char *what, char **out);

/* Read a finite number. */
int ld_num(struct ld *L, const struct kh_ynode *n, const char *what, double *out);

/* Read an integer in [lo, hi]. */
int ld_int(struct ld *L, const struct kh_ynode *n, const char *what, long lo, long hi,
           int *out);

/* Read true/false (also yes/no). */
int ld_bool(struct ld *L, const struct kh_ynode *n, const char *what, int *out);

/* Read one of the NULL-terminated `names`; *out is its index. */
int ld_enum(struct ld *L, const struct kh_ynode *n, const char *what,
            const char *const *names, int *out);

/* Read a parameter: number, "80%", or {default: v, <category or unit>: v}. */
int ld_param(struct ld *L, const struct kh_ynode *n, const char *what, struct kh_param *p);

/* Read a number or percentage into *v (pct set when written "80%"). */
int ld_numpct(struct ld *L, const struct kh_ynode *n, const char *what, double *v, int *pct);

/*
 * Parse an expression (a scalar; numbers are allowed too) and queue it for
 * binding in context ctx for node/derived index `owner`.
 */
int ld_expr(struct ld *L, const struct kh_ynode *n, const char *what, int ctx, int owner,
            struct kh_expr **out);

/* Read a node's `rule:` (load_rule.c). */
int ld_rule(struct ld *L, const struct kh_ynode *n, struct kh_node *node, int node_index);

/* Bind, resolve points, check cycles and points (load_check.c). */
int ld_finish(struct ld *L);

/* Intern a slot; returns its index or a negative status. */
int ld_slot(struct ld *L, int kind, const char *name, int ref);

#endif
