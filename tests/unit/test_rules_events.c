/*
 * test_rules_events.c — unit tests of bonus (R9) and deduction (R10) rules
 * (src/lib/engine/rules_events.c) with the catalogue's cases: S1 highest
 * level only per matter and 累计加分不超过3分, S25 shared credit, S20
 * 发现一次的扣0.5分, 两次及以上此项不得分, S21 扣完为止, S39 倒扣, S20 扣分不超过2分,
 * S29 discretionary ranges 减5—20分, S22/S27 exemptions; and the errors that
 * cite an event's file and line.
 */
#include "rules_fixture.h"

static const char *const files[] = {"events.csv"};

/* Event rows of one unit, as the engine hands them to the rule. */
static struct kh_event evs[16];
static const struct kh_event *evp[16];

/* Set event i: an item "honour" at line `line` with the given level. */
static struct kh_event *ev_set(int i, const char *level, double count, const char *matter, int line)
{
    struct kh_event *e = &evs[i];
    memset(e, 0, sizeof(*e));
    e->unit = 0;
    e->item = (char *)"honour";
    e->level = (char *)level;
    e->count = count;
    e->matter = (char *)matter;
    e->points = NAN;
    e->shares = 1;
    e->file = 0;
    e->line = line;
    evp[i] = e;
    return e;
}

/* Inputs for unit T01 with the first n events. */
static struct kh_rule_unit ev_unit(double W, size_t n)
{
    struct kh_rule_unit in = fx_unit(W, NAN);
    in.events = evp;
    in.nevents = n;
    in.files = files;
    return in;
}

static struct kh_level s1_levels[4];

/* S1: 党中央、国务院 1分; 国家部委、省委、省政府 0.8分; 省厅、市委、市政府 0.6分; 省厅直属 0.3分;
 * 同项内容按最高级别加一次分, 累计加分不超过3分. */
static struct kh_node s1_node(void)
{
    struct kh_node n = fx_node("S1_表彰加分", KH_RULE_BONUS);
    static const char *names[4] = {"国家级", "省级", "市级", "厅级"};
    static const double pts[4] = {1, 0.8, 0.6, 0.3};
    int i;
    for (i = 0; i < 4; i++) {
        memset(&s1_levels[i], 0, sizeof(s1_levels[i]));
        s1_levels[i].name = (char *)names[i];
        s1_levels[i].v = fx_p(pts[i]);
    }
    n.kind = KH_NODE_BONUS;
    n.rule.u.events.levels = s1_levels;
    n.rule.u.events.nlevels = 4;
    n.rule.u.events.dedupe_matter = 1;
    n.rule.u.events.split_shares = 1;
    n.rule.u.events.max = fx_p(3);
    return n;
}

static void test_bonus_s1_highest_level_only_per_matter(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    ev_set(0, "省级", 1, "河长制", 2);
    ev_set(1, "国家级", 1, "河长制", 3);
    ev_set(2, "省级", 1, "防汛", 4);
    ev_set(3, "市级", 1, NULL, 5);
    ev_set(4, "厅级", 1, NULL, 6);
    in = ev_unit(0, 5);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 2.7);
    fx_has(&tr, "events.csv:2 「honour」 级别 省级 事项 河长制: 0.8 分 — 同一事项只按最高一项计分, "
                "此项不计");
    fx_has(&tr, "events.csv:3 「honour」 级别 国家级 事项 河长制: 1 分");
    fx_has(&tr, "加分合计 = 2.7");
    /* Without dedupe both 河长制 honours count. */
    n.rule.u.events.dedupe_matter = 0;
    fx_near(fx_eval(&n, &in, NULL), 3);
    fx_trace_free(&tr);
}

static void test_bonus_s1_sum_capped_at_3(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    ev_set(0, "国家级", 1, "A", 2);
    ev_set(1, "国家级", 1, "B", 3);
    ev_set(2, "省级", 1, "C", 4);
    ev_set(3, "市级", 1, "D", 5);
    in = ev_unit(0, 4);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 3);
    fx_has(&tr, "加分合计 = 3.4");
    fx_has(&tr, "超过上限 3, 按 3 计");
    fx_has(&tr, "得分 = 3\n");
    fx_trace_free(&tr);
}

