/*
 * test_export_score.c — the score table exports (kaohe/report.h): the XLSX
 * workbook is written and read back (tests/unit/test_export_xlsx.h) to check
 * the layout a 考核办 publishes — title, merged multi-level headers following
 * the indicator tree, the 分值 row, the hidden key row, every cell's value
 * and number format against the CSV of the same table, frozen panes, A4
 * landscape print setup with repeated header rows and the footer; the CSV
 * is byte for byte `kaohe score --format csv` (the golden files of the
 * examples) after a BOM; files are replaced atomically and never left
 * half-written.
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
#include "report/report_int.h"
#include "io/csv.h"
#include "test_export_xlsx.h"

struct fix {
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    char dir[256]; /* a scratch folder */
};

static void fail_err(const char *what, const struct kh_err *err)
{
    char line[1024];
    fail_msg("%s: %s", what, kh_err_format(err, line, sizeof(line)));
}

/* Score examples/<name> for `period`; make a scratch folder. */
static void load_example(struct fix *f, const char *name, const char *period)
{
    const char *src = getenv("KH_SOURCE_DIR");
    char path[1024], data[1024];
    struct kh_err err;

    memset(f, 0, sizeof(*f));
    kh_err_clear(&err);
    snprintf(path, sizeof(path), "%s/examples/%s/scheme.yaml", src ? src : ".", name);
    snprintf(data, sizeof(data), "%s/examples/%s", src ? src : ".", name);
    if (kh_scheme_load_file(path, &f->s, &err))
        fail_err("scheme", &err);
    f->ds = kh_dataset_new();
    if (kh_dataset_load_dir(f->ds, data, &err))
        fail_err("data", &err);
    if (kh_score(f->s, f->ds, period, &f->r, &err))
        fail_err("score", &err);
    snprintf(f->dir, sizeof(f->dir), "/tmp/kh-test-export-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
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

static void free_fix(struct fix *f)
{
    kh_result_free(f->r);
    kh_dataset_free(f->ds);
    kh_scheme_free(f->s);
    if (f->dir[0])
        rm_dir(f->dir);
}

/* Number of entries in dir other than . and .. */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
        n = 0;
    buf[n] = 0;
    fclose(fp);
    if (len)
        *len = (size_t)n;
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* ---- the CSV as a lookup table ----------------------------------------- */

struct csvtab {
    char *cell[400][128];
    int nrows, ncols;
};

static int csv_rec(void *ctx, const char **f, const size_t *lens, int n, int line)
{
    struct csvtab *t = ctx;
    int i;
    (void)lens;
    (void)line;
    if (t->nrows >= 400)
        return 1;
    for (i = 0; i < n && i < 128; i++)
        t->cell[t->nrows][i] = strdup(f[i]);
    if (n > t->ncols)
        t->ncols = n;
    t->nrows++;
    return 0;
}

static void csv_load(struct csvtab *t, const char *text, size_t len)
{
    struct kh_err err;
    memset(t, 0, sizeof(*t));
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        text += 3;
        len -= 3;
    }
    assert_int_equal(kh_csv_parse("csv", text, len, NULL, csv_rec, t, &err), KH_OK);
}

static void csv_free(struct csvtab *t)
{
    int r, c;
    for (r = 0; r < t->nrows; r++)
        for (c = 0; c < 128; c++)
            free(t->cell[r][c]);
}

/* The CSV's value for unit `unit` in column `key` (NULL if none). */
static const char *csv_get(const struct csvtab *t, const char *unit, const char *key)
{
    int r, c, cu = -1, ck = -1;
    for (c = 0; c < t->ncols; c++) {
        if (t->cell[0][c] && !strcmp(t->cell[0][c], "unit"))
            cu = c;
        if (t->cell[0][c] && !strcmp(t->cell[0][c], key))
            ck = c;
    }
    if (cu < 0 || ck < 0)
        return NULL;
    for (r = 1; r < t->nrows; r++)
        if (t->cell[r][cu] && !strcmp(t->cell[r][cu], unit))
            return t->cell[r][ck] ? t->cell[r][ck] : "";
    return NULL;
}

/*
 * Check every unit row of a table sheet against the CSV: the hidden key row
 * `key_row` names each column as the CSV does; numbers are shown with the
 * scheme's decimals ("—" stands for an empty CSV cell). Returns the number
 * of unit rows seen.
 */
static int check_rows_against_csv(const struct tx_book *b, const struct tx_sheet *sh, int key_row,
                                  const struct csvtab *t, int dec)
{
    int row, col, seen = 0, maxrow = 0;
    size_t i;
    for (i = 0; i < sh->ncells; i++)
        if (sh->cells[i].row > maxrow)
            maxrow = sh->cells[i].row;
    for (row = key_row + 1; row <= maxrow; row++) {
        const char *unit = tx_text(sh, row, 2);
        if (!csv_get(t, unit, "unit"))
            continue; /* a group row */
        seen++;
        for (col = 1; col <= 128; col++) {
            const char *key = tx_text(sh, key_row, col), *want;
            const struct tx_cell *c = tx_at(sh, row, col);
            char got[128];
            if (!*key)
                break;
            want = csv_get(t, unit, key);
            assert_non_null(want);
            if (c && c->type == 'n') {
                const char *fmt = tx_numfmt(b, c);
                int d = !strcmp(fmt, "0") ? 0 : (int)strlen(fmt) - 2;
                if (strcmp(key, "rank") != 0)
                    assert_int_equal(d, dec);
                snprintf(got, sizeof(got), "%.*f", d, strtod(c->text, NULL));
            } else
                snprintf(got, sizeof(got), "%s", c && strcmp(c->text, "—") ? c->text : "");
            if (strcmp(got, want) != 0)
                fail_msg("row %d column %s (%s): sheet has \"%s\", CSV \"%s\"", row, key, unit, got,
                         want);
        }
    }
    return seen;
}

/* ---- tests ------------------------------------------------------------- */

static void score_csv_is_score_output_with_bom(void **state)
{
    static const char *const ex[][2] = {
        {"shicheng", "2018"}, {"sasac", "2015"}, {"suxian", "2015"}, {"hdi", "2020"}};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
        struct fix f;
        struct kh_buf b;
        char path[1024];
        char *want;
        size_t wlen;
        load_example(&f, ex[i][0], ex[i][1]);
        snprintf(path, sizeof(path), "%s/examples/%s/expected/score.csv", getenv("KH_SOURCE_DIR"),
                 ex[i][0]);
        want = slurp(path, &wlen);
        assert_non_null(want);
        kh_buf_init(&b, 0);
        assert_int_equal(kh_report_score_csv(f.s, f.ds, f.r, -1, 1, &b), KH_OK);
        assert_true(b.len == wlen + 3);
        assert_memory_equal(b.data, "\xEF\xBB\xBF", 3);
        assert_memory_equal(b.data + 3, want, wlen);
        kh_buf_reset(&b);
        assert_int_equal(kh_report_score_csv(f.s, f.ds, f.r, -1, 0, &b), KH_OK);
        assert_true(b.len == wlen && !memcmp(b.data, want, wlen));
        kh_buf_free(&b);
        free(want);
        free_fix(&f);
    }
}

