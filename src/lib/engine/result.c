/*
 * result.c — what follows the scores: the total's rank within its scope
 * (category by default, T3), vetoes and their three effects (R11, T5), and
 * tiers (T1 thresholds with explicit bounds, T2 quotas with stated quota
 * rounding and boundary ties, T4 conditions on failed indicators, T6
 * tie-break keys). The units' order by total is kept in the result, so
 * that after kh_result_set_input only the units that moved are moved.
 */
#include "base/common.h"
#include "base/sort.h"
#include "engine/engine_int.h"

double kh_rank_basis(const struct kh_result *r, size_t u)
{
    double v = r->score[0][u];
    return r->s->rank_exact ? v : kh_round(v, r->s->decimals);
}

/* Scope grouping for ranks and tiers: category index, or 0 for all. */
static int scope_group(const struct kh_result *r, size_t u, int all)
{
    if (isnan(r->score[0][u]))
        return -1;
    return all ? 0 : r->cat[u];
}

struct keys_sort {
    double **keys;
    int nkeys;
};

/* Higher keys first, missing keys last, then unit order. */
static int cmp_keys(const void *pa, const void *pb, void *ctx)
{
    const struct keys_sort *ks = ctx;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    int k;
    for (k = 0; k < ks->nkeys; k++) {
        double p = ks->keys[k][a], q = ks->keys[k][b];
        if (isnan(p) != isnan(q))
            return isnan(p) ? 1 : -1;
        if (!isnan(p) && p != q)
            return p > q ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

/*
 * Fold several tie-break keys into one column for kh_rank_groups: each
 * unit's place when sorted by all keys, as a number where higher is better.
 * Returns a malloc'ed column or NULL when out of memory.
 */
static double *combined_tiebreak(const struct kh_result *r, double **keys, int nkeys)
{
    struct keys_sort ks = {keys, nkeys};
    size_t *order = malloc(sizeof(size_t) * (r->n ? r->n : 1)), i;
    double *tb = malloc(sizeof(double) * (r->n ? r->n : 1));

    if (!order || !tb) {
        free(order);
        free(tb);
        return NULL;
    }
    for (i = 0; i < r->n; i++)
        order[i] = i;
    if (kh_sort(order, r->n, sizeof(size_t), cmp_keys, &ks)) {
        free(order);
        free(tb);
        return NULL;
    }
    for (i = 0; i < r->n; i++)
        tb[order[i]] = (double)(r->n - i);
    free(order);
    return tb;
}

static int rank_totals(struct kh_result *r, const double *tiebreak, struct kh_err *err)
{
    const struct kh_scheme *s = r->s;
    int ng = s->rank_scope_all ? 1 : s->ncats, *g, *gsize, *ntied;
    size_t u;
    int rc;

    g = malloc(sizeof(int) * (r->n ? r->n : 1));
    gsize = malloc(sizeof(int) * (size_t)(ng ? ng : 1));
    ntied = malloc(sizeof(int) * (r->n ? r->n : 1));
    if (!g || !gsize || !ntied) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (u = 0; u < r->n; u++)
        g[u] = scope_group(r, u, s->rank_scope_all);
    rc = kh_rank_groups(r->basis, g, r->n, ng, 0, s->rank_ties, tiebreak, r->rank, ntied, gsize);
    if (rc) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (u = 0; u < r->n; u++)
        r->rank_size[u] = g[u] >= 0 ? gsize[g[u]] : 0;
out:
    free(g);
    free(gsize);
    free(ntied);
    return rc;
}

static int eval_vetoes(struct kh_result *r, struct kh_err *err)
{
    const struct kh_scheme *s = r->s;
    double *col;
    size_t u;
    int i, rc = KH_OK, *g;

    if (!s->nvetoes)
        return KH_OK;
    col = malloc(sizeof(double) * (r->n ? r->n : 1));
    g = malloc(sizeof(int) * (r->n ? r->n : 1));
    if (!col || !g) {
        free(col);
        free(g);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (u = 0; u < r->n; u++)
        g[u] = scope_group(r, u, s->tiers.scope_all);
    for (i = 0; i < s->nvetoes && !rc; i++) {
        rc = kh_eval(r, s->vetoes[i].when, g, s->tiers.scope_all ? 1 : s->ncats, col, err);
        for (u = 0; u < r->n && !rc; u++) {
            int hit = !isnan(col[u]) && col[u] != 0;
            r->vetoed[u * (size_t)s->nvetoes + (size_t)i] = (unsigned char)hit;
            if (hit && s->vetoes[i].effect == KH_VETO_NO_HONOURS)
                r->no_honours[u] = 1;
        }
    }
    free(col);
    free(g);
    return rc;
}

/* Sorting units within a tier scope: basis desc, tie-break keys desc, index. */
struct tier_sort {
    const struct kh_result *r;
    const double *basis; /* kh_rank_basis of every unit, computed once */
    double **keys;
    int nkeys;
};

static int same_place(const struct tier_sort *ts, size_t a, size_t b)
{
    int k;
    if (ts->basis[a] != ts->basis[b])
        return 0;
    for (k = 0; k < ts->nkeys; k++) {
        double x = ts->keys[k][a], y = ts->keys[k][b];
        if (!(x == y || (isnan(x) && isnan(y))))
            return 0;
    }
    return 1;
}

static int forbidden(const struct kh_result *r, size_t u, int level)
{
    const struct kh_scheme *s = r->s;
    int i, j;
    for (i = 0; i < s->nvetoes; i++) {
        const struct kh_veto *v = &s->vetoes[i];
        if (!r->vetoed[u * (size_t)s->nvetoes + (size_t)i])
            continue;
        if (v->effect == KH_VETO_FORBID_TOP && level == 0)
            return 1;
        if (v->effect == KH_VETO_FORBID)
            for (j = 0; j < v->nforbid; j++)
                if (v->forbid[j] == level)
                    return 1;
    }
    return 0;
}

static int forced_tier(const struct kh_result *r, size_t u)
{
    const struct kh_scheme *s = r->s;
    int i;
    for (i = 0; i < s->nvetoes; i++)
        if (r->vetoed[u * (size_t)s->nvetoes + (size_t)i] &&
            s->vetoes[i].effect == KH_VETO_FORCE_TIER)
            return s->vetoes[i].tier;
    return -1;
}

static int in_bounds(const struct kh_tier *t, double v)
{
    if (isnan(v))
        return 0;
    if (t->has_min && (t->min_strict ? !(v > t->min) : !(v >= t->min)))
        return 0;
    if (t->has_max && (t->max_strict ? !(v < t->max) : !(v <= t->max)))
        return 0;
    return 1;
}

/* How many units of a scope of nscope units (category cat, or -1 for all)
 * tier t admits at most. */
static size_t quota_of(const struct kh_tier *t, size_t nscope, int cat)
{
    double q, v = t->quota_v;
    int share = t->quota_share, i;

    if (!t->has_quota)
        return (size_t)-1;
    for (i = 0; i < t->nqover; i++)
        if (t->qover[i].cat == cat) {
            v = t->qover[i].v;
            share = t->qover[i].share;
        }
    if (isnan(v))
        return (size_t)-1; /* no quota for this category */
    if (!share)
        return (size_t)v;
    q = v * (double)nscope;
    /* Guard against 0.15 × 20 = 3.0000000000000004 before rounding. */
    q = kh_round(q, 9);
    switch (t->quota_round) {
    case KH_QROUND_FLOOR:
        return (size_t)floor(q);
    case KH_QROUND_CEIL:
        return (size_t)ceil(q);
    default:
        return (size_t)floor(q + 0.5);
    }
}

/*
 * Assign tiers: units of each scope group in rank order (tie-break keys
 * after the total: r->order, see make_order); forced tiers first; then
 * each level, best first, takes the unassigned units its bounds,
 * condition and quota admit. A level's condition is evaluated once over
 * all units and dropped before the next, so memory does not grow with the
 * number of tiers.
 */
static int assign_tiers(struct kh_result *r, const double *basis, double **keys, int nkeys,
                        const int *g, struct kh_err *err)
{
    const struct kh_scheme *s = r->s;
    const struct kh_tiers *T = &s->tiers;
    int ng = T->scope_all ? 1 : s->ncats, grp, lv, rc = KH_OK;
    const size_t *order = r->order, *start = r->order_start;
    double *when = malloc(sizeof(double) * (r->n ? r->n : 1));
    size_t *cand = malloc(sizeof(size_t) * (r->n ? r->n : 1));
    size_t u, n = start[ng];
    struct tier_sort ts = {r, basis, keys, nkeys};

    if (!cand || !when) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (u = 0; u < n; u++)
        r->tier[order[u]] = forced_tier(r, order[u]);
    for (lv = 0; lv < T->nlevels; lv++) {
        const struct kh_tier *t = &T->levels[lv];
        if (t->when && (rc = kh_eval(r, t->when, g, ng, when, err)))
            goto out;
        for (grp = 0; grp < ng; grp++) {
            size_t gn = start[grp + 1] - start[grp], nc = 0, take, i;
            size_t cap = quota_of(t, gn, T->scope_all ? -1 : grp);
            for (i = start[grp]; i < start[grp + 1]; i++) {
                size_t v = order[i];
                if (r->tier[v] >= 0 || forbidden(r, v, lv) || !in_bounds(t, basis[v]))
                    continue;
                if (t->when && (isnan(when[v]) || when[v] == 0))
                    continue;
                cand[nc++] = v;
            }
            take = nc < cap ? nc : cap;
            if (take < nc && take > 0 && same_place(&ts, cand[take - 1], cand[take])) {
                if (T->quota_tie == KH_QTIE_INCLUDE) {
                    while (take < nc && same_place(&ts, cand[take - 1], cand[take]))
                        take++;
                } else {
                    size_t edge = take - 1;
                    while (take > 0 && same_place(&ts, cand[take - 1], cand[edge]))
                        take--;
                }
            }
            for (i = 0; i < take; i++)
                r->tier[cand[i]] = lv;
        }
    }
out:
    free(cand);
    free(when);
    return rc;
}

/*
 * r->basis[u] = kh_rank_basis(r, u) for every unit. Publication rounding
 * works on decimal text and is slow, so the rounded totals are kept from
 * one finish to the next (after kh_result_set_input) and redone only for
 * the units whose total changed (r->basis_of holds the totals they came
 * from). KH_OK or KH_ENOMEM.
 */
static int update_basis(struct kh_result *r, struct kh_err *err)
{
    size_t u;

    if (!r->basis) {
        r->basis = malloc(sizeof(double) * (r->n ? r->n : 1));
        r->basis_of = malloc(sizeof(double) * (r->n ? r->n : 1));
        if (!r->basis || !r->basis_of) {
            free(r->basis);
            free(r->basis_of);
            r->basis = r->basis_of = NULL;
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        }
        for (u = 0; u < r->n; u++) {
            r->basis_of[u] = r->score[0][u];
            r->basis[u] = kh_rank_basis(r, u);
        }
        return KH_OK;
    }
    for (u = 0; u < r->n; u++)
        if (memcmp(&r->basis_of[u], &r->score[0][u], sizeof(double))) {
            r->basis_of[u] = r->score[0][u];
            r->basis[u] = kh_rank_basis(r, u);
        }
    return KH_OK;
}

/*
 * r->order: the units of each tier scope group (g, ng groups) by total
 * (kh_rank_basis), then the tie-break keys, then unit order — kept from
 * the last finish and repaired when only some totals moved
 * (kh_order_keep).
 */
static int make_order(struct kh_result *r, double **keys, int nkeys, const int *g, int ng,
                      struct kh_err *err)
{
    const double *all[65];
    const double **k = all;
    int i, rc;

    if (!r->order) {
        r->order = malloc(sizeof(size_t) * (r->n ? r->n : 1));
        r->order_start = calloc((size_t)ng + 1, sizeof(size_t));
        r->order_valid = 0;
        if (!r->order || !r->order_start) {
            free(r->order);
            free(r->order_start);
            r->order = r->order_start = NULL;
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        }
    }
    if (nkeys + 1 > (int)KH_ARRAY_LEN(all) && !(k = malloc(sizeof(*k) * (size_t)(nkeys + 1))))
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    k[0] = r->basis;
    for (i = 0; i < nkeys; i++)
        k[i + 1] = keys[i];
    rc = kh_order_keep(g, r->n, ng, k, nkeys + 1, r->order, r->order_start, &r->order_valid);
    if (k != all)
        free(k);
    return rc ? kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory") : KH_OK;
}

/*
 * Ranks from r->order, when ranks and tiers have the same scope: the
 * order is then the ranking's too (the total first; the tie-break keys
 * only order units with equal totals, which share a place unless ties
 * are ordinal, and ordinal places follow the keys — as combined_tiebreak
 * makes kh_rank_groups do). Places as kh_rank_groups gives them.
 */
static void ranks_from_order(struct kh_result *r, int ng)
{
    const size_t *order = r->order, *start = r->order_start;
    int ties = r->s->rank_ties, grp;
    size_t p, q, t;

    for (grp = 0; grp < ng; grp++) {
        int dense = 0, size = (int)(start[grp + 1] - start[grp]);
        for (p = start[grp]; p < start[grp + 1]; p = q) {
            q = p + 1;
            if (ties != KH_TIES_ORDINAL)
                while (q < start[grp + 1] && r->basis[order[q]] == r->basis[order[p]])
                    q++;
            dense++;
            for (t = p; t < q; t++) {
                size_t u = order[t];
                r->rank[u] = ties == KH_TIES_DENSE ? dense : (int)(p - start[grp] + 1);
                r->rank_size[u] = size;
            }
        }
    }
}

int kh_result_finish(struct kh_result *r, struct kh_err *err)
{
    const struct kh_scheme *s = r->s;
    const struct kh_tiers *T = &s->tiers;
    double **keys = NULL;
    int *g = NULL, i, rc = KH_OK, ng = T->scope_all ? 1 : s->ncats;
    size_t u;

    /* Start clean: a result may be finished again after a change. */
    for (u = 0; u < r->n; u++) {
        r->tier[u] = -1;
        r->no_honours[u] = 0;
        r->rank[u] = r->rank_size[u] = 0;
    }
    if (s->nvetoes)
        memset(r->vetoed, 0, r->n * (size_t)s->nvetoes);
    g = malloc(sizeof(int) * (r->n ? r->n : 1));
    keys = calloc((size_t)T->ntiebreak + 1, sizeof(double *));
    if (!g || !keys || (rc = update_basis(r, err))) {
        rc = rc ? rc : kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (u = 0; u < r->n; u++)
        g[u] = scope_group(r, u, T->scope_all);
    for (i = 0; i < T->ntiebreak && !rc; i++) {
        if (!(keys[i] = malloc(sizeof(double) * (r->n ? r->n : 1))))
            rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        else
            rc = kh_eval(r, T->tiebreak[i], g, ng, keys[i], err);
    }
    if (rc)
        goto out;
    if ((T->nlevels || s->rank_scope_all == T->scope_all) &&
        (rc = make_order(r, keys, T->ntiebreak, g, ng, err)))
        goto out;
    if (s->rank_scope_all == T->scope_all) {
        ranks_from_order(r, ng);
    } else if (s->rank_ties == KH_TIES_ORDINAL && T->ntiebreak) {
        double *tb = combined_tiebreak(r, keys, T->ntiebreak);
        if (!tb) {
            rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        rc = rank_totals(r, tb, err);
        free(tb);
    } else {
        rc = rank_totals(r, NULL, err);
    }
    if (rc)
        goto out;
    if ((rc = eval_vetoes(r, err)))
        goto out;
    if (T->nlevels)
        rc = assign_tiers(r, r->basis, keys, T->ntiebreak, g, err);
out:
    if (keys)
        for (i = 0; i < T->ntiebreak; i++)
            free(keys[i]);
    free(keys);
    free(g);
    return rc;
}
