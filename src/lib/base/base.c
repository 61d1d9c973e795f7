/*
 * base.c — the error record, the capped text buffer and small allocation
 * and number-parsing helpers shared by every module (see kaohe/base.h).
 */
#include "base/common.h"

void kh_err_clear(struct kh_err *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof(*err));
}

int kh_err_setv(struct kh_err *err, int code, const char *file, int line, int col,
                const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    err->col = col;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    return code;
}

int kh_err_set(struct kh_err *err, int code, const char *file, int line, int col,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_setv(err, code, file, line, col, fmt, ap);
    va_end(ap);
    return code;
}

const char *kh_err_format(const struct kh_err *err, char *out, size_t outsz)
{
    if (!outsz)
        return out;
    if (!err) {
        out[0] = 0;
        return out;
    }
    if (err->file[0] && err->line > 0 && err->col > 0)
        snprintf(out, outsz, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
    else if (err->file[0] && err->line > 0)
        snprintf(out, outsz, "%s:%d: %s", err->file, err->line, err->msg);
    else if (err->file[0])
        snprintf(out, outsz, "%s: %s", err->file, err->msg);
    else
        snprintf(out, outsz, "%s", err->msg);
    return out;
}

const char *kh_status_name(int code)
{
    switch (code) {
    case KH_OK:
        return "ok";
    case KH_EINVAL:
        return "invalid input";
    case KH_ENOMEM:
        return "out of memory";
    case KH_EIO:
        return "input/output error";
    case KH_ELIMIT:
        return "limit exceeded";
    case KH_ENOTFOUND:
        return "not found";
    }
    return "unknown error";
}

/* ---- allocation helpers ---------------------------------------------- */

int kh_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    void **pp = p;
    size_t ncap;
    void *np;

    if (need <= *cap)
        return KH_OK;
    ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return KH_ENOMEM;
        ncap *= 2;
    }
    if (elem && ncap > SIZE_MAX / elem)
        return KH_ENOMEM;
    np = realloc(*pp, ncap * elem);
    if (!np)
        return KH_ENOMEM;
    *pp = np;
    *cap = ncap;
    return KH_OK;
}

char *kh_strdup(const char *s)
{
    return s ? kh_strndup(s, strlen(s)) : NULL;
}

char *kh_strndup(const char *s, size_t n)
{
    char *d;

    if (!s)
        return NULL;
    d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

int kh_streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

int kh_parse_double(const char *s, double *out)
{
    char *end;
    double v;

    if (!s)
        return KH_EINVAL;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return KH_EINVAL;
    /* strtod also reads hex ("0x10") and "inf"/"nan": not numbers here. */
    if (strpbrk(s, "xXnN") && !strpbrk(s, "eE"))
        return KH_EINVAL;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || (errno == ERANGE && fabs(v) > 1) || !isfinite(v))
        return KH_EINVAL;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end)
        return KH_EINVAL;
    *out = v;
    return KH_OK;
}

int kh_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    if (!s)
        return KH_EINVAL;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return KH_EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || errno == ERANGE)
        return KH_EINVAL;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end || v < lo || v > hi)
        return KH_EINVAL;
    *out = v;
    return KH_OK;
}

/* ---- the buffer ------------------------------------------------------- */

void kh_buf_init(struct kh_buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max ? max : KH_BUF_DEFAULT_MAX;
}

void kh_buf_free(struct kh_buf *b)
{
    size_t max = b->max;
    free(b->data);
    kh_buf_init(b, max);
}

void kh_buf_reset(struct kh_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = 0;
}

/* Ensure room for n more bytes plus the terminating NUL. */
static int buf_reserve(struct kh_buf *b, size_t n)
{
    size_t need, ncap;
    char *nd;

    if (b->failed)
        return b->failed;
    if (n > b->max || b->len > b->max - n) {
        b->failed = KH_ELIMIT;
        return KH_ELIMIT;
    }
    need = b->len + n + 1;
    if (need <= b->cap)
        return KH_OK;
    ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > b->max + 1)
        ncap = b->max + 1;
    nd = realloc(b->data, ncap);
    if (!nd) {
        b->failed = KH_ENOMEM;
        return KH_ENOMEM;
    }
    b->data = nd;
    b->cap = ncap;
    return KH_OK;
}

int kh_buf_add(struct kh_buf *b, const void *p, size_t n)
{
    int rc = buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return KH_OK;
}

int kh_buf_puts(struct kh_buf *b, const char *s)
{
    return kh_buf_add(b, s, strlen(s));
}

int kh_buf_putc(struct kh_buf *b, char c)
{
    return kh_buf_add(b, &c, 1);
}

int kh_buf_vprintf(struct kh_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n, rc;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = KH_EINVAL;
        return KH_EINVAL;
    }
    rc = buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return KH_OK;
}

int kh_buf_printf(struct kh_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = kh_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int kh_buf_json_str(struct kh_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;

    kh_buf_putc(b, '"');
    for (; p[run]; ) {
        unsigned char c = p[run];
        if (c >= 0x20 && c != '"' && c != '\\') {
            run++;
            continue;
        }
        kh_buf_add(b, p, run);
        p += run;
        run = 0;
        switch (c) {
        case '"':
            kh_buf_puts(b, "\\\"");
            break;
        case '\\':
            kh_buf_puts(b, "\\\\");
            break;
        case '\n':
            kh_buf_puts(b, "\\n");
            break;
        case '\r':
            kh_buf_puts(b, "\\r");
            break;
        case '\t':
            kh_buf_puts(b, "\\t");
            break;
        default:
            kh_buf_printf(b, "\\u%04x", c);
        }
        p++;
    }
    kh_buf_add(b, p, run);
    return kh_buf_putc(b, '"');
}

int kh_buf_csv_field(struct kh_buf *b, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    int defuse = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                 s[0] == '\r';
    const char *p;
    double d;

    /* A spreadsheet evaluates a field that starts like a formula even when
     * it is quoted; a leading apostrophe makes it text. Plain numbers
     * ("-12.5") are left alone. */
    if (defuse && kh_parse_double(s, &d) == KH_OK)
        defuse = 0;
    if (!quote && !defuse)
        return kh_buf_puts(b, s);
    if (quote)
        kh_buf_putc(b, '"');
    if (defuse)
        kh_buf_putc(b, '\'');
    for (p = s; *p; p++) {
        if (*p == '"')
            kh_buf_putc(b, '"');
        kh_buf_putc(b, *p);
    }
    return quote ? kh_buf_putc(b, '"') : KH_OK;
}

int kh_buf_double(struct kh_buf *b, double v, const char *nan_text)
{
    char tmp[40];
    int prec;

    if (isnan(v))
        return kh_buf_puts(b, nan_text);
    /* The shortest precision that reads back to the same double. */
    for (prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    return kh_buf_puts(b, tmp);
}

int kh_buf_failed(const struct kh_buf *b)
{
    return b->failed;
}

const char *kh_buf_str(const struct kh_buf *b)
{
    return b->data ? b->data : "";
}

void kh_buf_rtrim(struct kh_buf *b, char c)
{
    while (b->len && b->data[b->len - 1] == c)
        b->data[--b->len] = 0;
}

char *kh_buf_steal(struct kh_buf *b, size_t *len)
{
    char *d = b->data;
    if (b->failed || !d || !b->len) {
        kh_buf_free(b);
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}
