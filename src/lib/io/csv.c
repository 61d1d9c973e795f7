/*
 * csv.c — the CSV reader (RFC 4180 with spreadsheet tolerances; the rules
 * are listed in io/csv.h). One pass over the text with a byte-class table,
 * fields copied into one reused buffer, positions computed only when an
 * error is reported.
 */
#include "base/common.h"

#include <sys/stat.h>

#include "io/csv.h"
#include "io/encoding.h"

/* Byte classes of the scanning table. */
enum {
    CSV_DATA = 0, /* ordinary byte */
    CSV_STOP = 1  /* separator, CR, LF, NUL (unquoted) or quote, CR, LF, NUL (quoted) */
};

/* The state of one parse. */
struct csv_state {
    const char *name;
    const char *end;
    int delim;
    size_t max_field;
    int max_fields;
    int line;               /* current physical line (1-based) */
    const char *line_start; /* first byte of the current physical line */
    char *buf;              /* the bytes of the current record's fields */
    size_t buf_len, buf_cap;
    size_t *offs; /* start of each field in buf */
    size_t *lens;
    const char **fields;
    size_t fcap;
    int nfields;
    struct kh_err *err;
    unsigned char unquoted_stop[256];
    unsigned char quoted_stop[256];
};

/* 1-based column in characters of `pos` on the line starting at `start`. */
static int char_column(const char *start, const char *pos)
{
    long col = 1;
    for (; start < pos; start++)
        if (((unsigned char)*start & 0xC0) != 0x80)
            col++;
    return col > INT_MAX ? INT_MAX : (int)col;
}

/* Record an error at `pos`, on physical line `line` starting at `ls`. */
static int csv_error_at(struct csv_state *st, int code, int line, const char *ls, const char *pos,
                        const char *fmt, ...) KH_PRINTF(6, 7);

static int csv_error_at(struct csv_state *st, int code, int line, const char *ls, const char *pos,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_setv(st->err, code, st->name, line, char_column(ls, pos), fmt, ap);
    va_end(ap);
    return code;
}

/* The NUL-byte error at `pos` on the current line. */
static int csv_nul_error(struct csv_state *st, const char *pos)
{
    return csv_error_at(st, KH_EINVAL, st->line, st->line_start, pos,
                        "NUL byte in the text: expected CSV text (is this UTF-16 without a "
                        "byte-order mark? save the file as \"CSV UTF-8\")");
}

/* Note that a line ends just before `next`. */
static void csv_newline(struct csv_state *st, const char *next)
{
    if (st->line < INT_MAX)
        st->line++;
    st->line_start = next;
}

/* Append n bytes of the current field (which started at buffer offset
 * `fstart`, at line `fline`/`fls` position `fpos`) to the record buffer. */
static int csv_append(struct csv_state *st, size_t fstart, const char *p, size_t n, int fline,
                      const char *fls, const char *fpos)
{
    if (st->buf_len - fstart + n > st->max_field)
        return csv_error_at(st, KH_ELIMIT, fline, fls, fpos,
                            "field is longer than the limit of %zu bytes", st->max_field);
    if (st->buf_len + n + 1 > st->buf_cap &&
        kh_grow(&st->buf, &st->buf_cap, st->buf_len + n + 1, 1))
        return kh_err_set(st->err, KH_ENOMEM, st->name, fline, 0, "out of memory reading CSV");
    memcpy(st->buf + st->buf_len, p, n);
    st->buf_len += n;
    return KH_OK;
}

/* Close the field that started at buffer offset `fstart`. */
static int csv_end_field(struct csv_state *st, size_t fstart, const char *fpos)
{
    if (st->nfields >= st->max_fields)
        return csv_error_at(st, KH_ELIMIT, st->line, st->line_start, fpos,
                            "record has more than %d fields, the limit", st->max_fields);
    if ((size_t)st->nfields >= st->fcap) {
        size_t cap = st->fcap;
        if (kh_grow(&st->offs, &cap, (size_t)st->nfields + 1, sizeof(*st->offs)))
            goto nomem;
        cap = st->fcap;
        if (kh_grow(&st->lens, &cap, (size_t)st->nfields + 1, sizeof(*st->lens)))
            goto nomem;
        cap = st->fcap;
        if (kh_grow(&st->fields, &cap, (size_t)st->nfields + 1, sizeof(*st->fields)))
            goto nomem;
        st->fcap = cap;
    }
    if (st->buf_len + 1 > st->buf_cap && kh_grow(&st->buf, &st->buf_cap, st->buf_len + 1, 1))
        goto nomem;
    st->offs[st->nfields] = fstart;
    st->lens[st->nfields] = st->buf_len - fstart;
    st->buf[st->buf_len++] = 0;
    st->nfields++;
    return KH_OK;
nomem:
    return kh_err_set(st->err, KH_ENOMEM, st->name, st->line, 0, "out of memory reading CSV");
}

/* Non-zero for a blank that is trimmed around fields (a tab only when it
 * is not the separator). */
