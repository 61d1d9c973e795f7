/*
 * test_export_template.c — data-entry templates (kaohe export template) and
 * their way back: the workbook is written and read back cell by cell
 * (tests/unit/test_export_xlsx.h) to check the marker and key rows, locked
 * and unlocked cells, protection, validation, panes and print titles; the
 * template-to-long-form converter (io/template.h) is fed the sheet's rows
 * as a sheet reader would, and a template pre-filled from an example's data
 * must score exactly as the data did — also after LibreOffice has opened
 * and saved it, when soffice is installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "kaohe/report.h"
#include "io/template.h"
#include "scheme/model.h"
#include "test_export_xlsx.h"

static const char *src_dir(void)
{
    const char *s = getenv("KH_SOURCE_DIR");
    return s ? s : ".";
}

static void fail_err(const char *what, const struct kh_err *err)
{
    char line[1024];
    fail_msg("%s: %s", what, kh_err_format(err, line, sizeof(line)));
}

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1024];
    if (!d)
        return;
    while ((e = readdir(d))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rm_dir(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* A scheme and units built from text. */
static void load_text(const char *scheme, const char *units, struct kh_scheme **s,
                      struct kh_dataset **ds)
{
    struct kh_err err;
    kh_err_clear(&err);
    if (kh_scheme_load_mem("s.yaml", scheme, strlen(scheme), s, &err))
        fail_err("scheme", &err);
    *ds = kh_dataset_new();
    if (kh_dataset_load_mem(*ds, "units", "units.csv", units, strlen(units), &err))
        fail_err("units", &err);
}

static const char *SCHEME2 =
    "kaohe: 1\n"
    "scheme: {id: t2, name: 模板测试}\n"
    "categories: {town: 镇街, park: 园区}\n"
    "inputs:\n"
    "  gdp: {name: 地区生产总值, unit: 亿元}\n"
    "  rev: {name: 一般公共预算收入, unit: 万元}\n"
    "  inv: {name: 固定资产投资, unit: 亿元}\n"
    "  sat: 满意度\n"
    "derived:\n"
    "  per: {name: 人均, formula: rev / 10}\n"
    "indicators:\n"
    "  - id: econ\n"
    "    name: 经济\n"
    "    dept: 区统计局\n"
    "    children:\n"
    "      - {id: g, name: 生产总值, points: 40, only: [town], value: gdp, rule: score}\n"
    "      - {id: r, name: 财政收入, points: 30, value: per, rule: score, dept: 区财政局}\n"
    "  - {id: i, name: 投资, points: 20, value: inv, rule: score, dept: 区发改局、区统计局}\n"
    "  - {id: s, name: 满意度, points: 10, value: sat, rule: score, dept: 市统计局}\n";

static const char *UNITS2 = "id,name,category\n"
                            "T1,甲镇,town\n"
                            "P1,开发区,park\n"
                            "T2,乙镇,town\n";

/* ---- the converter ------------------------------------------------------ */

struct sink {
    char rec[64][5][64];
    int line[64];
    int n, nf[64];
    int fail_at; /* return an error for this record (1-based), 0: never */
    struct kh_err *err;
};

static int sink_rec(void *ctx, const char **f, const size_t *lens, int n, int line)
{
    struct sink *s = ctx;
    int i;
    if (s->n >= 64)
        return 1;
    for (i = 0; i < n && i < 5; i++)
        snprintf(s->rec[s->n][i], 64, "%.*s", (int)lens[i], f[i]);
    s->nf[s->n] = n;
    s->line[s->n] = line;
    s->n++;
    if (s->fail_at == s->n)
        return kh_err_set(s->err, KH_EINVAL, "t.xlsx", line, 5, "column \"value\": bad");
    return 0;
}

/* Feed rows given as "a|b|c" strings (row numbers rising from 1, skipping
 * empty strings as a sheet reader skips empty rows). */
