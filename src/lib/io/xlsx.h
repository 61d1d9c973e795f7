/*
 * xlsx.h — kaohe's reader of Excel workbooks: Office Open XML SpreadsheetML
 * (ECMA-376 5th edition, Part 1 §18, "transitional" and "strict"), the .xlsx
 * files that Excel, WPS and LibreOffice save. The package (ECMA-376 Part 2,
 * Open Packaging Conventions) is a zip archive read with libzip; its XML
 * parts are streamed through expat in chunks straight from zip_fread, so a
 * sheet of a million rows is never held in memory whole: only one row at a
 * time, plus the shared-string table (§18.4) and the cell formats (§18.8).
 *
 * What is read: the workbook's sheets by name and order (workbook.xml and
 * its relationships, §18.2), shared strings with rich-text runs joined and
 * phonetic runs dropped, inline strings, numbers, booleans, error values,
 * cached results of formulas (never evaluated), ISO 8601 date cells, numbers
 * formatted as dates or times (built-in formats 14–22, 27–36, 45–47, 50–58
 * and custom formats in styles.xml: ISO text, 1900 and 1904 date systems),
 * numbers formatted as percentages, sparse rows and cells with or without
 * r="C17" references (gaps become empty cells), cells out of order within a
 * row, and merged ranges (reported, never filled in).
 *
 * Hostile files are refused with KH_ELIMIT or KH_EINVAL, never with
 * unbounded memory or time: limits on the shared-string count and bytes,
 * cell and row text, columns (XFD = 16384), rows (1,048,576), the
 * uncompressed size and compression ratio of each part (zip bombs), XML
 * nesting depth and the length of one XML token; a DOCTYPE or entity
 * declaration is refused outright (OOXML never uses them), which rules out
 * entity-expansion ("billion laughs") attacks.
 *
 * Errors name the workbook, and for content the sheet, row and column in
 * the spreadsheet's own notation: "values.xlsx [Sheet1]!C17: …" (then
 * err->line and err->col are 0: the position is in err->file), or the XML
 * part with its line and column for broken XML: "values.xlsx:
 * xl/worksheets/sheet1.xml:3:17: broken XML: mismatched tag …".
 *
 * Internal to src/lib (the dataset loaders use it; io/dataset_load.c).
 */
#ifndef KH_IO_XLSX_H
#define KH_IO_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "kaohe/base.h"

/* What the first bytes of an input are (xlsx_sniff). */
enum xlsx_sig {
    XLSX_SIG_NONE = 0, /* anything else (text, CSV) */
    XLSX_SIG_ZIP,      /* a zip archive: "PK\3\4" (or "PK\5\6", an empty one) */
    XLSX_SIG_OLE       /* a CDFV2 compound file "D0 CF 11 E0": an .xls or an
                          encrypted (password-protected) .xlsx */
};

/*
 * Limits that keep memory and time bounded on hostile files. A zeroed
 * field means its default (xlsx_limits_default). Exceeding one is
 * KH_ELIMIT with a message naming the limit.
 */
struct xlsx_limits {
    size_t max_strings;      /* shared strings (default 8,388,608) */
    size_t max_string_bytes; /* text of all shared strings (64 MiB) */
    size_t max_cell;         /* text of one cell or shared string (1 MiB) */
    size_t max_row_bytes;    /* text of one row (16 MiB) */
    int max_cols;            /* highest column number (16384 = XFD) */
    int max_rows;            /* highest row number (1,048,576) */
    uint64_t max_part;       /* uncompressed bytes of one XML part (2 GiB) */
    unsigned max_ratio;      /* uncompressed / compressed size of a part
                                beyond its first MiB (200) */
    int max_depth;           /* XML element nesting (64) */
    size_t max_token;        /* XML bytes read without one complete token, i.e.
                                the longest tag or comment (16 MiB) */
    int max_sheets;          /* sheets, relationships, number formats (65536) */
    size_t max_styles;       /* cell formats, cellXfs (1,048,576) */
    size_t max_merges;       /* merged ranges of one sheet (1,048,576) */
};

/* Fill *lim with the default limits. */
void xlsx_limits_default(struct xlsx_limits *lim);

/* What a cell holds (struct xlsx_row.type). */
enum xlsx_type {
    XLSX_EMPTY = 0, /* no value, or an empty string: text "" */
    XLSX_NUMBER,    /* a number: text as stored ("12.5", "1E-3"), num its value */
    XLSX_PERCENT,   /* a number formatted as a percentage: text as shown,
                       the value × 100 with '%' ("12.5%"), num the value (0.125) */
    XLSX_DATE,      /* a date: ISO text "2024-07-31", or "2024-07-31T08:30:00"
                       when its format shows the time; num the serial number
                       (NaN for t="d" cells) */
    XLSX_TIME,      /* a time of day: "08:30:00"; num the serial number */
    XLSX_TEXT,      /* a string (shared, inline or a formula's cached result) */
    XLSX_BOOL,      /* a boolean: text "TRUE" or "FALSE", num 1 or 0 */
    XLSX_ERROR      /* an error value: text "#DIV/0!", "#N/A" … */
};

/*
 * One row, as handed to an xlsx_row_fn. Cells are dense: cell i is column
 * i + 1 (A = 0), gaps in the sheet are XLSX_EMPTY cells, and `ncells` runs
 * to the last non-empty cell (always >= 1: rows without a non-empty cell
 * are not reported). text[i] is NUL-terminated UTF-8 without NUL bytes,
 * len[i] its length. The callback may replace entries of `text` and `len`
 * (not the bytes they point to) during the call; everything is valid only
 * during the call.
 */
