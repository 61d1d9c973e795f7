/*
 * test_expr.c — unit tests of the expression language (src/lib/expr,
 * interface in expr.h): precedence and associativity, per cent literals,
 * every math and group function with its missing-value rules, reference
 * binding, error messages and positions, limits, constant folding,
 * explanations, decimal rounding and a 500,000-unit evaluation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"

/* ---- helpers ---------------------------------------------------------- */

/* Names the test binder knows, and their slots. */
static const char *const slot_names[] = {"x", "y", "z", "w", "gdp", "中心城区_gdp"};

/* What the binder was asked (the last call), and how often. */
struct bind_log {
    int calls;
    char func[64];
    char name[64];
    char file[64];
    int line, col;
};

/*
 * The test binder: bare names from slot_names; references func(name) get
 * slot 10 + the name's slot; "bad" fails. Logs the last call.
 */
static int test_binder(void *user, const char *func, const char *name, const struct kh_srcpos *at,
                       struct kh_err *err)
{
    struct bind_log *log = user;
    size_t k;

    if (log) {
        log->calls++;
        snprintf(log->func, sizeof(log->func), "%s", func ? func : "(null)");
        snprintf(log->name, sizeof(log->name), "%s", name);
        snprintf(log->file, sizeof(log->file), "%s", at->file ? at->file : "");
        log->line = at->line;
        log->col = at->col;
    }
    for (k = 0; k < sizeof(slot_names) / sizeof(slot_names[0]); k++) {
        if (!strcmp(name, slot_names[k]))
            return func ? 10 + (int)k : (int)k;
    }
    return kh_err_set(err, KH_ENOTFOUND, at->file, at->line, at->col, "unknown name '%s'", name);
}

/* Parse and bind text; fails the test on any error. */
static struct kh_expr *compile(const char *text)
{
    struct kh_expr *e = NULL;
    struct kh_err err;
    int rc;

    kh_err_clear(&err);
    rc = kh_expr_parse(text, NULL, &e, &err);
    if (rc)
        fail_msg("parse '%s': %d %s", text, rc, err.msg);
    rc = kh_expr_bind(e, test_binder, NULL, &err);
    if (rc)
        fail_msg("bind '%s': %d %s", text, rc, err.msg);
    return e;
}

/* Parse text expecting failure with `code`; returns the error. */
static struct kh_err parse_fail(const char *text, const struct kh_srcpos *pos, int code)
{
    struct kh_expr *e = NULL;
    struct kh_err err;
    int rc;

    kh_err_clear(&err);
    rc = kh_expr_parse(text, pos, &e, &err);
    if (rc != code)
        fail_msg("parse '%.60s': got %d (%s), want %d", text, rc, err.msg, code);
    assert_null(e);
    return err;
}

/* Assert that msg contains part. */
#define assert_contains(msg, part)                                                                 \
    do {                                                                                           \
        if (!strstr((msg), (part)))                                                                \
            fail_msg("message '%s' lacks '%s'", (msg), (part));                                    \
    } while (0)

/* Assert |got - want| <= 1e-9 (relative for large values); NaN equals NaN. */
#define assert_num(got, want)                                                                      \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        if (isnan(w_) ? !isnan(g_) : !(g_ == w_ || fabs(g_ - w_) <= 1e-9 * (1 + fabs(w_))))        \
            fail_msg("%s: got %.17g, want %.17g", #got, g_, w_);                                   \
    } while (0)

/* Evaluate text for one unit with x, y, z, w as given. */
static double ev4(const char *text, double x, double y, double z, double w)
{
    double cx[1] = {x}, cy[1] = {y}, cz[1] = {z}, cw[1] = {w}, c4[1] = {0}, c5[1] = {0};
    const double *cols[6] = {cx, cy, cz, cw, c4, c5};
    struct kh_expr_ctx ctx = {1, cols, 6, NULL, 0};
    struct kh_expr *e = compile(text);
    struct kh_err err;
    double out = -12345;
    int rc = kh_expr_eval(e, &ctx, &out, &err);

    if (rc)
        fail_msg("eval '%s': %s", text, err.msg);
    kh_expr_free(e);
    return out;
}

/* Evaluate a constant text (no names). */
static double ev(const char *text)
{
    return ev4(text, NAN, NAN, NAN, NAN);
}

/* Evaluate text with x and y. */
static double ev2(const char *text, double x, double y)
{
    return ev4(text, x, y, NAN, NAN);
}

/* The group fixture: 9 units in 2 groups, one unit excluded, NaN values. */
#define GN 9
static const double gx[GN] = {1, 4, NAN, 4, 7, 10, 20, NAN, 30};
static const double gw[GN] = {1, 1, 1, 2, 1, 1, 2, 1, 5};
static const int ggroup[GN] = {0, 0, 0, 0, 0, 1, 1, 1, -1};
/* group 0: x = 1, 4, NaN, 4, 7   group 1: 10, 20, NaN   unit 8 excluded */

/* Evaluate text over the group fixture (x = gx, w = slot 3). */
static void ev_groups(const char *text, double *out)
{
    static const double zero[GN] = {0};
    const double *cols[4] = {gx, zero, zero, gw};
    struct kh_expr_ctx ctx = {GN, cols, 4, ggroup, 2};
    struct kh_expr *e = compile(text);
    struct kh_err err;
    int rc = kh_expr_eval(e, &ctx, out, &err);

    if (rc)
        fail_msg("eval '%s': %s", text, err.msg);
    kh_expr_free(e);
}

/* Assert out[0..GN) equals want[0..GN). */
static void assert_column(const char *text, const double *want)
{
    double out[GN];
    int i;

    ev_groups(text, out);
    for (i = 0; i < GN; i++) {
        if (isnan(want[i]) ? !isnan(out[i]) : fabs(out[i] - want[i]) > 1e-9)
            fail_msg("%s: unit %d: got %.17g, want %.17g", text, i, out[i], want[i]);
    }
}

/* ---- syntax and precedence ------------------------------------------- */

