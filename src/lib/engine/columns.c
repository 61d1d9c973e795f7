/*
 * columns.c — materialises the scheme's slots as columns over units: input
 * values aggregated to the scored period (R14), previous-period and
 * year-ago values, targets and baselines, parameters per category (R17),
 * unit attributes, event counts, derived indicators, node values and
 * scores. Each column is computed once, on first use.
 */
#include "base/common.h"
#include "engine/engine_int.h"
#include "io/dataset_cols.h"

/* ---- groups ------------------------------------------------------------ */

static int node_applies(const struct kh_result *r, int ni, size_t u)
{
    int c = r->cat[u];
    return c >= 0 && !isnan(r->s->nodes[ni].w_by_cat[c]);
}

static int unit_has_tag(const struct kh_unit *un, const char *tag)
{
    int i;
    for (i = 0; i < un->ntags; i++)
        if (strcmp(un->tags[i], tag) == 0)
            return 1;
    return 0;
}

const int *kh_cat_groups(struct kh_result *r)
{
    return r->cat;
}

const int *kh_node_groups(struct kh_result *r, int ni, int *ngroups, struct kh_err *err)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    int *g;
    size_t u;

    if (r->tmp_group[ni]) {
        *ngroups = r->ngroups_cache[ni];
        return r->tmp_group[ni];
    }
    g = malloc(sizeof(int) * (r->n ? r->n : 1));
    if (!g) {
        kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    for (u = 0; u < r->n; u++) {
        if (!node_applies(r, ni, u))
            g[u] = -1;
        else if (nd->group == KH_GROUP_CATEGORY)
            g[u] = r->cat[u];
        else if (nd->group == KH_GROUP_ALL)
            g[u] = 0;
        else
            g[u] = unit_has_tag(&r->ds->units[u], nd->group_tag) ? 0 : -1;
    }
    /* Most nodes compare by category and apply to every unit: their groups
     * are the categories, kept once (engine.c frees no array that is
     * r->cat). */
    if (nd->group == KH_GROUP_CATEGORY && memcmp(g, r->cat, sizeof(int) * r->n) == 0) {
        free(g);
        g = r->cat;
    }
    r->tmp_group[ni] = g;
    r->ngroups_cache[ni] = nd->group == KH_GROUP_CATEGORY ? r->s->ncats : 1;
    *ngroups = r->ngroups_cache[ni];
    return g;
}

/* ---- expressions --------------------------------------------------------- */

struct ensure_ctx {
    struct kh_result *r;
    struct kh_err *err;
    int rc;
};

static void ensure_one(void *user, int slot)
{
    struct ensure_ctx *c = user;
    if (!c->rc)
        c->rc = kh_col_ensure(c->r, slot, c->err);
}

int kh_col_ensure_expr(struct kh_result *r, const struct kh_expr *e, struct kh_err *err)
{
    struct ensure_ctx c = {r, err, KH_OK};
    if (e)
        kh_expr_each_slot(e, ensure_one, &c);
    return c.rc;
}

int kh_eval(struct kh_result *r, const struct kh_expr *e, const int *group, int ngroups,
            double *out, struct kh_err *err)
{
    struct kh_expr_ctx ctx;
    int rc = kh_col_ensure_expr(r, e, err);

    if (rc)
        return rc;
    ctx.n = r->n;
    ctx.cols = (const double *const *)r->cols;
    ctx.nslots = r->s->nslots;
    ctx.group = group;
    ctx.ngroups = ngroups;
    return kh_expr_eval(e, &ctx, out, err);
}

/* ---- inputs -------------------------------------------------------------- */

/* Per unit and sub-period kind (month, quarter, half): running aggregates. */
struct agg {
    double sum, min, max, last;
    int n;
    int last_key;
};

static int kind_slot(int kind)
{
    return kind == KH_PERIOD_MONTH ? 0 : kind == KH_PERIOD_QUARTER ? 1 : 2;
}

static void agg_add(struct agg *a, double v, int key)
{
    if (a->n == 0 || v < a->min)
        a->min = v;
    if (a->n == 0 || v > a->max)
        a->max = v;
    if (a->n == 0 || key >= a->last_key) {
        a->last = v;
        a->last_key = key;
    }
    a->sum += v;
    a->n++;
}

