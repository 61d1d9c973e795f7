/*
 * test_fixed.c — fixed-point number text without printf (base/fixed.h):
 * kh_fixed_format and kh_buf_fixed write the bytes of "%.*f" for every
 * double, the fast way where they can and through printf otherwise (a
 * scaled value on a half, huge numbers, NaN and infinities); and the score
 * CSV (kh_report_score_csv), which writes its numbers with them, prints
 * rounded scores as before: negative scores, rounding up across a power of
 * ten, empty cells for scores that do not apply or were excluded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/base.h"
#include "kaohe/data.h"
#include "kaohe/engine.h"
#include "kaohe/report.h"
#include "kaohe/scheme.h"
#include "base/fixed.h"

/* What printf writes. */
static const char *printf_text(char *out, size_t outsz, double v, int decimals)
{
    snprintf(out, outsz, "%.*f", decimals, v);
    return out;
}

/* kh_buf_fixed's text equals printf's; returns kh_fixed_format's length
 * (0: it left the number to printf). */
static int check_like_printf(double v, int decimals)
{
    char want[512], quick[KH_FIXED_BUF];
    struct kh_buf b;
    int len;

    printf_text(want, sizeof(want), v, decimals);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_buf_fixed(&b, v, decimals), KH_OK);
    if (strcmp(kh_buf_str(&b), want) != 0)
        fail_msg("%.17g at %d decimals: wrote '%s', printf writes '%s'", v, decimals,
                 kh_buf_str(&b), want);
    kh_buf_free(&b);
    len = kh_fixed_format(quick, v, decimals);
    if (len) {
        assert_int_equal((int)strlen(quick), len);
        if (strcmp(quick, want) != 0)
            fail_msg("%.17g at %d decimals: fast path wrote '%s', printf writes '%s'", v, decimals,
                     quick, want);
    }
    return len;
}

/* kh_fixed_format's text, asserting that it took the fast path. */
static const char *fast(char *out, double v, int decimals)
{
    assert_true(kh_fixed_format(out, v, decimals) > 0);
    return out;
}

static void test_fixed_writes_printf_text_for_plain_numbers(void **state)
{
    char t[KH_FIXED_BUF];
    (void)state;
    assert_string_equal(fast(t, 1.25, 2), "1.25");
    assert_string_equal(fast(t, 78.630184, 6), "78.630184");
    assert_string_equal(fast(t, 0.05, 2), "0.05");
    assert_string_equal(fast(t, 0.001, 6), "0.001000");
    assert_string_equal(fast(t, 7, 0), "7");
    assert_string_equal(fast(t, 123.456, 0), "123");
    assert_string_equal(fast(t, 0.6, 0), "1");
    assert_string_equal(fast(t, 3.0, 3), "3.000");
    assert_string_equal(fast(t, 1e-300, 2), "0.00");
    check_like_printf(1.25, 2);
    /* The double nearest 2.675 lies just below it, but its product with
     * 100 is 267.5: printf's "2.67" (kh_round makes it 2.68). */
    assert_int_equal(check_like_printf(2.675, 2), 0);
    check_like_printf(1e-300, 15);
}

static void test_fixed_negative_numbers_and_zeros_keep_their_sign(void **state)
{
    char t[KH_FIXED_BUF];
    (void)state;
    assert_string_equal(fast(t, -1.25, 2), "-1.25");
    assert_string_equal(fast(t, -0.76, 1), "-0.8");
    assert_string_equal(fast(t, 0.0, 2), "0.00");
    assert_string_equal(fast(t, 0.0, 0), "0");
    /* printf keeps the sign of -0 and of negatives that round to zero. */
    assert_string_equal(fast(t, -0.0, 2), "-0.00");
    assert_string_equal(fast(t, -0.0, 0), "-0");
    assert_string_equal(fast(t, -0.001, 2), "-0.00");
    check_like_printf(-0.0, 2);
    check_like_printf(-0.001, 2);
    check_like_printf(-0.0, 6);
    check_like_printf(-1.005, 2);
}

static void test_fixed_rounded_scores_cross_a_power_of_ten(void **state)
{
    char t[KH_FIXED_BUF];
    (void)state;
    /* As the CSV writes them: kh_round (half up on the decimal text), then
     * the text at the same decimals. */
    assert_string_equal(fast(t, kh_round(9.995, 2), 2), "10.00");
    assert_string_equal(fast(t, kh_round(-9.995, 2), 2), "-10.00");
    assert_string_equal(fast(t, kh_round(99.995, 2), 2), "100.00");
    assert_string_equal(fast(t, kh_round(0.9999995, 6), 6), "1.000000");
    assert_string_equal(fast(t, kh_round(999999.5, 0), 0), "1000000");
    assert_string_equal(fast(t, kh_round(2.675, 2), 2), "2.68");
    assert_string_equal(fast(t, kh_round(1.005, 2), 2), "1.01");
    /* And without kh_round, the nearest: 9.996 → 10.00 as printf has it. */
    assert_string_equal(fast(t, 9.996, 2), "10.00");
    assert_string_equal(fast(t, 0.96, 0), "1");
    check_like_printf(9.995, 2); /* the double is below 9.995: "9.99" */
    check_like_printf(99.9999999, 6);
}