static int feed(struct kh_template_conv *c, const char *const *rows, int nrows)
{
    int r, rc;
    for (r = 0; r < nrows; r++) {
        char buf[512], *p, *f[16];
        size_t len[16];
        int n = 0;
        if (!rows[r][0])
            continue;
        snprintf(buf, sizeof(buf), "%s", rows[r]);
        for (p = buf; n < 16;) {
            char *bar = strchr(p, '|');
            f[n] = p;
            len[n++] = bar ? (size_t)(bar - p) : strlen(p);
            if (!bar)
                break;
            *bar = 0;
            p = bar + 1;
        }
        if ((rc = kh_template_conv_record(c, (const char **)f, len, n, r + 1)) != 0)
            return rc;
    }
    return kh_template_conv_finish(c);
}

static void converter_turns_rows_into_long_form(void **state)
{
    static const char *const rows[] = {
        "kaohe-template|1|period|2024h1|scheme|t2",
        "模板测试 · 数据填报表",
        "考核期：2024H1",
        "单位编码|单位名称|类别|地区生产总值|一般公共预算收入",
        "|计量单位||亿元|万元",
        "unit|unit_name|category|gdp|rev",
        "T1|甲镇|镇街|12.5|300",
        "P1|开发区|园区||  ",
        "",
        "T2|乙镇|镇街|1E-3",
        "|合计||13|",
    };
    struct kh_template_conv c;
    struct sink s;
    struct kh_err err;
    (void)state;

    memset(&s, 0, sizeof(s));
    kh_template_conv_init(&c, sink_rec, &s, "t.xlsx", &err);
    assert_int_equal(feed(&c, rows, 11), KH_OK);
    assert_true(kh_template_conv_is_template(&c));
    assert_int_equal(s.n, 4);
    /* The header, at the key row's line. */
    assert_string_equal(s.rec[0][0], "unit");
    assert_string_equal(s.rec[0][1], "unit_name");
    assert_string_equal(s.rec[0][2], "indicator");
    assert_string_equal(s.rec[0][3], "period");
    assert_string_equal(s.rec[0][4], "value");
    assert_int_equal(s.line[0], 6);
    /* Filled cells only; the period from the marker, canonical. */
    assert_string_equal(s.rec[1][0], "T1");
    assert_string_equal(s.rec[1][1], "甲镇");
    assert_string_equal(s.rec[1][2], "gdp");
    assert_string_equal(s.rec[1][3], "2024H1");
    assert_string_equal(s.rec[1][4], "12.5");
    assert_int_equal(s.line[1], 7);
    assert_string_equal(s.rec[2][2], "rev");
    assert_string_equal(s.rec[2][4], "300");
    assert_string_equal(s.rec[3][0], "T2");
    assert_string_equal(s.rec[3][4], "1E-3");
    assert_int_equal(s.line[3], 10);
    assert_int_equal(c.records, 3);
    kh_template_conv_release(&c);
}

static void converter_passes_other_sheets_through(void **state)
{
    static const char *const rows[] = {"unit|indicator|period|value", "T1|gdp|2024|3",
                                       "T2|gdp|2024|"};
    struct kh_template_conv c;
    struct sink s;
    struct kh_err err;
    (void)state;

    memset(&s, 0, sizeof(s));
    kh_template_conv_init(&c, sink_rec, &s, "v.xlsx", &err);
    assert_int_equal(feed(&c, rows, 3), KH_OK);
    assert_false(kh_template_conv_is_template(&c));
    assert_int_equal(s.n, 3);
    assert_string_equal(s.rec[0][0], "unit");
    assert_string_equal(s.rec[2][3], "");
    assert_int_equal(s.nf[2], 4);
    kh_template_conv_release(&c);
}

