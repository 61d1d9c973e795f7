/*
 * test_xlsx.c — the XLSX reader (ECMA-376 Office Open XML SpreadsheetML,
 * io/xlsx.h) and the dataset loaders reading workbooks (kaohe/data.h).
 * Workbooks are made in the test: with libxlsxwriter as Excel would save
 * them, and by hand with libzip (xlsx_fixture.h) for what no writer
 * produces — inline strings, sparse and unordered cells, the 1904 date
 * system, strict namespaces — and for malformed and hostile files:
 * truncated zips, broken XML, DOCTYPE entities, huge shared-string tables,
 * zip bombs, deep nesting, missing parts, .xls/.ods/.xlsb.
 *
 * The same executable serves the LibreOffice round trip and the
 * measurements (see main): `--compare CSVDIR XLSXDIR` (load both folders,
 * compare the datasets), `--dump FILE` (print the cells of the first
 * sheet), `--make-values DIR ROWS` (units.csv and a values.xlsx of ROWS
 * rows), `--read FILE` (stream a sheet, print the peak RSS), `--load DIR`
 * (load a data folder, print the peak RSS). A million-row run is a test when
 * KH_BENCH_ROWS is set (skipped otherwise).
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "io/dataset_priv.h"
#include "io/xlsx.h"
#include "kaohe/base.h"
#include "kaohe/data.h"
#include "xlsx_fixture.h"

static const char units_csv[] = "id,name,category,parent,tags,difficulty\n"
                                "D01,城关片区,area,,,\n"
                                "T01,城关镇,town,D01,中心城区;山区,1.2\n"
                                "T02,城南镇,town,D01,中心城区,\n"
                                "P01,高新区,park,,,0.8\n";

static struct kh_err err;

/* A new dataset holding units_csv. */
static struct kh_dataset *with_units(void)
{
    struct kh_dataset *ds = kh_dataset_new();
    assert_non_null(ds);
    kh_err_clear(&err);
    if (kh_dataset_load_mem(ds, "units", "units.csv", units_csv, strlen(units_csv), &err))
        fail_msg("units: %s", err.msg);
    return ds;
}

/* Load data[0..len) as `kind` named `name`. */
static int load(struct kh_dataset *ds, const char *kind, const char *name, const char *data,
                size_t len)
{
    kh_err_clear(&err);
    return kh_dataset_load_mem(ds, kind, name, data, len, &err);
}

/* Assert that the last error is `code` at `file` (the spreadsheet position)
 * with `words` in its message. */
