/*
 * template_xlsx.c — data-entry templates (数据填报模板): an XLSX workbook
 * (ECMA-376, written by libxlsxwriter) that a data department fills in and
 * sends back, and that the values loader reads back (src/lib/io/template.c).
 *
 * Sheet 1 "填报" — the contract with the reader is in docs/data-files.md
 * ("数据填报模板"); rows, 1-based as Excel shows them:
 *   1  hidden marker row: A1 "kaohe-template", B1 the format version "1",
 *      then name/value pairs: C1 "period" D1 the period, E1 "scheme" F1 the
 *      scheme id
 *   2  title, 3 subtitle (period, department)
 *   4  header: 单位编码, 单位名称, 类别, each input's display name
 *   5  计量单位: each input's measurement unit
 *   6  hidden key row: "unit", "unit_name", "category", the input ids
 *   7… one row per unit: code and name (locked), category name (locked),
 *      one cell per input: unlocked, decimal validation with a message in
 *      Chinese; grey and locked where the input does not apply to the
 *      unit's category
 * The sheet is protected (no password); panes are frozen below row 6 and
 * right of column C. Sheet 2 "填表说明" explains the rules and lists the
 * inputs with the indicators that read them.
 */
#include "report/report_int.h"
#include "base/common.h"
#include "kaohe/text.h"
#include "scheme/model.h"

#define T_MARKER_ROW      0
#define T_TITLE_ROW       1
#define T_SUB_ROW         2
#define T_HEAD_ROW        3
#define T_UNIT_ROW        4
#define T_KEY_ROW         5
#define T_DATA_ROW        6
#define T_FIRST_INPUT_COL 3

void kh_template_opts_init(struct kh_template_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->category = -1;
}

struct tw {
    const struct kh_scheme *s;
    const struct kh_dataset *ds;
    const struct kh_template_opts *o;
    struct rep_inputs in;
    lxw_workbook *wb;
    struct rep_formats f;
    lxw_error lerr;
    int *units; /* units listed, in order */
    int nunits;
    int *ucat;    /* scheme category of each listed unit */
    double *fill; /* nunits × in.n pre-filled values (NaN: none) */
    char period[KH_PERIOD_TEXT];
};

static void tnote(struct tw *t, lxw_error e)
{
    if (e != LXW_NO_ERROR && t->lerr == LXW_NO_ERROR)
        t->lerr = e;
}

static void tput(struct tw *t, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    if (!s || !*s) {
        if (f)
            tnote(t, worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f));
        return;
    }
    tnote(t, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, f));
}

static void tmerge(struct tw *t, lxw_worksheet *ws, int r1, int c1, int r2, int c2, const char *s,
                   lxw_format *f)
{
    if (r1 == r2 && c1 == c2)
        tput(t, ws, r1, c1, s, f);
    else
        tnote(t, worksheet_merge_range(ws, (lxw_row_t)r1, (lxw_col_t)c1, (lxw_row_t)r2,
                                       (lxw_col_t)c2, s, f));
}

/* Does input i (position in t->in) apply to category c? */
static int applies(const struct tw *t, int i, int c)
{
    return c >= 0 && c < t->in.ncats && t->in.applies[i * t->in.ncats + c];
}

/* The units to list: by category in scheme order, then data order; only
 * categories where one of the inputs applies (and opts.category). */
static int choose_units(struct tw *t, struct kh_err *err)
{
    int c, u, i, ncats = t->s->ncats;

    t->units = malloc(sizeof(int) * (size_t)(t->ds->nunits + 1));
    t->ucat = malloc(sizeof(int) * (size_t)(t->ds->nunits + 1));
    if (!t->units || !t->ucat)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    for (c = 0; c < ncats; c++) {
        int any = 0;
        if (t->o->category >= 0 && c != t->o->category)
            continue;
        for (i = 0; i < t->in.n; i++)
            any |= applies(t, i, c);
        if (!any)
            continue;
        for (u = 0; u < t->ds->nunits; u++)
            if (kh_streq(t->ds->units[u].category, t->s->cats[c].id)) {
                t->units[t->nunits] = u;
                t->ucat[t->nunits++] = c;
            }
    }
    if (!t->nunits)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "no unit to list: no unit belongs to a category%s that uses these "
                          "inputs",
                          t->o->category >= 0 ? " (of --category)" : "");
    if (T_DATA_ROW + t->nunits > REP_MAX_ROWS)
        return kh_err_set(err, KH_ELIMIT, NULL, 0, 0,
                          "%d units do not fit in a worksheet (%d rows)", t->nunits, REP_MAX_ROWS);
    return KH_OK;
}

