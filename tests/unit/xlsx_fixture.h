/*
 * xlsx_fixture.h — helpers for the XLSX reader's tests (test_xlsx.c):
 * building Office Open XML packages (ECMA-376 Part 2: a zip of XML parts)
 * by hand with libzip, so that malformed workbooks can be made part by
 * part; a scratch folder for workbooks written by libxlsxwriter; reading a
 * file whole; and comparing two datasets record by record (the LibreOffice
 * round trip compares a folder of CSV files with the workbooks converted
 * from them). Everything is static so that the one test file that includes
 * this compiles warning-free.
 */
#ifndef KH_TEST_XLSX_FIXTURE_H
#define KH_TEST_XLSX_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "kaohe/data.h"

/* The SpreadsheetML namespaces, as the root element of a part declares them. */
#define XF_NS                                                                                      \
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "                         \
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define XF_PKG  "http://schemas.openxmlformats.org/package/2006/relationships"
#define XF_REL  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XF_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

/* One part of a package: its name and bytes (len 0: strlen). data NULL in
 * an override removes the part. */
struct xf_part {
    const char *name;
    const char *data;
    size_t len;
};

static const char xf_content_types[] =
    XF_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            "<Default Extension=\"rels\" "
            "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";

static const char xf_root_rels[] =
    XF_DECL "<Relationships xmlns=\"" XF_PKG "\"><Relationship Id=\"rId1\" Type=\"" XF_REL
            "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

static const char xf_workbook[] =
    XF_DECL "<workbook " XF_NS "><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
            "</sheets></workbook>";

static const char xf_workbook_rels[] = XF_DECL
    "<Relationships xmlns=\"" XF_PKG "\">"
    "<Relationship Id=\"rId1\" Type=\"" XF_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" XF_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" XF_REL "/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

/* A scratch folder for this test run (created once, removed at exit by
 * xf_cleanup). */
static char xf_dir[64];

static void xf_cleanup(void)
{
    char cmd[128];
    if (xf_dir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", xf_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", xf_dir);
    }
}

/* The path of `name` inside the scratch folder (a static buffer). */
static const char *xf_path(const char *name)
{
    static char path[2][512];
    static int which;
    if (!xf_dir[0]) {
        snprintf(xf_dir, sizeof(xf_dir), "/tmp/kh_xlsx_XXXXXX");
        if (!mkdtemp(xf_dir)) {
            perror("mkdtemp");
            abort();
        }
        atexit(xf_cleanup);
    }
    which ^= 1;
    snprintf(path[which], sizeof(path[which]), "%s/%s", xf_dir, name);
    return path[which];
}

/* The file at `path` whole (malloc'd, NUL-terminated), its size in *len. */
static char *xf_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    if (data)
        data[n] = 0;
    *len = (size_t)n;
    return data;
}

/* Write data[0..len) to the file at `path`. Returns 0 or -1. */
static int xf_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* A part that xf_zip encrypts with AES-256 and the password "pw" (a zip
 * entry password, as some tools set), or NULL. */
static const char *xf_encrypt;

/* A zip archive of the parts, in memory (malloc'd; size in *len): parts
 * deflated, or stored when `store` is set. Aborts on failure. */
static char *xf_zip(const struct xf_part *parts, int n, int store, size_t *len)
{
    zip_error_t ze;
    zip_source_t *src, *ps;
    zip_t *z;
    zip_int64_t idx, size;
    char *out;
    int i;

    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src)
        abort();
    zip_source_keep(src);
    z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!z)
        abort();
    for (i = 0; i < n; i++) {
        if (!parts[i].data)
            continue;
        ps = zip_source_buffer(z, parts[i].data,
                               parts[i].len ? parts[i].len : strlen(parts[i].data), 0);
        idx = ps ? zip_file_add(z, parts[i].name, ps, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0)
            abort();
        zip_set_file_compression(z, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9);
        if (xf_encrypt && strcmp(parts[i].name, xf_encrypt) == 0 &&
            zip_file_set_encryption(z, (zip_uint64_t)idx, ZIP_EM_AES_256, "pw") != 0)
            abort();
    }
    if (zip_close(z) != 0)
        abort();
    if (zip_source_open(src) != 0)
        abort();
    zip_source_seek(src, 0, SEEK_END);
    size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    out = malloc((size_t)size + 1);
    if (!out || zip_source_read(src, out, (zip_uint64_t)size) != size)
        abort();
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)size;
    return out;
}