struct xlsx_row {
    int row; /* 1-based row number, rising from call to call */
    int ncells;
    const char **text;
    size_t *len;
    const unsigned char *type; /* enum xlsx_type */
    const double *num;         /* value of NUMBER, PERCENT, DATE, TIME, BOOL */
};

/*
 * Called once per row. Return 0 to go on, a positive number to stop
 * quietly (the read returns KH_OK), a negative status to stop with that
 * error, which the callback has recorded.
 */
typedef int (*xlsx_row_fn)(void *ctx, struct xlsx_row *row);

/* A merged range, 1-based and inclusive: A1:C2 is {1, 1, 2, 3}. */
struct xlsx_range {
    int row1, col1, row2, col2;
};

/* An open workbook. */
struct xlsx;

/* Classify the first bytes of data[0..len) (enum xlsx_sig). */
int xlsx_sniff(const void *data, size_t len);

/* xlsx_sniff on the first bytes of the file at `path`; XLSX_SIG_NONE when
 * it cannot be read (the caller's own read then reports why). */
int xlsx_sniff_file(const char *path);

/*
 * Open the workbook in data[0..len) (not copied: it must outlive the
 * workbook) or in the file at `path` (read as needed, never whole), and
 * read its sheet list and cell formats. `name` names it in errors. `lim`
 * may be NULL (defaults). On success *out is a workbook the caller frees
 * with xlsx_free(). Errors (KH_EINVAL unless said): not a zip; a CDFV2 file
 * ("encrypted or old .xls files are not supported; save as .xlsx"); a
 * truncated or damaged zip; an .ods, .xlsb or other zip without a
 * workbook; a missing workbook part or relationship; broken XML (with the
 * part, line and column); a password-protected part; KH_ELIMIT; KH_EIO
 * (the file cannot be read); KH_ENOMEM. *out is NULL on error.
 */
int xlsx_open_mem(struct xlsx **out, const char *name, const void *data, size_t len,
                  const struct xlsx_limits *lim, struct kh_err *err);
int xlsx_open_file(struct xlsx **out, const char *path, const struct xlsx_limits *lim,
                   struct kh_err *err);

/* Close a workbook and free all it owns (NULL is fine). */
void xlsx_free(struct xlsx *x);

/* The workbook's name, as given to xlsx_open_*. */
const char *xlsx_name(const struct xlsx *x);

/* Number of sheets (worksheets and others), in the workbook's tab order. */
int xlsx_sheet_count(const struct xlsx *x);

/* Name of sheet i (0-based), or NULL for a bad index. */
const char *xlsx_sheet_name(const struct xlsx *x, int i);

/* Non-zero if sheet i is hidden (state="hidden" or "veryHidden"). */
int xlsx_sheet_hidden(const struct xlsx *x, int i);

/* Non-zero if sheet i is a worksheet (not a chart or dialog sheet). */
int xlsx_sheet_is_worksheet(const struct xlsx *x, int i);

/*
 * The sheet to read: the worksheet called `name` (ASCII case ignored, as
 * Excel does), or with `name` NULL or "" the first visible worksheet (the
 * first worksheet if all are hidden). Returns its index, or KH_ENOTFOUND
 * with a message listing the sheets (also for a chart sheet, or a workbook
 * without a worksheet).
 */
int xlsx_sheet_choose(const struct xlsx *x, const char *name, struct kh_err *err);

/*
 * Stream the rows of worksheet `sheet` to fn(ctx, row) (see struct
 * xlsx_row), reading the shared strings first if the workbook has any.
 * Rows come in rising order; cells may come in any order within a row.
 * Returns KH_OK (also when fn stopped quietly), fn's negative status, or an
 * error: KH_EINVAL (broken XML, a bad cell reference, rows out of order, a
 * cell given twice, a bad number or shared-string index, a missing part),
 * KH_ELIMIT, KH_ENOMEM. The sheet's merged ranges are known afterwards
 * when it was read to its end (see xlsx_sheet_merges).
 */
int xlsx_sheet_read(struct xlsx *x, int sheet, xlsx_row_fn fn, void *ctx, struct kh_err *err);

/*
 * The merged ranges of worksheet `sheet`, in the order the sheet lists
 * them, into *ranges (owned by the workbook, valid until xlsx_free) and
 * *n. Values are never copied into a merged range's other cells: a header
 * parser uses this to see that A1:C1 spans three columns. Reads the sheet
 * (skipping its cells) unless a full xlsx_sheet_read already did. Errors
 * as xlsx_sheet_read.
 */
int xlsx_sheet_merges(struct xlsx *x, int sheet, const struct xlsx_range **ranges, size_t *n,
                      struct kh_err *err);

/*
 * Write the spreadsheet position of row `row` and column `col` (1-based;
 * 0 when unknown) of sheet `sheet` as "name [Sheet1]!C17", "name [Sheet1]
 * row 17" or "name [Sheet1]" into out[0..outsz). Returns out.
 */
const char *xlsx_where(const struct xlsx *x, int sheet, int row, int col, char *out, size_t outsz);

/*
 * Turn an error recorded in sheet coordinates (err->line = row,
 * err->col = column, as the dataset loaders record them) into the
 * spreadsheet notation of xlsx_where: err->file becomes "name [Sheet1]!C17"
 * and err->line, err->col 0. When the cell lies inside a merged range
 * other than at its top-left cell, a hint to unmerge is added. Does
 * nothing for a NULL err.
 */
void xlsx_err_locate(struct xlsx *x, int sheet, struct kh_err *err);

/* Column letters of 1-based column `col` ("A", "Z", "AA", "XFD") into
 * out[0..4); "?" when out of range. Returns out. */
const char *xlsx_col_name(int col, char out[4]);

#endif
