/*
 * score_xlsx.c — the official score table as an XLSX workbook (ECMA-376
 * SpreadsheetML, written by libxlsxwriter), in the layout a 考核办
 * publishes. docs/export.md shows it; the rows of a category sheet are:
 *
 *   1        title: the scheme's name (merged across the table)
 *   2        subtitle: 类别 and 考核期
 *   3..      header levels 1..D, one row per level of the indicator tree: a
 *            parent's name is merged across the columns of its subtree and
 *            its own column says 小计 below it; a node without shown children
 *            is merged down to the last level row. 排名, 单位 and the total
 *            span every header row; 等次 and 否决 also the 分值 row.
 *   D+3      分值: every column's points for the category (名称 says 分值)
 *   D+4      hidden key row: rank, unit, name, node ids, total, tier, vetoes
 *            — the column names of `kaohe score --format csv`, so that a
 *            program can find a column without parsing merged headers
 *   D+5..    one row per unit in publication order: rank, unit id, name,
 *            every shown node's displayed score (a number rounded as the
 *            scheme publishes, with the scheme's decimals as its format; "—"
 *            where a node was excluded for missing data), the total, tier,
 *            vetoes
 *
 * Panes are frozen below the key row and right of 名称; the page is A4
 * landscape, one page wide, with the header rows repeated on every page.
 * The sheet "全部" (opts.all_sheet) has the same columns for every category
 * and no 分值 header row: each category's units follow a group row with that
 * category's points. The sheet "明细数据" (opts.data_sheet) is the CSV of
 * kh_report_score_csv as a plain table with an autofilter.
 */
#include "report/report_int.h"
#include "base/common.h"
#include "kaohe/text.h"

#define TITLE_ROW    0
#define SUBTITLE_ROW 1
#define HEAD_ROW     2 /* first header level row */

/* One workbook being written. */
struct xw {
    const struct kh_scheme *s;
    const struct kh_dataset *ds;
    const struct kh_result *r;
    const struct kh_report_opts *o;
    const struct kh_report_row *order;
    lxw_workbook *wb;
    struct rep_formats f;
    char **names; /* sheet names used so far (for uniqueness) */
    int nnames, capnames;
    lxw_error lerr; /* the first libxlsxwriter error */
    int dec;
};

/* The columns of one sheet: the nodes shown, in pre-order. */
struct layout {
    int *node; /* node index per shown position */
    int *last; /* last position of each node's shown subtree */
    int n;
    int levels; /* header level rows (deepest shown node, at least 1) */
    int has_tier, has_veto;
    int ncols;     /* 3 + n + 1 + has_tier + has_veto */
    double *width; /* per column */
};

static void note(struct xw *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->lerr == LXW_NO_ERROR)
        x->lerr = e;
}

/* Does node k apply to category c (-1: to any category with units)? */
static int node_applies(const struct xw *x, int k, int c, const unsigned char *cat_used)
{
    int i;
    double w;
    if (c >= 0) {
        w = kh_scheme_node_points(x->s, k, c);
        return w == w;
    }
    for (i = 0; i < kh_scheme_category_count(x->s); i++) {
        w = kh_scheme_node_points(x->s, k, i);
        if (cat_used[i] && w == w)
            return 1;
    }
    return 0;
}

static int is_descendant(const struct kh_scheme *s, int k, int anc)
{
    for (k = kh_scheme_node_parent(s, k); k >= 0; k = kh_scheme_node_parent(s, k))
        if (k == anc)
            return 1;
    return 0;
}

static void layout_release(struct layout *L)
{
    free(L->node);
    free(L->last);
    free(L->width);
    memset(L, 0, sizeof(*L));
}

