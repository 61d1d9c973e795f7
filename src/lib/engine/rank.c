/*
 * rank.c — kh_rank_groups(): places of many values within groups (a
 * category, a peer tag, or everyone), higher first or lower first, with
 * the tie policies of scheme/model.h (enum kh_ties): competition 1,2,2,4,
 * dense 1,2,2,3, share (competition places; the rank rule shares the tied
 * places' points) and ordinal (ties broken by a second key, then by input
 * order).
 *
 * Radix passes over the values' bits, O(n): a group of 500,000 values ranks
 * in milliseconds. The order is total (group, key, tie-break, index), so
 * results never depend on how ties happen to be sorted. Also the order of
 * units by several keys that totals, ranks and tiers share
 * (kh_order_desc), and that order kept from one rescoring to the next and
 * repaired by insertion when a few units moved (kh_order_keep).
 */
#include "base/common.h"
#include "engine/engine_int.h"

/* A ranked value, keyed so that ascending order is best first. */
struct rkey {
    uint64_t key; /* the sort key of the current radix pass (see below) */
    double v;     /* -v (higher first) or v (lower first) */
    uint32_t i;   /* index into the input */
    int group;
};

/* A double as an unsigned integer in the same order (no NaN here). */
static uint64_t order_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof(b));
    return b >> 63 ? ~b : b | UINT64_C(1) << 63;
}

/*
 * Sort a[0..m) by .key, stably, with tmp as scratch (m entries): least
 * significant digit first, 11 bits a pass, skipping the passes whose digit
 * is the same for every key. Returns where the sorted run ended up (a or
 * tmp).
 */
static struct rkey *radix_sort(struct rkey *a, struct rkey *tmp, size_t m, size_t *count)
{
    uint64_t all_or = 0, all_and = ~UINT64_C(0);
    size_t i;
    int shift;

    for (i = 0; i < m; i++) {
        all_or |= a[i].key;
        all_and &= a[i].key;
    }
    for (shift = 0; shift < 64; shift += 11) {
        size_t sum = 0, c;
        struct rkey *t;
        if (((all_or ^ all_and) >> shift & 0x7ff) == 0)
            continue; /* every key has this digit */
        memset(count, 0, 2048 * sizeof(*count));
        for (i = 0; i < m; i++)
            count[a[i].key >> shift & 0x7ff]++;
        for (i = 0; i < 2048; i++) {
            c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < m; i++)
            tmp[count[a[i].key >> shift & 0x7ff]++] = a[i];
        t = a;
        a = tmp;
        tmp = t;
    }
    return a;
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
            while (q < m && k[q].v == k[p].v)
                q++;
        dense++;
        for (t = p; t < q; t++) {
            rank[k[t].i] = ties == KH_TIES_DENSE ? dense : (int)(p + 1);
            ntied[k[t].i] = (int)(q - p);
        }
    }
}

/*
 * See rules.h. The order is (group, value, tie-break, index), total and
 * deterministic: the values are taken in index order and sorted stably by
 * the tie-break (ORDINAL), then the value, then the group, each by radix
 * passes over its bits in an order-preserving form — no comparison sort.
 */
int kh_rank_groups(const double *v, const int *group, size_t n, int ngroups, int lower_better,
                   int ties, const double *tiebreak, int *rank, int *ntied, int *gsize)
{
    struct rkey *k, *tmp, *s;
    size_t i, m = 0, p, q, *count;
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
    if (n > UINT32_MAX)
        return KH_ELIMIT;
    k = malloc(n * sizeof(*k));
    tmp = malloc(n * sizeof(*tmp));
    count = malloc(sizeof(*count) * (2048 > (size_t)ngroups + 1 ? 2048 : (size_t)ngroups + 1));
    if (!k || !tmp || !count) {
        free(k);
        free(tmp);
        free(count);
        return KH_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        if (group[i] < 0 || group[i] >= ngroups || isnan(v[i]))
            continue;
        k[m].group = group[i];
        /* + 0.0 turns -0.0 into 0.0 so that the two tie. */
        k[m].v = (lower_better ? v[i] : -v[i]) + 0.0;
        k[m].i = (uint32_t)i;
        m++;
    }
    s = k;
    if (ties == KH_TIES_ORDINAL && tiebreak) {
        for (i = 0; i < m; i++) {
            double tb = tiebreak[s[i].i];
            s[i].key = order_bits(isnan(tb) ? INFINITY : -tb + 0.0);
        }
        s = radix_sort(s, s == k ? tmp : k, m, count);
    }
    for (i = 0; i < m; i++)
        s[i].key = order_bits(s[i].v);
    s = radix_sort(s, s == k ? tmp : k, m, count);
    if (ngroups > 1) {
        /* A stable counting sort by group. */
        struct rkey *d = s == k ? tmp : k;
        size_t sum = 0, c;
        memset(count, 0, sizeof(*count) * (size_t)ngroups);
        for (i = 0; i < m; i++)
            count[s[i].group]++;
        for (g = 0; g < ngroups; g++) {
            c = count[g];
            count[g] = sum;
            sum += c;
        }
        for (i = 0; i < m; i++)
            d[count[s[i].group]++] = s[i];
        s = d;
    }
    for (p = 0; p < m; p = q) {
        for (q = p + 1; q < m && s[q].group == s[p].group; q++)
            ;
        rank_run(s + p, q - p, ties, rank, ntied);
        if (gsize)
            gsize[s[p].group] = (int)(q - p);
    }
    free(k);
    free(tmp);
    free(count);
    return KH_OK;
}