static double agg_value(const struct agg *a, int how)
{
    switch (how) {
    case KH_AGG_SUM:
        return a->sum;
    case KH_AGG_MEAN:
        return a->sum / a->n;
    case KH_AGG_LAST:
        return a->last;
    case KH_AGG_MIN:
        return a->min;
    case KH_AGG_MAX:
        return a->max;
    }
    return NAN;
}

/*
 * The aggregate to use for period p (or the year to date): the finest
 * sub-period kind present (months before quarters before halves), provided
 * it covers the period — every sub-period filed for sum, mean, min and max;
 * for last, one that ends with the period — unless partial_ok. NULL when
 * nothing usable was filed; *incomplete is set when something was, but not
 * enough.
 */
static const struct agg *finest(const struct agg *a3, const struct kh_period *p, int ytd,
                                int how, int partial_ok, int *incomplete)
{
    static const int months_per[3] = {1, 3, 6};
    int k, first = ytd ? 1 : kh_period_first_month(p), last = kh_period_last_month(p);

    *incomplete = 0;
    for (k = 0; k < 3; k++) {
        const struct agg *a = &a3[k];
        if (!a->n)
            continue;
        if (partial_ok)
            return a;
        if (how == KH_AGG_LAST ? a->last_key == last
                               : a->n == (last - first + 1) / months_per[k])
            return a;
        *incomplete = 1;
        return NULL;
    }
    return NULL;
}

/*
 * Is value period vp part of what period p asks for? With ytd, p stands for
 * the year to date: every sub-period from the year's first month to p's
 * last month.
 */
static int within(const struct kh_period *p, const struct kh_period *vp, int ytd)
{
    if (!ytd)
        return kh_period_contains(p, vp);
    return vp->year == p->year && kh_period_last_month(vp) <= kh_period_last_month(p);
}

/* An exact value for p stands for the whole of what p asks for. */
static int exact(const struct kh_period *p, const struct kh_period *vp, int ytd)
{
    return kh_period_equal(vp, p) && (!ytd || kh_period_first_month(p) == 1);
}

/*
 * The rows of input `input` that period p (or the year to date) reads come
 * from the dataset's columns of that indicator (io/dataset_cols.h): the
 * column of p itself, or the sub-period columns within it. Each column is
 * read as one array over the units.
 */

/* Does column c's period give p's value exactly (1), feed its aggregate
 * (2), or neither (0)? */
static int col_use(const struct kh_dscol *c, const struct kh_period *p, int ytd, int how)
{
    if (exact(p, &c->period, ytd))
        return 1;
    if (how != KH_AGG_NONE && c->period.kind != KH_PERIOD_YEAR && within(p, &c->period, ytd))
        return 2;
    return 0;
}

/* One row of a unit: the key that orders it (kh_dscol_order), its value,
 * column and entry. */
struct unit_row {
    uint64_t order;
    double v;
    const struct kh_dscol *col;
    size_t at;
};

static int row_cmp(const void *pa, const void *pb)
{
    const struct unit_row *a = pa, *b = pb;
    return a->order < b->order ? -1 : a->order > b->order;
}

/*
 * Unit u's rows of columns cols[0..nc) that p reads, in the order they
 * were filed: the exact row (if any) in *exact_row, the aggregated ones in
 * rows[0..*nrows) (rows has nc entries). Reported-missing rows (NaN) do
 * not aggregate.
 */
static void unit_rows(const struct kh_dscol *cols, int nc, size_t u, const struct kh_period *p,
                      int ytd, int how, struct unit_row *exact_row, int *has_exact,
                      struct unit_row *rows, int *nrows)
{
    int k, use;
    size_t at = 0;

    *has_exact = 0;
    *nrows = 0;
    for (k = 0; k < nc; k++) {
        struct unit_row *rw = &rows[*nrows];
        if (!(use = col_use(&cols[k], p, ytd, how)) || !kh_dscol_find(&cols[k], u, &at))
            continue;
        if (use == 1) {
            rw = exact_row;
            *has_exact = 1;
        } else if (isnan(cols[k].v[at])) {
            continue;
        } else {
            (*nrows)++;
        }
        rw->order = kh_dscol_order(&cols[k], at);
        rw->v = cols[k].v[at];
        rw->col = &cols[k];
        rw->at = at;
    }
    qsort(rows, (size_t)*nrows, sizeof(*rows), row_cmp);
}