static int layout_build(struct layout *L, const struct xw *x, int c, const unsigned char *cat_used)
{
    int nn = kh_scheme_node_count(x->s), k, p, q, maxd = x->o->depth;

    memset(L, 0, sizeof(*L));
    L->node = malloc(sizeof(int) * (size_t)nn);
    L->last = malloc(sizeof(int) * (size_t)nn);
    if (!L->node || !L->last)
        return KH_ENOMEM;
    L->levels = 1;
    for (k = 1; k < nn; k++) {
        int d = kh_scheme_node_depth(x->s, k);
        if ((maxd > 0 && d > maxd) || !node_applies(x, k, c, cat_used))
            continue;
        L->node[L->n++] = k;
        if (d > L->levels)
            L->levels = d;
    }
    for (p = 0; p < L->n; p++) {
        for (q = p + 1; q < L->n && is_descendant(x->s, L->node[q], L->node[p]); q++)
            ;
        L->last[p] = q - 1;
    }
    L->has_tier = kh_scheme_tier_count(x->s) > 0;
    L->has_veto = kh_scheme_veto_count(x->s) > 0;
    L->ncols = 3 + L->n + 1 + L->has_tier + L->has_veto;
    if (L->ncols > REP_MAX_COLS)
        return KH_ELIMIT;
    L->width = calloc((size_t)L->ncols, sizeof(double));
    return L->width ? KH_OK : KH_ENOMEM;
}

/* Column numbers of the fixed columns. */
static int col_total(const struct layout *L)
{
    return 3 + L->n;
}
static int col_tier(const struct layout *L)
{
    return L->has_tier ? 4 + L->n : -1;
}
static int col_veto(const struct layout *L)
{
    return L->has_veto ? 4 + L->n + L->has_tier : -1;
}

/* ---- cells -------------------------------------------------------------- */

/* Write s into the merged range (or the single cell) r1:c1..r2:c2. */
static void merge(struct xw *x, lxw_worksheet *ws, int r1, int c1, int r2, int c2, const char *s,
                  lxw_format *f)
{
    if (r1 == r2 && c1 == c2)
        note(x, worksheet_write_string(ws, (lxw_row_t)r1, (lxw_col_t)c1, s, f));
    else
        note(x, worksheet_merge_range(ws, (lxw_row_t)r1, (lxw_col_t)c1, (lxw_row_t)r2,
                                      (lxw_col_t)c2, s, f));
}

/* A string cell; "" writes a blank cell with the format (borders). */
static void put_str(struct xw *x, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    if (!s || !*s) {
        if (f)
            note(x, worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f));
        return;
    }
    note(x, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, f));
}

/* A score: the displayed number, or "—" when there is none. */
static void put_score(struct xw *x, lxw_worksheet *ws, int row, int col, double v, lxw_format *f)
{
    if (v == v)
        note(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f));
    else
        note(x, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, "—", x->f.text));
}

/* Text width of a displayed number, for column widths. */
static int num_width(double v, int dec)
{
    char b[64];
    if (v != v)
        return 2;
    snprintf(b, sizeof(b), "%.*f", dec, v);
    return (int)strlen(b);
}

static void widen(struct layout *L, int col, double w)
{
    if (w > L->width[col])
        L->width[col] = w;
}

/* ---- the header --------------------------------------------------------- */

/* A header cell's wish for height: rows r1..r2 share the lines that its
 * text needs in the width of columns c1..c2. */
static void want_height(double *rowh, const struct layout *L, int r1, int r2, int c1, int c2,
                        const char *text)
{
    double avail = 0, lines, per;
    int c, r;
    for (c = c1; c <= c2; c++)
        avail += L->width[c];
    avail -= 1.0; /* cell padding */
    if (avail < 2)
        avail = 2;
    lines = ceil(rep_width(kh_text_width(text)) - 2.0 > 0
                     ? (rep_width(kh_text_width(text)) - 2.0) / avail
                     : 1);
    if (lines < 1)
        lines = 1;
    per = (lines * 14.5 + 5) / (r2 - r1 + 1);
    for (r = r1; r <= r2; r++)
        if (per > rowh[r - HEAD_ROW])
            rowh[r - HEAD_ROW] = per;
}

/*
 * Write the header rows of layout L for category c (-1: the all sheet,
 * without a 分值 row). Returns the row of the hidden key row.
 */
