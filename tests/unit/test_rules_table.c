/*
 * test_rules_table.c — unit tests of the rule families in
 * src/lib/engine/rules_table.c, with the cases of
 * research/rule-catalogue.md: R3a/b rank points (S20 list 60/57/54/51/48,
 * S38 rank bands, S20 reverse step decrement 2/1.9/1.8 −0.1, shared ties),
 * R6 bands with inclusive/exclusive bounds at the exact boundary (S6 预决算
 * 差异率, S27 监测点 with category scores), R7 binary (S31), R8 counts with a
 * quota (S37) and a cap (S38), indices, formulas, plain scores, and the
 * dispatcher's errors.
 */
#include "rules_fixture.h"

/* ---- R3a/b rank points ---------------------------------------------------- */

static struct kh_param s20_list[5];

static struct kh_node rank_list_node(int ties)
{
    struct kh_node n = fx_node("S20_综合考核", KH_RULE_RANK);
    static const double pts[5] = {60, 57, 54, 51, 48};
    int i;
    for (i = 0; i < 5; i++)
        s20_list[i] = fx_p(pts[i]);
    n.rule.u.rank.form = KH_RANK_LIST;
    n.rule.u.rank.ties = ties;
    n.rule.u.rank.list = s20_list;
    n.rule.u.rank.nlist = 5;
    return n;
}

static void test_rank_s20_list_points_by_place(void **state)
{
    struct kh_node n = rank_list_node(KH_TIES_COMPETITION);
    struct kh_rule_unit in = fx_unit(60, 30);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.rank = 3;
    in.ntied = 1;
    in.ngroup = 8;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 54);
    fx_has(&tr, "第1名起依次为 60, 57, 54, 51, 48 分; 其余 0 分");
    fx_has(&tr, "名次: 第3名 (共 8 个单位参与排名)");
    fx_has(&tr, "得分 = 名次表第3项 = 54");
    in.rank = 6;
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "得分 = 其余名次 (名次表只列到第5名) = 0");
    n.rule.u.rank.rest = fx_p(40);
    fx_near(fx_eval(&n, &in, NULL), 40);
    fx_trace_free(&tr);
}

static void test_rank_ties_share_mean_of_tied_places(void **state)
{
    struct kh_node n = rank_list_node(KH_TIES_SHARE);
    struct kh_rule_unit in = fx_unit(60, 30);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.rank = 1;
    in.ntied = 2;
    in.ngroup = 7;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 58.5);
    fx_has(&tr, "名次: 第1名, 2 个单位并列");
    fx_has(&tr, "并列单位平分第1–2名的分值: (60 + 57) / 2 = 58.5");
    /* Three tied at 4 share places 4, 5 and 6 (the last beyond the list). */
    in.rank = 4;
    in.ntied = 3;
    fx_near(fx_eval(&n, &in, NULL), 33);
    fx_trace_free(&tr);
}

static void test_rank_ties_competition_do_not_share(void **state)
{
    struct kh_node n = rank_list_node(KH_TIES_COMPETITION);
    struct kh_rule_unit in = fx_unit(60, 30);
    (void)state;
    fx_reset();
    in.rank = 1;
    in.ntied = 2;
    fx_near(fx_eval(&n, &in, NULL), 60);
}

static void test_rank_s38_bands_by_place(void **state)
{
    /* 半年度投资计划完成率排名: 1-3名 7分; 4-6名 5分; 7-10名 3分. */
    struct kh_rank_band bands[3] = {{1, 3, {0}}, {4, 6, {0}}, {7, 10, {0}}};
    struct kh_node n = fx_node("S38_半年排名", KH_RULE_RANK);
    struct kh_rule_unit in = fx_unit(7, 1);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    bands[0].score = fx_p(7);
    bands[1].score = fx_p(5);
    bands[2].score = fx_p(3);
    n.rule.u.rank.form = KH_RANK_BANDS;
    n.rule.u.rank.bands = bands;
    n.rule.u.rank.nbands = 3;
    in.ntied = 1;
    in.rank = 5;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 5);
    fx_has(&tr, "得分 = 第4–6名档 = 5");
    in.rank = 3;
    fx_near(fx_eval(&n, &in, NULL), 7);
    in.rank = 10;
    fx_near(fx_eval(&n, &in, NULL), 3);
    in.rank = 11;
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "不在任何名次档内");
    /* Shared over a band boundary: places 3 and 4 → (7 + 5) / 2. */
    n.rule.u.rank.ties = KH_TIES_SHARE;
    in.rank = 3;
    in.ntied = 2;
    fx_near(fx_eval(&n, &in, NULL), 6);
    fx_trace_free(&tr);
}

