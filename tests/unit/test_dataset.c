/*
 * test_dataset.c — the dataset (kaohe/data.h): the five CSV file formats of
 * docs/data-files.md with English and Chinese headers, every error message
 * with its file:line:column, all-or-nothing loads, duplicates, encodings,
 * folders, and building a dataset in code. A values-loading benchmark runs
 * when KH_BENCH_ROWS is set (skipped otherwise).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kaohe/base.h"
#include "kaohe/data.h"

static const char units_csv[] = "id,name,category,parent,tags,difficulty\n"
                                "D01,城关片区,area,,,\n"
                                "T01,城关镇,town,D01,中心城区;山区,1.2\n"
                                "T02,城南镇,town,D01,中心城区,\n"
                                "P01,高新区,park,,,0.8\n";

static struct kh_err err;

/* Load NUL-terminated text as a file of `kind` named `name`. */
static int load(struct kh_dataset *ds, const char *kind, const char *name, const char *text)
{
    kh_err_clear(&err);
    return kh_dataset_load_mem(ds, kind, name, text, strlen(text), &err);
}

/* A new dataset holding units_csv. */
static struct kh_dataset *with_units(void)
{
    struct kh_dataset *ds = kh_dataset_new();
    assert_non_null(ds);
    if (load(ds, "units", "units.csv", units_csv))
        fail_msg("units: %s", err.msg);
    return ds;
}

/* How big a dataset is, to check that a failed load changed nothing. */
struct size {
    int nfiles, nunits, nindicators;
    size_t nvalues, ntargets, nevents, nballots;
};

/* The sizes of ds now. */
static struct size size_of(const struct kh_dataset *ds)
{
    struct size s = {ds->nfiles,   ds->nunits,  ds->nindicators, ds->nvalues,
                     ds->ntargets, ds->nevents, ds->nballots};
    return s;
}

/* Assert that ds has the sizes `before`. */
static void assert_same_size(const struct kh_dataset *ds, struct size before)
{
    struct size now = size_of(ds);
    assert_int_equal(now.nfiles, before.nfiles);
    assert_int_equal(now.nunits, before.nunits);
    assert_int_equal(now.nindicators, before.nindicators);
    assert_int_equal(now.nvalues, before.nvalues);
    assert_int_equal(now.ntargets, before.ntargets);
    assert_int_equal(now.nevents, before.nevents);
    assert_int_equal(now.nballots, before.nballots);
}

/* Assert that loading `text` fails with `code` at name:line:col, that the
 * message holds `words`, and that the dataset is unchanged. */
static void expect_error(struct kh_dataset *ds, const char *kind, const char *name,
                         const char *text, int code, int line, int col, const char *words)
{
    struct size before = size_of(ds);
    int rc = load(ds, kind, name, text);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.file, name);
    if (err.line != line || err.col != col)
        fail_msg("error at %d:%d, expected %d:%d: %s", err.line, err.col, line, col, err.msg);
    if (!strstr(err.msg, words))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
    assert_same_size(ds, before);
}

/* The value of unit/indicator/period, or -1e300 when there is none. */
static double value_of(const struct kh_dataset *ds, const char *unit, const char *ind,
                       const char *period)
{
    struct kh_period p;
    int u = kh_dataset_unit(ds, unit), i = kh_dataset_indicator(ds, ind);
    size_t k;

    assert_int_equal(kh_period_parse(period, &p), KH_OK);
    for (k = 0; k < ds->nvalues; k++)
        if (ds->values[k].unit == u && ds->values[k].indicator == i &&
            kh_period_equal(&ds->values[k].period, &p))
            return ds->values[k].value;
    return -1e300;
}

/* Attribute `name` of unit `id`, or NaN. */
static double attr_of(const struct kh_dataset *ds, const char *id, const char *name)
{
    const struct kh_unit *u = &ds->units[kh_dataset_unit(ds, id)];
    int i;
    for (i = 0; i < u->nattrs; i++)
        if (strcmp(u->attr_names[i], name) == 0)
            return u->attr_values[i];
    return NAN;
}

/* ---- units ------------------------------------------------------------------ */

static void test_dataset_units_load_with_english_header(void **state)
{
    struct kh_dataset *ds = with_units();
    const struct kh_unit *u;
    (void)state;
    assert_int_equal(ds->nunits, 4);
    assert_int_equal(kh_dataset_unit(ds, "T01"), 1);
    assert_int_equal(kh_dataset_unit(ds, "T99"), -1);
    u = &ds->units[1];
    assert_string_equal(u->id, "T01");
    assert_string_equal(u->name, "城关镇");
    assert_string_equal(u->category, "town");
    assert_string_equal(u->parent, "D01");
    assert_int_equal(u->ntags, 2);
    assert_string_equal(u->tags[0], "中心城区");
    assert_string_equal(u->tags[1], "山区");
    assert_int_equal(u->file, 0);
    assert_int_equal(u->line, 3);
    assert_string_equal(ds->files[0], "units.csv");
    assert_null(ds->units[0].parent);
    assert_int_equal(ds->units[0].ntags, 0);
    kh_dataset_free(ds);
}

static void test_dataset_units_chinese_header_aliases_in_any_order(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    (void)state;
    assert_int_equal(load(ds, "units", "单位.csv",
                          "赛道,单位名称,单位编码,标签,上级,难度系数\n"
                          "town,城关镇,T01,中心城区、山区,,1.5\n"),
                     KH_OK);
    assert_int_equal(ds->nunits, 1);
    assert_string_equal(ds->units[0].id, "T01");
    assert_string_equal(ds->units[0].name, "城关镇");
    assert_string_equal(ds->units[0].category, "town");
    assert_int_equal(ds->units[0].ntags, 2);
    assert_true(attr_of(ds, "T01", "难度系数") == 1.5);
    assert_int_equal(load(ds, "units", "u2.csv", "ID,Name,CATEGORY\nT02,城南镇,town\n"), KH_OK);
    assert_int_equal(load(ds, "units", "u3.csv", "编码,名称,类别\nT03,城北镇,town\n"), KH_OK);
    assert_int_equal(ds->nunits, 3);
    kh_dataset_free(ds);
}