/* Fill col with input `input` at period p (or the year to date) for every unit. */
static int input_column(struct kh_result *r, int input, const struct kh_period *p, int ytd,
                        double *col)
{
    const struct kh_dataset *ds = r->ds;
    int ind = kh_dataset_indicator(ds, r->s->inputs[input].id);
    int how = r->s->inputs[input].aggregate, nc = 0, k, use;
    const struct kh_dscol *cols;
    struct agg *acc = NULL;
    unsigned char *exact_hit = NULL;
    uint64_t *last_ref = NULL; /* the order key of each unit's last row added */
    struct unit_row *rows = NULL;
    size_t u, i, n = r->n;

    for (u = 0; u < n; u++)
        col[u] = NAN;
    cols = kh_dscols(ds, 0, ind, &nc);
    for (k = 0; k < nc; k++)
        if (col_use(&cols[k], p, ytd, how) == 2)
            break;
    if (k == nc) {
        /* No aggregation: at most the column of p itself. */
        for (k = 0; k < nc; k++) {
            const struct kh_dscol *c = &cols[k];
            if (col_use(c, p, ytd, how) != 1)
                continue;
            if (c->dense) {
                size_t m = c->n < n ? c->n : n;
                if (c->count == c->n)
                    memcpy(col, c->v, m * sizeof(*col));
                else
                    for (u = 0; u < m; u++)
                        if (c->ref[u])
                            col[u] = c->v[u];
            } else {
                for (i = 0; i < c->count; i++)
                    if (c->unit[i] < n)
                        col[c->unit[i]] = c->v[i];
            }
        }
        return KH_OK;
    }
    exact_hit = calloc(n ? n : 1, 1);
    acc = calloc((n ? n : 1) * 3, sizeof(*acc));
    last_ref = calloc(n ? n : 1, sizeof(*last_ref));
    rows = malloc(sizeof(*rows) * (size_t)nc);
    if (!exact_hit || !acc || !last_ref || !rows) {
        free(exact_hit);
        free(acc);
        free(last_ref);
        free(rows);
        return KH_ENOMEM;
    }
    /*
     * Column by column. A unit whose rows were filed in another order than
     * the columns' (last_ref goes back: UINT64_MAX marks it) is redone from
     * its rows in filing order below, so that sums add in the same order
     * whatever the layout.
     */
    for (k = 0; k < nc; k++) {
        const struct kh_dscol *c = &cols[k];
        size_t m = c->dense ? (c->n < n ? c->n : n) : c->count;
        if (!(use = col_use(c, p, ytd, how)))
            continue;
        for (i = 0; i < m; i++) {
            size_t at = i;
            uint64_t order;
            if (!c->dense) {
                u = c->unit[i];
                if (u >= n)
                    continue;
            } else {
                if (!c->ref[i])
                    continue;
                u = i;
            }
            if (use == 1) {
                col[u] = c->v[at];
                exact_hit[u] = 1;
                continue;
            }
            if (isnan(c->v[at]))
                continue;
            order = kh_dscol_order(c, at);
            if (order < last_ref[u])
                last_ref[u] = UINT64_MAX;
            else if (last_ref[u] != UINT64_MAX)
                last_ref[u] = order;
            agg_add(&acc[u * 3 + (size_t)kind_slot(c->period.kind)], c->v[at],
                    kh_period_last_month(&c->period));
        }
    }
    for (u = 0; u < n; u++) {
        if (exact_hit[u])
            continue;
        if (last_ref[u] == UINT64_MAX) {
            struct unit_row ex;
            int has_ex, nrows, j;
            unit_rows(cols, nc, u, p, ytd, how, &ex, &has_ex, rows, &nrows);
            memset(&acc[u * 3], 0, 3 * sizeof(*acc));
            for (j = 0; j < nrows; j++)
                agg_add(&acc[u * 3 + (size_t)kind_slot(rows[j].col->period.kind)], rows[j].v,
                        kh_period_last_month(&rows[j].col->period));
        }
        {
            int incomplete;
            const struct agg *a =
                finest(&acc[u * 3], p, ytd, how, r->s->inputs[input].partial_ok, &incomplete);
            if (a)
                col[u] = agg_value(a, how);
        }
    }
    free(exact_hit);
    free(acc);
    free(last_ref);
    free(rows);
    return KH_OK;
}