static int write_header(struct xw *x, lxw_worksheet *ws, const struct layout *L, int c)
{
    const struct kh_scheme *s = x->s;
    int points_row = c >= 0, lastlev = HEAD_ROW + L->levels - 1;
    int last = lastlev + points_row, key = last + 1, p, i;
    double *rowh = calloc((size_t)(L->levels + 1), sizeof(double));

    merge(x, ws, HEAD_ROW, 0, last, 0, "排名", x->f.head);
    merge(x, ws, HEAD_ROW, 1, last, 1, "单位", x->f.head);
    merge(x, ws, HEAD_ROW, 2, lastlev, 2, "名称", x->f.head);
    if (points_row)
        put_str(x, ws, last, 2, "分值", x->f.head);
    for (p = 0; p < L->n; p++) {
        int k = L->node[p], row = HEAD_ROW + kh_scheme_node_depth(s, k) - 1, col = 3 + p;
        const char *name = kh_scheme_node_name(s, k);
        if (L->last[p] > p) {
            merge(x, ws, row, col, row, 3 + L->last[p], name, x->f.head);
            merge(x, ws, row + 1, col, lastlev, col, "小计", x->f.head);
            if (rowh)
                want_height(rowh, L, row, row, col, 3 + L->last[p], name);
        } else {
            merge(x, ws, row, col, lastlev, col, name, x->f.head);
            if (rowh)
                want_height(rowh, L, row, lastlev, col, col, name);
        }
        if (points_row) {
            double w = kh_scheme_node_points(s, k, c);
            if (w == w)
                note(x,
                     worksheet_write_number(ws, (lxw_row_t)last, (lxw_col_t)col, w, x->f.head_num));
            else
                put_str(x, ws, last, col, "", x->f.head_num);
        }
    }
    merge(x, ws, HEAD_ROW, col_total(L), lastlev, col_total(L), kh_scheme_node_name(s, 0),
          x->f.head);
    if (rowh)
        want_height(rowh, L, HEAD_ROW, lastlev, col_total(L), col_total(L),
                    kh_scheme_node_name(s, 0));
    if (points_row)
        note(x, worksheet_write_number(ws, (lxw_row_t)last, (lxw_col_t)col_total(L),
                                       kh_scheme_node_points(s, 0, c), x->f.head_num));
    if (L->has_tier)
        merge(x, ws, HEAD_ROW, col_tier(L), last, col_tier(L), "等次", x->f.head);
    if (L->has_veto)
        merge(x, ws, HEAD_ROW, col_veto(L), last, col_veto(L), "否决", x->f.head);
    if (rowh)
        for (i = 0; i < L->levels; i++)
            note(x, worksheet_set_row(ws, (lxw_row_t)(HEAD_ROW + i), rowh[i] < 20 ? 20 : rowh[i],
                                      NULL));

    /* The key row: column names as in `kaohe score --format csv`. */
    {
        lxw_row_col_options hide = {1, 0, 0};
        note(x, worksheet_set_row_opt(ws, (lxw_row_t)key, LXW_DEF_ROW_HEIGHT, NULL, &hide));
    }
    put_str(x, ws, key, 0, "rank", NULL);
    put_str(x, ws, key, 1, "unit", NULL);
    put_str(x, ws, key, 2, "name", NULL);
    for (p = 0; p < L->n; p++)
        put_str(x, ws, key, 3 + p, kh_scheme_node_id(s, L->node[p]), NULL);
    put_str(x, ws, key, col_total(L), "total", NULL);
    if (L->has_tier)
        put_str(x, ws, key, col_tier(L), "tier", NULL);
    if (L->has_veto)
        put_str(x, ws, key, col_veto(L), "vetoes", NULL);
    free(rowh);
    return key;
}

/* ---- one table sheet ---------------------------------------------------- */

