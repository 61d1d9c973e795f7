/*
 * test_scheme.c — the scheme loader: what loads, what it resolves (points
 * per category, shares, defaults), and what it rejects, with the exact
 * line:column and wording of each error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "kaohe/scheme.h"
#include "scheme/model.h"

#define HEAD                                                                                   \
    "kaohe: 1\n"                                                                               \
    "scheme: {id: t, name: 测试}\n"                                                            \
    "categories: {town: 镇街, dept: 部门}\n"                                                   \
    "inputs: {gdp: GDP, rev: 收入}\n"

static struct kh_scheme *load_ok(const char *text)
{
    struct kh_scheme *s = NULL;
    struct kh_err err;
    char line[1024];
    kh_err_clear(&err);
    if (kh_scheme_load_mem("t.yaml", text, strlen(text), &s, &err) != KH_OK)
        fail_msg("expected to load, got: %s", kh_err_format(&err, line, sizeof(line)));
    return s;
}

/* Load text that must fail; return the formatted message. */
static const char *load_bad(const char *text, char *line, size_t n)
{
    struct kh_scheme *s = NULL;
    struct kh_err err;
    kh_err_clear(&err);
    assert_int_not_equal(kh_scheme_load_mem("t.yaml", text, strlen(text), &s, &err), KH_OK);
    assert_null(s);
    return kh_err_format(&err, line, n);
}

static void assert_error(const char *text, const char *want_prefix, const char *want_part)
{
    char line[1024];
    const char *got = load_bad(text, line, sizeof(line));
    if (strncmp(got, want_prefix, strlen(want_prefix)) != 0 || !strstr(got, want_part))
        fail_msg("error was: %s\nwanted prefix: %s and part: %s", got, want_prefix, want_part);
}

static void test_scheme_loads_tree_with_points_per_category(void **state)
{
    struct kh_scheme *s = load_ok(HEAD "indicators:\n"
                                       "  - id: econ\n"
                                       "    name: 经济\n"
                                       "    points: {default: 60, dept: 40}\n"
                                       "    children:\n"
                                       "      - {id: g, name: GDP, share: 50%, value: gdp, "
                                       "rule: ratio}\n"
                                       "      - {id: r, name: 收入, share: 50%, value: rev, "
                                       "rule: ratio}\n"
                                       "  - {id: k, name: 重点, points: 40, value: gdp, rule: "
                                       "binary}\n");
    (void)state;
    assert_int_equal(kh_scheme_node_count(s), 5);
    assert_string_equal(kh_scheme_node_id(s, 0), "total");
    assert_true(kh_scheme_node_points(s, 0, 0) == 100);
    assert_true(kh_scheme_node_points(s, 0, 1) == 80);
    assert_true(kh_scheme_node_points(s, 2, 1) == 20);
    assert_int_equal(kh_scheme_node_depth(s, 2), 2);
    assert_int_equal(kh_scheme_node_parent(s, 2), 1);
    assert_int_equal(kh_scheme_warning_count(s), 0);
    kh_scheme_free(s);
}

static void test_scheme_only_categories_make_points_nan_elsewhere(void **state)
{
    struct kh_scheme *s = load_ok(HEAD "indicators:\n"
                                       "  - {id: g, name: GDP, points: 10, only: town, value: "
                                       "gdp, rule: ratio}\n"
                                       "  - {id: k, name: 重点, points: 20, value: gdp, rule: "
                                       "binary}\n");
    (void)state;
    assert_true(kh_scheme_node_points(s, 1, 0) == 10);
    assert_true(isnan(kh_scheme_node_points(s, 1, 1)));
    assert_true(kh_scheme_node_points(s, 0, 1) == 20);
    kh_scheme_free(s);
}

static void test_scheme_children_over_parent_points_rejected_at_parent(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - id: econ\n"
                      "    name: 经济\n"
                      "    points: 10\n"
                      "    children:\n"
                      "      - {id: g, name: GDP, points: 6, value: gdp, rule: ratio}\n"
                      "      - {id: r, name: 收入, points: 6, value: rev, rule: ratio}\n",
                 "t.yaml:6:5:", "add up to 12 points for category 'town', more than its own 10");
}

static void test_scheme_children_under_parent_points_warns(void **state)
{
    struct kh_scheme *s = load_ok(HEAD "indicators:\n"
                                       "  - id: econ\n"
                                       "    name: 经济\n"
                                       "    points: 10\n"
                                       "    children:\n"
                                       "      - {id: g, name: GDP, points: 6, value: gdp, rule: "
                                       "ratio}\n");
    (void)state;
    assert_int_equal(kh_scheme_warning_count(s), 2); /* town and dept */
    assert_non_null(strstr(kh_scheme_warning(s, 0), "t.yaml:6:5:"));
    assert_non_null(strstr(kh_scheme_warning(s, 0), "less than its own 10"));
    kh_scheme_free(s);
}

