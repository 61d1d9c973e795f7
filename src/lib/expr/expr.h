/*
 * expr.h — kaohe's expression language: parse once, bind names to column
 * slots, evaluate over whole columns (one value per unit) at a time.
 *
 * Used by schemes for derived indicators (`derived:`), rule parameters that
 * are formulas (`ref:`, `when:`, `multiplier:`) and custom rules
 * (`formula:`). Internal to the library; the language itself is documented
 * for users in docs/scheme-language.md.
 *
 * The language
 *   numbers      12  3.5  1e3  80%  (a trailing % divides by 100; no leading
 *                zeros or thousands separators, so max(x, 1,000) is an error)
 *   names        gdp  x  t  W  中心城区_gdp  (identifiers: letters incl. CJK,
 *                digits, _ ; not starting with a digit)
 *   operators    + - * / ^ (power, right-assoc), unary -, comparisons
 *                < <= > >= == !=, logical and or not (also && || !);
 *                comparisons and logic give 1 or 0. Loosest first: or, and,
 *                not, comparison, + -, * /, unary -, ^, postfix % — so
 *                -2^2 = -4 and 2^-1 = 0.5. Comparisons do not chain.
 *                Full-width look-alikes typed by a Chinese input method
 *                (（ ） ， ＋ × ≤ …) are refused with a message naming the
 *                ASCII character to type.
 *   math         min(a,b,...) max(a,b,...) clamp(v,lo,hi) if(c,a,b) abs(v)
 *                round(v,d) (half away from zero) floor(v) ceil(v) ln(v)
 *                log10(v) exp(v) pow(a,b) sqrt(v) isna(v) coalesce(a,b,...)
 *   group        gmean(e) gsum(e) gmin(e) gmax(e) gmedian(e) gcount(e)
 *                gstd(e) grank(e) (1 = highest, ties share the best rank)
 *                grank_asc(e) (1 = lowest) gmean_excl(e) (mean of the other
 *                units of the group) gwmean(e,w) (weighted mean)
 *                — computed over the units of the same comparison group,
 *                skipping missing values; a group without values gives NaN
 *                (gcount 0); gstd is the population deviation; gmedian of
 *                an even count is the mean of the middle two; gmean_excl of
 *                a unit with a missing value is the mean of its group
 *   references   name(arg) where `name` is not one of the functions above
 *                and `arg` is a bare identifier: target(gdp), prev(gdp),
 *                baseline(gdp), attr(difficulty), events(accident)… The
 *                binder decides what they mean.
 * Missing data is NaN and propagates through arithmetic, comparisons and
 * functions; `and`/`or` give NaN only when the other operand does not decide
 * (0 and NaN = 0, 1 or NaN = 1); isna() and coalesce() handle it explicitly.
 * Division by zero (and 0 ^ negative) gives NaN, never a trap.
 */
#ifndef KH_EXPR_H
#define KH_EXPR_H

#include <stddef.h>

#include "kaohe/base.h"

struct kh_expr; /* a parsed expression (opaque) */

/* Where an expression's text starts in its source file (for errors). */
struct kh_srcpos {
    const char *file; /* may be NULL */
    int line;         /* 1-based; 0 if unknown */
    int col;          /* 1-based column of the first character of the text */
};

/*
 * Parse `text` into *out. On a syntax error returns KH_EINVAL with err set
 * to the file, line and column of the offending character (pos plus the
 * offset inside text; for multi-line text the line advances) and what was
 * expected. Caller frees *out with kh_expr_free(). Input longer than 64 KiB
 * or nested deeper than 200 levels is refused with KH_ELIMIT.
 */
int kh_expr_parse(const char *text, const struct kh_srcpos *pos, struct kh_expr **out,
                  struct kh_err *err);

/* Free an expression (NULL is fine). */
void kh_expr_free(struct kh_expr *e);

/*
 * Resolve a name to a column slot. `func` is NULL for a bare identifier
 * (`gdp`), or the reference function's name for `target(gdp)` (func =
 * "target", name = "gdp"). Returns a slot >= 0, or a negative status after
 * filling err (the binder is given the identifier's position for that).
 */
typedef int (*kh_expr_binder)(void *user, const char *func, const char *name,
                              const struct kh_srcpos *at, struct kh_err *err);

/*
 * Resolve every name in e through `bind`, once. Returns KH_OK or the first
 * binder failure. An expression must be bound before evaluation.
 * The binder is called once per distinct name (bare or reference), in the
 * order of first appearance, with that appearance's position; binding
 * again re-resolves everything. On failure e is left unbound.
 */
int kh_expr_bind(struct kh_expr *e, kh_expr_binder bind, void *user, struct kh_err *err);

/*
 * Call fn for every slot the bound expression reads (duplicates possible).
 * For dependency ordering and cycle detection.
 */
void kh_expr_each_slot(const struct kh_expr *e, void (*fn)(void *user, int slot), void *user);

/* Non-zero if e contains a group function (its value depends on other units). */
int kh_expr_uses_group(const struct kh_expr *e);

/*
 * If e is a constant (no names), store its value in *v and return 1; else 0.
 * A group function makes e non-constant even without names (gcount(1)
 * depends on the group). Constant subtrees are folded at parse time.
 */
int kh_expr_const_value(const struct kh_expr *e, double *v);

/* What evaluation reads. */
struct kh_expr_ctx {
    size_t n;                   /* number of units: the length of every column */
    const double *const *cols;  /* cols[slot]: column of n values (NaN = missing) */
    int nslots;                 /* number of entries in cols */
    const int *group;           /* group[i] in [0, ngroups) or -1 (unit takes no
                                   part: group functions give NaN for it and
                                   skip it); NULL: all units form one group */
    int ngroups;
};

/*
 * Evaluate the bound expression for all ctx->n units into out[0..n).
 * Returns KH_OK, KH_ENOMEM, or KH_EINVAL if a slot is out of range.
 * Never traps on arithmetic (NaN and ±inf are values).
 * Also KH_EINVAL when e is not bound or a group id is outside [-1,
 * ngroups). out must not overlap the input columns. Results are never -0.
 * Scratch memory is allocated once per call (a few columns of n doubles).
 */
int kh_expr_eval(const struct kh_expr *e, const struct kh_expr_ctx *ctx, double *out,
                 struct kh_err *err);

/* Append the expression's source text (as written) to b. */
void kh_expr_text(const struct kh_expr *e, struct kh_buf *b);

/*
 * Append, for one unit, each name's value as `name = value` separated by
 * "; " (group functions show their group value, e.g. `gmean(gdp) = 8.31`),
 * for explanation traces; names are shown as written in the source.
 * Returns KH_OK or the buffer's failure status.
 * Each distinct name, reference and group call appears once, in source
 * order; values have up to 6 significant digits ("8.31", "0.333333",
 * "12"), missing ones show as "缺失(missing)". Also KH_EINVAL when e is not
 * bound, ctx is invalid or unit >= ctx->n, and KH_ENOMEM. Group values are
 * recomputed over the unit's group only, so explaining one unit is cheap
 * but explaining every unit of a huge group is quadratic.
 */
int kh_expr_explain(const struct kh_expr *e, const struct kh_expr_ctx *ctx, size_t unit,
                    struct kh_buf *b);

#endif
