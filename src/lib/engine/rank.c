/*
 * rank.c — kh_rank_groups(): places of many values within groups (a
 * category, a peer tag, or everyone), higher first or lower first, with
 * the tie policies of scheme/model.h (enum kh_ties): competition 1,2,2,4,
 * dense 1,2,2,3, share (competition places; the rank rule shares the tied
 * places' points) and ordinal (ties broken by a second key, then by input
 * order).
 *
 * One sort of compact keys, O(n log n): a group of 500,000 values ranks in
 * well under a second. The comparator is context-free and total (group,
 * key, tie-break, index), so results never depend on qsort's stability.
 */
#include "base/common.h"
#include "engine/rules.h"

/* A ranked value, keyed so that ascending order is best first. */
struct rkey {
    int group;
    double key; /* -v (higher first) or v (lower first) */
    double tb;  /* ORDINAL: -tiebreak (higher first), +inf when missing; else 0 */
    size_t i;   /* index into the input */
};

/* qsort order: group, key, tie-break, index — total and deterministic. */
static int rkey_cmp(const void *pa, const void *pb)
{
    const struct rkey *a = pa, *b = pb;

    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->tb != b->tb)
        return a->tb < b->tb ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * Assign ranks to the sorted run k[0..m) of one group: places by the tie
 * policy, and the number of units sharing each place.
 */
static void rank_run(const struct rkey *k, size_t m, int ties, int *rank, int *ntied)
{
    size_t p, q, t;
    int dense = 0;

    for (p = 0; p < m; p = q) {
        q = p + 1;
        if (ties != KH_TIES_ORDINAL)
            while (q < m && k[q].key == k[p].key)
                q++;
        dense++;
        for (t = p; t < q; t++) {
            rank[k[t].i] = ties == KH_TIES_DENSE ? dense : (int)(p + 1);
            ntied[k[t].i] = (int)(q - p);
        }
    }
}

/* See rules.h: one sort of the ranked values, then one pass per group. */
int kh_rank_groups(const double *v, const int *group, size_t n, int ngroups, int lower_better,
                   int ties, const double *tiebreak, int *rank, int *ntied, int *gsize)
{
    struct rkey *k;
    size_t i, m = 0, p, q;
    int g;

    if (gsize)
        for (g = 0; g < ngroups; g++)
            gsize[g] = 0;
    for (i = 0; i < n; i++) {
        rank[i] = 0;
        ntied[i] = 0;
    }
    if (n == 0)
        return KH_OK;
    k = malloc(n * sizeof(*k));
    if (!k)
        return KH_ENOMEM;
    for (i = 0; i < n; i++) {
        if (group[i] < 0 || group[i] >= ngroups || isnan(v[i]))
            continue;
        k[m].group = group[i];
        /* + 0.0 turns -0.0 into 0.0 so that the two tie. */
        k[m].key = (lower_better ? v[i] : -v[i]) + 0.0;
        k[m].tb = 0;
        if (ties == KH_TIES_ORDINAL && tiebreak)
            k[m].tb = isnan(tiebreak[i]) ? INFINITY : -tiebreak[i] + 0.0;
        k[m].i = i;
        m++;
    }
    qsort(k, m, sizeof(*k), rkey_cmp);
    for (p = 0; p < m; p = q) {
        for (q = p + 1; q < m && k[q].group == k[p].group; q++)
            ;
        rank_run(k + p, q - p, ties, rank, ntied);
        if (gsize)
            gsize[k[p].group] = (int)(q - p);
    }
    free(k);
    return KH_OK;
}