static void test_dataset_units_tags_split_on_every_separator(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    const struct kh_unit *u;
    (void)state;
    assert_int_equal(load(ds, "units", "units.csv",
                          "id,name,category,tags\nT01,城关镇,town,\" a ;b；c|d、e;;a \"\n"),
                     KH_OK);
    u = &ds->units[0];
    assert_int_equal(u->ntags, 5);
    assert_string_equal(u->tags[0], "a");
    assert_string_equal(u->tags[1], "b");
    assert_string_equal(u->tags[2], "c");
    assert_string_equal(u->tags[3], "d");
    assert_string_equal(u->tags[4], "e");
    kh_dataset_free(ds);
}

static void test_dataset_units_extra_columns_are_numeric_attributes(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_true(attr_of(ds, "T01", "difficulty") == 1.2);
    assert_true(isnan(attr_of(ds, "T02", "difficulty")));
    assert_int_equal(ds->units[2].nattrs, 0);
    expect_error(ds, "units", "more.csv", "id,name,category,人口\nT09,新镇,town,很多\n", KH_EINVAL,
                 2, 4, "column \"人口\": \"很多\" is not a number");
    expect_error(ds, "units", "more.csv", "id,name,category,人口,人口\nT09,新镇,town,1,2\n",
                 KH_EINVAL, 1, 5, "column \"人口\" repeats column 4");
    kh_dataset_free(ds);
}

static void test_dataset_units_duplicate_id_names_the_earlier_line(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    (void)state;
    expect_error(ds, "units", "units.csv",
                 "id,name,category\nT01,城关镇,town\nT02,城南镇,town\nT01,又一个,town\n", KH_EINVAL,
                 4, 1, "duplicate unit id \"T01\": already defined at line 2");
    assert_int_equal(ds->nunits, 0);
    assert_int_equal(load(ds, "units", "a.csv", "id,name,category\nT01,城关镇,town\n"), KH_OK);
    expect_error(ds, "units", "b.csv", "id,name,category\n\nT01,城关镇,town\n", KH_EINVAL, 3, 1,
                 "already defined at a.csv:2");
    kh_dataset_free(ds);
}

static void test_dataset_units_parent_must_exist_and_may_come_later(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    (void)state;
    expect_error(ds, "units", "units.csv", "id,name,category,parent\nT01,城关镇,town,D09\n",
                 KH_EINVAL, 2, 4, "unknown parent unit \"D09\"");
    assert_int_equal(load(ds, "units", "units.csv",
                          "id,name,category,parent\nT01,城关镇,town,D01\nD01,片区,area,\n"),
                     KH_OK);
    assert_int_equal(ds->nunits, 2);
    kh_dataset_free(ds);
}

static void test_dataset_units_parent_cycle_is_error(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    (void)state;
    expect_error(ds, "units", "units.csv", "id,name,category,parent\nA,a,x,B\nB,b,x,C\nC,c,x,A\n",
                 KH_EINVAL, 2, 4, "the parent units form a cycle: A → B → C → A");
    expect_error(ds, "units", "units.csv", "id,name,category,parent\nA,a,x,A\n", KH_EINVAL, 2, 4,
                 "cycle: A → A");
    kh_dataset_free(ds);
}

static void test_dataset_units_missing_required_column_lists_the_header(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    (void)state;
    expect_error(ds, "units", "units.csv", "id,name,难度\nT01,城关镇,1\n", KH_EINVAL, 1, 0,
                 "missing required column category (类别): the header has id, name, 难度");
    expect_error(ds, "units", "units.csv", "id,name,category\nT01,,town\n", KH_EINVAL, 2, 2,
                 "column \"name\": the unit name is empty");
    expect_error(ds, "units", "units.csv", "id,name,category\n\"T\n01\",x,town\n", KH_EINVAL, 2, 1,
                 "line break");
    kh_dataset_free(ds);
}

/* ---- values ----------------------------------------------------------------- */

static void test_dataset_values_load_and_look_up(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(load(ds, "values", "values.csv",
                          "unit,indicator,period,value\n"
                          "T01,gdp,2024,100.5\n"
                          "T01,gdp,2024H1,48\n"
                          "T02,gdp,2024Q3,-3e2\n"
                          "T02,收入,2024-07, 7 \n"),
                     KH_OK);
    assert_int_equal(ds->nvalues, 4);
    assert_int_equal(ds->nindicators, 2);
    assert_int_equal(kh_dataset_indicator(ds, "gdp"), 0);
    assert_int_equal(kh_dataset_indicator(ds, "收入"), 1);
    assert_int_equal(kh_dataset_indicator(ds, "nope"), -1);
    assert_true(value_of(ds, "T01", "gdp", "2024") == 100.5);
    assert_true(value_of(ds, "T01", "gdp", "2024H1") == 48);
    assert_true(value_of(ds, "T02", "gdp", "2024Q3") == -300);
    assert_true(value_of(ds, "T02", "收入", "2024-07") == 7);
    assert_int_equal(ds->values[3].file, 1);
    assert_int_equal(ds->values[3].line, 5);
    assert_string_equal(ds->files[1], "values.csv");
    assert_string_equal(kh_dataset_file_encoding(ds, 1), "UTF-8");
    kh_dataset_free(ds);
}