static void test_bonus_equal_values_in_a_matter_keep_the_first(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    ev_set(0, "市级", 1, "A", 2);
    ev_set(1, "市级", 1, "A", 3);
    in = ev_unit(0, 2);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 0.6);
    fx_has(&tr, "events.csv:3 「honour」 级别 市级 事项 A: 0.6 分 — 同一事项");
    fx_lacks(&tr, "events.csv:2 「honour」 级别 市级 事项 A: 0.6 分 — 同一事项");
    fx_trace_free(&tr);
}

static void test_bonus_s25_shared_credit_split_by_authors(void **state)
{
    /* 同篇信息及稿件不重复计分, 2人以上署名的按署名人数平均得分. */
    struct kh_node n = fx_node("S25_信息", KH_RULE_BONUS);
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.events.per = fx_p(0.5);
    n.rule.u.events.split_shares = 1;
    ev_set(0, NULL, 1, NULL, 2)->shares = 2;
    ev_set(1, NULL, 1, NULL, 3)->shares = 3;
    ev_set(2, NULL, 1, NULL, 4);
    in = ev_unit(0, 3);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 0.25 + 0.5 / 3 + 0.5);
    fx_has(&tr, "events.csv:2 「honour」: 0.5 ÷ 2 人 = 0.25 分");
    fx_has(&tr, "events.csv:3 「honour」: 0.5 ÷ 3 人 = 0.166667 分");
    n.rule.u.events.split_shares = 0;
    fx_near(fx_eval(&n, &in, NULL), 1.5);
    fx_trace_free(&tr);
}

static void test_bonus_count_multiplies_points(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.events.max.set = 0;
    ev_set(0, "省级", 3, NULL, 2);
    in = ev_unit(0, 1);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 2.4);
    fx_has(&tr, "0.8 × 3 次 = 2.4 分");
    fx_trace_free(&tr);
}

static void test_bonus_level_points_by_category(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in;
    (void)state;
    fx_reset();
    s1_levels[1].v = fx_pcat(0.8, 0.8, 0.5);
    ev_set(0, "省级", 1, NULL, 2);
    in = ev_unit(0, 1);
    fx_near(fx_eval(&n, &in, NULL), 0.8);
    in.cat = CAT_OTHER;
    fx_near(fx_eval(&n, &in, NULL), 0.5);
}

static void test_bonus_exempt_events_score_nothing(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in;
    struct kh_trace tr;
    struct kh_event *e;
    (void)state;
    fx_reset();
    e = ev_set(0, "国家级", 1, NULL, 2);
    e->exempt = 1;
    e->evidence = (char *)"国发〔2020〕1号";
    /* An exempt row is not even checked for its level. */
    ev_set(1, "未列级别", 1, NULL, 3)->exempt = 1;
    ev_set(2, "市级", 1, NULL, 4);
    in = ev_unit(0, 3);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 0.6);
    fx_has(&tr, "events.csv:2 「honour」 级别 国家级: 免责, 不计分 (依据见佐证材料)");
    fx_has(&tr, "events.csv:3 「honour」 级别 未列级别: 免责, 不计分");
    fx_trace_free(&tr);
}

static void test_bonus_no_events_scores_zero(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in = ev_unit(0, 0);
    (void)state;
    fx_reset();
    in.events = NULL;
    fx_near(fx_eval(&n, &in, NULL), 0);
}

static void test_bonus_unknown_level_cites_file_line(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in;
    struct kh_err err;
    (void)state;
    fx_reset();
    ev_set(0, "国家级", 1, NULL, 2);
    ev_set(1, "县级", 1, NULL, 7);
    in = ev_unit(0, 2);
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S1_表彰加分", "level '县级'");
    assert_string_equal(err.file, "events.csv");
    assert_int_equal(err.line, 7);
    assert_non_null(strstr(err.msg, "events.csv:7"));
}

static void test_bonus_missing_level_with_levels_is_error(void **state)
{
    struct kh_node n = s1_node();
    struct kh_rule_unit in;
    struct kh_err err;
    (void)state;
    fx_reset();
    ev_set(0, NULL, 1, NULL, 9);
    in = ev_unit(0, 1);
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S1_表彰加分", "has no level");
    assert_int_equal(err.line, 9);
}