static void test_fixed_leaves_ties_to_printf_and_gets_near_ties_right(void **state)
{
    char t[KH_FIXED_BUF];
    (void)state;
    /* Exact binary ties: printf rounds them to even. */
    assert_int_equal(kh_fixed_format(t, 0.5, 0), 0);
    assert_int_equal(kh_fixed_format(t, 2.5, 0), 0);
    assert_int_equal(kh_fixed_format(t, 0.125, 2), 0);
    assert_int_equal(kh_fixed_format(t, -12.5, 0), 0);
    assert_int_equal(check_like_printf(0.5, 0), 0);
    assert_int_equal(check_like_printf(1.5, 0), 0);
    assert_int_equal(check_like_printf(2.5, 0), 0);
    assert_int_equal(check_like_printf(0.125, 2), 0);
    assert_int_equal(check_like_printf(0.375, 2), 0);
    assert_int_equal(check_like_printf(-12.5, 0), 0);
    /* Not ties, but 100 times them is 1.5 and 2.5 as doubles: only printf
     * sees that 0.015 lies below its half (0.01) and 0.025 above (0.03). */
    assert_int_equal(kh_fixed_format(t, 0.015, 2), 0);
    assert_int_equal(kh_fixed_format(t, 0.025, 2), 0);
    assert_int_equal(check_like_printf(0.015, 2), 0);
    assert_int_equal(check_like_printf(0.025, 2), 0);
    /* One unit in the last place either side of a tie. */
    check_like_printf(nextafter(0.5, 0), 0);
    check_like_printf(nextafter(0.5, 1), 0);
    check_like_printf(nextafter(2.5, 3), 0);
    check_like_printf(nextafter(1.0000005, 0), 6);
    check_like_printf(nextafter(1.0000005, 2), 6);
}

static void test_fixed_large_numbers_match_printf(void **state)
{
    char t[KH_FIXED_BUF];
    (void)state;
    assert_string_equal(fast(t, 123456789.123456, 6), "123456789.123456");
    assert_string_equal(fast(t, 1e15, 0), "1000000000000000");
    assert_string_equal(fast(t, 4503599627370495.0, 0), "4503599627370495");
    assert_string_equal(fast(t, -999999999.999999, 6), "-999999999.999999");
    /* 2^52 and up, and whatever needs more digits: printf. */
    assert_int_equal(check_like_printf(4503599627370496.0, 0), 0);
    assert_int_equal(check_like_printf(1e300, 2), 0);
    assert_int_equal(check_like_printf(-1.7976931348623157e308, 6), 0);
    assert_int_equal(check_like_printf(1e10, 6), 0);
    check_like_printf(12345678.125, 2);
    check_like_printf(9007199254740993.0, 1);
    /* More decimals than it writes itself, and printf's default for < 0. */
    assert_int_equal(check_like_printf(0.1, 16), 0);
    assert_int_equal(check_like_printf(0.1, 30), 0);
    assert_int_equal(check_like_printf(0.1, -1), 0);
    assert_string_equal(fast(t, 0.1, 15), "0.100000000000000");
}

static void test_fixed_nan_and_infinity_as_printf_writes_them(void **state)
{
    char t[KH_FIXED_BUF];
    (void)state;
    assert_int_equal(kh_fixed_format(t, NAN, 2), 0);
    assert_int_equal(kh_fixed_format(t, INFINITY, 2), 0);
    assert_int_equal(check_like_printf(NAN, 2), 0);
    assert_int_equal(check_like_printf(-NAN, 2), 0);
    assert_int_equal(check_like_printf(INFINITY, 2), 0);
    assert_int_equal(check_like_printf(-INFINITY, 0), 0);
}

