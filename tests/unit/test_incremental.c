/*
 * test_incremental.c — kh_result_set_input (engine/incremental.c) gives,
 * bit for bit, what a full kh_score of the changed data gives: every
 * node's score and flag, the ranks, the tiers, the vetoes and the
 * explanation traces, after changes to indicators of several kinds (an
 * absolute ratio, a rank, proportional to the first, efficacy, steps
 * around the group mean, bands with missing: zero, a mean-combined
 * parent, a multiplier reading another node's score), including changes
 * that move a group's leader and that make a value missing. The changed
 * parents are recombined only for the units whose children changed, and
 * the totals' order is kept from one change to the next: these tests are
 * what says that this shortcut changes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "kaohe/engine.h"
#include "engine/engine_int.h"

#define NUNITS 60

/* Six inputs, leaves of six rule families under two parents (one a
 * weighted mean), a multiplier reading a parent's score, tiers by quota
 * per category with a tie-break key, a veto, displayed totals at 1
 * decimal so that ties happen. */
static const char *scheme_text =
    "kaohe: 1\n"
    "scheme: {id: inc, name: 增量, decimals: 1}\n"
    "categories: {town: 镇, street: 街道}\n"
    "inputs: {ia: A, ib: B, ic: C, id: D, ie: E, ig: F}\n"
    "indicators:\n"
    "  - id: g1\n"
    "    name: 第一类\n"
    "    children:\n"
    "      - {id: ra, name: 比例, value: ia, points: 10, rule: {ratio: {cap: 1.2}}}\n"
    "      - {id: rk, name: 排名, value: ib, points: {town: 8, street: 6},\n"
    "         rule: {rank: {ties: competition, points: [8, 7, 6, 5], rest: 3}}}\n"
    "      - {id: pr, name: 与第一, value: ic, points: 6, rule: proportional}\n"
    "  - id: g2\n"
    "    name: 第二类\n"
    "    points: 20\n"
    "    combine: mean\n"
    "    children:\n"
    "      - {id: ef, name: 功效, value: id, points: 5, weight: 2, rule: efficacy}\n"
    "      - {id: sm, name: 均值, value: ie, points: 5, min: 0,\n"
    "         rule: {steps: {ref: \"gmean(x)\", measure: points, partial: continuous,\n"
    "                        up: 0.5, down: 1, max_up: 2}}}\n"
    "      - {id: bd, name: 分档, value: ig, points: 4, missing: zero,\n"
    "         rule: {bands: {on: \"x\", bands: [{ge: 50, score: 4}, {ge: 20, score: 2}]}}}\n"
    "  - {id: m, name: 系数, value: ig, points: 5, missing: zero, rule: score,\n"
    "     multiplier: \"if(score(g1) > 18, 1.1, 1)\"}\n"
    "tiers:\n"
    "  scope: category\n"
    "  quota_ties: exclude\n"
    "  tiebreak: [\"score(g2)\"]\n"
    "  levels:\n"
    "    - {id: A, name: 优秀, quota: 20%, quota_round: floor, when: \"not veto(low)\"}\n"
    "    - {id: B, name: 良好, quota: 40%, quota_round: round}\n"
    "    - {id: C, name: 一般}\n"
    "vetoes:\n"
    "  - {id: low, name: 底线, when: \"score(ra) < 3\", effect: no_honours}\n";

static const char *const inputs[] = {"ia", "ib", "ic", "id", "ie", "ig"};

/* The data: values[u][i] of input i for unit u (NaN: no row). */
struct data {
    double v[NUNITS][6];
};

static unsigned next_rand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

static void make_data(struct data *d)
{
    unsigned seed = 7;
    int u, i;
    for (u = 0; u < NUNITS; u++)
        for (i = 0; i < 6; i++)
            /* Integers from a small range: ranks and totals tie. */
            d->v[u][i] = (double)(next_rand(&seed) % 12) * 5 + 10;
    d->v[3][5] = NAN; /* f missing: bands score 0 */
}

static void fail_err(const char *what, const struct kh_err *err)
{
    char line[1024];
    fail_msg("%s: %s", what, kh_err_format(err, line, sizeof(line)));
}

/* A dataset of d: units, values of 2024-12 and targets of a for 2024. */
static struct kh_dataset *load(const struct data *d)
{
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_err err;
    char id[16];
    int u, i;

    kh_err_clear(&err);
    assert_non_null(ds);
    for (u = 0; u < NUNITS; u++) {
        snprintf(id, sizeof(id), "U%02d", u);
        if (kh_dataset_add_unit(ds, id, id, u % 3 ? "town" : "street", NULL, NULL, &err) < 0)
            fail_err("unit", &err);
    }
    for (u = 0; u < NUNITS; u++) {
        snprintf(id, sizeof(id), "U%02d", u);
        for (i = 0; i < 6; i++)
            if (!isnan(d->v[u][i]) &&
                kh_dataset_add_value(ds, id, inputs[i], "2024-12", d->v[u][i], &err))
                fail_err("value", &err);
        if (kh_dataset_add_target(ds, id, "ia", "2024", 40, NAN, &err))
            fail_err("target", &err);
    }
    return ds;
}

