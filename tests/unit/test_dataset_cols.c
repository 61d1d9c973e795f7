/*
 * test_dataset_cols.c — the dataset's values and targets by (indicator,
 * period) (io/dataset_cols.h): a column starts sparse and turns dense
 * without losing an entry, every entry points back at its record, a
 * rolled-back load leaves the columns as they were (entries and columns it
 * added are gone, earlier ones stay), and the engine adds sub-periods in
 * the order the rows were filed whatever order the columns are in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kaohe/data.h"
#include "kaohe/engine.h"
#include "io/dataset_cols.h"

static struct kh_err err;

static int load(struct kh_dataset *ds, const char *kind, const char *name, const char *text)
{
    kh_err_clear(&err);
    return kh_dataset_load_mem(ds, kind, name, text, strlen(text), &err);
}

/* A dataset of n units U000 … */
static struct kh_dataset *with_units(int n)
{
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_buf b;
    int u;

    assert_non_null(ds);
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "id,name,category\n");
    for (u = 0; u < n; u++)
        kh_buf_printf(&b, "U%03d,单位%d,town\n", u, u);
    if (load(ds, "units", "units.csv", kh_buf_str(&b)))
        fail_msg("units: %s", err.msg);
    kh_buf_free(&b);
    return ds;
}

/* The column of indicator `name` for period text p, or NULL. */
static const struct kh_dscol *col(const struct kh_dataset *ds, int targets, const char *name,
                                  const char *p)
{
    struct kh_period per;
    const struct kh_dscol *c;
    int n = 0, k;

    assert_int_equal(kh_period_parse(p, &per), KH_OK);
    c = kh_dscols(ds, targets, kh_dataset_indicator(ds, name), &n);
    for (k = 0; k < n; k++)
        if (kh_period_equal(&c[k].period, &per))
            return &c[k];
    return NULL;
}

/* Unit u's value in column c (NaN when the unit has no entry). */
static double at(const struct kh_dscol *c, size_t u)
{
    size_t i = 0;
    return kh_dscol_find(c, u, &i) ? c->v[i] : NAN;
}

static void test_dataset_cols_turn_dense_keeping_every_entry(void **state)
{
    struct kh_dataset *ds = with_units(100);
    const struct kh_dscol *c;
    struct kh_buf b;
    size_t i = 0;
    int u;
    (void)state;
    /* A few rows: sparse. */
    assert_int_equal(
        load(ds, "values", "a.csv", "unit,indicator,period,value\nU050,x,2024,5\nU007,x,2024,\n"),
        KH_OK);
    c = col(ds, 0, "x", "2024");
    assert_non_null(c);
    assert_false(c->dense);
    assert_int_equal(c->count, 2);
    assert_true(at(c, 50) == 5);
    assert_true(kh_dscol_find(c, 7, &i) != 0 && isnan(c->v[i])); /* reported missing */
    assert_int_equal(kh_dscol_find(c, 8, &i), 0);                /* no row */
    /* Many more: dense, the earlier entries kept with their records. */
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "unit,indicator,period,value\n");
    for (u = 60; u < 100; u++)
        kh_buf_printf(&b, "U%03d,x,2024,%d\n", u, u);
    assert_int_equal(load(ds, "values", "b.csv", kh_buf_str(&b)), KH_OK);
    kh_buf_free(&b);
    c = col(ds, 0, "x", "2024");
    assert_true(c->dense);
    assert_int_equal(c->count, 42);
    assert_true(at(c, 50) == 5);
    assert_true(at(c, 99) == 99);
    assert_true(isnan(at(c, 10)));
    assert_int_equal(ds->values[kh_dscol_find(c, 50, &i) - 1].line, 2);
    assert_int_equal(ds->values[kh_dscol_find(c, 99, &i) - 1].line, 41);
    assert_string_equal(ds->files[ds->values[kh_dscol_find(c, 99, &i) - 1].file], "b.csv");
    kh_dataset_free(ds);
}