/*
 * The dataset's own column that input `input` at the scored period is,
 * value for value, or NULL: when the period has a row for every unit
 * (then nothing is aggregated) in a dense column over exactly the
 * result's units. The result may then read it in place instead of
 * copying it (kh_col_ensure); it never writes it (kh_result_set_input
 * copies it first).
 */
static const double *input_in_place(const struct kh_result *r, int input)
{
    int nc = 0, k;
    const struct kh_dscol *cols =
        kh_dscols(r->ds, 0, kh_dataset_indicator(r->ds, r->s->inputs[input].id), &nc);

    for (k = 0; k < nc; k++)
        if (kh_period_equal(&cols[k].period, &r->period))
            return cols[k].dense && cols[k].count == r->n && cols[k].n == r->n ? cols[k].v : NULL;
    return NULL;
}

/* Append "file:line (period = value)" of unit row rw to rows. */
static void cite_row(const struct kh_dataset *ds, const struct unit_row *rw, struct kh_buf *rows)
{
    char pt[KH_PERIOD_TEXT], num[32];
    int file, line;

    kh_dscol_where(ds, 0, rw->col, rw->at, &file, &line);
    kh_buf_printf(rows, "%s:%d (%s = %s)", kh_src_file(ds, file), line,
                  kh_period_format(&rw->col->period, pt), kh_num(rw->v, num));
}

double kh_input_value(const struct kh_result *r, int input, int u, const struct kh_period *p,
                      int ytd, struct kh_buf *rows)
{
    const struct kh_dataset *ds = r->ds;
    int ind = kh_dataset_indicator(ds, r->s->inputs[input].id);
    int how = r->s->inputs[input].aggregate, k, used_kind = 0, nc = 0, nrows = 0, has_exact;
    const struct kh_dscol *cols = kh_dscols(ds, 0, ind, &nc);
    struct unit_row ex, rbuf[64], *rw = rbuf;
    struct agg a3[3];
    const struct agg *a;
    double result;
    int incomplete;
    char num[32];

    memset(a3, 0, sizeof(a3));
    if (ind < 0)
        return NAN;
    if (nc > (int)KH_ARRAY_LEN(rbuf) && !(rw = malloc(sizeof(*rw) * (size_t)nc)))
        return NAN;
    unit_rows(cols, nc, (size_t)u, p, ytd, how, &ex, &has_exact, rw, &nrows);
    if (has_exact) {
        if (rows)
            cite_row(ds, &ex, rows);
        result = ex.v;
        goto out;
    }
    for (k = 0; k < nrows; k++)
        agg_add(&a3[kind_slot(rw[k].col->period.kind)], rw[k].v,
                kh_period_last_month(&rw[k].col->period));
    a = finest(a3, p, ytd, how, r->s->inputs[input].partial_ok, &incomplete);
    if (!a) {
        if (incomplete && rows)
            kh_buf_puts(rows, "分期数据不完整, 视为缺数据 (incomplete sub-periods; the input "
                              "may say partial: allow)");
        result = NAN;
        goto out;
    }
    used_kind = a == &a3[0] ? KH_PERIOD_MONTH : a == &a3[1] ? KH_PERIOD_QUARTER : KH_PERIOD_HALF;
    if (rows) {
        static const char *const hows[] = {"", "合计", "平均", "取最新", "取最小", "取最大"};
        int j = 0;
        for (k = 0; k < nrows; k++) {
            if (rw[k].col->period.kind != used_kind)
                continue;
            kh_buf_puts(rows, j++ ? ", " : "");
            cite_row(ds, &rw[k], rows);
        }
        kh_buf_printf(rows, " → %s%d期 = %s", hows[how], a->n, kh_num(agg_value(a, how), num));
    }
    result = agg_value(a, how);
out:
    if (rw != rbuf)
        free(rw);
    return result;
}

