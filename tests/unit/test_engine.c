/*
 * test_engine.c — the engine end to end on small schemes and datasets built
 * in memory: period aggregation, missing-data policies, parent combination,
 * multipliers, rounding and ranking on displayed totals, tiers with quotas
 * and boundary ties, vetoes and their effects, firsts, streaks, weak points,
 * rank movement and explanation traces.
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

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

struct fix {
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
};

static void fail_err(const char *what, const struct kh_err *err)
{
    char line[1024];
    fail_msg("%s: %s", what, kh_err_format(err, line, sizeof(line)));
}

/* Load a scheme and CSV texts (NULL to skip a file) and score `period`. */
static void setup_fix(struct fix *f, const char *scheme, const char *units, const char *values,
                      const char *targets, const char *events, const char *period)
{
    struct kh_err err;
    kh_err_clear(&err);
    memset(f, 0, sizeof(*f));
    if (kh_scheme_load_mem("s.yaml", scheme, strlen(scheme), &f->s, &err))
        fail_err("scheme", &err);
    f->ds = kh_dataset_new();
    assert_non_null(f->ds);
    if (kh_dataset_load_mem(f->ds, "units", "units.csv", units, strlen(units), &err))
        fail_err("units", &err);
    if (values && kh_dataset_load_mem(f->ds, "values", "values.csv", values, strlen(values), &err))
        fail_err("values", &err);
    if (targets &&
        kh_dataset_load_mem(f->ds, "targets", "targets.csv", targets, strlen(targets), &err))
        fail_err("targets", &err);
    if (events && kh_dataset_load_mem(f->ds, "events", "events.csv", events, strlen(events), &err))
        fail_err("events", &err);
    if (period && kh_score(f->s, f->ds, period, &f->r, &err))
        fail_err("score", &err);
}

static void teardown_fix(struct fix *f)
{
    kh_result_free(f->r);
    kh_dataset_free(f->ds);
    kh_scheme_free(f->s);
}

static int unit(const struct fix *f, const char *id)
{
    int u = kh_dataset_unit(f->ds, id);
    assert_true(u >= 0);
    return u;
}

static int node(const struct fix *f, const char *id)
{
    int n = kh_scheme_find_node(f->s, id);
    assert_true(n >= 0);
    return n;
}

#define HEAD "kaohe: 1\nscheme: {id: t, name: T}\ncategories: {town: 镇街, dept: 部门}\n"

static const char *units4 = "id,name,category,tags\n"
                            "A,甲镇,town,中心城区\n"
                            "B,乙镇,town,中心城区\n"
                            "C,丙镇,town,\n"
                            "D,丁镇,town,\n";

static void test_engine_aggregates_months_by_sum_mean_last(void **state)
{
    struct fix f;
    (void)state;
    setup_fix(&f,
              HEAD "inputs:\n"
                   "  rev: {name: 收入, aggregate: sum}\n"
                   "  rate: {name: 比率, aggregate: mean}\n"
                   "  ytd: {name: 累计, aggregate: last}\n"
                   "indicators:\n"
                   "  - {id: a, name: A, points: 10, value: rev, rule: score}\n"
                   "  - {id: b, name: B, points: 10, value: rate, rule: score}\n"
                   "  - {id: c, name: C, points: 10, value: ytd, rule: score}\n",
              "id,name,category\nA,甲,town\nB,乙,town\n",
              "unit,indicator,period,value\n"
              "A,rev,2024-01,1\nA,rev,2024-02,2\nA,rev,2024-03,3\nA,rev,2023-12,100\n"
              "A,rate,2024-01,4\nA,rate,2024-02,6\nA,rate,2024-03,5\n"
              "A,ytd,2024-01,1\nA,ytd,2024-03,9\nA,ytd,2024-02,5\n"
              "B,rev,2024Q1,7\nB,rev,2024-01,50\nB,rate,2024Q1,3\nB,ytd,2024Q1,8\n",
              NULL, NULL, "2024Q1");
    NEAR(kh_result_score(f.r, unit(&f, "A"), node(&f, "a")), 6);
    NEAR(kh_result_score(f.r, unit(&f, "A"), node(&f, "b")), 5);
    NEAR(kh_result_score(f.r, unit(&f, "A"), node(&f, "c")), 9);
    /* An exact-period value wins over sub-periods. */
    NEAR(kh_result_score(f.r, unit(&f, "B"), node(&f, "a")), 7);
    teardown_fix(&f);
}

static void test_engine_prev_and_lastyear_read_earlier_periods(void **state)
{
    struct fix f;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {v: {name: V}}\n"
                   "indicators:\n"
                   "  - {id: p, name: P, points: 10, value: prev(v), rule: score}\n"
                   "  - {id: y, name: Y, points: 10, value: lastyear(v), rule: score}\n",
              "id,name,category\nA,甲,town\n",
              "unit,indicator,period,value\nA,v,2024-03,3\nA,v,2024-02,2\nA,v,2023-03,1\n",
              NULL, NULL, "2024-03");
    NEAR(kh_result_score(f.r, 0, node(&f, "p")), 2);
    NEAR(kh_result_score(f.r, 0, node(&f, "y")), 1);
    teardown_fix(&f);
}