static void converter_refuses_damaged_templates(void **state)
{
    static const char *const v2[] = {"kaohe-template|2|period|2024"};
    static const char *const noperiod[] = {"kaohe-template|1|scheme|x"};
    static const char *const badperiod[] = {"kaohe-template|1|period|2024-13"};
    static const char *const nokey[] = {"kaohe-template|1|period|2024", "title", "T1|甲镇|镇街|3"};
    struct kh_template_conv c;
    struct sink s;
    struct kh_err err;
    (void)state;

    memset(&s, 0, sizeof(s));
    kh_template_conv_init(&c, sink_rec, &s, "t.xlsx", &err);
    assert_int_equal(feed(&c, v2, 1), KH_EINVAL);
    assert_non_null(strstr(err.msg, "version \"2\""));
    kh_template_conv_release(&c);
    kh_template_conv_init(&c, sink_rec, &s, "t.xlsx", &err);
    assert_int_equal(feed(&c, noperiod, 1), KH_EINVAL);
    assert_non_null(strstr(err.msg, "no period"));
    kh_template_conv_release(&c);
    kh_template_conv_init(&c, sink_rec, &s, "t.xlsx", &err);
    assert_int_equal(feed(&c, badperiod, 1), KH_EINVAL);
    assert_int_equal(err.col, 4);
    kh_template_conv_release(&c);
    kh_template_conv_init(&c, sink_rec, &s, "t.xlsx", &err);
    assert_int_equal(feed(&c, nokey, 3), KH_EINVAL);
    assert_non_null(strstr(err.msg, "key row"));
    assert_int_equal(s.n, 0);
    kh_template_conv_release(&c);
}

static void converter_points_loader_errors_at_the_sheet_cell(void **state)
{
    static const char *const rows[] = {"kaohe-template|1|period|2024",
                                       "unit|unit_name|category|gdp|rev", "T1|甲镇|镇街|1|abc"};
    struct kh_template_conv c;
    struct sink s;
    struct kh_err err;
    (void)state;

    memset(&s, 0, sizeof(s));
    kh_err_clear(&err);
    s.err = &err;
    s.fail_at = 3; /* header, gdp, then rev "abc" */
    kh_template_conv_init(&c, sink_rec, &s, "t.xlsx", &err);
    assert_int_equal(feed(&c, rows, 3), KH_EINVAL);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 5); /* column E of the sheet, where "abc" is */
    kh_template_conv_release(&c);
}

/* ---- the workbook ------------------------------------------------------- */