static void test_dataset_values_parse_numbers_exactly(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(load(ds, "values", "values.csv",
                          "unit,indicator,period,value\n"
                          "T01,a,2024,0.1\nT01,b,2024,123456789.123456\nT01,c,2024,.5\n"
                          "T01,d,2024,1.\nT01,e,2024,+2\nT01,f,2024,12345678901234567890\n"
                          "T01,g,2024,1.5E-3\nT01,h,2024,\"  4.25 \"\n"
                          "T01,i,2024,0.30000000000000004\n"),
                     KH_OK);
    assert_true(value_of(ds, "T01", "a", "2024") == 0.1);
    assert_true(value_of(ds, "T01", "b", "2024") == 123456789.123456);
    assert_true(value_of(ds, "T01", "c", "2024") == 0.5);
    assert_true(value_of(ds, "T01", "d", "2024") == 1.0);
    assert_true(value_of(ds, "T01", "e", "2024") == 2.0);
    assert_true(value_of(ds, "T01", "f", "2024") == 12345678901234567890.0);
    assert_true(value_of(ds, "T01", "g", "2024") == 1.5e-3);
    assert_true(value_of(ds, "T01", "h", "2024") == 4.25);
    assert_true(value_of(ds, "T01", "i", "2024") == 0.30000000000000004);
    kh_dataset_free(ds);
}

static void test_dataset_values_empty_value_is_reported_missing(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(
        load(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,\n"), KH_OK);
    assert_int_equal(ds->nvalues, 1);
    assert_true(isnan(ds->values[0].value));
    kh_dataset_free(ds);
}

static void test_dataset_values_chinese_header_aliases(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(load(ds, "values", "v1.csv", "单位,指标,期间,数值\nT01,gdp,2024,1\n"), KH_OK);
    assert_int_equal(load(ds, "values", "v2.csv", "时期,值,单位编码,指标\n2024,2,T02,gdp\n"),
                     KH_OK);
    assert_true(value_of(ds, "T02", "gdp", "2024") == 2);
    kh_dataset_free(ds);
}

static void test_dataset_values_unknown_unit_names_the_units_file(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "values", "values.csv",
                 "unit,indicator,period,value\nT01,gdp,2024,1\nT99,gdp,2024,2\n", KH_EINVAL, 3, 1,
                 "column \"unit\": unknown unit \"T99\": no unit has this id in units.csv");
    expect_error(ds, "values", "values.csv", "单位,指标,期间,数值\n城关镇,gdp,2024,1\n", KH_EINVAL,
                 2, 1, "\"城关镇\" is the name of unit T01: use its id");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nt01,gdp,2024,1\n",
                 KH_EINVAL, 2, 1, "did you mean \"T01\"?");
    kh_dataset_free(ds);
}

static void test_dataset_values_before_units_says_load_units_first(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    (void)state;
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,1\n",
                 KH_EINVAL, 2, 1, "no units are loaded: load units.csv first");
    kh_dataset_free(ds);
}

static void test_dataset_values_bad_numbers_say_what_to_write(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "values", "values.csv",
                 "unit,indicator,period,数值\nT01,gdp,2024,\"1,234.5\"\n", KH_EINVAL, 2, 4,
                 "column \"数值\": \"1,234.5\" is not a number: remove the thousands separators "
                 "(write 1234.5)");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,12.5%\n",
                 KH_EINVAL, 2, 4, "values are plain numbers, without '%': write 12.5");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,—\n",
                 KH_EINVAL, 2, 4, "leave the cell empty for a missing value");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,N/A\n",
                 KH_EINVAL, 2, 4, "leave the cell empty");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,#DIV/0!\n",
                 KH_EINVAL, 2, 4, "holds an error");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,１２\n",
                 KH_EINVAL, 2, 4, "half-width digits");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,0x10\n",
                 KH_EINVAL, 2, 4, "expected a plain number such as 12.5 or -3");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,inf\n",
                 KH_EINVAL, 2, 4, "not a number");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,1e999\n",
                 KH_EINVAL, 2, 4, "not a number");
    kh_dataset_free(ds);
}

static void test_dataset_values_bad_period_lists_the_accepted_forms(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "values", "values.csv",
                 "unit,indicator,期间,value\nT01,gdp,2024,1\nT01,gdp,2024/07,1\n", KH_EINVAL, 3, 3,
                 "column \"期间\": \"2024/07\" is not a period: expected a year (2024), a half "
                 "(2024H1), a quarter (2024Q3) or a month (2024-07)");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024-7,1\n",
                 KH_EINVAL, 2, 3, "write months with two digits");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,,1\n", KH_EINVAL,
                 2, 3, "the period is empty");
    kh_dataset_free(ds);
}

static void test_dataset_values_duplicate_names_both_lines(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "values", "values.csv",
                 "unit,indicator,period,value\nT01,gdp,2024,1\nT02,gdp,2024,1\nT01,gdp,2024,2\n",
                 KH_EINVAL, 4, 0,
                 "duplicate value for unit T01, indicator gdp, period 2024: line 2 already "
                 "gives one");
    /* "2024q1" and "2024Q1" are the same period. */
    expect_error(ds, "values", "values.csv",
                 "unit,indicator,period,value\nT01,gdp,2024Q1,1\nT01,gdp,2024q1,\n", KH_EINVAL, 3,
                 0, "line 2 already gives one");
    assert_int_equal(
        load(ds, "values", "2023.csv", "unit,indicator,period,value\nT01,gdp,2024,1\n"), KH_OK);
    expect_error(ds, "values", "2024.csv", "unit,indicator,period,value\nT01,gdp,2024,1\n",
                 KH_EINVAL, 2, 0, "2023.csv:2 already gives one");
    kh_dataset_free(ds);
}

