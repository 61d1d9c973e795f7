/*
 * explain.c — what an expression read for one unit, as text for the
 * explanation traces a clerk reads (see kh_expr_explain in expr.h):
 *
 *     x = 12; target(gdp) = 15; gmean(x) = 8.31
 *
 * Every distinct name and reference, and every group function call, in the
 * order they first appear in the source, shown as written (a group call's
 * white space folded to single spaces), with its value for that unit.
 *
 * A group call's value depends on the whole group, so it is recomputed
 * here — but only over the units of the explained unit's group: their
 * columns are gathered first, which keeps explaining one unit of a large
 * dataset cheap.
 */
#include "base/common.h"

#include "expr/expr_int.h"

/* A name or group call to show, and where it starts in the text. */
struct item {
    size_t off;
    int node;
};

/* qsort order of items: by position in the text (then node, to be total). */
static int item_cmp(const void *pa, const void *pb)
{
    const struct item *a = pa, *b = pb;

    if (a->off != b->off)
        return a->off < b->off ? -1 : 1;
    return a->node < b->node ? -1 : a->node > b->node;
}

/* The labels shown so far, to show each once (open addressing). */
struct seen {
    size_t *tab; /* 1 + offset into pool, 0 = empty */
    size_t mask;
    struct kh_buf pool;
};

/* FNV-1a of s[0..n). */
static uint64_t str_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* Add label s; returns 1 if new, 0 if already seen, or KH_ENOMEM. */
static int seen_add(struct seen *st, const char *s)
{
    size_t n = strlen(s), j = (size_t)str_hash(s, n) & st->mask, at;

    while (st->tab[j]) {
        if (!strcmp(kh_buf_str(&st->pool) + st->tab[j] - 1, s))
            return 0;
        j = (j + 1) & st->mask;
    }
    at = st->pool.len;
    if (kh_buf_add(&st->pool, s, n + 1))
        return KH_ENOMEM;
    st->tab[j] = at + 1;
    return 1;
}

/* Non-zero for the white space the scanner skips. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Append node x's label to b: the name, func(name), or a group call as
 * written with white space folded: runs become one space, and none is kept
 * after '(' or before ')' and ',' (so gmean( x ) shows, and counts, as
 * gmean(x)).
 */
static void put_label(const struct kh_expr *e, const struct expr_node *x, struct kh_buf *b)
{
    const char *s = e->src.text + x->off;
    size_t i;
    int space = 0;

    if (x->kind == K_NAME) {
        if (x->func >= 0)
            kh_buf_printf(b, "%s(%s)", e->strs + x->func, e->strs + x->name);
        else
            kh_buf_puts(b, e->strs + x->name);
        return;
    }
    for (i = 0; i < x->len; i++) {
        char c = s[i];
        if (is_space(c)) {
            space = 1;
            continue;
        }
        if (space && c != ')' && c != ',' && i > 0 && b->len && kh_buf_str(b)[b->len - 1] != '(')
            kh_buf_putc(b, ' ');
        space = 0;
        kh_buf_putc(b, c);
    }
}

/* The group-call evaluator over the explained unit's group, made on first use. */
struct sub {
    int ready;
    int excluded;        /* the unit takes no part: group values are NaN */
    size_t m, pos;       /* units in the group; the unit's index among them */
    double *block;       /* gathered columns, m values each */
    const double **cols; /* nslots entries, gathered columns or NULL */
    double *dst;         /* m values */
    struct expr_ev ev;
    int ev_ready;
};

/*
 * Gather the columns of the unit's group and prepare an evaluator over
 * them. Returns KH_OK or KH_ENOMEM.
 */
