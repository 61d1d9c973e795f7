/*
 * test_rank.c — unit tests of kh_rank_groups() (src/lib/engine/rank.c):
 * the tie policies (competition 1,2,2,4; dense 1,2,2,3; share; ordinal by
 * a tie-break key then input order), lower-is-better, values that are not
 * ranked (NaN, group −1), separate groups (T3 per-category rankings), a
 * 500,000-value run checked against counting, and ranks feeding the S20
 * rank-list rule with shared ties.
 */
#include <time.h>

#include "rules_fixture.h"

static void rank_check(const int *got, const int *want, size_t n, const char *what)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (got[i] != want[i])
            fail_msg("%s[%zu] = %d, expected %d", what, i, got[i], want[i]);
}

static void test_rank_groups_competition_ties(void **state)
{
    const double v[5] = {85, 90, 85, 80, 70};
    const int g[5] = {0, 0, 0, 0, 0};
    const int want_rank[5] = {2, 1, 2, 4, 5}, want_tied[5] = {2, 1, 2, 1, 1};
    int rank[5], tied[5], gs[1];
    (void)state;
    assert_int_equal(kh_rank_groups(v, g, 5, 1, 0, KH_TIES_COMPETITION, NULL, rank, tied, gs),
                     KH_OK);
    rank_check(rank, want_rank, 5, "rank");
    rank_check(tied, want_tied, 5, "ntied");
    assert_int_equal(gs[0], 5);
}

static void test_rank_groups_dense_ties(void **state)
{
    const double v[5] = {85, 90, 85, 80, 70};
    const int g[5] = {0, 0, 0, 0, 0};
    const int want_rank[5] = {2, 1, 2, 3, 4}, want_tied[5] = {2, 1, 2, 1, 1};
    int rank[5], tied[5];
    (void)state;
    assert_int_equal(kh_rank_groups(v, g, 5, 1, 0, KH_TIES_DENSE, NULL, rank, tied, NULL), KH_OK);
    rank_check(rank, want_rank, 5, "rank");
    rank_check(tied, want_tied, 5, "ntied");
}

static void test_rank_groups_share_gives_competition_places(void **state)
{
    const double v[4] = {90, 90, 90, 50};
    const int g[4] = {0, 0, 0, 0};
    const int want_rank[4] = {1, 1, 1, 4}, want_tied[4] = {3, 3, 3, 1};
    int rank[4], tied[4];
    (void)state;
    assert_int_equal(kh_rank_groups(v, g, 4, 1, 0, KH_TIES_SHARE, NULL, rank, tied, NULL), KH_OK);
    rank_check(rank, want_rank, 4, "rank");
    rank_check(tied, want_tied, 4, "ntied");
}

static void test_rank_groups_ordinal_breaks_ties_by_key_then_index(void **state)
{
    /* T6 (S40): 得分相等时优先考虑任务较重的 — the tie-break key, higher first. */
    const double v[5] = {88, 88, 88, 95, 88};
    const double task[5] = {3, 5, NAN, 1, 5};
    const int g[5] = {0, 0, 0, 0, 0};
    const int want_rank[5] = {4, 2, 5, 1, 3}, want_tied[5] = {1, 1, 1, 1, 1};
    const int want_plain[5] = {2, 3, 4, 1, 5};
    int rank[5], tied[5];
    (void)state;
    assert_int_equal(kh_rank_groups(v, g, 5, 1, 0, KH_TIES_ORDINAL, task, rank, tied, NULL), KH_OK);
    rank_check(rank, want_rank, 5, "rank");
    rank_check(tied, want_tied, 5, "ntied");
    /* Without a key: input order. */
    assert_int_equal(kh_rank_groups(v, g, 5, 1, 0, KH_TIES_ORDINAL, NULL, rank, tied, NULL), KH_OK);
    rank_check(rank, want_plain, 5, "rank");
}

static void test_rank_groups_lower_better(void **state)
{
    /* S22-like: fewer cases is better; the engine ranks S20 倒数 the same way. */
    const double v[5] = {3, 0, 7, 3, -1};
    const int g[5] = {0, 0, 0, 0, 0};
    const int want_rank[5] = {3, 2, 5, 3, 1};
    int rank[5], tied[5];
    (void)state;
    assert_int_equal(kh_rank_groups(v, g, 5, 1, 1, KH_TIES_COMPETITION, NULL, rank, tied, NULL),
                     KH_OK);
    rank_check(rank, want_rank, 5, "rank");
}

static void test_rank_groups_nan_and_minus_one_not_ranked(void **state)
{
    const double v[6] = {50, NAN, 70, 60, 99, 60};
    const int g[6] = {0, 0, 0, 0, -1, 0};
    const int want_rank[6] = {4, 0, 1, 2, 0, 2}, want_tied[6] = {1, 0, 1, 2, 0, 2};
    int rank[6], tied[6], gs[1];
    (void)state;
    assert_int_equal(kh_rank_groups(v, g, 6, 1, 0, KH_TIES_COMPETITION, NULL, rank, tied, gs),
                     KH_OK);
    rank_check(rank, want_rank, 6, "rank");
    rank_check(tied, want_tied, 6, "ntied");
    assert_int_equal(gs[0], 4);
}

static void test_rank_groups_separate_categories(void **state)
{
    /* T3 (S40): 分市直主要责任单位和县(市、区)两类从高分到低分进行排位. */
    const double v[6] = {80, 95, 70, 90, 85, 60};
    const int g[6] = {0, 1, 0, 1, 0, 2};
    const int want_rank[6] = {2, 1, 3, 2, 1, 1};
    int rank[6], tied[6], gs[4] = {-1, -1, -1, -1};
    (void)state;
    assert_int_equal(kh_rank_groups(v, g, 6, 4, 0, KH_TIES_DENSE, NULL, rank, tied, gs), KH_OK);
    rank_check(rank, want_rank, 6, "rank");
    assert_int_equal(gs[0], 3);
    assert_int_equal(gs[1], 2);
    assert_int_equal(gs[2], 1);
    assert_int_equal(gs[3], 0);
}