static void template_marks_locks_and_validates(void **state)
{
    char dir[] = "/tmp/kh-test-tmpl-XXXXXX", path[512], data[512], scheme[512];
    struct kh_template_opts o;
    struct kh_report_summary sum;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_err err;
    struct tx_book b;
    struct tx_sheet *sh;
    char *wb;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(scheme, sizeof(scheme), "%s/examples/shicheng/scheme.yaml", src_dir());
    snprintf(data, sizeof(data), "%s/examples/shicheng", src_dir());
    kh_err_clear(&err);
    if (kh_scheme_load_file(scheme, &s, &err))
        fail_err("scheme", &err);
    ds = kh_dataset_new();
    if (kh_dataset_load_dir(ds, data, &err))
        fail_err("data", &err);
    snprintf(path, sizeof(path), "%s/t.xlsx", dir);
    kh_template_opts_init(&o);
    o.period = "2018";
    o.inputs = "i01，渔业案件数、退养水库数 i01";
    if (kh_report_template_xlsx(s, ds, &o, path, &sum, &err))
        fail_err("template", &err);
    assert_int_equal(sum.units, 8);
    assert_int_equal(sum.columns, 3);
    assert_int_equal(tx_open(&b, path), 0);
    assert_int_equal(b.nsheets, 2);
    assert_string_equal(b.sheets[0].name, "填报");
    assert_string_equal(b.sheets[1].name, "填表说明");
    sh = &b.sheets[0];
    /* The marker row, hidden. */
    assert_string_equal(tx_text(sh, 1, 1), "kaohe-template");
    assert_string_equal(tx_text(sh, 1, 2), "1");
    assert_string_equal(tx_text(sh, 1, 3), "period");
    assert_string_equal(tx_text(sh, 1, 4), "2018");
    assert_string_equal(tx_text(sh, 1, 5), "scheme");
    assert_string_equal(tx_text(sh, 1, 6), "shicheng_hzz_2018");
    assert_non_null(strstr(strstr(sh->xml, "<row r=\"1\""), "hidden=\"1\""));
    assert_true(strstr(strstr(sh->xml, "<row r=\"1\""), "hidden=\"1\"") <
                strstr(sh->xml, "<row r=\"2\""));
    /* Header: names and measurement units; the ids on hidden row 6. */
    assert_string_equal(tx_text(sh, 4, 1), "单位编码");
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"A4:A5\"/>"));
    assert_string_equal(tx_text(sh, 5, 2), "计量单位");
    assert_string_equal(tx_text(sh, 4, 4), "完善\"四个到位\"");
    assert_string_equal(tx_text(sh, 4, 5), "依法查处破坏渔业资源案件数");
    assert_string_equal(tx_text(sh, 5, 5), "件");
    assert_string_equal(tx_text(sh, 5, 6), "座");
    assert_string_equal(tx_text(sh, 6, 1), "unit");
    assert_string_equal(tx_text(sh, 6, 2), "unit_name");
    assert_string_equal(tx_text(sh, 6, 4), "i01");
    assert_string_equal(tx_text(sh, 6, 5), "渔业案件数");
    assert_string_equal(tx_text(sh, 6, 6), "退养水库数");
    assert_non_null(strstr(strstr(sh->xml, "<row r=\"6\""), "hidden=\"1\""));
    /* Units: code and name locked, input cells unlocked and empty. */
    assert_string_equal(tx_text(sh, 7, 1), "T01");
    assert_true(tx_locked(&b, tx_at(sh, 7, 1)));
    assert_true(tx_locked(&b, tx_at(sh, 7, 2)));
    assert_non_null(tx_at(sh, 7, 4));
    assert_false(tx_locked(&b, tx_at(sh, 7, 4)));
    assert_string_equal(tx_text(sh, 7, 4), "");
    assert_string_equal(tx_text(sh, 14, 1), "T08");
    /* Protected, validated, frozen, printed with the header repeated. */
    assert_non_null(strstr(sh->xml, "<sheetProtection"));
    assert_non_null(strstr(sh->xml, "type=\"decimal\""));
    assert_non_null(strstr(sh->xml, "errorTitle=\"请填写数字\""));
    assert_non_null(strstr(sh->xml, "sqref=\"D7:D14\""));
    assert_non_null(strstr(sh->xml, "xSplit=\"3\" ySplit=\"6\" topLeftCell=\"D7\""));
    assert_non_null(strstr(sh->xml, "orientation=\"landscape\""));
    wb = tx_part(&b, "xl/workbook.xml");
    assert_non_null(strstr(wb, "$4:$6"));
    free(wb);
    /* The instructions name the inputs and the indicators reading them. */
    sh = &b.sheets[1];
    assert_non_null(strstr(sh->xml, "<sheetProtection"));
    assert_string_equal(tx_text(sh, 1, 1), "填表说明");
    tx_close(&b);
    kh_dataset_free(ds);
    kh_scheme_free(s);
    rm_dir(dir);
}

static void template_greys_inputs_a_category_does_not_use(void **state)
{
    char dir[] = "/tmp/kh-test-tmpl-XXXXXX", path[512];
    struct kh_template_opts o;
    struct kh_report_summary sum;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_err err;
    struct tx_book b;
    struct tx_sheet *sh;
    (void)state;

    assert_non_null(mkdtemp(dir));
    load_text(SCHEME2, UNITS2, &s, &ds);
    snprintf(path, sizeof(path), "%s/t.xlsx", dir);
    kh_template_opts_init(&o);
    o.period = "2024-07";
    o.inputs = "gdp,rev";
    if (kh_report_template_xlsx(s, ds, &o, path, &sum, &err))
        fail_err("template", &err);
    assert_int_equal(tx_open(&b, path), 0);
    sh = &b.sheets[0];
    /* By category in scheme order, then data order: T1, T2, P1. */
    assert_string_equal(tx_text(sh, 7, 1), "T1");
    assert_string_equal(tx_text(sh, 8, 1), "T2");
    assert_string_equal(tx_text(sh, 9, 1), "P1");
    assert_string_equal(tx_text(sh, 9, 3), "园区");
    /* gdp is read by a town-only indicator: the park's cell is locked. */
    assert_false(tx_locked(&b, tx_at(sh, 7, 4)));
    assert_true(tx_locked(&b, tx_at(sh, 9, 4)));
    /* rev is read through the derived indicator per, by both categories. */
    assert_false(tx_locked(&b, tx_at(sh, 9, 5)));
    tx_close(&b);

    /* Only parks, only gdp: nobody to ask. */
    o.category = 1;
    o.inputs = "gdp";
    kh_err_clear(&err);
    assert_int_equal(kh_report_template_xlsx(s, ds, &o, path, NULL, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "no unit to list"));
    kh_dataset_free(ds);
    kh_scheme_free(s);
    rm_dir(dir);
}

