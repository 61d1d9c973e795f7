/*
 * test_rules_ballot.c — unit tests of evaluator ballots (R12,
 * src/lib/engine/rules_ballot.c): S42 graded ballots 繁重/较多/一般/较少 =
 * 100/80/60/40 with group weights 20/40/40, re-normalisation when a group
 * cast nothing, S13 trimmed mean only above 5 evaluators, S10 "不了解"
 * counting nowhere, and kh_ballot_validate(): uniform ballots void, grade
 * quotas, unknown grades cited by file and line.
 */
#include "rules_fixture.h"

static char *files[] = {(char *)"ballots.csv"};

static struct kh_ballot rows[32];
static const struct kh_ballot *rowp[32];
static unsigned char validv[32];

/* Set row i: meeting m1, evaluator ev of group g marking unit u. */
static void row_set(int i, const char *ev, const char *g, int u, const char *grade, double score)
{
    struct kh_ballot *b = &rows[i];
    memset(b, 0, sizeof(*b));
    b->meeting = (char *)"m1";
    b->evaluator = (char *)ev;
    b->group = (char *)g;
    b->unit = u;
    b->grade = (char *)grade;
    b->score = score;
    b->file = 0;
    b->line = i + 2;
    rowp[i] = b;
    validv[i] = 1;
}

/* Inputs for unit T01 with its first n rows (all of unit 0). */
static struct kh_rule_unit ballot_unit(double W, size_t n)
{
    struct kh_rule_unit in = fx_unit(W, NAN);
    in.ballots = rowp;
    in.nballots = n;
    in.ballot_valid = validv;
    in.files = (const char *const *)files;
    return in;
}

static struct kh_grade s42_grades[4];
static struct kh_ballot_group s42_groups[3];

/* S42: 工作任务量得分 = (繁重×100 + 较多×80 + 一般×60 + 较少×40) ÷ 有效票数;
 * 综合 = 分管领导 20% + 干部职工 40% + 考核组 40%. */
static struct kh_node s42_node(void)
{
    struct kh_node n = fx_node("S42_任务量", KH_RULE_BALLOT);
    static const char *g[4] = {"繁重", "较多", "一般", "较少"};
    static const double v[4] = {100, 80, 60, 40};
    static const char *grp[3] = {"领导", "职工", "考核组"};
    static const double w[3] = {20, 40, 40};
    int i;
    for (i = 0; i < 4; i++) {
        s42_grades[i].name = (char *)g[i];
        s42_grades[i].v = v[i];
    }
    for (i = 0; i < 3; i++) {
        s42_groups[i].name = (char *)grp[i];
        s42_groups[i].weight = w[i];
    }
    n.rule.u.ballot.meeting = (char *)"m1";
    n.rule.u.ballot.grades = s42_grades;
    n.rule.u.ballot.ngrades = 4;
    n.rule.u.ballot.groups = s42_groups;
    n.rule.u.ballot.ngroups = 3;
    return n;
}

static void s42_rows(void)
{
    row_set(0, "L1", "领导", 0, "繁重", NAN);
    row_set(1, "L2", "领导", 0, "较多", NAN);
    row_set(2, "E1", "职工", 0, "繁重", NAN);
    row_set(3, "E2", "职工", 0, "较多", NAN);
    row_set(4, "E3", "职工", 0, "一般", NAN);
    row_set(5, "E4", "职工", 0, "较少", NAN);
    row_set(6, "K1", "考核组", 0, "较多", NAN);
    row_set(7, "K2", "考核组", 0, "较多", NAN);
    row_set(8, "K3", "考核组", 0, "较多", NAN);
}

static void test_ballot_s42_graded_group_weights_20_40_40(void **state)
{
    struct kh_node n = s42_node();
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    s42_rows();
    in = ballot_unit(20, 9);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 15.6);
    fx_has(&tr, "领导 (权重 20): (1×100 + 1×80) ÷ 2 = 90");
    fx_has(&tr, "职工 (权重 40): (1×100 + 1×80 + 1×60 + 1×40) ÷ 4 = 70");
    fx_has(&tr, "考核组 (权重 40): (3×80) ÷ 3 = 80");
    fx_has(&tr, "综合评价 S = (20 × 90 + 40 × 70 + 40 × 80) / 100 = 78");
    fx_has(&tr, "得分 = 分值 × S / 100 = 20 × 78 / 100 = 15.6");
    fx_trace_free(&tr);
}

