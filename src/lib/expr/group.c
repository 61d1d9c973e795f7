/*
 * group.c — the group functions of the expression language (gmean, gsum,
 * gmin, gmax, gmedian, gcount, gstd, grank, grank_asc, gmean_excl, gwmean;
 * see expr.h): statistics over the units of each comparison group, given
 * back to every unit of the group.
 *
 * Rules, the same for every function: a unit whose group is -1 takes no
 * part and gets NaN; missing (NaN) values are skipped. A group with no
 * values gives NaN (gcount gives 0). gstd is the population standard
 * deviation (divide by the count), computed in two passes for accuracy.
 * gmedian of an even count is the mean of the two middle values. grank is
 * competition ranking, 1 = highest, ties share the best rank (1, 2, 2, 4);
 * grank_asc ranks 1 = lowest; a unit with a missing value gets NaN.
 * gmean_excl is the mean of the other units' values, (sum - own) / (count
 * - 1), or sum / count when the unit's own value is missing; NaN when no
 * other unit has a value. gwmean(e, w) is sum(e * w) / sum(w) over the
 * units where both are present, NaN when the weights sum to 0.
 *
 * Cost: one or two passes for the sums; medians and ranks bucket the
 * values by group and sort each bucket, O(n log n).
 */
#include "base/common.h"

#include "expr/expr_int.h"

/* The group of unit i (0 when there is one group). */
static int gid(const struct expr_ev *v, size_t i)
{
    return v->group ? v->group[i] : 0;
}

/* Number of groups (at least 0). */
static size_t ngroups(const struct expr_ev *v)
{
    return v->ngroups > 0 ? (size_t)v->ngroups : 0;
}

