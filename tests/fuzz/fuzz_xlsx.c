/*
 * fuzz_xlsx.c — libFuzzer target for the XLSX reader (ECMA-376 Office
 * Open XML SpreadsheetML, io/xlsx.h) and the dataset loaders on top of it.
 *
 * An input is one of:
 *   - a whole .xlsx file (it starts with "PK"): read as it is, so the zip
 *     layer (libzip: truncation, bad headers, bad deflate data) is fuzzed;
 *   - parts: sections that each start with a line "@@ part/name.xml" and
 *     hold that part's bytes, packed into a zip (stored, with correct
 *     CRCs) over the standard parts of a one-sheet workbook, so that
 *     mutations reach the XML parsers instead of failing a checksum;
 *   - anything else: the bytes of xl/worksheets/sheet1.xml.
 * Each workbook is read with default and with tight limits: every sheet's
 * rows and merged ranges, checking the contracts (rising rows, dense cells
 * ending in a non-empty one, NUL-terminated UTF-8 text of the stated
 * length, sane ranges, known error codes), then loaded as a values and as
 * a units file (all or nothing: a failed load leaves the dataset as it
 * was).
 *
 * Seeds: tests/fuzz/seeds/fuzz_xlsx/ (workbooks written by libxlsxwriter
 * and LibreOffice, and part sections).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "io/encoding.h"
#include "io/xlsx.h"
#include "kaohe/data.h"

/* Stop with a crash the fuzzer reports when a contract is broken. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "contract broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define NS                                                                                         \
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "                         \
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char *const std_parts[][2] = {
    {"_rels/.rels",
     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
     "<Relationship Id=\"rId1\" Type=\"" REL "/officeDocument\" Target=\"xl/workbook.xml\"/>"
     "</Relationships>"},
    {"xl/workbook.xml", "<workbook " NS "><sheets><sheet name=\"Sheet1\" sheetId=\"1\" "
                        "r:id=\"rId1\"/></sheets></workbook>"},
    {"xl/_rels/workbook.xml.rels",
     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
     "<Relationship Id=\"rId1\" Type=\"" REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
     "<Relationship Id=\"rId2\" Type=\"" REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
     "<Relationship Id=\"rId3\" Type=\"" REL "/styles\" Target=\"styles.xml\"/>"
     "</Relationships>"},
};

static const char units_csv[] = "id,name,category\nT01,城关镇,town\nT02,城南镇,town\n";

/* Add data[0..len) as entry `name` of z, stored. */
static void add_part(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    zip_int64_t idx = s ? zip_file_add(z, name, s, ZIP_FL_OVERWRITE) : -1;

    if (idx < 0) {
        if (s)
            zip_source_free(s);
        return;
    }
    zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
}

/* Pack the standard parts and the input's sections into a zip in memory
 * (malloc'd, its size in *len), or NULL. */
static char *pack(const uint8_t *data, size_t size, size_t *len)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *z;
    zip_int64_t n;
    char name[128], *out = NULL;
    const char *p = (const char *)data, *end = p + size, *nl, *next;
    size_t i;

    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_error_fini(&ze);
    if (!src)
        return NULL;
    zip_source_keep(src);
    z = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
    if (!z) {
        zip_source_free(src);
        zip_source_free(src);
        return NULL;
    }
    for (i = 0; i < sizeof(std_parts) / sizeof(std_parts[0]); i++)
        add_part(z, std_parts[i][0], std_parts[i][1], strlen(std_parts[i][1]));
    if (size < 3 || memcmp(p, "@@ ", 3) != 0) {
        add_part(z, "xl/worksheets/sheet1.xml", p, size);
    } else {
        while (p < end) {
            nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl || nl - p - 3 <= 0 || nl - p - 3 >= (long)sizeof(name))
                break;
            memcpy(name, p + 3, (size_t)(nl - p - 3));
            name[nl - p - 3] = 0;
            p = nl + 1;
            for (next = p; next + 4 <= end && memcmp(next, "\n@@ ", 4) != 0; next++)
                ;
            if (next + 4 > end)
                next = end;
            add_part(z, name, p, (size_t)(next - p));
            p = next < end ? next + 1 : end;
        }
    }
    if (zip_close(z) != 0) {
        zip_discard(z);
        zip_source_free(src);
        return NULL;
    }
    if (zip_source_open(src) == 0) {
        zip_source_seek(src, 0, SEEK_END);
        n = zip_source_tell(src);
        zip_source_seek(src, 0, SEEK_SET);
        out = n > 0 ? malloc((size_t)n) : NULL;
        if (out && zip_source_read(src, out, (zip_uint64_t)n) != n) {
            free(out);
            out = NULL;
        }
        *len = (size_t)n;
        zip_source_close(src);
    }
    zip_source_free(src);
    return out;
}