static void test_dataset_cols_rollback_removes_only_the_failed_load(void **state)
{
    struct kh_dataset *ds = with_units(40);
    const struct kh_dscol *c;
    struct kh_buf b;
    int u, n = 0;
    (void)state;
    assert_int_equal(load(ds, "values", "a.csv",
                          "unit,indicator,period,value\nU001,x,2024-01,1\nU002,x,2024-01,2\n"),
                     KH_OK);
    assert_int_equal(load(ds, "targets", "t.csv", "unit,indicator,period,target\nU001,x,2024,10\n"),
                     KH_OK);
    /* Fills x 2024-01 (dense), adds x 2024-02 and a new indicator y, then
     * fails on a duplicate of a row of a.csv. */
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "unit,indicator,period,value\n");
    for (u = 3; u < 40; u++)
        kh_buf_printf(&b, "U%03d,x,2024-01,%d\nU%03d,x,2024-02,%d\nU%03d,y,2024-01,1\n", u, u, u, u,
                      u);
    kh_buf_puts(&b, "U001,x,2024-01,7\n");
    assert_int_equal(load(ds, "values", "b.csv", kh_buf_str(&b)), KH_EINVAL);
    assert_non_null(strstr(err.msg, "a.csv:2 already gives one"));
    kh_buf_free(&b);
    c = col(ds, 0, "x", "2024-01");
    assert_non_null(c);
    assert_int_equal(c->count, 2);
    assert_true(at(c, 1) == 1 && at(c, 2) == 2 && isnan(at(c, 3)));
    assert_null(col(ds, 0, "x", "2024-02"));
    kh_dscols(ds, 0, kh_dataset_indicator(ds, "x"), &n);
    assert_int_equal(n, 1);
    assert_int_equal(kh_dataset_indicator(ds, "y"), -1);
    assert_true(col(ds, 1, "x", "2024") && at(col(ds, 1, "x", "2024"), 1) == 10);
    /* The rows it had added are not duplicates any more. */
    assert_int_equal(load(ds, "values", "c.csv",
                          "unit,indicator,period,value\nU003,x,2024-01,3\nU003,y,2024-01,1\n"),
                     KH_OK);
    assert_true(at(col(ds, 0, "x", "2024-01"), 3) == 3);
    assert_true(at(col(ds, 0, "y", "2024-01"), 3) == 1);
    kh_dataset_free(ds);
}

static void test_dataset_cols_targets_keep_target_and_baseline(void **state)
{
    struct kh_dataset *ds = with_units(3);
    const struct kh_dscol *c;
    size_t i = 0;
    (void)state;
    assert_int_equal(load(ds, "targets", "t.csv",
                          "unit,indicator,period,target,baseline\nU000,x,2024,10,\n"
                          "U001,x,2024,,7\nU002,x,2024,4,5\n"),
                     KH_OK);
    c = col(ds, 1, "x", "2024");
    assert_non_null(c);
    assert_int_equal(c->count, 3);
    assert_true(kh_dscol_find(c, 0, &i) && c->v[i] == 10 && isnan(c->b[i]));
    assert_true(kh_dscol_find(c, 1, &i) && isnan(c->v[i]) && c->b[i] == 7);
    assert_true(kh_dscol_find(c, 2, &i) && c->v[i] == 4 && c->b[i] == 5);
    kh_dataset_free(ds);
}

/* The sum of months of unit `id` in a quarter, scored. */
static double quarter_sum(const char *values, const char *id)
{
    static const char *scheme = "kaohe: 1\nscheme: {id: q, name: Q, decimals: 6}\n"
                                "categories: {town: 镇}\n"
                                "inputs:\n  v: {name: V, aggregate: sum}\n"
                                "indicators:\n  - {id: v, name: V, points: 10, value: v, "
                                "rule: score}\n";
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r = NULL;
    double v;

    kh_err_clear(&err);
    if (kh_scheme_load_mem("q.yaml", scheme, strlen(scheme), &s, &err))
        fail_msg("scheme: %s", err.msg);
    assert_int_equal(load(ds, "units", "units.csv", "id,name,category\nA,甲,town\nB,乙,town\n"),
                     KH_OK);
    assert_int_equal(load(ds, "values", "values.csv", values), KH_OK);
    assert_int_equal(kh_score(s, ds, "2024Q1", &r, &err), KH_OK);
    v = kh_result_score(r, kh_dataset_unit(ds, id), 1);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
    return v;
}

static void test_dataset_cols_sub_periods_add_in_filing_order(void **state)
{
    /* 0.1 + 0.2 + 0.3 is 0.6000000000000001 in that order and 0.6 in the
     * order 0.2, 0.3, 0.1. A files its months in the second order, so the
     * columns are 02, 03, 01; B files them in the first, and its sum must
     * be added in that order, not the columns'. */
    const char *values = "unit,indicator,period,value\n"
                         "A,v,2024-02,0.2\nA,v,2024-03,0.3\nA,v,2024-01,0.1\n"
                         "B,v,2024-01,0.1\nB,v,2024-02,0.2\nB,v,2024-03,0.3\n";
    volatile double a = 0, b = 0;
    double ra, rb;
    (void)state;
    a += 0.2;
    a += 0.3;
    a += 0.1;
    b += 0.1;
    b += 0.2;
    b += 0.3;
    assert_true(a != b); /* the test means something */
    ra = quarter_sum(values, "A");
    rb = quarter_sum(values, "B");
    assert_memory_equal(&ra, (const double *)&a, sizeof(double));
    assert_memory_equal(&rb, (const double *)&b, sizeof(double));
}

/* Both forms of one dataset: units, values (months, some out of order, a
 * second file adding to the first's columns), targets, one value added in
 * code. */