/* xorshift64: the same numbers on every run. */
static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void test_fixed_random_values_match_printf(void **state)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    long i;
    (void)state;
    for (i = 0; i < 200000; i++) {
        uint64_t r = next_random(&x);
        int d = (int)(r % (KH_FIXED_MAX_DECIMALS + 3)), ulps = (int)((r >> 8) % 7) - 3;
        int kind = (int)((r >> 16) % 4), len;
        double v, p = pow(10, d);
        switch (kind) {
        case 0: /* any bits over a wide range of magnitudes */
            v = ldexp((double)(next_random(&x) >> 11), (int)((r >> 24) % 100) - 90);
            break;
        case 1: /* a decimal with d places, give or take a few ulps */
            v = (double)(next_random(&x) % 1000000000000u) / p;
            break;
        case 2: /* next to a half of the last place */
            v = ((double)(next_random(&x) % 100000000u) + 0.5) / p;
            break;
        default: /* a displayed score: rounded half up on its text */
            v = kh_round(((double)(next_random(&x) % 2000000000u) - 1e9) / 997.0, d > 6 ? 6 : d);
            break;
        }
        for (; ulps > 0; ulps--)
            v = nextafter(v, INFINITY);
        for (; ulps < 0; ulps++)
            v = nextafter(v, -INFINITY);
        if (r & (1u << 30))
            v = -v;
        len = check_like_printf(v, d);
        /* Scores as displayed (below 10^6 here) never take the slow way. */
        if (kind == 3 && d <= 6 && !len)
            fail_msg("%.17g at %d decimals went to printf", v, d);
    }
}

/* Score a small scheme written for the CSV's number cells. */
static void test_score_csv_numbers_and_empty_cells_as_before(void **state)
{
    static const char scheme[] =
        "kaohe: 1\n"
        "scheme: {id: t, name: T, decimals: 2}\n"
        "categories: {town: 镇街, dept: 部门}\n"
        "inputs: {v: V, w: W, n: N}\n"
        "indicators:\n"
        "  - {id: a, name: A, points: 100, value: v, rule: score}\n"
        "  - {id: b, name: B, points: 10, value: w, missing: exclude, rule: score}\n"
        "  - {id: c, name: C, only: [town], points: 10, value: n, rule: score}\n";
    static const char units[] = "id,name,category\nA,甲,town\nB,乙,town\nC,丙,dept\nD,丁,town\n"
                                "E,戊,dept\n";
    static const char values[] = "unit,indicator,period,value\n"
                                 "A,v,2024,9.995\nA,w,2024,-1.005\nA,n,2024,0\n"
                                 "B,v,2024,-0.001\nB,w,2024,\nB,n,2024,99.995\n"
                                 "C,v,2024,12345678.125\nC,w,2024,0.125\n"
                                 "D,v,2024,-9.995\nD,w,2024,1e-9\nD,n,2024,2.675\n"
                                 "E,v,2024,1.005\nE,w,2024,-0\n";
    /* B's b is excluded for missing data, C's and E's c do not apply. */
    static const char want[] = "period,category,unit,name,a,b,c,total,rank,rank_of,tier,vetoes\r\n"
                               "2024,town,B,乙,0.00,,100.00,109.08,1,3,,\r\n"
                               "2024,town,A,甲,10.00,-1.01,0.00,8.99,2,3,,\r\n"
                               "2024,town,D,丁,-10.00,0.00,2.68,-7.32,3,3,,\r\n"
                               "2024,dept,C,丙,12345678.13,0.13,,12345678.25,1,2,,\r\n"
                               "2024,dept,E,戊,1.01,0.00,,1.01,2,2,,\r\n";
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r = NULL;
    struct kh_buf b;
    struct kh_err err;
    (void)state;

    kh_err_clear(&err);
    assert_non_null(ds);
    assert_int_equal(kh_scheme_load_mem("s.yaml", scheme, strlen(scheme), &s, &err), KH_OK);
    assert_int_equal(kh_dataset_load_mem(ds, "units", "units.csv", units, strlen(units), &err),
                     KH_OK);
    assert_int_equal(kh_dataset_load_mem(ds, "values", "values.csv", values, strlen(values), &err),
                     KH_OK);
    assert_int_equal(kh_score(s, ds, "2024", &r, &err), KH_OK);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_report_score_csv(s, ds, r, -1, 0, &b), KH_OK);
    assert_string_equal(kh_buf_str(&b), want);
    kh_buf_free(&b);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_writes_printf_text_for_plain_numbers),
        cmocka_unit_test(test_fixed_negative_numbers_and_zeros_keep_their_sign),
        cmocka_unit_test(test_fixed_rounded_scores_cross_a_power_of_ten),
        cmocka_unit_test(test_fixed_leaves_ties_to_printf_and_gets_near_ties_right),
        cmocka_unit_test(test_fixed_large_numbers_match_printf),
        cmocka_unit_test(test_fixed_nan_and_infinity_as_printf_writes_them),
        cmocka_unit_test(test_fixed_random_values_match_printf),
        cmocka_unit_test(test_score_csv_numbers_and_empty_cells_as_before),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
