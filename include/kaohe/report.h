/*
 * kaohe/report.h — what leaves kaohe as files: the official score table
 * as an Excel workbook (XLSX, ECMA-376, written with libxlsxwriter) or as
 * CSV (RFC 4180), and data-entry templates that a data department fills in
 * and sends back.
 *
 * The score workbook has the layout a 考核办 publishes: one sheet per
 * category (赛道) with a title row, multi-level merged headers that follow
 * the indicator tree (一级指标 / 二级指标 / … and a 分值 row), the unit
 * columns 排名 / 单位 / 名称, every node's displayed score stored as a number
 * with the scheme's decimals as its number format, the total, the tier and
 * the vetoes; frozen panes, A4 landscape print setup fitted to the page
 * width with the header rows repeated on every page and a page-number
 * footer. docs/export.md describes every row and column.
 *
 * A template (kaohe export template) has units down and the chosen inputs
 * across; it carries a marker in its hidden first row so that the values
 * loader can recognise it and read it back (src/lib/io/template.h,
 * docs/data-files.md "数据填报模板").
 *
 * Every file is written atomically: into a temporary file in the target's
 * folder, flushed to disk (fsync) and renamed over the target, so that an
 * error or a crash never leaves half a file under the target's name.
 *
 * Output is deterministic: the same scheme, data, options and creation time
 * give the same bytes.
 */
#ifndef KAOHE_REPORT_H
#define KAOHE_REPORT_H

#include <stddef.h>

#include "kaohe/base.h"
#include "kaohe/data.h"
#include "kaohe/engine.h"
#include "kaohe/scheme.h"

/* ---- files ------------------------------------------------------------- */

/*
 * Write data[0..len) to `path` atomically: a new file in the same folder,
 * fsync, rename over `path`, fsync of the folder. The new file gets the
 * usual permissions (0666 less the umask). On error the temporary file is
 * removed, `path` is untouched and err says what failed (KH_EIO, with the
 * system's reason; KH_EINVAL for an empty path).
 */
int kh_report_write_atomic(const char *path, const void *data, size_t len, struct kh_err *err);

/* ---- units in publication order ---------------------------------------- */

/* A unit's place in a published table: its index, category and rank. */
struct kh_report_row {
    int unit, cat, rank;
};

/*
 * The units of r in publication order: category (scheme order), then rank
 * (unranked last), then data order — the order of `kaohe score` and of the
 * exported tables. ds->nunits rows, malloc'ed (caller frees); NULL when out
 * of memory.
 */
struct kh_report_row *kh_report_order(const struct kh_dataset *ds, const struct kh_result *r);

/* The qsort comparison of that order (category, rank with 0 last, unit),
 * for callers that re-sort rows. */
int kh_report_row_cmp(const void *a, const void *b);

/* Append the names of the vetoes triggered for unit u, separated by ';'. */
void kh_report_vetoes_text(const struct kh_result *r, int u, struct kh_buf *b);

/* ---- score tables ------------------------------------------------------ */

/* What the score workbook shows. Start from kh_report_opts_init(). */
struct kh_report_opts {
    int category;       /* -1: a sheet for every category (default); c: only
                           category c (index in the scheme) */
    int depth;          /* indicator levels shown: 0 = all (default), n = down
                           to level n (level 1 = 一级指标) */
    int all_sheet;      /* non-zero: also a sheet "全部" with every unit,
                           grouped by category, each group with its 分值 row */
    int data_sheet;     /* non-zero (default): also a flat sheet "明细数据"
                           with exactly the rows and columns of
                           kh_report_score_csv, for filtering and re-use */
    const char *footer; /* text for the left of the page footer (a snapshot
                           id and hash); NULL or "" for none. At most 100
                           characters are shown. */
    long long created;  /* creation time stored in the file's properties
                           (Unix seconds); 0: 2000-01-01, so that the bytes
                           depend only on the inputs */
};

/* Fill *o with the defaults listed above. */
void kh_report_opts_init(struct kh_report_opts *o);

