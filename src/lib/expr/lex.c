/*
 * lex.c — the scanner of the expression language (see expr.h): turns the
 * source text into tokens, and maps byte offsets to the file, line and
 * column a clerk sees in an error message.
 *
 * Text is UTF-8. Identifiers are ASCII letters, digits, '_' and any
 * non-ASCII character, not starting with a digit, so Chinese names work.
 * Full-width and typographic look-alikes of the operators (（ ） ， ＋ × ≤ …,
 * the ideographic and the non-breaking space), which a Chinese input method
 * produces easily, are refused with a message naming the ASCII character to
 * type instead; so are bytes that are not UTF-8. Columns count characters
 * (code points), not bytes.
 */
#include "base/common.h"
#include "base/utf8.h"

#include "expr/expr_int.h"

/* ---- positions -------------------------------------------------------- */

/* Start a cursor at the first character (expr_int.h). */
void expr_cursor_init(const struct expr_src *src, struct expr_cursor *cur)
{
    cur->off = 0;
    cur->line = src->line;
    cur->col = src->col;
}

/* Walk a cursor to a byte offset, counting lines and characters (expr_int.h). */
void expr_cursor_move(const struct expr_src *src, struct expr_cursor *cur, size_t off)
{
    const unsigned char *s = (const unsigned char *)src->text;

    if (off > src->len)
        off = src->len;
    if (off < cur->off)
        expr_cursor_init(src, cur);
    for (; cur->off < off; cur->off++) {
        unsigned char c = s[cur->off];
        if (c == '\n') {
            if (cur->line > 0)
                cur->line++;
            cur->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            cur->col++;
        }
    }
}

/* Fill err for the position of text[off]; returns code (expr_int.h). */
int expr_src_error(const struct expr_src *src, struct kh_err *err, int code, size_t off,
                   const char *fmt, ...)
{
    struct expr_cursor cur;
    va_list ap;

    expr_cursor_init(src, &cur);
    expr_cursor_move(src, &cur, off);
    va_start(ap, fmt);
    kh_err_setv(err, code, src->file, cur.line, cur.col, fmt, ap);
    va_end(ap);
    return code;
}