static void test_dataset_values_bad_row_leaves_the_dataset_unchanged(void **state)
{
    struct kh_dataset *ds = with_units();
    struct size before;
    int i;
    (void)state;
    assert_int_equal(load(ds, "values", "a.csv", "unit,indicator,period,value\nT01,gdp,2024,1\n"),
                     KH_OK);
    before = size_of(ds);
    /* Many good rows with new indicators, then one bad row. */
    {
        struct kh_buf b;
        kh_buf_init(&b, 0);
        kh_buf_puts(&b, "unit,indicator,period,value\n");
        /* Big enough (over 64 KiB) that the arrays are sized up front. */
        for (i = 0; i < 5000; i++)
            kh_buf_printf(&b, "T02,ind%d,2024,%d\n", i, i);
        kh_buf_puts(&b, "T02,ind0,2024,oops\n");
        assert_true(b.len > 65536);
        expect_error(ds, "values", "b.csv", kh_buf_str(&b), KH_EINVAL, 5002, 4, "not a number");
        kh_buf_free(&b);
    }
    assert_same_size(ds, before);
    assert_int_equal(kh_dataset_indicator(ds, "ind1"), -1);
    assert_int_equal(kh_dataset_indicator(ds, "gdp"), 0);
    /* The lookup tables were rolled back too: the old value is still a
     * duplicate, the rolled-back ones are not. */
    expect_error(ds, "values", "c.csv", "unit,indicator,period,value\nT01,gdp,2024,1\n", KH_EINVAL,
                 2, 0, "a.csv:2 already gives one");
    assert_int_equal(load(ds, "values", "d.csv", "unit,indicator,period,value\nT02,ind1,2024,5\n"),
                     KH_OK);
    assert_int_equal(kh_dataset_indicator(ds, "ind1"), 1);
    assert_int_equal(ds->nfiles, 3);
    assert_string_equal(ds->files[2], "d.csv");
    assert_int_equal(ds->values[1].file, 2);
    kh_dataset_free(ds);
}

static void test_dataset_units_bad_row_leaves_the_dataset_unchanged(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "units", "more.csv",
                 "id,name,category,size\nT05,五镇,town,1\nT06,六镇,town,x\n", KH_EINVAL, 3, 4,
                 "not a number");
    assert_int_equal(kh_dataset_unit(ds, "T05"), -1);
    assert_int_equal(kh_dataset_unit(ds, "T02"), 2);
    assert_int_equal(load(ds, "units", "more.csv", "id,name,category\nT05,五镇,town\n"), KH_OK);
    assert_int_equal(kh_dataset_unit(ds, "T05"), 4);
    kh_dataset_free(ds);
}

static void test_dataset_values_unknown_column_is_error(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "values", "values.csv", "unit,indicator,period,vlaue\nT01,gdp,2024,1\n",
                 KH_EINVAL, 1, 4,
                 "unknown column \"vlaue\" in a values file: expected unit (单位), indicator "
                 "(指标), period (期间), value (数值)");
    expect_error(ds, "values", "values.csv", "unit,indicator,period\nT01,gdp,2024\n", KH_EINVAL, 1,
                 0,
                 "missing required column value (数值): the header has unit, indicator, "
                 "period");
    expect_error(ds, "values", "values.csv", "unit,单位,indicator,period,value\n", KH_EINVAL, 1, 2,
                 "column \"单位\" repeats column 1 (\"unit\")");
    kh_dataset_free(ds);
}

static void test_dataset_values_excel_blank_rows_are_skipped(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(load(ds, "values", "values.csv",
                          "unit,indicator,period,value,,\r\n"
                          "T01,gdp,2024,1,,\r\n"
                          ",,,,,\r\n"
                          "\r\n"
                          "T02,gdp,2024,2,,\r\n"
                          ",,,,,\r\n"),
                     KH_OK);
    assert_int_equal(ds->nvalues, 2);
    assert_int_equal(ds->values[1].line, 5);
    kh_dataset_free(ds);
}

static void test_dataset_values_row_shape_errors(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024\n",
                 KH_EINVAL, 2, 4, "the row has 3 fields but the header has 4 columns");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,gdp,2024,1,9\n",
                 KH_EINVAL, 2, 5, "the header has only 4 columns");
    expect_error(ds, "values", "values.csv", "unit,indicator,,period,value\nT01,gdp,x,2024,1\n",
                 KH_EINVAL, 2, 3, "which has no header name");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\n,gdp,2024,1\n",
                 KH_EINVAL, 2, 1, "the unit id is empty");
    expect_error(ds, "values", "values.csv", "unit,indicator,period,value\nT01,,2024,1\n",
                 KH_EINVAL, 2, 2, "the indicator name is empty");
    kh_dataset_free(ds);
}

static void test_dataset_values_unit_name_column_is_checked(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(load(ds, "values", "values.csv",
                          "单位编码,单位名称,指标,期间,数值,备注\nT01,城关镇,gdp,2024,1,核实过\n"
                          "T02,,gdp,2024,2,\n"),
                     KH_OK);
    expect_error(ds, "values", "values.csv",
                 "单位编码,单位名称,指标,期间,数值\nT01,城南镇,gdp,2025,1\n", KH_EINVAL, 2, 2,
                 "unit T01 is named \"城关镇\" in the units file, but this row says \"城南镇\"");
    kh_dataset_free(ds);
}

static void test_dataset_values_gb18030_file_with_chinese_header(void **state)
{
    /* "单位,指标,期间,数值\nT01,增速,2024,8.5\n" saved by Excel as GB18030
     * (指标 D6 B8 B1 EA, 期间 C6 DA BC E4, 数值 CA FD D6 B5, 增速 D4 F6 CB D9). */
    static const char gb[] = "\xb5\xa5\xce\xbb,\xd6\xb8\xb1\xea,\xc6\xda\xbc\xe4,\xca\xfd\xd6\xb5"
                             "\r\nT01,\xd4\xf6\xcb\xd9,2024,8.5\r\n";
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(load(ds, "values", "values.csv", gb), KH_OK);
    assert_true(value_of(ds, "T01", "增速", "2024") == 8.5);
    assert_string_equal(kh_dataset_file_encoding(ds, 1), "GB18030");
    /* Errors in a GB18030 file say how it was read. */
    expect_error(ds, "values", "bad.csv",
                 "\xb5\xa5\xce\xbb,\xd6\xb8\xb1\xea,\xc6\xda\xbc\xe4,\xca\xfd\xd6\xb5\n"
                 "T09,x,2024,1\n",
                 KH_EINVAL, 2, 1, "[file read as GB18030]");
    kh_dataset_free(ds);
}

