/*
 * test_rules.c — unit tests of the value-based rule families in
 * src/lib/engine/rules.c and of the trace helpers (trace.c), with the real
 * rules of research/rule-catalogue.md as cases: R1 completion ratio (S6,
 * S29), R2 steps (S6 利润总额 每低于目标值2%扣1分, S27 产区/非产区 parameters,
 * cliffs and 倒扣 floors, S38 piecewise slopes with 最多加减10分, S22
 * lower-is-better, S37), R3c proportional to the first (S20, S18) and R4 the
 * efficacy coefficient (S31/S45). Rank points, bands, binary, counts and
 * indices are in test_rules_table.c; events in test_rules_events.c; ballots
 * in test_rules_ballot.c; kh_rank_groups in test_rank.c.
 */
#include "rules_fixture.h"

/* ---- trace helpers ---------------------------------------------------- */

static void test_num_trims_zeros_and_prints_missing(void **state)
{
    char b[32];
    (void)state;
    assert_string_equal(kh_num(8.5, b), "8.5");
    assert_string_equal(kh_num(1.0 / 3, b), "0.333333");
    assert_string_equal(kh_num(12, b), "12");
    assert_string_equal(kh_num(-2, b), "-2");
    assert_string_equal(kh_num(0.8000000000000007, b), "0.8");
    assert_string_equal(kh_num(-0.0, b), "0");
    assert_string_equal(kh_num(-0.0000001, b), "0");
    assert_string_equal(kh_num(2.0000004, b), "2");
    assert_string_equal(kh_num(-1.25, b), "-1.25");
    assert_string_equal(kh_num(NAN, b), "缺失");
    assert_string_equal(kh_num(1e20, b), "1e+20");
    assert_string_equal(kh_num(123456789012.5, b), "123456789012.5");
}

static void test_trace_line_indents_and_null_is_noop(void **state)
{
    struct kh_trace tr;
    (void)state;
    kh_trace_line(NULL, "ignored %d", 1);
    fx_trace_init(&tr);
    kh_trace_line(&tr, "规则: %s", "甲");
    tr.indent = 2;
    kh_trace_line(&tr, "得分 = %d", 5);
    assert_string_equal(kh_buf_str(&tr.buf), "规则: 甲\n    得分 = 5\n");
    fx_trace_free(&tr);
}

/* ---- R1 ratio ----------------------------------------------------------- */

static struct kh_node ratio_node(void)
{
    struct kh_node n = fx_node("S6_分类指标", KH_RULE_RATIO);
    return n;
}

static void test_ratio_s6_partial_completion_scores_share(void **state)
{
    struct kh_node n = ratio_node();
    struct kh_rule_unit in = fx_unit(15, 80);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.t = 100;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 12);
    fx_has(&tr, "完成率 r = x / t = 80 / 100 = 0.8");
    fx_has(&tr, "得分 = 分值 × r = 15 × 0.8 = 12");
    fx_trace_free(&tr);
}

static void test_ratio_caps_at_full_score_and_floors_at_zero(void **state)
{
    struct kh_node n = ratio_node();
    struct kh_rule_unit in = fx_unit(15, 120);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.t = 100;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 15);
    fx_has(&tr, "完成率 1.2 高于上限 1, 按 1 计");
    in.x = -10;
    fx_near(fx_eval(&n, &in, NULL), 0);
    fx_trace_free(&tr);
}

static void test_ratio_cap_none_s29_exceeds_full_score(void **state)
{
    struct kh_node n = ratio_node();
    struct kh_rule_unit in = fx_unit(60, 130);
    (void)state;
    fx_reset();
    n.rule.u.ratio.cap_none = 1;
    in.t = 100;
    fx_near(fx_eval(&n, &in, NULL), 78);
    /* An explicit cap of 1.2 (per category) applies instead. */
    n.rule.u.ratio.cap_none = 0;
    n.rule.u.ratio.cap = fx_pcat(1, 1.2, 1.1);
    fx_near(fx_eval(&n, &in, NULL), 72);
    in.cat = CAT_OTHER;
    fx_near(fx_eval(&n, &in, NULL), 66);
}