static void test_engine_missing_error_names_unit_indicator_period(void **state)
{
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r = NULL;
    struct kh_err err;
    const char *sc = HEAD "inputs: {v: V}\nindicators:\n"
                          "  - {id: g, name: 增速, points: 10, value: v, rule: score}\n";
    const char *u = "id,name,category\nA,甲镇,town\n";
    char line[1024];
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_scheme_load_mem("s.yaml", sc, strlen(sc), &s, &err), KH_OK);
    assert_int_equal(kh_dataset_load_mem(ds, "units", "units.csv", u, strlen(u), &err), KH_OK);
    assert_int_equal(kh_score(s, ds, "2024", &r, &err), KH_EINVAL);
    kh_err_format(&err, line, sizeof(line));
    assert_non_null(strstr(line, "s.yaml:6:5:"));
    assert_non_null(strstr(line, "unit 'A' (甲镇) has no value for indicator 'g' (增速) in 2024"));
    assert_null(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

static void test_engine_missing_zero_mean_exclude(void **state)
{
    struct fix f;
    int A, B, C;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {v: V, w: W2}\n"
                   "indicators:\n"
                   "  - id: p\n"
                   "    name: P\n"
                   "    children:\n"
                   "      - {id: z, name: Z, points: 10, value: v, missing: zero, rule: score}\n"
                   "      - {id: m, name: M, points: 10, value: v, missing: mean, rule: score}\n"
                   "      - {id: e, name: E, points: 20, value: w, missing: exclude, rule: "
                   "score}\n",
              "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\n",
              "unit,indicator,period,value\nA,v,2024,4\nB,v,2024,8\nA,w,2024,10\nB,w,2024,20\n"
              "C,w,2024,\n",
              NULL, NULL, "2024");
    A = unit(&f, "A");
    B = unit(&f, "B");
    C = unit(&f, "C");
    (void)A;
    (void)B;
    NEAR(kh_result_score(f.r, C, node(&f, "z")), 0);
    NEAR(kh_result_score(f.r, C, node(&f, "m")), 6); /* mean of 4 and 8 */
    assert_true(isnan(kh_result_score(f.r, C, node(&f, "e"))));
    /* C: z 0 + m 6 = 6 over 20 of 40 points present → 6 × 40/20 = 12. */
    NEAR(kh_result_score(f.r, C, node(&f, "p")), 12);
    NEAR(kh_result_score(f.r, B, node(&f, "p")), 8 + 8 + 20);
    teardown_fix(&f);
}

static void test_engine_geometric_combine_of_index_leaves(void **state)
{
    struct fix f;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {a: A, bb: B}\n"
                   "indicators:\n"
                   "  - id: idx\n"
                   "    name: 指数\n"
                   "    points: 1\n"
                   "    combine: geometric\n"
                   "    children:\n"
                   "      - {id: ia, name: IA, points: 1, value: a, rule: {index: {method: "
                   "goalposts, min: 0, max: 100}}}\n"
                   "      - {id: ib, name: IB, points: 1, value: bb, rule: {index: {method: "
                   "goalposts, min: 0, max: 100}}}\n",
              "id,name,category\nA,甲,town\n", "unit,indicator,period,value\nA,a,2024,25\nA,bb,2024,64\n",
              NULL, NULL, "2024");
    NEAR(kh_result_score(f.r, 0, node(&f, "idx")), 0.4); /* sqrt(0.25 × 0.64) */
    teardown_fix(&f);
}

static void test_engine_conditional_multiplier(void **state)
{
    struct fix f;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n"
                   "  - {id: g, name: G, points: 10, value: v, rule: score, multiplier: "
                   "\"if(x >= 5, attr(k), 1)\"}\n",
              "id,name,category,k\nA,甲,town,1.2\nB,乙,town,1.5\n",
              "unit,indicator,period,value\nA,v,2024,5\nB,v,2024,4\n", NULL, NULL, "2024");
    NEAR(kh_result_score(f.r, unit(&f, "A"), 1), 6);
    NEAR(kh_result_score(f.r, unit(&f, "B"), 1), 4);
    teardown_fix(&f);
}

static void test_engine_ranks_on_displayed_totals_by_default(void **state)
{
    struct fix f;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n  - {id: g, name: G, points: 100, value: v, rule: score}\n",
              "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\n",
              "unit,indicator,period,value\nA,v,2024,89.996\nB,v,2024,90.004\nC,v,2024,80\n",
              NULL, NULL, "2024");
    assert_int_equal(kh_result_rank(f.r, unit(&f, "A")), 1);
    assert_int_equal(kh_result_rank(f.r, unit(&f, "B")), 1);
    assert_int_equal(kh_result_rank(f.r, unit(&f, "C")), 3);
    assert_int_equal(kh_result_rank_size(f.r, unit(&f, "C")), 3);
    teardown_fix(&f);
}

static void test_engine_round_half_up_on_decimal_text(void **state)
{
    (void)state;
    NEAR(kh_round(2.675, 2), 2.68);
    NEAR(kh_round(1.005, 2), 1.01);
    NEAR(kh_round(-2.675, 2), -2.68);
    NEAR(kh_round(80.965, 2), 80.97);
    NEAR(kh_round(0.125, 2), 0.13);
    NEAR(kh_round(211.174999, 2), 211.17);
    assert_false(signbit(kh_round(-0.001, 2)));
}

static void test_engine_item_rounding_rounds_each_leaf(void **state)
{
    struct fix f;
    (void)state;
    setup_fix(&f,
              "kaohe: 1\nscheme: {id: t, name: T, rounding: item, decimals: 1}\n"
              "categories: {town: 镇街}\ninputs: {v: V}\n"
              "indicators:\n"
              "  - {id: a, name: A, points: 10, value: v, rule: score}\n"
              "  - {id: b, name: B, points: 10, value: v, rule: score}\n",
              "id,name,category\nA,甲,town\n", "unit,indicator,period,value\nA,v,2024,1.25\n",
              NULL, NULL, "2024");
    NEAR(kh_result_score(f.r, 0, 0), 2.6); /* 1.3 + 1.3, not round(2.5) */
    teardown_fix(&f);
}