static void test_rank_s20_reverse_step_decrement(void **state)
{
    /* 排名倒数第1名、第2名、第3名的分别计2分、1.9分、1.8分，倒数第4名及以上的，
     * 每进1名扣0.1分。 */
    struct kh_node n = fx_node("S20_编制总量", KH_RULE_RANK);
    struct kh_rule_unit in = fx_unit(2, 1);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.lower_better = 1;
    n.rule.u.rank.form = KH_RANK_STEP;
    n.rule.u.rank.from_bottom = 1;
    n.rule.u.rank.first = fx_p(2);
    n.rule.u.rank.step = fx_p(0.1);
    in.ntied = 1;
    in.ngroup = 30;
    in.rank = 1;
    fx_near(fx_eval(&n, &in, NULL), 2);
    in.rank = 2;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 1.9);
    fx_has(&tr, "名次: 倒数第2名");
    fx_has(&tr, "得分 = 2 − 0.1 × (2 − 1) = 1.9");
    in.rank = 3;
    fx_near(fx_eval(&n, &in, NULL), 1.8);
    in.rank = 10;
    fx_near(fx_eval(&n, &in, NULL), 1.1);
    /* Not below 0 … */
    in.rank = 25;
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "得分 = max(0, 2 − 0.1 × (25 − 1)) = 0");
    /* … or below `rest` when it is set. */
    n.rule.u.rank.rest = fx_p(0.5);
    fx_near(fx_eval(&n, &in, NULL), 0.5);
    /* Two tied at the bottom share 2 and 1.9. */
    n.rule.u.rank.ties = KH_TIES_SHARE;
    in.rank = 1;
    in.ntied = 2;
    fx_near(fx_eval(&n, &in, NULL), 1.95);
    fx_trace_free(&tr);
}

static void test_rank_without_place_is_error(void **state)
{
    struct kh_node n = rank_list_node(KH_TIES_COMPETITION);
    struct kh_rule_unit in = fx_unit(60, NAN);
    struct kh_err err;
    (void)state;
    fx_reset();
    in.rank = 0;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S20_综合考核", "no rank");
}

/* ---- R6 bands --------------------------------------------------------------- */

static void test_bands_inclusive_exclusive_at_boundary(void **state)
{
    /* S6 预决算差异率: ±30%(含)以内得3分; ±30%-±35%(含)以内得2分; ±35%-±40%(含)以内得1分 */
    struct kh_band b[3];
    struct kh_node n = fx_node("S6_差异率", KH_RULE_BANDS);
    struct kh_rule_unit in = fx_unit(3, NAN);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    memset(b, 0, sizeof(b));
    b[0].has_le = 1, b[0].le = fx_p(30), b[0].score = fx_p(3);
    b[1].has_gt = 1, b[1].gt = fx_p(30), b[1].has_le = 1, b[1].le = fx_p(35), b[1].score = fx_p(2);
    b[2].has_gt = 1, b[2].gt = fx_p(35), b[2].has_le = 1, b[2].le = fx_p(40), b[2].score = fx_p(1);
    n.rule.u.bands.bands = b;
    n.rule.u.bands.nbands = 3;
    fx_trace_init(&tr);
    in.computed = 30;
    fx_near(fx_eval(&n, &in, &tr), 3);
    fx_has(&tr, "分档依据 = 30");
    fx_has(&tr, "落在第1档 (≤ 30), 得分 = 3");
    /* (1.3 − 1) × 100 computes to 30.000000000000004: still on the boundary. */
    in.computed = (1.3 - 1) * 100;
    fx_near(fx_eval(&n, &in, NULL), 3);
    in.computed = 30.5;
    fx_near(fx_eval(&n, &in, &tr), 2);
    fx_has(&tr, "落在第2档 (> 30 且 ≤ 35), 得分 = 2");
    in.computed = 35;
    fx_near(fx_eval(&n, &in, NULL), 2);
    in.computed = 40;
    fx_near(fx_eval(&n, &in, NULL), 1);
    in.computed = 40.01;
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "40.01 不在任何一档内, 得分 = 0");
    fx_trace_free(&tr);
}