static void test_ratio_bad_target_error_names_node_and_unit(void **state)
{
    struct kh_node n = ratio_node();
    struct kh_rule_unit in = fx_unit(15, 80);
    struct kh_err err;
    (void)state;
    fx_reset();
    in.t = 0;
    n.rule.u.ratio.on_bad_target = KH_NONPOS_ERROR;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S6_分类指标", "target is 0");
    assert_int_equal(err.line, 12);
    in.t = NAN;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S6_分类指标", "missing");
}

static void test_ratio_bad_target_zero_and_full_policies(void **state)
{
    struct kh_node n = ratio_node();
    struct kh_rule_unit in = fx_unit(15, 80);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    fx_trace_init(&tr);
    in.t = -5;
    n.rule.u.ratio.on_bad_target = KH_NONPOS_ZERO;
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "目标值为负数 (t = -5), 按规定得 0 分");
    in.t = NAN;
    n.rule.u.ratio.on_bad_target = KH_NONPOS_FULL;
    fx_near(fx_eval(&n, &in, &tr), 15);
    fx_has(&tr, "目标值缺失");
    fx_trace_free(&tr);
}

static void test_ratio_lower_better_uses_target_over_value(void **state)
{
    struct kh_node n = ratio_node();
    struct kh_rule_unit in = fx_unit(10, 12.5);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.lower_better = 1;
    in.t = 10;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 8);
    fx_has(&tr, "完成率 r = t / x = 10 / 12.5 = 0.8");
    in.x = 8;
    fx_near(fx_eval(&n, &in, NULL), 10);
    in.x = 0;
    fx_near(fx_eval(&n, &in, NULL), 10);
    fx_trace_free(&tr);
}

/* ---- R2 steps ----------------------------------------------------------- */

/* Steps around the reference with one `up` and one `down` slope. */
static struct kh_piece up_piece[4], down_piece[4];

static struct kh_node steps_node(const char *id, int measure, int partial, double up, double down)
{
    struct kh_node n = fx_node(id, KH_RULE_STEPS);
    struct kh_rule_steps *st = &n.rule.u.steps;
    memset(up_piece, 0, sizeof(up_piece));
    memset(down_piece, 0, sizeof(down_piece));
    st->measure = measure;
    st->partial = partial;
    if (!isnan(up)) {
        up_piece[0].per = fx_p(up);
        st->up = up_piece;
        st->nup = 1;
    }
    if (!isnan(down)) {
        down_piece[0].per = fx_p(down);
        st->down = down_piece;
        st->ndown = 1;
    }
    return n;
}

static void test_steps_points_continuous_traces_every_number(void **state)
{
    struct kh_node n = steps_node("增速", KH_MEASURE_POINTS, KH_PARTIAL_CONTINUOUS, 0.5, 1);
    struct kh_rule_unit in = fx_unit(10, 9.3);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.ref = 8.5;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 10.4);
    fx_has(&tr, "规则: 每高于参照1个百分点加0.5分, 每低于参照1个百分点扣1分 (连续计算)\n");
    fx_has(&tr, "差值 d = x − 参照 = 9.3 − 8.5 = 0.8\n");
    fx_has(&tr, "加分 = 0.8 × 0.5 = 0.4\n");
    fx_has(&tr, "得分 = 基础分 10 + 0.4 = 10.4\n");
    in.x = 7.2;
    fx_near(fx_eval(&n, &in, &tr), 8.7);
    fx_has(&tr, "扣分 = 1.3 × 1 = 1.3");
    fx_has(&tr, "得分 = 基础分 10 − 1.3 = 8.7");
    in.x = 8.5;
    fx_near(fx_eval(&n, &in, &tr), 10);
    fx_has(&tr, "得分 = 基础分 10\n");
    fx_trace_free(&tr);
}