static const char *tier_head = HEAD "inputs: {v: V}\n"
                                    "indicators:\n  - {id: g, name: G, points: 100, value: v, "
                                    "rule: score}\n"
                                    "tiers:\n"
                                    "  quota_ties: ";
static const char *tier_levels =
    "\n  levels:\n"
    "    - {id: first, name: 第一等次, ge: 60, quota: 40%, quota_round: floor}\n"
    "    - {id: second, name: 第二等次, ge: 60}\n"
    "    - {id: third, name: 第三等次}\n";

static void tier_case(const char *ties, const char *values, const char *want)
{
    struct fix f;
    char scheme[2048];
    char got[64];
    int i, n;

    snprintf(scheme, sizeof(scheme), "%s%s%s", tier_head, ties, tier_levels);
    setup_fix(&f, scheme, "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\nD,丁,town\nE,戊,town\n",
              values, NULL, NULL, "2024");
    n = f.ds->nunits;
    for (i = 0; i < n; i++)
        got[i] = (char)('0' + kh_result_tier(f.r, i));
    got[n] = 0;
    if (strcmp(got, want) != 0)
        fail_msg("tiers %s, want %s", got, want);
    teardown_fix(&f);
}

static void test_engine_tier_quota_share_floor(void **state)
{
    (void)state;
    /* 40% of 5 = 2 first-tier places; 59 fails ge 60 → third. */
    tier_case("exclude", "unit,indicator,period,value\nA,v,2024,90\nB,v,2024,85\nC,v,2024,80\n"
                         "D,v,2024,70\nE,v,2024,59\n",
              "00112");
}

static void test_engine_tier_quota_boundary_ties_excluded(void **state)
{
    (void)state;
    tier_case("exclude", "unit,indicator,period,value\nA,v,2024,90\nB,v,2024,85\nC,v,2024,85\n"
                         "D,v,2024,70\nE,v,2024,65\n",
              "01111");
}

static void test_engine_tier_quota_boundary_ties_included(void **state)
{
    (void)state;
    tier_case("include", "unit,indicator,period,value\nA,v,2024,90\nB,v,2024,85\nC,v,2024,85\n"
                         "D,v,2024,70\nE,v,2024,65\n",
              "00011");
}

static void test_engine_vetoes_force_forbid_and_no_honours(void **state)
{
    struct fix f;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n  - {id: g, name: G, points: 100, value: v, rule: score}\n"
                   "tiers:\n"
                   "  levels:\n"
                   "    - {id: first, name: 优秀, ge: 90}\n"
                   "    - {id: good, name: 良好, ge: 60}\n"
                   "    - {id: pass, name: 合格}\n"
                   "    - {id: fail, name: 不合格, lt: 0}\n"
                   "vetoes:\n"
                   "  - {id: acc, name: 重大事故, when: \"events(accident) >= 1\", effect: "
                   "force_tier, tier: fail}\n"
                   "  - {id: crit, name: 通报批评, when: \"events(criticism) >= 1\", effect: "
                   "forbid_top}\n"
                   "  - {id: hon, name: 取消评优资格, when: \"events(audit) >= 1\", effect: "
                   "no_honours}\n",
              "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\nD,丁,town\n",
              "unit,indicator,period,value\nA,v,2024,95\nB,v,2024,95\nC,v,2024,95\nD,v,2024,95\n",
              NULL,
              "unit,item,period,level\nA,accident,2024-05,重大\nB,criticism,2024,省级\n"
              "C,audit,2024Q2,\nD,accident,2024-06,重大\n",
              "2024");
    /* D's accident is exempt? No: not marked. Both A and D are forced. */
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "A")), "fail");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "B")), "good");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "C")), "first");
    assert_int_equal(kh_result_honours_eligible(f.r, unit(&f, "C")), 0);
    assert_int_equal(kh_result_honours_eligible(f.r, unit(&f, "B")), 1);
    assert_int_equal(kh_result_veto_count(f.r, unit(&f, "A")), 1);
    assert_string_equal(kh_result_veto_name(f.r, unit(&f, "A"), 0), "重大事故");
    /* The score itself is left as computed (no source zeroes it). */
    NEAR(kh_result_score(f.r, unit(&f, "A"), 0), 95);
    teardown_fix(&f);
}

static void test_engine_tier_by_failed_indicators(void **state)
{
    struct fix f;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {inv: 投资, env: 环境, tax: 税收}\n"
                   "indicators:\n"
                   "  - {id: inv, name: 投资, points: 40, value: inv, target: 1, pass: \"x >= "
                   "t\", rule: ratio}\n"
                   "  - {id: env, name: 环境, points: 30, value: env, target: 1, pass: \"x >= "
                   "t\", rule: ratio}\n"
                   "  - {id: tax, name: 税收, points: 30, value: tax, target: 1, pass: \"x >= "
                   "t\", rule: ratio}\n"
                   "tiers:\n"
                   "  levels:\n"
                   "    - {id: ok, name: 达标, when: \"failed(inv) + failed(env) == 0 and "
                   "failed_count < 2\"}\n"
                   "    - {id: no, name: 不达标}\n",
              "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\n",
              "unit,indicator,period,value\n"
              "A,inv,2024,1\nA,env,2024,1\nA,tax,2024,0.5\n"
              "B,inv,2024,0.9\nB,env,2024,1\nB,tax,2024,1\n"
              "C,inv,2024,1\nC,env,2024,1\nC,tax,2024,1\n",
              NULL, NULL, "2024");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "A")), "ok");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "B")), "no");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "C")), "ok");
    teardown_fix(&f);
}