static struct kh_dataset *both_forms(int compact)
{
    struct kh_dataset *ds = kh_dataset_new();
    assert_non_null(ds);
    assert_int_equal(kh_dataset_set_compact(ds, compact), KH_OK);
    assert_int_equal(
        load(ds, "units", "units.csv", "id,name,category\nA,甲,town\nB,乙,town\nC,丙,town\n"),
        KH_OK);
    assert_int_equal(load(ds, "values", "v1.csv",
                          "unit,indicator,period,value\n"
                          "A,v,2024-02,0.2\nA,v,2024-03,0.3\nA,v,2024-01,0.1\n"
                          "B,v,2024-01,0.1\nB,v,2024-02,0.2\n\nB,v,2024-03,0.3\n"
                          "A,w,2024Q1,4\nB,w,2024Q1,\n"),
                     KH_OK);
    assert_int_equal(load(ds, "values", "v2.csv",
                          "unit,indicator,period,value\nC,v,2024-01,1\nC,v,2024-02,2\n"
                          "C,w,2024Q1,9\n"),
                     KH_OK);
    assert_int_equal(load(ds, "targets", "t.csv",
                          "unit,indicator,period,target,baseline\nA,w,2024,8,1\n"
                          "B,w,2024Q1,6,\nC,w,2024,5,\n"),
                     KH_OK);
    kh_err_clear(&err);
    assert_int_equal(kh_dataset_add_value(ds, "C", "v", "2024-03", 3, &err), KH_OK);
    return ds;
}

static void test_dataset_cols_compact_form_scores_and_cites_rows_alike(void **state)
{
    static const char *scheme =
        "kaohe: 1\nscheme: {id: q, name: Q, decimals: 6}\ncategories: {town: 镇}\n"
        "inputs:\n  v: {name: V, aggregate: sum}\n  w: W\n"
        "indicators:\n  - {id: v, name: V, points: 10, value: v, rule: score}\n"
        "  - {id: w, name: W, points: 10, value: w, missing: zero, rule: {ratio: {}}}\n";
    struct kh_dataset *ord = both_forms(0), *cmp = both_forms(1);
    struct kh_scheme *s = NULL;
    struct kh_result *r1 = NULL, *r2 = NULL;
    int u, n;
    (void)state;
    assert_int_equal(ord->nvalues, 12);
    assert_int_equal(cmp->nvalues, 0); /* no records */
    assert_null(cmp->values);
    assert_int_equal(cmp->ntargets, 0);
    assert_int_equal(kh_dataset_value_count(ord), 12);
    assert_int_equal(kh_dataset_value_count(cmp), 12);
    assert_int_equal(kh_dataset_target_count(cmp), 3);
    /* The form is chosen before the first value. */
    assert_int_equal(kh_dataset_set_compact(cmp, 0), KH_EINVAL);
    assert_int_equal(kh_dataset_set_compact(cmp, 1), KH_OK);
    kh_err_clear(&err);
    if (kh_scheme_load_mem("q.yaml", scheme, strlen(scheme), &s, &err))
        fail_msg("scheme: %s", err.msg);
    assert_int_equal(kh_score(s, ord, "2024Q1", &r1, &err), KH_OK);
    assert_int_equal(kh_score(s, cmp, "2024Q1", &r2, &err), KH_OK);
    for (u = 0; u < 3; u++)
        for (n = 0; n < kh_scheme_node_count(s); n++) {
            struct kh_buf a, b;
            double x = kh_result_score(r1, u, n), y = kh_result_score(r2, u, n);
            assert_memory_equal(&x, &y, sizeof(x));
            kh_buf_init(&a, 1 << 20);
            kh_buf_init(&b, 1 << 20);
            assert_int_equal(kh_explain(r1, u, n, &a, &err), KH_OK);
            assert_int_equal(kh_explain(r2, u, n, &b, &err), KH_OK);
            assert_string_equal(kh_buf_str(&a), kh_buf_str(&b));
            kh_buf_free(&a);
            kh_buf_free(&b);
        }
    kh_result_free(r1);
    kh_result_free(r2);
    kh_scheme_free(s);
    /* Duplicates name the earlier row the same way. */
    assert_int_equal(load(cmp, "values", "v3.csv", "unit,indicator,period,value\nB,v,2024-03,1\n"),
                     KH_EINVAL);
    assert_non_null(strstr(err.msg, "v1.csv:8 already gives one"));
    kh_err_clear(&err);
    assert_int_equal(kh_dataset_add_value(cmp, "C", "v", "2024-03", 1, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "already added at code"));
    /* A failed load into columns that hold other files' rows takes out
     * only its own. */
    assert_int_equal(load(cmp, "values", "v4.csv",
                          "unit,indicator,period,value\nB,w,2024-01,1\nC,w,2024-02,2\n"
                          "B,v,2024-04,1\nA,v,2024-02,9\n"),
                     KH_EINVAL);
    assert_int_equal(kh_dataset_value_count(cmp), 12);
    assert_true(at(col(cmp, 0, "w", "2024Q1"), 2) == 9);
    assert_null(col(cmp, 0, "w", "2024-01"));
    assert_null(col(cmp, 0, "v", "2024-04"));
    assert_int_equal(load(cmp, "values", "v5.csv", "unit,indicator,period,value\nB,w,2024-01,1\n"),
                     KH_OK);
    assert_int_equal(kh_dataset_value_count(cmp), 13);
    kh_dataset_free(ord);
    kh_dataset_free(cmp);
}