static void test_expr_precedence_multiplication_before_addition(void **state)
{
    (void)state;
    assert_num(ev("1 + 2 * 3"), 7);
    assert_num(ev("(1 + 2) * 3"), 9);
    assert_num(ev("2 * 3 ^ 2"), 18);
    assert_num(ev("10 - 4 - 3"), 3);
    assert_num(ev("8 / 4 / 2"), 1);
    assert_num(ev("2 + 3 < 4 + 2"), 1);
    assert_num(ev("1 + 1 == 2 and 2 > 1"), 1);
    assert_num(ev("1 or 0 and 0"), 1); /* and binds tighter than or */
    assert_num(ev("not 1 < 0"), 1);    /* not (1 < 0) */
    assert_num(ev("not 0 and 0"), 0);  /* (not 0) and 0 */
    assert_num(ev("!0 && 1 || 0"), 1);
}

static void test_expr_power_is_right_associative(void **state)
{
    (void)state;
    assert_num(ev("2 ^ 3 ^ 2"), 512);
    assert_num(ev("(2 ^ 3) ^ 2"), 64);
    assert_num(ev("pow(2, 10)"), 1024);
}

static void test_expr_unary_minus_binds_looser_than_power(void **state)
{
    (void)state;
    assert_num(ev("-2^2"), -4);
    assert_num(ev("(-2)^2"), 4);
    assert_num(ev("2^-1"), 0.5);
    assert_num(ev("- -3"), 3);
    assert_num(ev("+3"), 3);
    assert_num(ev("2 * -3"), -6);
    assert_num(ev2("-x^2", 3, 0), -9);
}

static void test_expr_percent_literal_divides_by_100(void **state)
{
    (void)state;
    assert_true(ev("80%") == 0.8);
    assert_true(ev("0.07%") == 0.0007);
    assert_true(ev("12.5%") == 0.125);
    assert_num(ev("1e2%"), 1);
    assert_num(ev("50 %"), 0.5);
    assert_num(ev("-50%"), -0.5);
    assert_num(ev("2 ^ 50%"), sqrt(2));
    assert_num(ev("(30 + 20)%"), 0.5);
    assert_num(ev2("x%", 50, 0), 0.5);
    assert_num(ev2("x * 10%", 50, 0), 5);
}

static void test_expr_percent_twice_or_as_remainder_is_an_error(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("80%%", NULL, KH_EINVAL);
    assert_contains(err.msg, "only one '%'");
    err = parse_fail("x % 3", NULL, KH_EINVAL);
    assert_contains(err.msg, "no remainder operator");
    assert_int_equal(err.col, 5);
}

static void test_expr_numbers_in_all_forms(void **state)
{
    (void)state;
    assert_num(ev("12"), 12);
    assert_num(ev("3.5"), 3.5);
    assert_num(ev("1e3"), 1000);
    assert_num(ev("2.5E-1"), 0.25);
    assert_num(ev(".5"), 0.5);
    assert_num(ev("0"), 0);
    assert_num(ev("0.25"), 0.25);
    assert_true(ev("0.1") == 0.1);
}

static void test_expr_malformed_numbers_are_errors(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("2x", NULL, KH_EINVAL);
    assert_contains(err.msg, "write '2*…'");
    err = parse_fail("1e+", NULL, KH_EINVAL);
    assert_contains(err.msg, "exponent");
    err = parse_fail("1. + 2", NULL, KH_EINVAL);
    assert_contains(err.msg, "decimal point");
    err = parse_fail("1e999", NULL, KH_EINVAL);
    assert_contains(err.msg, "too large");
    /* 1,000 in a call would be two arguments: leading zeros are refused */
    err = parse_fail("max(x, 1,000)", NULL, KH_EINVAL);
    assert_contains(err.msg, "not 1,000");
    assert_int_equal(err.col, 10);
}

/* ---- semantics -------------------------------------------------------- */

static void test_expr_comparisons_give_1_0_or_nan(void **state)
{
    (void)state;
    assert_num(ev2("x < y", 1, 2), 1);
    assert_num(ev2("x <= y", 2, 2), 1);
    assert_num(ev2("x > y", 1, 2), 0);
    assert_num(ev2("x >= y", 1, 2), 0);
    assert_num(ev2("x == y", 2, 2), 1);
    assert_num(ev2("x != y", 2, 2), 0);
    assert_num(ev2("x < y", NAN, 2), NAN);
    assert_num(ev2("x == y", NAN, NAN), NAN);
    assert_num(ev2("x != y", 1, NAN), NAN);
}

static void test_expr_comparison_chain_is_an_error(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("1 < x < 3", NULL, KH_EINVAL);
    assert_contains(err.msg, "cannot be chained");
    assert_int_equal(err.col, 7);
}

static void test_expr_logic_is_three_valued(void **state)
{
    (void)state;
    assert_num(ev2("x and y", 0, NAN), 0);
    assert_num(ev2("x and y", NAN, 0), 0);
    assert_num(ev2("x and y", 1, NAN), NAN);
    assert_num(ev2("x and y", 2, -1), 1);
    assert_num(ev2("x or y", 1, NAN), 1);
    assert_num(ev2("x or y", NAN, 5), 1);
    assert_num(ev2("x or y", 0, NAN), NAN);
    assert_num(ev2("x or y", 0, 0), 0);
    assert_num(ev2("not x", NAN, 0), NAN);
    assert_num(ev2("not x", 3, 0), 0);
    assert_num(ev2("x && y || 0", 1, 1), 1);
    assert_num(ev2("x and y and 0", NAN, NAN), 0);
}

static void test_expr_division_by_zero_is_nan(void **state)
{
    (void)state;
    assert_num(ev2("x / y", 1, 0), NAN);
    assert_num(ev2("x / y", 0, 0), NAN);
    assert_num(ev("1 / 0"), NAN);
    assert_num(ev2("x / y", 1, 4), 0.25);
    assert_num(ev("0 ^ -1"), NAN);
}

static void test_expr_nan_propagates_through_arithmetic(void **state)
{
    (void)state;
    assert_num(ev2("x + y", NAN, 1), NAN);
    assert_num(ev2("x * 0", NAN, 1), NAN);
    assert_num(ev2("x ^ 0", NAN, 1), NAN);
    assert_num(ev2("1 ^ x", NAN, 1), NAN);
    assert_num(ev2("-x", NAN, 1), NAN);
    assert_num(ev2("x%", NAN, 1), NAN);
}

static void test_expr_negation_never_gives_negative_zero(void **state)
{
    double v;

    (void)state;
    v = ev2("-x", 0, 0);
    assert_true(v == 0 && !signbit(v));
    v = ev2("x * -1", 0, 0);
    assert_true(v == 0 && !signbit(v));
}