static void test_bonus_without_levels_or_per_is_error(void **state)
{
    struct kh_node n = fx_node("无分值", KH_RULE_BONUS);
    struct kh_rule_unit in;
    struct kh_err err;
    (void)state;
    fx_reset();
    ev_set(0, NULL, 1, NULL, 4);
    in = ev_unit(0, 1);
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "无分值", "no points");
    /* And a negative count is refused. */
    n.rule.u.events.per = fx_p(1);
    evs[0].count = -1;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "无分值", "count -1");
}

/* ---- deductions ------------------------------------------------------------ */

static struct kh_level s29_levels[2];

static void test_deduct_s29_ranged_level_points_within_range(void **state)
{
    /* 受市一级政府通报的根据性质不同给予减5—20分 (and 省级 a fixed 10). */
    struct kh_node n = fx_node("S29_通报减分", KH_RULE_DEDUCT);
    struct kh_rule_unit in;
    struct kh_trace tr;
    struct kh_err err;
    (void)state;
    fx_reset();
    memset(s29_levels, 0, sizeof(s29_levels));
    s29_levels[0].name = (char *)"市级通报";
    s29_levels[0].ranged = 1;
    s29_levels[0].v = fx_p(5);
    s29_levels[0].hi = fx_p(20);
    s29_levels[1].name = (char *)"省级通报";
    s29_levels[1].v = fx_p(10);
    n.kind = KH_NODE_DEDUCTION;
    n.rule.u.events.levels = s29_levels;
    n.rule.u.events.nlevels = 2;
    n.rule.u.events.min = fx_p(-100);
    ev_set(0, "市级通报", 1, NULL, 2)->points = 12;
    ev_set(1, "省级通报", 1, NULL, 3);
    in = ev_unit(0, 2);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), -22);
    fx_has(&tr, "events.csv:2 「honour」 级别 市级通报: 12 分");
    fx_has(&tr, "得分 = 基础分 0 − 22 = -22");
    evs[0].points = 25;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S29_通报减分", "outside the range [5, 20]");
    assert_int_equal(err.line, 2);
    evs[0].points = NAN;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S29_通报减分", "needs its points chosen");
    fx_trace_free(&tr);
}

static void test_deduct_s21_per_event_floor_zero(void **state)
{
    /* 水质水量监测评价出现一次不达标河库扣2分，扣完为止 (4分). */
    struct kh_node n = fx_node("S21_不达标河库", KH_RULE_DEDUCT);
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.events.per = fx_p(2);
    ev_set(0, NULL, 1, NULL, 2);
    ev_set(1, NULL, 2, NULL, 3);
    in = ev_unit(4, 1);
    fx_near(fx_eval(&n, &in, NULL), 2);
    in.nevents = 2;
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "扣分合计 = 6");
    fx_has(&tr, "得分 = 基础分 4 − 6 = -2");
    fx_has(&tr, "低于最低分 0, 按 0 计");
    in.nevents = 0;
    fx_near(fx_eval(&n, &in, NULL), 4);
    fx_trace_free(&tr);
}

static struct kh_sched s20_sched[2];

static void test_deduct_s20_nonlinear_schedule(void **state)
{
    /* 发现一次的，扣0.5分；发现有两次及以上的，此项不得分 (1分). */
    struct kh_node n = fx_node("S20_用编审核", KH_RULE_DEDUCT);
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    s20_sched[0].count = 1;
    s20_sched[0].sets_score = 0;
    s20_sched[0].value = fx_p(0.5);
    s20_sched[1].count = 2;
    s20_sched[1].sets_score = 1;
    s20_sched[1].value = fx_p(0);
    n.rule.u.events.sched = s20_sched;
    n.rule.u.events.nsched = 2;
    ev_set(0, NULL, 1, NULL, 2);
    ev_set(1, NULL, 1, NULL, 3);
    ev_set(2, NULL, 1, NULL, 4);
    in = ev_unit(1, 0);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 1);
    fx_has(&tr, "共 0 次, 不扣分");
    in.nevents = 1;
    fx_near(fx_eval(&n, &in, &tr), 0.5);
    fx_has(&tr, "共 1 次, 适用「1 次及以上」档: 扣 0.5 分");
    in.nevents = 2;
    fx_near(fx_eval(&n, &in, &tr), 0);
    fx_has(&tr, "共 2 次, 适用「2 次及以上」档: 本项得 0 分");
    in.nevents = 3;
    fx_near(fx_eval(&n, &in, NULL), 0);
    /* One row with count 2 is two occurrences. */
    evs[0].count = 2;
    in.nevents = 1;
    fx_near(fx_eval(&n, &in, NULL), 0);
    /* S22 失控人员不扣分: an exempt occurrence does not count. */
    evs[0].count = 1;
    evs[1].exempt = 1;
    in.nevents = 2;
    fx_near(fx_eval(&n, &in, &tr), 0.5);
    fx_has(&tr, "events.csv:3 「honour」: 免责, 不计次数");
    fx_trace_free(&tr);
}