/* A workbook of one sheet "Sheet1": the standard parts, with `rows` inside
 * <sheetData>, `after` after it (merged cells …), the shared strings `sst`
 * inside <sst> and the whole styles part `styles` (each may be NULL), then
 * the overrides (replacing, adding or with data NULL removing parts). */
static char *xf_book_ex(const char *rows, const char *after, const char *sst, const char *styles,
                        const struct xf_part *over, int nover, int store, size_t *len)
{
    struct xf_part parts[24];
    char *sheet, *sst_xml = NULL, *out;
    size_t n;
    int np = 0, i, j;

    n = strlen(rows) + (after ? strlen(after) : 0) + 256;
    sheet = malloc(n);
    snprintf(sheet, n, XF_DECL "<worksheet " XF_NS "><sheetData>%s</sheetData>%s</worksheet>", rows,
             after ? after : "");
    if (sst) {
        n = strlen(sst) + 256;
        sst_xml = malloc(n);
        snprintf(sst_xml, n, XF_DECL "<sst " XF_NS ">%s</sst>", sst);
    }
    parts[np++] = (struct xf_part){"[Content_Types].xml", xf_content_types, 0};
    parts[np++] = (struct xf_part){"_rels/.rels", xf_root_rels, 0};
    parts[np++] = (struct xf_part){"xl/workbook.xml", xf_workbook, 0};
    parts[np++] = (struct xf_part){"xl/_rels/workbook.xml.rels", xf_workbook_rels, 0};
    parts[np++] = (struct xf_part){"xl/worksheets/sheet1.xml", sheet, 0};
    parts[np++] = (struct xf_part){"xl/sharedStrings.xml", sst_xml, 0};
    parts[np++] = (struct xf_part){"xl/styles.xml", styles, 0};
    for (i = 0; i < nover; i++) {
        for (j = 0; j < np && strcmp(parts[j].name, over[i].name) != 0; j++)
            ;
        if (j == np)
            np++;
        parts[j] = over[i];
    }
    out = xf_zip(parts, np, store, len);
    free(sheet);
    free(sst_xml);
    return out;
}

/* xf_book_ex without overrides, deflated. */
static char *xf_book(const char *rows, const char *after, const char *sst, const char *styles,
                     size_t *len)
{
    return xf_book_ex(rows, after, sst, styles, NULL, 0, 0, len);
}

/* ---- comparing datasets ----------------------------------------------------- */

