/*
 * report_int.h — what the report writers share (internal to src/lib/report):
 * atomic replacement of a file that another library writes by name
 * (libxlsxwriter), the publication order of units, the cell formats and
 * sizing helpers of the workbooks, and the choice of a template's inputs.
 *
 * Spreadsheet limits come from ECMA-376 and Excel's specifications:
 * 1,048,576 rows, 16,384 columns, 31 characters in a sheet name, 255 in a
 * header or footer, 32,767 in a cell.
 */
#ifndef KH_REPORT_INT_H
#define KH_REPORT_INT_H

#include <xlsxwriter.h>

#include "kaohe/report.h"

#define REP_MAX_ROWS 1048576
#define REP_MAX_COLS 16384

/* ---- atomic replacement (atomic.c) -------------------------------------- */

/*
 * A temporary file next to its target. rep_tmp_open creates it (empty,
 * O_EXCL, mode 0666 less the umask) and closes it, so that a writer that
 * opens files by name can fill it; rep_tmp_commit flushes it to disk and
 * renames it over the target; rep_tmp_abort removes it. Both leave *t
 * released; abort after commit (or twice) does nothing.
 */
struct rep_tmp {
    char *path; /* the target */
    char *tmp;  /* the temporary file's name; NULL once committed/aborted */
};
int rep_tmp_open(struct rep_tmp *t, const char *path, struct kh_err *err);
int rep_tmp_commit(struct rep_tmp *t, struct kh_err *err);
void rep_tmp_abort(struct rep_tmp *t);


/* ---- workbook helpers (xlsx_util.c) ------------------------------------- */

/* The cell formats every sheet uses; created once per workbook. */
struct rep_formats {
    lxw_format *title;     /* 16pt bold, centred */
    lxw_format *subtitle;  /* centred */
    lxw_format *head;      /* bold, centred, wrapped, bordered, light fill */
    lxw_format *head_num;  /* the 分值 row: like head, number "General" */
    lxw_format *text;      /* bordered text, centred */
    lxw_format *text_left; /* bordered text, left (names) */
    lxw_format *score;     /* bordered number with the scheme's decimals */
    lxw_format *total;     /* the same, bold */
    lxw_format *integer;   /* bordered integer (ranks) */
    lxw_format *group;     /* category group rows: bold, left, fill */
    lxw_format *group_num; /* numbers in group rows */
    lxw_format *plain;     /* data sheet: no border */
    lxw_format *plain_num; /* data sheet numbers with the decimals */
    lxw_format *input;     /* template: unlocked input cell */
    lxw_format *input_na;  /* template: locked grey cell (does not apply) */
    lxw_format *note;      /* wrapped text, top-left (instructions) */
    lxw_format *note_head; /* bold (instructions) */
};

/* Create the formats in wb; `decimals` fixes the number format of scores. */
void rep_formats_init(struct rep_formats *f, lxw_workbook *wb, int decimals);

/* Set the document properties (title, creation time) of wb. */
void rep_set_properties(lxw_workbook *wb, const char *title, long long created);

/*
 * Write a sheet name that Excel accepts into out[0..outsz): the characters
 * []:*?/\ become '_', at most 31 characters, not empty, and different from
 * the `nused` names in used[], ASCII case ignored as Excel does (a suffix
 * "(2)", "(3)" … otherwise).
 */
void rep_sheet_name(const char *want, char *const *used, int nused, char *out, size_t outsz);

/* Copy at most `maxchars` UTF-8 characters of s into out[0..outsz), never
 * cutting a character; "…" marks a cut. Returns out. */
const char *rep_utf8_cut(const char *s, int maxchars, char *out, size_t outsz);

/* Column width in Excel's units (the width of a digit) for text that takes
 * `tw` terminal columns (kh_text_width: CJK count 2). */
double rep_width(int tw);

/* The printed width in pixels (at 100%) of columns of these widths. */
double rep_columns_px(const double *widths, int n);

/*
 * Page setup shared by every sheet: A4 landscape, centred; header rows
 * first_row..last_row (-1: none) repeated on every page; footer with
 * `footer` (may be NULL) on the left and 第 N 页，共 M 页 in the centre.
 * The table is fitted to the page width when that keeps the print at 45%
 * or more of its size (a table of `table_px` pixels, see rep_columns_px);
 * a wider table is printed at 55% across several pages, with its first
 * `key_cols` columns (the unit columns) repeated on each.
 */
void rep_page_setup(lxw_worksheet *ws, int first_row, int last_row, double table_px, int key_cols,
                    const char *footer);

/* Map a libxlsxwriter error to a kaohe error about file `path`. */
int rep_lxw_error(struct kh_err *err, lxw_error e, const char *path, const char *what);

/* ---- template inputs (inputs.c) ----------------------------------------- */

/*
 * The inputs a template asks for: indices into the scheme's inputs, in
 * order, and for each input the categories it applies to (an input applies
 * to a category when an indicator of that category reads it, directly or
 * through derived indicators and other nodes' values; an input no
 * indicator reads applies to every category).
 */
struct rep_inputs {
    int *idx; /* n input indices */
    int n;
    unsigned char *applies; /* n × ncats: applies[i * ncats + c] */
    int ncats;
    char **readers; /* per input: "id 名称; …" of the nodes reading it
                       (for the instructions), owned */
    char dept[256]; /* with a department: its name as the scheme
                       writes it ("区统计局" for "统计局"), else "" */
};

/* Choose the inputs by id list or department (see kh_template_opts).
 * Errors: KH_EINVAL with a message naming what is wrong, KH_ENOMEM. */
int rep_inputs_choose(struct rep_inputs *in, const struct kh_scheme *s, const char *ids,
                      const char *dept, struct kh_err *err);
void rep_inputs_release(struct rep_inputs *in);

#endif