/* qsort order of pairs: ascending value (no NaN is ever sorted). */
static int pair_cmp(const void *pa, const void *pb)
{
    const struct expr_pair *a = pa, *b = pb;

    if (a->v < b->v)
        return -1;
    if (a->v > b->v)
        return 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * Bucket the present values of a by group into v->pairs, each bucket
 * sorted ascending: bucket g is pairs[goff[g] .. goff[g] + gcnt[g]).
 */
static void sort_by_group(struct expr_ev *v, const double *a)
{
    size_t ng = ngroups(v), i, g, at = 0;

    for (g = 0; g < ng; g++)
        v->gcnt[g] = 0;
    for (i = 0; i < v->n; i++) {
        int k = gid(v, i);
        if (k >= 0 && !isnan(a[i]))
            v->gcnt[k]++;
    }
    for (g = 0; g < ng; g++) {
        v->goff[g] = at;
        at += v->gcnt[g];
        v->gcnt[g] = 0;
    }
    for (i = 0; i < v->n; i++) {
        int k = gid(v, i);
        if (k >= 0 && !isnan(a[i])) {
            struct expr_pair *pr = &v->pairs[v->goff[k] + v->gcnt[k]++];
            pr->v = a[i];
            pr->i = i;
        }
    }
    for (g = 0; g < ng; g++) {
        if (v->gcnt[g] > 1)
            qsort(v->pairs + v->goff[g], v->gcnt[g], sizeof(*v->pairs), pair_cmp);
    }
}

/* Median per group into gaux, then to every unit. */
static void group_median(struct expr_ev *v, double *dst, const double *a)
{
    size_t ng = ngroups(v), g, i;

    sort_by_group(v, a);
    for (g = 0; g < ng; g++) {
        const struct expr_pair *b = v->pairs + v->goff[g];
        size_t c = v->gcnt[g];
        if (c == 0) {
            v->gaux[g] = NAN;
        } else if (c % 2) {
            v->gaux[g] = b[c / 2].v;
        } else {
            double lo = b[c / 2 - 1].v, hi = b[c / 2].v, m = (lo + hi) / 2;
            if (isinf(m) && isfinite(lo) && isfinite(hi))
                m = lo / 2 + hi / 2;
            v->gaux[g] = m;
        }
    }
    for (i = 0; i < v->n; i++) {
        int k = gid(v, i);
        dst[i] = k < 0 ? NAN : v->gaux[k];
    }
}

/* Competition rank within the group: 1 = highest (desc) or lowest (!desc). */
static void group_rank(struct expr_ev *v, double *dst, const double *a, int desc)
{
    size_t ng = ngroups(v), g, i, k;

    sort_by_group(v, a);
    /* Every value is in pairs now, so dst (which may be a) can be written. */
    for (i = 0; i < v->n; i++)
        dst[i] = NAN;
    for (g = 0; g < ng; g++) {
        const struct expr_pair *b = v->pairs + v->goff[g];
        size_t c = v->gcnt[g];
        double rank = 1;
        for (k = 0; k < c; k++) {
            size_t at = desc ? c - 1 - k : k;
            size_t before = desc ? at + 1 : at - 1;
            if (k > 0 && b[at].v != b[before].v)
                rank = (double)(k + 1);
            dst[b[at].i] = rank;
        }
    }
}

/* Sums and counts of present values per group into gsum and gcnt. */
static void group_sums(struct expr_ev *v, const double *a)
{
    size_t ng = ngroups(v), g, i;

    for (g = 0; g < ng; g++) {
        v->gsum[g] = 0;
        v->gcnt[g] = 0;
    }
    for (i = 0; i < v->n; i++) {
        int k = gid(v, i);
        if (k >= 0 && !isnan(a[i])) {
            v->gsum[k] += a[i];
            v->gcnt[k]++;
        }
    }
}

/* Population standard deviation per group into gaux (gsum, gcnt filled). */
static void group_std(struct expr_ev *v, const double *a)
{
    size_t ng = ngroups(v), g, i;

    for (g = 0; g < ng; g++) {
        v->gaux[g] = 0;
        if (v->gcnt[g])
            v->gsum[g] /= (double)v->gcnt[g]; /* now the mean */
    }
    for (i = 0; i < v->n; i++) {
        int k = gid(v, i);
        if (k >= 0 && !isnan(a[i])) {
            double d = a[i] - v->gsum[k];
            v->gaux[k] += d * d;
        }
    }
    for (g = 0; g < ng; g++)
        v->gaux[g] = v->gcnt[g] ? sqrt(v->gaux[g] / (double)v->gcnt[g]) : NAN;
}

/* Minimum (or maximum) of present values per group into gaux. */
static void group_extreme(struct expr_ev *v, const double *a, int want_max)
{
    size_t ng = ngroups(v), g, i;

    for (g = 0; g < ng; g++)
        v->gaux[g] = NAN;
    for (i = 0; i < v->n; i++) {
        int k = gid(v, i);
        double x = a[i];
        if (k < 0 || isnan(x))
            continue;
        if (isnan(v->gaux[k]) || (want_max ? x > v->gaux[k] : x < v->gaux[k]))
            v->gaux[k] = x;
    }
}

/* Weighted mean per group into gaux. */
static void group_wmean(struct expr_ev *v, const double *a, const double *w, double wk)
{
    size_t ng = ngroups(v), g, i;

    for (g = 0; g < ng; g++) {
        v->gsum[g] = 0; /* sum of weights */
        v->gaux[g] = 0; /* sum of value * weight */
    }
    for (i = 0; i < v->n; i++) {
        int k = gid(v, i);
        double x = a[i], wi = w ? w[i] : wk;
        if (k < 0 || isnan(x) || isnan(wi))
            continue;
        v->gsum[k] += wi;
        v->gaux[k] += x * wi;
    }
    for (g = 0; g < ng; g++)
        v->gaux[g] = v->gsum[g] == 0 ? NAN : v->gaux[g] / v->gsum[g];
}

/* Group function op of a (weights w or wk) into dst (expr_int.h). */
void expr_group(struct expr_ev *v, int op, double *dst, const double *a, const double *w, double wk)
{
    size_t ng = ngroups(v), g, i;

    switch (op) {
    case O_GMEDIAN:
        group_median(v, dst, a);
        return;
    case O_GRANK:
    case O_GRANK_ASC:
        group_rank(v, dst, a, op == O_GRANK);
        return;
    case O_GMEAN_EXCL:
        group_sums(v, a);
        for (i = 0; i < v->n; i++) {
            int k = gid(v, i);
            double c, s;
            if (k < 0) {
                dst[i] = NAN;
                continue;
            }
            c = (double)v->gcnt[k];
            s = v->gsum[k];
            if (!isnan(a[i])) {
                c -= 1;
                s -= a[i];
            }
            dst[i] = c > 0 ? s / c : NAN;
        }
        return;
    case O_GMEAN:
    case O_GSUM:
    case O_GCOUNT:
        group_sums(v, a);
        for (g = 0; g < ng; g++) {
            double c = (double)v->gcnt[g];
            v->gaux[g] = op == O_GCOUNT ? c
                         : c == 0       ? NAN
                         : op == O_GSUM ? v->gsum[g]
                                        : v->gsum[g] / c;
        }
        break;
    case O_GSTD:
        group_sums(v, a);
        group_std(v, a);
        break;
    case O_GMIN:
    case O_GMAX:
        group_extreme(v, a, op == O_GMAX);
        break;
    case O_GWMEAN:
        group_wmean(v, a, w, wk);
        break;
    default:
        for (g = 0; g < ng; g++)
            v->gaux[g] = NAN;
        break;
    }
    for (i = 0; i < v->n; i++) {
        int k = gid(v, i);
        dst[i] = k < 0 ? NAN : v->gaux[k];
    }
}
