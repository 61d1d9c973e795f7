/*
 * test_hostile.c — schemes and data that tried to break the loader and the
 * engine (found in review): alias bombs, long dependency chains,
 * self-references, values read before they are final, non-finite scores,
 * incomplete periods, unknown override keys, control characters and CSV
 * formula injection. Each must end in a clear error or a correct number,
 * quickly, never a crash.
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
#define HEAD "kaohe: 1\nscheme: {id: t, name: T}\ncategories: {town: 镇街}\n"

/* Load a scheme; return KH_OK or the status, with the message in line. */
static int try_load(const char *text, struct kh_scheme **s, char *line, size_t n)
{
    struct kh_err err;
    int rc;
    kh_err_clear(&err);
    *s = NULL;
    rc = kh_scheme_load_mem("t.yaml", text, strlen(text), s, &err);
    kh_err_format(&err, line, n);
    return rc;
}

static void expect_load_error(const char *text, const char *part)
{
    struct kh_scheme *s;
    char line[1024];
    if (try_load(text, &s, line, sizeof(line)) == KH_OK) {
        kh_scheme_free(s);
        fail_msg("loaded, expected an error containing: %s", part);
    }
    if (!strstr(line, part))
        fail_msg("error was: %s\nwanted: %s", line, part);
}

/* Score text + CSVs; return the status and keep the message. */
static int try_score(const char *scheme, const char *units, const char *values, const char *period,
                     struct kh_scheme **s, struct kh_dataset **ds, struct kh_result **r,
                     char *line, size_t n)
{
    struct kh_err err;
    int rc;
    kh_err_clear(&err);
    *r = NULL;
    *ds = kh_dataset_new();
    if ((rc = kh_scheme_load_mem("t.yaml", scheme, strlen(scheme), s, &err)) ||
        (rc = kh_dataset_load_mem(*ds, "units", "units.csv", units, strlen(units), &err)) ||
        (values &&
         (rc = kh_dataset_load_mem(*ds, "values", "values.csv", values, strlen(values), &err))))
        fail_msg("setup: %s", kh_err_format(&err, line, n));
    rc = kh_score(*s, *ds, period, r, &err);
    kh_err_format(&err, line, n);
    return rc;
}

static void free_all(struct kh_scheme *s, struct kh_dataset *ds, struct kh_result *r)
{
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

static void test_hostile_alias_bomb_is_refused(void **state)
{
    struct kh_buf b;
    int k;
    (void)state;
    /* Each level doubles: 2^40 nodes if aliases were expanded. */
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "kaohe: 1\nx0: &m0 {id: a, name: a, points: 1, rule: binary}\n");
    for (k = 1; k <= 40; k++)
        kh_buf_printf(&b, "x%d: &m%d [*m%d, *m%d]\n", k, k, k - 1, k - 1);
    expect_load_error(kh_buf_str(&b), "aliases expand");
    kh_buf_free(&b);
}

static void test_hostile_long_derived_chain_is_refused_at_load(void **state)
{
    struct kh_buf b;
    int k;
    (void)state;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, HEAD "inputs: {v: V}\nderived:\n  d0: v\n");
    for (k = 1; k <= 3000; k++)
        kh_buf_printf(&b, "  d%d: d%d + 1\n", k, k - 1);
    kh_buf_puts(&b, "indicators:\n  - {id: g, name: G, points: 1, value: d3000, rule: score}\n");
    expect_load_error(kh_buf_str(&b), "nested more than");
    kh_buf_free(&b);
}

static void test_hostile_value_defined_by_itself_is_refused(void **state)
{
    (void)state;
    expect_load_error(HEAD "inputs: {v: V}\nindicators:\n"
                           "  - {id: g, name: G, points: 1, value: \"x + v\", rule: score}\n",
                      "'x' cannot be used to define itself");
    expect_load_error(HEAD "inputs: {v: V}\nindicators:\n"
                           "  - {id: g, name: G, points: 1, value: \"t * 2\", target: \"x\", "
                           "rule: ratio}\n",
                      "value and target of indicator 'g' depend on each other");
}