/* Every number a result publishes for its units and nodes, bit for bit. */
static void assert_same(const struct kh_scheme *s, const struct kh_result *x,
                        const struct kh_result *y, const unsigned char *changed)
{
    int u, n, nn = kh_scheme_node_count(s);
    struct kh_buf bx, by;
    struct kh_err err;

    for (u = 0; u < NUNITS; u++) {
        for (n = 0; n < nn; n++) {
            double a = kh_result_score(x, u, n), b = kh_result_score(y, u, n);
            if (memcmp(&a, &b, sizeof(a)))
                fail_msg("unit %d node %d: %.17g after changes, %.17g scored afresh", u, n, a, b);
        }
        assert_int_equal(kh_result_rank(x, u), kh_result_rank(y, u));
        assert_int_equal(kh_result_rank_size(x, u), kh_result_rank_size(y, u));
        assert_int_equal(kh_result_tier(x, u), kh_result_tier(y, u));
        assert_int_equal(kh_result_veto_count(x, u), kh_result_veto_count(y, u));
        assert_int_equal(kh_result_honours_eligible(x, u), kh_result_honours_eligible(y, u));
    }
    /* The traces of a few numbers: flags and group statistics show there.
     * (A changed unit's trace cites the dataset's row, which the change
     * does not alter: those are left out.) */
    kh_err_clear(&err);
    for (u = 0; u < NUNITS; u += 7)
        for (n = 0; n < nn && !changed[u]; n++) {
            kh_buf_init(&bx, 1 << 20);
            kh_buf_init(&by, 1 << 20);
            assert_int_equal(kh_explain(x, u, n, &bx, &err), KH_OK);
            assert_int_equal(kh_explain(y, u, n, &by, &err), KH_OK);
            assert_string_equal(kh_buf_str(&bx), kh_buf_str(&by));
            kh_buf_free(&bx);
            kh_buf_free(&by);
        }
}

struct change {
    int unit, input;
    double v;
};

static void run_changes_in(const char *text, const struct change *ch, int nch)
{
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds, *ds2;
    struct kh_result *r = NULL, *full = NULL;
    struct kh_err err;
    struct data d;
    unsigned char changed[NUNITS] = {0};
    int k;

    kh_err_clear(&err);
    if (kh_scheme_load_mem("inc.yaml", text, strlen(text), &s, &err))
        fail_err("scheme", &err);
    make_data(&d);
    ds = load(&d);
    if (kh_score(s, ds, "2024-12", &r, &err))
        fail_err("score", &err);
    for (k = 0; k < nch; k++) {
        int nodes = 0;
        if (kh_result_set_input(r, ch[k].unit, inputs[ch[k].input], ch[k].v, &nodes, &err))
            fail_err("set_input", &err);
        assert_true(nodes > 0);
        d.v[ch[k].unit][ch[k].input] = ch[k].v;
        changed[ch[k].unit] = 1;
        ds2 = load(&d);
        if (kh_score(s, ds2, "2024-12", &full, &err))
            fail_err("full score", &err);
        assert_same(s, r, full, changed);
        kh_result_free(full);
        kh_dataset_free(ds2);
    }
    kh_result_free(r);
    /* The changes went into the result, never into the dataset (whose
     * columns a result may read in place): it still scores as loaded. */
    {
        struct data d0;
        unsigned char none[NUNITS] = {0};
        make_data(&d0);
        ds2 = load(&d0);
        if (kh_score(s, ds, "2024-12", &r, &err) || kh_score(s, ds2, "2024-12", &full, &err))
            fail_err("score again", &err);
        assert_same(s, r, full, none);
        kh_result_free(r);
        kh_result_free(full);
        kh_dataset_free(ds2);
    }
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

static void run_changes(const struct change *ch, int nch)
{
    run_changes_in(scheme_text, ch, nch);
}

/* The scheme with its header line replaced by `head`. */
static char *variant(const char *head)
{
    const char *rest = strstr(scheme_text, "categories:");
    size_t n = strlen(head) + strlen(rest) + 1;
    char *v = malloc(n);
    assert_non_null(v);
    snprintf(v, n, "%s%s", head, rest);
    return v;
}

static void random_changes(struct change *ch, int n, unsigned seed)
{
    int k;
    for (k = 0; k < n; k++) {
        ch[k].unit = (int)(next_rand(&seed) % NUNITS);
        ch[k].input = (int)(next_rand(&seed) % 6);
        ch[k].v = (double)(next_rand(&seed) % 20) * 5;
    }
}

static void test_incremental_ordinal_ties_and_other_rank_scope_match_full_scores(void **state)
{
    /* Ordinal places follow the tie-break keys; ranks over all units while
     * tiers are per category take the other path through the ranks. */
    static const char *const heads[] = {
        "kaohe: 1\nscheme: {id: inc, name: 增量, decimals: 1, ties: ordinal}\n",
        "kaohe: 1\nscheme: {id: inc, name: 增量, decimals: 1, ties: dense, rank_scope: all}\n",
        "kaohe: 1\nscheme: {id: inc, name: 增量, decimals: 0, rank_by: display}\n",
    };
    struct change ch[25];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        char *v = variant(heads[i]);
        random_changes(ch, 25, 500 + (unsigned)i);
        run_changes_in(v, ch, 25);
        free(v);
    }
}

