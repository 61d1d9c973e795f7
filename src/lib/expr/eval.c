/*
 * eval.c — evaluation of a bound expression over whole columns (see
 * kh_expr_eval in expr.h): every node computes n values at once, in tight
 * loops over arrays, so 500,000 units cost a few passes over memory rather
 * than 500,000 tree walks.
 *
 * Memory: one block of scratch columns per kh_expr_eval call, as many as
 * the tree needs at once (worked out by the parser, usually one or two);
 * a node writes its result into the column its parent hands it, and a name
 * hands back its input column without copying. Constant kids of operators
 * are used as scalars. Group functions get per-group accumulators and, for
 * medians and ranks, one array of (value, unit) pairs, also allocated once.
 *
 * Missing data is NaN. It propagates through arithmetic, comparisons and
 * functions; `and`/`or` follow three-valued logic (0 and NaN = 0, 1 or NaN
 * = 1); division by zero and 0 ^ negative give NaN; nothing traps.
 */
#include "base/common.h"

#include "expr/expr_int.h"

/* ---- scratch ---------------------------------------------------------- */

/* Allocate the scratch columns and group workspace (expr_int.h). */
int expr_ev_init(struct expr_ev *v, const struct kh_expr *e, const double *const *cols,
                 const int *group, int ngroups, size_t n, size_t ntmp)
{
    size_t ng;
    int has_group = e->root >= 0 && (e->nodes[e->root].flags & EXPR_F_GROUP);

    memset(v, 0, sizeof(*v));
    v->e = e;
    v->cols = cols;
    v->group = group;
    v->ngroups = group ? ngroups : 1;
    v->n = n;
    if (n == 0)
        return KH_OK;
    if (ntmp) {
        if (n > SIZE_MAX / sizeof(double) / ntmp)
            return KH_ENOMEM;
        v->tmp = malloc(ntmp * n * sizeof(double));
        if (!v->tmp)
            return KH_ENOMEM;
        v->ntmp = ntmp;
    }
    if (has_group) {
        ng = (size_t)(v->ngroups > 0 ? v->ngroups : 0) + 1;
        v->gsum = malloc(ng * sizeof(double));
        v->gaux = malloc(ng * sizeof(double));
        v->gcnt = malloc(ng * sizeof(size_t));
        v->goff = malloc(ng * sizeof(size_t));
        if (!v->gsum || !v->gaux || !v->gcnt || !v->goff)
            goto nomem;
        if (e->has_sort) {
            if (n > SIZE_MAX / sizeof(struct expr_pair))
                goto nomem;
            v->pairs = malloc(n * sizeof(struct expr_pair));
            if (!v->pairs)
                goto nomem;
        }
    }
    return KH_OK;
nomem:
    expr_ev_free(v);
    return KH_ENOMEM;
}

/* Release the evaluation state's memory (expr_int.h). */
void expr_ev_free(struct expr_ev *v)
{
    free(v->tmp);
    free(v->gsum);
    free(v->gaux);
    free(v->gcnt);
    free(v->goff);
    free(v->pairs);
    v->tmp = v->gsum = v->gaux = NULL;
    v->gcnt = v->goff = NULL;
    v->pairs = NULL;
}

/* Take a scratch column (the parser sized the block so this never runs out). */
static double *tmp_push(struct expr_ev *v)
{
    return v->tmp + (v->used++) * v->n;
}

/* Give back the last scratch column taken. */
static void tmp_pop(struct expr_ev *v)
{
    v->used--;
}

/* ---- kernels ---------------------------------------------------------- */

/* x ^ y, NaN when either is NaN (C's pow(NaN, 0) is 1) and for 0 ^ negative. */
static double pow_nan(double x, double y)
{
    if (isnan(x) || isnan(y))
        return NAN;
    if (x == 0 && y < 0)
        return NAN;
    return pow(x, y);
}