static void test_hostile_veto_reading_veto_and_rank_in_tiebreak_are_refused(void **state)
{
    (void)state;
    expect_load_error(HEAD "indicators:\n  - {id: g, name: G, points: 1, value: \"1\", rule: "
                           "score}\n"
                           "tiers: {levels: [{id: a, name: A}]}\n"
                           "vetoes:\n"
                           "  - {id: v1, name: V1, when: \"veto(v2) > 0\", effect: no_honours}\n"
                           "  - {id: v2, name: V2, when: \"total < 1\", effect: no_honours}\n",
                      "veto() can be used only in tier conditions");
    expect_load_error(HEAD "indicators:\n  - {id: g, name: G, points: 1, value: \"1\", rule: "
                           "score}\n"
                           "tiers: {tiebreak: [\"total + rank\"], levels: [{id: a, name: A}]}\n",
                      "'rank' cannot be a tie-break key");
}

static void test_hostile_empty_rule_family_says_what_is_expected(void **state)
{
    (void)state;
    expect_load_error(HEAD "indicators:\n  - {id: g, name: G, points: 1, rule: \"\"}\n",
                      "rule family: expected one of");
}

static void test_hostile_control_characters_in_names_are_refused(void **state)
{
    (void)state;
    expect_load_error(HEAD "indicators:\n  - {id: g, name: \"\\e[31mRED\", points: 1, value: "
                           "\"1\", rule: score}\n",
                      "control character");
    expect_load_error(HEAD "indicators:\n  - {id: g, name: \"A\\rB\", points: 1, value: \"1\", "
                           "rule: score}\n",
                      "control character");
}

static void test_hostile_points_override_must_name_a_category(void **state)
{
    (void)state;
    expect_load_error(HEAD "indicators:\n  - {id: g, name: G, points: {default: 100, twon: 50}, "
                           "value: \"1\", rule: score}\n",
                      "'twon' is not a category");
}

static void test_hostile_unknown_override_key_is_an_error_when_scoring(void **state)
{
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    char line[1024];
    (void)state;
    assert_int_equal(try_score(HEAD "params: {k: {default: 1, T9: 2}}\ninputs: {v: V}\n"
                                    "indicators:\n  - {id: g, name: G, points: 10, value: "
                                    "\"v * param(k)\", rule: score}\n",
                               "id,name,category\nT1,一,town\n",
                               "unit,indicator,period,value\nT1,v,2024,1\n", "2024", &s, &ds, &r,
                               line, sizeof(line)),
                     KH_EINVAL);
    if (!strstr(line, "t.yaml:4:") || !strstr(line, "'T9' is neither a category"))
        fail_msg("error was: %s", line);
    free_all(s, ds, r);
}

static void test_hostile_nan_multiplier_is_an_error_not_a_rescale(void **state)
{
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    char line[1024];
    (void)state;
    /* T2 has no difficulty attribute: the multiplier is NaN. */
    assert_int_equal(try_score(HEAD "inputs: {v: V}\nindicators:\n"
                                    "  - {id: a, name: A, points: 50, value: v, rule: score, "
                                    "multiplier: attr(difficulty)}\n"
                                    "  - {id: c, name: C, points: 50, value: v, rule: score}\n",
                               "id,name,category,difficulty\nT1,一,town,2\nT2,二,town,\n",
                               "unit,indicator,period,value\nT1,v,2024,15\nT2,v,2024,15\n", "2024",
                               &s, &ds, &r, line, sizeof(line)),
                     KH_EINVAL);
    if (!strstr(line, "indicator 'a'") || !strstr(line, "unit 'T2'") ||
        !strstr(line, "not a number"))
        fail_msg("error was: %s", line);
    free_all(s, ds, r);
}