/* Column widths from the header names and every cell the sheet will hold. */
static void measure(struct xw *x, struct layout *L, int c)
{
    const struct kh_scheme *s = x->s;
    struct kh_buf b;
    int i, p;

    kh_buf_init(&b, 1 << 16);
    widen(L, 0, rep_width(4));
    widen(L, 1, rep_width(4));
    widen(L, 2, rep_width(6));
    for (p = 0; p < L->n; p++) {
        int tw = kh_text_width(kh_scheme_node_name(s, L->node[p]));
        double w = L->last[p] > p ? rep_width(4) : rep_width(tw < 12 ? tw : 12);
        widen(L, 3 + p, w < 7 ? 7 : w);
    }
    widen(L, col_total(L),
          rep_width(kh_text_width(kh_scheme_node_name(s, 0)) < 8
                        ? kh_text_width(kh_scheme_node_name(s, 0))
                        : 8));
    if (L->has_tier)
        widen(L, col_tier(L), rep_width(4));
    if (L->has_veto)
        widen(L, col_veto(L), rep_width(4));
    for (i = 0; i < x->ds->nunits; i++) {
        int u = x->order[i].unit;
        if (c >= 0 && x->order[i].cat != c)
            continue;
        if (c < 0)
            widen(L, 2, rep_width(kh_text_width(kh_scheme_category_name(s, x->order[i].cat)) + 10));
        widen(L, 0, rep_width(num_width(kh_result_rank(x->r, u), 0)));
        widen(L, 1, rep_width(kh_text_width(x->ds->units[u].id)));
        widen(L, 2, rep_width(kh_text_width(x->ds->units[u].name)));
        for (p = 0; p < L->n; p++)
            widen(L, 3 + p, rep_width(num_width(kh_result_display(x->r, u, L->node[p]), x->dec)));
        widen(L, col_total(L), rep_width(num_width(kh_result_display(x->r, u, 0), x->dec)));
        if (L->has_tier)
            widen(L, col_tier(L), rep_width(kh_text_width(kh_result_tier_name(x->r, u))));
        if (L->has_veto) {
            int tw;
            kh_buf_reset(&b);
            kh_report_vetoes_text(x->r, u, &b);
            tw = kh_text_width(kh_buf_str(&b));
            widen(L, col_veto(L), rep_width(tw < 40 ? tw : 40));
        }
    }
    kh_buf_free(&b);
}

/* One unit's row. */
static void write_unit(struct xw *x, lxw_worksheet *ws, const struct layout *L, int row, int u,
                       struct kh_buf *b)
{
    const struct kh_result *r = x->r;
    int p, cat = kh_result_category(r, u);

    if (kh_result_rank(r, u))
        note(x, worksheet_write_number(ws, (lxw_row_t)row, 0, kh_result_rank(r, u), x->f.integer));
    else
        put_str(x, ws, row, 0, "", x->f.integer);
    put_str(x, ws, row, 1, x->ds->units[u].id, x->f.text);
    put_str(x, ws, row, 2, x->ds->units[u].name, x->f.text_left);
    for (p = 0; p < L->n; p++) {
        int k = L->node[p];
        double w = kh_scheme_node_points(x->s, k, cat);
        if (w != w) /* the all sheet: this node is another category's */
            put_str(x, ws, row, 3 + p, "", x->f.text);
        else
            put_score(x, ws, row, 3 + p, kh_result_display(r, u, k), x->f.score);
    }
    put_score(x, ws, row, col_total(L), kh_result_display(r, u, 0), x->f.total);
    if (L->has_tier)
        put_str(x, ws, row, col_tier(L), kh_result_tier_name(r, u), x->f.text);
    if (L->has_veto) {
        kh_buf_reset(b);
        kh_report_vetoes_text(r, u, b);
        put_str(x, ws, row, col_veto(L), kh_buf_str(b), x->f.text_left);
    }
}

/* The group row of category c on the all sheet: its points per column. */
static void write_group(struct xw *x, lxw_worksheet *ws, const struct layout *L, int row, int c,
                        int nunits)
{
    char text[512];
    int p;

    snprintf(text, sizeof(text), "%s（%d）· 分值", kh_scheme_category_name(x->s, c), nunits);
    merge(x, ws, row, 0, row, 2, text, x->f.group);
    for (p = 0; p < L->n; p++) {
        double w = kh_scheme_node_points(x->s, L->node[p], c);
        if (w == w)
            note(x,
                 worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)(3 + p), w, x->f.group_num));
        else
            put_str(x, ws, row, 3 + p, "", x->f.group_num);
    }
    note(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col_total(L),
                                   kh_scheme_node_points(x->s, 0, c), x->f.group_num));
    if (L->has_tier)
        put_str(x, ws, row, col_tier(L), "", x->f.group_num);
    if (L->has_veto)
        put_str(x, ws, row, col_veto(L), "", x->f.group_num);
}