static void test_engine_firsts_within_category_and_tag(void **state)
{
    struct fix f;
    struct kh_first *fs;
    size_t n, i;
    int cat_first = 0, tag_first = 0;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n  - {id: g, name: G, points: 10, value: v, rule: score}\n",
              units4, "unit,indicator,period,value\nA,v,2024,5\nB,v,2024,7\nC,v,2024,9\nD,v,2024,1\n",
              NULL, NULL, "2024");
    assert_int_equal(kh_result_firsts(f.r, &fs, &n), KH_OK);
    for (i = 0; i < n; i++) {
        if (fs[i].node != node(&f, "g"))
            continue;
        if (!fs[i].scope_is_tag) {
            assert_int_equal(fs[i].unit, unit(&f, "C"));
            cat_first++;
        } else {
            assert_string_equal(fs[i].scope, "中心城区");
            assert_int_equal(fs[i].unit, unit(&f, "B"));
            NEAR(fs[i].value, 7);
            tag_first++;
        }
    }
    assert_int_equal(cat_first, 1);
    assert_int_equal(tag_first, 1);
    free(fs);
    teardown_fix(&f);
}

static void test_engine_lower_is_better_first_is_the_lowest(void **state)
{
    struct fix f;
    struct kh_first *fs;
    size_t n, i;
    int seen = 0;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n  - {id: g, name: G, points: 10, value: v, direction: lower, "
                   "rule: score}\n",
              units4, "unit,indicator,period,value\nA,v,2024,5\nB,v,2024,7\nC,v,2024,9\nD,v,2024,1\n",
              NULL, NULL, "2024");
    assert_int_equal(kh_result_firsts(f.r, &fs, &n), KH_OK);
    for (i = 0; i < n; i++)
        if (fs[i].node == node(&f, "g") && !fs[i].scope_is_tag) {
            assert_int_equal(fs[i].unit, unit(&f, "D"));
            NEAR(fs[i].value, 1);
            seen++;
        }
    assert_int_equal(seen, 1);
    free(fs);
    teardown_fix(&f);
}

static void test_engine_streak_counts_consecutive_first_months(void **state)
{
    struct fix f;
    struct kh_result *rs[4];
    struct kh_err err;
    const char *periods[4] = {"2024-01", "2024-02", "2024-03", "2024-04"};
    int k;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n  - {id: g, name: G, points: 10, value: v, rule: score}\n",
              units4,
              "unit,indicator,period,value\n"
              "A,v,2024-01,9\nB,v,2024-01,1\nC,v,2024-01,1\nD,v,2024-01,1\n"
              "A,v,2024-02,1\nB,v,2024-02,9\nC,v,2024-02,1\nD,v,2024-02,1\n"
              "A,v,2024-03,1\nB,v,2024-03,9\nC,v,2024-03,1\nD,v,2024-03,1\n"
              "A,v,2024-04,1\nB,v,2024-04,9\nC,v,2024-04,1\nD,v,2024-04,1\n",
              NULL, NULL, NULL);
    kh_err_clear(&err);
    for (k = 0; k < 4; k++)
        if (kh_score(f.s, f.ds, periods[k], &rs[k], &err))
            fail_err("score", &err);
    assert_int_equal(kh_streak((const struct kh_result *const *)rs, 4, unit(&f, "B"), 1, NULL),
                     3);
    assert_int_equal(kh_streak((const struct kh_result *const *)rs, 4, unit(&f, "A"), 1, NULL),
                     0);
    assert_int_equal(
        kh_streak((const struct kh_result *const *)rs, 4, unit(&f, "B"), 1, "中心城区"), 3);
    /* Movement: B was 2nd in January (competition ranks 1,2,2,2), 1st in April. */
    {
        int known;
        assert_int_equal(kh_result_movement(rs[0], rs[3], unit(&f, "B"), &known), 1);
        assert_int_equal(known, 1);
        assert_int_equal(kh_result_movement(rs[0], rs[3], unit(&f, "A"), &known), -1);
    }
    for (k = 0; k < 4; k++)
        kh_result_free(rs[k]);
    teardown_fix(&f);
}

static void test_engine_weak_points_order_by_loss_then_gap(void **state)
{
    struct fix f;
    struct kh_weak w[5];
    int n;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {a: A, bb: B, c: C}\n"
                   "indicators:\n"
                   "  - {id: a, name: A, points: 10, value: a, rule: score}\n"
                   "  - {id: b, name: B, points: 10, value: bb, rule: score}\n"
                   "  - {id: c, name: C, points: 10, value: c, rule: score}\n",
              "id,name,category\nX,甲,town\nY,乙,town\n",
              "unit,indicator,period,value\nX,a,2024,6\nX,bb,2024,9\nX,c,2024,6\n"
              "Y,a,2024,10\nY,bb,2024,10\nY,c,2024,6\n",
              NULL, NULL, "2024");
    n = kh_result_weak(f.r, unit(&f, "X"), w, 5);
    assert_int_equal(n, 3);
    assert_int_equal(w[0].node, node(&f, "a")); /* loss 4, gap 2 */
    NEAR(w[0].loss, 4);
    NEAR(w[0].gap, 2);
    assert_int_equal(w[1].node, node(&f, "c")); /* loss 4, gap 0 */
    assert_int_equal(w[2].node, node(&f, "b")); /* loss 1 */
    NEAR(w[2].group_mean, 9.5);
    teardown_fix(&f);
}