static void test_steps_percent_whole_steps_truncate(void **state)
{
    /* S6 利润总额: 基本分30, 每低于目标值2%扣1分 — 95 of 100 is 2.5 steps. */
    struct kh_node n = steps_node("S6_利润总额", KH_MEASURE_PERCENT, KH_PARTIAL_WHOLE, NAN, 1);
    struct kh_rule_unit in = fx_unit(30, 95);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.steps.step = fx_p(2);
    in.ref = 100;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 28);
    fx_has(&tr, "差值 d = (x − 参照) / |参照| × 100 = (95 − 100) / 100 × 100 = -5");
    fx_has(&tr, "步数 = 5 / 2 = 2.5, 不足一步不计, 取 2");
    fx_has(&tr, "扣分 = 2 × 1 = 2");
    fx_has(&tr, "(不足一步不计)");
    /* 完成或超额完成目标值得基本分: no `up` slope. */
    in.x = 140;
    fx_near(fx_eval(&n, &in, &tr), 30);
    fx_has(&tr, "加分: 本规则不设此方向的分值, 为 0");
    fx_trace_free(&tr);
}

static void test_steps_percent_continuous_counts_partial_steps(void **state)
{
    struct kh_node n = steps_node("S6_利润总额", KH_MEASURE_PERCENT, KH_PARTIAL_CONTINUOUS, NAN, 1);
    struct kh_rule_unit in = fx_unit(30, 95);
    (void)state;
    fx_reset();
    n.rule.u.steps.step = fx_p(2);
    in.ref = 100;
    fx_near(fx_eval(&n, &in, NULL), 27.5);
    /* A target of 2000 万元 reached at 1900: −5% either way. */
    in.ref = 2000;
    in.x = 1900;
    fx_near(fx_eval(&n, &in, NULL), 27.5);
}

static void test_steps_percent_of_negative_reference_uses_magnitude(void **state)
{
    /* S7 loss targets: d is relative to |ref|; −80 against −100 is +20%. */
    struct kh_node n = steps_node("S7", KH_MEASURE_PERCENT, KH_PARTIAL_CONTINUOUS, 0.1, 0.1);
    struct kh_rule_unit in = fx_unit(30, -80);
    (void)state;
    fx_reset();
    in.ref = -100;
    fx_near(fx_eval(&n, &in, NULL), 32);
}

static void test_steps_whole_steps_tolerate_float_noise(void **state)
{
    /* 0.3 − 0.1 is 0.19999999999999998: still two whole steps of 0.1. */
    struct kh_node n = steps_node("noise", KH_MEASURE_ABSOLUTE, KH_PARTIAL_WHOLE, 1, 1);
    struct kh_rule_unit in = fx_unit(5, 0.3);
    (void)state;
    fx_reset();
    n.rule.u.steps.step = fx_p(0.1);
    in.ref = 0.1;
    fx_near(fx_eval(&n, &in, NULL), 7);
    /* 1.15 against 1.3 is 1.5 steps of 0.1 below: one whole step. */
    in.x = 1.15;
    in.ref = 1.3;
    fx_near(fx_eval(&n, &in, NULL), 4);
    /* 0.1 + 0.2 against 0.3 is level (持平), not 5.5e-17 above. */
    {
        struct kh_trace tr;
        in.x = 0.1 + 0.2;
        in.ref = 0.3;
        fx_trace_init(&tr);
        fx_near(fx_eval(&n, &in, &tr), 5);
        fx_has(&tr, "= 0\n得分 = 基础分 5\n");
        fx_trace_free(&tr);
    }
}

static void test_steps_s6_deduction_capped_at_full_score_pct(void **state)
{
    struct kh_node n = steps_node("S6_利润总额", KH_MEASURE_PERCENT, KH_PARTIAL_WHOLE, NAN, 1);
    struct kh_rule_unit in = fx_unit(30, 10);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.steps.step = fx_p(2);
    n.rule.u.steps.max_down = fx_pct(1); /* 最低为零分: at most W */
    in.ref = 100;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "扣分 45 超过上限 30, 按 30 计");
    fx_trace_free(&tr);
}