static int csv_is_blank(const struct csv_state *st, char c)
{
    return c == ' ' || (c == '\t' && st->delim != '\t');
}

/* Parse a quoted field whose opening quote is at *pp. */
static int csv_quoted(struct csv_state *st, const char **pp)
{
    const char *p = *pp, *end = st->end, *seg;
    const char *qpos = p, *qls = st->line_start;
    int qline = st->line, rc;
    size_t fstart = st->buf_len;

    seg = ++p;
    for (;;) {
        while (p < end && !st->quoted_stop[(unsigned char)*p])
            p++;
        if (p == end)
            return csv_error_at(st, KH_EINVAL, qline, qls, qpos,
                                "quoted field is never closed: expected a closing quote (\") "
                                "before the end of the file");
        if (*p == 0)
            return csv_nul_error(st, p);
        if (*p == '\n' || *p == '\r') {
            if (*p == '\r' && p + 1 < end && p[1] == '\n')
                p++;
            p++;
            csv_newline(st, p);
            continue;
        }
        /* A quote: doubled is data, single closes the field. */
        rc = csv_append(st, fstart, seg, (size_t)(p - seg) + (p + 1 < end && p[1] == '"'), qline,
                        qls, qpos);
        if (rc)
            return rc;
        if (p + 1 < end && p[1] == '"') {
            p += 2;
            seg = p;
            continue;
        }
        p++;
        break;
    }
    while (p < end && csv_is_blank(st, *p))
        p++;
    if (p < end && *p != st->delim && *p != '\n' && *p != '\r') {
        int n = 1;
        if (*p == 0)
            return csv_nul_error(st, p);
        while (n < 4 && p + n < end && ((unsigned char)p[n] & 0xC0) == 0x80)
            n++;
        return csv_error_at(st, KH_EINVAL, st->line, st->line_start, p,
                            "unexpected '%.*s' after the closing quote of a field: expected %s "
                            "or the end of the line (inside a quoted field, write a quote as \"\")",
                            n, p, st->delim == '\t' ? "a tab" : "a comma");
    }
    *pp = p;
    return csv_end_field(st, fstart, qpos);
}

/* Parse an unquoted field starting at *pp (after leading blanks). */
static int csv_unquoted(struct csv_state *st, const char **pp)
{
    const char *p = *pp, *start = p, *end = st->end, *stop;
    size_t fstart = st->buf_len;
    int rc;

    while (p < end && !st->unquoted_stop[(unsigned char)*p])
        p++;
    if (p < end && *p == 0)
        return csv_nul_error(st, p);
    stop = p;
    while (stop > start && csv_is_blank(st, stop[-1]))
        stop--;
    rc = csv_append(st, fstart, start, (size_t)(stop - start), st->line, st->line_start, start);
    if (rc)
        return rc;
    *pp = p;
    return csv_end_field(st, fstart, start);
}

/* Parse one record starting at *pp (not a blank line) and hand it to fn. */
static int csv_record(struct csv_state *st, const char **pp, kh_csv_record_fn fn, void *ctx)
{
    const char *p = *pp, *end = st->end;
    int line = st->line, rc, i;

    st->nfields = 0;
    st->buf_len = 0;
    for (;;) {
        while (p < end && csv_is_blank(st, *p))
            p++;
        rc = (p < end && *p == '"') ? csv_quoted(st, &p) : csv_unquoted(st, &p);
        if (rc)
            return rc;
        if (p == end)
            break;
        if (*p == st->delim) {
            p++;
            continue;
        }
        /* CR, LF or CRLF ends the record. */
        if (*p == '\r' && p + 1 < end && p[1] == '\n')
            p++;
        p++;
        csv_newline(st, p);
        break;
    }
    *pp = p;
    for (i = 0; i < st->nfields; i++)
        st->fields[i] = st->buf + st->offs[i];
    return fn(ctx, st->fields, st->lens, st->nfields, line);
}

/* The separator to use for data[0..len) when the caller asked for auto:
 * a tab if the first line holds tabs but no comma outside quotes. */
int kh_csv_sniff_delim(const char *data, size_t len)
{
    size_t i;
    int inq = 0, tabs = 0, text = 0;

    for (i = 0; i < len; i++) {
        char c = data[i];
        if (c == '"')
            inq = !inq;
        else if (!inq && c == ',')
            return ',';
        else if (!inq && c == '\t')
            tabs++;
        else if (!inq && (c == '\n' || c == '\r') && (text || tabs))
            break;
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            text = 1;
    }
    return tabs ? '\t' : ',';
}