/* A key of kh_order_desc: higher first, NaN last, 0.0 and -0.0 alike. */
static uint64_t desc_bits(double d)
{
    return isnan(d) ? UINT64_MAX : order_bits(-d + 0.0);
}

int kh_order_desc(const int *group, size_t n, int ngroups, const double *const *keys, int nkeys,
                  size_t *order, size_t *start)
{
    struct rkey *k, *tmp, *s;
    size_t i, m = 0, *count, sum = 0, c;
    int g, j;

    if (n > UINT32_MAX)
        return KH_ELIMIT;
    k = malloc((n ? n : 1) * sizeof(*k));
    tmp = malloc((n ? n : 1) * sizeof(*tmp));
    count = malloc(sizeof(*count) * (2048 > (size_t)ngroups + 1 ? 2048 : (size_t)ngroups + 1));
    if (!k || !tmp || !count) {
        free(k);
        free(tmp);
        free(count);
        return KH_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        if (group[i] < 0 || group[i] >= ngroups)
            continue;
        k[m].group = group[i];
        k[m].i = (uint32_t)i;
        m++;
    }
    /* Least significant key first; each pass is stable, so the index
     * (the order the units were taken in) breaks what the keys leave tied. */
    s = k;
    for (j = nkeys - 1; j >= 0; j--) {
        for (i = 0; i < m; i++)
            s[i].key = desc_bits(keys[j][s[i].i]);
        s = radix_sort(s, s == k ? tmp : k, m, count);
    }
    memset(count, 0, sizeof(*count) * (size_t)(ngroups + 1));
    for (i = 0; i < m; i++)
        count[s[i].group]++;
    for (g = 0; g < ngroups; g++) {
        c = count[g];
        start[g] = count[g] = sum;
        sum += c;
    }
    start[ngroups] = sum;
    for (i = 0; i < m; i++)
        order[count[s[i].group]++] = s[i].i;
    free(k);
    free(tmp);
    free(count);
    return KH_OK;
}

/* Non-zero if unit a comes before unit b in kh_order_desc's order (the
 * same group): keys first, each higher first (NaN last), then index. */
static int comes_before(const double *const *keys, int nkeys, size_t a, size_t b)
{
    int k;
    for (k = 0; k < nkeys; k++) {
        uint64_t x = desc_bits(keys[k][a]), y = desc_bits(keys[k][b]);
        if (x != y)
            return x < y;
    }
    return a < b;
}

int kh_order_keep(const int *group, size_t n, int ngroups, const double *const *keys, int nkeys,
                  size_t *order, size_t *start, int *valid)
{
    size_t i, m = 0, moves = 0, budget = 2 * n + 64;
    int g;

    if (!*valid)
        goto full;
    /* The same units in the same groups as when the order was made? */
    for (i = 0; i < n; i++)
        m += group[i] >= 0 && group[i] < ngroups;
    if (m != start[ngroups])
        goto full;
    for (g = 0; g < ngroups; g++)
        for (i = start[g]; i < start[g + 1]; i++)
            if (group[order[i]] != g)
                goto full;
    /* Insertion sort of each group from the old order: a changed unit
     * moves to its place, the others stay; too many moves, and it is
     * cheaper to sort afresh. */
    for (g = 0; g < ngroups; g++)
        for (i = start[g] + 1; i < start[g + 1]; i++) {
            size_t x = order[i], j = i;
            while (j > start[g] && comes_before(keys, nkeys, x, order[j - 1])) {
                order[j] = order[j - 1];
                j--;
                if (++moves > budget)
                    goto full;
            }
            order[j] = x;
        }
    return KH_OK;
full:
    *valid = 0;
    if (kh_order_desc(group, n, ngroups, keys, nkeys, order, start))
        return KH_ENOMEM;
    *valid = 1;
    return KH_OK;
}