/* Pre-fill: the dataset's values for exactly the template's period. */
static int prefill(struct tw *t, const struct kh_period *p, struct kh_err *err)
{
    size_t k, n = (size_t)t->nunits * (size_t)t->in.n;
    int *row_of, i, *col_of;

    t->fill = malloc(sizeof(double) * (n ? n : 1));
    row_of = malloc(sizeof(int) * (size_t)(t->ds->nunits + 1));
    col_of = malloc(sizeof(int) * (size_t)(t->ds->nindicators + 1));
    if (!t->fill || !row_of || !col_of) {
        free(row_of);
        free(col_of);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (k = 0; k < n; k++)
        t->fill[k] = NAN;
    for (i = 0; i < t->ds->nunits; i++)
        row_of[i] = -1;
    for (i = 0; i < t->nunits; i++)
        row_of[t->units[i]] = i;
    for (i = 0; i < t->ds->nindicators; i++)
        col_of[i] = -1;
    for (i = 0; i < t->in.n; i++) {
        int ind = kh_dataset_indicator(t->ds, t->s->inputs[t->in.idx[i]].id);
        if (ind >= 0)
            col_of[ind] = i;
    }
    if (t->o->fill)
        for (k = 0; k < t->ds->nvalues; k++) {
            const struct kh_value *v = &t->ds->values[k];
            if (row_of[v->unit] < 0 || col_of[v->indicator] < 0 || !kh_period_equal(&v->period, p))
                continue;
            t->fill[(size_t)row_of[v->unit] * (size_t)t->in.n + (size_t)col_of[v->indicator]] =
                v->value;
        }
    free(row_of);
    free(col_of);
    return KH_OK;
}

/* The shortest text of v that reads back exactly, for widths. */
static int value_width(double v)
{
    struct kh_buf b;
    int w;
    kh_buf_init(&b, 64);
    kh_buf_double(&b, v, "");
    w = kh_text_width(kh_buf_str(&b));
    kh_buf_free(&b);
    return w;
}

static void write_entry_sheet(struct tw *t, lxw_worksheet *ws)
{
    const struct kh_scheme *s = t->s;
    int ncols = T_FIRST_INPUT_COL + t->in.n, i, j, last = ncols - 1;
    double head_lines = 1, table_px = 0;
    lxw_row_col_options hide = {1, 0, 0};
    lxw_protection prot;
    char sub[1024], cut[256], msg[1024], unitcut[512];
    lxw_data_validation dv;

    /* Marker row (hidden): what the reader looks for. */
    tnote(t, worksheet_set_row_opt(ws, T_MARKER_ROW, LXW_DEF_ROW_HEIGHT, NULL, &hide));
    tput(t, ws, T_MARKER_ROW, 0, "kaohe-template", NULL);
    tput(t, ws, T_MARKER_ROW, 1, "1", NULL);
    tput(t, ws, T_MARKER_ROW, 2, "period", NULL);
    tput(t, ws, T_MARKER_ROW, 3, t->period, NULL);
    tput(t, ws, T_MARKER_ROW, 4, "scheme", NULL);
    tput(t, ws, T_MARKER_ROW, 5, s->id, NULL);

    /* Title and subtitle. */
    snprintf(sub, sizeof(sub), "%s · 数据填报表", s->name);
    tmerge(t, ws, T_TITLE_ROW, 0, T_TITLE_ROW, last < 5 ? 5 : last, sub, t->f.title);
    tnote(t, worksheet_set_row(ws, T_TITLE_ROW, 32, NULL));
    if (t->in.dept[0])
        snprintf(sub, sizeof(sub),
                 "考核期：%s　　填报部门：%s　　只在白色单元格中填写数字，缺数据留空", t->period,
                 t->in.dept);
    else
        snprintf(sub, sizeof(sub), "考核期：%s　　只在白色单元格中填写数字，缺数据留空", t->period);
    tmerge(t, ws, T_SUB_ROW, 0, T_SUB_ROW, last < 5 ? 5 : last, sub, t->f.subtitle);
    tnote(t, worksheet_set_row(ws, T_SUB_ROW, 20, NULL));

    /* Header: names, measurement units, the hidden ids. */
    tmerge(t, ws, T_HEAD_ROW, 0, T_UNIT_ROW, 0, "单位编码", t->f.head);
    tput(t, ws, T_HEAD_ROW, 1, "单位名称", t->f.head);
    tput(t, ws, T_UNIT_ROW, 1, "计量单位", t->f.head);
    tmerge(t, ws, T_HEAD_ROW, 2, T_UNIT_ROW, 2, "类别", t->f.head);
    tnote(t, worksheet_set_row_opt(ws, T_KEY_ROW, LXW_DEF_ROW_HEIGHT, NULL, &hide));
    tput(t, ws, T_KEY_ROW, 0, "unit", NULL);
    tput(t, ws, T_KEY_ROW, 1, "unit_name", NULL);
    tput(t, ws, T_KEY_ROW, 2, "category", NULL);

    /* Column widths: code, name, category, then each input. */
    {
        double w0 = rep_width(8), w1 = rep_width(8), w2 = rep_width(4);
        for (j = 0; j < t->nunits; j++) {
            const struct kh_unit *u = &t->ds->units[t->units[j]];
            double a = rep_width(kh_text_width(u->id)), b = rep_width(kh_text_width(u->name));
            double c = rep_width(kh_text_width(s->cats[t->ucat[j]].name));
            w0 = a > w0 ? a : w0;
            w1 = b > w1 ? b : w1;
            w2 = c > w2 ? c : w2;
        }
        table_px = rep_columns_px(&w0, 1) + rep_columns_px(&w1, 1) + rep_columns_px(&w2, 1);
        tnote(t, worksheet_set_column(ws, 0, 0, w0, NULL));
        tnote(t, worksheet_set_column(ws, 1, 1, w1, NULL));
        tnote(t, worksheet_set_column(ws, 2, 2, w2, NULL));
    }
    for (i = 0; i < t->in.n; i++) {
        const struct kh_input *in = &s->inputs[t->in.idx[i]];
        const char *name = in->name && *in->name ? in->name : in->id;
        int col = T_FIRST_INPUT_COL + i, tw = kh_text_width(name);
        double w = rep_width(tw < 12 ? tw : 12), lines;
        if (w < 12)
            w = 12;
        for (j = 0; j < t->nunits; j++) {
            double v = t->fill[(size_t)j * (size_t)t->in.n + (size_t)i];
            if (v == v && rep_width(value_width(v)) > w)
                w = rep_width(value_width(v));
        }
        tnote(t, worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col, w, NULL));
        table_px += rep_columns_px(&w, 1);
        lines = ceil((rep_width(tw) - 2.0) / (w - 1.0));
        if (lines > head_lines)
            head_lines = lines;
        tput(t, ws, T_HEAD_ROW, col, name, t->f.head);
        tput(t, ws, T_UNIT_ROW, col, in->unit ? in->unit : "", t->f.head);
        tput(t, ws, T_KEY_ROW, col, in->id, NULL);

        memset(&dv, 0, sizeof(dv));
        dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = -1e15;
        dv.maximum_number = 1e15;
        dv.ignore_blank = LXW_VALIDATION_ON;
        dv.show_input = LXW_VALIDATION_ON;
        dv.show_error = LXW_VALIDATION_ON;
        dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
        rep_utf8_cut(name, 32, cut, sizeof(cut));
        dv.input_title = cut;
        /* Excel allows 255 characters in a prompt. */
        snprintf(msg, sizeof(msg), "%s%s%s只填数字；没有数据请留空。", in->unit ? "计量单位：" : "",
                 in->unit ? rep_utf8_cut(in->unit, 100, unitcut, sizeof(unitcut)) : "",
                 in->unit ? "。" : "");
        dv.input_message = msg;
        dv.error_title = (char *)"请填写数字";
        dv.error_message = (char *)"这里只能填写数字（可以带小数点和负号）。不要写单位、百分号、"
                                   "千位分隔符或文字；没有数据请留空。";
        tnote(t, worksheet_data_validation_range(ws, T_DATA_ROW, (lxw_col_t)col,
                                                 (lxw_row_t)(T_DATA_ROW + t->nunits - 1),
                                                 (lxw_col_t)col, &dv));
    }
    tnote(t, worksheet_set_row(ws, T_HEAD_ROW, head_lines * 14.5 + 6, NULL));

    /* One row per unit. */
    for (j = 0; j < t->nunits; j++) {
        const struct kh_unit *u = &t->ds->units[t->units[j]];
        int row = T_DATA_ROW + j;
        tput(t, ws, row, 0, u->id, t->f.text);
        tput(t, ws, row, 1, u->name, t->f.text_left);
        tput(t, ws, row, 2, s->cats[t->ucat[j]].name, t->f.text);
        for (i = 0; i < t->in.n; i++) {
            int col = T_FIRST_INPUT_COL + i;
            double v = t->fill[(size_t)j * (size_t)t->in.n + (size_t)i];
            if (!applies(t, i, t->ucat[j]))
                tput(t, ws, row, col, "", t->f.input_na);
            else if (v == v)
                tnote(t, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, t->f.input));
            else
                tput(t, ws, row, col, "", t->f.input);
        }
    }

    worksheet_freeze_panes(ws, T_DATA_ROW, T_FIRST_INPUT_COL);
    rep_page_setup(ws, T_HEAD_ROW, T_KEY_ROW, table_px, T_FIRST_INPUT_COL, NULL);
    memset(&prot, 0, sizeof(prot));
    prot.format_columns = 1;
    prot.format_rows = 1;
    worksheet_protect(ws, NULL, &prot);
}