static void test_scheme_unknown_key_lists_expected_keys(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - {id: g, name: GDP, pionts: 10, value: gdp, rule: ratio}\n",
                 "t.yaml:6:24:", "unknown key 'pionts'; expected one of: id, name, points");
}

static void test_scheme_unknown_name_in_formula_points_at_the_name(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - id: g\n"
                      "    name: GDP\n"
                      "    points: 10\n"
                      "    value: gdp / popluation\n"
                      "    rule: ratio\n",
                 "t.yaml:9:18:", "unknown name 'popluation'");
}

static void test_scheme_unknown_name_in_quoted_formula_points_at_the_name(void **state)
{
    (void)state;
    /* Found by the documentation examples: one column too far when quoted. */
    assert_error(HEAD "indicators:\n"
                      "  - id: g\n"
                      "    name: GDP\n"
                      "    points: 10\n"
                      "    value: \"gdp / popluation\"\n"
                      "    rule: ratio\n",
                 "t.yaml:9:19:", "unknown name 'popluation'");
}

static void test_scheme_derived_cycle_rejected_with_path(void **state)
{
    (void)state;
    assert_error(HEAD "derived:\n"
                      "  p: q + 1\n"
                      "  q: r * 2\n"
                      "  r: p - gdp\n"
                      "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: p, target: 1, rule: ratio}\n",
                 "t.yaml:6:3:", "circular definition: p → q → r → p");
}

static void test_scheme_score_reference_to_ancestor_is_a_cycle(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - id: p\n"
                      "    name: P\n"
                      "    children:\n"
                      "      - {id: c, name: C, points: 10, value: gdp, target: 1, rule: ratio,"
                      " multiplier: \"if(score(p) > 5, 1, 0.9)\"}\n",
                 "t.yaml:", "circular definition");
}

static void test_scheme_steps_without_partial_policy_rejected(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - id: g\n"
                      "    name: GDP\n"
                      "    points: 10\n"
                      "    value: gdp\n"
                      "    rule: {steps: {measure: points, up: 0.5, down: 1}}\n",
                 "t.yaml:10:19:", "needs 'partial': continuous");
}

static void test_scheme_steps_without_measure_rejected(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: gdp, rule: {steps: {partial: "
                      "whole, down: 1}}}\n",
                 "t.yaml:6:", "needs 'measure'");
}

static void test_scheme_rank_without_tie_policy_rejected(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: gdp, rule: {rank: {points: [10, "
                      "8, 6]}}}\n",
                 "t.yaml:6:", "needs 'ties'");
}

static void test_scheme_share_quota_without_rounding_rejected(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: gdp, rule: binary}\n"
                      "tiers:\n"
                      "  quota_ties: exclude\n"
                      "  levels:\n"
                      "    - {id: a, name: 优秀, quota: 15%}\n"
                      "    - {id: b, name: 其他}\n",
                 "t.yaml:10:32:", "needs quota_round");
}

static void test_scheme_quota_without_tie_policy_rejected(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: gdp, rule: binary}\n"
                      "tiers:\n"
                      "  levels:\n"
                      "    - {id: a, name: 优秀, quota: 3}\n",
                 "t.yaml:9:7:", "quota_ties");
}

static void test_scheme_ratio_without_target_rejected(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: gdp * 2, rule: ratio}\n",
                 "t.yaml:6:5:", "needs target:");
}

static void test_scheme_x_in_derived_rejected(void **state)
{
    (void)state;
    assert_error(HEAD "derived: {d: x * 2}\n"
                      "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: d, target: 1, rule: ratio}\n",
                 "t.yaml:5:14:", "only be used inside an indicator");
}

static void test_scheme_yaml_syntax_error_has_position(void **state)
{
    (void)state;
    assert_error("kaohe: 1\nscheme: {id: t, name: x\n", "t.yaml:", "YAML syntax error");
    assert_error("a: {b: c,'''''''' d}\n", "t.yaml:1:19:", "missing comma in flow mapping");
}

static void test_scheme_missing_language_version_rejected(void **state)
{
    (void)state;
    assert_error("scheme: {id: t, name: x}\n", "t.yaml:1:1:", "kaohe: 1");
}

static void test_scheme_duplicate_indicator_id_names_first_line(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: gdp, rule: binary}\n"
                      "  - {id: g, name: H, points: 10, value: gdp, rule: binary}\n",
                 "t.yaml:7:10:", "used twice (first at line 6)");
}