static void test_deduct_s39_negative_floor_daokou(void **state)
{
    /* 文明施工不達要求,每查處一次倒扣2分 — floor −3 below a 5-point item. */
    struct kh_node n = fx_node("S39_文明施工", KH_RULE_DEDUCT);
    struct kh_rule_unit in;
    (void)state;
    fx_reset();
    n.rule.u.events.per = fx_p(2);
    n.rule.u.events.min = fx_p(-3);
    ev_set(0, NULL, 5, NULL, 2);
    in = ev_unit(5, 1);
    fx_near(fx_eval(&n, &in, NULL), -3);
    evs[0].count = 3;
    fx_near(fx_eval(&n, &in, NULL), -1);
}

static void test_deduct_s20_deduction_capped_at_2(void **state)
{
    /* 每减少1名人员编制的，扣0.1分，扣分不超过2分 (1.5分). */
    struct kh_node n = fx_node("S20_编制减少", KH_RULE_DEDUCT);
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.events.per = fx_p(0.1);
    n.rule.u.events.max = fx_p(2);
    n.rule.u.events.min = fx_p(-1);
    ev_set(0, NULL, 30, NULL, 2);
    in = ev_unit(1.5, 1);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), -0.5);
    fx_has(&tr, "扣分超过上限 2, 按 2 计");
    n.rule.u.events.min.set = 0;
    fx_near(fx_eval(&n, &in, NULL), 0);
    /* A base other than W. */
    n.rule.u.events.base = fx_p(3);
    fx_near(fx_eval(&n, &in, NULL), 1);
    fx_trace_free(&tr);
}

static void test_deduct_dedupes_matter_only_when_asked(void **state)
{
    struct kh_node n = fx_node("扣分去重", KH_RULE_DEDUCT);
    struct kh_rule_unit in;
    (void)state;
    fx_reset();
    n.rule.u.events.per = fx_p(1);
    ev_set(0, NULL, 1, "同一问题", 2);
    ev_set(1, NULL, 1, "同一问题", 3);
    in = ev_unit(5, 2);
    fx_near(fx_eval(&n, &in, NULL), 3);
    n.rule.u.events.dedupe_matter = 1;
    fx_near(fx_eval(&n, &in, NULL), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bonus_s1_highest_level_only_per_matter),
        cmocka_unit_test(test_bonus_s1_sum_capped_at_3),
        cmocka_unit_test(test_bonus_equal_values_in_a_matter_keep_the_first),
        cmocka_unit_test(test_bonus_s25_shared_credit_split_by_authors),
        cmocka_unit_test(test_bonus_count_multiplies_points),
        cmocka_unit_test(test_bonus_level_points_by_category),
        cmocka_unit_test(test_bonus_exempt_events_score_nothing),
        cmocka_unit_test(test_bonus_no_events_scores_zero),
        cmocka_unit_test(test_bonus_unknown_level_cites_file_line),
        cmocka_unit_test(test_bonus_missing_level_with_levels_is_error),
        cmocka_unit_test(test_bonus_without_levels_or_per_is_error),
        cmocka_unit_test(test_deduct_s29_ranged_level_points_within_range),
        cmocka_unit_test(test_deduct_s21_per_event_floor_zero),
        cmocka_unit_test(test_deduct_s20_nonlinear_schedule),
        cmocka_unit_test(test_deduct_s39_negative_floor_daokou),
        cmocka_unit_test(test_deduct_s20_deduction_capped_at_2),
        cmocka_unit_test(test_deduct_dedupes_matter_only_when_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