/* Sheet 2: how to fill the template in, and what each input is. */
static void write_help_sheet(struct tw *t, lxw_worksheet *ws)
{
    const struct kh_scheme *s = t->s;
    static const char *const rules[] = {
        "1. 只在白色单元格中填写数字；灰色单元格表示该项数据不适用于这个单位，不需要填写。",
        "2. 只写数字：不要写计量单位、百分号（以百分数计的指标写 12.5，不写 12.5%）、千位分隔符"
        "或文字。没有数据的单元格留空，不要写 0、“-”、“无”。",
        "3. 不要增加、删除或移动行和列，不要修改单位编码、单位名称和表头，不要修改工作表的名称和"
        "顺序：表中有两行隐藏的行，导入时靠它们识别本表。",
        "4. 填好后保存为 .xlsx 文件（Excel、WPS、LibreOffice 都可以），交回考核办，用 kaohe import "
        "导入。",
    };
    lxw_protection prot;
    char line[1024];
    int row = 0, i;

    tnote(t, worksheet_set_column(ws, 0, 0, rep_width(12), NULL));
    tnote(t, worksheet_set_column(ws, 1, 1, rep_width(24), NULL));
    tnote(t, worksheet_set_column(ws, 2, 2, rep_width(8), NULL));
    tnote(t, worksheet_set_column(ws, 3, 3, rep_width(56), NULL));
    tmerge(t, ws, row, 0, row, 3, "填表说明", t->f.title);
    tnote(t, worksheet_set_row(ws, (lxw_row_t)row++, 32, NULL));
    snprintf(line, sizeof(line), "考核方案：%s（%s%s%s）", s->name, s->id,
             s->version && *s->version ? " " : "", s->version ? s->version : "");
    tmerge(t, ws, row, 0, row, 3, line, t->f.note);
    row++;
    snprintf(line, sizeof(line), "考核期：%s", t->period);
    tmerge(t, ws, row, 0, row, 3, line, t->f.note);
    row++;
    if (t->in.dept[0]) {
        snprintf(line, sizeof(line), "填报部门：%s", t->in.dept);
        tmerge(t, ws, row, 0, row, 3, line, t->f.note);
        row++;
    }
    row++;
    tmerge(t, ws, row, 0, row, 3, "填写要求", t->f.note_head);
    row++;
    for (i = 0; i < (int)KH_ARRAY_LEN(rules); i++) {
        tmerge(t, ws, row, 0, row, 3, rules[i], t->f.note);
        tnote(t, worksheet_set_row(ws, (lxw_row_t)row++, 34, NULL));
    }
    row++;
    tmerge(t, ws, row, 0, row, 3, "数据项", t->f.note_head);
    row++;
    tput(t, ws, row, 0, "编码", t->f.head);
    tput(t, ws, row, 1, "名称", t->f.head);
    tput(t, ws, row, 2, "计量单位", t->f.head);
    tput(t, ws, row, 3, "用于考核指标", t->f.head);
    row++;
    for (i = 0; i < t->in.n; i++) {
        const struct kh_input *in = &s->inputs[t->in.idx[i]];
        int tw = kh_text_width(t->in.readers[i]);
        tput(t, ws, row, 0, in->id, t->f.text_left);
        tput(t, ws, row, 1, in->name ? in->name : in->id, t->f.text_left);
        tput(t, ws, row, 2, in->unit ? in->unit : "", t->f.text);
        tput(t, ws, row, 3, t->in.readers[i], t->f.note);
        if (tw > 64)
            tnote(t, worksheet_set_row(ws, (lxw_row_t)row, 15.0 * ((tw + 63) / 64) + 4, NULL));
        row++;
    }
    rep_page_setup(ws, -1, -1, 0, 0, NULL);
    worksheet_set_portrait(ws);
    memset(&prot, 0, sizeof(prot));
    prot.format_columns = 1;
    prot.format_rows = 1;
    worksheet_protect(ws, NULL, &prot);
}

