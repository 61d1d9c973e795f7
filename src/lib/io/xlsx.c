/*
 * xlsx.c — the package side of kaohe's XLSX reader (io/xlsx.h): opening
 * an Office Open XML workbook (ECMA-376 Part 2, Open Packaging
 * Conventions: a zip archive of XML parts tied together by relationship
 * parts), finding the workbook part through _rels/.rels, its sheets in tab
 * order through workbook.xml and xl/_rels/workbook.xml.rels (Part 1
 * §18.2), and the shared-string and styles parts (read by xlsx_sheet.c and
 * xlsx_styles.c).
 *
 * Files that are not workbooks are told apart by their first bytes and
 * contents, each with advice a clerk can act on: CDFV2 (an .xls, or an
 * encrypted .xlsx), OpenDocument (.ods), binary workbooks (.xlsb), other
 * zips, truncated zips. Errors name the workbook; positions in the sheet
 * use the spreadsheet's notation (xlsx_where).
 */
#include "base/common.h"

#include <ctype.h>

#include "io/xlsx_int.h"

void xlsx_limits_default(struct xlsx_limits *lim)
{
    lim->max_strings = (size_t)1 << 23;
    lim->max_string_bytes = (size_t)64 << 20;
    lim->max_cell = (size_t)1 << 20;
    lim->max_row_bytes = (size_t)16 << 20;
    lim->max_cols = 16384;
    lim->max_rows = 1048576;
    lim->max_part = (uint64_t)2 << 30;
    lim->max_ratio = 200;
    lim->max_depth = 64;
    lim->max_token = (size_t)16 << 20;
    lim->max_sheets = 65536;
    lim->max_styles = (size_t)1 << 20;
    lim->max_merges = (size_t)1 << 20;
}

/* *lim with every zero field replaced by its default. */
static void limits_fill(struct xlsx_limits *lim, const struct xlsx_limits *given)
{
    struct xlsx_limits d;

    xlsx_limits_default(&d);
    *lim = d;
    if (!given)
        return;
#define TAKE(f)                                                                                    \
    if (given->f)                                                                                  \
    lim->f = given->f
    TAKE(max_strings);
    TAKE(max_string_bytes);
    TAKE(max_cell);
    TAKE(max_row_bytes);
    TAKE(max_cols);
    TAKE(max_rows);
    TAKE(max_part);
    TAKE(max_ratio);
    TAKE(max_depth);
    TAKE(max_token);
    TAKE(max_sheets);
    TAKE(max_styles);
    TAKE(max_merges);
#undef TAKE
    /* Shared strings and a row's cells are indexed with 32-bit offsets. */
    if (lim->max_string_bytes > UINT32_MAX)
        lim->max_string_bytes = UINT32_MAX;
    if (lim->max_row_bytes > UINT32_MAX)
        lim->max_row_bytes = UINT32_MAX;
}

int xlsx_fail(const struct xlsx *x, struct kh_err *err, int code, const char *fmt, ...)
{
    char msg[700];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return kh_err_set(err, code, x->name, 0, 0, "%s", msg);
}

/* ---- first bytes ---------------------------------------------------------- */

