/*
 * xlsx_sheet.c — the content side of kaohe's XLSX reader (io/xlsx.h):
 * the shared-string table (ECMA-376 Part 1 §18.4: <si> with <t> or rich
 * text runs <r><t>, phonetic runs <rPh> dropped, _xHHHH_ escapes decoded),
 * and worksheets streamed row by row (§18.3.1: <sheetData>, <row r>, <c r
 * t s> with <v>, <f>, <is>; <mergeCells>).
 *
 * A row is gathered in one text buffer (every cell's text NUL-terminated,
 * one after the other) and a list of the cells seen, which may come in any
 * order; at </row> the list is sorted if need be, checked for cells given
 * twice, and spread into dense arrays (gaps become empty cells) for the
 * caller's callback. Memory is one row plus the shared strings, whatever
 * the number of rows. Numbers whose cell format shows a date or time
 * become ISO 8601 text (xlsx_styles.c); percentages become the text the
 * spreadsheet shows.
 */
#include "base/common.h"

#include "io/xlsx_int.h"

/* The t attribute of a cell (§18.18.11 ST_CellType). */
enum cell_t { CT_N, CT_S, CT_B, CT_E, CT_STR, CT_INLINE, CT_D };

/* Empty cells a sheet read may fill in between the cells given: bounds the
 * work a tiny sparse file can cause. */
#define MAX_GAP_CELLS ((uint64_t)1 << 28)

/* ---- the shared-string table --------------------------------------------- */

struct sst_state {
    int in_si, in_t, rph;
    size_t start;
};

static void sst_start(struct xml_part *xp, const char *local, const char **attrs)
{
    struct sst_state *ss = xp->ctx;
    struct xlsx *x = xp->x;

    (void)attrs;
    if (xp->depth == 2 && strcmp(local, "si") == 0) {
        if (x->nsst >= x->lim.max_strings) {
            xml_fail(xp, KH_ELIMIT,
                     "the shared-string table holds more than %zu strings: refusing the file",
                     x->lim.max_strings);
            return;
        }
        ss->in_si = 1;
        ss->start = x->sst_text.len;
    } else if (ss->in_si && strcmp(local, "rPh") == 0) {
        ss->rph++;
    } else if (ss->in_si && !ss->rph && strcmp(local, "t") == 0) {
        ss->in_t = 1;
    }
}

static void sst_end(struct xml_part *xp, const char *local)
{
    struct sst_state *ss = xp->ctx;
    struct xlsx *x = xp->x;
    size_t n;

    if (strcmp(local, "t") == 0) {
        ss->in_t = 0;
    } else if (strcmp(local, "rPh") == 0 && ss->rph) {
        ss->rph--;
    } else if (xp->depth == 2 && ss->in_si && strcmp(local, "si") == 0) {
        n = x->sst_text.len - ss->start;
        if (n) {
            n = xlsx_xstring_decode(x->sst_text.data + ss->start, n);
            x->sst_text.len = ss->start + n;
            x->sst_text.data[x->sst_text.len] = 0;
        }
        if (kh_grow(&x->sst, &x->sst_cap, 2 * (x->nsst + 1), sizeof(*x->sst))) {
            xml_fail(xp, KH_ENOMEM, "out of memory reading the shared strings");
            return;
        }
        x->sst[2 * x->nsst] = (uint32_t)ss->start;
        x->sst[2 * x->nsst + 1] = (uint32_t)n;
        x->nsst++;
        ss->in_si = ss->in_t = ss->rph = 0;
    }
}