static lxw_worksheet *add_sheet(struct xw *x, const char *want)
{
    char name[160];
    lxw_worksheet *ws;

    rep_sheet_name(want, x->names, x->nnames, name, sizeof(name));
    if (x->nnames == x->capnames) {
        size_t cap = (size_t)x->capnames;
        if (kh_grow(&x->names, &cap, (size_t)x->nnames + 1, sizeof(char *)))
            return NULL;
        x->capnames = (int)cap;
    }
    if (!(x->names[x->nnames] = kh_strdup(name)))
        return NULL;
    ws = workbook_add_worksheet(x->wb, name);
    if (!ws) {
        free(x->names[x->nnames]);
        return NULL;
    }
    x->nnames++;
    return ws;
}

/*
 * The table sheet of category c, or of every unit (c = -1). Returns KH_OK,
 * KH_ELIMIT (too many rows or columns) or KH_ENOMEM; libxlsxwriter's own
 * errors are collected in x->lerr.
 */
static int write_table(struct xw *x, int c, int *units_written, struct kh_err *err)
{
    const struct kh_scheme *s = x->s;
    unsigned char *cat_used;
    struct layout L;
    struct kh_buf b;
    lxw_worksheet *ws;
    char sub[512];
    int ncats = kh_scheme_category_count(s), i, rc, key, row, g, rows = 0;

    cat_used = calloc((size_t)ncats + 1, 1);
    if (!cat_used)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    for (i = 0; i < x->ds->nunits; i++)
        cat_used[x->order[i].cat] = 1;
    rc = layout_build(&L, x, c, cat_used);
    if (rc == KH_ELIMIT)
        rc = kh_err_set(err, KH_ELIMIT, NULL, 0, 0,
                        "the table has more columns than a worksheet holds (%d)", REP_MAX_COLS);
    else if (rc)
        rc = kh_err_set(err, rc, NULL, 0, 0, "out of memory");
    if (rc)
        goto out;
    for (i = 0; i < x->ds->nunits; i++)
        rows += c < 0 || x->order[i].cat == c;
    if (HEAD_ROW + L.levels + 2 + rows + (c < 0 ? ncats : 0) > REP_MAX_ROWS) {
        rc = kh_err_set(err, KH_ELIMIT, NULL, 0, 0, "%d units do not fit in a worksheet (%d rows)",
                        rows, REP_MAX_ROWS);
        goto out;
    }
    ws = add_sheet(x, c >= 0 ? kh_scheme_category_name(s, c) : "全部");
    if (!ws) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    measure(x, &L, c);
    for (i = 0; i < L.ncols; i++)
        note(x, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, L.width[i], NULL));

    merge(x, ws, TITLE_ROW, 0, TITLE_ROW, L.ncols - 1, kh_scheme_name(s), x->f.title);
    note(x, worksheet_set_row(ws, TITLE_ROW, 32, NULL));
    snprintf(sub, sizeof(sub), "类别：%s　　考核期：%s",
             c >= 0 ? kh_scheme_category_name(s, c) : "全部单位", kh_result_period(x->r));
    merge(x, ws, SUBTITLE_ROW, 0, SUBTITLE_ROW, L.ncols - 1, sub, x->f.subtitle);
    note(x, worksheet_set_row(ws, SUBTITLE_ROW, 20, NULL));

    key = write_header(x, ws, &L, c);
    row = key + 1;
    kh_buf_init(&b, 1 << 16);
    for (g = 0; g < ncats; g++) {
        int n = 0;
        if (c >= 0 && g != c)
            continue;
        for (i = 0; i < x->ds->nunits; i++)
            n += x->order[i].cat == g;
        if (c < 0) {
            if (!n)
                continue;
            write_group(x, ws, &L, row++, g, n);
        }
        for (i = 0; i < x->ds->nunits; i++)
            if (x->order[i].cat == g) {
                note(x, worksheet_set_row(ws, (lxw_row_t)row, 18, NULL));
                write_unit(x, ws, &L, row++, x->order[i].unit, &b);
            }
    }
    kh_buf_free(&b);
    worksheet_freeze_panes(ws, (lxw_row_t)(key + 1), 3);
    rep_page_setup(ws, HEAD_ROW, key, rep_columns_px(L.width, L.ncols), 3, x->o->footer);
    *units_written = rows;