/* Targets or baselines of input `input`: exact period first, else the
 * year that contains the period. */
static void target_column(struct kh_result *r, int input, int baseline, double *col)
{
    const struct kh_dataset *ds = r->ds;
    int ind = kh_dataset_indicator(ds, r->s->inputs[input].id), nc = 0, k, pass;
    const struct kh_dscol *cols = kh_dscols(ds, 1, ind, &nc);
    struct kh_period year = r->period;
    size_t i, u, n = r->n;

    year.kind = KH_PERIOD_YEAR;
    year.index = 1;
    for (u = 0; u < n; u++)
        col[u] = NAN;
    /* Year first, then exact matches overwrite. */
    for (pass = 0; pass < 2; pass++)
        for (k = 0; k < nc; k++) {
            const struct kh_dscol *c = &cols[k];
            const double *v = baseline ? c->b : c->v;
            if (!kh_period_equal(&c->period, pass ? &r->period : &year))
                continue;
            if (c->dense) {
                size_t m = c->n < n ? c->n : n;
                for (u = 0; u < m; u++)
                    if (c->ref[u] && !isnan(v[u]))
                        col[u] = v[u];
            } else {
                for (i = 0; i < c->count; i++)
                    if (c->unit[i] < n && !isnan(v[i]))
                        col[c->unit[i]] = v[i];
            }
        }
}

static double unit_attr(const struct kh_unit *un, const char *name)
{
    int i;
    for (i = 0; i < un->nattrs; i++)
        if (strcmp(un->attr_names[i], name) == 0)
            return un->attr_values[i];
    return NAN;
}

/* ---- the slot switch ------------------------------------------------------- */

