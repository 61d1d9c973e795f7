/*
 * test_export_xlsx.h — a small XLSX reader for the export tests (libzip +
 * expat), so that a workbook kaohe wrote — or LibreOffice saved — can be
 * checked cell by cell: sheet names and their parts (workbook.xml and its
 * relationships), shared and inline strings, cell values with their style
 * and number format (styles.xml cellXfs and numFmts), and any part's raw
 * XML for structural checks (merged ranges, panes, page setup, protection,
 * validation, defined names). It reads only what the tests look at and
 * trusts its input; the product's reader is src/lib/io/xlsx.c.
 *
 * Header-only (static inline functions) because each test_*.c is its own program.
 */
#ifndef TEST_EXPORT_XLSX_H
#define TEST_EXPORT_XLSX_H

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct tx_cell {
    int row, col; /* 1-based */
    char type;    /* 'n' number, 's' string, 'b' boolean, 'e' error, 0 blank */
    char *text;   /* the value as text ("" for blank) */
    int style;    /* index into cellXfs */
};

struct tx_sheet {
    char *name;
    char *part; /* "xl/worksheets/sheet1.xml" */
    char *xml;
    struct tx_cell *cells;
    size_t ncells, cap;
};

struct tx_book {
    zip_t *z;
    char **shared;
    size_t nshared, capshared;
    struct tx_sheet sheets[32];
    int nsheets;
    int *xf_numfmt; /* numFmtId per cellXfs entry */
    int *xf_locked; /* 0 when the xf has <protection locked="0"/> */
    int nxf, capxf;
    struct {
        int id;
        char *code;
    } fmts[64];
    int nfmts;
};

/* The whole part `name` as a NUL-terminated string (caller frees); NULL if
 * the part is missing. */
static inline char *tx_part(struct tx_book *b, const char *name)
{
    zip_stat_t st;
    zip_file_t *f;
    char *buf;
    zip_int64_t got;

    if (zip_stat(b->z, name, 0, &st) != 0)
        return NULL;
    buf = malloc((size_t)st.size + 1);
    f = zip_fopen(b->z, name, 0);
    if (!buf || !f) {
        free(buf);
        if (f)
            zip_fclose(f);
        return NULL;
    }
    got = zip_fread(f, buf, st.size);
    zip_fclose(f);
    if (got < 0)
        got = 0;
    buf[got] = 0;
    return buf;
}