static void test_engine_explain_cites_clause_rows_and_effect(void **state)
{
    struct fix f;
    struct kh_buf b;
    struct kh_err err;
    const char *t;
    (void)state;
    setup_fix(&f,
              HEAD "inputs: {rev: {name: 收入, aggregate: sum, partial: allow}}\n"
                   "indicators:\n"
                   "  - {id: r, name: 收入完成率, points: 20, value: rev, clause: "
                   "按完成比例得分, rule: ratio}\n",
              "id,name,category\nA,甲镇,town\n",
              "unit,indicator,period,value\nA,rev,2024-01,30\nA,rev,2024-02,20\n",
              "unit,indicator,period,target\nA,rev,2024,100\n", NULL, "2024");
    kh_buf_init(&b, 0);
    kh_err_clear(&err);
    assert_int_equal(kh_explain(f.r, 0, node(&f, "r"), &b, &err), KH_OK);
    t = kh_buf_str(&b);
    assert_non_null(strstr(t, "条款: 按完成比例得分"));
    assert_non_null(strstr(t, "values.csv:2 (2024-01 = 30)"));
    assert_non_null(strstr(t, "values.csv:3 (2024-02 = 20)"));
    assert_non_null(strstr(t, "targets.csv:2"));
    assert_non_null(strstr(t, "结果: 10 (公布 10.00"));
    assert_non_null(strstr(t, "排名 1/1"));
    kh_buf_free(&b);
    teardown_fix(&f);
}

static void test_engine_unknown_category_is_an_error_citing_the_row(void **state)
{
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r = NULL;
    struct kh_err err;
    const char *sc = HEAD "indicators:\n  - {id: g, name: G, points: 10, value: \"1\", rule: "
                          "score}\n";
    const char *u = "id,name,category\nA,甲,town\nP,园区,park\n";
    char line[1024];
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_scheme_load_mem("s.yaml", sc, strlen(sc), &s, &err), KH_OK);
    assert_int_equal(kh_dataset_load_mem(ds, "units", "units.csv", u, strlen(u), &err), KH_OK);
    assert_int_equal(kh_score(s, ds, "2024", &r, &err), KH_EINVAL);
    kh_err_format(&err, line, sizeof(line));
    assert_non_null(strstr(line, "units.csv:3"));
    assert_non_null(strstr(line, "category 'park'"));
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

static const char *incr_scheme =
    HEAD "inputs: {a: A, bb: B}\n"
         "derived: {d: \"a * 2\"}\n"
         "indicators:\n"
         "  - id: p\n"
         "    name: P\n"
         "    children:\n"
         "      - {id: r, name: 排名, points: 10, value: d, rule: {rank: {ties: competition, "
         "points: [10, 8, 6, 4]}}}\n"
         "      - {id: q, name: 比例, points: 10, value: a, rule: proportional}\n"
         "  - {id: s, name: 绝对, points: 10, value: bb, rule: score, multiplier: \"if(score(p) > "
         "15, 1.1, 1)\"}\n"
         "  - {id: o, name: 其他, points: 10, value: bb, rule: score}\n";

static const char *incr_values(double a_of_B)
{
    static char buf[512];
    snprintf(buf, sizeof(buf),
             "unit,indicator,period,value\nA,a,2024,5\nB,a,2024,%g\nC,a,2024,7\nD,a,2024,1\n"
             "A,bb,2024,3\nB,bb,2024,4\nC,bb,2024,5\nD,bb,2024,6\n",
             a_of_B);
    return buf;
}

static void assert_same_scores(const struct fix *x, const struct kh_result *y)
{
    int u, n;
    for (u = 0; u < x->ds->nunits; u++) {
        for (n = 0; n < kh_scheme_node_count(x->s); n++)
            NEAR(kh_result_score(x->r, u, n), kh_result_score(y, u, n));
        assert_int_equal(kh_result_rank(x->r, u), kh_result_rank(y, u));
    }
}

static void test_engine_incremental_rescore_matches_full_rescore(void **state)
{
    struct fix f, g;
    struct kh_err err;
    int recomputed;
    (void)state;
    setup_fix(&f, incr_scheme, units4, incr_values(2), NULL, NULL, "2024");
    setup_fix(&g, incr_scheme, units4, incr_values(9), NULL, NULL, "2024");
    kh_err_clear(&err);
    /* B's a goes from 2 to 9: ranks, the leader of the proportional rule, the
     * multiplier reading score(p) and the total all move. */
    assert_int_equal(kh_result_set_input(f.r, unit(&f, "B"), "a", 9, &recomputed, &err), KH_OK);
    assert_same_scores(&f, g.r);
    assert_int_equal(recomputed, 5); /* r, q, p, s (via score(p)), total; not o */
    teardown_fix(&g);
    /* Changing bb recomputes only the leaves reading it and the total. */
    setup_fix(&g, incr_scheme, units4, incr_values(9), NULL, NULL, NULL);
    assert_int_equal(kh_result_set_input(f.r, unit(&f, "D"), "bb", 0.5, &recomputed, &err),
                     KH_OK);
    assert_int_equal(recomputed, 3); /* s, o, total */
    NEAR(kh_result_score(f.r, unit(&f, "D"), node(&f, "o")), 0.5);
    assert_int_equal(kh_result_set_input(f.r, 0, "nosuch", 1, NULL, &err), KH_ENOTFOUND);
    teardown_fix(&g);
    teardown_fix(&f);
}