static void test_bands_exclusive_lower_bound_at_exact_boundary(void **state)
{
    /* S27 可调整地类面积: 小于等于100万亩的得2.6分, 大于100万亩小于等于300万亩的得2.4分,
     * 大于300万亩的得2.2分 — listed largest first, so `gt` decides at 300. */
    struct kh_band b[3];
    struct kh_node n = fx_node("S27_可调整地类", KH_RULE_BANDS);
    struct kh_rule_unit in = fx_unit(2.8, NAN);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    memset(b, 0, sizeof(b));
    b[0].has_gt = 1, b[0].gt = fx_p(300), b[0].score = fx_p(2.2);
    b[1].has_gt = 1, b[1].gt = fx_p(100), b[1].has_le = 1, b[1].le = fx_p(300);
    b[1].score = fx_p(2.4);
    b[2].has_le = 1, b[2].le = fx_p(100), b[2].score = fx_p(2.6);
    n.rule.u.bands.bands = b;
    n.rule.u.bands.nbands = 3;
    fx_trace_init(&tr);
    in.computed = 300;
    fx_near(fx_eval(&n, &in, &tr), 2.4);
    fx_has(&tr, "落在第2档 (> 100 且 ≤ 300), 得分 = 2.4");
    in.computed = 300.01;
    fx_near(fx_eval(&n, &in, NULL), 2.2);
    in.computed = 100;
    fx_near(fx_eval(&n, &in, NULL), 2.6);
    in.computed = 100.5;
    fx_near(fx_eval(&n, &in, NULL), 2.4);
    fx_trace_free(&tr);
}

static void test_bands_s27_ge_lt_with_category_scores(void **state)
{
    /* 监测点数量达到基准数的，产区得2.0分、非产区得1.5分；小于基准数但超过或等于基准数
     * 50%的，产区得1.5分、非产区得1.2分；小于基准数50%的，不得分。 */
    struct kh_band b[3];
    struct kh_node n = fx_node("S27_监测点", KH_RULE_BANDS);
    struct kh_rule_unit in = fx_unit(2, NAN);
    (void)state;
    fx_reset();
    memset(b, 0, sizeof(b));
    b[0].has_ge = 1, b[0].ge = fx_p(1), b[0].score = fx_pcat(2, 2, 1.5);
    b[1].has_ge = 1, b[1].ge = fx_p(0.5), b[1].has_lt = 1, b[1].lt = fx_p(1);
    b[1].score = fx_pcat(1.5, 1.5, 1.2);
    b[2].has_lt = 1, b[2].lt = fx_p(0.5), b[2].score = fx_p(0);
    n.rule.u.bands.bands = b;
    n.rule.u.bands.nbands = 3;
    in.computed = 1;
    fx_near(fx_eval(&n, &in, NULL), 2);
    in.computed = 0.999;
    fx_near(fx_eval(&n, &in, NULL), 1.5);
    in.computed = 0.5;
    fx_near(fx_eval(&n, &in, NULL), 1.5);
    in.computed = 0.4999;
    fx_near(fx_eval(&n, &in, NULL), 0);
    in.cat = CAT_OTHER;
    in.W = 1.5;
    in.computed = 0.75;
    fx_near(fx_eval(&n, &in, NULL), 1.2);
    /* A band score given as a share of W ("80%"). */
    b[1].score = fx_pct(0.8);
    fx_near(fx_eval(&n, &in, NULL), 1.2);
    in.W = 2;
    fx_near(fx_eval(&n, &in, NULL), 1.6);
}

static void test_bands_missing_quantity_is_error(void **state)
{
    struct kh_band b[1];
    struct kh_node n = fx_node("S6_差异率", KH_RULE_BANDS);
    struct kh_rule_unit in = fx_unit(3, NAN);
    struct kh_err err;
    (void)state;
    fx_reset();
    memset(b, 0, sizeof(b));
    b[0].score = fx_p(3);
    n.rule.u.bands.bands = b;
    n.rule.u.bands.nbands = 1;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S6_差异率", "missing");
}