/* kh_report_score_csv_stream's writer for the test: appends to a buffer,
 * counts calls, and fails with -77 at call number `fail_at` (0: never). */
struct sink {
    struct kh_buf b;
    int calls, fail_at;
};

static int sink_write(void *user, const char *p, size_t n)
{
    struct sink *k = user;
    if (++k->calls == k->fail_at)
        return -77;
    assert_true(n > 0);
    kh_buf_add(&k->b, p, n);
    return 0;
}

static void score_csv_stream_gives_the_same_bytes_in_blocks(void **state)
{
    static const char scheme[] = "kaohe: 1\n"
                                 "scheme: {id: big, name: 大表}\n"
                                 "categories: {town: 乡镇}\n"
                                 "inputs: {amount: {name: 数}}\n"
                                 "indicators:\n"
                                 "  - {id: a, name: 甲, points: 10, value: amount, rule: proportional}\n";
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_result *r = NULL;
    struct kh_err err;
    struct kh_buf whole;
    struct sink k;
    char id[32], name[64];
    int i;
    (void)state;
    assert_non_null(ds);
    assert_int_equal(kh_scheme_load_mem("big.yaml", scheme, sizeof(scheme) - 1, &s, &err), KH_OK);
    for (i = 0; i < 3000; i++) { /* about 150 KiB of CSV: three blocks */
        snprintf(id, sizeof(id), "U%04d", i);
        snprintf(name, sizeof(name), "第%d个示例乡镇（虚构）", i);
        assert_true(kh_dataset_add_unit(ds, id, name, "town", NULL, NULL, &err) >= 0);
        assert_int_equal(kh_dataset_add_value(ds, id, "amount", "2024", 1 + i % 97, &err), KH_OK);
    }
    assert_int_equal(kh_score(s, ds, "2024", &r, &err), KH_OK);
    kh_buf_init(&whole, 0);
    assert_int_equal(kh_report_score_csv(s, ds, r, -1, 1, &whole), KH_OK);
    memset(&k, 0, sizeof(k));
    kh_buf_init(&k.b, 0);
    assert_int_equal(kh_report_score_csv_stream(s, ds, r, -1, 1, sink_write, &k), KH_OK);
    assert_true(whole.len > 2 * 65536);
    assert_true(k.calls >= 3);
    assert_true(k.b.len == whole.len && !memcmp(k.b.data, whole.data, whole.len));
    /* a failing writer stops the table with its status */
    kh_buf_reset(&k.b);
    k.calls = 0;
    k.fail_at = 2;
    assert_int_equal(kh_report_score_csv_stream(s, ds, r, -1, 1, sink_write, &k), -77);
    assert_int_equal(k.calls, 2);
    kh_buf_free(&k.b);
    kh_buf_free(&whole);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

static void score_xlsx_headers_follow_the_indicator_tree(void **state)
{
    struct fix f;
    struct kh_report_opts o;
    struct kh_report_summary sum;
    struct kh_err err;
    struct tx_book b;
    struct tx_sheet *sh;
    char path[512];
    const struct tx_cell *c;
    (void)state;

    load_example(&f, "shicheng", "2018");
    snprintf(path, sizeof(path), "%s/sc.xlsx", f.dir);
    kh_report_opts_init(&o);
    o.footer = "快照 #3 · sha256 1a2b & c";
    if (kh_report_score_xlsx(f.s, f.ds, f.r, &o, path, &sum, &err))
        fail_err("export", &err);
    assert_int_equal(sum.sheets, 2);
    assert_int_equal(sum.units, 8);
    assert_int_equal(tx_open(&b, path), 0);
    assert_int_equal(b.nsheets, 2);
    assert_string_equal(b.sheets[0].name, "乡镇");
    assert_string_equal(b.sheets[1].name, "明细数据");
    sh = &b.sheets[0];

    /* Title and subtitle, merged across the table. */
    assert_string_equal(tx_text(sh, 1, 1), "石城县2018年度河长制湖长制工作乡镇目标管理(绩效)考核");
    assert_string_equal(tx_text(sh, 2, 1), "类别：乡镇　　考核期：2018");
    /* Three levels: rows 3–5, 分值 row 6, hidden key row 7, units from 8. */
    assert_string_equal(tx_text(sh, 3, 1), "排名");
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"A3:A6\"/>"));
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"B3:B6\"/>"));
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"C3:C5\"/>"));
    assert_string_equal(tx_text(sh, 6, 3), "分值");
    /* s1 (一级) spans itself and its 12 descendants D..P; 小计 below it. */
    assert_string_equal(tx_text(sh, 3, 4), "一、巩固成果，提升河长制工作实效");
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"D3:P3\"/>"));
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"D4:D5\"/>"));
    assert_string_equal(tx_text(sh, 4, 4), "小计");
    /* i01 (二级 leaf) runs down to the last level row; i05 (二级 parent)
     * spans its three children at level 2 and 小计 at level 3. */
    assert_string_equal(tx_text(sh, 4, 5), "1.完善\"四个到位\"");
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"E4:E5\"/>"));
    assert_string_equal(tx_text(sh, 4, 9), "5.全面推进河长制信息平台建设");
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"I4:L4\"/>"));
    assert_string_equal(tx_text(sh, 5, 10), "5.1 APP巡河信息平台建设");
    /* 分值 under each: numbers. */
    c = tx_at(sh, 6, 4);
    assert_non_null(c);
    assert_int_equal(c->type, 'n');
    assert_string_equal(c->text, "31");
    c = tx_at(sh, 6, 37); /* i15_1: 1.5 points */
    assert_string_equal(tx_text(sh, 7, 37), "i15_1");
    assert_string_equal(c->text, "1.5");
    /* The key row is hidden and names the CSV's columns. */
    assert_non_null(strstr(sh->xml, "<row r=\"7\""));
    assert_non_null(strstr(strstr(sh->xml, "<row r=\"7\""), "hidden=\"1\""));
    assert_true(strstr(strstr(sh->xml, "<row r=\"7\""), "hidden=\"1\"") <
                strstr(sh->xml, "<row r=\"8\""));
    assert_string_equal(tx_text(sh, 7, 1), "rank");
    assert_string_equal(tx_text(sh, 7, 4), "s1");
    /* Units in publication order; scores are numbers shown with 2 decimals. */
    assert_string_equal(tx_text(sh, 8, 2), "T01");
    assert_string_equal(tx_text(sh, 8, 3), "示例一镇");
    c = tx_at(sh, 8, 4);
    assert_int_equal(c->type, 'n');
    assert_string_equal(tx_numfmt(&b, c), "0.00");
    c = tx_at(sh, 8, 1);
    assert_int_equal(c->type, 'n');
    assert_string_equal(c->text, "1");
    {
        struct csvtab t;
        struct kh_buf csv;
        kh_buf_init(&csv, 0);
        kh_report_score_csv(f.s, f.ds, f.r, -1, 1, &csv);
        csv_load(&t, csv.data, csv.len);
        assert_int_equal(check_rows_against_csv(&b, sh, 7, &t, 2), 8);
        /* The data sheet is the CSV cell for cell. */
        {
            struct tx_sheet *d = &b.sheets[1];
            int r, col;
            for (r = 0; r < t.nrows; r++)
                for (col = 0; col < t.ncols; col++) {
                    const struct tx_cell *x = tx_at(d, r + 1, col + 1);
                    char got[128];
                    if (x && x->type == 'n' && strcmp(tx_numfmt(&b, x), "0.00") == 0)
                        snprintf(got, sizeof(got), "%.2f", strtod(x->text, NULL));
                    else
                        snprintf(got, sizeof(got), "%s", x ? x->text : "");
                    assert_string_equal(got, t.cell[r][col] ? t.cell[r][col] : "");
                }
        }
        csv_free(&t);
        kh_buf_free(&csv);
    }
    /* Frozen below the key row, right of 名称. */
    assert_non_null(strstr(sh->xml, "xSplit=\"3\" ySplit=\"7\" topLeftCell=\"D8\""));
    assert_non_null(strstr(sh->xml, "state=\"frozen\""));
    /* A4 landscape; this wide table (67 columns) prints at 55% with the
     * unit columns and the header rows repeated. */
    assert_non_null(strstr(sh->xml, "paperSize=\"9\""));
    assert_non_null(strstr(sh->xml, "orientation=\"landscape\""));
    assert_non_null(strstr(sh->xml, "scale=\"55\""));
    {
        char *wb = tx_part(&b, "xl/workbook.xml");
        assert_non_null(wb);
        assert_non_null(strstr(wb, "_xlnm.Print_Titles"));
        assert_non_null(strstr(wb, "$A:$C"));
        assert_non_null(strstr(wb, "$3:$7"));
        free(wb);
    }
    /* Footer: the snapshot text ('&' doubled) and the page numbers. */
    assert_non_null(strstr(sh->xml, "<oddFooter>&amp;L快照 #3 · sha256 1a2b &amp;&amp; c&amp;C第 "
                                    "&amp;P 页，共 &amp;N 页</oddFooter>"));
    tx_close(&b);
    free_fix(&f);
}