/* Write text to a new temporary file; its name into path. */
static void write_temp(char *path, size_t pathsz, const char *text, size_t len)
{
    FILE *f;
    snprintf(path, pathsz, "/tmp/kh_test_cols_%ld.csv", (long)getpid());
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/*
 * A values file bigger than the piece the loader reads at a time (16 MiB),
 * with CRLF line ends and blank lines: loading it from the file (in
 * pieces) gives what loading the same bytes from memory (whole) gives —
 * the same records and lines, the same error for a bad row near the end,
 * and a file with a quoted field after the first piece still loads.
 */
static void test_dataset_cols_big_file_read_in_pieces_loads_as_whole(void **state)
{
    struct kh_dataset *a = with_units(300), *b = with_units(300);
    struct kh_err e2;
    struct kh_buf t;
    char path[128];
    size_t k;
    int u, i, m;
    (void)state;
    kh_buf_init(&t, 0);
    kh_buf_puts(&t, "unit,indicator,period,value\r\n");
    for (m = 1; m <= 12; m++)
        for (u = 0; u < 300; u++) {
            for (i = 0; i < 200; i++)
                kh_buf_printf(&t, "U%03d,ind%03d,2024-%02d,%d.%d\r\n", u, i, m, u + i, m);
            if (u % 100 == 0)
                kh_buf_puts(&t, "\r\n");
        }
    assert_true(t.len > ((size_t)17 << 20));
    write_temp(path, sizeof(path), t.data, t.len);
    assert_int_equal(kh_dataset_load_file(a, "values", path, &err), KH_OK);
    kh_err_clear(&e2);
    assert_int_equal(kh_dataset_load_mem(b, "values", path, t.data, t.len, &e2), KH_OK);
    assert_int_equal(a->nvalues, b->nvalues);
    for (k = 0; k < a->nvalues; k += 997) {
        assert_int_equal(a->values[k].line, b->values[k].line);
        assert_int_equal(a->values[k].unit, b->values[k].unit);
        assert_true(a->values[k].value == b->values[k].value);
    }
    assert_int_equal(a->values[a->nvalues - 1].line, b->values[b->nvalues - 1].line);
    kh_dataset_free(a);
    kh_dataset_free(b);
    /* A bad row near the end: the same error, and nothing loaded. */
    kh_buf_puts(&t, "U001,ind001,2024-13,1\r\n");
    write_temp(path, sizeof(path), t.data, t.len);
    a = with_units(300);
    b = with_units(300);
    kh_err_clear(&err);
    kh_err_clear(&e2);
    assert_int_equal(kh_dataset_load_file(a, "values", path, &err), KH_EINVAL);
    assert_int_equal(kh_dataset_load_mem(b, "values", path, t.data, t.len, &e2), KH_EINVAL);
    assert_string_equal(err.msg, e2.msg);
    assert_int_equal(err.line, e2.line);
    assert_int_equal(kh_dataset_value_count(a), 0);
    kh_dataset_free(a);
    kh_dataset_free(b);
    /* A quoted field far into the file. */
    t.len -= strlen("U001,ind001,2024-13,1\r\n");
    kh_buf_puts(&t, "\"U001\",ind001,2025-01,\"1\"\r\n");
    write_temp(path, sizeof(path), t.data, t.len);
    a = with_units(300);
    assert_int_equal(kh_dataset_load_file(a, "values", path, &err), KH_OK);
    assert_int_equal(a->nvalues, 12 * 300 * 200 + 1);
    kh_dataset_free(a);
    remove(path);
    kh_buf_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dataset_cols_turn_dense_keeping_every_entry),
        cmocka_unit_test(test_dataset_cols_rollback_removes_only_the_failed_load),
        cmocka_unit_test(test_dataset_cols_targets_keep_target_and_baseline),
        cmocka_unit_test(test_dataset_cols_sub_periods_add_in_filing_order),
        cmocka_unit_test(test_dataset_cols_compact_form_scores_and_cites_rows_alike),
        cmocka_unit_test(test_dataset_cols_big_file_read_in_pieces_loads_as_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