int xlsx_sniff(const void *data, size_t len)
{
    static const unsigned char ole[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    const unsigned char *p = data;

    if (!p || len < 4)
        return XLSX_SIG_NONE;
    if (p[0] == 'P' && p[1] == 'K' && ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
        return XLSX_SIG_ZIP;
    if (len >= 8 && memcmp(p, ole, 8) == 0)
        return XLSX_SIG_OLE;
    return XLSX_SIG_NONE;
}

int xlsx_sniff_file(const char *path)
{
    unsigned char head[8];
    size_t n;
    FILE *f = path ? fopen(path, "rb") : NULL;

    if (!f)
        return XLSX_SIG_NONE;
    n = fread(head, 1, sizeof(head), f);
    fclose(f);
    return xlsx_sniff(head, n);
}

/* ---- names and positions -------------------------------------------------- */

const char *xlsx_col_name(int col, char out[4])
{
    if (col < 1 || col > 18278) {
        snprintf(out, 4, "?");
    } else if (col <= 26) {
        out[0] = (char)('A' + col - 1);
        out[1] = 0;
    } else if (col <= 702) {
        out[0] = (char)('A' + (col - 27) / 26);
        out[1] = (char)('A' + (col - 27) % 26);
        out[2] = 0;
    } else {
        out[0] = (char)('A' + (col - 703) / 676);
        out[1] = (char)('A' + (col - 703) / 26 % 26);
        out[2] = (char)('A' + (col - 703) % 26);
        out[3] = 0;
    }
    return out;
}

const char *xlsx_where(const struct xlsx *x, int sheet, int row, int col, char *out, size_t outsz)
{
    const char *sn = xlsx_sheet_name(x, sheet);
    char letters[4];

    if (!sn)
        snprintf(out, outsz, "%s", x->name);
    else if (row > 0 && col > 0)
        snprintf(out, outsz, "%s [%s]!%s%d", x->name, sn, xlsx_col_name(col, letters), row);
    else if (row > 0)
        snprintf(out, outsz, "%s [%s] row %d", x->name, sn, row);
    else
        snprintf(out, outsz, "%s [%s]", x->name, sn);
    return out;
}

void xlsx_err_locate(struct xlsx *x, int sheet, struct kh_err *err)
{
    const struct xlsx_range *m = NULL;
    struct kh_err scratch;
    char letters[4], l2[4];
    size_t i, nm = 0, len;

    if (!err)
        return;
    xlsx_where(x, sheet, err->line, err->col, err->file, sizeof(err->file));
    if (err->line > 0 && err->col > 0 && xlsx_sheet_merges(x, sheet, &m, &nm, &scratch) == KH_OK) {
        for (i = 0; i < nm; i++) {
            if (err->line < m[i].row1 || err->line > m[i].row2 || err->col < m[i].col1 ||
                err->col > m[i].col2 || (err->line == m[i].row1 && err->col == m[i].col1))
                continue;
            len = strlen(err->msg);
            snprintf(err->msg + len, sizeof(err->msg) - len,
                     " (the cell is inside the merged range %s%d:%s%d, whose value is only in "
                     "%s%d: unmerge the cells and fill in every row)",
                     xlsx_col_name(m[i].col1, letters), m[i].row1, xlsx_col_name(m[i].col2, l2),
                     m[i].row2, letters, m[i].row1);
            break;
        }
    }
    err->line = 0;
    err->col = 0;
}

/* ---- ST_Xstring ------------------------------------------------------------ */

/* Value of hex digit c, or -1. */
static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t xlsx_xstring_decode(char *s, size_t n)
{
    size_t i = 0, o = 0;

    if (!memchr(s, '_', n))
        return n;
    while (i < n) {
        unsigned cp = 0;
        int k, ok = i + 7 <= n && s[i] == '_' && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
                    s[i + 6] == '_';
        for (k = 2; ok && k < 6; k++) {
            int h = hexval((unsigned char)s[i + k]);
            ok = h >= 0;
            cp = cp * 16 + (unsigned)(h < 0 ? 0 : h);
        }
        /* NUL and lone surrogates stay as written. */
        if (!ok || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            s[o++] = s[i++];
            continue;
        }
        if (cp < 0x80) {
            s[o++] = (char)cp;
        } else if (cp < 0x800) {
            s[o++] = (char)(0xC0 | (cp >> 6));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            s[o++] = (char)(0xE0 | (cp >> 12));
            s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        }
        i += 7;
    }
    return o;
}

/* ---- relationships (OPC Part 2 §9.3) -------------------------------------- */

/* One relationship of a .rels part. */
struct rel {
    char *id, *type, *target;
};

struct rels {
    struct xlsx *x;
    const char *base; /* folder of the source part, "" or "xl/" */
    struct rel *r;
    size_t n, cap;
};

/* Join a relationship target to the source part's folder and resolve "."
 * and ".." segments. Returns a new string or NULL (out of memory, or a
 * target that climbs out of the package). */
static char *resolve_target(const char *base, const char *target)
{
    const char *p;
    char *s;
    size_t o = 0, seg, n = strlen(base) + strlen(target) + 1;

    s = malloc(n);
    if (!s)
        return NULL;
    snprintf(s, n, "%s%s", target[0] == '/' ? "" : base, target[0] == '/' ? target + 1 : target);
    /* In place: segment by segment into s[0..o), never ahead of p. */
    for (p = s; *p;) {
        seg = strcspn(p, "/");
        if (seg == 2 && p[0] == '.' && p[1] == '.') {
            if (o == 0) {
                free(s);
                return NULL;
            }
            o--; /* the '/' after the last segment kept */
            while (o > 0 && s[o - 1] != '/')
                o--;
        } else if (seg && !(seg == 1 && p[0] == '.')) {
            memmove(s + o, p, seg);
            o += seg;
            if (p[seg] == '/')
                s[o++] = '/';
        }
        p += seg;
        if (*p == '/')
            p++;
    }
    if (o > 0 && s[o - 1] == '/')
        o--;
    s[o] = 0;
    return s;
}

static void rels_start(struct xml_part *xp, const char *local, const char **attrs)
{
    struct rels *rs = xp->ctx;
    const char *id = xml_attr(attrs, "Id"), *type = xml_attr(attrs, "Type");
    const char *target = xml_attr(attrs, "Target"), *mode = xml_attr(attrs, "TargetMode");
    struct rel *r;

    if (strcmp(local, "Relationship") != 0 || !id || !type || !target ||
        (mode && strcmp(mode, "External") == 0))
        return;
    if (rs->n >= (size_t)xp->x->lim.max_sheets) {
        xml_fail(xp, KH_ELIMIT, "more than %d relationships: refusing the file",
                 xp->x->lim.max_sheets);
        return;
    }
    if (kh_grow(&rs->r, &rs->cap, rs->n + 1, sizeof(*rs->r))) {
        xml_fail(xp, KH_ENOMEM, "out of memory");
        return;
    }
    r = &rs->r[rs->n];
    r->id = kh_strdup(id);
    r->type = kh_strdup(type);
    r->target = resolve_target(rs->base, target);
    if (r->id && r->type && r->target) {
        rs->n++;
        return;
    }
    /* Out of memory, or a target that climbs out of the package (then
     * the relationship is ignored, and so is what it points to). */
    if (!r->id || !r->type || strstr(target, "..") == NULL)
        xml_fail(xp, KH_ENOMEM, "out of memory");
    free(r->id);
    free(r->type);
    free(r->target);
}

static void rels_end(struct xml_part *xp, const char *local)
{
    (void)xp;
    (void)local;
}

static const struct xml_handlers rels_handlers = {rels_start, rels_end, NULL};

static void rels_free(struct rels *rs)
{
    size_t i;

    for (i = 0; i < rs->n; i++) {
        free(rs->r[i].id);
        free(rs->r[i].type);
        free(rs->r[i].target);
    }
    free(rs->r);
}

/* Non-zero if relationship type `type` ends in "/what". */
static int rel_is(const char *type, const char *what)
{
    size_t n = strlen(type), w = strlen(what);
    return n > w && type[n - w - 1] == '/' && strcmp(type + n - w, what) == 0;
}

/* The .rels part of part `part` ("xl/workbook.xml" → "xl/_rels/workbook.xml.rels"). */
static char *rels_part_of(const char *part)
{
    const char *slash = strrchr(part, '/');
    size_t dir = slash ? (size_t)(slash - part + 1) : 0, n = strlen(part) + 12;
    char *s = malloc(n);

    if (s)
        snprintf(s, n, "%.*s_rels/%s.rels", (int)dir, part, part + dir);
    return s;
}

/* ---- workbook.xml (§18.2.27 workbook, §18.2.19 sheet) ---------------------- */

struct wb {
    int in_sheets, saw_root;
    char **rids; /* r:id of each sheet */
};

static void wb_start(struct xml_part *xp, const char *local, const char **attrs)
{
    struct wb *wb = xp->ctx;
    struct xlsx *x = xp->x;
    struct xlsx_sheet *s;
    const char *v, *name, *rid;
    char **rids;

    if (xp->depth == 1) {
        if (strcmp(local, "workbook") != 0)
            xml_fail(xp, KH_EINVAL, "expected a SpreadsheetML <workbook>, found <%s>", local);
        wb->saw_root = 1;
        return;
    }
    if (xp->depth == 2 && strcmp(local, "workbookPr") == 0) {
        v = xml_attr(attrs, "date1904");
        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (xp->depth == 2 && strcmp(local, "sheets") == 0) {
        wb->in_sheets = 1;
    } else if (xp->depth == 3 && wb->in_sheets && strcmp(local, "sheet") == 0) {
        name = xml_attr(attrs, "name");
        rid = xml_attr_ns(attrs, NS_REL, "id");
        if (!name || !name[0] || strlen(name) > 255) {
            xml_fail(xp, KH_EINVAL, "a sheet without a name or with a name over 255 bytes");
            return;
        }
        if (x->nsheets >= x->lim.max_sheets) {
            xml_fail(xp, KH_ELIMIT, "more than %d sheets: refusing the file", x->lim.max_sheets);
            return;
        }
        rids = realloc(wb->rids, ((size_t)x->nsheets + 1) * sizeof(*wb->rids));
        if (rids)
            wb->rids = rids;
        if (!rids ||
            kh_grow(&x->sheets, &x->sheets_cap, (size_t)x->nsheets + 1, sizeof(*x->sheets))) {
            xml_fail(xp, KH_ENOMEM, "out of memory");
            return;
        }
        s = &x->sheets[x->nsheets];
        memset(s, 0, sizeof(*s));
        v = xml_attr(attrs, "state");
        s->hidden = v && (strcmp(v, "hidden") == 0 || strcmp(v, "veryHidden") == 0);
        s->name = kh_strdup(name);
        wb->rids[x->nsheets] = rid ? kh_strdup(rid) : NULL;
        x->nsheets++;
        if (!s->name || (rid && !wb->rids[x->nsheets - 1]))
            xml_fail(xp, KH_ENOMEM, "out of memory");
    }
}

static void wb_end(struct xml_part *xp, const char *local)
{
    struct wb *wb = xp->ctx;
    if (xp->depth == 2 && strcmp(local, "sheets") == 0)
        wb->in_sheets = 0;
}

static const struct xml_handlers wb_handlers = {wb_start, wb_end, NULL};

/* ---- opening ---------------------------------------------------------------- */

/* Why the package has no workbook part: an .ods, an .xlsb, another zip. */
static int no_workbook(struct xlsx *x, const char *part, struct kh_err *err)
{
    char mime[64];
    zip_file_t *f;
    zip_int64_t n = 0;

    if (zip_name_locate(x->zip, "xl/workbook.bin", ZIP_FL_NOCASE) >= 0)
        return xlsx_fail(x, err, KH_EINVAL,
                         "a binary Excel workbook (.xlsb) is not supported: save it as .xlsx");
    f = zip_fopen(x->zip, "mimetype", 0);
    if (f) {
        n = zip_fread(f, mime, sizeof(mime) - 1);
        zip_fclose(f);
    }
    mime[n > 0 ? n : 0] = 0;
    if (strstr(mime, "opendocument"))
        return xlsx_fail(x, err, KH_EINVAL,
                         "an OpenDocument file (.ods) is not supported: save it as .xlsx (Excel "
                         "2007-365)");
    return xlsx_fail(x, err, KH_EINVAL,
                     "not an Excel workbook: the zip archive holds no %s (is it a .docx or "
                     "another zip file?)",
                     part);
}

/* Find the workbook part, its sheets and the shared-string and styles
 * parts. */
static int package_load(struct xlsx *x, struct kh_err *err)
{
    struct rels root = {x, "", NULL, 0, 0}, wbr = {x, "", NULL, 0, 0};
    struct wb wb;
    char *part = NULL, *rels_name = NULL, *dir = NULL;
    size_t i;
    int s, rc;

    memset(&wb, 0, sizeof(wb));
    rc = xml_part_parse(x, "_rels/.rels", 0, &rels_handlers, &root, err);
    if (rc && rc != KH_ENOTFOUND)
        goto done;
    for (i = 0; i < root.n && !part; i++)
        if (rel_is(root.r[i].type, "officeDocument"))
            part = kh_strdup(root.r[i].target);
    if (!part)
        part = kh_strdup("xl/workbook.xml");
    if (!part) {
        rc = xlsx_fail(x, err, KH_ENOMEM, "out of memory");
        goto done;
    }
    if (zip_name_locate(x->zip, part, ZIP_FL_NOCASE) < 0) {
        rc = no_workbook(x, part, err);
        goto done;
    }
    rc = xml_part_parse(x, part, 1, &wb_handlers, &wb, err);
    if (rc)
        goto done;
    rels_name = rels_part_of(part);
    dir = kh_strndup(part, strrchr(part, '/') ? (size_t)(strrchr(part, '/') - part + 1) : 0);
    if (!rels_name || !dir) {
        rc = xlsx_fail(x, err, KH_ENOMEM, "out of memory");
        goto done;
    }
    wbr.base = dir;
    rc = xml_part_parse(x, rels_name, 1, &rels_handlers, &wbr, err);
    if (rc)
        goto done;
    for (i = 0; i < wbr.n; i++) {
        char **dst = rel_is(wbr.r[i].type, "sharedStrings") ? &x->sst_part
                     : rel_is(wbr.r[i].type, "styles")      ? &x->styles_part
                                                            : NULL;
        if (dst && !*dst && !(*dst = kh_strdup(wbr.r[i].target))) {
            rc = xlsx_fail(x, err, KH_ENOMEM, "out of memory");
            goto done;
        }
    }
    for (s = 0; s < x->nsheets; s++) {
        for (i = 0; wb.rids[s] && i < wbr.n; i++) {
            if (strcmp(wbr.r[i].id, wb.rids[s]) != 0)
                continue;
            x->sheets[s].worksheet = rel_is(wbr.r[i].type, "worksheet");
            x->sheets[s].part = kh_strdup(wbr.r[i].target);
            if (!x->sheets[s].part) {
                rc = xlsx_fail(x, err, KH_ENOMEM, "out of memory");
                goto done;
            }
            break;
        }
    }
    if (x->styles_part)
        rc = xlsx_styles_load(x, err);
done:
    for (s = 0; wb.rids && s < x->nsheets; s++)
        free(wb.rids[s]);
    free(wb.rids);
    rels_free(&root);
    rels_free(&wbr);
    free(part);
    free(rels_name);
    free(dir);
    return rc;
}

/* Open the archive from `src` (taken over) and read the package. */
static int open_source(struct xlsx **out, const char *name, zip_source_t *src, const char *path,
                       const struct xlsx_limits *lim, struct kh_err *err)
{
    struct xlsx *x = calloc(1, sizeof(*x));
    zip_error_t ze;
    int zcode = 0, rc;

    *out = NULL;
    if (!x || !(x->name = kh_strdup(name ? name : "workbook.xlsx"))) {
        free(x);
        if (src)
            zip_source_free(src);
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory");
    }
    limits_fill(&x->lim, lim);
    kh_buf_init(&x->sst_text, x->lim.max_string_bytes);
    zip_error_init(&ze);
    if (src) {
        x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
        if (!x->zip)
            zip_source_free(src);
        zcode = zip_error_code_zip(&ze);
    } else {
        x->zip = zip_open(path, ZIP_RDONLY, &zcode);
        zip_error_init_with_code(&ze, zcode);
    }
    if (!x->zip) {
        if (zcode == ZIP_ER_OPEN || zcode == ZIP_ER_READ || zcode == ZIP_ER_NOENT)
            rc = xlsx_fail(x, err, KH_EIO, "cannot read the file: %s", zip_error_strerror(&ze));
        else if (zcode == ZIP_ER_MEMORY)
            rc = xlsx_fail(x, err, KH_ENOMEM, "out of memory");
        else
            rc = xlsx_fail(x, err, KH_EINVAL,
                           "the file starts like an .xlsx (zip) file but is truncated or damaged "
                           "(%s): copy it again, or open it in Excel, WPS or LibreOffice and "
                           "save it as .xlsx",
                           zip_error_strerror(&ze));
        zip_error_fini(&ze);
        xlsx_free(x);
        return rc;
    }
    zip_error_fini(&ze);
    if (zip_get_num_entries(x->zip, 0) > 100000) {
        rc = xlsx_fail(x, err, KH_ELIMIT, "the zip archive holds more than 100000 parts");
    } else {
        rc = package_load(x, err);
    }
    if (rc) {
        xlsx_free(x);
        return rc;
    }
    *out = x;
    return KH_OK;
}

/* The error for a file whose first bytes are not a zip's. */
static int not_zip(const char *name, int sig, struct kh_err *err)
{
    if (sig == XLSX_SIG_OLE)
        return kh_err_set(err, KH_EINVAL, name, 0, 0,
                          "encrypted or old .xls files are not supported; save as .xlsx (Excel "
                          "2007-365, without a password)");
    return kh_err_set(err, KH_EINVAL, name, 0, 0,
                      "not an .xlsx file: an .xlsx file is a zip archive, which starts with "
                      "\"PK\"");
}

int xlsx_open_mem(struct xlsx **out, const char *name, const void *data, size_t len,
                  const struct xlsx_limits *lim, struct kh_err *err)
{
    zip_source_t *src;
    zip_error_t ze;
    int sig = xlsx_sniff(data, len);

    *out = NULL;
    if (sig != XLSX_SIG_ZIP)
        return not_zip(name, sig, err);
    zip_error_init(&ze);
    src = zip_source_buffer_create(data, len, 0, &ze);
    zip_error_fini(&ze);
    if (!src)
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory");
    return open_source(out, name, src, NULL, lim, err);
}

int xlsx_open_file(struct xlsx **out, const char *path, const struct xlsx_limits *lim,
                   struct kh_err *err)
{
    unsigned char head[8];
    size_t n;
    FILE *f;

    *out = NULL;
    f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return kh_err_set(err, KH_EIO, path, 0, 0, "cannot open the file: %s",
                          path ? strerror(errno) : "no file name");
    n = fread(head, 1, sizeof(head), f);
    fclose(f);
    if (xlsx_sniff(head, n) != XLSX_SIG_ZIP)
        return not_zip(path, xlsx_sniff(head, n), err);
    return open_source(out, path, NULL, path, lim, err);
}

void xlsx_free(struct xlsx *x)
{
    int i;

    if (!x)
        return;
    if (x->zip)
        zip_discard(x->zip);
    for (i = 0; i < x->nsheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].part);
        free(x->sheets[i].merges);
    }
    free(x->sheets);
    free(x->sst_part);
    free(x->styles_part);
    free(x->xf);
    kh_buf_free(&x->sst_text);
    free(x->sst);
    free(x->name);
    free(x);
}

/* ---- the sheet list -------------------------------------------------------- */

const char *xlsx_name(const struct xlsx *x)
{
    return x->name;
}

int xlsx_sheet_count(const struct xlsx *x)
{
    return x->nsheets;
}

const char *xlsx_sheet_name(const struct xlsx *x, int i)
{
    return i >= 0 && i < x->nsheets ? x->sheets[i].name : NULL;
}

int xlsx_sheet_hidden(const struct xlsx *x, int i)
{
    return i >= 0 && i < x->nsheets && x->sheets[i].hidden;
}

int xlsx_sheet_is_worksheet(const struct xlsx *x, int i)
{
    return i >= 0 && i < x->nsheets && x->sheets[i].worksheet;
}

/* ASCII case-insensitive equality. */
static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int xlsx_sheet_choose(const struct xlsx *x, const char *name, struct kh_err *err)
{
    char list[500];
    size_t o = 0;
    int i, first = -1;

    for (i = 0; i < x->nsheets; i++) {
        const struct xlsx_sheet *s = &x->sheets[i];
        if (name && name[0]) {
            if (same_name(s->name, name) && s->worksheet)
                return i;
            if (same_name(s->name, name))
                return xlsx_fail(x, err, KH_ENOTFOUND,
                                 "sheet \"%s\" is a chart or dialog sheet, not a worksheet of "
                                 "cells",
                                 s->name);
        } else if (s->worksheet && !s->hidden) {
            return i;
        } else if (s->worksheet && first < 0) {
            first = i;
        }
    }
    if (first >= 0)
        return first;
    list[0] = 0;
    for (i = 0; i < x->nsheets && o + 1 < sizeof(list); i++)
        o += (size_t)snprintf(list + o, sizeof(list) - o, "%s\"%s\"", i ? ", " : "",
                              x->sheets[i].name);
    if (o >= sizeof(list))
        snprintf(list + sizeof(list) - 5, 5, "\xE2\x80\xA6");
    if (name && name[0])
        return xlsx_fail(x, err, KH_ENOTFOUND, "no sheet named \"%s\": the workbook has %s", name,
                         x->nsheets ? list : "no sheets");
    return xlsx_fail(x, err, KH_ENOTFOUND, "the workbook has no worksheet%s%s",
                     x->nsheets ? ": only " : "", list);
}