out:
    layout_release(&L);
    free(cat_used);
    return rc;
}

/* The flat sheet: the CSV's rows and columns, numbers as numbers. */
static int write_data_sheet(struct xw *x, struct kh_err *err)
{
    const struct kh_scheme *s = x->s;
    const struct kh_result *r = x->r;
    int nn = kh_scheme_node_count(s), i, k, col, row = 1, only = x->o->category;
    static const char *const tail[] = {"total", "rank", "rank_of", "tier", "vetoes"};
    lxw_worksheet *ws;
    struct kh_buf b;

    if (nn + 8 > REP_MAX_COLS)
        return kh_err_set(err, KH_ELIMIT, NULL, 0, 0,
                          "the table has more columns than a worksheet holds (%d)", REP_MAX_COLS);
    if (x->ds->nunits + 1 > REP_MAX_ROWS)
        return kh_err_set(err, KH_ELIMIT, NULL, 0, 0,
                          "%d units do not fit in a worksheet (%d rows)", x->ds->nunits,
                          REP_MAX_ROWS);
    ws = add_sheet(x, "明细数据");
    if (!ws)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    put_str(x, ws, 0, 0, "period", x->f.note_head);
    put_str(x, ws, 0, 1, "category", x->f.note_head);
    put_str(x, ws, 0, 2, "unit", x->f.note_head);
    put_str(x, ws, 0, 3, "name", x->f.note_head);
    for (k = 1; k < nn; k++)
        put_str(x, ws, 0, 3 + k, kh_scheme_node_id(s, k), x->f.note_head);
    for (i = 0; i < 5; i++)
        put_str(x, ws, 0, 3 + nn + i, tail[i], x->f.note_head);
    kh_buf_init(&b, 1 << 16);
    for (i = 0; i < x->ds->nunits; i++) {
        int u = x->order[i].unit;
        double v;
        if (only >= 0 && x->order[i].cat != only)
            continue;
        put_str(x, ws, row, 0, kh_result_period(r), x->f.plain);
        put_str(x, ws, row, 1, kh_scheme_category_id(s, x->order[i].cat), x->f.plain);
        put_str(x, ws, row, 2, x->ds->units[u].id, x->f.plain);
        put_str(x, ws, row, 3, x->ds->units[u].name, x->f.plain);
        for (k = 1; k < nn; k++) {
            v = kh_result_display(r, u, k);
            if (v == v)
                note(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)(3 + k), v,
                                               x->f.plain_num));
        }
        col = 3 + nn;
        v = kh_result_display(r, u, 0);
        if (v == v)
            note(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, x->f.plain_num));
        if (kh_result_rank(r, u)) {
            note(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)(col + 1),
                                           kh_result_rank(r, u), x->f.plain));
            note(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)(col + 2),
                                           kh_result_rank_size(r, u), x->f.plain));
        }
        put_str(x, ws, row, col + 3, kh_result_tier_name(r, u), x->f.plain);
        kh_buf_reset(&b);
        kh_report_vetoes_text(r, u, &b);
        put_str(x, ws, row, col + 4, kh_buf_str(&b), x->f.plain);
        row++;
    }
    kh_buf_free(&b);
    note(x, worksheet_set_column(ws, 0, 3, rep_width(8), NULL));
    note(x, worksheet_set_column(ws, 4, (lxw_col_t)(3 + nn + 4), rep_width(8), NULL));
    worksheet_freeze_panes(ws, 1, 4);
    note(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)(row > 1 ? row - 1 : 1),
                                 (lxw_col_t)(3 + nn + 4)));
    rep_page_setup(ws, 0, 0, (nn + 8) * (rep_width(8) * 7 + 5), 4, x->o->footer);
    return KH_OK;
}