static inline const char *tx_attr(const char **atts, const char *name)
{
    int i;
    for (i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* Local name of a possibly prefixed element ("x:c" → "c"). */
static inline const char *tx_local(const char *el)
{
    const char *c = strrchr(el, ':');
    return c ? c + 1 : el;
}

/* ---- parsing state shared by the handlers ------------------------------- */

struct tx_ps {
    struct tx_book *b;
    struct tx_sheet *sh;
    int in_text; /* collecting <t> or <v> text */
    int in_rph;  /* inside a phonetic run (skipped) */
    int in_xfs;  /* inside cellXfs */
    char *acc;   /* collected text */
    size_t nacc, capacc;
    /* current cell */
    int row, col, style;
    char type[16];
    int has_cell;
    /* workbook: sheet names and rel ids; rels: id → target */
    char *names[32], *rids[32];
    int nnames;
    char *relid[64], *reltarget[64];
    int nrels;
};

static inline void tx_acc(struct tx_ps *p, const char *s, int len)
{
    if (p->nacc + (size_t)len + 1 > p->capacc) {
        p->capacc = (p->nacc + (size_t)len + 1) * 2;
        p->acc = realloc(p->acc, p->capacc);
    }
    memcpy(p->acc + p->nacc, s, (size_t)len);
    p->nacc += (size_t)len;
    p->acc[p->nacc] = 0;
}

static inline void XMLCALL tx_chars(void *ud, const XML_Char *s, int len)
{
    struct tx_ps *p = ud;
    if (p->in_text && !p->in_rph)
        tx_acc(p, s, len);
}

static inline void tx_parse(const char *xml, struct tx_ps *p, XML_StartElementHandler st,
                            XML_EndElementHandler en)
{
    XML_Parser x = XML_ParserCreate("UTF-8");
    XML_SetUserData(x, p);
    XML_SetElementHandler(x, st, en);
    XML_SetCharacterDataHandler(x, tx_chars);
    XML_Parse(x, xml, (int)strlen(xml), 1);
    XML_ParserFree(x);
}

/* sharedStrings.xml */
static inline void XMLCALL tx_ss_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct tx_ps *p = ud;
    const char *l = tx_local(el);
    (void)atts;
    if (!strcmp(l, "si")) {
        p->nacc = 0;
        if (p->acc)
            p->acc[0] = 0;
    } else if (!strcmp(l, "t"))
        p->in_text = 1;
    else if (!strcmp(l, "rPh"))
        p->in_rph = 1;
}

static inline void XMLCALL tx_ss_end(void *ud, const XML_Char *el)
{
    struct tx_ps *p = ud;
    const char *l = tx_local(el);
    if (!strcmp(l, "t"))
        p->in_text = 0;
    else if (!strcmp(l, "rPh"))
        p->in_rph = 0;
    else if (!strcmp(l, "si")) {
        struct tx_book *b = p->b;
        if (b->nshared == b->capshared) {
            b->capshared = b->capshared ? b->capshared * 2 : 64;
            b->shared = realloc(b->shared, b->capshared * sizeof(char *));
        }
        b->shared[b->nshared++] = strdup(p->acc ? p->acc : "");
    }
}

/* styles.xml: numFmts and cellXfs */
static inline void XMLCALL tx_st_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct tx_ps *p = ud;
    struct tx_book *b = p->b;
    const char *l = tx_local(el), *v;
    if (!strcmp(l, "numFmt") && b->nfmts < 64) {
        b->fmts[b->nfmts].id = atoi(tx_attr(atts, "numFmtId"));
        b->fmts[b->nfmts++].code = strdup(tx_attr(atts, "formatCode"));
    } else if (!strcmp(l, "cellXfs"))
        p->in_xfs = 1;
    else if (!strcmp(l, "xf") && p->in_xfs) {
        if (b->nxf == b->capxf) {
            b->capxf = b->capxf ? b->capxf * 2 : 32;
            b->xf_numfmt = realloc(b->xf_numfmt, (size_t)b->capxf * sizeof(int));
            b->xf_locked = realloc(b->xf_locked, (size_t)b->capxf * sizeof(int));
        }
        v = tx_attr(atts, "numFmtId");
        b->xf_numfmt[b->nxf] = v ? atoi(v) : 0;
        b->xf_locked[b->nxf++] = 1;
    } else if (!strcmp(l, "protection") && p->in_xfs && b->nxf) {
        v = tx_attr(atts, "locked");
        if (v && (!strcmp(v, "0") || !strcmp(v, "false")))
            b->xf_locked[b->nxf - 1] = 0;
    }
}

static inline void XMLCALL tx_st_end(void *ud, const XML_Char *el)
{
    struct tx_ps *p = ud;
    if (!strcmp(tx_local(el), "cellXfs"))
        p->in_xfs = 0;
}

/* workbook.xml and its rels */
static inline void XMLCALL tx_wb_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct tx_ps *p = ud;
    const char *l = tx_local(el);
    int i;
    if (!strcmp(l, "sheet") && p->nnames < 32) {
        p->names[p->nnames] = strdup(tx_attr(atts, "name"));
        p->rids[p->nnames] = NULL;
        for (i = 0; atts[i]; i += 2)
            if (!strcmp(tx_local(atts[i]), "id"))
                p->rids[p->nnames] = strdup(atts[i + 1]);
        p->nnames++;
    } else if (!strcmp(l, "Relationship") && p->nrels < 64) {
        p->relid[p->nrels] = strdup(tx_attr(atts, "Id"));
        p->reltarget[p->nrels++] = strdup(tx_attr(atts, "Target"));
    }
}

static inline void XMLCALL tx_wb_end(void *ud, const XML_Char *el)
{
    (void)ud;
    (void)el;
}

/* Column and row of a reference "AB12". */
static inline void tx_ref(const char *r, int *row, int *col)
{
    *col = 0;
    while (*r >= 'A' && *r <= 'Z')
        *col = *col * 26 + (*r++ - 'A' + 1);
    *row = atoi(r);
}