static void sst_text(struct xml_part *xp, const char *s, int len)
{
    struct sst_state *ss = xp->ctx;
    struct xlsx *x = xp->x;
    int rc;

    if (!ss->in_t)
        return;
    if (x->sst_text.len - ss->start + (size_t)len > x->lim.max_cell) {
        xml_fail(xp, KH_ELIMIT, "shared string %zu is longer than %zu bytes: refusing the file",
                 x->nsst, x->lim.max_cell);
        return;
    }
    rc = kh_buf_add(&x->sst_text, s, (size_t)len);
    if (rc == KH_ELIMIT)
        xml_fail(xp, KH_ELIMIT,
                 "the shared-string table holds more than %zu bytes of text: refusing the file",
                 x->lim.max_string_bytes);
    else if (rc)
        xml_fail(xp, KH_ENOMEM, "out of memory reading the shared strings");
}

static const struct xml_handlers sst_handlers = {sst_start, sst_end, sst_text};

int xlsx_sst_load(struct xlsx *x, struct kh_err *err)
{
    struct sst_state ss;
    int rc;

    if (x->sst_loaded || !x->sst_part)
        return KH_OK;
    memset(&ss, 0, sizeof(ss));
    rc = xml_part_parse(x, x->sst_part, 0, &sst_handlers, &ss, err);
    if (rc == KH_ENOTFOUND)
        rc = KH_OK; /* listed but absent: cells that use it will say so */
    if (rc) {
        x->nsst = 0;
        kh_buf_free(&x->sst_text);
        return rc;
    }
    x->sst_loaded = 1;
    return KH_OK;
}

/* ---- worksheets -------------------------------------------------------------- */

/* A cell seen in the current row. */
struct ent {
    int col;
    uint32_t off, len;
    unsigned char type;
    double num;
};

struct sheet_state {
    struct xlsx *x;
    int sheet;
    struct xlsx_sheet *sh;
    xlsx_row_fn fn; /* NULL: merged ranges only */
    void *ctx;
    int collect_merges, finished, in_data, in_row, in_cell, in_v, in_is, in_t, rph, in_merges;
    int row, last_row, last_col;
    int c_col, c_t, c_kind;
    size_t c_start;
    uint64_t gaps;
    struct kh_buf v, text;
    struct ent *ents;
    size_t nents, ents_cap;
    const char **d_text;
    size_t *d_len;
    unsigned char *d_type;
    double *d_num;
    size_t d_cap;
};

/* Record an error at row/col of the sheet ("book.xlsx [Sheet1]!C17: …")
 * and stop the parse. */
static void cell_fail(struct xml_part *xp, int code, int row, int col, const char *fmt, ...)
    KH_PRINTF(5, 6);

static void cell_fail(struct xml_part *xp, int code, int row, int col, const char *fmt, ...)
{
    struct sheet_state *st = xp->ctx;
    char where[sizeof(xp->err->file)], msg[600];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kh_err_set(xp->err, code, xlsx_where(st->x, st->sheet, row, col, where, sizeof(where)), 0, 0,
               "%s", msg);
    xml_stop(xp, code);
}

/* Parse a row number: digits only, 1..max. Returns it or 0. */
static long parse_rownum(const char *s, size_t n, long max)
{
    long v = 0;
    size_t i;

    if (!n || n > 9)
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= max ? v : 0;
}