static void test_hostile_huge_values_are_an_error_not_inf(void **state)
{
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    char line[1024];
    (void)state;
    assert_int_equal(try_score(HEAD "inputs: {v: V}\nindicators:\n"
                                    "  - {id: a, name: A, points: 1, value: v, rule: score}\n"
                                    "  - {id: b, name: B, points: 1, value: v, rule: score}\n",
                               "id,name,category\nT1,一,town\n",
                               "unit,indicator,period,value\nT1,v,2024,1e308\n", "2024", &s, &ds,
                               &r, line, sizeof(line)),
                     KH_EINVAL);
    if (!strstr(line, "not a number") && !strstr(line, "infinite"))
        fail_msg("error was: %s", line);
    free_all(s, ds, r);
    NEAR(kh_round(1e300, 2), 1e300);
}

static void test_hostile_incomplete_months_are_missing_unless_partial_allowed(void **state)
{
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    char line[1024];
    const char *units = "id,name,category\nT1,一,town\nT2,二,town\n";
    const char *values = "unit,indicator,period,value\nT1,v,2024Q1,1\nT1,v,2024Q2,2\n"
                         "T1,v,2024Q3,3\nT1,v,2024Q4,4\nT2,v,2024Q1,1\nT2,v,2024Q2,2\n";
    (void)state;
    assert_int_equal(try_score(HEAD "inputs: {v: {name: V, aggregate: sum}}\nindicators:\n"
                                    "  - {id: a, name: A, points: 100, value: v, missing: zero, "
                                    "rule: score}\n",
                               units, values, "2024", &s, &ds, &r, line, sizeof(line)),
                     KH_OK);
    NEAR(kh_result_score(r, 0, 1), 10);
    NEAR(kh_result_score(r, 1, 1), 0); /* two quarters of four: missing */
    free_all(s, ds, r);
    assert_int_equal(try_score(HEAD "inputs: {v: {name: V, aggregate: sum, partial: allow}}\n"
                                    "indicators:\n"
                                    "  - {id: a, name: A, points: 100, value: v, rule: score}\n",
                               units, values, "2024", &s, &ds, &r, line, sizeof(line)),
                     KH_OK);
    NEAR(kh_result_score(r, 1, 1), 3);
    free_all(s, ds, r);
    /* last: the latest sub-period must close the period. */
    assert_int_equal(try_score(HEAD "inputs: {v: {name: V, aggregate: last}}\nindicators:\n"
                                    "  - {id: a, name: A, points: 100, value: v, missing: zero, "
                                    "rule: score}\n",
                               units, values, "2024", &s, &ds, &r, line, sizeof(line)),
                     KH_OK);
    NEAR(kh_result_score(r, 0, 1), 4);
    NEAR(kh_result_score(r, 1, 1), 0);
    free_all(s, ds, r);
}

static void test_hostile_rank_share_ties_are_fast(void **state)
{
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    struct kh_buf u, v;
    char line[1024];
    int k;
    (void)state;
    /* 20,000 units tied: quadratic sharing took seconds; this must be instant
     * (and correct: every unit gets the mean of places 1..20000). */
    kh_buf_init(&u, 0);
    kh_buf_init(&v, 0);
    kh_buf_puts(&u, "id,name,category\n");
    kh_buf_puts(&v, "unit,indicator,period,value\n");
    for (k = 0; k < 20000; k++) {
        kh_buf_printf(&u, "U%d,单位%d,town\n", k, k);
        kh_buf_printf(&v, "U%d,v,2024,5\n", k);
    }
    assert_int_equal(try_score(HEAD "inputs: {v: V}\nindicators:\n"
                                    "  - {id: a, name: A, points: 10, value: v, rule: {rank: "
                                    "{ties: share, first: 10, step: 0.001}}}\n",
                               kh_buf_str(&u), kh_buf_str(&v), "2024", &s, &ds, &r, line,
                               sizeof(line)),
                     KH_OK);
    /* Places 1..10000 score 10 − 0.001(p−1) down to 0.001; 10001.. score 0 (floor). */
    NEAR(kh_result_score(r, 0, 1), (10 + 0.001) * 10000 / 2 / 20000.0);
    free_all(s, ds, r);
    kh_buf_free(&u);
    kh_buf_free(&v);
}