static void test_dataset_values_utf16_tab_separated_file(void **state)
{
    /* Excel "Unicode text": UTF-16LE with BOM, tab-separated. */
    static const char text[] = "unit\tindicator\tperiod\tvalue\r\nT01\tgdp\t2024\t3\r\n";
    char utf16[2 + 2 * sizeof(text)];
    size_t i, n = 2;
    struct kh_dataset *ds = with_units();
    (void)state;
    utf16[0] = (char)0xFF;
    utf16[1] = (char)0xFE;
    for (i = 0; i + 1 < sizeof(text); i++) {
        utf16[n++] = text[i];
        utf16[n++] = 0;
    }
    kh_err_clear(&err);
    assert_int_equal(kh_dataset_load_mem(ds, "values", "v.txt", utf16, n, &err), KH_OK);
    assert_true(value_of(ds, "T01", "gdp", "2024") == 3);
    assert_string_equal(kh_dataset_file_encoding(ds, 1), "UTF-16LE");
    kh_dataset_free(ds);
}

static void test_dataset_values_utf8_bom_file(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(
        load(ds, "values", "v.csv", "\xEF\xBB\xBF单位,指标,期间,数值\r\nT01,gdp,2024,4\r\n"),
        KH_OK);
    assert_true(value_of(ds, "T01", "gdp", "2024") == 4);
    assert_string_equal(kh_dataset_file_encoding(ds, 1), "UTF-8 with BOM");
    kh_dataset_free(ds);
}

static void test_dataset_undecodable_file_is_error(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "values", "v.csv", "unit,indicator,period,value\nT01,\xff,2024,1\n", KH_EINVAL,
                 2, 5, "expected UTF-8 or GB18030 text");
    kh_dataset_free(ds);
}

static void test_dataset_csv_syntax_error_is_reported_with_position(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "values", "v.csv", "unit,indicator,period,value\nT01,\"gdp\"x,2024,1\n",
                 KH_EINVAL, 2, 10, "after the closing quote");
    kh_dataset_free(ds);
}

/* ---- targets, events, ballots ---------------------------------------------------- */

static void test_dataset_targets_load_target_and_baseline(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(load(ds, "targets", "targets.csv",
                          "单位,指标,期间,目标值,基期值\nT01,gdp,2024,108,100\nT02,gdp,2024,,90\n"
                          "T02,gdp,2024H1,50,\n"),
                     KH_OK);
    assert_int_equal(ds->ntargets, 3);
    assert_true(ds->targets[0].target == 108 && ds->targets[0].baseline == 100);
    assert_true(isnan(ds->targets[1].target) && ds->targets[1].baseline == 90);
    assert_true(ds->targets[2].target == 50 && isnan(ds->targets[2].baseline));
    assert_int_equal(ds->targets[2].line, 4);
    assert_int_equal(kh_dataset_indicator(ds, "gdp"), 0);
    kh_dataset_free(ds);
}

static void test_dataset_targets_need_a_target_or_a_baseline(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "targets", "targets.csv",
                 "unit,indicator,period,target,baseline\nT01,gdp,2024,,\n", KH_EINVAL, 2, 0,
                 "neither a target nor a baseline");
    expect_error(ds, "targets", "targets.csv", "unit,indicator,period\nT01,gdp,2024\n", KH_EINVAL,
                 1, 0, "a targets file needs target (目标), baseline (基数) or both");
    expect_error(ds, "targets", "targets.csv",
                 "unit,indicator,period,target\nT01,gdp,2024,1\nT01,gdp,2024,2\n", KH_EINVAL, 3, 0,
                 "duplicate target for unit T01, indicator gdp, period 2024: line 2");
    kh_dataset_free(ds);
}

static void test_dataset_events_defaults_and_every_column(void **state)
{
    struct kh_dataset *ds = with_units();
    const struct kh_event *e;
    (void)state;
    assert_int_equal(load(ds, "events", "events.csv", "unit,item,period\nT01,honour,2024\n"),
                     KH_OK);
    e = &ds->events[0];
    assert_string_equal(e->item, "honour");
    assert_null(e->level);
    assert_true(e->count == 1);
    assert_null(e->matter);
    assert_true(isnan(e->points));
    assert_int_equal(e->shares, 1);
    assert_int_equal(e->exempt, 0);
    assert_null(e->evidence);
    assert_null(e->note);
    assert_int_equal(
        load(ds, "events", "事件.csv",
             "单位,事项,期间,级别,数量,事由,分值,共享数,免责,佐证,备注\n"
             "T02,accident,2024-03,省级,2,安全生产,1.5,3,是,文件〔2024〕1号,\"多\n行\"\n"),
        KH_OK);
    e = &ds->events[1];
    assert_string_equal(e->item, "accident");
    assert_string_equal(e->level, "省级");
    assert_true(e->count == 2);
    assert_string_equal(e->matter, "安全生产");
    assert_true(e->points == 1.5);
    assert_int_equal(e->shares, 3);
    assert_int_equal(e->exempt, 1);
    assert_string_equal(e->evidence, "文件〔2024〕1号");
    assert_string_equal(e->note, "多\n行");
    assert_int_equal(e->unit, kh_dataset_unit(ds, "T02"));
    assert_int_equal(e->period.kind, KH_PERIOD_MONTH);
    kh_dataset_free(ds);
}

static void test_dataset_events_exempt_accepts_yes_and_no_words(void **state)
{
    static const char *const yes[] = {"1", "是", "yes", "YES", "true", "True"};
    static const char *const no[] = {"0", "否", "no", "false", ""};
    struct kh_dataset *ds = with_units();
    char text[200];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        snprintf(text, sizeof(text), "unit,item,period,exempt\nT01,x,2024,%s\n", yes[i]);
        assert_int_equal(load(ds, "events", "e.csv", text), KH_OK);
        assert_int_equal(ds->events[ds->nevents - 1].exempt, 1);
    }
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        snprintf(text, sizeof(text), "unit,item,period,exempt\nT01,x,2024,%s\n", no[i]);
        assert_int_equal(load(ds, "events", "e.csv", text), KH_OK);
        assert_int_equal(ds->events[ds->nevents - 1].exempt, 0);
    }
    expect_error(ds, "events", "e.csv", "unit,item,period,免责\nT01,x,2024,maybe\n", KH_EINVAL, 2,
                 4, "column \"免责\": \"maybe\" is not a yes/no value");
    kh_dataset_free(ds);
}