static void test_scheme_veto_force_tier_must_name_a_tier(void **state)
{
    (void)state;
    assert_error(HEAD "indicators:\n"
                      "  - {id: g, name: G, points: 10, value: gdp, rule: binary}\n"
                      "tiers: {levels: [{id: a, name: A}]}\n"
                      "vetoes:\n"
                      "  - {id: v, name: V, when: \"events(accident) > 0\", effect: force_tier, "
                      "tier: zz}\n",
                 "t.yaml:9:78:", "needs tier:");
}

static void test_scheme_alias_cycle_rejected(void **state)
{
    (void)state;
    assert_error("kaohe: 1\na: &x [1, *x]\n", "t.yaml:2:", "cycle");
}

static void test_scheme_invalid_utf8_rejected_before_the_yaml_parser(void **state)
{
    (void)state;
    /* libfyaml 0.7.12 hangs on this input (found by fuzz_scheme). */
    assert_error("%\xce", "t.yaml:1:2:", "not UTF-8");
    assert_error("kaohe: 1\nscheme: {id: t, name: \"\xb2\xe2\xca\xd4\"}\n", "t.yaml:2:24:",
                 "byte 0xB2 is not UTF-8");
}

static void test_scheme_node_id_clashing_with_table_columns_rejected(void **state)
{
    (void)state;
    /* Found by the sasac example: `rank` as an id duplicated CSV headers. */
    assert_error(HEAD "indicators:\n"
                      "  - {id: rank, name: 排名, points: 10, value: gdp, rule: binary}\n",
                 "t.yaml:6:10:", "'rank' is reserved");
}

static void test_scheme_value_input_defaults_target(void **state)
{
    struct kh_scheme *s = load_ok(HEAD "indicators:\n"
                                       "  - {id: g, name: G, points: 10, value: gdp, rule: "
                                       "ratio}\n");
    (void)state;
    assert_int_equal(s->nodes[1].value_input, 0);
    assert_true(s->nodes[1].slot_t >= 0);
    kh_scheme_free(s);
}

static void test_scheme_param_by_category_and_unit(void **state)
{
    struct kh_scheme *s = load_ok(HEAD "params: {k: {default: 1, dept: 2, T9: 3}}\n"
                                       "indicators:\n"
                                       "  - {id: g, name: G, points: 10, value: gdp * param(k), "
                                       "target: 1, rule: ratio}\n");
    const struct kh_param *p = &s->params[0].p;
    (void)state;
    assert_true(kh_param_get(p, 0, "T1", 10, NAN) == 1);
    assert_true(kh_param_get(p, 1, "D1", 10, NAN) == 2);
    assert_true(kh_param_get(p, 1, "T9", 10, NAN) == 3);
    kh_scheme_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scheme_loads_tree_with_points_per_category),
        cmocka_unit_test(test_scheme_only_categories_make_points_nan_elsewhere),
        cmocka_unit_test(test_scheme_children_over_parent_points_rejected_at_parent),
        cmocka_unit_test(test_scheme_children_under_parent_points_warns),
        cmocka_unit_test(test_scheme_unknown_key_lists_expected_keys),
        cmocka_unit_test(test_scheme_unknown_name_in_formula_points_at_the_name),
        cmocka_unit_test(test_scheme_unknown_name_in_quoted_formula_points_at_the_name),
        cmocka_unit_test(test_scheme_derived_cycle_rejected_with_path),
        cmocka_unit_test(test_scheme_score_reference_to_ancestor_is_a_cycle),
        cmocka_unit_test(test_scheme_steps_without_partial_policy_rejected),
        cmocka_unit_test(test_scheme_steps_without_measure_rejected),
        cmocka_unit_test(test_scheme_rank_without_tie_policy_rejected),
        cmocka_unit_test(test_scheme_share_quota_without_rounding_rejected),
        cmocka_unit_test(test_scheme_quota_without_tie_policy_rejected),
        cmocka_unit_test(test_scheme_ratio_without_target_rejected),
        cmocka_unit_test(test_scheme_x_in_derived_rejected),
        cmocka_unit_test(test_scheme_yaml_syntax_error_has_position),
        cmocka_unit_test(test_scheme_missing_language_version_rejected),
        cmocka_unit_test(test_scheme_duplicate_indicator_id_names_first_line),
        cmocka_unit_test(test_scheme_veto_force_tier_must_name_a_tier),
        cmocka_unit_test(test_scheme_alias_cycle_rejected),
        cmocka_unit_test(test_scheme_invalid_utf8_rejected_before_the_yaml_parser),
        cmocka_unit_test(test_scheme_node_id_clashing_with_table_columns_rejected),
        cmocka_unit_test(test_scheme_value_input_defaults_target),
        cmocka_unit_test(test_scheme_param_by_category_and_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