static void test_hostile_csv_fields_that_look_like_formulas_are_defused(void **state)
{
    struct kh_buf b;
    (void)state;
    kh_buf_init(&b, 0);
    kh_buf_csv_field(&b, "=HYPERLINK(\"http://x\",\"y\")");
    kh_buf_putc(&b, '|');
    kh_buf_csv_field(&b, "@SUM(A1)");
    kh_buf_putc(&b, '|');
    kh_buf_csv_field(&b, "-1+2");
    kh_buf_putc(&b, '|');
    kh_buf_csv_field(&b, "-12.5");
    kh_buf_putc(&b, '|');
    kh_buf_csv_field(&b, "城关镇");
    assert_string_equal(kh_buf_str(&b),
                        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"|'@SUM(A1)|'-1+2|-12.5|城关镇");
    kh_buf_free(&b);
}

static void test_hostile_explain_of_a_shared_derived_graph_is_fast(void **state)
{
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    struct kh_buf b, t;
    struct kh_err err;
    char line[1024];
    int k;
    (void)state;
    /* d_k = d_{k-1} + d_{k-1}: citing every path would take 2^90 steps. */
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, HEAD "inputs: {v: V}\nderived:\n  d0: v\n");
    for (k = 1; k <= 90; k++)
        kh_buf_printf(&b, "  d%d: d%d + d%d\n", k, k - 1, k - 1);
    kh_buf_puts(&b, "indicators:\n  - {id: a, name: A, points: 1, value: \"d90 * 0\", rule: "
                    "score}\n");
    assert_int_equal(try_score(kh_buf_str(&b), "id,name,category\nT1,一,town\n",
                               "unit,indicator,period,value\nT1,v,2024,1\n", "2024", &s, &ds, &r,
                               line, sizeof(line)),
                     KH_OK);
    kh_buf_init(&t, 0);
    kh_err_clear(&err);
    assert_int_equal(kh_explain(r, 0, 1, &t, &err), KH_OK);
    assert_non_null(strstr(kh_buf_str(&t), "d0"));
    kh_buf_free(&t);
    kh_buf_free(&b);
    free_all(s, ds, r);
}

static void test_hostile_hex_numbers_and_second_documents_are_refused(void **state)
{
    (void)state;
    expect_load_error(HEAD "indicators:\n  - {id: g, name: G, points: 0x10, value: \"1\", rule: "
                           "score}\n",
                      "expected a number");
    expect_load_error(HEAD "indicators:\n  - {id: g, name: G, points: 1, value: \"1\", rule: "
                           "score}\n---\nkaohe: 1\n",
                      "a second YAML document");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_alias_bomb_is_refused),
        cmocka_unit_test(test_hostile_long_derived_chain_is_refused_at_load),
        cmocka_unit_test(test_hostile_value_defined_by_itself_is_refused),
        cmocka_unit_test(test_hostile_veto_reading_veto_and_rank_in_tiebreak_are_refused),
        cmocka_unit_test(test_hostile_empty_rule_family_says_what_is_expected),
        cmocka_unit_test(test_hostile_control_characters_in_names_are_refused),
        cmocka_unit_test(test_hostile_points_override_must_name_a_category),
        cmocka_unit_test(test_hostile_unknown_override_key_is_an_error_when_scoring),
        cmocka_unit_test(test_hostile_nan_multiplier_is_an_error_not_a_rescale),
        cmocka_unit_test(test_hostile_huge_values_are_an_error_not_inf),
        cmocka_unit_test(test_hostile_incomplete_months_are_missing_unless_partial_allowed),
        cmocka_unit_test(test_hostile_rank_share_ties_are_fast),
        cmocka_unit_test(test_hostile_csv_fields_that_look_like_formulas_are_defused),
        cmocka_unit_test(test_hostile_explain_of_a_shared_derived_graph_is_fast),
        cmocka_unit_test(test_hostile_hex_numbers_and_second_documents_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