/* How big what was written is (for the command line's summary). */
struct kh_report_summary {
    int sheets;  /* worksheets written */
    int units;   /* unit rows (counted once, not per sheet) */
    int columns; /* value columns: nodes shown (score) or inputs (template) */
};

/*
 * Write the score table of result r (scheme s, dataset ds) as an XLSX
 * workbook at `path` (atomically). `o` may be NULL for the defaults;
 * `sum` may be NULL. Errors: KH_EINVAL (a bad option: category or depth out
 * of range), KH_ELIMIT (more units than a worksheet's 1,048,576 rows or
 * more columns than its 16,384), KH_EIO (the file cannot be written;
 * libxlsxwriter's reason is given), KH_ENOMEM.
 */
int kh_report_score_xlsx(const struct kh_scheme *s, const struct kh_dataset *ds,
                         const struct kh_result *r, const struct kh_report_opts *o,
                         const char *path, struct kh_report_summary *sum, struct kh_err *err);

/*
 * Append the score table of r as CSV to `out`: the same rows, columns and
 * bytes as `kaohe score --format csv` (header `period,category,unit,name`,
 * every node id in scheme order, `total,rank,rank_of,tier,vetoes`; one row
 * per unit in publication order; scores with the scheme's decimals; CRLF
 * line ends), preceded by a UTF-8 byte order mark when `bom` is non-zero
 * (Excel then reads the file as UTF-8). `category` is -1 for every unit or
 * a category index. Returns KH_OK or the buffer's failure status.
 */
int kh_report_score_csv(const struct kh_scheme *s, const struct kh_dataset *ds,
                        const struct kh_result *r, int category, int bom, struct kh_buf *out);

/*
 * The same bytes as kh_report_score_csv, handed to `write` in blocks of
 * about 64 KiB as they are made instead of gathered in one buffer, so that
 * a table of any size costs no more memory than one block: write(user, p,
 * n) returns 0 to go on, or a non-zero status that stops the table and is
 * returned. Returns KH_OK, that status, or KH_ENOMEM.
 */
int kh_report_score_csv_stream(const struct kh_scheme *s, const struct kh_dataset *ds,
                               const struct kh_result *r, int category, int bom,
                               int (*write)(void *user, const char *p, size_t n), void *user);

/* ---- data-entry templates ---------------------------------------------- */

/* What a template asks for. Start from kh_template_opts_init(). */
struct kh_template_opts {
    const char *period; /* the period the values are for (required) */
    const char *inputs; /* input ids separated by ',' (also '，' '、' ';'
                           and blanks), in the order wanted; or NULL */
    const char *dept;   /* or: every input read by an indicator whose
                           responsible department (dept:, inherited from the
                           parent) is this one; a name that matches no
                           department exactly is looked for inside them
                           ("统计局" finds "区统计局" when that is the only
                           match). Exactly one of inputs and dept. */
    int category;       /* -1: units of every category that uses one of the
                           inputs (default); c: only category c */
    int fill;           /* non-zero: pre-fill the cells with the dataset's
                           values for exactly this period */
    long long created;  /* as in kh_report_opts */
};

/* Fill *o with the defaults listed above. */
void kh_template_opts_init(struct kh_template_opts *o);

/*
 * Write a data-entry template at `path` (atomically): sheet "填报" with a
 * hidden marker row, a title, the inputs across (display name, measurement
 * unit, and the input id on a hidden row), one row per unit (code and name
 * locked), input cells unlocked with data validation (decimal numbers, an
 * error message in Chinese); cells of inputs that do not apply to a unit's
 * category are grey and locked. Sheet "填表说明" explains how to fill it in.
 * The sheets are protected without a password (against slips, not
 * against intent).
 * Errors: KH_EINVAL (no period or a bad one, neither or both of inputs and
 * dept, an unknown input id — the message lists the scheme's inputs — or a
 * department that names no indicator, or no unit to list), KH_EIO,
 * KH_ELIMIT, KH_ENOMEM.
 */
int kh_report_template_xlsx(const struct kh_scheme *s, const struct kh_dataset *ds,
                            const struct kh_template_opts *o, const char *path,
                            struct kh_report_summary *sum, struct kh_err *err);

#endif