static void test_ballot_group_without_marks_renormalises(void **state)
{
    struct kh_node n = s42_node();
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    s42_rows();
    in = ballot_unit(20, 6); /* no 考核组 rows */
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 20 * (20 * 90.0 + 40 * 70.0) / 60 / 100);
    fx_has(&tr, "考核组 (权重 40): 无有效评价, 不参与加权");
    fx_has(&tr, "有 1 个组无有效评价, 权重按其余组重新归一 (权重合计 60)");
    fx_trace_free(&tr);
}

static void test_ballot_s13_trimmed_mean_only_above_five(void **state)
{
    /* 当参评人大于5人的,去掉一个最高分和一个最低分后求平均分;小于等于5人的,直接求平均分. */
    struct kh_node n = fx_node("S13_测评", KH_RULE_BALLOT);
    static const double marks[6] = {90, 60, 100, 80, 95, 70};
    struct kh_rule_unit in;
    struct kh_trace tr;
    int i;
    (void)state;
    fx_reset();
    n.rule.u.ballot.trim_over = 5;
    n.rule.u.ballot.trim_high = 1;
    n.rule.u.ballot.trim_low = 1;
    for (i = 0; i < 6; i++)
        row_set(i, i % 2 ? "甲" : "乙", NULL, 0, NULL, marks[i]);
    /* Five evaluators (90 60 100 80 95): plain mean. */
    in = ballot_unit(100, 5);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 85);
    fx_lacks(&tr, "去掉");
    /* Six: drop 100 and 60, mean of 70 80 90 95. */
    in.nballots = 6;
    fx_near(fx_eval(&n, &in, &tr), 83.75);
    fx_has(&tr, "全体评价人: 6 人评价, 多于 5 人, 去掉最高 1 个 (100) 和最低 1 个 (60)");
    fx_has(&tr, "平均 = 335 ÷ 4 = 83.75");
    fx_trace_free(&tr);
}

static void test_ballot_ignored_grade_counts_nowhere(void **state)
{
    /* S10: 前3項分值依次為100%、75%、55%, "不了解"不計分. */
    struct kh_node n = fx_node("S10_满意度", KH_RULE_BALLOT);
    struct kh_grade g[3] = {
        {(char *)"满意", 100}, {(char *)"基本满意", 75}, {(char *)"不满意", 55}};
    char *ign[1] = {(char *)"不了解"};
    struct kh_rule_unit in;
    struct kh_trace tr;
    (void)state;
    fx_reset();
    n.rule.u.ballot.grades = g;
    n.rule.u.ballot.ngrades = 3;
    n.rule.u.ballot.ignore = ign;
    n.rule.u.ballot.nignore = 1;
    row_set(0, "a", NULL, 0, "满意", NAN);
    row_set(1, "b", NULL, 0, "不了解", NAN);
    row_set(2, "c", NULL, 0, "不满意", NAN);
    in = ballot_unit(10, 3);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 7.75);
    fx_has(&tr, "不计分的评价 (如「不了解」) 1 条");
    fx_has(&tr, "(1×100 + 1×55) ÷ 2 = 77.5");
    /* Only 不了解: no marks at all. */
    in.ballots = rowp + 1;
    in.ballot_valid = validv + 1;
    in.nballots = 1;
    {
        struct kh_err err = fx_eval_fail(&n, &in, KH_EINVAL);
        fx_msg_has(&err, "S10_满意度", "no valid ballots for unit T01");
    }
    fx_trace_free(&tr);
}

static void test_ballot_void_rows_are_skipped(void **state)
{
    struct kh_node n = fx_node("void", KH_RULE_BALLOT);
    struct kh_rule_unit in;
    struct kh_trace tr;
    struct kh_err err;
    (void)state;
    fx_reset();
    row_set(0, "a", NULL, 0, NULL, 100);
    row_set(1, "b", NULL, 0, NULL, 50);
    row_set(2, "c", NULL, 0, NULL, 70);
    validv[0] = 0;
    in = ballot_unit(100, 3);
    fx_trace_init(&tr);
    fx_near(fx_eval(&n, &in, &tr), 60);
    fx_has(&tr, "无效票的评价 1 条, 不计");
    validv[1] = validv[2] = 0;
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "void", "no valid ballots for unit T01");
    fx_trace_free(&tr);
}