static void test_engine_deduction_item_outside_points_deducts_without_floor(void **state)
{
    struct fix f;
    (void)state;
    /* Found by the shicheng example: a kind: deduction node (no points) with
     * a deduct rule floored every deduction at 0. */
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n"
                   "  - {id: g, name: G, points: 100, value: v, rule: score}\n"
                   "  - {id: d, name: 扣分项, kind: deduction, rule: {deduct: {items: [crit], "
                   "levels: {省级: 20, 市级: 10}}}}\n",
              "id,name,category\nA,甲,town\nB,乙,town\n",
              "unit,indicator,period,value\nA,v,2024,90\nB,v,2024,90\n", NULL,
              "unit,item,period,level\nA,crit,2024,市级\n", "2024");
    NEAR(kh_result_score(f.r, unit(&f, "A"), node(&f, "d")), -10);
    NEAR(kh_result_score(f.r, unit(&f, "A"), 0), 80);
    NEAR(kh_result_score(f.r, unit(&f, "B"), node(&f, "d")), 0);
    teardown_fix(&f);
}

static void test_engine_bands_on_and_rank_by_need_no_value(void **state)
{
    struct fix f;
    (void)state;
    /* Found by the sasac example: check accepted these, score refused them. */
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n"
                   "  - {id: b, name: B, points: 3, rule: {bands: {on: \"abs(v)\", bands: [{le: "
                   "30, score: 3}, {score: 1}]}}}\n"
                   "  - {id: r, name: R, points: 5, rule: {rank: {by: v, ties: competition, "
                   "points: [5, 3]}}}\n",
              "id,name,category\nA,甲,town\nB,乙,town\n",
              "unit,indicator,period,value\nA,v,2024,-20\nB,v,2024,40\n", NULL, NULL, "2024");
    NEAR(kh_result_score(f.r, unit(&f, "A"), node(&f, "b")), 3);
    NEAR(kh_result_score(f.r, unit(&f, "B"), node(&f, "b")), 1);
    NEAR(kh_result_score(f.r, unit(&f, "B"), node(&f, "r")), 5);
    teardown_fix(&f);
}

static void test_engine_explain_parent_shows_combination_and_clamp(void **state)
{
    struct fix f;
    struct kh_buf b;
    struct kh_err err;
    const char *t;
    (void)state;
    /* Found by the shicheng example: the parent's clamp was missing. */
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n"
                   "  - id: p\n"
                   "    name: P\n"
                   "    points: 10\n"
                   "    min: 0\n"
                   "    multiplier: \"2\"\n"
                   "    children:\n"
                   "      - {id: a, name: A, points: 5, value: v, rule: score}\n"
                   "      - {id: c, name: C, points: 5, value: \"v - 6\", rule: score}\n",
              "id,name,category\nA,甲,town\n", "unit,indicator,period,value\nA,v,2024,1\n", NULL,
              NULL, "2024");
    NEAR(kh_result_score(f.r, 0, node(&f, "p")), 0);
    kh_buf_init(&b, 0);
    kh_err_clear(&err);
    assert_int_equal(kh_explain(f.r, 0, node(&f, "p"), &b, &err), KH_OK);
    t = kh_buf_str(&b);
    if (!strstr(t, "合计 = 1 + (-5) = -4") || !strstr(t, "-4 × 2 = -8") ||
        !strstr(t, "保底: -8 低于下限 0"))
        fail_msg("trace was:\n%s", t);
    kh_buf_free(&b);
    teardown_fix(&f);
}

static void test_engine_progress_compares_completion_with_elapsed_time(void **state)
{
    struct fix f;
    struct kh_buf b;
    struct kh_err err;
    int n;
    (void)state;
    /* June: half the year has passed. A 60% 绿, 47% 黄 (≥ 0.9 × 50%), 30% 红.
     * Months filed sparsely, so the input allows partial sums. */
    setup_fix(&f,
              HEAD "inputs: {rev: {name: 收入, aggregate: sum, partial: allow}}\n"
                   "indicators:\n"
                   "  - {id: r, name: 收入, points: 10, value: rev, progress: true, rule: "
                   "ratio}\n",
              "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\n",
              "unit,indicator,period,value\nA,rev,2024-03,30\nA,rev,2024-06,30\n"
              "B,rev,2024-06,47\nC,rev,2024-01,30\n",
              "unit,indicator,period,target\nA,rev,2024,100\nB,rev,2024,100\nC,rev,2024,100\n",
              NULL, "2024H1");
    n = node(&f, "r");
    assert_int_equal(kh_result_progress(f.r, unit(&f, "A"), n), KH_PROGRESS_GREEN);
    assert_int_equal(kh_result_progress(f.r, unit(&f, "B"), n), KH_PROGRESS_YELLOW);
    assert_int_equal(kh_result_progress(f.r, unit(&f, "C"), n), KH_PROGRESS_RED);
    kh_buf_init(&b, 0);
    kh_err_clear(&err);
    assert_int_equal(kh_explain(f.r, unit(&f, "B"), n, &b, &err), KH_OK);
    if (!strstr(kh_buf_str(&b), "完成 47 / 目标 100 = 47.0%, 时间进度 50.0%, 比值 0.940 → 黄灯"))
        fail_msg("trace was:\n%s", kh_buf_str(&b));
    kh_buf_free(&b);
    teardown_fix(&f);
}

static void test_engine_missing_policy_applies_to_when_on_and_by(void **state)
{
    struct fix f;
    int C;
    (void)state;
    /* Found by the demo: a binary rule with when: reading a missing value
     * failed even with missing: exclude. */
    setup_fix(&f,
              HEAD "inputs: {v: V, w: W2}\n"
                   "indicators:\n"
                   "  - {id: bi, name: BI, points: 10, missing: zero, rule: {binary: {when: \"v > "
                   "w\"}}}\n"
                   "  - {id: bd, name: BD, points: 10, missing: exclude, rule: {bands: {on: v, "
                   "bands: [{ge: 1, score: 10}, {score: 0}]}}}\n"
                   "  - {id: rk, name: RK, points: 10, missing: mean, rule: {rank: {by: v, ties: "
                   "competition, points: [10, 6]}}}\n",
              "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\n",
              "unit,indicator,period,value\nA,v,2024,3\nA,w,2024,1\nB,v,2024,1\nB,w,2024,2\n"
              "C,w,2024,1\n",
              NULL, NULL, "2024");
    C = unit(&f, "C");
    NEAR(kh_result_score(f.r, C, node(&f, "bi")), 0);
    assert_true(isnan(kh_result_score(f.r, C, node(&f, "bd"))));
    NEAR(kh_result_score(f.r, C, node(&f, "rk")), 8);
    NEAR(kh_result_score(f.r, unit(&f, "A"), node(&f, "bi")), 10);
    teardown_fix(&f);
}