/* Parse a shared-string index: digits only. Returns it or -1. */
static long parse_index(const char *s, size_t n)
{
    long v = 0;
    size_t i;

    if (!n || n > 10)
        return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Parse a cell reference "C17" into *col and *row. Returns 0 or -1. */
static int parse_ref(const char *s, size_t n, int maxcol, int maxrow, int *col, int *row)
{
    size_t i = 0;
    long c = 0, r;

    while (i < n && i < 3 && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
        c = c * 26 + ((s[i++] | 0x20) - 'a' + 1);
    r = parse_rownum(s + i, n - i, maxrow);
    if (!i || c > maxcol || !r)
        return -1;
    *col = (int)c;
    *row = (int)r;
    return 0;
}

/* Append s[0..n) to the row text, checking the cell and row limits. */
static int text_add(struct xml_part *xp, const char *s, size_t n)
{
    struct sheet_state *st = xp->ctx;
    int rc;

    if (st->text.len - st->c_start + n > st->x->lim.max_cell) {
        cell_fail(xp, KH_ELIMIT, st->row, st->c_col,
                  "the cell holds more than %zu bytes of text: refusing the file",
                  st->x->lim.max_cell);
        return KH_ELIMIT;
    }
    rc = kh_buf_add(&st->text, s, n);
    if (rc == KH_ELIMIT)
        cell_fail(xp, rc, st->row, 0,
                  "the row holds more than %zu bytes of text: refusing the file",
                  st->x->lim.max_row_bytes);
    else if (rc)
        cell_fail(xp, rc, st->row, 0, "out of memory");
    return rc;
}

/* Start a <row>. */
static void row_start(struct xml_part *xp, const char **attrs)
{
    struct sheet_state *st = xp->ctx;
    const char *r = xml_attr(attrs, "r");
    long n = r ? parse_rownum(r, strlen(r), st->x->lim.max_rows) : st->last_row + 1;

    if (!r && n > st->x->lim.max_rows) {
        cell_fail(xp, KH_ELIMIT, 0, 0, "the sheet has more than %d rows: refusing the file",
                  st->x->lim.max_rows);
        return;
    }
    if (!n) {
        cell_fail(xp, KH_EINVAL, 0, 0,
                  "row \"%.20s\" is not a row number from 1 to %d: the file is damaged", r,
                  st->x->lim.max_rows);
        return;
    }
    if (n <= st->last_row) {
        cell_fail(xp, KH_EINVAL, (int)n, 0,
                  "row %ld comes after row %d: rows must be in order (the file is damaged; save "
                  "it again)",
                  n, st->last_row);
        return;
    }
    st->row = (int)n;
    st->in_row = 1;
    st->last_col = 0;
    st->nents = 0;
    kh_buf_reset(&st->text);
}

/* Start a <c>. */
static void cell_start(struct xml_part *xp, const char **attrs)
{
    static const char *const types[] = {"n", "s", "b", "e", "str", "inlineStr", "d"};
    struct sheet_state *st = xp->ctx;
    struct xlsx *x = st->x;
    const char *r = xml_attr(attrs, "r"), *t = xml_attr(attrs, "t"), *s = xml_attr(attrs, "s");
    int col = st->last_col + 1, row = st->row;
    size_t i;
    unsigned long xf;

    if (r && parse_ref(r, strlen(r), x->lim.max_cols, x->lim.max_rows, &col, &row)) {
        cell_fail(xp, KH_EINVAL, st->row, 0,
                  "\"%.20s\" is not a cell reference from A1 to XFD1048576: the file is damaged",
                  r);
        return;
    }
    if (col > x->lim.max_cols) {
        cell_fail(xp, KH_ELIMIT, st->row, 0,
                  "the row has cells beyond column %d: refusing the file", x->lim.max_cols);
        return;
    }
    if (row != st->row) {
        cell_fail(xp, KH_EINVAL, st->row, 0,
                  "cell %.20s is out of place in row %d: the file is damaged", r, st->row);
        return;
    }
    st->c_t = -1;
    for (i = 0; i < KH_ARRAY_LEN(types); i++)
        if (strcmp(t ? t : "n", types[i]) == 0)
            st->c_t = (int)i;
    if (st->c_t < 0) {
        cell_fail(xp, KH_EINVAL, row, col, "unknown cell type t=\"%.20s\": the file is damaged", t);
        return;
    }
    xf = s ? strtoul(s, NULL, 10) : 0;
    st->c_kind = xf < x->nxf ? x->xf[xf] : XF_NUMBER;
    st->c_col = col;
    st->last_col = col;
    st->in_cell = 1;
    st->c_start = st->text.len;
    kh_buf_reset(&st->v);
}

/* The text of <v>, NUL-terminated; without blanks around it if `trim`. */
static const char *v_text(struct sheet_state *st, int trim, size_t *n)
{
    char *s = st->v.data ? st->v.data : (char *)"";
    size_t len = st->v.len;

    *n = len;
    if (!trim)
        return s;
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        s[--len] = 0;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++, len--;
    *n = len;
    return s;
}

/* The value of a number cell (t="n") into the row text. */
static int cell_number(struct xml_part *xp, const char *s, size_t n, unsigned char *type,
                       double *num)
{
    struct sheet_state *st = xp->ctx;
    char buf[64];
    int len;

    if (kh_parse_double(s, num)) {
        cell_fail(xp, KH_EINVAL, st->row, st->c_col,
                  "the cell holds \"%.40s\" as a number: the file is damaged", s);
        return KH_EINVAL;
    }
    if (st->c_kind == XF_PERCENT) {
        len = snprintf(buf, sizeof(buf), "%.15g%%", *num * 100.0);
        *type = XLSX_PERCENT;
        return text_add(xp, buf, (size_t)len);
    }
    if (st->c_kind != XF_NUMBER &&
        xlsx_serial_text(*num, st->c_kind, st->x->date1904, buf, sizeof(buf)) == 0) {
        *type = st->c_kind == XF_TIME ? XLSX_TIME : XLSX_DATE;
        return text_add(xp, buf, strlen(buf));
    }
    *type = XLSX_NUMBER;
    return text_add(xp, s, n);
}

/* End a <c>: its final text goes into the row text, its entry into the
 * row's list. */
static void cell_end(struct xml_part *xp)
{
    struct sheet_state *st = xp->ctx;
    struct xlsx *x = st->x;
    unsigned char type = XLSX_TEXT;
    double num = NAN;
    size_t n, len;
    const char *s;
    long idx;
    int rc = KH_OK;

    st->in_cell = st->in_v = st->in_is = st->in_t = st->rph = 0;
    s = v_text(st, st->c_t != CT_STR, &n); /* a formula's text result is kept whole */
    switch (st->c_t) {
    case CT_INLINE:
        break; /* the text is in place */
    case CT_S:
        idx = parse_index(s, n);
        if (idx < 0 || (size_t)idx >= x->nsst) {
            cell_fail(xp, KH_EINVAL, st->row, st->c_col,
                      "the cell refers to shared string \"%.20s\", but the table has %zu: the "
                      "file is damaged",
                      s, x->nsst);
            return;
        }
        if (x->sst[2 * idx + 1])
            rc = text_add(xp, x->sst_text.data + x->sst[2 * idx], x->sst[2 * idx + 1]);
        break;
    case CT_B:
        if (n == 1 && (s[0] == '0' || s[0] == '1')) {
            type = XLSX_BOOL;
            num = s[0] == '1';
            rc = text_add(xp, s[0] == '1' ? "TRUE" : "FALSE", s[0] == '1' ? 4 : 5);
        } else if (n) {
            cell_fail(xp, KH_EINVAL, st->row, st->c_col,
                      "the boolean cell holds \"%.20s\": the file is damaged", s);
            return;
        }
        break;
    case CT_E:
        type = XLSX_ERROR;
        rc = text_add(xp, s, n);
        break;
    case CT_D:
        /* ISO 8601 already; midnight is shown as the date alone. */
        type = n >= 10 && s[4] == '-' && s[7] == '-' ? XLSX_DATE : XLSX_TEXT;
        if (type == XLSX_DATE && n >= 19 && memcmp(s + 10, "T00:00:00", 9) == 0)
            n = 10;
        rc = text_add(xp, s, n);
        break;
    case CT_STR:
        rc = text_add(xp, s, n);
        break;
    default:
        if (n)
            rc = cell_number(xp, s, n, &type, &num);
        break;
    }
    if (rc)
        return;
    len = st->text.len - st->c_start;
    if (len && (st->c_t == CT_INLINE || st->c_t == CT_STR)) {
        len = xlsx_xstring_decode(st->text.data + st->c_start, len);
        st->text.len = st->c_start + len;
    }
    if (!len) {
        st->text.len = st->c_start;
        return;
    }
    rc = kh_buf_putc(&st->text, 0); /* the terminating NUL */
    if (rc == KH_ELIMIT) {
        cell_fail(xp, rc, st->row, 0,
                  "the row holds more than %zu bytes of text: refusing the file",
                  x->lim.max_row_bytes);
        return;
    }
    if (rc || kh_grow(&st->ents, &st->ents_cap, st->nents + 1, sizeof(*st->ents))) {
        cell_fail(xp, KH_ENOMEM, st->row, 0, "out of memory");
        return;
    }
    st->ents[st->nents].col = st->c_col;
    st->ents[st->nents].off = (uint32_t)st->c_start;
    st->ents[st->nents].len = (uint32_t)len;
    st->ents[st->nents].type = type;
    st->ents[st->nents].num = num;
    st->nents++;
}

static int ent_cmp(const void *a, const void *b)
{
    const struct ent *p = a, *q = b;
    return (p->col > q->col) - (p->col < q->col);
}

/* Make the dense arrays hold n cells. KH_OK or KH_ENOMEM. */
static int dense_grow(struct sheet_state *st, size_t n)
{
    const char **t = realloc(st->d_text, n * sizeof(*t));
    size_t *l;
    unsigned char *ty;
    double *nu;

    if (t)
        st->d_text = t;
    l = t ? realloc(st->d_len, n * sizeof(*l)) : NULL;
    if (l)
        st->d_len = l;
    ty = l ? realloc(st->d_type, n) : NULL;
    if (ty)
        st->d_type = ty;
    nu = ty ? realloc(st->d_num, n * sizeof(*nu)) : NULL;
    if (!nu)
        return KH_ENOMEM;
    st->d_num = nu;
    st->d_cap = n;
    return KH_OK;
}

/* End a <row>: order its cells, spread them out and hand the row over. */
static void row_end(struct xml_part *xp)
{
    struct sheet_state *st = xp->ctx;
    struct xlsx_row r;
    size_t i, ncells;
    char letters[4];
    int rc;

    st->in_row = 0;
    st->last_row = st->row;
    if (!st->nents)
        return;
    for (i = 1; i < st->nents; i++)
        if (st->ents[i].col <= st->ents[i - 1].col)
            break;
    if (i < st->nents) {
        qsort(st->ents, st->nents, sizeof(*st->ents), ent_cmp);
        for (i = 1; i < st->nents; i++)
            if (st->ents[i].col == st->ents[i - 1].col) {
                cell_fail(xp, KH_EINVAL, st->row, st->ents[i].col,
                          "cell %s%d is given twice: the file is damaged",
                          xlsx_col_name(st->ents[i].col, letters), st->row);
                return;
            }
    }
    ncells = (size_t)st->ents[st->nents - 1].col;
    st->gaps += ncells - st->nents;
    if (st->gaps > MAX_GAP_CELLS) {
        cell_fail(xp, KH_ELIMIT, st->row, 0,
                  "the sheet is too sparse: more than %llu empty cells between the cells given",
                  (unsigned long long)MAX_GAP_CELLS);
        return;
    }
    if (ncells > st->d_cap && dense_grow(st, ncells)) {
        cell_fail(xp, KH_ENOMEM, st->row, 0, "out of memory");
        return;
    }
    for (i = 0; i < ncells; i++) {
        st->d_text[i] = "";
        st->d_len[i] = 0;
        st->d_type[i] = XLSX_EMPTY;
        st->d_num[i] = NAN;
    }
    for (i = 0; i < st->nents; i++) {
        const struct ent *e = &st->ents[i];
        st->d_text[e->col - 1] = st->text.data + e->off;
        st->d_len[e->col - 1] = e->len;
        st->d_type[e->col - 1] = e->type;
        st->d_num[e->col - 1] = e->num;
    }
    r.row = st->row;
    r.ncells = (int)ncells;
    r.text = st->d_text;
    r.len = st->d_len;
    r.type = st->d_type;
    r.num = st->d_num;
    rc = st->fn(st->ctx, &r);
    if (rc)
        xml_stop(xp, rc < 0 ? rc : 0);
}

/* A <mergeCell ref="A1:C2">. */
static void merge_add(struct xml_part *xp, const char *ref)
{
    struct sheet_state *st = xp->ctx;
    struct xlsx_sheet *sh = st->sh;
    struct xlsx_range m;
    const char *colon = ref ? strchr(ref, ':') : NULL;
    int t;

    if (!ref || !colon ||
        parse_ref(ref, (size_t)(colon - ref), st->x->lim.max_cols, st->x->lim.max_rows, &m.col1,
                  &m.row1) ||
        parse_ref(colon + 1, strlen(colon + 1), st->x->lim.max_cols, st->x->lim.max_rows, &m.col2,
                  &m.row2)) {
        xml_fail(xp, KH_EINVAL,
                 "\"%.40s\" is not a merged range such as A1:C2: the file is "
                 "damaged",
                 ref ? ref : "");
        return;
    }
    if (m.row2 < m.row1)
        t = m.row1, m.row1 = m.row2, m.row2 = t;
    if (m.col2 < m.col1)
        t = m.col1, m.col1 = m.col2, m.col2 = t;
    if (sh->nmerges >= st->x->lim.max_merges) {
        xml_fail(xp, KH_ELIMIT, "more than %zu merged ranges in one sheet: refusing the file",
                 st->x->lim.max_merges);
        return;
    }
    if (kh_grow(&sh->merges, &sh->merges_cap, sh->nmerges + 1, sizeof(*sh->merges))) {
        xml_fail(xp, KH_ENOMEM, "out of memory");
        return;
    }
    sh->merges[sh->nmerges++] = m;
}

static void ws_start(struct xml_part *xp, const char *local, const char **attrs)
{
    struct sheet_state *st = xp->ctx;

    if (xp->depth == 1) {
        if (strcmp(local, "worksheet") != 0)
            xml_fail(xp, KH_EINVAL, "expected a SpreadsheetML <worksheet>, found <%s>", local);
    } else if (xp->depth == 2 && strcmp(local, "sheetData") == 0) {
        if (st->fn)
            st->in_data = 1;
        else
            xp->skip = xp->depth; /* merged ranges only: skip the cells */
    } else if (xp->depth == 2 && strcmp(local, "mergeCells") == 0) {
        st->in_merges = 1;
    } else if (st->in_merges && strcmp(local, "mergeCell") == 0) {
        if (st->collect_merges)
            merge_add(xp, xml_attr(attrs, "ref"));
    } else if (!st->in_data) {
        return;
    } else if (strcmp(local, "row") == 0) {
        if (st->in_row)
            xml_fail(xp, KH_EINVAL, "a row inside a row: the file is damaged");
        else
            row_start(xp, attrs);
    } else if (!st->in_row) {
        return;
    } else if (strcmp(local, "c") == 0) {
        if (st->in_cell)
            xml_fail(xp, KH_EINVAL, "a cell inside a cell: the file is damaged");
        else
            cell_start(xp, attrs);
    } else if (!st->in_cell) {
        return;
    } else if (strcmp(local, "v") == 0) {
        st->in_v = 1;
    } else if (strcmp(local, "is") == 0) {
        st->in_is = 1;
    } else if (st->in_is && strcmp(local, "rPh") == 0) {
        st->rph++;
    } else if (st->in_is && !st->rph && strcmp(local, "t") == 0) {
        st->in_t = st->c_t == CT_INLINE;
    }
}

static void ws_end(struct xml_part *xp, const char *local)
{
    struct sheet_state *st = xp->ctx;

    if (xp->depth == 1) {
        st->finished = 1;
    } else if (xp->depth == 2) {
        st->in_data = st->in_merges = 0;
    } else if (st->in_cell) {
        if (strcmp(local, "c") == 0)
            cell_end(xp);
        else if (strcmp(local, "v") == 0)
            st->in_v = 0;
        else if (strcmp(local, "t") == 0)
            st->in_t = 0;
        else if (strcmp(local, "rPh") == 0 && st->rph)
            st->rph--;
        else if (strcmp(local, "is") == 0)
            st->in_is = 0;
    } else if (st->in_row && strcmp(local, "row") == 0) {
        row_end(xp);
    }
}

static void ws_text(struct xml_part *xp, const char *s, int len)
{
    struct sheet_state *st = xp->ctx;
    int rc;

    if (st->in_t) {
        text_add(xp, s, (size_t)len);
    } else if (st->in_v) {
        rc = kh_buf_add(&st->v, s, (size_t)len);
        if (rc)
            cell_fail(xp, rc, st->row, st->c_col,
                      rc == KH_ELIMIT ? "the cell's value is longer than %zu bytes: refusing "
                                        "the file"
                                      : "out of memory (%zu)",
                      st->x->lim.max_cell);
    }
}

static const struct xml_handlers ws_handlers = {ws_start, ws_end, ws_text};

/* Read worksheet `sheet`: rows to fn (or, with fn NULL, merged ranges only). */
static int sheet_parse(struct xlsx *x, int sheet, xlsx_row_fn fn, void *ctx, struct kh_err *err)
{
    struct sheet_state st;
    struct xlsx_sheet *sh;
    int rc;

    if (sheet < 0 || sheet >= x->nsheets)
        return xlsx_fail(x, err, KH_ENOTFOUND, "no sheet %d", sheet + 1);
    sh = &x->sheets[sheet];
    if (!sh->worksheet || !sh->part)
        return xlsx_fail(x, err, KH_ENOTFOUND,
                         sh->part ? "sheet \"%s\" is not a worksheet of cells"
                                  : "sheet \"%s\" has no part in the package: the file is damaged",
                         sh->name);
    if (fn && (rc = xlsx_sst_load(x, err)))
        return rc;
    memset(&st, 0, sizeof(st));
    st.x = x;
    st.sheet = sheet;
    st.sh = sh;
    st.fn = fn;
    st.ctx = ctx;
    st.collect_merges = !sh->merges_known;
    if (st.collect_merges)
        sh->nmerges = 0;
    kh_buf_init(&st.v, x->lim.max_cell + 1);
    kh_buf_init(&st.text, x->lim.max_row_bytes);
    rc = xml_part_parse(x, sh->part, 1, &ws_handlers, &st, err);
    /* The ranges come after the cells: known only when the read got there. */
    if (st.collect_merges && !rc && st.finished)
        sh->merges_known = 1;
    if (!sh->merges_known)
        sh->nmerges = 0;
    kh_buf_free(&st.v);
    kh_buf_free(&st.text);
    free(st.ents);
    free(st.d_text);
    free(st.d_len);
    free(st.d_type);
    free(st.d_num);
    return rc;
}

int xlsx_sheet_read(struct xlsx *x, int sheet, xlsx_row_fn fn, void *ctx, struct kh_err *err)
{
    if (!fn)
        return xlsx_fail(x, err, KH_EINVAL, "no row callback");
    return sheet_parse(x, sheet, fn, ctx, err);
}

int xlsx_sheet_merges(struct xlsx *x, int sheet, const struct xlsx_range **ranges, size_t *n,
                      struct kh_err *err)
{
    int rc = KH_OK;

    *ranges = NULL;
    *n = 0;
    if (sheet >= 0 && sheet < x->nsheets && x->sheets[sheet].merges_known) {
        *ranges = x->sheets[sheet].merges;
        *n = x->sheets[sheet].nmerges;
        return KH_OK;
    }
    rc = sheet_parse(x, sheet, NULL, NULL, err);
    if (!rc) {
        *ranges = x->sheets[sheet].merges;
        *n = x->sheets[sheet].nmerges;
    }
    return rc;
}
