/*
 * template.h — reading a filled kaohe data-entry template back as
 * long-form values (unit, indicator, period, value).
 *
 * `kaohe export template` (src/lib/report/template_xlsx.c) writes a wide
 * sheet: units down, inputs across. Its first row is a hidden marker row
 * whose first cell is "kaohe-template"; docs/data-files.md ("数据填报模板")
 * is the contract. This converter sits between a sheet reader and the
 * values loader: it takes the sheet's rows as records — the same callback
 * shape as the CSV reader (kh_csv_record_fn, io/csv.h), one call per
 * non-empty row, `line` being the 1-based sheet row — and hands the loader
 * long-form records in the values file format:
 *
 *   header  unit, unit_name, indicator, period, value   (line: the key row)
 *   rows    one per filled input cell; `line` is the cell's sheet row, so
 *           errors and provenance cite the row the clerk sees
 *
 * When the loader rejects a record it has handed on (and recorded the
 * error in the same struct kh_err given to kh_template_conv_init), the
 * error's column is changed from the long-form record's field to the
 * sheet's column of that cell (1-based), so that a reader can name the
 * cell ("[填报]!D9"); the message still names the long-form column
 * ("value").
 *
 * Blank input cells (including the grey ones of inputs that do not apply)
 * give no record: a template that is sent back half-filled adds only what
 * was filled. The value text goes to the loader as it was read, so that the
 * loader's messages about bad numbers apply unchanged.
 *
 * A sheet that does not start with the marker passes through untouched, so
 * a reader may wrap every values sheet it loads:
 *
 *   struct kh_template_conv tc;
 *   kh_template_conv_init(&tc, loader_record_fn, loader_ctx, "file.xlsx", err);
 *   rc = read_first_sheet(path, kh_template_conv_record, &tc, err);
 *   if (!rc)
 *       rc = kh_template_conv_finish(&tc);
 *   kh_template_conv_release(&tc);
 *
 * Internal to the library.
 */
#ifndef KH_IO_TEMPLATE_H
#define KH_IO_TEMPLATE_H

#include <stddef.h>

#include "kaohe/base.h"
#include "kaohe/period.h"
#include "io/csv.h"

/* The marker: cell A1 of the first sheet, and the format version in B1. */
#define KH_TEMPLATE_MARKER  "kaohe-template"
#define KH_TEMPLATE_VERSION "1"

/* Non-zero if a record (a sheet's first row) is a template's marker row. */
int kh_template_is_marker(const char *const *fields, const size_t *lens, int nfields);

/* A conversion in progress. Plain data; set up with kh_template_conv_init. */
struct kh_template_conv {
    kh_csv_record_fn next; /* where records go (the values loader) */
    void *next_ctx;
    const char *name; /* the file, for messages */
    struct kh_err *err;
    int state; /* internal: first row, header, data, pass-through */
    int marker_line;
    char period[KH_PERIOD_TEXT];
    int col_unit, col_name;
    int *inputs; /* per column of the key row: 1 if an input id */
    char **ids;  /* per column: the input id (owned), or NULL */
    int ncols;
    long records; /* value records handed on */
};

/* Start a conversion that feeds `next(next_ctx, …)`; `name` (may be NULL)
 * and err (may be NULL) are kept for messages. */
void kh_template_conv_init(struct kh_template_conv *c, kh_csv_record_fn next, void *next_ctx,
                           const char *name, struct kh_err *err);

/*
 * Feed one row; a kh_csv_record_fn (ctx is the struct kh_template_conv).
 * Returns what `next` returns, 0 for rows it drops, or KH_EINVAL /
 * KH_ENOMEM recorded in c->err: a marker of another format version, a
 * marker without a period or with a bad one, a key row without "unit".
 */
int kh_template_conv_record(void *ctx, const char **fields, const size_t *lens, int nfields,
                            int line);

/* After the last row: KH_EINVAL if the sheet had a marker but no key row
 * (the hidden row 6 was deleted), else KH_OK. */
int kh_template_conv_finish(struct kh_template_conv *c);

/* Non-zero once the first row turned out to be a template's marker. */
int kh_template_conv_is_template(const struct kh_template_conv *c);

/* Free what the conversion holds. */
void kh_template_conv_release(struct kh_template_conv *c);

/*
 * A kh_csv_record_fn that appends each record to the struct kh_buf `ctx`
 * as one CSV line (RFC 4180, LF line ends); with the converter in front it
 * turns a template into the text of a long-form values file (tests; a
 * loader without row-level access can feed the text to
 * kh_dataset_load_mem, at the cost of line numbers that count the text's
 * lines instead of the sheet's rows).
 */
int kh_template_csv_sink(void *ctx, const char **fields, const size_t *lens, int nfields, int line);

#endif