static void test_expr_min_max_clamp_if(void **state)
{
    (void)state;
    assert_num(ev2("min(x, y, 3)", 5, 4), 3);
    assert_num(ev2("max(x, y, 3)", 5, 4), 5);
    assert_num(ev2("min(x)", 5, 4), 5);
    assert_num(ev2("max(x, y)", NAN, 4), NAN);
    assert_num(ev2("min(x, y)", 1, NAN), NAN);
    assert_num(ev2("clamp(x, 0, 100)", 120, 0), 100);
    assert_num(ev2("clamp(x, 0, 100)", -5, 0), 0);
    assert_num(ev2("clamp(x, 0, 100)", 55, 0), 55);
    assert_num(ev2("clamp(x, y, 100)", 55, NAN), NAN);
    assert_num(ev2("if(x > 0, 1, 2)", 1, 0), 1);
    assert_num(ev2("if(x > 0, 1, 2)", -1, 0), 2);
    assert_num(ev2("if(x, 1, 2)", NAN, 0), NAN);
    assert_num(ev2("if(x, 1, y)", 1, NAN), 1); /* the branch not taken may be missing */
    assert_num(ev4("if(x, y, z)", 0, 7, 8, 0), 8);
}

static void test_expr_abs_floor_ceil_exp_pow(void **state)
{
    (void)state;
    assert_num(ev("abs(-3.5)"), 3.5);
    assert_num(ev("floor(-2.5)"), -3);
    assert_num(ev("ceil(-2.5)"), -2);
    assert_num(ev("floor(2.7)"), 2);
    assert_num(ev("ceil(2.1)"), 3);
    assert_num(ev("exp(0)"), 1);
    assert_num(ev("exp(1)"), exp(1));
    assert_num(ev("pow(9, 0.5)"), 3);
    assert_num(ev("pow(-8, 1/3)"), NAN);
    assert_num(ev2("abs(x)", NAN, 0), NAN);
    assert_num(ev2("floor(x)", NAN, 0), NAN);
    assert_num(ev2("ceil(x)", NAN, 0), NAN);
    assert_num(ev2("exp(x)", NAN, 0), NAN);
    assert_num(ev2("pow(x, 0)", NAN, 0), NAN);
}

static void test_expr_ln_log10_sqrt_of_negatives_are_nan(void **state)
{
    (void)state;
    assert_num(ev("ln(-1)"), NAN);
    assert_num(ev("log10(-10)"), NAN);
    assert_num(ev("sqrt(-4)"), NAN);
    assert_num(ev("ln(exp(2))"), 2);
    assert_num(ev("log10(1000)"), 3);
    assert_num(ev("sqrt(16)"), 4);
    assert_true(isinf(ev("ln(0)")));
    assert_num(ev2("sqrt(x)", NAN, 0), NAN);
}

static void test_expr_isna_and_coalesce_handle_missing(void **state)
{
    (void)state;
    assert_num(ev2("isna(x)", NAN, 0), 1);
    assert_num(ev2("isna(x)", 0, 0), 0);
    assert_num(ev2("isna(x / y)", 1, 0), 1);
    assert_num(ev2("coalesce(x, y, 7)", NAN, NAN), 7);
    assert_num(ev2("coalesce(x, y, 7)", NAN, 2), 2);
    assert_num(ev2("coalesce(x, y, 7)", 1, 2), 1);
    assert_num(ev2("coalesce(x, y)", NAN, NAN), NAN);
    assert_num(ev2("coalesce(x)", 3, NAN), 3);
}

static void test_expr_round_half_away_from_zero_in_decimal(void **state)
{
    double v;

    (void)state;
    assert_true(ev("round(2.675, 2)") == 2.68);
    assert_true(ev("round(1.005, 2)") == 1.01);
    assert_true(ev("round(-2.675, 2)") == -2.68);
    assert_true(ev("round(2.5, 0)") == 3);
    assert_true(ev("round(-2.5, 0)") == -3);
    assert_true(ev("round(0.125, 2)") == 0.13);
    assert_true(ev("round(1.45, 1)") == 1.5);
    assert_true(ev("round(8.345, 2)") == 8.35);
    assert_true(ev("round(2.674, 2)") == 2.67);
    assert_true(ev("round(1234.5, -2)") == 1200);
    assert_true(ev("round(1250, -2)") == 1300);
    assert_true(ev("round(99.96, 1)") == 100);
    assert_true(ev("round(0.5, 0)") == 1);
    assert_true(ev("round(0.49, 0)") == 0);
    assert_true(ev("round(1e20, 2)") == 1e20);
    assert_true(ev("round(2.675, 2.9)") == 2.68); /* decimals truncated */
    v = ev("round(-0.004, 2)");
    assert_true(v == 0 && !signbit(v));
    assert_num(ev2("round(x, 2)", NAN, 0), NAN);
    assert_num(ev2("round(1.5, x)", NAN, 0), NAN);
    assert_num(ev2("round(x, y)", 0.1 + 0.2, 1), 0.3);
}

/*
 * Every decimal m / 1000 with m in a range, rounded to 2 decimals, must
 * equal the exactly rounded decimal (|m| + 5) / 10 hundredths.
 */
static void test_expr_round_matches_decimal_arithmetic(void **state)
{
    enum { N = 40001 };
    double *x = malloc(N * sizeof(double)), *out = malloc(N * sizeof(double));
    const double *cols[1];
    struct kh_expr_ctx ctx;
    struct kh_expr *e = compile("round(x, 2)");
    struct kh_err err;
    char buf[64];
    long m;
    int i;

    (void)state;
    assert_non_null(x);
    assert_non_null(out);
    for (i = 0; i < N; i++) {
        m = (long)i * 7919 % 2000003 - 1000001;
        snprintf(buf, sizeof(buf), "%lde-3", m);
        x[i] = strtod(buf, NULL);
    }
    cols[0] = x;
    memset(&ctx, 0, sizeof(ctx));
    ctx.n = N;
    ctx.cols = cols;
    ctx.nslots = 1;
    assert_int_equal(kh_expr_eval(e, &ctx, out, &err), KH_OK);
    for (i = 0; i < N; i++) {
        long q;
        double want;
        m = (long)i * 7919 % 2000003 - 1000001;
        q = (labs(m) + 5) / 10;
        snprintf(buf, sizeof(buf), "%s%lde-2", m < 0 && q ? "-" : "", q);
        want = strtod(buf, NULL);
        if (out[i] != want)
            fail_msg("round(%.17g, 2) = %.17g, want %.17g", x[i], out[i], want);
    }
    kh_expr_free(e);
    free(x);
    free(out);
}