static void test_steps_s27_category_params_and_cliff(void **state)
{
    /* 农业主推技术到位率不低于95%的，产区得2.5分，非产区得1.5分；每减少1个百分点，
     * 产区扣0.5分，非产区扣0.3分；低于90%不得分。 */
    struct kh_node n = steps_node("S27_主推技术", KH_MEASURE_POINTS, KH_PARTIAL_CONTINUOUS, NAN, 0);
    struct kh_rule_unit in = fx_unit(2.5, 92);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    down_piece[0].per = fx_pcat(0.5, 0.5, 0.3);
    n.rule.u.steps.cliff_op = KH_CLIFF_LT;
    n.rule.u.steps.cliff_at = fx_p(90);
    in.ref = 95;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 1.0);
    fx_has(&tr, "门槛: x = 92, 未触发 (x < 90 时另计)");
    fx_has(&tr, "扣分 = 3 × 0.5 = 1.5");
    in.cat = CAT_OTHER;
    in.W = 1.5;
    fx_near(fx_eval(&n, &in, &tr), 0.6);
    fx_has(&tr, "扣分 = 3 × 0.3 = 0.9");
    /* Exactly 90 is not below 90: the slope still applies. */
    in.x = 90;
    fx_near(fx_eval(&n, &in, NULL), 0);
    in.x = 89.9;
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "门槛: x = 89.9 < 90, 得分 = 0");
    in.cat = CAT_PRODUCING;
    in.W = 2.5;
    fx_near(fx_eval(&n, &in, NULL), 0);
    /* At or above 95: the full points, no bonus. */
    in.x = 99;
    fx_near(fx_eval(&n, &in, NULL), 2.5);
    /* A unit override wins over its category. */
    fx_punit(&down_piece[0].per, "T01", 0.4);
    in.x = 92;
    fx_near(fx_eval(&n, &in, NULL), 1.3);
    fx_trace_free(&tr);
}

static void test_steps_s27_negative_floor_daokou(void **state)
{
    /* 粮食播种面积: 每减少1个百分点，产区扣0.4分，非产区扣0.2分；在分值扣完的基础上，
     * 实行倒扣分，产区最多扣2分，非产区最多扣1分 (W 2 / 1, so the deduction is
     * capped at 4 / 2). */
    struct kh_node n =
        steps_node("S27_播种面积", KH_MEASURE_PERCENT, KH_PARTIAL_CONTINUOUS, NAN, 0);
    struct kh_rule_unit in = fx_unit(2, 95);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    down_piece[0].per = fx_pcat(0.4, 0.4, 0.2);
    n.rule.u.steps.max_down = fx_pcat(4, 4, 2);
    in.ref = 100;
    fx_near(fx_eval(&n, &in, NULL), 0);
    in.x = 88;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), -2);
    fx_has(&tr, "扣分 4.8 超过上限 4, 按 4 计");
    fx_has(&tr, "得分 = 基础分 2 − 4 = -2");
    in.cat = CAT_OTHER;
    in.W = 1;
    fx_near(fx_eval(&n, &in, NULL), -1);
    in.x = 97;
    fx_near(fx_eval(&n, &in, NULL), 0.4);
    fx_trace_free(&tr);
}

static void test_steps_s38_piecewise_slopes_and_symmetric_cap(void **state)
{
    /* 每不足1个百分点减0.1分; 100%-130%(含) 每超出1个百分点加0.2分; 130%以上每超出1个
     * 百分点加0.1分; 本项最多加减10分. */
    struct kh_node n = steps_node("S38_完成率", KH_MEASURE_POINTS, KH_PARTIAL_CONTINUOUS, 0.2, 0.1);
    struct kh_rule_unit in = fx_unit(20, 120);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    up_piece[0].has_until = 1;
    up_piece[0].until = fx_p(30);
    up_piece[1].per = fx_p(0.1);
    n.rule.u.steps.nup = 2;
    n.rule.u.steps.max_up = fx_p(10);
    n.rule.u.steps.max_down = fx_p(10);
    in.ref = 100;
    fx_near(fx_eval(&n, &in, NULL), 24);
    in.x = 130;
    fx_near(fx_eval(&n, &in, NULL), 26);
    in.x = 135;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 26.5);
    fx_has(&tr, "高于参照时分段计: (0, 30] 每1个百分点加0.2分; (30, ∞) 每1个百分点加0.1分");
    fx_has(&tr, "第1段 (0, 30]: 幅度 30, 30 步 × 0.2 = 6");
    fx_has(&tr, "第2段 (30, ∞): 幅度 5, 5 步 × 0.1 = 0.5");
    fx_has(&tr, "加分合计 = 6.5");
    in.x = 200;
    fx_near(fx_eval(&n, &in, &tr), 30);
    fx_has(&tr, "加分 13 超过上限 10, 按 10 计");
    in.x = 80;
    fx_near(fx_eval(&n, &in, NULL), 18);
    in.x = 0;
    fx_near(fx_eval(&n, &in, NULL), 10);
    fx_trace_free(&tr);
}