int kh_report_template_xlsx(const struct kh_scheme *s, const struct kh_dataset *ds,
                            const struct kh_template_opts *o, const char *path,
                            struct kh_report_summary *sum, struct kh_err *err)
{
    struct kh_template_opts dflt;
    lxw_workbook_options wo;
    lxw_worksheet *entry, *help;
    struct kh_period p;
    struct rep_tmp tmp = {NULL, NULL};
    struct tw t;
    lxw_error le;
    int rc, i;

    if (!o) {
        kh_template_opts_init(&dflt);
        o = &dflt;
    }
    if (sum)
        memset(sum, 0, sizeof(*sum));
    memset(&t, 0, sizeof(t));
    t.s = s;
    t.ds = ds;
    t.o = o;
    if (!o->period || kh_period_parse(o->period, &p) != KH_OK)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "period '%s': expected 2024, 2024H1, 2024Q3 or 2024-07",
                          o->period ? o->period : "");
    kh_period_format(&p, t.period);
    if (o->category < -1 || o->category >= s->ncats)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "category %d: the scheme has %d", o->category,
                          s->ncats);
    if ((rc = rep_inputs_choose(&t.in, s, o->inputs, o->dept, err)))
        return rc;
    for (i = 0; i < t.in.n; i++) {
        const char *id = s->inputs[t.in.idx[i]].id;
        /* The key row's own column names cannot double as input ids. */
        if (!strcmp(id, "unit") || !strcmp(id, "unit_name") || !strcmp(id, "category")) {
            rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                            "input '%s': a template cannot carry an input with this id (it "
                            "names a column of the template's key row); rename the input",
                            id);
            goto out;
        }
    }
    if ((rc = choose_units(&t, err)) || (rc = prefill(&t, &p, err)))
        goto out;
    if (T_FIRST_INPUT_COL + t.in.n > REP_MAX_COLS) {
        rc = kh_err_set(err, KH_ELIMIT, NULL, 0, 0,
                        "%d inputs do not fit in a worksheet (%d columns)", t.in.n, REP_MAX_COLS);
        goto out;
    }
    if ((rc = rep_tmp_open(&tmp, path, err)))
        goto out;
    memset(&wo, 0, sizeof(wo));
    t.wb = workbook_new_opt(tmp.tmp, &wo);
    if (!t.wb) {
        rc = kh_err_set(err, KH_ENOMEM, path, 0, 0, "cannot start a workbook");
        goto out;
    }
    rep_formats_init(&t.f, t.wb, 2);
    rep_set_properties(t.wb, s->name, o->created);
    entry = workbook_add_worksheet(t.wb, "填报");
    help = workbook_add_worksheet(t.wb, "填表说明");
    if (!entry || !help) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    write_entry_sheet(&t, entry);
    write_help_sheet(&t, help);
    if (t.lerr != LXW_NO_ERROR)
        rc = rep_lxw_error(err, t.lerr, path, "cannot lay out the template");
    le = workbook_close(t.wb);
    t.wb = NULL;
    if (!rc && le != LXW_NO_ERROR)
        rc = rep_lxw_error(err, le, path, "cannot write the template");
    if (!rc)
        rc = rep_tmp_commit(&tmp, err);
    if (!rc && sum) {
        sum->sheets = 2;
        sum->units = t.nunits;
        sum->columns = t.in.n;
    }
out:
    if (t.wb)
        workbook_close(t.wb);
    if (rc)
        rep_tmp_abort(&tmp);
    rep_inputs_release(&t.in);
    free(t.units);
    free(t.ucat);
    free(t.fill);
    return rc;
}