/*
 * Evaluating a whole column at once must give, unit for unit, what each
 * unit gives alone: nested operands share scratch columns correctly.
 */
static void test_expr_column_evaluation_matches_unit_by_unit(void **state)
{
    static const char *const texts[] = {
        "if(x > y, clamp(x - z, 0, w), if(z, min(x, y, z), max(w, x * y)))",
        "round(x / (y + 1), 1) + coalesce(z, w, 0) * (x > 0 and y < 3 or not z)",
        "clamp(if(x, y, z), min(x, w), max(y, z)) ^ 2 - -x%",
        "x - y - z * w / (x + 1) ^ (y / 10) + pow(abs(x), if(y > 0, 0.5, 2))",
        "max(x, if(isna(y), z, clamp(w, x, if(z > 0, y, -y))), min(w, 3))",
    };
    enum { N = 40 };
    double x[N], y[N], z[N], w[N], out[N], one;
    const double *cols[4] = {x, y, z, w};
    const double *cols1[4];
    struct kh_expr_ctx ctx = {N, cols, 4, NULL, 0}, ctx1 = {1, cols1, 4, NULL, 0};
    struct kh_err err;
    size_t t, i;
    int k;

    (void)state;
    for (i = 0; i < N; i++) {
        x[i] = i % 7 == 0 ? NAN : (double)((int)(i * 37 % 23) - 11) / 2;
        y[i] = i % 5 == 0 ? NAN : (double)((int)(i * 13 % 17) - 8);
        z[i] = i % 3 == 0 ? 0 : (double)((int)(i * 7 % 11) - 5) / 4;
        w[i] = i % 11 == 0 ? NAN : (double)(i % 9);
    }
    for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        struct kh_expr *e = compile(texts[t]);
        assert_int_equal(kh_expr_eval(e, &ctx, out, &err), KH_OK);
        for (i = 0; i < N; i++) {
            for (k = 0; k < 4; k++)
                cols1[k] = cols[k] + i;
            assert_int_equal(kh_expr_eval(e, &ctx1, &one, &err), KH_OK);
            if (!(isnan(one) && isnan(out[i])) && one != out[i])
                fail_msg("%s, unit %zu: column %.17g, alone %.17g", texts[t], i, out[i], one);
        }
        kh_expr_free(e);
    }
}

/* ---- group functions -------------------------------------------------- */

static void test_expr_gmean_gsum_gcount_skip_missing_and_excluded(void **state)
{
    static const double mean[GN] = {4, 4, 4, 4, 4, 15, 15, 15, NAN};
    static const double sum[GN] = {16, 16, 16, 16, 16, 30, 30, 30, NAN};
    static const double count[GN] = {4, 4, 4, 4, 4, 2, 2, 2, NAN};

    (void)state;
    assert_column("gmean(x)", mean);
    assert_column("gsum(x)", sum);
    assert_column("gcount(x)", count);
}

static void test_expr_gmin_gmax_gmedian_per_group(void **state)
{
    static const double gmin[GN] = {1, 1, 1, 1, 1, 10, 10, 10, NAN};
    static const double gmax[GN] = {7, 7, 7, 7, 7, 20, 20, 20, NAN};
    /* group 0 sorted 1 4 4 7: even count, mean of 4 and 4; group 1: 10 20 */
    static const double med[GN] = {4, 4, 4, 4, 4, 15, 15, 15, NAN};
    /* odd count: drop the 7 of group 0 → 1 4 4 */
    static const double med_odd[GN] = {4, 4, 4, 4, 4, 15, 15, 15, NAN};
    /* drop the 7 and one 4 → 1 4: the mean of the middle two */
    static const double med_even2[GN] = {2.5, 2.5, 2.5, 2.5, 2.5, 15, 15, 15, NAN};

    (void)state;
    assert_column("gmin(x)", gmin);
    assert_column("gmax(x)", gmax);
    assert_column("gmedian(x)", med);
    assert_column("gmedian(if(x == 7, x / 0, x))", med_odd);
    assert_column("gmedian(if(x == 7 or x == 4 and w == 2, x / 0, x))", med_even2);
}

static void test_expr_gstd_is_population_standard_deviation(void **state)
{
    /* group 0: 1 4 4 7, mean 4, squares 9 0 0 9 → sqrt(18 / 4); group 1: 5 */
    double s0 = sqrt(18.0 / 4);
    double want[GN] = {s0, s0, s0, s0, s0, 5, 5, 5, NAN};

    (void)state;
    assert_column("gstd(x)", want);
}

static void test_expr_grank_is_competition_ranking_highest_first(void **state)
{
    /* group 0: 1 4 NaN 4 7 → ranks 4 2 NaN 2 1; group 1: 10 20 NaN → 2 1 NaN */
    static const double rank[GN] = {4, 2, NAN, 2, 1, 2, 1, NAN, NAN};
    static const double asc[GN] = {1, 2, NAN, 2, 4, 1, 2, NAN, NAN};

    (void)state;
    assert_column("grank(x)", rank);
    assert_column("grank_asc(x)", asc);
}

static void test_expr_gmean_excl_is_mean_of_the_others(void **state)
{
    /* group 0 sum 16 count 4: unit 0 → 15/3, unit 2 (missing) → 16/4 */
    static const double want[GN] = {5, 4, 4, 4, 3, 20, 10, 15, NAN};
    /* one value per group: its own unit has no others (NaN), the rest see it */
    static const double single[GN] = {7, 7, 7, 7, NAN, 20, NAN, 20, NAN};

    (void)state;
    assert_column("gmean_excl(x)", want);
    assert_column("gmean_excl(if(x == 7 or x == 20, x, x / 0))", single);
}

static void test_expr_gwmean_weights_where_both_present(void **state)
{
    /* group 0: (1*1 + 4*1 + 4*2 + 7*1) / (1+1+2+1) = 20/5; group 1: (10 + 40)/3 */
    static const double want[GN] = {4, 4, 4, 4, 4, 50.0 / 3, 50.0 / 3, 50.0 / 3, NAN};
    static const double zero_w[GN] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    static const double const_w[GN] = {4, 4, 4, 4, 4, 15, 15, 15, NAN};

    (void)state;
    assert_column("gwmean(x, w)", want);
    assert_column("gwmean(x, w * 0)", zero_w);
    assert_column("gwmean(x, 2)", const_w);
}