static void test_ballot_unknown_group_cites_row(void **state)
{
    struct kh_node n = s42_node();
    struct kh_rule_unit in;
    struct kh_err err;
    (void)state;
    fx_reset();
    s42_rows();
    rows[4].group = (char *)"群众";
    in = ballot_unit(20, 9);
    err = fx_eval_fail(&n, &in, KH_EINVAL);
    fx_msg_has(&err, "S42_任务量", "group '群众'");
    assert_string_equal(err.file, "ballots.csv");
    assert_int_equal(err.line, 6);
}

/* ---- kh_ballot_validate ------------------------------------------------------ */

static struct kh_unit units3[3] = {
    {.id = (char *)"T01"}, {.id = (char *)"T02"}, {.id = (char *)"T03"}};

/* A dataset over the first n rows. */
static struct kh_dataset ballot_ds(size_t n)
{
    struct kh_dataset ds;
    memset(&ds, 0, sizeof(ds));
    ds.files = files;
    ds.nfiles = 1;
    ds.units = units3;
    ds.nunits = 3;
    ds.ballots = rows;
    ds.nballots = n;
    return ds;
}

static void test_ballot_validate_uniform_ballot_is_void(void **state)
{
    /* S13: 对被考评人全部打满分或者打相同分数的, 按无效票处理. */
    struct kh_rule_ballot r;
    struct kh_dataset ds;
    unsigned char v[16];
    struct kh_err err;
    static const unsigned char want[11] = {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0};
    int i;
    (void)state;
    fx_reset();
    memset(&r, 0, sizeof(r));
    r.meeting = (char *)"m1";
    r.invalid_uniform = 1;
    row_set(0, "e1", NULL, 0, NULL, 90); /* e1: 90 90 90 → void */
    row_set(1, "e1", NULL, 1, NULL, 90);
    row_set(2, "e1", NULL, 2, NULL, 90);
    row_set(3, "e2", NULL, 0, NULL, 90); /* e2 marks one unit only */
    row_set(4, "e3", NULL, 0, NULL, 90); /* e3 varies */
    row_set(5, "e3", NULL, 1, NULL, 80);
    row_set(6, "e3", NULL, 2, NULL, 70);
    row_set(7, "e4", NULL, 0, NULL, 60); /* e4 uniform at another meeting */
    row_set(8, "e4", NULL, 1, NULL, 60);
    rows[7].meeting = rows[8].meeting = (char *)"m2";
    row_set(9, "e5", NULL, 0, NULL, 75); /* e5 marks one unit; e1's last row follows */
    row_set(10, "e1", NULL, 1, NULL, 90);
    ds = ballot_ds(11);
    kh_err_clear(&err);
    assert_int_equal(kh_ballot_validate(&r, &ds, v, &err), KH_OK);
    for (i = 0; i < 11; i++)
        if (v[i] != want[i])
            fail_msg("row %d: valid %d, expected %d", i, v[i], want[i]);
    r.invalid_uniform = 0;
    assert_int_equal(kh_ballot_validate(&r, &ds, v, &err), KH_OK);
    for (i = 0; i < 11; i++)
        assert_int_equal(v[i], 1);
}

static void test_ballot_validate_uniform_ignores_unknowing_rows(void **state)
{
    struct kh_rule_ballot r;
    struct kh_grade g[2] = {{(char *)"好", 100}, {(char *)"差", 40}};
    char *ign[1] = {(char *)"不了解"};
    struct kh_dataset ds;
    unsigned char v[8];
    (void)state;
    fx_reset();
    memset(&r, 0, sizeof(r));
    r.meeting = (char *)"m1";
    r.invalid_uniform = 1;
    r.grades = g;
    r.ngrades = 2;
    r.ignore = ign;
    r.nignore = 1;
    row_set(0, "e1", NULL, 0, "好", NAN);
    row_set(1, "e1", NULL, 1, "好", NAN);
    row_set(2, "e1", NULL, 2, "不了解", NAN);
    row_set(3, "e2", NULL, 0, "好", NAN);
    row_set(4, "e2", NULL, 1, "差", NAN);
    ds = ballot_ds(5);
    assert_int_equal(kh_ballot_validate(&r, &ds, v, NULL), KH_OK);
    assert_int_equal(v[0], 0);
    assert_int_equal(v[1], 0);
    assert_int_equal(v[2], 0);
    assert_int_equal(v[3], 1);
    assert_int_equal(v[4], 1);
}