static void test_rank_groups_empty_input(void **state)
{
    int gs[2] = {7, 7};
    (void)state;
    assert_int_equal(kh_rank_groups(NULL, NULL, 0, 2, 0, KH_TIES_COMPETITION, NULL, NULL, NULL, gs),
                     KH_OK);
    assert_int_equal(gs[0], 0);
    assert_int_equal(gs[1], 0);
}

/* A deterministic pseudo-random sequence (LCG). */
static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void test_rank_groups_500k_values_fast_and_exact(void **state)
{
    enum { N = 500000, G = 7, R = 1000 };
    double *v = malloc(sizeof(double) * N);
    int *g = malloc(sizeof(int) * N), *rank = malloc(sizeof(int) * N);
    int *tied = malloc(sizeof(int) * N), *gs = malloc(sizeof(int) * G);
    int *cnt = calloc((size_t)G * R, sizeof(int)), *above = calloc((size_t)G * R, sizeof(int));
    int *dense = calloc((size_t)G * R, sizeof(int)), size[G] = {0};
    struct timespec t0, t1;
    uint32_t seed = 42;
    double secs;
    size_t i;
    int k, ties;
    (void)state;
    assert_non_null(v);
    assert_non_null(g);
    assert_non_null(rank);
    assert_non_null(tied);
    assert_non_null(gs);
    assert_non_null(cnt);
    assert_non_null(above);
    assert_non_null(dense);
    for (i = 0; i < N; i++) {
        uint32_t r = lcg(&seed);
        g[i] = (int)(r % (G + 1)) - 1; /* −1 .. G−1 */
        v[i] = (r / 16) % 50 == 0 ? NAN : (double)(lcg(&seed) % R);
        if (g[i] >= 0 && !isnan(v[i])) {
            cnt[g[i] * R + (int)v[i]]++;
            size[g[i]]++;
        }
    }
    /* Expected places by counting: units strictly above, distinct values above. */
    for (k = 0; k < G; k++) {
        int sum = 0, distinct = 0, x;
        for (x = R - 1; x >= 0; x--) {
            above[k * R + x] = sum;
            dense[k * R + x] = distinct;
            sum += cnt[k * R + x];
            distinct += cnt[k * R + x] > 0;
        }
    }
    for (ties = KH_TIES_COMPETITION; ties <= KH_TIES_DENSE; ties++) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(kh_rank_groups(v, g, N, G, 0, ties, NULL, rank, tied, gs), KH_OK);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (secs > 5)
            fail_msg("ranking 500000 values took %.2f s", secs);
        for (k = 0; k < G; k++)
            assert_int_equal(gs[k], size[k]);
        for (i = 0; i < N; i++) {
            int want, wt;
            if (g[i] < 0 || isnan(v[i])) {
                want = 0;
                wt = 0;
            } else {
                int cell = g[i] * R + (int)v[i];
                want = 1 + (ties == KH_TIES_DENSE ? dense[cell] : above[cell]);
                wt = cnt[cell];
            }
            if (rank[i] != want || tied[i] != wt)
                fail_msg("ties %d, value %zu: rank %d/%d, expected %d/%d", ties, i, rank[i],
                         tied[i], want, wt);
        }
    }
    free(v);
    free(g);
    free(rank);
    free(tied);
    free(gs);
    free(cnt);
    free(above);
    free(dense);
}

static void test_rank_groups_feed_rank_rule_shared_ties(void **state)
{
    /* S20 list 60/57/54/51/48 over five districts, two tied second. */
    const double v[5] = {7.1, 9.4, 8.0, 8.0, 6.5};
    const int g[5] = {0, 0, 0, 0, 0};
    const double want[5] = {51, 60, 55.5, 55.5, 48};
    struct kh_param list[5];
    struct kh_node n = fx_node("S20_综合考核", KH_RULE_RANK);
    int rank[5], tied[5], gs[1], i;
    (void)state;
    fx_reset();
    for (i = 0; i < 5; i++)
        list[i] = fx_p(60 - 3 * i);
    n.rule.u.rank.form = KH_RANK_LIST;
    n.rule.u.rank.ties = KH_TIES_SHARE;
    n.rule.u.rank.list = list;
    n.rule.u.rank.nlist = 5;
    assert_int_equal(kh_rank_groups(v, g, 5, 1, 0, KH_TIES_SHARE, NULL, rank, tied, gs), KH_OK);
    for (i = 0; i < 5; i++) {
        struct kh_rule_unit in = fx_unit(60, v[i]);
        in.rank = rank[i];
        in.ntied = tied[i];
        in.ngroup = gs[0];
        fx_near(fx_eval(&n, &in, NULL), want[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_groups_competition_ties),
        cmocka_unit_test(test_rank_groups_dense_ties),
        cmocka_unit_test(test_rank_groups_share_gives_competition_places),
        cmocka_unit_test(test_rank_groups_ordinal_breaks_ties_by_key_then_index),
        cmocka_unit_test(test_rank_groups_lower_better),
        cmocka_unit_test(test_rank_groups_nan_and_minus_one_not_ranked),
        cmocka_unit_test(test_rank_groups_separate_categories),
        cmocka_unit_test(test_rank_groups_empty_input),
        cmocka_unit_test(test_rank_groups_500k_values_fast_and_exact),
        cmocka_unit_test(test_rank_groups_feed_rank_rule_shared_ties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