static void score_xlsx_narrow_table_fits_the_page_width(void **state)
{
    struct fix f;
    struct kh_report_opts o;
    struct kh_err err;
    struct tx_book b;
    struct tx_sheet *sh;
    char path[512];
    (void)state;

    load_example(&f, "shicheng", "2018");
    snprintf(path, sizeof(path), "%s/sc1.xlsx", f.dir);
    kh_report_opts_init(&o);
    o.depth = 1;
    o.data_sheet = 0;
    if (kh_report_score_xlsx(f.s, f.ds, f.r, &o, path, NULL, &err))
        fail_err("export", &err);
    assert_int_equal(tx_open(&b, path), 0);
    assert_int_equal(b.nsheets, 1);
    sh = &b.sheets[0];
    /* One level: row 3 headers, 分值 row 4, key row 5, units from 6. */
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"A3:A4\"/>"));
    assert_string_equal(tx_text(sh, 3, 4), "一、巩固成果，提升河长制工作实效");
    assert_string_equal(tx_text(sh, 5, 4), "s1");
    assert_string_equal(tx_text(sh, 5, 5), "s2");
    assert_string_equal(tx_text(sh, 3, 10), "考核总分");
    assert_string_equal(tx_text(sh, 4, 10), "100");
    assert_string_equal(tx_text(sh, 3, 11), "等次");
    assert_non_null(strstr(sh->xml, "<mergeCell ref=\"K3:K4\"/>"));
    assert_non_null(strstr(sh->xml, "<pageSetUpPr fitToPage=\"1\"/>"));
    assert_non_null(strstr(sh->xml, "fitToHeight=\"0\""));
    assert_null(strstr(sh->xml, "scale=\"55\""));
    assert_non_null(strstr(sh->xml, "<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"));
    {
        struct csvtab t;
        struct kh_buf csv;
        kh_buf_init(&csv, 0);
        kh_report_score_csv(f.s, f.ds, f.r, -1, 0, &csv);
        csv_load(&t, csv.data, csv.len);
        assert_int_equal(check_rows_against_csv(&b, sh, 5, &t, 2), 8);
        csv_free(&t);
        kh_buf_free(&csv);
    }
    tx_close(&b);
    free_fix(&f);
}