static void test_ballot_validate_grade_quota_voids_ballot(void **state)
{
    /* Forced distribution: at most one 优秀 per ballot. */
    struct kh_rule_ballot r;
    struct kh_grade g[2] = {{(char *)"优秀", 95}, {(char *)"良好", 80}};
    struct kh_grade quota[1] = {{(char *)"优秀", 1}};
    struct kh_dataset ds;
    unsigned char v[8];
    (void)state;
    fx_reset();
    memset(&r, 0, sizeof(r));
    r.meeting = (char *)"m1";
    r.grades = g;
    r.ngrades = 2;
    r.grade_quota = quota;
    r.ngrade_quota = 1;
    row_set(0, "e1", NULL, 0, "优秀", NAN);
    row_set(1, "e1", NULL, 1, "优秀", NAN);
    row_set(2, "e1", NULL, 2, "良好", NAN);
    row_set(3, "e2", NULL, 0, "优秀", NAN);
    row_set(4, "e2", NULL, 1, "良好", NAN);
    row_set(5, "e2", NULL, 2, "良好", NAN);
    ds = ballot_ds(6);
    assert_int_equal(kh_ballot_validate(&r, &ds, v, NULL), KH_OK);
    assert_int_equal(v[0] + v[1] + v[2], 0);
    assert_int_equal(v[3] + v[4] + v[5], 3);
}

static void test_ballot_validate_unknown_grade_cites_row(void **state)
{
    struct kh_rule_ballot r;
    struct kh_grade g[1] = {{(char *)"好", 100}};
    struct kh_dataset ds;
    unsigned char v[8];
    struct kh_err err;
    (void)state;
    fx_reset();
    memset(&r, 0, sizeof(r));
    r.meeting = (char *)"m1";
    r.grades = g;
    r.ngrades = 1;
    row_set(0, "e1", NULL, 0, "好", NAN);
    row_set(1, "e1", NULL, 1, "很好", NAN);
    ds = ballot_ds(2);
    kh_err_clear(&err);
    assert_int_equal(kh_ballot_validate(&r, &ds, v, &err), KH_EINVAL);
    assert_string_equal(err.file, "ballots.csv");
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "'很好'"));
    assert_non_null(strstr(err.msg, "T02"));
    /* A row with neither a grade nor a score is refused too. */
    rows[1].grade = NULL;
    assert_int_equal(kh_ballot_validate(&r, &ds, v, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "neither a grade nor a score"));
}

static void test_ballot_validate_then_score_end_to_end(void **state)
{
    /* Validity over the meeting, then one unit's score from its valid rows. */
    struct kh_node n = fx_node("测评", KH_RULE_BALLOT);
    struct kh_rule_unit in;
    struct kh_dataset ds;
    unsigned char v[8], uv[8];
    const struct kh_ballot *mine[8];
    size_t i, k = 0;
    (void)state;
    fx_reset();
    n.rule.u.ballot.meeting = (char *)"m1";
    n.rule.u.ballot.invalid_uniform = 1;
    row_set(0, "e1", NULL, 0, NULL, 100); /* e1 uniform: void */
    row_set(1, "e1", NULL, 1, NULL, 100);
    row_set(2, "e2", NULL, 0, NULL, 80);
    row_set(3, "e2", NULL, 1, NULL, 60);
    row_set(4, "e3", NULL, 0, NULL, 90);
    row_set(5, "e3", NULL, 1, NULL, 70);
    ds = ballot_ds(6);
    assert_int_equal(kh_ballot_validate(&n.rule.u.ballot, &ds, v, NULL), KH_OK);
    for (i = 0; i < 6; i++)
        if (rows[i].unit == 0) {
            mine[k] = &rows[i];
            uv[k++] = v[i];
        }
    in = ballot_unit(10, k);
    in.ballots = mine;
    in.ballot_valid = uv;
    fx_near(fx_eval(&n, &in, NULL), 8.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ballot_s42_graded_group_weights_20_40_40),
        cmocka_unit_test(test_ballot_group_without_marks_renormalises),
        cmocka_unit_test(test_ballot_s13_trimmed_mean_only_above_five),
        cmocka_unit_test(test_ballot_ignored_grade_counts_nowhere),
        cmocka_unit_test(test_ballot_void_rows_are_skipped),
        cmocka_unit_test(test_ballot_unknown_group_cites_row),
        cmocka_unit_test(test_ballot_validate_uniform_ballot_is_void),
        cmocka_unit_test(test_ballot_validate_uniform_ignores_unknowing_rows),
        cmocka_unit_test(test_ballot_validate_grade_quota_voids_ballot),
        cmocka_unit_test(test_ballot_validate_unknown_grade_cites_row),
        cmocka_unit_test(test_ballot_validate_then_score_end_to_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