static void test_steps_piece_ends_must_increase(void **state)
{
    struct kh_node n = steps_node("bad_pieces", KH_MEASURE_POINTS, KH_PARTIAL_CONTINUOUS, 0.2, 0.1);
    struct kh_rule_unit in = fx_unit(20, 150);
    struct kh_err err;
    (void)state;
    fx_reset();
    up_piece[0].has_until = 1;
    up_piece[0].until = fx_p(30);
    up_piece[1].has_until = 1;
    up_piece[1].until = fx_p(20);
    up_piece[1].per = fx_p(0.1);
    n.rule.u.steps.nup = 2;
    in.ref = 100;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "bad_pieces", "piece 2");
}

static void test_steps_s22_lower_better_flips_sign(void **state)
{
    /* 入室盗窃案件环比持平计6分，每下降1起加0.2分，上升一起扣0.2分 (总分8分). */
    struct kh_node n = steps_node("S22_入室盗窃", KH_MEASURE_ABSOLUTE, KH_PARTIAL_WHOLE, 0.2, 0.2);
    struct kh_rule_unit in = fx_unit(8, 7);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.lower_better = 1;
    n.rule.u.steps.base = fx_p(6);
    in.ref = 10;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 6.6);
    fx_has(&tr, "每低于参照1加0.2分, 每高于参照1扣0.2分");
    fx_has(&tr, "差值 d = 参照 − x = 10 − 7 = 3 (越低越好)");
    in.x = 12;
    fx_near(fx_eval(&n, &in, NULL), 5.6);
    fx_trace_free(&tr);
}

static void test_steps_s37_percent_steps_of_30_with_cliff(void **state)
{
    /* 基礎設施投入 當年完成100萬得5分,每增減30%增減1分。達不到30萬元,不得分。 */
    struct kh_node n = steps_node("S37_基础设施", KH_MEASURE_PERCENT, KH_PARTIAL_WHOLE, 1, 1);
    struct kh_rule_unit in = fx_unit(5, 160);
    (void)state;
    fx_reset();
    n.rule.u.steps.step = fx_p(30);
    n.rule.u.steps.cliff_op = KH_CLIFF_LT;
    n.rule.u.steps.cliff_at = fx_p(30);
    in.ref = 100;
    fx_near(fx_eval(&n, &in, NULL), 7);
    in.x = 150;
    fx_near(fx_eval(&n, &in, NULL), 6);
    in.x = 40;
    fx_near(fx_eval(&n, &in, NULL), 3);
    in.x = 30;
    fx_near(fx_eval(&n, &in, NULL), 3);
    in.x = 29.99;
    fx_near(fx_eval(&n, &in, NULL), 0);
    /* A cliff with its own score (cliff_score) and GE. */
    n.rule.u.steps.cliff_op = KH_CLIFF_GE;
    n.rule.u.steps.cliff_at = fx_p(500);
    n.rule.u.steps.cliff_score = fx_p(12);
    in.x = 500;
    fx_near(fx_eval(&n, &in, NULL), 12);
}