/* d[i] = op(a[i]) for a unary op. */
static void un_kernel(int op, double *d, const double *a, size_t n)
{
    size_t i;

    switch (op) {
    case O_NEG:
        /* 0 - x rather than -x: never produces -0. */
        for (i = 0; i < n; i++)
            d[i] = 0.0 - a[i];
        break;
    case O_NOT:
        for (i = 0; i < n; i++)
            d[i] = isnan(a[i]) ? NAN : a[i] == 0 ? 1.0 : 0.0;
        break;
    case O_PCT:
        for (i = 0; i < n; i++)
            d[i] = a[i] / 100;
        break;
    case O_ABS:
        for (i = 0; i < n; i++)
            d[i] = fabs(a[i]);
        break;
    case O_FLOOR:
        for (i = 0; i < n; i++)
            d[i] = floor(a[i]);
        break;
    case O_CEIL:
        for (i = 0; i < n; i++)
            d[i] = ceil(a[i]);
        break;
    case O_LN:
        for (i = 0; i < n; i++)
            d[i] = a[i] < 0 ? NAN : log(a[i]);
        break;
    case O_LOG10:
        for (i = 0; i < n; i++)
            d[i] = a[i] < 0 ? NAN : log10(a[i]);
        break;
    case O_EXP:
        for (i = 0; i < n; i++)
            d[i] = exp(a[i]);
        break;
    case O_SQRT:
        for (i = 0; i < n; i++)
            d[i] = a[i] < 0 ? NAN : sqrt(a[i]);
        break;
    case O_ISNA:
        for (i = 0; i < n; i++)
            d[i] = isnan(a[i]) ? 1.0 : 0.0;
        break;
    default:
        for (i = 0; i < n; i++)
            d[i] = a[i];
        break;
    }
}

/*
 * One loop of a binary kernel: d[i] = EXPR over x = a[i] and y = b[i], or
 * y = bk for every i when b is NULL (a constant operand).
 */