/* Non-zero if the strings are equal (NULL equals only NULL). */
static int xf_same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Non-zero if the doubles are the same (NaN equals NaN). */
static int xf_same_num(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

#define XF_DIFF(...)                                                                               \
    do {                                                                                           \
        snprintf(why, whysz, __VA_ARGS__);                                                         \
        return 0;                                                                                  \
    } while (0)

/* Non-zero if a and b hold the same records from the same rows (file names
 * aside). Otherwise 0 with the first difference in why[0..whysz). */
static int xf_same_dataset(const struct kh_dataset *a, const struct kh_dataset *b, char *why,
                           size_t whysz)
{
    size_t i;
    int u, k;

    if (a->nunits != b->nunits || a->nindicators != b->nindicators || a->nvalues != b->nvalues ||
        a->ntargets != b->ntargets || a->nevents != b->nevents || a->nballots != b->nballots)
        XF_DIFF("sizes differ: units %d/%d, values %zu/%zu, targets %zu/%zu, events %zu/%zu, "
                "ballots %zu/%zu",
                a->nunits, b->nunits, a->nvalues, b->nvalues, a->ntargets, b->ntargets, a->nevents,
                b->nevents, a->nballots, b->nballots);
    for (u = 0; u < a->nunits; u++) {
        const struct kh_unit *p = &a->units[u], *q = &b->units[u];
        if (!xf_same_str(p->id, q->id) || !xf_same_str(p->name, q->name) ||
            !xf_same_str(p->category, q->category) || !xf_same_str(p->parent, q->parent) ||
            p->ntags != q->ntags || p->nattrs != q->nattrs || p->line != q->line)
            XF_DIFF("unit %d: %s/%s %s/%s line %d/%d", u, p->id, q->id, p->name, q->name, p->line,
                    q->line);
        for (k = 0; k < p->ntags; k++)
            if (!xf_same_str(p->tags[k], q->tags[k]))
                XF_DIFF("unit %s: tag %s/%s", p->id, p->tags[k], q->tags[k]);
        for (k = 0; k < p->nattrs; k++)
            if (!xf_same_str(p->attr_names[k], q->attr_names[k]) ||
                !xf_same_num(p->attr_values[k], q->attr_values[k]))
                XF_DIFF("unit %s: attribute %s %.17g/%.17g", p->id, p->attr_names[k],
                        p->attr_values[k], q->attr_values[k]);
    }
    for (k = 0; k < a->nindicators; k++)
        if (!xf_same_str(a->indicators[k], b->indicators[k]))
            XF_DIFF("indicator %d: %s/%s", k, a->indicators[k], b->indicators[k]);
    for (i = 0; i < a->nvalues; i++) {
        const struct kh_value *p = &a->values[i], *q = &b->values[i];
        if (p->unit != q->unit || p->indicator != q->indicator ||
            !kh_period_equal(&p->period, &q->period) || !xf_same_num(p->value, q->value) ||
            p->line != q->line)
            XF_DIFF("value %zu (line %d/%d): %.17g/%.17g", i, p->line, q->line, p->value, q->value);
    }
    for (i = 0; i < a->ntargets; i++) {
        const struct kh_target *p = &a->targets[i], *q = &b->targets[i];
        if (p->unit != q->unit || p->indicator != q->indicator ||
            !kh_period_equal(&p->period, &q->period) || !xf_same_num(p->target, q->target) ||
            !xf_same_num(p->baseline, q->baseline) || p->line != q->line)
            XF_DIFF("target %zu (line %d/%d)", i, p->line, q->line);
    }
    for (i = 0; i < a->nevents; i++) {
        const struct kh_event *p = &a->events[i], *q = &b->events[i];
        if (p->unit != q->unit || !xf_same_str(p->item, q->item) ||
            !kh_period_equal(&p->period, &q->period) || !xf_same_str(p->level, q->level) ||
            !xf_same_num(p->count, q->count) || !xf_same_str(p->matter, q->matter) ||
            !xf_same_num(p->points, q->points) || p->shares != q->shares ||
            p->exempt != q->exempt || !xf_same_str(p->evidence, q->evidence) ||
            !xf_same_str(p->note, q->note) || p->line != q->line)
            XF_DIFF("event %zu (line %d/%d)", i, p->line, q->line);
    }
    for (i = 0; i < a->nballots; i++) {
        const struct kh_ballot *p = &a->ballots[i], *q = &b->ballots[i];
        if (!xf_same_str(p->meeting, q->meeting) || !xf_same_str(p->evaluator, q->evaluator) ||
            !xf_same_str(p->group, q->group) || p->unit != q->unit ||
            !xf_same_str(p->grade, q->grade) || !xf_same_num(p->score, q->score) ||
            p->line != q->line)
            XF_DIFF("ballot %zu (line %d/%d)", i, p->line, q->line);
    }
    return 1;
}

#undef XF_DIFF

#endif