static void template_by_department(void **state)
{
    char dir[] = "/tmp/kh-test-tmpl-XXXXXX", path[512];
    struct kh_template_opts o;
    struct kh_report_summary sum;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_err err;
    struct tx_book b;
    struct tx_sheet *sh;
    (void)state;

    assert_non_null(mkdtemp(dir));
    load_text(SCHEME2, UNITS2, &s, &ds);
    snprintf(path, sizeof(path), "%s/t.xlsx", dir);
    kh_template_opts_init(&o);
    o.period = "2024";
    /* 区统计局: g (inherited from econ) and i (one of two departments); r
     * has its own department, s is another 统计局. */
    o.dept = "区统计局";
    if (kh_report_template_xlsx(s, ds, &o, path, &sum, &err))
        fail_err("template", &err);
    assert_int_equal(sum.columns, 2);
    assert_int_equal(tx_open(&b, path), 0);
    sh = &b.sheets[0];
    assert_string_equal(tx_text(sh, 6, 4), "gdp");
    assert_string_equal(tx_text(sh, 6, 5), "inv");
    assert_string_equal(tx_text(sh, 6, 6), "");
    assert_non_null(strstr(tx_text(sh, 3, 1), "填报部门：区统计局"));
    tx_close(&b);

    /* Part of a name finds the one department that contains it. */
    o.dept = "财政";
    if (kh_report_template_xlsx(s, ds, &o, path, &sum, &err))
        fail_err("template", &err);
    assert_int_equal(sum.columns, 1);
    assert_int_equal(tx_open(&b, path), 0);
    assert_string_equal(tx_text(&b.sheets[0], 6, 4), "rev");
    assert_non_null(strstr(tx_text(&b.sheets[0], 3, 1), "区财政局"));
    tx_close(&b);

    /* Ambiguous and unknown names are refused with the choices. */
    o.dept = "统计局";
    kh_err_clear(&err);
    assert_int_equal(kh_report_template_xlsx(s, ds, &o, path, NULL, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "区统计局、市统计局"));
    o.dept = "人社局";
    assert_int_equal(kh_report_template_xlsx(s, ds, &o, path, NULL, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "区统计局、区财政局、区发改局、区统计局、市统计局") ||
                    strstr(err.msg, "区统计局、区财政局"));
    kh_dataset_free(ds);
    kh_scheme_free(s);
    rm_dir(dir);
}