static void test_dataset_events_bad_fields_are_errors(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "events", "e.csv", "unit,item,period,shares\nT01,x,2024,0\n", KH_EINVAL, 2, 4,
                 "expected a whole number of 1 or more");
    expect_error(ds, "events", "e.csv", "unit,item,period,shares\nT01,x,2024,1.5\n", KH_EINVAL, 2,
                 4, "not a number of sharers");
    expect_error(ds, "events", "e.csv", "unit,item,period,count\nT01,x,2024,-1\n", KH_EINVAL, 2, 4,
                 "the count is negative");
    expect_error(ds, "events", "e.csv", "unit,item,period\nT01,,2024\n", KH_EINVAL, 2, 2,
                 "the item is empty");
    expect_error(ds, "events", "e.csv", "unit,item,period,points\nT01,x,2024,三分\n", KH_EINVAL, 2,
                 4, "is not a number");
    expect_error(ds, "events", "e.csv", "unit,item,period,score\nT01,x,2024,1\n", KH_EINVAL, 1, 4,
                 "unknown column \"score\" in a events file");
    kh_dataset_free(ds);
}

static void test_dataset_ballots_take_a_grade_or_a_score(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    assert_int_equal(load(ds, "ballots", "ballots.csv",
                          "会议,评委,评委组,单位,等次,分数\n"
                          "m1,e1,领导,T01,好,\n"
                          "m1,e1,领导,T02,,92.5\n"
                          "m1,e2,,T01,较好,\n"),
                     KH_OK);
    assert_int_equal(ds->nballots, 3);
    assert_string_equal(ds->ballots[0].meeting, "m1");
    assert_string_equal(ds->ballots[0].evaluator, "e1");
    assert_string_equal(ds->ballots[0].group, "领导");
    assert_string_equal(ds->ballots[0].grade, "好");
    assert_true(isnan(ds->ballots[0].score));
    assert_null(ds->ballots[1].grade);
    assert_true(ds->ballots[1].score == 92.5);
    assert_null(ds->ballots[2].group);
    expect_error(ds, "ballots", "b.csv", "meeting,evaluator,unit,grade,score\nm2,e1,T01,好,90\n",
                 KH_EINVAL, 2, 0, "fill in exactly one of grade (等次) and score (分数)");
    expect_error(ds, "ballots", "b.csv", "meeting,evaluator,unit,grade,score\nm2,e1,T01,,\n",
                 KH_EINVAL, 2, 0, "either a grade or a score");
    expect_error(ds, "ballots", "b.csv", "meeting,evaluator,unit\nm2,e1,T01\n", KH_EINVAL, 1, 0,
                 "a ballots file needs grade (等次), score (分数) or both");
    kh_dataset_free(ds);
}

static void test_dataset_ballots_one_mark_per_evaluator_unit_and_meeting(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "ballots", "b.csv",
                 "meeting,evaluator,unit,score\nm1,e1,T01,90\nm1,e1,T02,80\nm1,e1,T01,85\n",
                 KH_EINVAL, 4, 0,
                 "duplicate ballot: evaluator \"e1\" already marked unit T01 at meeting \"m1\" on "
                 "line 2");
    assert_int_equal(
        load(ds, "ballots", "b.csv", "meeting,evaluator,unit,score\nm1,e1,T01,90\nm2,e1,T01,80\n"),
        KH_OK);
    kh_dataset_free(ds);
}

/* ---- files, folders, kinds ---------------------------------------------------- */

static void test_dataset_unknown_kind_and_empty_file_are_errors(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_error(ds, "scores", "x.csv", "a\n", KH_EINVAL, 0, 0,
                 "expected units, values, targets, events or ballots");
    expect_error(ds, "values", "x.csv", "\n\n", KH_EINVAL, 1, 0,
                 "the file is empty: expected a header row");
    kh_dataset_free(ds);
}

/* Write `text` to dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Remove dir/name (ignoring a missing file). */
static void remove_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
}

static void test_dataset_load_dir_loads_the_files_that_exist(void **state)
{
    char dir[] = "/tmp/kh_test_dataset_XXXXXX";
    struct kh_dataset *ds = kh_dataset_new();
    char path[600];
    (void)state;
    assert_non_null(mkdtemp(dir));
    kh_err_clear(&err);
    assert_int_equal(kh_dataset_load_dir(ds, dir, &err), KH_EIO);
    assert_non_null(strstr(err.msg, "no units.csv in the data folder"));

    write_file(dir, "units.csv", units_csv);
    write_file(dir, "values.csv", "unit,indicator,period,value\nT01,gdp,2024,1\n");
    write_file(dir, "events.csv", "unit,item,period\nT01,honour,2024\n");
    assert_int_equal(kh_dataset_load_dir(ds, dir, &err), KH_OK);
    assert_int_equal(ds->nunits, 4);
    assert_int_equal(ds->nvalues, 1);
    assert_int_equal(ds->nevents, 1);
    assert_int_equal(ds->ntargets, 0);
    assert_int_equal(ds->nfiles, 3);
    snprintf(path, sizeof(path), "%s/values.csv", dir);
    assert_string_equal(ds->files[1], path);
    kh_dataset_free(ds);

    /* A bad file stops the load; what came before stays. */
    ds = kh_dataset_new();
    write_file(dir, "targets.csv", "unit,indicator,period,target\nT01,gdp,2024,abc\n");
    assert_int_equal(kh_dataset_load_dir(ds, dir, &err), KH_EINVAL);
    snprintf(path, sizeof(path), "%s/targets.csv", dir);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 4);
    assert_int_equal(ds->nvalues, 1);
    assert_int_equal(ds->ntargets, 0);
    assert_int_equal(ds->nevents, 0);
    kh_dataset_free(ds);

    remove_file(dir, "units.csv");
    remove_file(dir, "values.csv");
    remove_file(dir, "events.csv");
    remove_file(dir, "targets.csv");
    rmdir(dir);
}

