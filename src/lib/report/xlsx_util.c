/*
 * xlsx_util.c — what every kaohe workbook shares: the cell formats (宋体 for
 * text, 黑体 for titles, thin borders, the scheme's decimals as the number
 * format of scores), document properties, sheet names Excel accepts, column
 * widths for Chinese text, the A4 landscape page setup with repeated header
 * rows and a page-number footer, and libxlsxwriter's errors as kaohe's.
 *
 * Limits follow Excel's specification (ECMA-376 leaves them to the
 * application): sheet names of at most 31 characters without []:*?/\,
 * headers and footers of at most 255 characters.
 */
#include <strings.h>

#include "report/report_int.h"
#include "base/common.h"

#define FONT_TEXT  "宋体"
#define FONT_TITLE "黑体"

static lxw_format *fmt_new(lxw_workbook *wb, int bold, int border, int align)
{
    lxw_format *f = workbook_add_format(wb);
    if (!f)
        return NULL;
    format_set_font_name(f, FONT_TEXT);
    format_set_font_size(f, 11);
    if (bold)
        format_set_bold(f);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    if (align)
        format_set_align(f, (uint8_t)align);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
}

void rep_formats_init(struct rep_formats *f, lxw_workbook *wb, int decimals)
{
    char num[32];
    int i, n = 0;

    if (decimals < 0)
        decimals = 0;
    if (decimals > 15)
        decimals = 15;
    n += snprintf(num + n, sizeof(num) - (size_t)n, "0");
    if (decimals)
        n += snprintf(num + n, sizeof(num) - (size_t)n, ".");
    for (i = 0; i < decimals; i++)
        n += snprintf(num + n, sizeof(num) - (size_t)n, "0");

    f->title = fmt_new(wb, 1, 0, LXW_ALIGN_CENTER);
    format_set_font_name(f->title, FONT_TITLE);
    format_set_font_size(f->title, 16);
    f->subtitle = fmt_new(wb, 0, 0, LXW_ALIGN_CENTER);

    f->head = fmt_new(wb, 1, 1, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->head);
    format_set_bg_color(f->head, 0xDDEBF7);
    f->head_num = fmt_new(wb, 1, 1, LXW_ALIGN_CENTER);
    format_set_bg_color(f->head_num, 0xDDEBF7);

    f->text = fmt_new(wb, 0, 1, LXW_ALIGN_CENTER);
    f->text_left = fmt_new(wb, 0, 1, LXW_ALIGN_LEFT);
    f->score = fmt_new(wb, 0, 1, LXW_ALIGN_RIGHT);
    format_set_num_format(f->score, num);
    f->total = fmt_new(wb, 1, 1, LXW_ALIGN_RIGHT);
    format_set_num_format(f->total, num);
    f->integer = fmt_new(wb, 0, 1, LXW_ALIGN_CENTER);
    format_set_num_format(f->integer, "0");
    f->group = fmt_new(wb, 1, 1, LXW_ALIGN_LEFT);
    format_set_bg_color(f->group, 0xF2F2F2);
    f->group_num = fmt_new(wb, 1, 1, LXW_ALIGN_CENTER);
    format_set_bg_color(f->group_num, 0xF2F2F2);

    f->plain = fmt_new(wb, 0, 0, 0);
    f->plain_num = fmt_new(wb, 0, 0, 0);
    format_set_num_format(f->plain_num, num);

    f->input = fmt_new(wb, 0, 1, LXW_ALIGN_RIGHT);
    format_set_unlocked(f->input);
    format_set_num_format(f->input, "General");
    f->input_na = fmt_new(wb, 0, 1, 0);
    format_set_bg_color(f->input_na, 0xD9D9D9);

    f->note = fmt_new(wb, 0, 0, LXW_ALIGN_LEFT);
    format_set_text_wrap(f->note);
    format_set_align(f->note, LXW_ALIGN_VERTICAL_TOP);
    f->note_head = fmt_new(wb, 1, 0, LXW_ALIGN_LEFT);
}

void rep_set_properties(lxw_workbook *wb, const char *title, long long created)
{
    lxw_doc_properties p;
    memset(&p, 0, sizeof(p));
    p.title = (char *)title;
    p.author = (char *)"kaohe";
    /* 0 would make libxlsxwriter stamp the current time: use a fixed date
     * instead, so that the bytes depend only on what was asked for. */
    p.created = created ? (time_t)created : (time_t)946684800; /* 2000-01-01 */
    workbook_set_properties(wb, &p);
}

/* Length in bytes of the UTF-8 character at s (1 for a stray byte, and
 * never past the terminating NUL), so that scanning always advances. */
static size_t utf8_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = 1, k;
    if (c >= 0xF0 && c < 0xF8)
        n = 4;
    else if (c >= 0xE0 && c < 0xF0)
        n = 3;
    else if (c >= 0xC0 && c < 0xE0)
        n = 2;
    for (k = 1; k < n; k++)
        if (!s[k])
            return k;
    return n;
}