static void test_engine_ytd_sums_from_january_and_elapsed_is_share_of_year(void **state)
{
    struct fix f;
    (void)state;
    /* Found by the demo: monthly progress needs year-to-date figures. */
    setup_fix(&f,
              HEAD "inputs: {rev: {name: 收入, aggregate: sum}}\n"
                   "indicators:\n"
                   "  - {id: m, name: 当月, points: 100, value: rev, rule: score}\n"
                   "  - {id: y, name: 累计, points: 100, value: ytd(rev), rule: score}\n"
                   "  - {id: e, name: 时间, points: 100, value: elapsed, rule: score}\n"
                   "  - {id: p, name: 进度, points: 10, value: ytd(rev), target: \"target(rev)\", "
                   "progress: true, rule: ratio}\n",
              "id,name,category\nA,甲,town\n",
              "unit,indicator,period,value\nA,rev,2024-01,10\nA,rev,2024-02,20\n"
              "A,rev,2024-03,30\nA,rev,2024-04,40\nA,rev,2023-12,99\n",
              "unit,indicator,period,target\nA,rev,2024,300\n", NULL, "2024-03");
    NEAR(kh_result_score(f.r, 0, node(&f, "m")), 30);
    NEAR(kh_result_score(f.r, 0, node(&f, "y")), 60);
    NEAR(kh_result_score(f.r, 0, node(&f, "e")), 0.25);
    /* 60 / 300 = 20% done at 25% of the year: 0.8 → red. */
    assert_int_equal(kh_result_progress(f.r, 0, node(&f, "p")), KH_PROGRESS_RED);
    teardown_fix(&f);
}

static void test_engine_tier_quota_by_category(void **state)
{
    struct fix f;
    (void)state;
    /* Found by the demo: 30% of 3 parks is 0 places; parks need their own quota. */
    setup_fix(&f,
              HEAD "inputs: {v: V}\n"
                   "indicators:\n  - {id: g, name: G, points: 100, value: v, rule: score}\n"
                   "tiers:\n"
                   "  quota_ties: exclude\n"
                   "  levels:\n"
                   "    - {id: first, name: 第一等次, quota: {default: 30%, dept: 1}, "
                   "quota_round: floor}\n"
                   "    - {id: second, name: 第二等次}\n",
              "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\nD,丁,town\n"
              "P,园一,dept\nQ,园二,dept\nR,园三,dept\n",
              "unit,indicator,period,value\nA,v,2024,90\nB,v,2024,80\nC,v,2024,70\n"
              "D,v,2024,60\nP,v,2024,90\nQ,v,2024,80\nR,v,2024,70\n",
              NULL, NULL, "2024");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "A")), "first"); /* 30% of 4 → 1 */
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "B")), "second");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "P")), "first");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "Q")), "second");
    teardown_fix(&f);
}

static void test_engine_ordinal_ranks_use_every_tiebreak_key(void **state)
{
    struct fix f;
    (void)state;
    /* Found by the documentation examples: ranks used only the first key
     * while tiers used all of them. */
    setup_fix(&f,
              "kaohe: 1\nscheme: {id: t, name: T, ties: ordinal}\ncategories: {town: 县}\n"
              "inputs: {v: V}\n"
              "indicators:\n  - {id: g, name: G, points: 100, value: v, rule: score}\n"
              "tiers:\n"
              "  quota_ties: exclude\n"
              "  tiebreak: [\"attr(load)\", \"attr(pop)\"]\n"
              "  levels:\n"
              "    - {id: adv, name: 先进, quota: 1}\n"
              "    - {id: other, name: 其他}\n",
              "id,name,category,load,pop\nA,甲县,town,5,30\nB,乙县,town,5,60\nC,丙县,town,9,10\n",
              "unit,indicator,period,value\nA,v,2024,90\nB,v,2024,90\nC,v,2024,80\n", NULL, NULL,
              "2024");
    assert_int_equal(kh_result_rank(f.r, unit(&f, "B")), 1);
    assert_int_equal(kh_result_rank(f.r, unit(&f, "A")), 2);
    assert_int_equal(kh_result_rank(f.r, unit(&f, "C")), 3);
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "B")), "adv");
    assert_string_equal(kh_result_tier_id(f.r, unit(&f, "A")), "other");
    teardown_fix(&f);
}