void kh_report_opts_init(struct kh_report_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->category = -1;
    o->data_sheet = 1;
}

int kh_report_score_xlsx(const struct kh_scheme *s, const struct kh_dataset *ds,
                         const struct kh_result *r, const struct kh_report_opts *opts,
                         const char *path, struct kh_report_summary *sum, struct kh_err *err)
{
    struct kh_report_opts dflt;
    lxw_workbook_options wo;
    struct rep_tmp tmp;
    struct xw x;
    int rc = KH_OK, c, ncats = kh_scheme_category_count(s), units = 0, any = 0, i;
    lxw_error le;

    if (!opts) {
        kh_report_opts_init(&dflt);
        opts = &dflt;
    }
    if (sum)
        memset(sum, 0, sizeof(*sum));
    if (opts->category < -1 || opts->category >= ncats)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "category %d: the scheme has %d",
                          opts->category, ncats);
    if (opts->depth < 0)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "depth %d: expected 0 (all) or more",
                          opts->depth);
    memset(&x, 0, sizeof(x));
    x.s = s;
    x.ds = ds;
    x.r = r;
    x.o = opts;
    x.dec = kh_scheme_decimals(s);
    x.order = kh_report_order(ds, r);
    if (!x.order)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    if ((rc = rep_tmp_open(&tmp, path, err))) {
        free((void *)x.order);
        return rc;
    }
    memset(&wo, 0, sizeof(wo));
    x.wb = workbook_new_opt(tmp.tmp, &wo);
    if (!x.wb) {
        rc = kh_err_set(err, KH_ENOMEM, path, 0, 0, "cannot start a workbook");
        goto out;
    }
    rep_formats_init(&x.f, x.wb, x.dec);
    rep_set_properties(x.wb, kh_scheme_name(s), opts->created);

    /* A sheet per category with units (every category when none has any). */
    for (i = 0; i < ds->nunits; i++)
        any |= opts->category < 0 || x.order[i].cat == opts->category;
    for (c = 0; c < ncats && !rc; c++) {
        int n = 0, has = 0, k;
        if (opts->category >= 0 && c != opts->category)
            continue;
        for (k = 0; k < ds->nunits; k++)
            has |= x.order[k].cat == c;
        if (any && !has)
            continue;
        rc = write_table(&x, c, &n, err);
        units += n;
        if (sum)
            sum->sheets++;
    }
    if (!rc && opts->all_sheet && opts->category < 0) {
        int n;
        rc = write_table(&x, -1, &n, err);
        if (sum)
            sum->sheets++;
    }
    if (!rc && opts->data_sheet) {
        rc = write_data_sheet(&x, err);
        if (sum)
            sum->sheets++;
    }
    if (!rc && x.lerr != LXW_NO_ERROR)
        rc = rep_lxw_error(err, x.lerr, path, "cannot lay out the workbook");
    le = workbook_close(x.wb);
    x.wb = NULL;
    if (!rc && le != LXW_NO_ERROR)
        rc = rep_lxw_error(err, le, path, "cannot write the workbook");
    if (!rc)
        rc = rep_tmp_commit(&tmp, err);
out:
    if (x.wb)
        workbook_close(x.wb);
    if (rc)
        rep_tmp_abort(&tmp);
    for (i = 0; i < x.nnames; i++)
        free(x.names[i]);
    free(x.names);
    free((void *)x.order);
    if (!rc && sum) {
        int nn = kh_scheme_node_count(s), k, shown = 0;
        for (k = 1; k < nn; k++)
            shown += opts->depth <= 0 || kh_scheme_node_depth(s, k) <= opts->depth;
        sum->units = units;
        sum->columns = shown;
    }
    return rc;
}