static void score_xlsx_sheet_per_category_and_all(void **state)
{
    struct fix f;
    struct kh_report_opts o;
    struct kh_report_summary sum;
    struct kh_err err;
    struct tx_book b;
    struct tx_sheet *sh;
    struct csvtab t;
    struct kh_buf csv;
    char path[512];
    int row, groups = 0;
    (void)state;

    load_example(&f, "sasac", "2015");
    snprintf(path, sizeof(path), "%s/sasac.xlsx", f.dir);
    kh_report_opts_init(&o);
    o.all_sheet = 1;
    if (kh_report_score_xlsx(f.s, f.ds, f.r, &o, path, &sum, &err))
        fail_err("export", &err);
    assert_int_equal(sum.sheets, 4);
    assert_int_equal(tx_open(&b, path), 0);
    assert_int_equal(b.nsheets, 4);
    assert_string_equal(b.sheets[0].name, "市直管国有企业");
    assert_string_equal(b.sheets[1].name, "委托主管部门和管委会管理的国有企业");
    assert_string_equal(b.sheets[2].name, "全部");
    kh_buf_init(&csv, 0);
    kh_report_score_csv(f.s, f.ds, f.r, -1, 0, &csv);
    csv_load(&t, csv.data, csv.len);

    /* Two levels (rows 3-4), 分值 row 5, key row 6; points differ by
     * category: profit 30 (direct), 20 (entrusted). */
    sh = &b.sheets[0];
    assert_string_equal(tx_text(sh, 5, 3), "分值");
    assert_string_equal(tx_text(sh, 6, 4), "profit");
    assert_string_equal(tx_text(sh, 5, 4), "30");
    assert_string_equal(tx_text(sh, 3, 7), "评议指标");
    assert_string_equal(tx_text(sh, 4, 8), "风险控制能力和技术创新能力");
    assert_int_equal(check_rows_against_csv(&b, sh, 6, &t, 2), 5);
    sh = &b.sheets[1];
    assert_string_equal(tx_text(sh, 5, 4), "20");
    assert_int_equal(check_rows_against_csv(&b, sh, 6, &t, 2), 3);
    /* 全部: no 分值 header row; a group row with each category's points. */
    sh = &b.sheets[2];
    assert_string_equal(tx_text(sh, 5, 4), "profit");
    for (row = 6; row < 20; row++)
        if (strstr(tx_text(sh, row, 1), "· 分值")) {
            groups++;
            assert_string_equal(tx_text(sh, row, 4), groups == 1 ? "30" : "20");
        }
    assert_int_equal(groups, 2);
    assert_string_equal(tx_text(sh, 6, 1), "市直管国有企业（5）· 分值");
    assert_int_equal(check_rows_against_csv(&b, sh, 5, &t, 2), 8);
    csv_free(&t);
    kh_buf_free(&csv);
    tx_close(&b);

    /* --category: one sheet (and the data sheet of that category). */
    o.all_sheet = 0;
    o.category = 1;
    if (kh_report_score_xlsx(f.s, f.ds, f.r, &o, path, &sum, &err))
        fail_err("export", &err);
    assert_int_equal(tx_open(&b, path), 0);
    assert_int_equal(b.nsheets, 2);
    assert_string_equal(b.sheets[0].name, "委托主管部门和管委会管理的国有企业");
    assert_string_equal(tx_text(&b.sheets[1], 2, 2), "entrusted");
    assert_string_equal(tx_text(&b.sheets[1], 5, 1), "");
    tx_close(&b);
    free_fix(&f);
}