static int sub_prepare(struct sub *s, const struct kh_expr *e, const struct kh_expr_ctx *ctx,
                       size_t unit)
{
    size_t i, j, nused = 0, need = 0;
    int g, rc;

    s->ready = 1;
    for (i = 0; i < e->nnodes; i++) {
        if (e->nodes[i].kind == K_GROUP && (size_t)e->nodes[i].need > need)
            need = (size_t)e->nodes[i].need;
    }
    if (!ctx->group) {
        s->m = ctx->n;
        s->pos = unit;
        s->dst = malloc(s->m * sizeof(double));
        if (!s->dst)
            return KH_ENOMEM;
        rc = expr_ev_init(&s->ev, e, ctx->cols, NULL, 1, s->m, need);
        s->ev_ready = rc == KH_OK;
        return rc;
    }
    g = ctx->group[unit];
    if (g < 0) {
        s->excluded = 1;
        return KH_OK;
    }
    for (i = 0; i < ctx->n; i++) {
        if (ctx->group[i] == g) {
            if (i == unit)
                s->pos = s->m;
            s->m++;
        }
    }
    s->cols = calloc((size_t)ctx->nslots + 1, sizeof(*s->cols));
    if (!s->cols)
        return KH_ENOMEM;
    for (i = 0; i < e->nnodes; i++) {
        const struct expr_node *x = &e->nodes[i];
        if (x->kind == K_NAME && !s->cols[x->slot]) {
            s->cols[x->slot] = ctx->cols[x->slot]; /* mark; replaced below */
            nused++;
        }
    }
    if (s->m > SIZE_MAX / sizeof(double) / (nused + 1))
        return KH_ENOMEM;
    s->block = malloc((nused + 1) * s->m * sizeof(double));
    if (!s->block)
        return KH_ENOMEM;
    s->dst = s->block + nused * s->m;
    nused = 0;
    for (j = 0; j < (size_t)ctx->nslots; j++) {
        double *col;
        size_t k = 0;
        if (!s->cols[j])
            continue;
        col = s->block + (nused++) * s->m;
        for (i = 0; i < ctx->n; i++) {
            if (ctx->group[i] == g)
                col[k++] = ctx->cols[j][i];
        }
        s->cols[j] = col;
    }
    rc = expr_ev_init(&s->ev, e, (const double *const *)s->cols, NULL, 1, s->m, need);
    s->ev_ready = rc == KH_OK;
    return rc;
}

/* Release what sub_prepare allocated. */
static void sub_free(struct sub *s)
{
    if (s->ev_ready)
        expr_ev_free(&s->ev);
    free(s->cols);
    free(s->block);
    if (!s->block)
        free(s->dst);
}

/* The value of group call `node` for the unit. Returns KH_OK or KH_ENOMEM. */
static int group_value(struct sub *s, const struct kh_expr *e, const struct kh_expr_ctx *ctx,
                       size_t unit, int node, double *out)
{
    int rc;

    if (!s->ready) {
        rc = sub_prepare(s, e, ctx, unit);
        if (rc)
            return rc;
    }
    if (s->excluded) {
        *out = NAN;
        return KH_OK;
    }
    *out = expr_ev_node(&s->ev, node, s->dst)[s->pos];
    return KH_OK;
}

/* Append "name = value; …" for one unit (expr.h). */
int kh_expr_explain(const struct kh_expr *e, const struct kh_expr_ctx *ctx, size_t unit,
                    struct kh_buf *b)
{
    struct item *items = NULL;
    struct seen st;
    struct sub sub;
    struct kh_buf label;
    size_t i, nitems = 0, cap = 8, shown = 0;
    int rc;

    if (expr_check_ctx(e, ctx, NULL) || unit >= ctx->n)
        return KH_EINVAL;
    memset(&sub, 0, sizeof(sub));
    memset(&st, 0, sizeof(st));
    kh_buf_init(&st.pool, 0);
    kh_buf_init(&label, 0);
    for (i = 0; i < e->nnodes; i++) {
        if (e->nodes[i].kind == K_NAME || e->nodes[i].kind == K_GROUP)
            nitems++;
    }
    while (cap < 2 * nitems)
        cap *= 2;
    st.mask = cap - 1;
    st.tab = calloc(cap, sizeof(*st.tab));
    items = malloc((nitems + 1) * sizeof(*items));
    rc = KH_ENOMEM;
    if (!st.tab || !items)
        goto done;
    nitems = 0;
    for (i = 0; i < e->nnodes; i++) {
        if (e->nodes[i].kind == K_NAME || e->nodes[i].kind == K_GROUP) {
            items[nitems].off = e->nodes[i].off;
            items[nitems].node = (int)i;
            nitems++;
        }
    }
    qsort(items, nitems, sizeof(*items), item_cmp);
    rc = KH_OK;
    for (i = 0; i < nitems && rc == KH_OK; i++) {
        const struct expr_node *x = &e->nodes[items[i].node];
        double val;
        int fresh;

        kh_buf_reset(&label);
        put_label(e, x, &label);
        if (kh_buf_failed(&label)) {
            rc = kh_buf_failed(&label);
            break;
        }
        fresh = seen_add(&st, kh_buf_str(&label));
        if (fresh < 0) {
            rc = fresh;
            break;
        }
        if (!fresh)
            continue;
        if (x->kind == K_NAME)
            val = ctx->cols[x->slot][unit];
        else if ((rc = group_value(&sub, e, ctx, unit, items[i].node, &val)) != KH_OK)
            break;
        if (shown++)
            kh_buf_puts(b, "; ");
        kh_buf_puts(b, kh_buf_str(&label));
        kh_buf_puts(b, " = ");
        rc = expr_put_value(b, val);
    }
done:
    sub_free(&sub);
    free(items);
    free(st.tab);
    kh_buf_free(&st.pool);
    kh_buf_free(&label);
    if (rc == KH_OK)
        rc = kh_buf_failed(b);
    return rc;
}