/* ---- R7 binary, R8 count ---------------------------------------------------- */

static void test_binary_true_gives_full_false_gives_other(void **state)
{
    /* S31: 出台可操作细化政策得 5 分, 未出台可操作细化政策不得分。 */
    struct kh_node n = fx_node("S31_细化政策", KH_RULE_BINARY);
    struct kh_rule_unit in = fx_unit(5, NAN);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.cond = 1;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 5);
    fx_has(&tr, "条件成立, 得分 = 5");
    in.cond = 0;
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "条件不成立, 得分 = 0");
    n.rule.u.binary.other = fx_p(1);
    fx_near(fx_eval(&n, &in, NULL), 1);
    fx_trace_free(&tr);
}

static void test_binary_nan_condition_is_error(void **state)
{
    struct kh_node n = fx_node("S31_细化政策", KH_RULE_BINARY);
    struct kh_rule_unit in = fx_unit(5, NAN);
    struct kh_err err;
    (void)state;
    fx_reset();
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S31_细化政策", "condition could not be evaluated");
}

static void test_count_s37_quota_then_points_per_item(void **state)
{
    /* 當年新進區企業數達到3個得10分,不足3個不得分,每增加1個加2分。 */
    struct kh_node n = fx_node("S37_新进企业", KH_RULE_COUNT);
    struct kh_rule_unit in = fx_unit(10, 2);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.count.quota = fx_p(3);
    n.rule.u.count.base = fx_p(10);
    n.rule.u.count.per = fx_p(2);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "数量 n = 2, 不足 3, 得分 = 0");
    in.x = 3;
    fx_near(fx_eval(&n, &in, NULL), 10);
    in.x = 5;
    fx_near(fx_eval(&n, &in, &tr), 14);
    fx_has(&tr, "得分 = 10 + 2 × (5 − 3) = 14");
    fx_trace_free(&tr);
}

static void test_count_s38_points_per_project_capped(void **state)
{
    /* A、B类计划新开工项目每开工一个项目1分,最多10分。 */
    struct kh_node n = fx_node("S38_新开工", KH_RULE_COUNT);
    struct kh_rule_unit in = fx_unit(10, 4);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.count.per = fx_p(1);
    n.rule.u.count.max = fx_pct(1);
    fx_near(fx_eval(&n, &in, NULL), 4);
    in.x = 12;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 10);
    fx_has(&tr, "超过上限 10, 按 10 计");
    fx_trace_free(&tr);
}

/* ---- index, formula, score --------------------------------------------------- */

static void test_index_goalposts_linear_and_clamped(void **state)
{
    struct kh_node n = fx_node("指数", KH_RULE_INDEX);
    struct kh_rule_unit in = fx_unit(10, 50);
    (void)state;
    fx_reset();
    n.rule.u.index.method = KH_INDEX_GOALPOSTS;
    n.rule.u.index.min = fx_p(0);
    n.rule.u.index.max = fx_p(200);
    n.rule.u.index.clamp = 1;
    fx_near(fx_eval(&n, &in, NULL), 2.5);
    in.x = 250;
    fx_near(fx_eval(&n, &in, NULL), 10);
    n.rule.u.index.clamp = 0;
    fx_near(fx_eval(&n, &in, NULL), 12.5);
    n.lower_better = 1;
    in.x = 50;
    fx_near(fx_eval(&n, &in, NULL), 7.5);
}

static void test_index_goalposts_log_needs_positive_values(void **state)
{
    struct kh_node n = fx_node("人均GDP", KH_RULE_INDEX);
    struct kh_rule_unit in = fx_unit(10, 1000);
    struct kh_err err;
    (void)state;
    fx_reset();
    n.rule.u.index.method = KH_INDEX_GOALPOSTS;
    n.rule.u.index.min = fx_p(100);
    n.rule.u.index.max = fx_p(10000);
    n.rule.u.index.log = 1;
    n.rule.u.index.clamp = 1;
    fx_near(fx_eval(&n, &in, NULL), 5);
    in.x = 0;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "人均GDP", "positive");
}