/* Bytes of s to show, cut at a character boundary (expr_int.h). */
int expr_cut(const char *s, size_t n, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;

    if (n <= max)
        return (int)n;
    n = max;
    while (n > 0 && (u[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Characters that look like operators but are not ASCII, and what to type. */
static const struct {
    uint32_t cp;
    const char *ascii; /* "" when there is no ASCII equivalent */
} lookalikes[] = {
    {0x00A0, " "},  /* no-break space */
    {0x00D7, "*"},  /* × */
    {0x00F7, "/"},  /* ÷ */
    {0x2018, ""},   /* ‘ */
    {0x2019, ""},   /* ’ */
    {0x201C, ""},   /* “ */
    {0x201D, ""},   /* ” */
    {0x2212, "-"},  /* − minus sign */
    {0x2260, "!="}, /* ≠ */
    {0x2264, "<="}, /* ≤ */
    {0x2265, ">="}, /* ≥ */
    {0x3000, " "},  /* ideographic space */
    {0x3001, ","},  /* 、 */
    {0x3002, "."},  /* 。 */
    {0xFEFF, ""},   /* byte-order mark */
};

/*
 * If cp is a look-alike of an ASCII operator, digit or space, copy what to
 * type instead into out (possibly "") and return 1; else return 0.
 * Full-width letters (Ａ, ｂ) are not look-alikes: they may be in names.
 */
static int lookalike(uint32_t cp, char *out, size_t outsz)
{
    size_t k;

    if (cp >= 0xFF01 && cp <= 0xFF5E) {
        uint32_t a = cp - 0xFEE0;
        if ((a >= 'A' && a <= 'Z') || (a >= 'a' && a <= 'z'))
            return 0;
        if (a == '"' || a == '\'')
            snprintf(out, outsz, "%s", "");
        else
            snprintf(out, outsz, "%c", (char)a);
        return 1;
    }
    for (k = 0; k < KH_ARRAY_LEN(lookalikes); k++) {
        if (lookalikes[k].cp == cp) {
            snprintf(out, outsz, "%s", lookalikes[k].ascii);
            return 1;
        }
    }
    return 0;
}

/*
 * Check the non-ASCII character at text[off]: store its length in *len and
 * return KH_OK if it may be part of a name, else set the error.
 */
static int check_wide(struct expr_lexer *lx, size_t off, size_t *len)
{
    const unsigned char *s = (const unsigned char *)lx->src->text;
    uint32_t cp;
    char alt[8];
    size_t n = kh_utf8_decode(s + off, lx->src->len - off, &cp);

    if (n == 0)
        return expr_src_error(lx->src, lx->err, KH_EINVAL, off,
                              "byte 0x%02X is not UTF-8 text; save the file as UTF-8", s[off]);
    if (lookalike(cp, alt, sizeof(alt))) {
        if (cp == 0xFEFF)
            return expr_src_error(lx->src, lx->err, KH_EINVAL, off,
                                  "a byte-order mark (U+FEFF) is not allowed inside an expression");
        if (!alt[0])
            return expr_src_error(lx->src, lx->err, KH_EINVAL, off,
                                  "character '%.*s' (U+%04X) is not allowed here; names are "
                                  "written without quotes",
                                  (int)n, (const char *)s + off, (unsigned)cp);
        if (alt[0] == ' ')
            return expr_src_error(lx->src, lx->err, KH_EINVAL, off,
                                  "a wide or non-breaking space (U+%04X) is not allowed here; "
                                  "type an ordinary space",
                                  (unsigned)cp);
        return expr_src_error(lx->src, lx->err, KH_EINVAL, off,
                              "character '%.*s' (U+%04X) is not allowed here; type the ASCII "
                              "'%s' instead (half-width punctuation)",
                              (int)n, (const char *)s + off, (unsigned)cp, alt);
    }
    *len = n;
    return KH_OK;
}

/* ---- the scanner ------------------------------------------------------ */

/* Non-zero if c is an ASCII digit. */
static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Non-zero if c may start a name (ASCII letter, '_', or a non-ASCII byte). */
static int is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

/*
 * Scan a number starting at text[off] into *t: digits, an optional fraction,
 * an optional exponent and an optional '%' right after. The digits are
 * converted as one decimal integer with an exponent (no decimal point, so
 * the C locale's radix does not matter) and a % lowers the exponent by 2,
 * so 0.07% is exactly the double nearest 0.0007.
 */
static int lex_number(struct expr_lexer *lx, size_t off, struct expr_token *t)
{
    const unsigned char *s = (const unsigned char *)lx->src->text;
    const struct expr_src *src = lx->src;
    size_t len = src->len, p = off, ndig = 0, k, room;
    long exp10 = 0, ex = 0;
    char small[128], *buf = small;
    int neg = 0, rc = KH_OK;
    double v;

    /* Room for the digits (at most the run of digits and '.') and "e-…". */
    for (room = off; room < len && (is_digit(s[room]) || s[room] == '.'); room++)
        ;
    room = room - off + 32;
    if (room > sizeof(small)) {
        buf = malloc(room);
        if (!buf)
            return kh_err_set(lx->err, KH_ENOMEM, src->file, 0, 0, "out of memory");
    }
    while (p < len && is_digit(s[p]))
        buf[ndig++] = (char)s[p++];
    if (ndig > 1 && buf[0] == '0') {
        /* 1,000 inside a call would silently be two arguments, 1 and 000. */
        rc = expr_src_error(src, lx->err, KH_EINVAL, off,
                            "numbers are written without leading zeros or thousands "
                            "separators: write 1000, not 1,000 or 01000");
        goto done;
    }
    if (p < len && s[p] == '.') {
        p++;
        if (p >= len || !is_digit(s[p])) {
            rc = expr_src_error(src, lx->err, KH_EINVAL, p,
                                "expected a digit after the decimal point in '%.*s'",
                                (int)(p - off), (const char *)s + off);
            goto done;
        }
        while (p < len && is_digit(s[p])) {
            buf[ndig++] = (char)s[p++];
            exp10--;
        }
    }
    if (p < len && (s[p] == 'e' || s[p] == 'E')) {
        size_t q = p + 1;
        if (q < len && (s[q] == '+' || s[q] == '-'))
            neg = s[q++] == '-';
        if (q >= len || !is_digit(s[q])) {
            rc = expr_src_error(src, lx->err, KH_EINVAL, q,
                                "expected the digits of the exponent in '%.*s'", (int)(q - off),
                                (const char *)s + off);
            goto done;
        }
        while (q < len && is_digit(s[q])) {
            if (ex < 1000000)
                ex = ex * 10 + (s[q] - '0');
            q++;
        }
        exp10 += neg ? -ex : ex;
        p = q;
    }
    t->pct = p < len && s[p] == '%';
    if (t->pct) {
        exp10 -= 2;
        p++;
    }
    if (!t->pct && p < len && (is_name_start(s[p]) || is_digit(s[p]))) {
        rc = expr_src_error(src, lx->err, KH_EINVAL, p,
                            "a number cannot run into a name; write '%.*s*…' for a product",
                            (int)(p - off), (const char *)s + off);
        goto done;
    }
    /* Leading zeros do not count; keep at least one digit. */
    for (k = 0; k + 1 < ndig && buf[k] == '0'; k++)
        ;
    snprintf(buf + ndig, 32, "e%ld", exp10);
    v = strtod(buf + k, NULL);
    if (isinf(v)) {
        rc = expr_src_error(src, lx->err, KH_EINVAL, off, "the number '%.*s' is too large",
                            (int)(p - off), (const char *)s + off);
        goto done;
    }
    t->type = T_NUM;
    t->off = off;
    t->len = p - off;
    t->num = v;
done:
    if (buf != small)
        free(buf);
    return rc;
}

/* Scan a name starting at text[off] into *t; and, or, not are keywords. */
static int lex_name(struct expr_lexer *lx, size_t off, struct expr_token *t)
{
    const unsigned char *s = (const unsigned char *)lx->src->text;
    size_t len = lx->src->len, p = off, n = 0;
    int rc;

    while (p < len) {
        unsigned char c = s[p];
        if (c >= 0x80) {
            rc = check_wide(lx, p, &n);
            if (rc)
                return rc;
            p += n;
        } else if (is_name_start(c) || is_digit(c)) {
            p++;
        } else {
            break;
        }
    }
    t->type = T_NAME;
    t->off = off;
    t->len = p - off;
    if (t->len == 3 && !memcmp(s + off, "and", 3))
        t->type = T_AND;
    else if (t->len == 2 && !memcmp(s + off, "or", 2))
        t->type = T_OR;
    else if (t->len == 3 && !memcmp(s + off, "not", 3))
        t->type = T_NOT;
    return KH_OK;
}

/* Set *t to an operator token of `len` bytes at off. Returns KH_OK. */
static int lex_op(struct expr_token *t, enum expr_tok type, size_t off, size_t len)
{
    t->type = type;
    t->off = off;
    t->len = len;
    return KH_OK;
}

/* Scan the next token (expr_int.h). */
int expr_lex(struct expr_lexer *lx, struct expr_token *t)
{
    const unsigned char *s = (const unsigned char *)lx->src->text;
    size_t len = lx->src->len, p = lx->pos;
    unsigned char c, d;
    int rc;

    memset(t, 0, sizeof(*t));
    while (p < len && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r' ||
                       s[p] == '\f' || s[p] == '\v'))
        p++;
    if (p >= len) {
        lx->pos = p;
        return lex_op(t, T_END, p, 0);
    }
    c = s[p];
    d = p + 1 < len ? s[p + 1] : 0;
    if (is_digit(c) || (c == '.' && is_digit(d)))
        rc = lex_number(lx, p, t);
    else if (is_name_start(c))
        rc = lex_name(lx, p, t);
    else {
        switch (c) {
        case '(':
            rc = lex_op(t, T_LPAREN, p, 1);
            break;
        case ')':
            rc = lex_op(t, T_RPAREN, p, 1);
            break;
        case ',':
            rc = lex_op(t, T_COMMA, p, 1);
            break;
        case '+':
            rc = lex_op(t, T_PLUS, p, 1);
            break;
        case '-':
            rc = lex_op(t, T_MINUS, p, 1);
            break;
        case '*':
            rc = lex_op(t, T_STAR, p, 1);
            break;
        case '/':
            rc = lex_op(t, T_SLASH, p, 1);
            break;
        case '^':
            rc = lex_op(t, T_CARET, p, 1);
            break;
        case '%':
            rc = lex_op(t, T_PERCENT, p, 1);
            break;
        case '<':
            if (d == '>')
                return expr_src_error(lx->src, lx->err, KH_EINVAL, p,
                                      "'<>' is written '!=' here (not equal)");
            rc = d == '=' ? lex_op(t, T_LE, p, 2) : lex_op(t, T_LT, p, 1);
            break;
        case '>':
            rc = d == '=' ? lex_op(t, T_GE, p, 2) : lex_op(t, T_GT, p, 1);
            break;
        case '=':
            if (d != '=')
                return expr_src_error(lx->src, lx->err, KH_EINVAL, p,
                                      "a single '=' is not an operator; compare with '=='");
            rc = lex_op(t, T_EQ, p, 2);
            break;
        case '!':
            rc = d == '=' ? lex_op(t, T_NE, p, 2) : lex_op(t, T_NOT, p, 1);
            break;
        case '&':
            if (d != '&')
                return expr_src_error(lx->src, lx->err, KH_EINVAL, p,
                                      "a single '&' is not an operator; write 'and' or '&&'");
            rc = lex_op(t, T_AND, p, 2);
            break;
        case '|':
            if (d != '|')
                return expr_src_error(lx->src, lx->err, KH_EINVAL, p,
                                      "a single '|' is not an operator; write 'or' or '||'");
            rc = lex_op(t, T_OR, p, 2);
            break;
        case '"':
        case '\'':
            return expr_src_error(lx->src, lx->err, KH_EINVAL, p,
                                  "quotes are not used in expressions; write names without "
                                  "quotes");
        case '[':
        case ']':
        case '{':
        case '}':
            return expr_src_error(lx->src, lx->err, KH_EINVAL, p,
                                  "'%c' is not used in expressions; group with '(' and ')'", c);
        default:
            if (c < 0x20 || c == 0x7F)
                return expr_src_error(lx->src, lx->err, KH_EINVAL, p,
                                      "unexpected control character (byte 0x%02X)", c);
            return expr_src_error(lx->src, lx->err, KH_EINVAL, p, "unexpected character '%c'", c);
        }
    }
    if (rc == KH_OK)
        lx->pos = t->off + t->len;
    return rc;
}

/* Describe a token for a message (expr_int.h). */
const char *expr_tok_desc(const struct expr_src *src, const struct expr_token *t, char *out,
                          size_t outsz)
{
    const unsigned char *s = (const unsigned char *)src->text + t->off;
    size_t n = t->len, max = 24;

    if (t->type == T_END) {
        snprintf(out, outsz, "%s", "the end of the expression");
        return out;
    }
    if (n > max) {
        /* Cut at a character boundary. */
        n = max;
        while (n > 0 && (s[n] & 0xC0) == 0x80)
            n--;
        snprintf(out, outsz, "'%.*s…'", (int)n, (const char *)s);
    } else {
        snprintf(out, outsz, "'%.*s'", (int)n, (const char *)s);
    }
    return out;
}