int kh_csv_parse(const char *name, const char *data, size_t len, const struct kh_csv_opts *opts,
                 kh_csv_record_fn fn, void *ctx, struct kh_err *err)
{
    struct csv_state st;
    const char *p, *q;
    size_t max_file = opts && opts->max_file ? opts->max_file : KH_CSV_MAX_FILE;
    int rc = KH_OK;

    if (len > max_file)
        return kh_err_set(err, KH_ELIMIT, name, 0, 0,
                          "the text is %zu bytes long, more than the limit of %zu bytes", len,
                          max_file);
    if (opts && opts->delim &&
        (opts->delim < 0 || opts->delim > 127 || strchr("\"\r\n ", opts->delim)))
        return kh_err_set(err, KH_EINVAL, name, 0, 0,
                          "cannot use character %d as the CSV separator", opts->delim);
    if (!data) {
        data = "";
        len = 0;
    }
    p = data;
    memset(&st, 0, sizeof(st));
    st.name = name;
    st.end = data + len;
    st.delim = opts && opts->delim ? opts->delim : kh_csv_sniff_delim(data, len);
    st.max_field = opts && opts->max_field ? opts->max_field : KH_CSV_MAX_FIELD;
    st.max_fields = opts && opts->max_fields > 0 ? opts->max_fields : KH_CSV_MAX_FIELDS;
    st.line = 1;
    st.line_start = data;
    st.err = err;
    st.unquoted_stop[(unsigned char)st.delim] = CSV_STOP;
    st.unquoted_stop['\r'] = st.unquoted_stop['\n'] = st.unquoted_stop[0] = CSV_STOP;
    st.quoted_stop['"'] = CSV_STOP;
    st.quoted_stop['\r'] = st.quoted_stop['\n'] = st.quoted_stop[0] = CSV_STOP;

    while (p < st.end) {
        /* Skip a blank line. */
        q = p;
        while (q < st.end && csv_is_blank(&st, *q))
            q++;
        if (q == st.end)
            break;
        if (*q == '\n' || *q == '\r') {
            if (*q == '\r' && q + 1 < st.end && q[1] == '\n')
                q++;
            p = q + 1;
            csv_newline(&st, p);
            continue;
        }
        rc = csv_record(&st, &p, fn, ctx);
        if (rc) {
            if (rc > 0)
                rc = KH_OK;
            break;
        }
    }
    free(st.buf);
    free(st.offs);
    free(st.lens);
    free(st.fields);
    return rc;
}

int kh_csv_read_file(const char *path, size_t max, char **data, size_t *len, struct kh_err *err)
{
    FILE *f;
    struct stat sb;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    int rc = KH_OK;

    *data = NULL;
    *len = 0;
    if (!max)
        max = KH_CSV_MAX_FILE;
    f = fopen(path, "rb");
    if (!f)
        return kh_err_set(err, KH_EIO, path, 0, 0, "cannot open the file: %s", strerror(errno));
    /* Size the buffer from the file's size when it has one. */
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
        if ((unsigned long long)sb.st_size > max) {
            rc = kh_err_set(err, KH_ELIMIT, path, 0, 0,
                            "the file is %lld bytes long, more than the limit of %zu bytes",
                            (long long)sb.st_size, max);
            goto out;
        }
        cap = (size_t)sb.st_size + 1;
    } else {
        cap = 65536;
    }
    buf = malloc(cap);
    if (!buf) {
        rc = kh_err_set(err, KH_ENOMEM, path, 0, 0, "out of memory reading the file");
        goto out;
    }
    for (;;) {
        if (n + 1 >= cap) {
            /* Full: probe for one more byte before growing, so that a
             * regular file is read without reallocating. */
            char probe;
            got = fread(&probe, 1, 1, f);
            if (got == 0) {
                if (ferror(f))
                    rc = kh_err_set(err, KH_EIO, path, 0, 0, "cannot read the file: %s",
                                    strerror(errno));
                break;
            }
            if (n + 1 > max) {
                rc = kh_err_set(err, KH_ELIMIT, path, 0, 0,
                                "the file is longer than the limit of %zu bytes", max);
                goto out;
            }
            if (kh_grow(&buf, &cap, n + 2, 1)) {
                rc = kh_err_set(err, KH_ENOMEM, path, 0, 0, "out of memory reading the file");
                goto out;
            }
            buf[n++] = probe;
            continue;
        }
        got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (n > max) {
            rc = kh_err_set(err, KH_ELIMIT, path, 0, 0,
                            "the file is longer than the limit of %zu bytes", max);
            goto out;
        }
        if (got == 0) {
            if (ferror(f))
                rc = kh_err_set(err, KH_EIO, path, 0, 0, "cannot read the file: %s",
                                strerror(errno));
            break;
        }
    }
out:
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return KH_OK;
}

int kh_csv_parse_file(const char *path, const struct kh_csv_opts *opts, kh_csv_record_fn fn,
                      void *ctx, int *encoding, struct kh_err *err)
{
    struct kh_enc_text text;
    char *raw;
    size_t len;
    int rc;

    rc = kh_csv_read_file(path, opts ? opts->max_file : 0, &raw, &len, err);
    if (rc)
        return rc;
    rc = kh_enc_decode(path, raw, len, &text, err);
    if (rc == KH_OK) {
        if (encoding)
            *encoding = text.encoding;
        rc = kh_csv_parse(path, text.data, text.len, opts, fn, ctx, err);
    }
    kh_enc_text_free(&text);
    free(raw);
    return rc;
}