static void test_expr_group_with_no_values_gives_nan_and_count_0(void **state)
{
    static const double nan9[GN] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    static const double zero[GN] = {0, 0, 0, 0, 0, 0, 0, 0, NAN};

    (void)state;
    assert_column("gmean(x / 0)", nan9);
    assert_column("gsum(x / 0)", nan9);
    assert_column("gmin(x / 0)", nan9);
    assert_column("gmedian(x / 0)", nan9);
    assert_column("gstd(x / 0)", nan9);
    assert_column("gcount(x / 0)", zero);
}

static void test_expr_group_functions_nest(void **state)
{
    /* x / gmean(x): group 0 → 0.25 1 NaN 1 1.75, max 1.75; group 1 → 2/3 4/3 */
    static const double want[GN] = {1.75, 1.75, 1.75, 1.75, 1.75, 4.0 / 3, 4.0 / 3, 4.0 / 3, NAN};
    /* |x - gmean(x)|: group 0 → 3 0 NaN 0 3, group 1 → 5 5 */
    static const double rank_of_dev[GN] = {1, 3, NAN, 3, 1, 1, 1, NAN, NAN};

    (void)state;
    assert_column("gmax(x / gmean(x))", want);
    assert_column("grank(abs(x - gmean(x)))", rank_of_dev);
}

static void test_expr_null_group_is_one_group(void **state)
{
    static const double x[4] = {1, 2, 3, NAN};
    const double *cols[1] = {x};
    struct kh_expr_ctx ctx = {4, cols, 1, NULL, 0};
    struct kh_expr *e = compile("grank(x) * 10 + gcount(x)");
    struct kh_err err;
    double out[4];

    (void)state;
    assert_int_equal(kh_expr_eval(e, &ctx, out, &err), KH_OK);
    assert_num(out[0], 33);
    assert_num(out[1], 23);
    assert_num(out[2], 13);
    assert_num(out[3], NAN);
    kh_expr_free(e);
}

static void test_expr_uses_group_sees_nested_group_functions(void **state)
{
    struct kh_expr *e;

    (void)state;
    e = compile("x + 1");
    assert_false(kh_expr_uses_group(e));
    kh_expr_free(e);
    e = compile("max(x, if(y, 1, gmean(x)))");
    assert_true(kh_expr_uses_group(e));
    kh_expr_free(e);
    e = compile("gcount(1)");
    assert_true(kh_expr_uses_group(e));
    kh_expr_free(e);
}

static void test_expr_bad_group_ids_are_refused(void **state)
{
    static const double x[2] = {1, 2};
    static const int group[2] = {0, 5};
    const double *cols[1] = {x};
    struct kh_expr_ctx ctx = {2, cols, 1, group, 2};
    struct kh_expr *e = compile("gmean(x)");
    struct kh_err err;
    double out[2];

    (void)state;
    assert_int_equal(kh_expr_eval(e, &ctx, out, &err), KH_EINVAL);
    assert_contains(err.msg, "group 5");
    kh_expr_free(e);
}

/* ---- binding ---------------------------------------------------------- */

static void test_expr_reference_binding_gets_func_name_and_position(void **state)
{
    struct kh_srcpos pos = {"scheme.yaml", 3, 10};
    struct bind_log log;
    struct kh_expr *e = NULL;
    struct kh_err err;

    (void)state;
    memset(&log, 0, sizeof(log));
    assert_int_equal(kh_expr_parse("1 + target(gdp) * 2", &pos, &e, &err), KH_OK);
    assert_int_equal(kh_expr_bind(e, test_binder, &log, &err), KH_OK);
    assert_int_equal(log.calls, 1);
    assert_string_equal(log.func, "target");
    assert_string_equal(log.name, "gdp");
    assert_string_equal(log.file, "scheme.yaml");
    assert_int_equal(log.line, 3);
    assert_int_equal(log.col, 21); /* 10 + offset 11 of "gdp" */
    kh_expr_free(e);

    /* The line advances inside multi-line text; columns count characters. */
    memset(&log, 0, sizeof(log));
    assert_int_equal(kh_expr_parse("中心城区_gdp +\n  prev( gdp )", &pos, &e, &err), KH_OK);
    assert_int_equal(kh_expr_bind(e, test_binder, &log, &err), KH_OK);
    assert_int_equal(log.calls, 2);
    assert_string_equal(log.func, "prev");
    assert_string_equal(log.name, "gdp");
    assert_int_equal(log.line, 4);
    assert_int_equal(log.col, 9);
    kh_expr_free(e);
}

static void test_expr_bare_names_bind_with_null_func_once_each(void **state)
{
    struct bind_log log;
    struct kh_expr *e = NULL;
    struct kh_err err;

    (void)state;
    memset(&log, 0, sizeof(log));
    assert_int_equal(kh_expr_parse("x + x * 中心城区_gdp - x", NULL, &e, &err), KH_OK);
    assert_int_equal(kh_expr_bind(e, test_binder, &log, &err), KH_OK);
    assert_int_equal(log.calls, 2);
    assert_string_equal(log.func, "(null)");
    assert_string_equal(log.name, "中心城区_gdp");
    assert_int_equal(log.col, 9);
    kh_expr_free(e);
}

/* Record each slot each_slot reports. */
static void collect_slot(void *user, int slot)
{
    int *seen = user;
    if (slot >= 0 && slot < 32)
        seen[slot]++;
}

static void test_expr_each_slot_lists_what_is_read(void **state)
{
    struct kh_expr *e = compile("x + target(gdp) + gmean(y) + x");
    int seen[32] = {0};

    (void)state;
    kh_expr_each_slot(e, collect_slot, seen);
    assert_int_equal(seen[0], 2);
    assert_int_equal(seen[1], 1);
    assert_int_equal(seen[14], 1);
    assert_int_equal(seen[2], 0);
    kh_expr_free(e);
}