static void expect_err(int rc, int code, const char *file, const char *words)
{
    if (rc != code)
        fail_msg("status %d, expected %d: %s: %s", rc, code, err.file, err.msg);
    assert_int_equal(err.code, code);
    if (file && strcmp(err.file, file) != 0)
        fail_msg("error in \"%s\", expected \"%s\": %s", err.file, file, err.msg);
    if (words && !strstr(err.msg, words))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
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

/* The first occurrence of needle[0..n) in hay[0..len), or NULL. */
static char *find_bytes(char *hay, size_t len, const char *needle, size_t n)
{
    size_t i;
    for (i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

/* ---- workbooks written with libxlsxwriter ---------------------------------- */

/* Write rows of '|'-separated cells from row `first` (0-based): a cell
 * that reads as a number is written as one (as a spreadsheet would take
 * it), others as strings, empty cells not at all. */
static void put_rows(lxw_worksheet *ws, int first, const char *const *rows, int n)
{
    char cell[256], *end;
    int r, c;

    for (r = 0; r < n; r++) {
        const char *p = rows[r];
        for (c = 0;; c++) {
            size_t len = strcspn(p, "|");
            double v;
            snprintf(cell, sizeof(cell), "%.*s", (int)len, p);
            v = strtod(cell, &end);
            if (len && *end == 0 && end != cell)
                worksheet_write_number(ws, (lxw_row_t)(first + r), (lxw_col_t)c, v, NULL);
            else if (len)
                worksheet_write_string(ws, (lxw_row_t)(first + r), (lxw_col_t)c, cell, NULL);
            if (!p[len])
                break;
            p += len + 1;
        }
    }
}

/* Close workbook wb (written to `path`) and read the file into memory. */
static char *book_done(lxw_workbook *wb, const char *path, size_t *len)
{
    char *data;
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    data = xf_read(path, len);
    assert_non_null(data);
    return data;
}

/* A one-sheet workbook of `rows` (put_rows) at path; returned in memory. */
static char *one_sheet(const char *path, const char *const *rows, int n, size_t *len)
{
    lxw_workbook *wb = workbook_new(path);
    put_rows(workbook_add_worksheet(wb, NULL), 0, rows, n);
    return book_done(wb, path, len);
}

/* ---- reading rows through the reader's own API ------------------------------ */

#define GOT_ROWS 32
#define GOT_COLS 12

/* What a read saw: each row's number, and each cell's text and type. */
static struct {
    int n;
    int row[GOT_ROWS], ncells[GOT_ROWS];
    char text[GOT_ROWS][GOT_COLS][80];
    unsigned char type[GOT_ROWS][GOT_COLS];
    double num[GOT_ROWS][GOT_COLS];
} got;

static int collect(void *ctx, struct xlsx_row *r)
{
    int c;
    (void)ctx;
    assert_true(r->ncells >= 1);
    assert_true(r->len[r->ncells - 1] > 0);
    if (got.n >= GOT_ROWS)
        return 1;
    got.row[got.n] = r->row;
    got.ncells[got.n] = r->ncells;
    for (c = 0; c < r->ncells && c < GOT_COLS; c++) {
        assert_int_equal(strlen(r->text[c]), r->len[c]);
        snprintf(got.text[got.n][c], sizeof(got.text[0][0]), "%s", r->text[c]);
        got.type[got.n][c] = r->type[c];
        got.num[got.n][c] = r->num[c];
    }
    got.n++;
    return 0;
}

/* Read the first sheet of data[0..len) into `got`; returns the status. */
static int read_book(const char *data, size_t len, const struct xlsx_limits *lim)
{
    struct xlsx *x;
    int rc, sheet;

    memset(&got, 0, sizeof(got));
    kh_err_clear(&err);
    rc = xlsx_open_mem(&x, "book.xlsx", data, len, lim, &err);
    if (rc)
        return rc;
    sheet = xlsx_sheet_choose(x, NULL, &err);
    rc = sheet < 0 ? sheet : xlsx_sheet_read(x, sheet, collect, NULL, &err);
    xlsx_free(x);
    return rc;
}

/* read_book of a hand-made one-sheet workbook; frees it. */
static int read_rows(const char *rows, const char *after, const char *sst, const char *styles,
                     const struct xlsx_limits *lim)
{
    size_t len;
    char *data = xf_book(rows, after, sst, styles, &len);
    int rc = read_book(data, len, lim);
    free(data);
    return rc;
}

static int count_row(void *ctx, struct xlsx_row *r)
{
    (void)r;
    ++*(long *)ctx;
    return 0;
}

/* Read every row of the first sheet of data[0..len), counting them. */
static int read_all(const char *data, size_t len, long *rows)
{
    struct xlsx *x;
    int rc;

    kh_err_clear(&err);
    rc = xlsx_open_mem(&x, "book.xlsx", data, len, NULL, &err);
    if (rc)
        return rc;
    rc = xlsx_sheet_read(x, 0, count_row, rows, &err);
    xlsx_free(x);
    return rc;
}

/* Assert that row i of `got` is row `row` with the cells in `cells`
 * ('|'-separated texts). */
static void expect_row(int i, int row, const char *cells)
{
    char want[GOT_COLS][80];
    int n = 0;
    const char *p = cells;

    assert_true(i < got.n);
    for (;;) {
        size_t len = strcspn(p, "|");
        snprintf(want[n++], sizeof(want[0]), "%.*s", (int)len, p);
        if (!p[len])
            break;
        p += len + 1;
    }
    if (got.row[i] != row || got.ncells[i] != n)
        fail_msg("row %d: got row %d with %d cells, expected row %d with %d", i, got.row[i],
                 got.ncells[i], row, n);
    for (n = 0; n < got.ncells[i]; n++)
        if (strcmp(got.text[i][n], want[n]) != 0)
            fail_msg("row %d cell %d: \"%s\", expected \"%s\"", row, n + 1, got.text[i][n],
                     want[n]);
}

/* ---- the dataset from workbooks --------------------------------------------- */

static const char *const values_rows[] = {
    "unit|indicator|period|value", "T01|gdp|2024|8.5",        "T01|gdp|2024H1|7.9", "T02|gdp|2024|",
    "P01|revenue|2024Q3|1.5e3",    "T02|revenue|2024Q3|-0.1",
};

static void test_xlsx_values_sheet_loads_like_the_csv(void **state)
{
    static const char csv[] = "unit,indicator,period,value\nT01,gdp,2024,8.5\n"
                              "T01,gdp,2024H1,7.9\nT02,gdp,2024,\nP01,revenue,2024Q3,1.5e3\n"
                              "T02,revenue,2024Q3,-0.1\n";
    struct kh_dataset *a = with_units(), *b = with_units();
    char why[300], *data;
    size_t len;
    (void)state;

    data = one_sheet(xf_path("values.xlsx"), values_rows, 6, &len);
    assert_int_equal(load(a, "values", "values.csv", csv, strlen(csv)), KH_OK);
    if (load(b, "values", "values.xlsx", data, len))
        fail_msg("%s: %s", err.file, err.msg);
    if (!xf_same_dataset(a, b, why, sizeof(why)))
        fail_msg("%s", why);
    assert_string_equal(b->files[1], "values.xlsx [Sheet1]");
    assert_string_equal(kh_dataset_file_encoding(b, 1), "UTF-8");
    assert_true(value_of(b, "P01", "revenue", "2024Q3") == 1500);
    assert_true(isnan(value_of(b, "T02", "gdp", "2024")));
    assert_int_equal(b->values[3].line, 5); /* rows are lines */
    free(data);
    kh_dataset_free(a);
    kh_dataset_free(b);
}

static void test_xlsx_load_file_reads_the_workbook_from_disk(void **state)
{
    static const char *const rows[] = {"编码|名称|赛道|上级|标签|难度系数", "D01|城关片区|area",
                                       "T01|城关镇|town|D01|中心城区；山区|1.2",
                                       "T02|城南镇|town|D01|中心城区"};
    struct kh_dataset *ds = kh_dataset_new();
    const char *path = xf_path("units.xlsx");
    size_t len;
    (void)state;

    free(one_sheet(path, rows, 4, &len));
    kh_err_clear(&err);
    if (kh_dataset_load_file(ds, "units", path, &err))
        fail_msg("%s: %s", err.file, err.msg);
    assert_int_equal(ds->nunits, 3);
    assert_string_equal(ds->units[1].name, "城关镇");
    assert_int_equal(ds->units[1].ntags, 2);
    assert_string_equal(ds->units[1].tags[1], "山区");
    assert_int_equal(ds->units[1].nattrs, 1);
    assert_true(ds->units[1].attr_values[0] == 1.2);
    assert_string_equal(ds->units[2].parent, "D01");
    assert_non_null(strstr(ds->files[0], "units.xlsx [Sheet1]"));
    kh_dataset_free(ds);
}

static void test_xlsx_error_names_sheet_row_and_column(void **state)
{
    const char *rows[17];
    struct kh_dataset *ds = with_units();
    char *data, buf[16][40];
    size_t len;
    int i;
    (void)state;

    rows[0] = "unit|indicator|period|value";
    for (i = 1; i < 16; i++) {
        snprintf(buf[i], sizeof(buf[i]), "T01|ind%d|2024|%d", i, i);
        rows[i] = buf[i];
    }
    rows[16] = "T02|gdp|2024|12,3";
    data = one_sheet(xf_path("bad.xlsx"), rows, 17, &len);
    expect_err(load(ds, "values", "values.xlsx", data, len), KH_EINVAL, "values.xlsx [Sheet1]!D17",
               "column \"value\": \"12,3\" is not a number");
    assert_int_equal(err.line, 0);
    assert_int_equal(err.col, 0);
    /* All or nothing: the fifteen good rows were not kept. */
    assert_int_equal(ds->nvalues, 0);
    assert_int_equal(ds->nfiles, 1);
    assert_int_equal(ds->nindicators, 0);
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_row_errors_name_the_row_and_header_errors_the_cell(void **state)
{
    static const char *const dup[] = {"unit|indicator|period|value", "T01|gdp|2024|1",
                                      "T01|gdp|2024|2"};
    static const char *const head[] = {"unit|indicator|period|vlaue", "T01|gdp|2024|1"};
    struct kh_dataset *ds = with_units();
    char *data;
    size_t len;
    (void)state;

    data = one_sheet(xf_path("dup.xlsx"), dup, 3, &len);
    expect_err(load(ds, "values", "values.xlsx", data, len), KH_EINVAL,
               "values.xlsx [Sheet1] row 3", "duplicate value for unit T01");
    free(data);
    data = one_sheet(xf_path("head.xlsx"), head, 2, &len);
    expect_err(load(ds, "values", "values.xlsx", data, len), KH_EINVAL, "values.xlsx [Sheet1]!D1",
               "unknown column \"vlaue\"");
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_empty_sheet_and_unit_parent_errors(void **state)
{
    static const char *const units[] = {"id|name|category|parent", "T01|城关镇|town|D09"};
    struct kh_dataset *ds = kh_dataset_new();
    lxw_workbook *wb;
    char *data;
    size_t len;
    (void)state;

    wb = workbook_new(xf_path("empty.xlsx"));
    workbook_add_worksheet(wb, "空表");
    data = book_done(wb, xf_path("empty.xlsx"), &len);
    expect_err(load(ds, "units", "units.xlsx", data, len), KH_EINVAL, "units.xlsx [空表]",
               "the sheet is empty");
    free(data);
    data = one_sheet(xf_path("parent.xlsx"), units, 2, &len);
    expect_err(load(ds, "units", "units.xlsx", data, len), KH_EINVAL, "units.xlsx [Sheet1]!D2",
               "unknown parent unit \"D09\"");
    assert_int_equal(ds->nunits, 0);
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_dates_in_the_period_column_become_months(void **state)
{
    const char *path = xf_path("months.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *ym = workbook_add_format(wb), *d14 = workbook_add_format(wb);
    lxw_datetime jul = {2024, 7, 31, 0, 0, 0}, aug = {2024, 8, 1, 0, 0, 0};
    struct kh_dataset *ds = with_units();
    char *data;
    size_t len;
    (void)state;

    format_set_num_format(ym, "yyyy-mm");
    format_set_num_format_index(d14, 14);
    put_rows(ws, 0, (const char *const[]){"unit|indicator|period|value|note"}, 1);
    put_rows(ws, 1, (const char *const[]){"T01|gdp", "T02|gdp", "T01|gdp|2024"}, 3);
    worksheet_write_datetime(ws, 1, 2, &jul, ym);
    worksheet_write_number(ws, 1, 3, 1, NULL);
    worksheet_write_datetime(ws, 2, 2, &aug, d14);
    worksheet_write_number(ws, 2, 3, 2, NULL);
    worksheet_write_datetime(ws, 2, 4, &aug, d14); /* a date as a remark: fine */
    worksheet_write_number(ws, 3, 3, 3, NULL);
    data = book_done(wb, path, &len);
    if (load(ds, "values", "values.xlsx", data, len))
        fail_msg("%s: %s", err.file, err.msg);
    assert_true(value_of(ds, "T01", "gdp", "2024-07") == 1);
    assert_true(value_of(ds, "T02", "gdp", "2024-08") == 2);
    assert_true(value_of(ds, "T01", "gdp", "2024") == 3);
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_percent_cells_are_refused_as_values_with_advice(void **state)
{
    const char *path = xf_path("percent.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *pct = workbook_add_format(wb);
    struct kh_dataset *ds = with_units();
    char *data;
    size_t len;
    (void)state;

    format_set_num_format(pct, "0.0%");
    put_rows(ws, 0, (const char *const[]){"unit|indicator|period|value", "T01|rate|2024"}, 2);
    worksheet_write_number(ws, 1, 3, 0.125, pct);
    data = book_done(wb, path, &len);
    expect_err(load(ds, "values", "values.xlsx", data, len), KH_EINVAL, "values.xlsx [Sheet1]!D2",
               "\"12.5%\" is not a number: values are plain numbers");
    assert_int_equal(read_book(data, len, NULL), KH_OK);
    assert_int_equal(got.type[1][3], XLSX_PERCENT);
    assert_string_equal(got.text[1][3], "12.5%");
    assert_true(got.num[1][3] == 0.125);
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_booleans_formulas_and_errors_in_the_loaders(void **state)
{
    const char *path = xf_path("events.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    struct kh_dataset *ds = with_units();
    char *data;
    size_t len;
    (void)state;

    put_rows(ws, 0,
             (const char *const[]){"unit|item|period|exempt|count", "T01|honour|2024",
                                   "T02|accident|2024-03"},
             3);
    worksheet_write_boolean(ws, 1, 3, 0, NULL);
    worksheet_write_boolean(ws, 2, 3, 1, NULL);
    worksheet_write_formula_num(ws, 1, 4, "=1+1", NULL, 2); /* the cached 2 is read */
    worksheet_write_formula_str(ws, 2, 0, "=\"T\"&\"02\"", NULL, "T02");
    data = book_done(wb, path, &len);
    if (load(ds, "events", "events.xlsx", data, len))
        fail_msg("%s: %s", err.file, err.msg);
    assert_int_equal(ds->nevents, 2);
    assert_int_equal(ds->events[0].exempt, 0);
    assert_true(ds->events[0].count == 2);
    assert_int_equal(ds->events[1].exempt, 1);
    assert_int_equal(ds->events[1].unit, kh_dataset_unit(ds, "T02"));
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_error_cell_says_the_spreadsheet_holds_an_error(void **state)
{
    size_t len;
    struct kh_dataset *ds = with_units();
    char *data = xf_book("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>unit</t></is></c>"
                         "<c r=\"B1\" t=\"inlineStr\"><is><t>indicator</t></is></c>"
                         "<c r=\"C1\" t=\"inlineStr\"><is><t>period</t></is></c>"
                         "<c r=\"D1\" t=\"inlineStr\"><is><t>value</t></is></c></row>"
                         "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>T01</t></is></c>"
                         "<c r=\"B2\" t=\"inlineStr\"><is><t>gdp</t></is></c>"
                         "<c r=\"C2\"><v>2024</v></c>"
                         "<c r=\"D2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>",
                         NULL, NULL, NULL, &len);
    (void)state;

    expect_err(load(ds, "values", "values.xlsx", data, len), KH_EINVAL, "values.xlsx [Sheet1]!D2",
               "the spreadsheet cell holds an error");
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_merged_cells_are_reported_not_filled(void **state)
{
    const char *path = xf_path("merged.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    const struct xlsx_range *m;
    struct kh_dataset *ds = with_units();
    struct xlsx *x;
    char *data;
    size_t len, n;
    (void)state;

    put_rows(ws, 0,
             (const char *const[]){"unit|indicator|period|value", "|gdp|2024|1", "|revenue|2024|2"},
             3);
    worksheet_merge_range(ws, 1, 0, 2, 0, "T01", NULL);
    data = book_done(wb, path, &len);
    assert_int_equal(xlsx_open_mem(&x, "merged.xlsx", data, len, NULL, &err), KH_OK);
    assert_int_equal(xlsx_sheet_merges(x, 0, &m, &n, &err), KH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(m[0].row1, 2);
    assert_int_equal(m[0].col1, 1);
    assert_int_equal(m[0].row2, 3);
    assert_int_equal(m[0].col2, 1);
    xlsx_free(x);
    assert_int_equal(read_book(data, len, NULL), KH_OK);
    expect_row(1, 2, "T01|gdp|2024|1");
    expect_row(2, 3, "|revenue|2024|2"); /* not repeated */
    expect_err(load(ds, "values", "values.xlsx", data, len), KH_EINVAL, "values.xlsx [Sheet1]!A3",
               "the unit id is empty (the cell is inside the merged "
               "range A2:A3, whose value is only in A2");
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_sheets_first_visible_by_default_or_by_name(void **state)
{
    const char *path = xf_path("sheets.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *notes = workbook_add_worksheet(wb, "说明");
    lxw_worksheet *vals = workbook_add_worksheet(wb, "values");
    lxw_worksheet *other = workbook_add_worksheet(wb, "Other");
    struct kh_dataset *ds = with_units();
    struct xlsx *x;
    size_t len;
    (void)state;

    worksheet_write_string(notes, 0, 0, "填表说明", NULL);
    put_rows(vals, 0, values_rows, 3);
    put_rows(other, 0, (const char *const[]){"unit|indicator|period|value", "T02|gdp|2023|4"}, 2);
    worksheet_activate(vals);
    worksheet_hide(notes);
    free(book_done(wb, path, &len));
    assert_int_equal(xlsx_open_file(&x, path, NULL, &err), KH_OK);
    assert_int_equal(xlsx_sheet_count(x), 3);
    assert_string_equal(xlsx_sheet_name(x, 0), "说明");
    assert_true(xlsx_sheet_hidden(x, 0));
    assert_true(xlsx_sheet_is_worksheet(x, 1));
    assert_int_equal(xlsx_sheet_choose(x, NULL, &err), 1);
    assert_int_equal(xlsx_sheet_choose(x, "OTHER", &err), 2);
    xlsx_free(x);

    kh_err_clear(&err);
    if (kh_dataset_load_file(ds, "values", path, &err))
        fail_msg("%s: %s", err.file, err.msg);
    assert_int_equal(ds->nvalues, 2);
    assert_non_null(strstr(ds->files[1], "sheets.xlsx [values]"));
    if (kh_dataset_load_sheet(ds, "values", path, "other", &err))
        fail_msg("%s: %s", err.file, err.msg);
    assert_true(value_of(ds, "T02", "gdp", "2023") == 4);
    expect_err(kh_dataset_load_sheet(ds, "values", path, "数据", &err), KH_ENOTFOUND, NULL,
               "no sheet named \"数据\": the workbook has \"说明\", \"values\", \"Other\"");
    kh_dataset_free(ds);
}

static void test_xlsx_filled_template_loads_as_values(void **state)
{
    static const char *const good[] = {"kaohe-template|1|period|2024-07|scheme|s1",
                                       "2024年7月数据填报",
                                       "",
                                       "",
                                       "",
                                       "unit|unit_name|category|gdp|revenue",
                                       "T01|城关镇|town|8.5",
                                       "T02|城南镇|town||31000"};
    struct kh_dataset *ds = with_units();
    char *data;
    size_t len;
    (void)state;

    data = one_sheet(xf_path("template.xlsx"), good, 8, &len);
    if (load(ds, "values", "template.xlsx", data, len))
        fail_msg("%s: %s", err.file, err.msg);
    assert_int_equal(ds->nvalues, 2);
    assert_true(value_of(ds, "T01", "gdp", "2024-07") == 8.5);
    assert_true(value_of(ds, "T02", "revenue", "2024-07") == 31000);
    assert_int_equal(ds->values[1].line, 8);
    free(data);
    kh_dataset_free(ds);
    ds = with_units();
    data = one_sheet(xf_path("template.xlsx"),
                     (const char *const[]){"kaohe-template|1|period|2024-07", "",
                                           "unit|unit_name|category|gdp|revenue",
                                           "T01|城关镇|town|8.5|3万"},
                     4, &len);
    expect_err(load(ds, "values", "template.xlsx", data, len), KH_EINVAL,
               "template.xlsx [Sheet1]!E4", "\"3万\" is not a number");
    assert_int_equal(ds->nvalues, 0);
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_load_dir_takes_a_workbook_for_a_missing_csv(void **state)
{
    struct kh_dataset *ds = kh_dataset_new();
    char dir[600];
    size_t len;
    (void)state;

    snprintf(dir, sizeof(dir), "%s", xf_path("folder"));
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(xf_write(xf_path("folder/units.csv"), units_csv, strlen(units_csv)), 0);
    free(one_sheet(xf_path("folder/values.xlsx"), values_rows, 6, &len));
    kh_err_clear(&err);
    if (kh_dataset_load_dir(ds, dir, &err))
        fail_msg("%s: %s", err.file, err.msg);
    assert_int_equal(ds->nvalues, 5);
    kh_dataset_free(ds);

    ds = kh_dataset_new();
    assert_int_equal(xf_write(xf_path("folder/values.csv"), "unit,indicator,period,value\n", 28),
                     0);
    expect_err(kh_dataset_load_dir(ds, dir, &err), KH_EINVAL, NULL,
               "holds both values.csv and values.xlsx");
    kh_dataset_free(ds);
}

/* ---- cells, as the reader reports them --------------------------------------- */

static void test_xlsx_shared_strings_join_rich_runs_and_drop_phonetics(void **state)
{
    int rc = read_rows("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\">"
                       "<v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>",
                       NULL,
                       "<si><t>plain</t></si>"
                       "<si><r><rPr><b/></rPr><t>城关</t></r><r><t xml:space=\"preserve\"> 镇"
                       "</t></r><rPh sb=\"0\" eb=\"1\"><t>じょう</t></rPh></si>"
                       "<si><t>a_x000D_b_x005F_x0041_&amp;&lt;</t></si>",
                       NULL, NULL);
    (void)state;
    assert_int_equal(rc, KH_OK);
    expect_row(0, 1, "plain|城关 镇|a\rb_x0041_&<");
    assert_int_equal(got.type[0][1], XLSX_TEXT);
}

static void test_xlsx_rich_strings_from_libxlsxwriter(void **state)
{
    const char *path = xf_path("rich.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *bold = workbook_add_format(wb);
    lxw_rich_string_tuple a = {NULL, "城关"}, b = {bold, "镇"};
    lxw_rich_string_tuple *runs[] = {&a, &b, NULL};
    char *data;
    size_t len;
    (void)state;

    format_set_bold(bold);
    worksheet_write_rich_string(ws, 0, 0, runs, NULL);
    data = book_done(wb, path, &len);
    assert_int_equal(read_book(data, len, NULL), KH_OK);
    expect_row(0, 1, "城关镇");
    free(data);
}

static void test_xlsx_inline_strings_from_constant_memory_mode(void **state)
{
    const char *path = xf_path("inline.xlsx");
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    char *data;
    size_t len;
    (void)state;

    put_rows(ws, 0, values_rows, 3);
    data = book_done(wb, path, &len);
    assert_null(find_bytes(data, len, "xl/sharedStrings.xml", 20)); /* inline strings only */
    assert_int_equal(read_book(data, len, NULL), KH_OK);
    assert_int_equal(got.n, 3);
    expect_row(0, 1, "unit|indicator|period|value");
    expect_row(2, 3, "T01|gdp|2024H1|7.9");
    free(data);
}

static void test_xlsx_cell_types_numbers_booleans_errors_and_cached_formulas(void **state)
{
    int rc = read_rows("<row r=\"1\"><c r=\"A1\"><v>12.5</v></c><c r=\"B1\" t=\"b\"><v>1</v></c>"
                       "<c r=\"C1\" t=\"b\"><v>0</v></c><c r=\"D1\" t=\"e\"><v>#N/A</v></c>"
                       "<c r=\"E1\" t=\"str\"><f>A1&amp;\"x\"</f><v>12.5x</v></c>"
                       "<c r=\"F1\"><f>A1*2</f><v>25</v></c><c r=\"G1\"><f>A1*3</f></c>"
                       "<c r=\"H1\" t=\"n\"><v> 1E-3 </v></c>"
                       "<c r=\"I1\" t=\"d\"><v>2024-07-31T00:00:00</v></c>"
                       "<c r=\"J1\" t=\"inlineStr\"><is><t>x</t></is></c></row>",
                       NULL, NULL, NULL, NULL);
    (void)state;
    assert_int_equal(rc, KH_OK);
    expect_row(0, 1, "12.5|TRUE|FALSE|#N/A|12.5x|25||1E-3|2024-07-31|x");
    assert_int_equal(got.type[0][0], XLSX_NUMBER);
    assert_true(got.num[0][0] == 12.5);
    assert_int_equal(got.type[0][1], XLSX_BOOL);
    assert_true(got.num[0][2] == 0);
    assert_int_equal(got.type[0][3], XLSX_ERROR);
    assert_int_equal(got.type[0][4], XLSX_TEXT);
    assert_int_equal(got.type[0][6], XLSX_EMPTY); /* a formula never computed */
    assert_true(got.num[0][7] == 0.001);
    assert_int_equal(got.type[0][8], XLSX_DATE);
}

static const char styles_xml[] = XF_DECL
    "<styleSheet " XF_NS "><numFmts count=\"3\">"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"[h]:mm:ss\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"[Red][&gt;100]#,##0.00&quot;d&quot;;0\"/>"
    "</numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"8\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
    "<xf numFmtId=\"22\"/><xf numFmtId=\"20\"/><xf numFmtId=\"10\"/><xf numFmtId=\"165\"/>"
    "<xf numFmtId=\"166\"/><xf numFmtId=\"31\"/></cellXfs>"
    "<dxfs count=\"1\"><dxf><numFmt numFmtId=\"167\" formatCode=\"yyyy\"/></dxf></dxfs>"
    "</styleSheet>";

static void test_xlsx_dates_times_and_percentages_follow_the_cell_format(void **state)
{
    int rc =
        read_rows("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45504</v></c>"
                  "<c r=\"B1\" s=\"2\"><v>45504.75</v></c><c r=\"C1\" s=\"3\"><v>45504.75</v></c>"
                  "<c r=\"D1\" s=\"4\"><v>0.5</v></c><c r=\"E1\" s=\"5\"><v>0.07</v></c>"
                  "<c r=\"F1\" s=\"6\"><v>0.25</v></c><c r=\"G1\" s=\"7\"><v>3</v></c>"
                  "<c r=\"H1\" s=\"8\"><v>45504</v></c><c r=\"I1\" s=\"1\"><v>-1</v></c>"
                  "<c r=\"J1\" s=\"99\"><v>7</v></c></row>"
                  "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>1</v></c><c r=\"B2\" s=\"1\"><v>59</v></c>"
                  "<c r=\"C2\" s=\"1\"><v>60</v></c><c r=\"D2\" s=\"1\"><v>61</v></c>"
                  "<c r=\"E2\" s=\"3\"><v>45504.999999</v></c></row>",
                  NULL, NULL, styles_xml, NULL);
    (void)state;
    assert_int_equal(rc, KH_OK);
    expect_row(0, 1,
               "2024-07-31|2024-07-31|2024-07-31T18:00:00|12:00:00|7%|06:00:00|3|"
               "2024-07-31|-1|7");
    assert_int_equal(got.type[0][0], XLSX_DATE);
    assert_true(got.num[0][0] == 45504);
    assert_int_equal(got.type[0][3], XLSX_TIME);
    assert_int_equal(got.type[0][4], XLSX_PERCENT);
    assert_int_equal(got.type[0][6], XLSX_NUMBER);
    assert_int_equal(got.type[0][8], XLSX_NUMBER); /* before 1900: no date */
    expect_row(1, 2, "1900-01-01|1900-02-28|1900-02-29|1900-03-01|2024-08-01T00:00:00");
}

static void test_xlsx_date1904_workbooks(void **state)
{
    static const char wb1904[] =
        XF_DECL "<workbook " XF_NS "><workbookPr date1904=\"1\"/><sheets><sheet name=\"Sheet1\" "
                "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    struct xf_part over = {"xl/workbook.xml", wb1904, 0};
    size_t len;
    char *data = xf_book_ex("<row r=\"1\"><c s=\"1\"><v>0</v></c><c s=\"1\"><v>1461</v></c>"
                            "<c s=\"1\"><v>44042</v></c></row>",
                            NULL, NULL, styles_xml, &over, 1, 0, &len);
    (void)state;
    assert_int_equal(read_book(data, len, NULL), KH_OK);
    expect_row(0, 1, "1904-01-01|1908-01-01|2024-07-31");
    free(data);
}

static void test_xlsx_sparse_rows_and_cells_fill_gaps(void **state)
{
    int rc = read_rows("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
                       "<c r=\"C1\"><v>3</v></c><c r=\"E1\" s=\"0\"/></row>"
                       "<row r=\"2\" spans=\"1:3\"/><row r=\"4\"><c r=\"B4\"><v>5</v></c></row>"
                       "<row><c><v>6</v></c><c><v>7</v></c><c r=\"E5\"><v>8</v></c><c><v>9</v>"
                       "</c></row><row r=\"7\"><c r=\"A7\" t=\"inlineStr\"><is><t/></is></c></row>",
                       NULL, NULL, NULL, NULL);
    (void)state;
    assert_int_equal(rc, KH_OK);
    assert_int_equal(got.n, 3); /* rows 2 and 7 hold nothing */
    expect_row(0, 1, "a||3");
    expect_row(1, 4, "|5");
    expect_row(2, 5, "6|7|||8|9");
}

static void test_xlsx_cells_out_of_order_within_a_row_are_sorted(void **state)
{
    int rc = read_rows("<row r=\"3\"><c r=\"D3\"><v>4</v></c><c r=\"A3\"><v>1</v></c>"
                       "<c r=\"B3\"><v>2</v></c></row>",
                       NULL, NULL, NULL, NULL);
    (void)state;
    assert_int_equal(rc, KH_OK);
    expect_row(0, 3, "1|2||4");
}

static void test_xlsx_rows_out_of_order_and_cells_given_twice_are_refused(void **state)
{
    (void)state;
    expect_err(read_rows("<row r=\"2\"><c r=\"A2\"><v>1</v></c></row>"
                         "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>",
                         NULL, NULL, NULL, NULL),
               KH_EINVAL, "book.xlsx [Sheet1] row 1", "row 1 comes after row 2");
    expect_err(read_rows("<row r=\"2\"><c r=\"B2\"><v>1</v></c><c r=\"A2\"><v>1</v></c>"
                         "<c r=\"B2\"><v>2</v></c></row>",
                         NULL, NULL, NULL, NULL),
               KH_EINVAL, "book.xlsx [Sheet1]!B2", "cell B2 is given twice");
    expect_err(read_rows("<row r=\"2\"><c r=\"A3\"><v>1</v></c></row>", NULL, NULL, NULL, NULL),
               KH_EINVAL, "book.xlsx [Sheet1] row 2", "cell A3 is out of place in row 2");
    expect_err(read_rows("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>3</v></c></row>", NULL,
                         "<si><t>a</t></si>", NULL, NULL),
               KH_EINVAL, "book.xlsx [Sheet1]!A1",
               "refers to shared string \"3\", but the table has 1");
    expect_err(read_rows("<row r=\"1\"><c r=\"A1\"><v>12,5</v></c></row>", NULL, NULL, NULL, NULL),
               KH_EINVAL, "book.xlsx [Sheet1]!A1", "holds \"12,5\" as a number");
    expect_err(
        read_rows("<row r=\"1\"><c r=\"A1\" t=\"q\"><v>1</v></c></row>", NULL, NULL, NULL, NULL),
        KH_EINVAL, "book.xlsx [Sheet1]!A1", "unknown cell type t=\"q\"");
}

static void test_xlsx_strict_namespaces_and_missing_root_rels(void **state)
{
    static const char wb[] =
        "<workbook xmlns=\"http://purl.oclc.org/ooxml/spreadsheetml/main\" "
        "xmlns:r=\"http://purl.oclc.org/ooxml/officeDocument/relationships\"><sheets>"
        "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>";
    static const char rels[] =
        "<Relationships xmlns=\"" XF_PKG "\"><Relationship Id=\"rId7\" "
        "Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet\" "
        "Target=\"/xl/./sheets/../worksheets/s.xml\"/></Relationships>";
    static const char sheet[] =
        "<x:worksheet xmlns:x=\"http://purl.oclc.org/ooxml/spreadsheetml/main\" "
        "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
        "<mc:AlternateContent><x:sheetData><x:row><x:c><x:v>9</x:v></x:c></x:row>"
        "</x:sheetData></mc:AlternateContent>"
        "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\"><x:v>1</x:v></x:c></x:row></x:sheetData>"
        "</x:worksheet>";
    struct xf_part over[] = {{"_rels/.rels", NULL, 0},
                             {"xl/workbook.xml", wb, 0},
                             {"xl/_rels/workbook.xml.rels", rels, 0},
                             {"xl/worksheets/s.xml", sheet, 0}};
    size_t len;
    char *data = xf_book_ex("", NULL, NULL, NULL, over, 4, 0, &len);
    (void)state;
    assert_int_equal(read_book(data, len, NULL), KH_OK);
    assert_int_equal(got.n, 1);
    expect_row(0, 1, "1");
    free(data);
}

/* ---- malformed and hostile files --------------------------------------------- */

static void test_xlsx_not_a_zip_and_truncated_zips_are_refused(void **state)
{
    struct kh_dataset *ds = with_units();
    struct xlsx *x;
    size_t len;
    char *data = one_sheet(xf_path("whole.xlsx"), values_rows, 6, &len);
    (void)state;

    kh_err_clear(&err);
    expect_err(xlsx_open_mem(&x, "a.xlsx", "unit,value\n", 11, NULL, &err), KH_EINVAL, "a.xlsx",
               "not an .xlsx file");
    assert_null(x);
    expect_err(load(ds, "values", "values.xlsx", data, len / 2), KH_EINVAL, "values.xlsx",
               "truncated or damaged");
    expect_err(load(ds, "values", "values.xlsx", data, len - 5), KH_EINVAL, "values.xlsx",
               "truncated or damaged");
    assert_int_equal(xf_write(xf_path("cut.xlsx"), data, len * 2 / 3), 0);
    kh_err_clear(&err);
    expect_err(kh_dataset_load_file(ds, "values", xf_path("cut.xlsx"), &err), KH_EINVAL, NULL,
               "the file starts like an .xlsx (zip) file but is truncated or damaged");
    assert_int_equal(ds->nvalues, 0);
    assert_int_equal(ds->nfiles, 1);
    free(data);
    kh_dataset_free(ds);
}

static void test_xlsx_damaged_compressed_data_is_refused(void **state)
{
    char big[20000], *data, *hit;
    size_t len, i;
    (void)state;

    for (i = 0; i + 40 < sizeof(big); i += 40)
        snprintf(big + i, 41, "<row><c><v>%08zu</v></c></row>       ", i * 7919 % 99999999);
    data = xf_book(big, NULL, NULL, NULL, &len);
    /* Spoil the middle of the sheet's deflated data. */
    hit = find_bytes(data, len, "worksheets/sheet1.xml", 21);
    assert_non_null(hit);
    hit += 21 + 600;
    for (i = 0; i < 64; i++)
        hit[i] ^= 0x5A;
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx", "damaged");
    free(data);
}

static void test_xlsx_encrypted_or_xls_files_are_refused(void **state)
{
    static const unsigned char ole[512] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    struct kh_dataset *ds = with_units();
    (void)state;
    expect_err(load(ds, "values", "values.xlsx", (const char *)ole, sizeof(ole)), KH_EINVAL,
               "values.xlsx", "encrypted or old .xls files are not supported; save as .xlsx");
    assert_int_equal(xf_write(xf_path("old.xls"), ole, sizeof(ole)), 0);
    kh_err_clear(&err);
    expect_err(kh_dataset_load_file(ds, "values", xf_path("old.xls"), &err), KH_EINVAL, NULL,
               "encrypted or old .xls files are not supported");
    kh_dataset_free(ds);
}

static void test_xlsx_password_protected_zip_entry_is_refused(void **state)
{
    size_t len;
    char *data;
    (void)state;

    xf_encrypt = "xl/worksheets/sheet1.xml";
    data = xf_book("<row><c><v>1</v></c></row>", NULL, NULL, NULL, &len);
    xf_encrypt = NULL;
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx",
               "xl/worksheets/sheet1.xml is encrypted (password protected): encrypted or old "
               ".xls files are not supported; save as .xlsx");
    free(data);
}

static void test_xlsx_ods_xlsb_and_other_zips_are_refused(void **state)
{
    struct xf_part ods[] = {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0},
                            {"content.xml", "<office:document-content/>", 0}};
    struct xf_part xlsb[] = {{"_rels/.rels", xf_root_rels, 0}, {"xl/workbook.bin", "\1\2\3", 3}};
    struct xf_part docx[] = {{"word/document.xml", "<w:document/>", 0}};
    size_t len;
    char *data;
    (void)state;

    data = xf_zip(ods, 2, 1, &len);
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx", "OpenDocument file (.ods)");
    free(data);
    data = xf_zip(xlsb, 2, 0, &len);
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx", "(.xlsb) is not supported");
    free(data);
    data = xf_zip(docx, 1, 0, &len);
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx",
               "not an Excel workbook: the zip archive holds no xl/workbook.xml");
    free(data);
}

static void test_xlsx_missing_parts_are_refused(void **state)
{
    struct xf_part no_rels = {"xl/_rels/workbook.xml.rels", NULL, 0};
    struct xf_part no_sheet = {"xl/worksheets/sheet1.xml", NULL, 0};
    struct xf_part no_sheets = {"xl/workbook.xml", "<workbook " XF_NS "/>", 0};
    size_t len;
    char *data;
    (void)state;

    data = xf_book_ex("", NULL, NULL, NULL, &no_rels, 1, 0, &len);
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx",
               "lacks its part xl/_rels/workbook.xml.rels");
    free(data);
    data = xf_book_ex("", NULL, NULL, NULL, &no_sheet, 1, 0, &len);
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx",
               "lacks its part xl/worksheets/sheet1.xml");
    free(data);
    data = xf_book_ex("", NULL, NULL, NULL, &no_sheets, 1, 0, &len);
    expect_err(read_book(data, len, NULL), KH_ENOTFOUND, "book.xlsx",
               "the workbook has no worksheet");
    free(data);
    /* The shared strings are listed but absent: a cell using one says so. */
    expect_err(read_rows("<row><c t=\"s\"><v>0</v></c></row>", NULL, NULL, NULL, NULL), KH_EINVAL,
               "book.xlsx [Sheet1]!A1", "but the table has 0");
}

static void test_xlsx_broken_xml_names_part_line_and_column(void **state)
{
    struct xf_part wb = {"xl/workbook.xml",
                         "<workbook " XF_NS "><sheets>\n<sheet name=\"a\">"
                         "</sheets></workbook>",
                         0};
    size_t len;
    char *data;
    (void)state;

    expect_err(read_rows("<row r=\"1\"><c r=\"A1\"><v>1</v></x></row>", NULL, NULL, NULL, NULL),
               KH_EINVAL, "book.xlsx", "xl/worksheets/sheet1.xml:2:");
    assert_non_null(strstr(err.msg, "broken XML: mismatched tag"));
    data = xf_book_ex("", NULL, NULL, NULL, &wb, 1, 0, &len);
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx",
               "xl/workbook.xml:2:19: broken XML: mismatched tag");
    free(data);
    expect_err(
        read_rows("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", NULL, "<si><t>a</si>", NULL, NULL),
        KH_EINVAL, "book.xlsx", "xl/sharedStrings.xml:2:");
}

static void test_xlsx_doctype_and_entities_are_refused(void **state)
{
    static const char lol[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
        "<sst " XF_NS "><si><t>&lol3;</t></si></sst>";
    struct xf_part over = {"xl/sharedStrings.xml", lol, 0};
    struct xf_part wb = {"xl/workbook.xml", "<!DOCTYPE w SYSTEM \"http://x/w.dtd\"><workbook/>", 0};
    size_t len;
    char *data;
    (void)state;

    data = xf_book_ex("<row><c t=\"s\"><v>0</v></c></row>", NULL, NULL, NULL, &over, 1, 0, &len);
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx",
               "xl/sharedStrings.xml:2:16: the XML declares a DOCTYPE");
    free(data);
    data = xf_book_ex("", NULL, NULL, NULL, &wb, 1, 0, &len);
    expect_err(read_book(data, len, NULL), KH_EINVAL, "book.xlsx", "declares a DOCTYPE");
    free(data);
}

/* A shared-string table of n strings of `each` bytes, as <si> elements
 * (malloc'd). */
static char *many_strings(size_t n, size_t each)
{
    size_t i, o = 0, cap = n * (each + 16) + 1;
    char *s = malloc(cap);
    assert_non_null(s);
    for (i = 0; i < n; i++) {
        memcpy(s + o, "<si><t>", 7);
        memset(s + o + 7, 'a' + (int)(i % 26), each);
        memcpy(s + o + 7 + each, "</t></si>", 9);
        o += each + 16;
    }
    s[o] = 0;
    return s;
}

static void test_xlsx_huge_shared_string_table_is_refused(void **state)
{
    struct xlsx_limits lim;
    char *sst;
    (void)state;

    /* Default limits: 68 MB of text, stored (no compression ratio to trip). */
    {
        size_t len;
        char *data;
        sst = many_strings(68000, 1000);
        data = xf_book_ex("<row><c t=\"s\"><v>0</v></c></row>", NULL, sst, NULL, NULL, 0, 1, &len);
        free(sst);
        expect_err(read_book(data, len, NULL), KH_ELIMIT, "book.xlsx",
                   "the shared-string table holds more than 67108864 bytes of text");
        free(data);
    }
    memset(&lim, 0, sizeof(lim));
    lim.max_strings = 1000;
    sst = many_strings(1001, 0);
    expect_err(read_rows("<row><c t=\"s\"><v>0</v></c></row>", NULL, sst, NULL, &lim), KH_ELIMIT,
               "book.xlsx", "holds more than 1000 strings");
    free(sst);
    memset(&lim, 0, sizeof(lim));
    lim.max_cell = 100;
    sst = many_strings(1, 101);
    expect_err(read_rows("<row><c t=\"s\"><v>0</v></c></row>", NULL, sst, NULL, &lim), KH_ELIMIT,
               "book.xlsx", "shared string 0 is longer than 100 bytes");
    free(sst);
}

static void test_xlsx_zip_bomb_is_refused_early(void **state)
{
    size_t n = (size_t)64 << 20, len;
    struct rusage before, after;
    char *rows = malloc(n + 1), *data;
    long rows_seen = 0;
    (void)state;

    /* 64 MiB of one repeated row deflates to about 64 KiB. */
    assert_non_null(rows);
    for (size_t i = 0; i + 32 <= n; i += 32)
        memcpy(rows + i, "<row><c><v>1</v></c></row>      ", 32);
    rows[n] = 0;
    data = xf_book(rows, NULL, NULL, NULL, &len);
    free(rows);
    assert_true(len < n / 200);
    getrusage(RUSAGE_SELF, &before);
    expect_err(read_all(data, len, &rows_seen), KH_ELIMIT, "book.xlsx",
               "refusing it as a zip bomb");
    getrusage(RUSAGE_SELF, &after);
    print_message("zip bomb of %zu bytes refused after %ld rows; peak RSS grew by %ld KiB\n", len,
                  rows_seen, after.ru_maxrss - before.ru_maxrss);
    assert_true(rows_seen < 1100000);
    free(data);
}

static void test_xlsx_part_size_depth_token_and_cell_limits(void **state)
{
    struct xlsx_limits lim;
    char *rows;
    size_t i;
    (void)state;

    memset(&lim, 0, sizeof(lim));
    lim.max_part = 4096;
    rows = malloc(8192);
    for (i = 0; i < 8000; i++)
        rows[i] = ' ';
    rows[i] = 0;
    expect_err(read_rows(rows, NULL, NULL, NULL, &lim), KH_ELIMIT, "book.xlsx",
               "xl/worksheets/sheet1.xml is 8");
    free(rows);

    rows = malloc(2000);
    for (i = 0; i < 100; i++)
        memcpy(rows + 3 * i, "<a>", 3);
    for (i = 0; i < 100; i++)
        memcpy(rows + 300 + 4 * i, "</a>", 4);
    rows[700] = 0;
    expect_err(read_rows(rows, NULL, NULL, NULL, NULL), KH_ELIMIT, "book.xlsx",
               "nested more than 64 deep");
    free(rows);

    memset(&lim, 0, sizeof(lim));
    lim.max_token = 100000;
    rows = malloc(300100);
    snprintf(rows, 300100, "<row r=\"1\" x=\"");
    memset(rows + 14, 'x', 300000);
    snprintf(rows + 300014, 60, "\"/>");
    expect_err(read_rows(rows, NULL, NULL, NULL, &lim), KH_ELIMIT, "book.xlsx",
               "one XML tag or comment runs on for more than 100000 bytes");
    free(rows);

    memset(&lim, 0, sizeof(lim));
    lim.max_cell = 10;
    expect_err(read_rows("<row><c t=\"inlineStr\"><is><t>12345678901</t></is></c></row>", NULL,
                         NULL, NULL, &lim),
               KH_ELIMIT, "book.xlsx [Sheet1]!A1", "more than 10 bytes of text");
    assert_int_equal(read_rows("<row><c t=\"inlineStr\"><is><t>1234567890</t></is></c></row>", NULL,
                               NULL, NULL, &lim),
                     KH_OK);
    expect_row(0, 1, "1234567890");
    expect_err(read_rows("<row><c r=\"XFE1\"><v>1</v></c></row>", NULL, NULL, NULL, NULL),
               KH_EINVAL, "book.xlsx [Sheet1] row 1", "\"XFE1\" is not a cell reference");
    expect_err(read_rows("<row r=\"1048577\"><c><v>1</v></c></row>", NULL, NULL, NULL, NULL),
               KH_EINVAL, "book.xlsx [Sheet1]", "not a row number from 1 to 1048576");
    assert_int_equal(read_rows("<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>", NULL,
                               NULL, NULL, NULL),
                     KH_OK);
    assert_int_equal(got.row[0], 1048576);
    assert_int_equal(got.ncells[0], 16384);
}

/* ---- a million rows (KH_BENCH_ROWS=1000000) ------------------------------------- */

/* Write units.csv and values.xlsx (`rows` values, shared strings, as Excel
 * saves them) into dir. */
static void make_values(const char *dir, long rows)
{
    char path[600], cell[32];
    lxw_workbook *wb;
    lxw_worksheet *ws;
    struct kh_buf b;
    long i;

    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "id,name,category\n");
    for (i = 0; i < 1000; i++)
        kh_buf_printf(&b, "T%04ld,单位%ld,town\n", i, i);
    snprintf(path, sizeof(path), "%s/units.csv", dir);
    if (xf_write(path, kh_buf_str(&b), b.len))
        abort();
    kh_buf_free(&b);
    snprintf(path, sizeof(path), "%s/values.xlsx", dir);
    wb = workbook_new(path);
    ws = workbook_add_worksheet(wb, "values");
    put_rows(ws, 0, (const char *const[]){"unit|indicator|period|value"}, 1);
    for (i = 0; i < rows; i++) {
        long m = i % 12, ind = (i / 12) % 100, unit = (i / 1200) % 1000, year = 2000 + i / 1200000;
        snprintf(cell, sizeof(cell), "T%04ld", unit);
        worksheet_write_string(ws, (lxw_row_t)(i + 1), 0, cell, NULL);
        snprintf(cell, sizeof(cell), "indicator_%03ld", ind);
        worksheet_write_string(ws, (lxw_row_t)(i + 1), 1, cell, NULL);
        snprintf(cell, sizeof(cell), "%ld-%02ld", year, m + 1);
        worksheet_write_string(ws, (lxw_row_t)(i + 1), 2, cell, NULL);
        worksheet_write_number(ws, (lxw_row_t)(i + 1), 3, (double)((i * 7919) % 100000) / 100,
                               NULL);
    }
    if (workbook_close(wb) != LXW_NO_ERROR)
        abort();
}

/* Monotonic time in seconds. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stream the first sheet of `path` with the reader alone; print rows, time
 * and this process's peak RSS. Returns the exit status. */
static int read_only(const char *path)
{
    struct xlsx *x;
    struct rusage ru;
    long rows = 0;
    double t0 = now_seconds();
    int rc = xlsx_open_file(&x, path, NULL, &err);

    if (!rc) {
        rc = xlsx_sheet_read(x, xlsx_sheet_choose(x, NULL, &err), count_row, &rows, &err);
        xlsx_free(x);
    }
    getrusage(RUSAGE_SELF, &ru);
    if (rc) {
        fprintf(stderr, "%s: %s\n", err.file, err.msg);
        return 1;
    }
    printf("read %ld rows in %.2f s, peak RSS %ld KiB\n", rows, now_seconds() - t0, ru.ru_maxrss);
    return 0;
}

/* Load the data folder `dir`; print counts, time and peak RSS. */
static int load_only(const char *dir)
{
    struct kh_dataset *ds = kh_dataset_new();
    struct rusage ru;
    double t0 = now_seconds();
    int rc = kh_dataset_load_dir(ds, dir, &err);

    getrusage(RUSAGE_SELF, &ru);
    if (rc) {
        fprintf(stderr, "%s: %s\n", err.file, err.msg);
        kh_dataset_free(ds);
        return 1;
    }
    printf("loaded %d units, %zu values in %.2f s, peak RSS %ld KiB\n", ds->nunits, ds->nvalues,
           now_seconds() - t0, ru.ru_maxrss);
    kh_dataset_free(ds);
    return 0;
}

static void test_xlsx_million_rows_stream_in_bounded_memory(void **state)
{
    const char *env = getenv("KH_BENCH_ROWS");
    long rows = env ? strtol(env, NULL, 10) : 0;
    char cmd[800];
    (void)state;

    if (rows <= 0)
        skip();
    assert_int_equal(mkdir(xf_path("big"), 0700), 0);
    make_values(xf_path("big"), rows);
    /* Measured in fresh processes: this one holds libxlsxwriter's memory. */
    snprintf(cmd, sizeof(cmd), "/proc/self/exe --read %s/values.xlsx", xf_path("big"));
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "/proc/self/exe --load %s", xf_path("big"));
    assert_int_equal(system(cmd), 0);
}

/* Print a row as "2\tD:2024-07-31\tP:12.5%…": its number, then each cell
 * as a type letter and its text. */
static int dump_row(void *ctx, struct xlsx_row *r)
{
    static const char letters[] = "ENPDTSBX"; /* enum xlsx_type order */
    int c;
    (void)ctx;
    printf("%d", r->row);
    for (c = 0; c < r->ncells; c++)
        printf("\t%c:%s", letters[r->type[c]], r->text[c]);
    printf("\n");
    return 0;
}

/* Print every row of the first visible worksheet of the file at `path`. */
static int dump_file(const char *path)
{
    struct xlsx *x;
    int rc = xlsx_open_file(&x, path, NULL, &err), sheet;

    if (!rc) {
        sheet = xlsx_sheet_choose(x, NULL, &err);
        rc = sheet < 0 ? sheet : xlsx_sheet_read(x, sheet, dump_row, NULL, &err);
        xlsx_free(x);
    }
    if (rc)
        fprintf(stderr, "%s: %s\n", err.file, err.msg);
    return rc ? 1 : 0;
}

/* Load two data folders and compare them record by record. */
static int compare_dirs(const char *a, const char *b)
{
    struct kh_dataset *da = kh_dataset_new(), *db = kh_dataset_new();
    char why[400];
    int rc = 1;

    if (kh_dataset_load_dir(da, a, &err))
        fprintf(stderr, "%s: %s\n", err.file, err.msg);
    else if (kh_dataset_load_dir(db, b, &err))
        fprintf(stderr, "%s: %s\n", err.file, err.msg);
    else if (!xf_same_dataset(da, db, why, sizeof(why)))
        fprintf(stderr, "the datasets differ: %s\n", why);
    else
        rc = 0;
    if (!rc)
        printf("same: %d units, %zu values, %zu targets, %zu events, %zu ballots (%s)\n",
               db->nunits, db->nvalues, db->ntargets, db->nevents, db->nballots,
               db->nfiles ? db->files[db->nfiles - 1] : "");
    kh_dataset_free(da);
    kh_dataset_free(db);
    return rc;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsx_values_sheet_loads_like_the_csv),
        cmocka_unit_test(test_xlsx_load_file_reads_the_workbook_from_disk),
        cmocka_unit_test(test_xlsx_error_names_sheet_row_and_column),
        cmocka_unit_test(test_xlsx_row_errors_name_the_row_and_header_errors_the_cell),
        cmocka_unit_test(test_xlsx_empty_sheet_and_unit_parent_errors),
        cmocka_unit_test(test_xlsx_dates_in_the_period_column_become_months),
        cmocka_unit_test(test_xlsx_percent_cells_are_refused_as_values_with_advice),
        cmocka_unit_test(test_xlsx_booleans_formulas_and_errors_in_the_loaders),
        cmocka_unit_test(test_xlsx_error_cell_says_the_spreadsheet_holds_an_error),
        cmocka_unit_test(test_xlsx_merged_cells_are_reported_not_filled),
        cmocka_unit_test(test_xlsx_sheets_first_visible_by_default_or_by_name),
        cmocka_unit_test(test_xlsx_filled_template_loads_as_values),
        cmocka_unit_test(test_xlsx_load_dir_takes_a_workbook_for_a_missing_csv),
        cmocka_unit_test(test_xlsx_shared_strings_join_rich_runs_and_drop_phonetics),
        cmocka_unit_test(test_xlsx_rich_strings_from_libxlsxwriter),
        cmocka_unit_test(test_xlsx_inline_strings_from_constant_memory_mode),
        cmocka_unit_test(test_xlsx_cell_types_numbers_booleans_errors_and_cached_formulas),
        cmocka_unit_test(test_xlsx_dates_times_and_percentages_follow_the_cell_format),
        cmocka_unit_test(test_xlsx_date1904_workbooks),
        cmocka_unit_test(test_xlsx_sparse_rows_and_cells_fill_gaps),
        cmocka_unit_test(test_xlsx_cells_out_of_order_within_a_row_are_sorted),
        cmocka_unit_test(test_xlsx_rows_out_of_order_and_cells_given_twice_are_refused),
        cmocka_unit_test(test_xlsx_strict_namespaces_and_missing_root_rels),
        cmocka_unit_test(test_xlsx_not_a_zip_and_truncated_zips_are_refused),
        cmocka_unit_test(test_xlsx_damaged_compressed_data_is_refused),
        cmocka_unit_test(test_xlsx_encrypted_or_xls_files_are_refused),
        cmocka_unit_test(test_xlsx_password_protected_zip_entry_is_refused),
        cmocka_unit_test(test_xlsx_ods_xlsb_and_other_zips_are_refused),
        cmocka_unit_test(test_xlsx_missing_parts_are_refused),
        cmocka_unit_test(test_xlsx_broken_xml_names_part_line_and_column),
        cmocka_unit_test(test_xlsx_doctype_and_entities_are_refused),
        cmocka_unit_test(test_xlsx_huge_shared_string_table_is_refused),
        cmocka_unit_test(test_xlsx_zip_bomb_is_refused_early),
        cmocka_unit_test(test_xlsx_part_size_depth_token_and_cell_limits),
        cmocka_unit_test(test_xlsx_million_rows_stream_in_bounded_memory),
    };

    if (argc == 4 && strcmp(argv[1], "--compare") == 0)
        return compare_dirs(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "--make-values") == 0) {
        make_values(argv[2], strtol(argv[3], NULL, 10));
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--dump") == 0)
        return dump_file(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--read") == 0)
        return read_only(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--load") == 0)
        return load_only(argv[2]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
