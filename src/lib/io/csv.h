/*
 * csv.h — kaohe's CSV reader (RFC 4180, with the tolerance that files
 * saved by spreadsheet programs need).
 *
 * The reader takes a whole UTF-8 buffer (or reads a file whole, detecting
 * and converting its encoding, see io/encoding.h) and calls a callback once
 * per record. The fields handed to the callback point into one buffer that
 * is reused for every record: there is no allocation per field or record,
 * and a callback that keeps a field must copy it.
 *
 * Syntax (RFC 4180 §2, with the tolerances marked +):
 *   - records end with CRLF or LF (+ or a lone CR, as old Mac Excel writes);
 *     the last record may lack its line end;
 *   - fields are separated by commas (+ or tabs: see kh_csv_opts.delim);
 *   - a field may be quoted with '"'; inside quotes, commas, CR and LF are
 *     data and a doubled quote "" stands for one quote; nothing inside
 *     quotes is trimmed;
 *   - + spaces and tabs around a field are trimmed, outside the quotes of
 *     a quoted field and on both sides of an unquoted one;
 *   - + a quote inside an unquoted field (ab"c) is kept as data, as Excel
 *     does;
 *   - + blank lines (nothing, or only spaces) are skipped; they still count
 *     for line numbers.
 * Errors (KH_EINVAL, with file:line:column, the column counting characters
 * from 1): a quoted field still open at the end of the text (reported where
 * the quote opened), a character other than a separator or line end after
 * a closing quote, a NUL byte. Limits (KH_ELIMIT, with the position): a
 * field longer than max_field bytes, a record of more than max_fields
 * fields, a text longer than max_file bytes.
 */
#ifndef KH_IO_CSV_H
#define KH_IO_CSV_H

#include <stddef.h>

#include "kaohe/base.h"

#define KH_CSV_MAX_FIELD  ((size_t)1 << 20) /* 1 MiB */
#define KH_CSV_MAX_FIELDS 10000
#define KH_CSV_MAX_FILE   ((size_t)2 << 30) /* 2 GiB */

/* Reader options. A zeroed struct (or a NULL pointer) means the defaults. */
struct kh_csv_opts {
    int delim;        /* the separator, an ASCII character other than '"', CR,
                         LF and space (usually ',' or '\t'); 0: ',' unless the
                         first line holds a tab and no comma (Excel's "Unicode
                         text" is tab-separated) */
    size_t max_field; /* longest field in bytes; 0: KH_CSV_MAX_FIELD */
    int max_fields;   /* most fields in one record; 0: KH_CSV_MAX_FIELDS */
    size_t max_file;  /* longest input in bytes; 0: KH_CSV_MAX_FILE */
};

/*
 * Called once per record. fields[i] is field i (0-based), lens[i] its length
 * in bytes; every field is also NUL-terminated (fields[i][lens[i]] == 0) and
 * holds no NUL byte. nfields >= 1. `line` is the 1-based line on which the
 * record starts. The arrays and the bytes are valid only during the call.
 * Return 0 to go on, a positive number to stop reading quietly (the parse
 * then returns KH_OK), or a negative status to stop with an error — the
 * parse returns it unchanged, so the callback should have recorded it.
 */
typedef int (*kh_csv_record_fn)(void *ctx, const char **fields, const size_t *lens, int nfields,
                                int line);

/*
 * Parse the UTF-8 CSV text data[0..len) (no BOM; see kh_enc_decode),
 * calling fn(ctx, ...) for every record. `name` names the input in errors
 * (may be NULL); `opts` may be NULL. Returns KH_OK, the callback's
 * negative status, or KH_EINVAL / KH_ELIMIT / KH_ENOMEM recorded in *err.
 */
int kh_csv_parse(const char *name, const char *data, size_t len, const struct kh_csv_opts *opts,
                 kh_csv_record_fn fn, void *ctx, struct kh_err *err);

/*
 * The separator kh_csv_parse chooses for data[0..len) when none is given:
 * ',' unless the first line that holds text has a tab and no comma
 * outside quotes, then '\t'. For a reader that parses a file in pieces
 * and must use the first piece's choice for all of them.
 */
int kh_csv_sniff_delim(const char *data, size_t len);

/*
 * Read the file at `path` whole into a new NUL-terminated allocation
 * *data of *len bytes (the caller frees it with free()). A file longer
 * than `max` bytes (0: KH_CSV_MAX_FILE) is refused with KH_ELIMIT. Errors:
 * KH_EIO (cannot open or read; the message says why), KH_ELIMIT,
 * KH_ENOMEM; then *data is NULL.
 */
int kh_csv_read_file(const char *path, size_t max, char **data, size_t *len, struct kh_err *err);

/*
 * Read the file at `path` (kh_csv_read_file with opts->max_file), detect
 * and convert its encoding (kh_enc_decode), and parse it (kh_csv_parse).
 * If `encoding` is not NULL it receives the detected enum kh_encoding.
 * Errors as for those three functions, naming `path`.
 */
int kh_csv_parse_file(const char *path, const struct kh_csv_opts *opts, kh_csv_record_fn fn,
                      void *ctx, int *encoding, struct kh_err *err);

#endif