static void test_steps_percent_zero_reference_is_error(void **state)
{
    struct kh_node n = steps_node("S6_利润总额", KH_MEASURE_PERCENT, KH_PARTIAL_WHOLE, NAN, 1);
    struct kh_rule_unit in = fx_unit(30, 95);
    struct kh_err err;
    (void)state;
    fx_reset();
    in.ref = 0;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S6_利润总额", "reference is 0");
    in.ref = NAN;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S6_利润总额", "reference value is missing");
}

/* ---- R3c proportional ----------------------------------------------------- */

static void test_proportional_s20_share_of_first(void **state)
{
    /* 第1名得6分，第2-5名按第1名的比例得分 */
    struct kh_node n = fx_node("S20_编制资源", KH_RULE_PROPORTIONAL);
    struct kh_rule_unit in = fx_unit(6, 3);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.leader = 4;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 4.5);
    fx_has(&tr, "得分 = 分值 × x / 第一名 = 6 × 3 / 4 = 4.5");
    in.x = 4;
    fx_near(fx_eval(&n, &in, NULL), 6);
    fx_trace_free(&tr);
}

static void test_proportional_s18_composite_rate_times_400(void **state)
{
    /* 考绩得分=综合投资率/第一名的综合投资率×400 */
    struct kh_node n = fx_node("S18_投资率", KH_RULE_PROPORTIONAL);
    struct kh_rule_unit in = fx_unit(400, 0.35);
    (void)state;
    fx_reset();
    in.leader = 0.5;
    fx_near(fx_eval(&n, &in, NULL), 280);
}

static void test_proportional_lower_better_divides_leader_by_value(void **state)
{
    struct kh_node n = fx_node("低者优", KH_RULE_PROPORTIONAL);
    struct kh_rule_unit in = fx_unit(10, 4);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.lower_better = 1;
    in.leader = 2;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 5);
    fx_has(&tr, "得分 = 分值 × 第一名 / x = 10 × 2 / 4 = 5");
    fx_trace_free(&tr);
}

static void test_proportional_bad_leader_policies(void **state)
{
    struct kh_node n = fx_node("S30_增长", KH_RULE_PROPORTIONAL);
    struct kh_rule_unit in = fx_unit(16, -2);
    struct kh_err err;
    (void)state;
    fx_reset();
    in.leader = -1;
    n.rule.u.prop.on_bad_leader = KH_NONPOS_ERROR;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S30_增长", "leader = -1");
    n.rule.u.prop.on_bad_leader = KH_NONPOS_ZERO;
    fx_near(fx_eval(&n, &in, NULL), 0);
    n.rule.u.prop.on_bad_leader = KH_NONPOS_FULL;
    fx_near(fx_eval(&n, &in, NULL), 16);
    /* Lower is better and x = 0: x divides, so the policy applies too. */
    n.lower_better = 1;
    in.leader = 2;
    in.x = 0;
    n.rule.u.prop.on_bad_leader = KH_NONPOS_ZERO;
    fx_near(fx_eval(&n, &in, NULL), 0);
}

/* ---- R4 efficacy ---------------------------------------------------------- */

static struct kh_node efficacy_node(void)
{
    struct kh_node n = fx_node("S31_资金", KH_RULE_EFFICACY);
    n.rule.u.eff.equal_high = 1;
    n.rule.u.eff.clamp = 1;
    return n;
}

static void test_efficacy_60_plus_40_scaled_to_points(void **state)
{
    struct kh_node n = efficacy_node();
    struct kh_rule_unit in = fx_unit(10, 7);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.best = 12;
    in.worst = 2;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 8);
    fx_has(&tr, "d = 60 + 40 × (7 − 2) / (12 − 2) = 80");
    fx_has(&tr, "得分 = 分值 × d / 100 = 10 × 80 / 100 = 8");
    in.x = 2;
    fx_near(fx_eval(&n, &in, NULL), 6);
    in.x = 12;
    fx_near(fx_eval(&n, &in, NULL), 10);
    fx_trace_free(&tr);
}