static int compute_slot(struct kh_result *r, int slot, double *col, struct kh_err *err)
{
    const struct kh_scheme *s = r->s;
    const struct kh_slot *sl = &s->slots[slot];
    size_t u, k;
    int rc = KH_OK, ng;
    const int *g;

    switch (sl->kind) {
    case KH_SLOT_INPUT:
        return input_column(r, sl->ref, &r->period, 0, col);
    case KH_SLOT_YTD:
        return input_column(r, sl->ref, &r->period, 1, col);
    case KH_SLOT_PREV: {
        struct kh_period p = kh_period_prev(&r->period);
        return input_column(r, sl->ref, &p, 0, col);
    }
    case KH_SLOT_LASTYEAR: {
        struct kh_period p = kh_period_year_ago(&r->period);
        return input_column(r, sl->ref, &p, 0, col);
    }
    case KH_SLOT_ELAPSED:
        for (u = 0; u < r->n; u++)
            col[u] = kh_period_elapsed(&r->period);
        return KH_OK;
    case KH_SLOT_TARGET:
    case KH_SLOT_BASELINE:
        target_column(r, sl->ref, sl->kind == KH_SLOT_BASELINE, col);
        return KH_OK;
    case KH_SLOT_DERIVED:
        return kh_eval(r, s->derived[sl->ref].formula, r->cat, s->ncats, col, err);
    case KH_SLOT_PARAM:
        for (u = 0; u < r->n; u++)
            col[u] = kh_param_get(&s->params[sl->ref].p, r->cat[u], r->ds->units[u].id, 0, NAN);
        return KH_OK;
    case KH_SLOT_ATTR:
        for (u = 0; u < r->n; u++)
            col[u] = unit_attr(&r->ds->units[u], sl->name);
        return KH_OK;
    case KH_SLOT_EVENTS:
        for (u = 0; u < r->n; u++) {
            double cnt = 0;
            for (k = r->ev_start[u]; k < r->ev_start[u + 1]; k++) {
                const struct kh_event *e = &r->ds->events[r->ev_idx[k]];
                if (!e->exempt && strcmp(e->item, sl->name) == 0)
                    cnt += e->count;
            }
            col[u] = cnt;
        }
        return KH_OK;
    case KH_SLOT_SCORE:
        if ((rc = kh_node_compute(r, sl->ref, err)))
            return rc;
        memcpy(col, r->score[sl->ref], sizeof(double) * r->n);
        return KH_OK;
    case KH_SLOT_FAILED: {
        const struct kh_node *nd = &s->nodes[sl->ref];
        if ((rc = kh_node_compute(r, sl->ref, err)))
            return rc;
        if (!(g = kh_node_groups(r, sl->ref, &ng, err)))
            return err ? err->code : KH_ENOMEM;
        if ((rc = kh_eval(r, nd->pass, g, ng, col, err)))
            return rc;
        for (u = 0; u < r->n; u++)
            col[u] = g[u] < 0 || isnan(col[u]) ? NAN : (col[u] != 0 ? 0 : 1);
        return KH_OK;
    }
    case KH_SLOT_NODE_X: {
        const struct kh_node *nd = &s->nodes[sl->ref];
        if (!(g = kh_node_groups(r, sl->ref, &ng, err)))
            return err ? err->code : KH_ENOMEM;
        return kh_eval(r, nd->value, g, ng, col, err);
    }
    case KH_SLOT_NODE_T:
    case KH_SLOT_NODE_B: {
        const struct kh_node *nd = &s->nodes[sl->ref];
        const struct kh_expr *e = sl->kind == KH_SLOT_NODE_T ? nd->target : nd->baseline;
        if (e) {
            if (!(g = kh_node_groups(r, sl->ref, &ng, err)))
                return err ? err->code : KH_ENOMEM;
            return kh_eval(r, e, g, ng, col, err);
        }
        if (nd->value_input >= 0) {
            target_column(r, nd->value_input, sl->kind == KH_SLOT_NODE_B, col);
            return KH_OK;
        }
        for (u = 0; u < r->n; u++)
            col[u] = NAN;
        return KH_OK;
    }
    case KH_SLOT_NODE_W:
        for (u = 0; u < r->n; u++)
            col[u] = kh_node_w(r, sl->ref, u);
        return KH_OK;
    case KH_SLOT_TOTAL:
        for (u = 0; u < r->n; u++)
            col[u] = r->score[0][u];
        return KH_OK;
    case KH_SLOT_RANK:
        for (u = 0; u < r->n; u++)
            col[u] = r->rank[u] > 0 ? r->rank[u] : NAN;
        return KH_OK;
    case KH_SLOT_FAILED_ALL: {
        int ni;
        for (u = 0; u < r->n; u++)
            col[u] = 0;
        for (ni = 0; ni < s->nnodes; ni++) {
            int fs;
            if (!s->nodes[ni].pass)
                continue;
            for (fs = 0; fs < s->nslots; fs++)
                if (s->slots[fs].kind == KH_SLOT_FAILED && s->slots[fs].ref == ni)
                    break;
            if (fs == s->nslots) {
                /* No failed(ni) slot was bound: evaluate the pass test here. */
                double *tmp = malloc(sizeof(double) * (r->n ? r->n : 1));
                if (!tmp)
                    return KH_ENOMEM;
                if (!(g = kh_node_groups(r, ni, &ng, err)) ||
                    (rc = kh_eval(r, s->nodes[ni].pass, g, ng, tmp, err))) {
                    free(tmp);
                    return rc ? rc : KH_ENOMEM;
                }
                for (u = 0; u < r->n; u++)
                    if (g[u] >= 0 && !isnan(tmp[u]) && tmp[u] == 0)
                        col[u] += 1;
                free(tmp);
                continue;
            }
            if ((rc = kh_col_ensure(r, fs, err)))
                return rc;
            for (u = 0; u < r->n; u++)
                if (r->cols[fs][u] == 1)
                    col[u] += 1;
        }
        return KH_OK;
    }
    case KH_SLOT_VETO:
        for (u = 0; u < r->n; u++)
            col[u] = r->vetoed[u * (size_t)s->nvetoes + (size_t)sl->ref];
        return KH_OK;
    }
    return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "internal: unknown slot kind %d", sl->kind);
}

/* Non-zero if col (n values) is NaN throughout. */
static int all_nan(const double *col, size_t n)
{
    size_t u;
    for (u = 0; u < n; u++)
        if (!isnan(col[u]))
            return 0;
    return 1;
}

struct only_ctx {
    int slot, other;
};

static void note_slot(void *user, int slot)
{
    struct only_ctx *c = user;
    if (slot != c->slot)
        c->other = 1;
}