static void test_index_minmax_uses_group_range_equal_is_one(void **state)
{
    struct kh_node n = fx_node("minmax", KH_RULE_INDEX);
    struct kh_rule_unit in = fx_unit(10, 30);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.index.method = KH_INDEX_MINMAX;
    n.rule.u.index.clamp = 1;
    in.gmin = 20;
    in.gmax = 60;
    fx_near(fx_eval(&n, &in, NULL), 2.5);
    in.gmin = in.gmax = 30;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 10);
    fx_has(&tr, "组最大值等于最小值, 指数 = 1");
    fx_trace_free(&tr);
}

static void test_index_zscore_unclamped_and_zero_std(void **state)
{
    struct kh_node n = fx_node("z", KH_RULE_INDEX);
    struct kh_rule_unit in = fx_unit(10, 70);
    (void)state;
    fx_reset();
    n.rule.u.index.method = KH_INDEX_ZSCORE;
    n.rule.u.index.clamp = 1;
    in.gmean = 50;
    in.gstd = 10;
    fx_near(fx_eval(&n, &in, NULL), 20);
    in.x = 35;
    fx_near(fx_eval(&n, &in, NULL), -15);
    in.gstd = 0;
    fx_near(fx_eval(&n, &in, NULL), 0);
}

static void test_formula_takes_computed_value(void **state)
{
    struct kh_node n = fx_node("公式", KH_RULE_FORMULA);
    struct kh_rule_unit in = fx_unit(10, NAN);
    struct kh_err err;
    (void)state;
    fx_reset();
    in.computed = 7.25;
    fx_near(fx_eval(&n, &in, NULL), 7.25);
    in.computed = NAN;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "公式", "formula gave no value");
}

static void test_score_is_x_scaled_to_points(void **state)
{
    /* S9: 问卷调查原始得分 (0–100) 加权 15 分. */
    struct kh_node n = fx_node("S9_问卷", KH_RULE_SCORE);
    struct kh_rule_unit in = fx_unit(15, 86);
    (void)state;
    fx_reset();
    fx_near(fx_eval(&n, &in, NULL), 86);
    n.rule.u.score.scale = fx_p(100);
    fx_near(fx_eval(&n, &in, NULL), 12.9);
}

static void test_rule_without_kind_is_error(void **state)
{
    struct kh_node n = fx_node("parent", KH_RULE_NONE);
    struct kh_rule_unit in = fx_unit(10, 1);
    struct kh_err err;
    (void)state;
    fx_reset();
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "parent", "no scoring rule");
}

static void test_missing_points_w_is_error_not_nan(void **state)
{
    struct kh_node n = fx_node("S6_分类指标", KH_RULE_RATIO);
    struct kh_rule_unit in = fx_unit(NAN, 80);
    struct kh_err err;
    (void)state;
    fx_reset();
    in.t = 100;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S6_分类指标", "no finite score");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_s20_list_points_by_place),
        cmocka_unit_test(test_rank_ties_share_mean_of_tied_places),
        cmocka_unit_test(test_rank_ties_competition_do_not_share),
        cmocka_unit_test(test_rank_s38_bands_by_place),
        cmocka_unit_test(test_rank_s20_reverse_step_decrement),
        cmocka_unit_test(test_rank_without_place_is_error),
        cmocka_unit_test(test_bands_inclusive_exclusive_at_boundary),
        cmocka_unit_test(test_bands_exclusive_lower_bound_at_exact_boundary),
        cmocka_unit_test(test_bands_s27_ge_lt_with_category_scores),
        cmocka_unit_test(test_bands_missing_quantity_is_error),
        cmocka_unit_test(test_binary_true_gives_full_false_gives_other),
        cmocka_unit_test(test_binary_nan_condition_is_error),
        cmocka_unit_test(test_count_s37_quota_then_points_per_item),
        cmocka_unit_test(test_count_s38_points_per_project_capped),
        cmocka_unit_test(test_index_goalposts_linear_and_clamped),
        cmocka_unit_test(test_index_goalposts_log_needs_positive_values),
        cmocka_unit_test(test_index_minmax_uses_group_range_equal_is_one),
        cmocka_unit_test(test_index_zscore_unclamped_and_zero_std),
        cmocka_unit_test(test_formula_takes_computed_value),
        cmocka_unit_test(test_score_is_x_scaled_to_points),
        cmocka_unit_test(test_rule_without_kind_is_error),
        cmocka_unit_test(test_missing_points_w_is_error_not_nan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
