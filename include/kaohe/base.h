/*
 * kaohe/base.h — the two types every other module uses: the error record
 * (struct kh_err) and the growable, size-capped text buffer (struct kh_buf).
 *
 * Errors travel as values: a function that can fail takes `struct kh_err
 * *err` last, returns KH_OK (0) or a negative status, and on failure fills
 * *err with where (file, line, column) and what was expected, in words a
 * clerk can act on. Library code never prints, exits or aborts on bad input.
 *
 * Every text the library produces (tables, CSV, JSON, traces) is written
 * into a kh_buf. The buffer has a size cap so that hostile input can never
 * make it grow without bound; once the cap is hit or memory runs out, the
 * buffer is marked failed, further writes are dropped and kh_buf_failed()
 * says so.
 */
#ifndef KAOHE_BASE_H
#define KAOHE_BASE_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __GNUC__
#define KH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KH_PRINTF(f, a)
#endif

/* Status codes. Every failing call returns one of these (negative). */
enum kh_status {
    KH_OK = 0,
    KH_EINVAL = -1, /* the input (scheme, data file, argument) is wrong */
    KH_ENOMEM = -2, /* out of memory */
    KH_EIO = -3,    /* a file could not be read or written */
    KH_ELIMIT = -4, /* a size or count limit was exceeded */
    KH_ENOTFOUND = -5 /* a named thing (unit, node, period) does not exist */
};

/*
 * An error. `file` is the input file the error is about ("" if none), `line`
 * and `col` are 1-based (0 when unknown). `msg` says what was wrong and what
 * was expected. The struct is plain data: no cleanup needed.
 */
struct kh_err {
    int code;
    int line;
    int col;
    char file[256];
    char msg[768];
};

/* Clear *err to "no error". */
void kh_err_clear(struct kh_err *err);

/*
 * Record an error in *err (which may be NULL: then nothing is recorded) and
 * return `code`, so that callers can write `return kh_err_set(err, ...)`.
 * `file` may be NULL. The message is formatted with printf rules.
 */
int kh_err_set(struct kh_err *err, int code, const char *file, int line, int col,
               const char *fmt, ...) KH_PRINTF(6, 7);

/* Like kh_err_set but with a va_list. */
int kh_err_setv(struct kh_err *err, int code, const char *file, int line, int col,
                const char *fmt, va_list ap) KH_PRINTF(6, 0);

/*
 * Format *err as one line, "file:line:col: message" (parts that are unknown
 * are left out), into out[0..outsz). Returns out.
 */
const char *kh_err_format(const struct kh_err *err, char *out, size_t outsz);

/* Short English name of a status code ("invalid input", ...). */
const char *kh_status_name(int code);

/* ---- the buffer ------------------------------------------------------- */

/* Default cap for a buffer: 1 GiB. */
#define KH_BUF_DEFAULT_MAX ((size_t)1 << 30)

/*
 * A growable byte buffer, always NUL-terminated when non-empty. Initialise
 * with kh_buf_init(); release with kh_buf_free(). `data` may be NULL while
 * `len` is 0.
 */
struct kh_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;  /* never grows beyond this many bytes */
    int failed;  /* KH_ENOMEM or KH_ELIMIT once a write was dropped */
};

/* Initialise an empty buffer that may grow to `max` bytes (0: default). */
void kh_buf_init(struct kh_buf *b, size_t max);

/* Release the memory of *b and leave it empty and reusable. */
void kh_buf_free(struct kh_buf *b);

/* Empty *b, keeping its memory and cap; clears the failed flag. */
void kh_buf_reset(struct kh_buf *b);

/* Append n bytes. Returns KH_OK, or the failure status (then nothing added). */
int kh_buf_add(struct kh_buf *b, const void *p, size_t n);

/* Append a NUL-terminated string. */
int kh_buf_puts(struct kh_buf *b, const char *s);

/* Append one byte. */
int kh_buf_putc(struct kh_buf *b, char c);

/* Append printf-formatted text. */
int kh_buf_printf(struct kh_buf *b, const char *fmt, ...) KH_PRINTF(2, 3);
int kh_buf_vprintf(struct kh_buf *b, const char *fmt, va_list ap) KH_PRINTF(2, 0);

/* Append s as a JSON string literal, quotes included (RFC 8259 escaping). */
int kh_buf_json_str(struct kh_buf *b, const char *s);

/*
 * Append s as one CSV field (RFC 4180): quoted, with quotes doubled, when it
 * holds a comma, quote, CR or LF. A field that begins like a spreadsheet
 * formula (= + - @ TAB CR) and is not a plain number gets a leading
 * apostrophe, so that Excel or WPS shows it as text instead of running it
 * (CSV injection).
 */
int kh_buf_csv_field(struct kh_buf *b, const char *s);

/* Append a double in the shortest form that reads back exactly ("%.17g"
 * trimmed); NaN is written as `nan_text`. */
int kh_buf_double(struct kh_buf *b, double v, const char *nan_text);

/* Non-zero status if a write was dropped (cap reached or out of memory). */
int kh_buf_failed(const struct kh_buf *b);

/* The contents as a C string ("" when empty). Valid until the next write. */
const char *kh_buf_str(const struct kh_buf *b);

/* Remove every trailing byte equal to c (e.g. blanks at the end of a line). */
void kh_buf_rtrim(struct kh_buf *b, char c);

/*
 * Hand the contents over to the caller, who frees them with free(); *b is
 * left empty. Returns NULL when empty and on failure.
 */
char *kh_buf_steal(struct kh_buf *b, size_t *len);

#endif