static void test_expr_binder_failure_is_returned(void **state)
{
    struct kh_srcpos pos = {"s.yaml", 7, 3};
    struct kh_expr *e = NULL;
    struct kh_err err;
    double out = 0;
    static const double c[1] = {1};
    const double *cols[1] = {c};
    struct kh_expr_ctx ctx = {1, cols, 1, NULL, 0};

    (void)state;
    assert_int_equal(kh_expr_parse("x + bad", &pos, &e, &err), KH_OK);
    assert_int_equal(kh_expr_bind(e, test_binder, NULL, &err), KH_ENOTFOUND);
    assert_contains(err.msg, "unknown name 'bad'");
    assert_int_equal(err.line, 7);
    assert_int_equal(err.col, 7);
    /* not bound: evaluation refuses */
    assert_int_equal(kh_expr_eval(e, &ctx, &out, &err), KH_EINVAL);
    kh_expr_free(e);
}

static void test_expr_eval_refuses_missing_columns(void **state)
{
    static const double c[1] = {1};
    const double *cols[1] = {c};
    struct kh_expr_ctx ctx = {1, cols, 1, NULL, 0};
    struct kh_expr *e = compile("x + y");
    struct kh_err err;
    double out = 0;

    (void)state;
    assert_int_equal(kh_expr_eval(e, &ctx, &out, &err), KH_EINVAL);
    assert_contains(err.msg, "'y' reads column slot 1, which the evaluation does not provide");
    kh_expr_free(e);
}

/* ---- errors ----------------------------------------------------------- */

static void test_expr_unclosed_paren_reports_where_it_opened(void **state)
{
    struct kh_srcpos pos = {"scheme.yaml", 12, 5};
    struct kh_err err;
    char line[1024];

    (void)state;
    err = parse_fail("x * (1 + 2", &pos, KH_EINVAL);
    assert_string_equal(err.file, "scheme.yaml");
    assert_int_equal(err.line, 12);
    assert_int_equal(err.col, 15); /* the end of the text */
    assert_contains(err.msg, "expected ')' to close '(' opened at column 9");
    kh_err_format(&err, line, sizeof(line));
    assert_contains(line, "scheme.yaml:12:15: expected ')'");

    err = parse_fail("max(x,\n  y z)", &pos, KH_EINVAL);
    assert_int_equal(err.line, 13);
    assert_int_equal(err.col, 5);
    assert_contains(err.msg, "expected ',' or ')' to close 'max(' opened at line 12, column 5");
}

static void test_expr_error_columns_count_characters_not_bytes(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("指标 + )", NULL, KH_EINVAL);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.col, 6);
    assert_contains(err.msg, "expected a value");
    assert_contains(err.msg, "after '+' but found ')'");
}

static void test_expr_syntax_errors_say_what_was_expected(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("", NULL, KH_EINVAL);
    assert_contains(err.msg, "empty");
    err = parse_fail("  ", NULL, KH_EINVAL);
    assert_contains(err.msg, "empty");
    err = parse_fail("1 +", NULL, KH_EINVAL);
    assert_contains(err.msg, "after '+' but found the end of the expression");
    assert_int_equal(err.col, 4);
    err = parse_fail("x y", NULL, KH_EINVAL);
    assert_contains(err.msg, "expected an operator");
    assert_int_equal(err.col, 3);
    err = parse_fail("x)", NULL, KH_EINVAL);
    assert_contains(err.msg, "unmatched ')'");
    err = parse_fail("()", NULL, KH_EINVAL);
    assert_contains(err.msg, "inside '()'");
    err = parse_fail("x = 1", NULL, KH_EINVAL);
    assert_contains(err.msg, "compare with '=='");
    err = parse_fail("x <> 1", NULL, KH_EINVAL);
    assert_contains(err.msg, "'!='");
    err = parse_fail("x & y", NULL, KH_EINVAL);
    assert_contains(err.msg, "'and'");
    err = parse_fail("x @ y", NULL, KH_EINVAL);
    assert_contains(err.msg, "unexpected character '@'");
    err = parse_fail("min(x,)", NULL, KH_EINVAL);
    assert_contains(err.msg, "after ','");
    err = parse_fail("\"x\"", NULL, KH_EINVAL);
    assert_contains(err.msg, "quotes");
}

static void test_expr_unknown_function_is_an_error(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("foo(1, 2)", NULL, KH_EINVAL);
    assert_contains(err.msg, "unknown function 'foo'");
    err = parse_fail("1 + foo(x + 1)", NULL, KH_EINVAL);
    assert_contains(err.msg, "unknown function 'foo'");
    assert_int_equal(err.col, 5);
    err = parse_fail("foo()", NULL, KH_EINVAL);
    assert_contains(err.msg, "unknown function 'foo'");
    err = parse_fail("gmaen(x + 1)", NULL, KH_EINVAL);
    assert_contains(err.msg, "did you mean 'gmean'");
    err = parse_fail("target(gdp + 1)", NULL, KH_EINVAL);
    assert_string_equal(err.msg, "target() takes one name, e.g. target(gdp)");
    err = parse_fail("prev((gdp))", NULL, KH_EINVAL);
    assert_contains(err.msg, "prev() takes one name");
    err = parse_fail("ABS(x)", NULL, KH_EINVAL);
    assert_contains(err.msg, "lower case");
}

static void test_expr_wrong_argument_counts_are_errors(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("min()", NULL, KH_EINVAL);
    assert_contains(err.msg, "min() needs at least 1 argument");
    err = parse_fail("round(x)", NULL, KH_EINVAL);
    assert_contains(err.msg, "round() takes 2 arguments, e.g. round(x, 2)");
    err = parse_fail("if(x, 1)", NULL, KH_EINVAL);
    assert_contains(err.msg, "if() takes 3 arguments");
    err = parse_fail("gmean(x, y)", NULL, KH_EINVAL);
    assert_contains(err.msg, "gmean() takes 1 argument, e.g. gmean(x)");
    err = parse_fail("gwmean(x)", NULL, KH_EINVAL);
    assert_contains(err.msg, "gwmean() takes 2 arguments");
}

static void test_expr_full_width_punctuation_is_refused(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("max（x，y）", NULL, KH_EINVAL);
    assert_contains(err.msg, "U+FF08");
    assert_contains(err.msg, "type the ASCII '('");
    assert_int_equal(err.col, 4);
    err = parse_fail("x\xe3\x80\x80+ 1", NULL, KH_EINVAL);
    assert_contains(err.msg, "space");
    err = parse_fail("x × 2", NULL, KH_EINVAL);
    assert_contains(err.msg, "'*'");
}