/* sheetN.xml cells */
static inline void XMLCALL tx_sh_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct tx_ps *p = ud;
    const char *l = tx_local(el), *v;
    if (!strcmp(l, "row")) {
        v = tx_attr(atts, "r");
        p->row = v ? atoi(v) : p->row + 1;
        p->col = 0;
    } else if (!strcmp(l, "c")) {
        v = tx_attr(atts, "r");
        if (v)
            tx_ref(v, &p->row, &p->col);
        else
            p->col++;
        v = tx_attr(atts, "s");
        p->style = v ? atoi(v) : 0;
        v = tx_attr(atts, "t");
        snprintf(p->type, sizeof(p->type), "%s", v ? v : "n");
        p->nacc = 0;
        if (p->acc)
            p->acc[0] = 0;
        p->has_cell = 1;
    } else if (!strcmp(l, "v") || (!strcmp(l, "t") && p->has_cell))
        p->in_text = 1;
    else if (!strcmp(l, "rPh"))
        p->in_rph = 1;
}

static inline void XMLCALL tx_sh_end(void *ud, const XML_Char *el)
{
    struct tx_ps *p = ud;
    const char *l = tx_local(el);
    struct tx_sheet *sh = p->sh;
    if (!strcmp(l, "v") || !strcmp(l, "t"))
        p->in_text = 0;
    else if (!strcmp(l, "rPh"))
        p->in_rph = 0;
    else if (!strcmp(l, "c") && p->has_cell) {
        struct tx_cell *c;
        const char *text = p->acc ? p->acc : "";
        if (sh->ncells == sh->cap) {
            sh->cap = sh->cap ? sh->cap * 2 : 256;
            sh->cells = realloc(sh->cells, sh->cap * sizeof(*sh->cells));
        }
        c = &sh->cells[sh->ncells++];
        c->row = p->row;
        c->col = p->col;
        c->style = p->style;
        if (!strcmp(p->type, "s")) {
            size_t i = (size_t)atoi(text);
            c->type = 's';
            c->text = strdup(i < p->b->nshared ? p->b->shared[i] : "?");
        } else {
            c->type = !*text                  ? 0
                      : !strcmp(p->type, "n") ? 'n'
                      : !strcmp(p->type, "b") ? 'b'
                      : !strcmp(p->type, "e") ? 'e'
                                              : 's';
            c->text = strdup(text);
        }
        p->has_cell = 0;
    }
}

static inline void tx_close(struct tx_book *b)
{
    int i;
    size_t k;
    for (k = 0; k < b->nshared; k++)
        free(b->shared[k]);
    free(b->shared);
    for (i = 0; i < b->nsheets; i++) {
        for (k = 0; k < b->sheets[i].ncells; k++)
            free(b->sheets[i].cells[k].text);
        free(b->sheets[i].cells);
        free(b->sheets[i].name);
        free(b->sheets[i].part);
        free(b->sheets[i].xml);
    }
    for (i = 0; i < b->nfmts; i++)
        free(b->fmts[i].code);
    free(b->xf_numfmt);
    free(b->xf_locked);
    if (b->z)
        zip_discard(b->z);
    memset(b, 0, sizeof(*b));
}

