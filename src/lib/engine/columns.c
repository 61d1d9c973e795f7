/*
 * columns.c — materialises the scheme's slots as columns over units: input
 * values aggregated to the scored period (R14), previous-period and
 * year-ago values, targets and baselines, parameters per category (R17),
 * unit attributes, event counts, derived indicators, node values and
 * scores. Each column is computed once, on first use.
 */
#include "base/common.h"
#include "engine/engine_int.h"

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

/* Fill col with input `input` at period p (or the year to date) for every unit. */
static int input_column(struct kh_result *r, int input, const struct kh_period *p, int ytd,
                        double *col)
{
    const struct kh_dataset *ds = r->ds;
    int ind = kh_dataset_indicator(ds, r->s->inputs[input].id);
    int how = r->s->inputs[input].aggregate;
    struct agg *acc = NULL;
    unsigned char *exact_hit = NULL;
    size_t u, k;

    for (u = 0; u < r->n; u++)
        col[u] = NAN;
    if (ind < 0)
        return KH_OK;
    exact_hit = calloc(r->n ? r->n : 1, 1);
    if (how != KH_AGG_NONE)
        acc = calloc((r->n ? r->n : 1) * 3, sizeof(*acc));
    if (!exact_hit || (how != KH_AGG_NONE && !acc)) {
        free(exact_hit);
        free(acc);
        return KH_ENOMEM;
    }
    for (k = r->val_start[ind]; k < r->val_start[ind + 1]; k++) {
        const struct kh_value *v = &ds->values[r->val_idx[k]];
        if (exact(p, &v->period, ytd)) {
            col[v->unit] = v->value;
            exact_hit[v->unit] = 1;
        } else if (acc && v->period.kind != KH_PERIOD_YEAR && !isnan(v->value) &&
                   within(p, &v->period, ytd)) {
            agg_add(&acc[(size_t)v->unit * 3 + (size_t)kind_slot(v->period.kind)], v->value,
                    kh_period_last_month(&v->period));
        }
    }
    if (acc) {
        int partial_ok = r->s->inputs[input].partial_ok, incomplete;
        for (u = 0; u < r->n; u++) {
            const struct agg *a =
                exact_hit[u] ? NULL : finest(&acc[u * 3], p, ytd, how, partial_ok, &incomplete);
            if (a)
                col[u] = agg_value(a, how);
        }
    }
    free(exact_hit);
    free(acc);
    return KH_OK;
}

double kh_input_value(const struct kh_result *r, int input, int u, const struct kh_period *p,
                      int ytd, struct kh_buf *rows)
{
    const struct kh_dataset *ds = r->ds;
    int ind = kh_dataset_indicator(ds, r->s->inputs[input].id);
    int how = r->s->inputs[input].aggregate, k, used_kind = 0;
    struct agg a3[3];
    const struct agg *a;
    double exact_v = NAN;
    int has_exact = 0, incomplete;
    size_t i;
    char pt[KH_PERIOD_TEXT], num[32];

    memset(a3, 0, sizeof(a3));
    if (ind < 0)
        return NAN;
    for (i = r->val_start[ind]; i < r->val_start[ind + 1]; i++) {
        const struct kh_value *v = &ds->values[r->val_idx[i]];
        if (v->unit != u)
            continue;
        if (exact(p, &v->period, ytd)) {
            exact_v = v->value;
            has_exact = 1;
            if (rows)
                kh_buf_printf(rows, "%s:%d (%s = %s)", kh_src_file(ds, v->file), v->line,
                              kh_period_format(&v->period, pt), kh_num(v->value, num));
        } else if (how != KH_AGG_NONE && v->period.kind != KH_PERIOD_YEAR &&
                   !isnan(v->value) && within(p, &v->period, ytd)) {
            agg_add(&a3[kind_slot(v->period.kind)], v->value, kh_period_last_month(&v->period));
        }
    }
    if (has_exact)
        return exact_v;
    a = finest(a3, p, ytd, how, r->s->inputs[input].partial_ok, &incomplete);
    if (!a) {
        if (incomplete && rows)
            kh_buf_puts(rows, "分期数据不完整, 视为缺数据 (incomplete sub-periods; the input "
                              "may say partial: allow)");
        return NAN;
    }
    used_kind = a == &a3[0] ? KH_PERIOD_MONTH : a == &a3[1] ? KH_PERIOD_QUARTER : KH_PERIOD_HALF;
    if (rows) {
        static const char *const hows[] = {"", "合计", "平均", "取最新", "取最小", "取最大"};
        k = 0;
        for (i = r->val_start[ind]; i < r->val_start[ind + 1]; i++) {
            const struct kh_value *v = &ds->values[r->val_idx[i]];
            if (v->unit != u || v->period.kind != used_kind || isnan(v->value) ||
                !within(p, &v->period, ytd))
                continue;
            kh_buf_printf(rows, "%s%s:%d (%s = %s)", k++ ? ", " : "", kh_src_file(ds, v->file),
                          v->line, kh_period_format(&v->period, pt), kh_num(v->value, num));
        }
        kh_buf_printf(rows, " → %s%d期 = %s", hows[how], a->n, kh_num(agg_value(a, how), num));
    }
    return agg_value(a, how);
}

/* Targets or baselines of input `input`: exact period first, else the
 * year that contains the period. */
static void target_column(struct kh_result *r, int input, int baseline, double *col)
{
    const struct kh_dataset *ds = r->ds;
    int ind = kh_dataset_indicator(ds, r->s->inputs[input].id);
    struct kh_period year = r->period;
    size_t i, u;

    year.kind = KH_PERIOD_YEAR;
    year.index = 1;
    for (u = 0; u < r->n; u++)
        col[u] = NAN;
    if (ind < 0)
        return;
    /* Year first, then exact matches overwrite. */
    for (i = r->tg_start[ind]; i < r->tg_start[ind + 1]; i++) {
        const struct kh_target *t = &ds->targets[r->tg_idx[i]];
        double v = baseline ? t->baseline : t->target;
        if (kh_period_equal(&t->period, &year) && !isnan(v))
            col[t->unit] = v;
    }
    for (i = r->tg_start[ind]; i < r->tg_start[ind + 1]; i++) {
        const struct kh_target *t = &ds->targets[r->tg_idx[i]];
        double v = baseline ? t->baseline : t->target;
        if (kh_period_equal(&t->period, &r->period) && !isnan(v))
            col[t->unit] = v;
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

double kh_node_w(const struct kh_result *r, int ni, size_t u)
{
    int c = r->cat[u];
    return c < 0 ? NAN : r->s->nodes[ni].w_by_cat[c];
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
    col = malloc(sizeof(double) * (r->n ? r->n : 1));
    if (!col)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    r->colstate[slot] = COL_BUSY;
    rc = compute_slot(r, slot, col, err);
    if (rc) {
        free(col);
        r->colstate[slot] = COL_NONE;
        if (rc == KH_ENOMEM && err && !err->msg[0])
            kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        return rc;
    }
    for (size_t k = 0; k < r->nchanges; k++)
        if (r->changes[k].slot == slot)
            col[r->changes[k].unit] = r->changes[k].v;
    r->cols[slot] = col;
    r->colstate[slot] = COL_DONE;
    return KH_OK;
}