static void test_expr_invalid_utf8_is_refused(void **state)
{
    struct kh_err err;

    (void)state;
    err = parse_fail("x + \xb5\xa5", NULL, KH_EINVAL);
    assert_contains(err.msg, "not UTF-8");
    assert_int_equal(err.col, 5);
}

static void test_expr_limits_on_size_and_nesting(void **state)
{
    enum { DEEP = 201 };
    char *text = malloc(70000);
    struct kh_err err;
    struct kh_expr *e = NULL;
    int i;

    (void)state;
    assert_non_null(text);
    /* 64 KiB + 1 bytes */
    memset(text, ' ', 65537);
    text[0] = '1';
    text[65537] = 0;
    err = parse_fail(text, NULL, KH_ELIMIT);
    assert_contains(err.msg, "65537 bytes");

    /* 200 levels of parentheses are fine, 201 are not */
    for (i = 0; i < DEEP - 1; i++)
        text[i] = '(';
    text[DEEP - 1] = 'x';
    for (i = 0; i < DEEP - 1; i++)
        text[DEEP + i] = ')';
    text[2 * DEEP - 1] = 0;
    assert_int_equal(kh_expr_parse(text, NULL, &e, &err), KH_OK);
    kh_expr_free(e);
    for (i = 0; i < DEEP; i++)
        text[i] = '(';
    text[DEEP] = '1';
    for (i = 0; i < DEEP; i++)
        text[DEEP + 1 + i] = ')';
    text[2 * DEEP + 1] = 0;
    err = parse_fail(text, NULL, KH_ELIMIT);
    assert_contains(err.msg, "nested more than 200 levels");
    assert_int_equal(err.col, 201);

    /* signs and nested calls count too */
    for (i = 0; i < DEEP; i++)
        text[i] = '-';
    text[DEEP] = '1';
    text[DEEP + 1] = 0;
    parse_fail(text, NULL, KH_ELIMIT);

    /* a long flat chain is not nesting: 10,000 terms */
    for (i = 0; i < 10000; i++)
        memcpy(text + 2 * i, "1+", 2);
    text[20000 - 1] = 0;
    assert_num(ev(text), 10000);
    free(text);
}

/* ---- constants, text, explanations ----------------------------------- */

static void test_expr_const_value_folds_only_constants(void **state)
{
    struct kh_expr *e = NULL;
    struct kh_err err;
    double v = 0;

    (void)state;
    assert_int_equal(kh_expr_parse("2 * 3 + max(1, 4) - 50%", NULL, &e, &err), KH_OK);
    assert_int_equal(kh_expr_const_value(e, &v), 1);
    assert_num(v, 9.5);
    kh_expr_free(e);
    assert_int_equal(kh_expr_parse("1 / 0", NULL, &e, &err), KH_OK);
    assert_int_equal(kh_expr_const_value(e, &v), 1);
    assert_true(isnan(v));
    kh_expr_free(e);
    assert_int_equal(kh_expr_parse("x + 1", NULL, &e, &err), KH_OK);
    assert_int_equal(kh_expr_const_value(e, &v), 0);
    kh_expr_free(e);
    /* a group function depends on the units, even of a constant */
    assert_int_equal(kh_expr_parse("gcount(1)", NULL, &e, &err), KH_OK);
    assert_int_equal(kh_expr_const_value(e, &v), 0);
    kh_expr_free(e);
    /* constant subtrees inside a non-constant tree still evaluate right */
    assert_num(ev2("x * (1 / 4) + round(2.675, 2) + if(1 > 0, y, 0)", 4, 10), 13.68);
}

static void test_expr_text_is_the_source_as_written(void **state)
{
    struct kh_expr *e = compile("  x  +\n  target( gdp ) ");
    struct kh_buf b;

    (void)state;
    kh_buf_init(&b, 0);
    kh_expr_text(e, &b);
    assert_string_equal(kh_buf_str(&b), "  x  +\n  target( gdp ) ");
    kh_buf_free(&b);
    kh_expr_free(e);
}

static void test_expr_explain_lists_names_references_and_group_values(void **state)
{
    static const double x[4] = {12, 4, 8.93, NAN};
    static const double gdp[4] = {1, 2, 3, 4};
    static const int group[4] = {0, 0, 0, -1};
    double tg[4] = {15, 0, 0, 0};
    const double *cols[15];
    struct kh_expr_ctx ctx;
    struct kh_expr *e = compile("x / gmean(x) + target(gdp) * x + (gmean( x ))/3 + (gdp)^0");
    struct kh_buf b;
    int i;

    (void)state;
    for (i = 0; i < 15; i++)
        cols[i] = gdp;
    cols[0] = x;
    cols[14] = tg;
    memset(&ctx, 0, sizeof(ctx));
    ctx.n = 4;
    ctx.cols = cols;
    ctx.nslots = 15;
    ctx.group = group;
    ctx.ngroups = 1;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_expr_explain(e, &ctx, 0, &b), KH_OK);
    assert_string_equal(kh_buf_str(&b), "x = 12; gmean(x) = 8.31; target(gdp) = 15; gdp = 1");
    kh_buf_reset(&b);
    /* the excluded unit: its value is missing and so is its group value */
    assert_int_equal(kh_expr_explain(e, &ctx, 3, &b), KH_OK);
    assert_string_equal(kh_buf_str(&b),
                        "x = 缺失(missing); gmean(x) = 缺失(missing); target(gdp) = 0; gdp = 4");
    kh_buf_free(&b);
    kh_expr_free(e);

    e = compile("x / 3 + grank(x)");
    ctx.group = NULL;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_expr_explain(e, &ctx, 1, &b), KH_OK);
    assert_string_equal(kh_buf_str(&b), "x = 4; grank(x) = 3");
    assert_int_equal(kh_expr_explain(e, &ctx, 9, &b), KH_EINVAL);
    kh_buf_free(&b);
    kh_expr_free(e);
}

static void test_expr_explain_numbers_are_short_and_plain(void **state)
{
    static const double x[6] = {1.0 / 3, 12, 1234567.891, -0.000123456, 8.310000001, 1e20};
    const double *cols[1] = {x};
    struct kh_expr_ctx ctx = {6, cols, 1, NULL, 0};
    static const char *const want[6] = {"x = 0.333333",     "x = 12",   "x = 1234568",
                                        "x = -0.000123456", "x = 8.31", "x = 1e+20"};
    struct kh_expr *e = compile("x");
    struct kh_buf b;
    size_t i;

    (void)state;
    kh_buf_init(&b, 0);
    for (i = 0; i < 6; i++) {
        kh_buf_reset(&b);
        assert_int_equal(kh_expr_explain(e, &ctx, i, &b), KH_OK);
        assert_string_equal(kh_buf_str(&b), want[i]);
    }
    kh_buf_free(&b);
    kh_expr_free(e);
}