#define BIN_LOOP(EXPR)                                                                             \
    do {                                                                                           \
        if (b) {                                                                                   \
            for (i = 0; i < n; i++) {                                                              \
                double x = a[i], y = b[i];                                                         \
                d[i] = (EXPR);                                                                     \
            }                                                                                      \
        } else {                                                                                   \
            for (i = 0; i < n; i++) {                                                              \
                double x = a[i], y = bk;                                                           \
                d[i] = (EXPR);                                                                     \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* Either operand NaN. */
#define EITHER_NAN(x, y) (isnan(x) || isnan(y))

/* d[i] = a[i] op b[i] (b NULL: the constant bk). d may be a or b. */
static void bin_kernel(int op, double *d, const double *a, const double *b, double bk, size_t n)
{
    size_t i;

    switch (op) {
    case O_ADD:
        BIN_LOOP(x + y);
        break;
    case O_SUB:
        BIN_LOOP(x - y);
        break;
    case O_MUL:
        BIN_LOOP(x * y);
        break;
    case O_DIV:
        BIN_LOOP(y == 0 ? NAN : x / y);
        break;
    case O_POW:
        if (!b && bk == 2) {
            for (i = 0; i < n; i++)
                d[i] = a[i] * a[i]; /* the common square, without pow() */
        } else {
            BIN_LOOP(pow_nan(x, y));
        }
        break;
    case O_LT:
        BIN_LOOP(EITHER_NAN(x, y) ? NAN : x < y ? 1.0 : 0.0);
        break;
    case O_LE:
        BIN_LOOP(EITHER_NAN(x, y) ? NAN : x <= y ? 1.0 : 0.0);
        break;
    case O_GT:
        BIN_LOOP(EITHER_NAN(x, y) ? NAN : x > y ? 1.0 : 0.0);
        break;
    case O_GE:
        BIN_LOOP(EITHER_NAN(x, y) ? NAN : x >= y ? 1.0 : 0.0);
        break;
    case O_EQ:
        BIN_LOOP(EITHER_NAN(x, y) ? NAN : x == y ? 1.0 : 0.0);
        break;
    case O_NE:
        BIN_LOOP(EITHER_NAN(x, y) ? NAN : x != y ? 1.0 : 0.0);
        break;
    case O_AND:
        /* A false operand decides; otherwise NaN is unknown. */
        BIN_LOOP(x == 0 || y == 0 ? 0.0 : EITHER_NAN(x, y) ? NAN : 1.0);
        break;
    case O_OR:
        /* A true operand decides; otherwise NaN is unknown. */
        BIN_LOOP((x != 0 && !isnan(x)) || (y != 0 && !isnan(y)) ? 1.0
                 : EITHER_NAN(x, y)                             ? NAN
                                                                : 0.0);
        break;
    case O_MIN:
        BIN_LOOP(EITHER_NAN(x, y) ? NAN : y < x ? y : x);
        break;
    case O_MAX:
        BIN_LOOP(EITHER_NAN(x, y) ? NAN : y > x ? y : x);
        break;
    case O_COALESCE:
        BIN_LOOP(isnan(x) ? y : x);
        break;
    case O_ROUND:
        BIN_LOOP(kh_round_decimal(x, y));
        break;
    default:
        for (i = 0; i < n; i++)
            d[i] = NAN;
        break;
    }
}

/* The i-th value of an argument that is a column (p) or a constant (k). */
static double at(const double *p, double k, size_t i)
{
    return p ? p[i] : k;
}

/* ---- nodes ------------------------------------------------------------ */

/*
 * Evaluate kid `k` of node x as an operand that must stay available while
 * others are computed: a constant gives NULL and its value in *kv; anything
 * else is computed into a new scratch column (the caller pops it).
 */
static const double *ev_arg(struct expr_ev *v, const struct expr_node *x, int k, double *kv)
{
    const struct expr_node *c = &v->e->nodes[v->e->kids[x->kid0 + k].node];

    if (c->konst) {
        *kv = c->val;
        return NULL;
    }
    *kv = 0;
    return expr_ev_node(v, v->e->kids[x->kid0 + k].node, tmp_push(v));
}

/* Give back the scratch column ev_arg took for p (if it took one). */
static void arg_done(struct expr_ev *v, const double *p)
{
    if (p)
        tmp_pop(v);
}

/* A chain a op1 b op2 c …, folded left to right into dst. */
static const double *ev_fold(struct expr_ev *v, const struct expr_node *x, double *dst)
{
    const struct expr_kid *kids = v->e->kids + x->kid0;
    const double *a = expr_ev_node(v, kids[0].node, dst);
    int k;

    for (k = 1; k < x->nkids; k++) {
        double bk;
        const double *b = ev_arg(v, x, k, &bk);
        bin_kernel(kids[k].op, dst, a, b, bk, v->n);
        arg_done(v, b);
        a = dst;
    }
    return a;
}

/* if(c, a, b) and clamp(v, lo, hi). */
static const double *ev_three(struct expr_ev *v, const struct expr_node *x, double *dst)
{
    const double *c = expr_ev_node(v, v->e->kids[x->kid0].node, dst);
    const double *p, *q;
    double pk, qk;
    size_t i, n = v->n;

    p = ev_arg(v, x, 1, &pk);
    q = ev_arg(v, x, 2, &qk);
    if (x->kind == K_IF) {
        for (i = 0; i < n; i++) {
            double cv = c[i];
            dst[i] = isnan(cv) ? NAN : cv != 0 ? at(p, pk, i) : at(q, qk, i);
        }
    } else {
        for (i = 0; i < n; i++) {
            double val = c[i], lo = at(p, pk, i), hi = at(q, qk, i);
            if (isnan(val) || isnan(lo) || isnan(hi))
                dst[i] = NAN;
            else
                dst[i] = val < lo ? lo : val > hi ? hi : val;
        }
    }
    arg_done(v, q);
    arg_done(v, p);
    return dst;
}

/* Evaluate one node over all units; dst or an input column (expr_int.h). */
const double *expr_ev_node(struct expr_ev *v, int id, double *dst)
{
    const struct expr_node *x = &v->e->nodes[id];
    size_t i, n = v->n;

    if (x->konst) {
        for (i = 0; i < n; i++)
            dst[i] = x->val;
        return dst;
    }
    switch (x->kind) {
    case K_NAME:
        return v->cols[x->slot];
    case K_UN: {
        const double *a = expr_ev_node(v, v->e->kids[x->kid0].node, dst);
        un_kernel(x->op, dst, a, n);
        return dst;
    }
    case K_FOLD:
        return ev_fold(v, x, dst);
    case K_IF:
    case K_CLAMP:
        return ev_three(v, x, dst);
    case K_GROUP: {
        const double *a = expr_ev_node(v, v->e->kids[x->kid0].node, dst);
        const double *w = NULL;
        double wk = 0;
        if (x->nkids > 1)
            w = ev_arg(v, x, 1, &wk);
        expr_group(v, x->op, dst, a, w, wk);
        arg_done(v, w);
        return dst;
    }
    default:
        for (i = 0; i < n; i++)
            dst[i] = NAN;
        return dst;
    }
}

/* ---- the public entry ------------------------------------------------- */

/*
 * Check that every name of the bound expression reads a column ctx has.
 * Returns KH_OK or KH_EINVAL with err pointing at the name.
 */
static int check_slots(const struct kh_expr *e, const struct kh_expr_ctx *ctx, struct kh_err *err)
{
    size_t i;

    for (i = 0; i < e->nnodes; i++) {
        const struct expr_node *x = &e->nodes[i];
        if (x->kind != K_NAME)
            continue;
        const char *func = x->func >= 0 ? e->strs + x->func : "";
        const char *name = e->strs + x->name;
        if (x->slot >= 0 && x->slot < ctx->nslots && ctx->cols && ctx->cols[x->slot])
            continue;
        return expr_src_error(&e->src, err, KH_EINVAL, x->name_off,
                              "'%.*s%s%.*s%s' reads column slot %d, which the evaluation does "
                              "not provide (it has %d columns)",
                              expr_cut(func, strlen(func), 64), func, *func ? "(" : "",
                              expr_cut(name, strlen(name), 64), name, *func ? ")" : "", x->slot,
                              ctx->nslots);
    }
    return KH_OK;
}

/*
 * Check ctx->group: every id in [-1, ngroups). Returns KH_OK or KH_EINVAL.
 */
static int check_groups(const struct kh_expr *e, const struct kh_expr_ctx *ctx, struct kh_err *err)
{
    size_t i;

    if (!ctx->group)
        return KH_OK;
    for (i = 0; i < ctx->n; i++) {
        if (ctx->group[i] < -1 || ctx->group[i] >= ctx->ngroups)
            return kh_err_set(err, KH_EINVAL, e->src.file, 0, 0,
                              "unit %zu is in group %d, outside 0..%d (or -1)", i, ctx->group[i],
                              ctx->ngroups - 1);
    }
    return KH_OK;
}

/* Check binding, slots and group ids before evaluating (expr_int.h). */
int expr_check_ctx(const struct kh_expr *e, const struct kh_expr_ctx *ctx, struct kh_err *err)
{
    int rc;

    if (!e || !ctx || e->root < 0)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no expression or context given");
    if (!e->bound)
        return kh_err_set(err, KH_EINVAL, e->src.file, e->src.line, e->src.col,
                          "the expression must be bound before it is evaluated");
    if (ctx->nslots < 0 || (ctx->group && ctx->ngroups < 0))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "negative slot or group count");
    rc = check_slots(e, ctx, err);
    if (!rc && kh_expr_uses_group(e))
        rc = check_groups(e, ctx, err);
    return rc;
}

/* Evaluate the bound expression for every unit into out (expr.h). */
int kh_expr_eval(const struct kh_expr *e, const struct kh_expr_ctx *ctx, double *out,
                 struct kh_err *err)
{
    struct expr_ev v;
    const struct expr_node *root;
    const double *r;
    size_t i, n;
    int rc;

    if (e && ctx && e->bound && ctx->n == 0)
        return KH_OK; /* nothing to compute, nothing read */
    rc = expr_check_ctx(e, ctx, err);
    if (rc)
        return rc;
    n = ctx->n;
    if (!out)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no output column given");
    root = &e->nodes[e->root];
    rc = expr_ev_init(&v, e, ctx->cols, ctx->group, ctx->ngroups, n,
                      root->konst ? 0 : (size_t)root->need);
    if (rc)
        return kh_err_set(err, rc, e->src.file, e->src.line, e->src.col,
                          "out of memory evaluating the expression for %zu units", n);
    r = expr_ev_node(&v, e->root, out);
    /* Adding +0 turns -0 into 0 and leaves everything else (NaN too) alone. */
    for (i = 0; i < n; i++)
        out[i] = r[i] + 0.0;
    expr_ev_free(&v);
    return KH_OK;
}