const char *rep_utf8_cut(const char *s, int maxchars, char *out, size_t outsz)
{
    size_t i, o = 0, n;
    int total = 0, keep, chars = 0;

    if (!outsz)
        return out;
    if (!s)
        s = "";
    for (i = 0; s[i]; i += utf8_len(s + i))
        total++;
    keep = total <= maxchars ? total : maxchars - 1;
    for (i = 0; s[i] && chars < keep; i += n, chars++) {
        n = utf8_len(s + i);
        if (o + n + 4 > outsz)
            break; /* keep room for "…" and the NUL */
        memcpy(out + o, s + i, n);
        o += n;
    }
    if (chars < total && maxchars > 0 && o + 4 <= outsz) {
        memcpy(out + o, "\xE2\x80\xA6", 3); /* … */
        o += 3;
    }
    out[o] = 0;
    return out;
}

void rep_sheet_name(const char *want, char *const *used, int nused, char *out, size_t outsz)
{
    char clean[256], cut[160];
    size_t i, o = 0;
    int k, n;

    for (i = 0; want && want[i] && o + 1 < sizeof(clean); i++) {
        char c = want[i];
        if (strchr("[]:*?/\\", c) || (unsigned char)c < 0x20)
            c = '_';
        clean[o++] = c;
    }
    clean[o] = 0;
    if (clean[0] == '\'')
        clean[0] = '_';
    if (o && clean[o - 1] == '\'')
        clean[o - 1] = '_';
    if (!clean[0])
        snprintf(clean, sizeof(clean), "Sheet");
    for (n = 1;; n++) {
        char suffix[16] = "";
        int clash = 0;
        if (n > 1)
            snprintf(suffix, sizeof(suffix), "(%d)", n);
        rep_utf8_cut(clean, 31 - (int)strlen(suffix), cut, sizeof(cut));
        /* rep_utf8_cut marks a cut with "…", which Excel accepts. */
        snprintf(out, outsz, "%s%s", cut, suffix);
        for (k = 0; k < nused; k++)
            if (used[k] && strcasecmp(used[k], out) == 0)
                clash = 1;
        if (!clash || n > 999)
            return;
    }
}

double rep_width(int tw)
{
    return tw * 1.15 + 2.0;
}

/* Append s to b with '&' doubled (a lone '&' starts a code in Excel's
 * header and footer language). */
static void footer_text(struct kh_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            kh_buf_putc(b, '&');
        kh_buf_putc(b, *s);
    }
}

double rep_columns_px(const double *widths, int n)
{
    double px = 0;
    int i;
    /* Excel: a column of width w (digits of the default font, 7 px for
     * Calibri 11) takes w · 7 + 5 pixels. */
    for (i = 0; i < n; i++)
        px += widths[i] * 7 + 5;
    return px;
}

/* Printable width of A4 landscape (297 mm) less 0.4" margins, 96 dpi. */
#define A4_LANDSCAPE_PX ((297.0 / 25.4 - 0.8) * 96.0)

void rep_page_setup(lxw_worksheet *ws, int first_row, int last_row, double table_px, int key_cols,
                    const char *footer)
{
    struct kh_buf b;
    char cut[512];

    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_center_horizontally(ws);
    if (table_px <= 0 || A4_LANDSCAPE_PX / table_px >= 0.45) {
        worksheet_fit_to_pages(ws, 1, 0); /* one page wide, as many tall as needed */
    } else {
        worksheet_set_print_scale(ws, 55);
        if (key_cols > 0)
            worksheet_repeat_columns(ws, 0, (lxw_col_t)(key_cols - 1));
    }
    if (first_row >= 0 && last_row >= first_row)
        worksheet_repeat_rows(ws, (lxw_row_t)first_row, (lxw_row_t)last_row);
    kh_buf_init(&b, 4096);
    if (footer && *footer) {
        kh_buf_puts(&b, "&L");
        footer_text(&b, rep_utf8_cut(footer, 100, cut, sizeof(cut)));
    }
    kh_buf_puts(&b, "&C第 &P 页，共 &N 页");
    if (!kh_buf_failed(&b))
        worksheet_set_footer(ws, kh_buf_str(&b));
    kh_buf_free(&b);
}

int rep_lxw_error(struct kh_err *err, lxw_error e, const char *path, const char *what)
{
    int code = KH_EIO;
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
        code = KH_ENOMEM;
    else if (e == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE ||
             e == LXW_ERROR_WORKSHEET_MAX_NUMBER_URLS_EXCEEDED)
        code = KH_ELIMIT;
    return kh_err_set(err, code, path, 0, 0, "%s: %s", what, lxw_strerror(e));
}