/* Check an error record: a known code and a terminated message. */
static void check_err(const struct kh_err *err, int rc)
{
    char out[1200];

    CHECK(rc == KH_EINVAL || rc == KH_ELIMIT || rc == KH_ENOMEM || rc == KH_EIO ||
          rc == KH_ENOTFOUND);
    CHECK(err->code == rc);
    CHECK(memchr(err->msg, 0, sizeof(err->msg)) != NULL);
    CHECK(memchr(err->file, 0, sizeof(err->file)) != NULL);
    CHECK(err->msg[0] != 0);
    kh_err_format(err, out, sizeof(out));
}

/* The row contract of io/xlsx.h. */
static int check_row(void *ctx, struct xlsx_row *r)
{
    int *last = ctx, c;

    CHECK(r->row > *last && r->row <= 1048576);
    *last = r->row;
    CHECK(r->ncells >= 1 && r->ncells <= 16384);
    CHECK(r->len[r->ncells - 1] > 0);
    for (c = 0; c < r->ncells; c++) {
        CHECK(r->type[c] <= XLSX_ERROR);
        CHECK((r->len[c] == 0) == (r->type[c] == XLSX_EMPTY));
        CHECK(strlen(r->text[c]) == r->len[c]);
        CHECK(kh_enc_utf8_check(r->text[c], r->len[c], NULL) == r->len[c]);
    }
    return 0;
}

/* Read every sheet of the workbook with limits `lim` (NULL: defaults). */
static void read_all(const char *data, size_t len, const struct xlsx_limits *lim)
{
    const struct xlsx_range *m;
    struct xlsx *x = NULL;
    struct kh_err err;
    size_t n, k;
    int rc, i, last;

    rc = xlsx_open_mem(&x, "fuzz.xlsx", data, len, lim, &err);
    if (rc) {
        check_err(&err, rc);
        CHECK(x == NULL);
        return;
    }
    rc = xlsx_sheet_choose(x, NULL, &err);
    if (rc < 0)
        check_err(&err, rc);
    else
        CHECK(xlsx_sheet_is_worksheet(x, rc));
    for (i = 0; i < xlsx_sheet_count(x); i++) {
        CHECK(xlsx_sheet_name(x, i) != NULL);
        last = 0;
        rc = xlsx_sheet_read(x, i, check_row, &last, &err);
        if (rc)
            check_err(&err, rc);
        rc = xlsx_sheet_merges(x, i, &m, &n, &err);
        if (rc) {
            check_err(&err, rc);
            continue;
        }
        for (k = 0; k < n; k++)
            CHECK(m[k].row1 >= 1 && m[k].row1 <= m[k].row2 && m[k].col1 >= 1 &&
                  m[k].col1 <= m[k].col2 && m[k].col2 <= 16384);
    }
    xlsx_free(x);
}

/* Load the workbook as `kind` over the fixed units: all or nothing. */
static void load_as(const char *kind, const char *data, size_t len)
{
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_err err;
    int rc, nfiles, nunits;
    size_t nvalues;

    if (!ds)
        return;
    CHECK(kh_dataset_load_mem(ds, "units", "units.csv", units_csv, sizeof(units_csv) - 1, &err) ==
          KH_OK);
    nfiles = ds->nfiles;
    nunits = ds->nunits;
    nvalues = ds->nvalues;
    rc = kh_dataset_load_mem(ds, kind, "fuzz.xlsx", data, len, &err);
    if (rc) {
        check_err(&err, rc);
        CHECK(ds->nfiles == nfiles && ds->nunits == nunits && ds->nvalues == nvalues);
    } else {
        CHECK(ds->nfiles == nfiles + 1);
        CHECK(strstr(ds->files[nfiles], "fuzz.xlsx [") == ds->files[nfiles]);
    }
    kh_dataset_free(ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlsx_limits tight;
    char *book = NULL;
    const char *bytes = (const char *)data;
    size_t len = size;

    if (size < 2 || data[0] != 'P' || data[1] != 'K') {
        book = pack(data, size, &len);
        if (!book)
            return 0;
        bytes = book;
    }
    read_all(bytes, len, NULL);
    memset(&tight, 0, sizeof(tight));
    tight.max_strings = 4;
    tight.max_string_bytes = 64;
    tight.max_cell = 16;
    tight.max_row_bytes = 64;
    tight.max_cols = 8;
    tight.max_rows = 64;
    tight.max_part = 1 << 16;
    tight.max_ratio = 4;
    tight.max_depth = 6;
    tight.max_token = 1024;
    tight.max_sheets = 4;
    tight.max_styles = 8;
    tight.max_merges = 2;
    read_all(bytes, len, &tight);
    load_as("values", bytes, len);
    load_as("units", bytes, len);
    free(book);
    return 0;
}