static void template_options_are_checked(void **state)
{
    struct kh_template_opts o;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_err err;
    (void)state;

    load_text(SCHEME2, UNITS2, &s, &ds);
    kh_template_opts_init(&o);
    o.period = "2024";
    assert_int_equal(kh_report_template_xlsx(s, ds, &o, "/tmp/x.xlsx", NULL, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "neither"));
    o.inputs = "gdp";
    o.dept = "区统计局";
    assert_int_equal(kh_report_template_xlsx(s, ds, &o, "/tmp/x.xlsx", NULL, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "both"));
    o.dept = NULL;
    o.inputs = "gdp,GDP";
    assert_int_equal(kh_report_template_xlsx(s, ds, &o, "/tmp/x.xlsx", NULL, &err), KH_EINVAL);
    assert_non_null(strstr(err.msg, "no input 'GDP'; its inputs are: gdp, rev, inv, sat"));
    o.inputs = "gdp";
    o.period = "2024-13";
    assert_int_equal(kh_report_template_xlsx(s, ds, &o, "/tmp/x.xlsx", NULL, &err), KH_EINVAL);
    assert_int_equal(access("/tmp/x.xlsx", F_OK), -1);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

/* ---- round trips --------------------------------------------------------- */

/* Every input id of the scheme, comma-separated. */
static void all_inputs(const struct kh_scheme *s, char *out, size_t outsz)
{
    size_t n = 0;
    int i;
    out[0] = 0;
    for (i = 0; i < s->ninputs; i++)
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", i ? "," : "", s->inputs[i].id);
}

/* The lines of the values file at `path` (plain CSV, a "period" column)
 * whose period is not `period`, with the header, into *out. */
static void other_periods(const char *path, const char *period, struct kh_buf *out)
{
    char line[4096];
    int col = -1, first = 1;
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    kh_buf_reset(out);
    while (fgets(line, sizeof(line), fp)) {
        char copy[4096], *p = copy, *f;
        int i = 0;
        snprintf(copy, sizeof(copy), "%s", line);
        copy[strcspn(copy, "\r\n")] = 0;
        if (first) {
            for (f = p; f; i++) {
                char *comma = strchr(f, ',');
                if (comma)
                    *comma = 0;
                if (!strcmp(f, "period"))
                    col = i;
                f = comma ? comma + 1 : NULL;
            }
            assert_true(col >= 0);
            kh_buf_puts(out, line);
            first = 0;
            continue;
        }
        for (f = p; f && i < col; i++) {
            f = strchr(f, ',');
            f = f ? f + 1 : NULL;
        }
        if (f && strncmp(f, period, strlen(period)) == 0 &&
            (f[strlen(period)] == ',' || !f[strlen(period)]))
            continue;
        kh_buf_puts(out, line);
    }
    fclose(fp);
}

/*
 * Read the template at `path` back as a values file of a new dataset (with
 * the example's units, targets and events), score it and compare with the
 * example's own score CSV.
 */
static void import_and_compare(const char *path, const char *example, const char *period,
                               const struct kh_scheme *s)
{
    char dir[512], file[600], want_path[600];
    struct kh_template_conv c;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r;
    struct kh_buf values, got;
    struct kh_err err;
    struct tx_book b;
    FILE *fp;
    char *want;
    long n;

    kh_err_clear(&err);
    snprintf(dir, sizeof(dir), "%s/examples/%s", src_dir(), example);
    snprintf(file, sizeof(file), "%s/units.csv", dir);
    if (kh_dataset_load_file(ds, "units", file, &err))
        fail_err("units", &err);
    assert_int_equal(tx_open(&b, path), 0);
    assert_string_equal(b.sheets[0].name, "填报");
    kh_buf_init(&values, 0);
    kh_template_conv_init(&c, kh_template_csv_sink, &values, path, &err);
    assert_int_equal(tx_records(&b.sheets[0], kh_template_conv_record, &c), 0);
    assert_int_equal(kh_template_conv_finish(&c), KH_OK);
    assert_true(kh_template_conv_is_template(&c));
    assert_true(c.records > 0);
    kh_template_conv_release(&c);
    tx_close(&b);
    if (kh_dataset_load_mem(ds, "values", path, values.data, values.len, &err))
        fail_err("values from the template", &err);
    assert_int_equal((int)ds->nvalues, (int)c.records);
    /* Values of other periods (lastyear(), prev()) come from values.csv. */
    snprintf(file, sizeof(file), "%s/values.csv", dir);
    other_periods(file, period, &values);
    if (kh_dataset_load_mem(ds, "values", file, values.data, values.len, &err))
        fail_err("values of other periods", &err);
    snprintf(file, sizeof(file), "%s/targets.csv", dir);
    if (access(file, F_OK) == 0 && kh_dataset_load_file(ds, "targets", file, &err))
        fail_err("targets", &err);
    snprintf(file, sizeof(file), "%s/events.csv", dir);
    if (access(file, F_OK) == 0 && kh_dataset_load_file(ds, "events", file, &err))
        fail_err("events", &err);
    snprintf(file, sizeof(file), "%s/ballots.csv", dir);
    if (access(file, F_OK) == 0 && kh_dataset_load_file(ds, "ballots", file, &err))
        fail_err("ballots", &err);
    if (kh_score(s, ds, period, &r, &err))
        fail_err("score", &err);
    kh_buf_init(&got, 0);
    assert_int_equal(kh_report_score_csv(s, ds, r, -1, 0, &got), KH_OK);
    snprintf(want_path, sizeof(want_path), "%s/expected/score.csv", dir);
    fp = fopen(want_path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    want = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(want, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    assert_string_equal(kh_buf_str(&got), want);
    free(want);
    kh_buf_free(&got);
    kh_buf_free(&values);
    kh_result_free(r);
    kh_dataset_free(ds);
}

/* Export example's template with every input, pre-filled. */
static void export_filled(const char *example, const char *period, const char *path,
                          struct kh_scheme **s)
{
    char scheme[512], data[512], ids[8192];
    struct kh_template_opts o;
    struct kh_dataset *ds;
    struct kh_err err;

    kh_err_clear(&err);
    snprintf(scheme, sizeof(scheme), "%s/examples/%s/scheme.yaml", src_dir(), example);
    snprintf(data, sizeof(data), "%s/examples/%s", src_dir(), example);
    if (kh_scheme_load_file(scheme, s, &err))
        fail_err("scheme", &err);
    ds = kh_dataset_new();
    if (kh_dataset_load_dir(ds, data, &err))
        fail_err("data", &err);
    all_inputs(*s, ids, sizeof(ids));
    kh_template_opts_init(&o);
    o.period = period;
    o.inputs = ids;
    o.fill = 1;
    if (kh_report_template_xlsx(*s, ds, &o, path, NULL, &err))
        fail_err("template", &err);
    kh_dataset_free(ds);
}

static void filled_template_scores_as_the_data_did(void **state)
{
    static const char *const ex[][2] = {
        {"shicheng", "2018"}, {"sasac", "2015"}, {"suxian", "2015"}};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
        char dir[] = "/tmp/kh-test-tmpl-XXXXXX", path[512];
        struct kh_scheme *s;
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/t.xlsx", dir);
        export_filled(ex[i][0], ex[i][1], path, &s);
        import_and_compare(path, ex[i][0], ex[i][1], s);
        kh_scheme_free(s);
        rm_dir(dir);
    }
}

/* Is soffice on the PATH? */
static int have_soffice(void)
{
    return system("command -v soffice >/dev/null 2>&1") == 0;
}

static void template_saved_by_libreoffice_scores_the_same(void **state)
{
    char dir[] = "/tmp/kh-test-tmpl-XXXXXX", path[512], out[512], cmd[2048];
    struct kh_scheme *s;
    (void)state;

    if (!have_soffice())
        skip();
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/t.xlsx", dir);
    export_filled("shicheng", "2018", path, &s);
    /* LibreOffice opens the template and saves it again as .xlsx (its own
     * shared strings, styles and row layout). */
    snprintf(cmd, sizeof(cmd),
             "cd %s && soffice --headless -env:UserInstallation=file://%s/lo-profile "
             "--convert-to xlsx:\"Calc MS Excel 2007 XML\" --outdir %s/lo t.xlsx "
             ">/dev/null 2>&1",
             dir, dir, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(out, sizeof(out), "%s/lo/t.xlsx", dir);
    assert_int_equal(access(out, F_OK), 0);
    import_and_compare(out, "shicheng", "2018", s);
    kh_scheme_free(s);
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(converter_turns_rows_into_long_form),
        cmocka_unit_test(converter_passes_other_sheets_through),
        cmocka_unit_test(converter_refuses_damaged_templates),
        cmocka_unit_test(converter_points_loader_errors_at_the_sheet_cell),
        cmocka_unit_test(template_marks_locks_and_validates),
        cmocka_unit_test(template_greys_inputs_a_category_does_not_use),
        cmocka_unit_test(template_by_department),
        cmocka_unit_test(template_options_are_checked),
        cmocka_unit_test(filled_template_scores_as_the_data_did),
        cmocka_unit_test(template_saved_by_libreoffice_scores_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