static void test_dataset_load_file_missing_file_is_eio(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_dataset_load_file(ds, "units", "/nonexistent/units.csv", &err), KH_EIO);
    assert_string_equal(err.file, "/nonexistent/units.csv");
    assert_int_equal(ds->nfiles, 0);
    kh_dataset_free(ds);
}

/* ---- building in code ------------------------------------------------------------ */

static void test_dataset_add_unit_and_set_attributes(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_dataset_add_unit(ds, "D01", "片区", "area", NULL, NULL, &err), 0);
    assert_int_equal(kh_dataset_add_unit(ds, "T01", "城关镇", "town", "D01", "中心城区;山区", &err),
                     1);
    assert_int_equal(kh_dataset_add_unit(ds, "T01", "x", "town", NULL, NULL, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "duplicate unit id \"T01\": already defined at code"));
    assert_int_equal(kh_dataset_add_unit(ds, "T02", "x", "town", "D09", NULL, &err), KH_ENOTFOUND);
    assert_int_equal(kh_dataset_add_unit(ds, "T02", "", "town", NULL, NULL, &err), KH_EINVAL);
    assert_int_equal(ds->nunits, 2);
    assert_int_equal(ds->units[1].ntags, 2);
    assert_int_equal(ds->units[1].file, -1);
    assert_int_equal(kh_dataset_unit(ds, "T01"), 1);

    assert_int_equal(kh_dataset_set_attr(ds, 1, "difficulty", 1.1), KH_OK);
    assert_int_equal(kh_dataset_set_attr(ds, 1, "area", 30), KH_OK);
    assert_int_equal(kh_dataset_set_attr(ds, 1, "difficulty", 1.3), KH_OK);
    assert_int_equal(ds->units[1].nattrs, 2);
    assert_true(attr_of(ds, "T01", "difficulty") == 1.3);
    assert_int_equal(kh_dataset_set_attr(ds, 1, "difficulty", NAN), KH_OK);
    assert_int_equal(ds->units[1].nattrs, 1);
    assert_true(isnan(attr_of(ds, "T01", "difficulty")));
    assert_int_equal(kh_dataset_set_attr(ds, 5, "x", 1), KH_EINVAL);
    kh_dataset_free(ds);
}

static void test_dataset_add_value_and_target(void **state)
{
    struct kh_dataset *ds = with_units();
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_dataset_add_value(ds, "T01", "gdp", "2024", 5, &err), KH_OK);
    assert_int_equal(kh_dataset_add_value(ds, "T01", "gdp", "2024H1", NAN, &err), KH_OK);
    assert_int_equal(kh_dataset_add_value(ds, "T01", "gdp", "2024", 6, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "duplicate value for unit T01, indicator gdp, period 2024"));
    assert_int_equal(kh_dataset_add_value(ds, "T99", "gdp", "2024", 6, &err), KH_ENOTFOUND);
    assert_int_equal(kh_dataset_add_value(ds, "T01", "new", "2024/1", 6, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "is not a period"));
    assert_int_equal(kh_dataset_indicator(ds, "new"), -1); /* nothing added on error */
    assert_int_equal(ds->nvalues, 2);
    assert_int_equal(ds->values[0].file, -1);
    assert_true(value_of(ds, "T01", "gdp", "2024") == 5);

    assert_int_equal(kh_dataset_add_target(ds, "T01", "gdp", "2024", 110, 100, &err), KH_OK);
    assert_int_equal(kh_dataset_add_target(ds, "T01", "gdp", "2024", 1, NAN, &err), KH_EINVAL);
    assert_int_equal(kh_dataset_add_target(ds, "T02", "gdp", "2024", NAN, NAN, &err), KH_EINVAL);
    assert_int_equal(kh_dataset_add_target(ds, "T02", "收入", "2024", NAN, 3, &err), KH_OK);
    assert_int_equal(ds->ntargets, 2);
    assert_true(ds->targets[1].baseline == 3);
    kh_dataset_free(ds);
}

static void test_dataset_add_events_and_ballots(void **state)
{
    struct kh_dataset *ds = with_units();
    struct kh_event e;
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_dataset_add_event(ds, "T01", "honour", "2024", "national", 1, NULL, &err),
                     KH_OK);
    assert_string_equal(ds->events[0].level, "national");
    assert_int_equal(ds->events[0].shares, 1);
    assert_true(isnan(ds->events[0].points));
    memset(&e, 0, sizeof(e));
    e.item = "accident";
    e.count = 2;
    e.points = 3;
    e.shares = 2;
    e.exempt = 1;
    e.evidence = "doc-1";
    assert_int_equal(kh_dataset_add_event_ex(ds, "T02", "2024Q2", &e, &err), KH_OK);
    assert_string_equal(ds->events[1].item, "accident");
    assert_int_equal(ds->events[1].shares, 2);
    assert_int_equal(ds->events[1].exempt, 1);
    assert_string_equal(ds->events[1].evidence, "doc-1");
    assert_null(ds->events[1].note);
    e.shares = 0;
    assert_int_equal(kh_dataset_add_event_ex(ds, "T02", "2024Q2", &e, &err), KH_EINVAL);
    assert_int_equal(kh_dataset_add_event(ds, "T09", "x", "2024", NULL, 1, NULL, &err),
                     KH_ENOTFOUND);
    assert_int_equal(ds->nevents, 2);

    assert_int_equal(kh_dataset_add_ballot(ds, "m1", "e1", "领导", "T01", "好", NAN, &err), KH_OK);
    assert_int_equal(kh_dataset_add_ballot(ds, "m1", "e1", NULL, "T02", NULL, 88, &err), KH_OK);
    assert_int_equal(kh_dataset_add_ballot(ds, "m1", "e1", NULL, "T01", NULL, 80, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "duplicate ballot"));
    assert_int_equal(kh_dataset_add_ballot(ds, "m1", "e2", NULL, "T01", "好", 80, &err), KH_EINVAL);
    assert_int_equal(kh_dataset_add_ballot(ds, "m1", "e2", NULL, "T01", NULL, NAN, &err),
                     KH_EINVAL);
    assert_int_equal(ds->nballots, 2);
    assert_null(ds->ballots[1].group);
    assert_true(ds->ballots[1].score == 88);
    kh_dataset_free(ds);
}