/* ---- scale ------------------------------------------------------------ */

static void test_expr_evaluates_500k_units_correctly(void **state)
{
    enum { N = 500000, G = 50 };
    double *x = malloc(N * sizeof(double)), *y = malloc(N * sizeof(double));
    double *out = malloc(N * sizeof(double));
    int *group = malloc(N * sizeof(int));
    const double *cols[2];
    struct kh_expr_ctx ctx;
    struct kh_expr *e = compile("round(clamp(x / y * 100, 0, 150) + 2 ^ 3 - 8, 1)");
    struct kh_err err;
    size_t i;

    (void)state;
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(out);
    assert_non_null(group);
    for (i = 0; i < N; i++) {
        x[i] = (double)(i % 1000);
        y[i] = i % 97 == 0 ? NAN : 10.0;
        group[i] = (int)(i % G);
    }
    cols[0] = x;
    cols[1] = y;
    memset(&ctx, 0, sizeof(ctx));
    ctx.n = N;
    ctx.cols = cols;
    ctx.nslots = 2;
    assert_int_equal(kh_expr_eval(e, &ctx, out, &err), KH_OK);
    for (i = 0; i < N; i += 1237) {
        double want = i % 97 == 0 ? NAN : fmin((double)(i % 1000) * 10, 150);
        assert_num(out[i], want);
    }
    kh_expr_free(e);

    /* a group function over 50 groups of 10,000 */
    ctx.group = group;
    ctx.ngroups = G;
    e = compile("grank(x) + gmean(x)");
    assert_int_equal(kh_expr_eval(e, &ctx, out, &err), KH_OK);
    /* group g holds i = g, g+50, …: x = i % 1000 cycles through 20 values,
     * 500 copies each; the highest (950 + g % 50) ranks 1, mean is the average */
    for (i = 0; i < N; i += 4999) {
        int g = (int)(i % G);
        double top = 950 + g, mean = (double)g + 475, v = (double)(i % 1000);
        double rank = (top - v) / 50 * 500 + 1;
        assert_num(out[i], rank + mean);
    }
    kh_expr_free(e);
    free(x);
    free(y);
    free(out);
    free(group);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expr_precedence_multiplication_before_addition),
        cmocka_unit_test(test_expr_power_is_right_associative),
        cmocka_unit_test(test_expr_unary_minus_binds_looser_than_power),
        cmocka_unit_test(test_expr_percent_literal_divides_by_100),
        cmocka_unit_test(test_expr_percent_twice_or_as_remainder_is_an_error),
        cmocka_unit_test(test_expr_numbers_in_all_forms),
        cmocka_unit_test(test_expr_malformed_numbers_are_errors),
        cmocka_unit_test(test_expr_comparisons_give_1_0_or_nan),
        cmocka_unit_test(test_expr_comparison_chain_is_an_error),
        cmocka_unit_test(test_expr_logic_is_three_valued),
        cmocka_unit_test(test_expr_division_by_zero_is_nan),
        cmocka_unit_test(test_expr_nan_propagates_through_arithmetic),
        cmocka_unit_test(test_expr_negation_never_gives_negative_zero),
        cmocka_unit_test(test_expr_min_max_clamp_if),
        cmocka_unit_test(test_expr_abs_floor_ceil_exp_pow),
        cmocka_unit_test(test_expr_ln_log10_sqrt_of_negatives_are_nan),
        cmocka_unit_test(test_expr_isna_and_coalesce_handle_missing),
        cmocka_unit_test(test_expr_round_half_away_from_zero_in_decimal),
        cmocka_unit_test(test_expr_round_matches_decimal_arithmetic),
        cmocka_unit_test(test_expr_column_evaluation_matches_unit_by_unit),
        cmocka_unit_test(test_expr_gmean_gsum_gcount_skip_missing_and_excluded),
        cmocka_unit_test(test_expr_gmin_gmax_gmedian_per_group),
        cmocka_unit_test(test_expr_gstd_is_population_standard_deviation),
        cmocka_unit_test(test_expr_grank_is_competition_ranking_highest_first),
        cmocka_unit_test(test_expr_gmean_excl_is_mean_of_the_others),
        cmocka_unit_test(test_expr_gwmean_weights_where_both_present),
        cmocka_unit_test(test_expr_group_with_no_values_gives_nan_and_count_0),
        cmocka_unit_test(test_expr_group_functions_nest),
        cmocka_unit_test(test_expr_null_group_is_one_group),
        cmocka_unit_test(test_expr_uses_group_sees_nested_group_functions),
        cmocka_unit_test(test_expr_bad_group_ids_are_refused),
        cmocka_unit_test(test_expr_reference_binding_gets_func_name_and_position),
        cmocka_unit_test(test_expr_bare_names_bind_with_null_func_once_each),
        cmocka_unit_test(test_expr_each_slot_lists_what_is_read),
        cmocka_unit_test(test_expr_binder_failure_is_returned),
        cmocka_unit_test(test_expr_eval_refuses_missing_columns),
        cmocka_unit_test(test_expr_unclosed_paren_reports_where_it_opened),
        cmocka_unit_test(test_expr_error_columns_count_characters_not_bytes),
        cmocka_unit_test(test_expr_syntax_errors_say_what_was_expected),
        cmocka_unit_test(test_expr_unknown_function_is_an_error),
        cmocka_unit_test(test_expr_wrong_argument_counts_are_errors),
        cmocka_unit_test(test_expr_full_width_punctuation_is_refused),
        cmocka_unit_test(test_expr_invalid_utf8_is_refused),
        cmocka_unit_test(test_expr_limits_on_size_and_nesting),
        cmocka_unit_test(test_expr_const_value_folds_only_constants),
        cmocka_unit_test(test_expr_text_is_the_source_as_written),
        cmocka_unit_test(test_expr_explain_lists_names_references_and_group_values),
        cmocka_unit_test(test_expr_explain_numbers_are_short_and_plain),
        cmocka_unit_test(test_expr_evaluates_500k_units_correctly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