/* Open the workbook at path and read every worksheet. Returns 0 or -1. */
static inline int tx_open(struct tx_book *b, const char *path)
{
    struct tx_ps p;
    char *xml;
    int err = 0, i, k;

    memset(b, 0, sizeof(*b));
    memset(&p, 0, sizeof(p));
    p.b = b;
    b->z = zip_open(path, ZIP_RDONLY, &err);
    if (!b->z)
        return -1;
    if ((xml = tx_part(b, "xl/sharedStrings.xml"))) {
        tx_parse(xml, &p, tx_ss_start, tx_ss_end);
        free(xml);
    }
    if ((xml = tx_part(b, "xl/styles.xml"))) {
        tx_parse(xml, &p, tx_st_start, tx_st_end);
        free(xml);
    }
    if ((xml = tx_part(b, "xl/workbook.xml"))) {
        tx_parse(xml, &p, tx_wb_start, tx_wb_end);
        free(xml);
    }
    if ((xml = tx_part(b, "xl/_rels/workbook.xml.rels"))) {
        tx_parse(xml, &p, tx_wb_start, tx_wb_end);
        free(xml);
    }
    for (i = 0; i < p.nnames && b->nsheets < 32; i++) {
        struct tx_sheet *sh = &b->sheets[b->nsheets];
        char part[512] = "";
        for (k = 0; k < p.nrels; k++)
            if (p.rids[i] && !strcmp(p.relid[k], p.rids[i]))
                snprintf(part, sizeof(part), "%s%s", p.reltarget[k][0] == '/' ? "" : "xl/",
                         p.reltarget[k][0] == '/' ? p.reltarget[k] + 1 : p.reltarget[k]);
        sh->name = strdup(p.names[i]);
        sh->part = strdup(part);
        sh->xml = tx_part(b, part);
        b->nsheets++;
        if (sh->xml) {
            p.sh = sh;
            p.row = 0;
            tx_parse(sh->xml, &p, tx_sh_start, tx_sh_end);
        }
    }
    for (i = 0; i < p.nnames; i++) {
        free(p.names[i]);
        free(p.rids[i]);
    }
    for (i = 0; i < p.nrels; i++) {
        free(p.relid[i]);
        free(p.reltarget[i]);
    }
    free(p.acc);
    return 0;
}

static inline struct tx_sheet *tx_sheet(struct tx_book *b, const char *name)
{
    int i;
    for (i = 0; i < b->nsheets; i++)
        if (!strcmp(b->sheets[i].name, name))
            return &b->sheets[i];
    return NULL;
}

/* The cell at row, col (1-based), or NULL. */
static inline const struct tx_cell *tx_at(const struct tx_sheet *sh, int row, int col)
{
    size_t i;
    for (i = 0; sh && i < sh->ncells; i++)
        if (sh->cells[i].row == row && sh->cells[i].col == col)
            return &sh->cells[i];
    return NULL;
}

/* The text of the cell ("" when absent). */
static inline const char *tx_text(const struct tx_sheet *sh, int row, int col)
{
    const struct tx_cell *c = tx_at(sh, row, col);
    return c && c->text ? c->text : "";
}

/* The number format code of a cell's style ("General", "0.00" …). */
static inline const char *tx_numfmt(const struct tx_book *b, const struct tx_cell *c)
{
    int id, i;
    if (!c || c->style < 0 || c->style >= b->nxf)
        return "General";
    id = b->xf_numfmt[c->style];
    for (i = 0; i < b->nfmts; i++)
        if (b->fmts[i].id == id)
            return b->fmts[i].code;
    return id == 0 ? "General" : id == 1 ? "0" : id == 2 ? "0.00" : "builtin";
}

/* Is the cell locked (the default) under sheet protection? */
static inline int tx_locked(const struct tx_book *b, const struct tx_cell *c)
{
    if (!c || c->style < 0 || c->style >= b->nxf)
        return 1;
    return b->xf_locked[c->style];
}

/*
 * The sheet's rows as records for a kh_csv_record_fn-shaped callback, the
 * way a sheet reader hands them to the loaders: one call per row that has
 * a non-empty cell, cells dense from column A, `line` = the sheet row.
 */
typedef int (*tx_record_fn)(void *ctx, const char **fields, const size_t *lens, int n, int line);
static inline int tx_records(const struct tx_sheet *sh, tx_record_fn fn, void *ctx)
{
    int maxrow = 0, maxcol = 0, r, c, rc;
    size_t i;
    for (i = 0; i < sh->ncells; i++) {
        if (sh->cells[i].row > maxrow)
            maxrow = sh->cells[i].row;
        if (sh->cells[i].col > maxcol)
            maxcol = sh->cells[i].col;
    }
    for (r = 1; r <= maxrow; r++) {
        const char *f[512];
        size_t len[512];
        int n = 0;
        for (c = 1; c <= maxcol && c <= 512; c++) {
            f[c - 1] = tx_text(sh, r, c);
            len[c - 1] = strlen(f[c - 1]);
            if (len[c - 1])
                n = c;
        }
        if (!n)
            continue;
        if ((rc = fn(ctx, f, len, n, r)) != 0)
            return rc;
    }
    return 0;
}

#endif