static void test_dataset_free_accepts_null(void **state)
{
    (void)state;
    kh_dataset_free(NULL);
}

/* ---- benchmark (run with KH_BENCH_ROWS=5000000) ------------------------------------ */

/* Monotonic time in seconds. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_dataset_values_load_speed(void **state)
{
    const char *env = getenv("KH_BENCH_ROWS");
    long rows = env ? strtol(env, NULL, 10) : 0, i;
    struct kh_dataset *ds;
    struct kh_buf b;
    char path[] = "/tmp/kh_bench_values_XXXXXX";
    FILE *f;
    int fd, nunits = 5000, u;
    double t0, t1;
    (void)state;
    if (rows <= 0)
        skip();
    ds = kh_dataset_new();
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "id,name,category\n");
    for (u = 0; u < nunits; u++)
        kh_buf_printf(&b, "T%05d,单位%d,town\n", u, u);
    assert_int_equal(load(ds, "units", "units.csv", kh_buf_str(&b)), KH_OK);
    kh_buf_free(&b);
    /* Long form, sorted by unit then indicator then month, as exports are:
     * 5,000 units x 100 indicators x 12 months = 6 M rows at most. */
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("unit,indicator,period,value\n", f);
    for (i = 0; i < rows; i++) {
        long m = i % 12, ind = (i / 12) % 100, unit = (i / 1200) % nunits,
             year = 2000 + i / (1200L * nunits);
        fprintf(f, "T%05ld,indicator_%03ld,%ld-%02ld,%ld.%02ld\n", unit, ind, year, m + 1,
                (i * 7919) % 100000, i % 100);
    }
    fclose(f);
    t0 = now_seconds();
    kh_err_clear(&err);
    if (kh_dataset_load_file(ds, "values", path, &err))
        fail_msg("load: %s", err.msg);
    t1 = now_seconds();
    assert_int_equal(ds->nvalues, (size_t)rows);
    print_message("values: %ld rows in %.3f s = %.2f M rows/s\n", rows, t1 - t0,
                  (double)rows / (t1 - t0) / 1e6);
    unlink(path);
    kh_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dataset_units_load_with_english_header),
        cmocka_unit_test(test_dataset_units_chinese_header_aliases_in_any_order),
        cmocka_unit_test(test_dataset_units_tags_split_on_every_separator),
        cmocka_unit_test(test_dataset_units_extra_columns_are_numeric_attributes),
        cmocka_unit_test(test_dataset_units_duplicate_id_names_the_earlier_line),
        cmocka_unit_test(test_dataset_units_parent_must_exist_and_may_come_later),
        cmocka_unit_test(test_dataset_units_parent_cycle_is_error),
        cmocka_unit_test(test_dataset_units_missing_required_column_lists_the_header),
        cmocka_unit_test(test_dataset_values_load_and_look_up),
        cmocka_unit_test(test_dataset_values_parse_numbers_exactly),
        cmocka_unit_test(test_dataset_values_empty_value_is_reported_missing),
        cmocka_unit_test(test_dataset_values_chinese_header_aliases),
        cmocka_unit_test(test_dataset_values_unknown_unit_names_the_units_file),
        cmocka_unit_test(test_dataset_values_before_units_says_load_units_first),
        cmocka_unit_test(test_dataset_values_bad_numbers_say_what_to_write),
        cmocka_unit_test(test_dataset_values_bad_period_lists_the_accepted_forms),
        cmocka_unit_test(test_dataset_values_duplicate_names_both_lines),
        cmocka_unit_test(test_dataset_values_bad_row_leaves_the_dataset_unchanged),
        cmocka_unit_test(test_dataset_units_bad_row_leaves_the_dataset_unchanged),
        cmocka_unit_test(test_dataset_values_unknown_column_is_error),
        cmocka_unit_test(test_dataset_values_excel_blank_rows_are_skipped),
        cmocka_unit_test(test_dataset_values_row_shape_errors),
        cmocka_unit_test(test_dataset_values_unit_name_column_is_checked),
        cmocka_unit_test(test_dataset_values_gb18030_file_with_chinese_header),
        cmocka_unit_test(test_dataset_values_utf16_tab_separated_file),
        cmocka_unit_test(test_dataset_values_utf8_bom_file),
        cmocka_unit_test(test_dataset_undecodable_file_is_error),
        cmocka_unit_test(test_dataset_csv_syntax_error_is_reported_with_position),
        cmocka_unit_test(test_dataset_targets_load_target_and_baseline),
        cmocka_unit_test(test_dataset_targets_need_a_target_or_a_baseline),
        cmocka_unit_test(test_dataset_events_defaults_and_every_column),
        cmocka_unit_test(test_dataset_events_exempt_accepts_yes_and_no_words),
        cmocka_unit_test(test_dataset_events_bad_fields_are_errors),
        cmocka_unit_test(test_dataset_ballots_take_a_grade_or_a_score),
        cmocka_unit_test(test_dataset_ballots_one_mark_per_evaluator_unit_and_meeting),
        cmocka_unit_test(test_dataset_unknown_kind_and_empty_file_are_errors),
        cmocka_unit_test(test_dataset_load_dir_loads_the_files_that_exist),
        cmocka_unit_test(test_dataset_load_file_missing_file_is_eio),
        cmocka_unit_test(test_dataset_add_unit_and_set_attributes),
        cmocka_unit_test(test_dataset_add_value_and_target),
        cmocka_unit_test(test_dataset_add_events_and_ballots),
        cmocka_unit_test(test_dataset_free_accepts_null),
        cmocka_unit_test(test_dataset_values_load_speed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