static void test_incremental_absolute_leaf_changes_match_full_scores(void **state)
{
    /* ratio (a) and bands (f): only the changed unit's scores move. */
    static const struct change ch[] = {
        {5, 0, 70}, {5, 0, 12}, {17, 5, 55}, {17, 5, NAN}, {3, 5, 80}, {40, 0, 1}, {17, 5, 19},
    };
    (void)state;
    run_changes(ch, (int)(sizeof(ch) / sizeof(ch[0])));
}

static void test_incremental_relative_leaf_changes_match_full_scores(void **state)
{
    /* rank (b), proportional (c: a new leader), efficacy (d: a new best
     * and worst), steps around the group mean (e): whole groups move. */
    static const struct change ch[] = {
        {8, 1, 200},  {8, 1, 0},    {11, 2, 500}, {11, 2, 10}, {20, 3, -50},
        {21, 3, 999}, {33, 4, 300}, {34, 4, 10},  {0, 2, 65},  {1, 1, 65},
    };
    (void)state;
    run_changes(ch, (int)(sizeof(ch) / sizeof(ch[0])));
}

static void test_incremental_mixed_changes_reorder_totals_and_tiers(void **state)
{
    /* Many changes in a row: totals move up and down across tier edges
     * and across each other; the kept order must follow. */
    struct change ch[40];
    (void)state;
    random_changes(ch, 40, 99);
    run_changes(ch, 40);
}

/* What a reader could change in a result: which columns exist and where,
 * the column memory handed out, the group caches. */
struct shape {
    unsigned char state[4096];
    double *cols[4096];
    int *groups[4096];
    size_t npool_free;
    double *nancol;
};

static void take_shape(const struct kh_result *r, struct shape *sh)
{
    int i;
    memset(sh, 0, sizeof(*sh));
    assert_true(r->s->nslots <= 4096 && r->s->nnodes <= 4096);
    for (i = 0; i < r->s->nslots; i++) {
        sh->state[i] = r->colstate[i];
        sh->cols[i] = r->cols[i];
    }
    for (i = 0; i < r->s->nnodes; i++)
        sh->groups[i] = r->tmp_group[i];
    sh->npool_free = r->npool_free;
    sh->nancol = r->nancol;
}

/* kh_explain, kh_result_firsts and kh_result_weak on a result fresh from
 * kh_score or kh_result_set_input only read it: nothing a reader finds
 * missing is computed on the way, so threads may share one result. */
static void test_incremental_readers_leave_a_scored_result_unchanged(void **state)
{
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds;
    struct kh_result *r = NULL;
    struct shape before, after;
    struct kh_err err;
    struct data d;
    int round, u, n;
    (void)state;
    kh_err_clear(&err);
    if (kh_scheme_load_mem("inc.yaml", scheme_text, strlen(scheme_text), &s, &err))
        fail_err("scheme", &err);
    make_data(&d);
    ds = load(&d);
    if (kh_score(s, ds, "2024-12", &r, &err))
        fail_err("score", &err);
    for (round = 0; round < 2; round++) {
        struct kh_first *firsts = NULL;
        struct kh_weak weak[8];
        size_t nf = 0;
        if (round == 1 && kh_result_set_input(r, 4, "ic", 400, NULL, &err))
            fail_err("set_input", &err);
        take_shape(r, &before);
        for (u = 0; u < NUNITS; u++) {
            for (n = 0; n < kh_scheme_node_count(s); n++) {
                struct kh_buf b;
                kh_buf_init(&b, 1 << 20);
                assert_int_equal(kh_explain(r, u, n, &b, &err), KH_OK);
                kh_buf_free(&b);
            }
            (void)kh_result_weak(r, u, weak, 8);
        }
        assert_int_equal(kh_result_firsts(r, &firsts, &nf), KH_OK);
        free(firsts);
        take_shape(r, &after);
        assert_memory_equal(&before, &after, sizeof(before));
    }
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incremental_absolute_leaf_changes_match_full_scores),
        cmocka_unit_test(test_incremental_relative_leaf_changes_match_full_scores),
        cmocka_unit_test(test_incremental_mixed_changes_reorder_totals_and_tiers),
        cmocka_unit_test(test_incremental_ordinal_ties_and_other_rank_scope_match_full_scores),
        cmocka_unit_test(test_incremental_readers_leave_a_scored_result_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