/* Non-zero if e reads slot `slot` and nothing else. */
static int reads_only(const struct kh_expr *e, int slot)
{
    struct only_ctx c = {slot, 0};
    if (!e)
        return 0;
    kh_expr_each_slot(e, note_slot, &c);
    return !c.other;
}

/*
 * The column another slot already holds that slot `slot` would copy, or
 * NULL: the value x of a node whose value is just an input reads that
 * input's column as it is. Shared columns are never written (only input
 * columns are, by kh_result_set_input, and they are not shared).
 */
static double *same_column(struct kh_result *r, int slot)
{
    const struct kh_slot *sl = &r->s->slots[slot];
    const struct kh_node *nd;
    int in;

    if (sl->kind != KH_SLOT_NODE_X)
        return NULL;
    nd = &r->s->nodes[sl->ref];
    if (nd->value_input < 0 || (in = r->input_slot[nd->value_input]) < 0 ||
        !reads_only(nd->value, in) || r->colstate[in] != COL_DONE)
        return NULL;
    return r->cols[in];
}

int kh_col_ensure(struct kh_result *r, int slot, struct kh_err *err)
{
    double *col;
    int rc;

    if (slot < 0 || slot >= r->s->nslots)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "internal: slot %d out of range", slot);
    if (r->colstate[slot] == COL_DONE)
        return KH_OK;
    if (r->colstate[slot] == COL_BUSY)
        return kh_err_set(err, KH_EINVAL, r->s->file, 0, 0,
                          "circular definition while scoring (slot %d)", slot);
    r->colstate[slot] = COL_BUSY;
    if (r->s->slots[slot].kind == KH_SLOT_NODE_X) {
        /* The input it copies first, so that it can be shared. */
        const struct kh_node *nd = &r->s->nodes[r->s->slots[slot].ref];
        int in = nd->value_input >= 0 ? r->input_slot[nd->value_input] : -1;
        if (in >= 0 && reads_only(nd->value, in) && (rc = kh_col_ensure(r, in, err))) {
            r->colstate[slot] = COL_NONE;
            return rc;
        }
    }
    if (r->s->slots[slot].kind == KH_SLOT_INPUT) {
        const double *in_place = input_in_place(r, r->s->slots[slot].ref);
        size_t k;
        for (k = 0; in_place && k < r->nchanges; k++)
            if (r->changes[k].slot == slot)
                in_place = NULL; /* a changed value: a column of its own */
        if (in_place) {
            /* Shared, read only: see input_in_place. */
            r->cols[slot] = (double *)(uintptr_t)in_place;
            r->colshared[slot] = 1;
            r->colstate[slot] = COL_DONE;
            return KH_OK;
        }
    }
    if ((col = same_column(r, slot)) != NULL) {
        r->cols[slot] = col;
        r->colshared[slot] = 1;
        r->colstate[slot] = COL_DONE;
        return KH_OK;
    }
    col = kh_col_alloc(r);
    if (!col) {
        r->colstate[slot] = COL_NONE;
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    }
    rc = compute_slot(r, slot, col, err);
    if (rc) {
        kh_col_release(r, col);
        r->colstate[slot] = COL_NONE;
        if (rc == KH_ENOMEM && err && !err->msg[0])
            kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        return rc;
    }
    for (size_t k = 0; k < r->nchanges; k++)
        if (r->changes[k].slot == slot)
            col[r->changes[k].unit] = r->changes[k].v;
    /* A node's target or baseline that the data do not give (NaN for
     * every unit, as for most baselines) shares one column of NaN: the
     * first such column, kept as r->nancol; the others, bit for bit the
     * same, are dropped for it. */
    if (r->s->slots[slot].kind == KH_SLOT_NODE_T || r->s->slots[slot].kind == KH_SLOT_NODE_B) {
        if (r->nancol && memcmp(col, r->nancol, sizeof(double) * r->n) == 0) {
            kh_col_release(r, col);
            col = r->nancol;
            r->colshared[slot] = 1;
        } else if (!r->nancol && all_nan(col, r->n)) {
            r->nancol = col;
            r->colshared[slot] = 1;
        }
    }
    r->cols[slot] = col;
    r->colstate[slot] = COL_DONE;
    return KH_OK;
}