static void test_engine_ballot_without_marks_follows_missing_policy(void **state)
{
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r = NULL;
    struct kh_err err;
    const char *sc = HEAD "indicators:\n"
                          "  - {id: v, name: 评议, points: 10, missing: mean, rule: {ballot: "
                          "{meeting: m, grades: {好: 100, 一般: 60}, ignore: [不了解]}}}\n";
    const char *u = "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\n";
    const char *b = "meeting,evaluator,group,unit,grade,score\nm,e1,g,A,好,\nm,e1,g,B,一般,\n"
                    "m,e1,g,C,不了解,\n";
    (void)state;
    /* Found by the documentation examples: missing: was ignored for ballots. */
    kh_err_clear(&err);
    assert_int_equal(kh_scheme_load_mem("s.yaml", sc, strlen(sc), &s, &err), KH_OK);
    assert_int_equal(kh_dataset_load_mem(ds, "units", "u.csv", u, strlen(u), &err), KH_OK);
    assert_int_equal(kh_dataset_load_mem(ds, "ballots", "b.csv", b, strlen(b), &err), KH_OK);
    assert_int_equal(kh_score(s, ds, "2024", &r, &err), KH_OK);
    NEAR(kh_result_score(r, 2, 1), 8); /* mean of 10 and 6 */
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

static void test_engine_tag_group_names_the_missing_tag(void **state)
{
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r = NULL;
    struct kh_err err;
    char line[1024];
    const char *sc = HEAD "inputs: {v: V}\nindicators:\n"
                          "  - {id: g, name: G, points: 10, value: v, group: tag:中心城区, rule: "
                          "proportional}\n";
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_scheme_load_mem("s.yaml", sc, strlen(sc), &s, &err), KH_OK);
    assert_int_equal(kh_dataset_load_mem(ds, "units", "u.csv", units4, strlen(units4), &err),
                     KH_OK);
    const char *v = "unit,indicator,period,value\nA,v,2024,1\nB,v,2024,2\nC,v,2024,3\n"
                    "D,v,2024,4\n";
    assert_int_equal(kh_dataset_load_mem(ds, "values", "v.csv", v, strlen(v), &err), KH_OK);
    assert_int_equal(kh_score(s, ds, "2024", &r, &err), KH_EINVAL);
    kh_err_format(&err, line, sizeof(line));
    if (!strstr(line, "unit 'C' (丙镇) does not carry the tag '中心城区'"))
        fail_msg("error was: %s", line);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

static void test_engine_explain_cites_records_built_in_code(void **state)
{
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r = NULL;
    struct kh_err err;
    struct kh_buf b;
    const char *sc = HEAD "inputs: {v: {name: V, aggregate: sum, partial: allow}}\n"
                          "indicators:\n"
                          "  - {id: g, name: G, points: 10, value: v, rule: ratio}\n";
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_scheme_load_mem("s.yaml", sc, strlen(sc), &s, &err), KH_OK);
    assert_true(kh_dataset_add_unit(ds, "A", "甲", "town", NULL, NULL, &err) >= 0);
    assert_int_equal(kh_dataset_add_value(ds, "A", "v", "2024-01", 4, &err), KH_OK);
    assert_int_equal(kh_dataset_add_value(ds, "A", "v", "2024-02", 4, &err), KH_OK);
    assert_int_equal(kh_dataset_add_target(ds, "A", "v", "2024", 10, NAN, &err), KH_OK);
    assert_int_equal(kh_score(s, ds, "2024", &r, &err), KH_OK);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_explain(r, 0, 1, &b, &err), KH_OK);
    assert_non_null(strstr(kh_buf_str(&b), "(程序添加 added in code):0 (2024-01 = 4)"));
    NEAR(kh_result_score(r, 0, 1), 8);
    kh_buf_free(&b);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_aggregates_months_by_sum_mean_last),
        cmocka_unit_test(test_engine_prev_and_lastyear_read_earlier_periods),
        cmocka_unit_test(test_engine_missing_error_names_unit_indicator_period),
        cmocka_unit_test(test_engine_missing_zero_mean_exclude),
        cmocka_unit_test(test_engine_geometric_combine_of_index_leaves),
        cmocka_unit_test(test_engine_conditional_multiplier),
        cmocka_unit_test(test_engine_ranks_on_displayed_totals_by_default),
        cmocka_unit_test(test_engine_round_half_up_on_decimal_text),
        cmocka_unit_test(test_engine_item_rounding_rounds_each_leaf),
        cmocka_unit_test(test_engine_tier_quota_share_floor),
        cmocka_unit_test(test_engine_tier_quota_boundary_ties_excluded),
        cmocka_unit_test(test_engine_tier_quota_boundary_ties_included),
        cmocka_unit_test(test_engine_vetoes_force_forbid_and_no_honours),
        cmocka_unit_test(test_engine_tier_by_failed_indicators),
        cmocka_unit_test(test_engine_firsts_within_category_and_tag),
        cmocka_unit_test(test_engine_lower_is_better_first_is_the_lowest),
        cmocka_unit_test(test_engine_streak_counts_consecutive_first_months),
        cmocka_unit_test(test_engine_weak_points_order_by_loss_then_gap),
        cmocka_unit_test(test_engine_explain_cites_clause_rows_and_effect),
        cmocka_unit_test(test_engine_unknown_category_is_an_error_citing_the_row),
        cmocka_unit_test(test_engine_incremental_rescore_matches_full_rescore),
        cmocka_unit_test(test_engine_deduction_item_outside_points_deducts_without_floor),
        cmocka_unit_test(test_engine_bands_on_and_rank_by_need_no_value),
        cmocka_unit_test(test_engine_explain_parent_shows_combination_and_clamp),
        cmocka_unit_test(test_engine_progress_compares_completion_with_elapsed_time),
        cmocka_unit_test(test_engine_missing_policy_applies_to_when_on_and_by),
        cmocka_unit_test(test_engine_ytd_sums_from_january_and_elapsed_is_share_of_year),
        cmocka_unit_test(test_engine_tier_quota_by_category),
        cmocka_unit_test(test_engine_ordinal_ranks_use_every_tiebreak_key),
        cmocka_unit_test(test_engine_ballot_without_marks_follows_missing_policy),
        cmocka_unit_test(test_engine_tag_group_names_the_missing_tag),
        cmocka_unit_test(test_engine_explain_cites_records_built_in_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