static void test_efficacy_reverse_indicator_best_is_min(void **state)
{
    /* S45: 逆向指标 满意值取最小值, 不允许值取最大值 (the engine passes them so). */
    struct kh_node n = efficacy_node();
    struct kh_rule_unit in = fx_unit(10, 4.5);
    (void)state;
    fx_reset();
    n.lower_better = 1;
    in.best = 2;
    in.worst = 12;
    fx_near(fx_eval(&n, &in, NULL), 9);
    in.x = 12;
    fx_near(fx_eval(&n, &in, NULL), 6);
}

static void test_efficacy_equal_best_and_worst(void **state)
{
    struct kh_node n = efficacy_node();
    struct kh_rule_unit in = fx_unit(10, 5);
    struct kh_trace tr;
    (void)state;
    fx_reset();
    in.best = in.worst = 5;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 10);
    fx_has(&tr, "满意值与不允许值相等, d = 100");
    n.rule.u.eff.equal_high = 0;
    fx_near(fx_eval(&n, &in, NULL), 6);
    fx_trace_free(&tr);
}

static void test_efficacy_clamps_outside_goalposts_unless_off(void **state)
{
    struct kh_node n = efficacy_node();
    struct kh_rule_unit in = fx_unit(20, 15);
    (void)state;
    fx_reset();
    in.best = 12;
    in.worst = 2;
    fx_near(fx_eval(&n, &in, NULL), 20);
    in.x = 0;
    fx_near(fx_eval(&n, &in, NULL), 12);
    n.rule.u.eff.clamp = 0;
    in.x = 15;
    fx_near(fx_eval(&n, &in, NULL), 20 * 112.0 / 100);
    /* Custom range 50–100 on a 10-point scale. */
    n.rule.u.eff.clamp = 1;
    n.rule.u.eff.low = fx_p(50);
    n.rule.u.eff.scale = fx_p(10);
    in.x = 7;
    fx_near(fx_eval(&n, &in, NULL), 20 * 75.0 / 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_trims_zeros_and_prints_missing),
        cmocka_unit_test(test_trace_line_indents_and_null_is_noop),
        cmocka_unit_test(test_ratio_s6_partial_completion_scores_share),
        cmocka_unit_test(test_ratio_caps_at_full_score_and_floors_at_zero),
        cmocka_unit_test(test_ratio_cap_none_s29_exceeds_full_score),
        cmocka_unit_test(test_ratio_bad_target_error_names_node_and_unit),
        cmocka_unit_test(test_ratio_bad_target_zero_and_full_policies),
        cmocka_unit_test(test_ratio_lower_better_uses_target_over_value),
        cmocka_unit_test(test_steps_points_continuous_traces_every_number),
        cmocka_unit_test(test_steps_percent_whole_steps_truncate),
        cmocka_unit_test(test_steps_percent_continuous_counts_partial_steps),
        cmocka_unit_test(test_steps_percent_of_negative_reference_uses_magnitude),
        cmocka_unit_test(test_steps_whole_steps_tolerate_float_noise),
        cmocka_unit_test(test_steps_s6_deduction_capped_at_full_score_pct),
        cmocka_unit_test(test_steps_s27_category_params_and_cliff),
        cmocka_unit_test(test_steps_s27_negative_floor_daokou),
        cmocka_unit_test(test_steps_s38_piecewise_slopes_and_symmetric_cap),
        cmocka_unit_test(test_steps_piece_ends_must_increase),
        cmocka_unit_test(test_steps_s22_lower_better_flips_sign),
        cmocka_unit_test(test_steps_s37_percent_steps_of_30_with_cliff),
        cmocka_unit_test(test_steps_percent_zero_reference_is_error),
        cmocka_unit_test(test_proportional_s20_share_of_first),
        cmocka_unit_test(test_proportional_s18_composite_rate_times_400),
        cmocka_unit_test(test_proportional_lower_better_divides_leader_by_value),
        cmocka_unit_test(test_proportional_bad_leader_policies),
        cmocka_unit_test(test_efficacy_60_plus_40_scaled_to_points),
        cmocka_unit_test(test_efficacy_reverse_indicator_best_is_min),
        cmocka_unit_test(test_efficacy_equal_best_and_worst),
        cmocka_unit_test(test_efficacy_clamps_outside_goalposts_unless_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