static void score_xlsx_is_deterministic(void **state)
{
    struct fix f;
    struct kh_report_opts o;
    struct kh_err err;
    char p1[512], p2[512];
    char *a, *b;
    size_t la, lb;
    (void)state;

    load_example(&f, "suxian", "2015");
    snprintf(p1, sizeof(p1), "%s/a.xlsx", f.dir);
    snprintf(p2, sizeof(p2), "%s/b.xlsx", f.dir);
    kh_report_opts_init(&o);
    o.created = 1700000000;
    if (kh_report_score_xlsx(f.s, f.ds, f.r, &o, p1, NULL, &err) ||
        kh_report_score_xlsx(f.s, f.ds, f.r, &o, p2, NULL, &err))
        fail_err("export", &err);
    a = slurp(p1, &la);
    b = slurp(p2, &lb);
    assert_true(la > 1000 && la == lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    free_fix(&f);
}

static void score_xlsx_bad_option_leaves_the_old_file(void **state)
{
    struct fix f;
    struct kh_report_opts o;
    struct kh_err err;
    char path[512];
    char *text;
    (void)state;

    load_example(&f, "suxian", "2015");
    snprintf(path, sizeof(path), "%s/old.xlsx", f.dir);
    spit(path, "old");
    kh_report_opts_init(&o);
    o.category = 7;
    assert_int_equal(kh_report_score_xlsx(f.s, f.ds, f.r, &o, path, NULL, &err), KH_EINVAL);
    o.category = -1;
    o.depth = -2;
    assert_int_equal(kh_report_score_xlsx(f.s, f.ds, f.r, &o, path, NULL, &err), KH_EINVAL);
    text = slurp(path, NULL);
    assert_string_equal(text, "old");
    free(text);
    assert_int_equal(count_files(f.dir), 1);
    free_fix(&f);
}

static void score_xlsx_unwritable_target_fails_cleanly(void **state)
{
    struct fix f;
    struct kh_err err;
    char path[512];
    (void)state;

    load_example(&f, "suxian", "2015");
    /* The target is a folder: the final rename fails; nothing is left. */
    snprintf(path, sizeof(path), "%s/table.xlsx", f.dir);
    assert_int_equal(mkdir(path, 0755), 0);
    kh_err_clear(&err);
    assert_int_equal(kh_report_score_xlsx(f.s, f.ds, f.r, NULL, path, NULL, &err), KH_EIO);
    assert_non_null(strstr(err.msg, "cannot replace the file"));
    assert_int_equal(count_files(f.dir), 1);
    assert_int_equal(count_files(path), 0);
    /* A folder that does not exist: no temporary file can be made. */
    snprintf(path, sizeof(path), "%s/nosuch/table.xlsx", f.dir);
    assert_int_equal(kh_report_score_xlsx(f.s, f.ds, f.r, NULL, path, NULL, &err), KH_EIO);
    assert_non_null(strstr(err.msg, "cannot create a file"));
    assert_int_equal(count_files(f.dir), 1);
    free_fix(&f);
}

static void write_atomic_replaces_the_whole_file(void **state)
{
    char dir[] = "/tmp/kh-test-atomic-XXXXXX", path[512];
    struct kh_err err;
    char *text;
    struct stat st;
    (void)state;

    umask(022);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/out.csv", dir);
    spit(path, "an old and longer content\n");
    assert_int_equal(kh_report_write_atomic(path, "new\n", 4, &err), KH_OK);
    text = slurp(path, NULL);
    assert_string_equal(text, "new\n");
    free(text);
    assert_int_equal(count_files(dir), 1);
    /* Ordinary permissions (not mkstemp's 0600). */
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    /* An empty file is fine too; an empty path is not. */
    assert_int_equal(kh_report_write_atomic(path, "", 0, &err), KH_OK);
    assert_int_equal(kh_report_write_atomic("", "x", 1, &err), KH_EINVAL);
    assert_int_equal(kh_report_write_atomic(dir, "x", 1, &err), KH_EIO);
    assert_int_equal(count_files(dir), 1);
    rm_dir(dir);
}

static void sheet_names_are_what_excel_accepts(void **state)
{
    char out[160], *used[2];
    (void)state;
    rep_sheet_name("A[1]:B*C?D/E\\F", NULL, 0, out, sizeof(out));
    assert_string_equal(out, "A_1__B_C_D_E_F");
    rep_sheet_name("委托主管部门和管委会管理的国有企业以及其他各类企业和事业单位合计", NULL, 0, out,
                   sizeof(out));
    assert_string_equal(out, "委托主管部门和管委会管理的国有企业以及其他各类企业和事业单位…");
    rep_sheet_name("", NULL, 0, out, sizeof(out));
    assert_string_equal(out, "Sheet");
    used[0] = (char *)"镇街";
    used[1] = (char *)"镇街(2)";
    rep_sheet_name("镇街", used, 2, out, sizeof(out));
    assert_string_equal(out, "镇街(3)");
    used[0] = (char *)"Town";
    rep_sheet_name("town", used, 1, out, sizeof(out)); /* Excel ignores case */
    assert_string_equal(out, "town(2)");
    rep_sheet_name("'quoted'", NULL, 0, out, sizeof(out));
    assert_string_equal(out, "_quoted_");
}

static void utf8_cut_never_splits_a_character(void **state)
{
    char out[64];
    (void)state;
    assert_string_equal(rep_utf8_cut("一二三四五", 3, out, sizeof(out)), "一二…");
    assert_string_equal(rep_utf8_cut("一二三", 3, out, sizeof(out)), "一二三");
    assert_string_equal(rep_utf8_cut("abcdef", 10, out, 6), "ab…"); /* 6 bytes */
    assert_string_equal(rep_utf8_cut(NULL, 3, out, sizeof(out)), "");
    assert_string_equal(rep_utf8_cut("\xE4\xB8", 3, out, sizeof(out)), "\xE4\xB8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(score_csv_is_score_output_with_bom),
        cmocka_unit_test(score_csv_stream_gives_the_same_bytes_in_blocks),
        cmocka_unit_test(score_xlsx_headers_follow_the_indicator_tree),
        cmocka_unit_test(score_xlsx_narrow_table_fits_the_page_width),
        cmocka_unit_test(score_xlsx_sheet_per_category_and_all),
        cmocka_unit_test(score_xlsx_is_deterministic),
        cmocka_unit_test(score_xlsx_bad_option_leaves_the_old_file),
        cmocka_unit_test(score_xlsx_unwritable_target_fails_cleanly),
        cmocka_unit_test(write_atomic_replaces_the_whole_file),
        cmocka_unit_test(sheet_names_are_what_excel_accepts),
        cmocka_unit_test(utf8_cut_never_splits_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
