/*
 * encoding.c — encoding detection and normalisation to UTF-8 (see
 * io/encoding.h for the rules). UTF-8 is validated by hand after RFC 3629
 * §4 (strict: no overlong forms, no surrogates, nothing above U+10FFFF),
 * UTF-16 is converted by hand after RFC 2781, and GB18030 is converted with
 * the C library's iconv(3).
 */
#include "base/common.h"

#include <iconv.h>

#include "base/utf8.h"
#include "io/encoding.h"

/* Valid multi-byte UTF-8 sequences before the first bad byte from which a
 * text counts as damaged UTF-8 rather than GB18030 (see encoding.h, rule 4).
 * GB18030 text passes as UTF-8 for one character with a probability of
 * about 1 in 8, so 8 in a row happen by chance about once in 10^7 files. */
#define ENC_UTF8_EVIDENCE 8

const char *kh_enc_name(int encoding)
{
    switch (encoding) {
    case KH_ENC_UTF8:
        return "UTF-8";
    case KH_ENC_UTF8_BOM:
        return "UTF-8 with BOM";
    case KH_ENC_UTF16LE:
        return "UTF-16LE";
    case KH_ENC_UTF16BE:
        return "UTF-16BE";
    case KH_ENC_GB18030:
        return "GB18030";
    }
    return "unknown";
}

void kh_enc_text_free(struct kh_enc_text *t)
{
    if (!t)
        return;
    free(t->owned);
    memset(t, 0, sizeof(*t));
}

/* Length of the valid UTF-8 sequence at s[0] with `left` bytes, or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t left)
{
    uint32_t cp;
    return kh_utf8_decode(s, left, &cp);
}

size_t kh_enc_utf8_check(const char *s, size_t len, size_t *multibyte)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n, count = 0;

    while (i < len) {
        /* Fast path: eight ASCII bytes at a time. */
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        n = utf8_seq_len(p + i, len - i);
        if (!n)
            break;
        count++;
        i += n;
    }
    if (multibyte)
        *multibyte = count;
    return i;
}

/* 1-based line and byte column of byte `off` of a byte-oriented text. */
static void byte_position(const char *s, size_t off, int *line, int *col)
{
    size_t i, line_start = 0;
    long l = 1;

    for (i = 0; i < off; i++) {
        if (s[i] == '\n') {
            l++;
            line_start = i + 1;
        }
    }
    *line = l > INT_MAX ? INT_MAX : (int)l;
    *col = off - line_start + 1 > INT_MAX ? INT_MAX : (int)(off - line_start + 1);
}

/* Append code point cp as UTF-8 at *o (room for 4 bytes assumed). */
static char *put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Record an error about byte `off` of a UTF-16 text `s` (after its BOM at
 * offset 0): line from the U+000A units before it, column in bytes. */
static int utf16_error(struct kh_err *err, const char *name, const unsigned char *s, size_t off,
                       int big, const char *what)
{
    size_t i, line_start = 2;
    long line = 1;

    for (i = 2; i + 2 <= off; i += 2) {
        unsigned u = big ? (unsigned)(s[i] << 8 | s[i + 1]) : (unsigned)(s[i + 1] << 8 | s[i]);
        if (u == 0x0A) {
            line++;
            line_start = i + 2;
        }
    }
    return kh_err_set(err, KH_EINVAL, name, line > INT_MAX ? INT_MAX : (int)line,
                      (int)(off - line_start + 1),
                      "%s: expected UTF-16 text after its byte-order mark", what);
}

/* Convert UTF-16 (BOM at s[0..2)) to UTF-8 into out->owned. */
static int decode_utf16(const char *name, const unsigned char *s, size_t len, int big,
                        struct kh_enc_text *out, struct kh_err *err)
{
    size_t i, cap;
    char *buf, *o;

    if (len % 2)
        return utf16_error(err, name, s, len - 1, big,
                           "the text has an odd number of bytes (the last byte is cut off)");
    /* Each 2-byte unit gives at most 3 bytes; a 4-byte pair gives 4. */
    if (len / 2 > (SIZE_MAX - 1) / 3)
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory converting UTF-16");
    cap = len / 2 * 3 + 1;
    buf = malloc(cap);
    if (!buf)
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory converting UTF-16");
    o = buf;
    for (i = 2; i < len; i += 2) {
        uint32_t u = big ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
        if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t v;
            if (i + 3 >= len) {
                free(buf);
                return utf16_error(err, name, s, i, big, "unpaired UTF-16 high surrogate");
            }
            v = big ? (uint32_t)(s[i + 2] << 8 | s[i + 3]) : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
            if (v < 0xDC00 || v > 0xDFFF) {
                free(buf);
                return utf16_error(err, name, s, i, big, "unpaired UTF-16 high surrogate");
            }
            u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
            i += 2;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            free(buf);
            return utf16_error(err, name, s, i, big, "unpaired UTF-16 low surrogate");
        }
        o = put_utf8(o, u);
    }
    *o = 0;
    out->owned = buf;
    out->data = buf;
    out->len = (size_t)(o - buf);
    out->encoding = big ? KH_ENC_UTF16BE : KH_ENC_UTF16LE;
    return KH_OK;
}

/*
 * Convert GB18030 to UTF-8 into out->owned. When some byte cannot be
 * decoded, returns KH_EINVAL with *bad set to its offset and records
 * nothing in *err; other failures are recorded in *err and leave *bad
 * alone.
 */
static int decode_gb18030(const char *name, const char *s, size_t len, struct kh_enc_text *out,
                          size_t *bad, struct kh_err *err)
{
    iconv_t cd;
    size_t cap, inleft, outleft, r;
    char *buf, *in, *o;
    int rc = KH_OK;

    /* GB18030 → UTF-8 grows at most 3/2 (two bytes become three). */
    if (len > (SIZE_MAX - 8) / 3 * 2)
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory converting GB18030");
    cap = len / 2 * 3 + 8;
    cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return kh_err_set(err, KH_EINVAL, name, 0, 0,
                          "the text is not UTF-8 and this system cannot convert GB18030 "
                          "(iconv: %s); save the file as \"CSV UTF-8\"",
                          strerror(errno));
    buf = malloc(cap);
    if (!buf) {
        iconv_close(cd);
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory converting GB18030");
    }
    in = (char *)s; /* iconv's prototype is not const-correct; it only reads */
    inleft = len;
    o = buf;
    outleft = cap - 1;
    r = iconv(cd, &in, &inleft, &o, &outleft);
    if (r == (size_t)-1) {
        if (errno == EILSEQ || errno == EINVAL) {
            *bad = (size_t)(in - s);
            rc = KH_EINVAL;
        } else {
            rc = kh_err_set(err, KH_ENOMEM, name, 0, 0, "converting GB18030 failed: %s",
                            strerror(errno));
        }
    } else if (iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1) {
        *bad = len ? len - 1 : 0;
        rc = KH_EINVAL;
    }
    iconv_close(cd);
    if (rc) {
        free(buf);
        return rc;
    }
    *o = 0;
    out->owned = buf;
    out->data = buf;
    out->len = (size_t)(o - buf);
    out->encoding = KH_ENC_GB18030;
    return KH_OK;
}

int kh_enc_decode(const char *name, const void *data, size_t len, struct kh_enc_text *out,
                  struct kh_err *err)
{
    const unsigned char *u = data;
    const char *s = data;
    size_t bad, multibyte, gbad = SIZE_MAX;
    int rc, line, col;

    memset(out, 0, sizeof(*out));
    if (!s)
        len = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        bad = kh_enc_utf8_check(s + 3, len - 3, NULL);
        if (bad < len - 3) {
            byte_position(s, bad + 3, &line, &col);
            return kh_err_set(err, KH_EINVAL, name, line, col,
                              "byte 0x%02X is not valid UTF-8, though the file starts with a "
                              "UTF-8 byte-order mark: expected UTF-8 text",
                              u[bad + 3]);
        }
        out->data = s + 3;
        out->len = len - 3;
        out->encoding = KH_ENC_UTF8_BOM;
        return KH_OK;
    }
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return decode_utf16(name, u, len, u[0] == 0xFE, out, err);

    bad = kh_enc_utf8_check(s, len, &multibyte);
    if (bad == len) {
        out->data = len ? s : "";
        out->len = len;
        out->encoding = KH_ENC_UTF8;
        return KH_OK;
    }
    if (multibyte >= ENC_UTF8_EVIDENCE) {
        byte_position(s, bad, &line, &col);
        return kh_err_set(err, KH_EINVAL, name, line, col,
                          "byte 0x%02X is not valid UTF-8, though the text before it is UTF-8: "
                          "expected UTF-8 or GB18030 text (the file may be damaged)",
                          u[bad]);
    }
    rc = decode_gb18030(name, s, len, out, &gbad, err);
    if (rc == KH_OK || gbad == SIZE_MAX)
        return rc;
    if (gbad >= len)
        gbad = len - 1;
    /* Neither decodes: point at the failure that came later, the likelier
     * reading of the file. */
    if (gbad < bad)
        gbad = bad;
    byte_position(s, gbad, &line, &col);
    return kh_err_set(err, KH_EINVAL, name, line, col,
                      "byte 0x%02X cannot be decoded: expected UTF-8 or GB18030 text (save the "
                      "file from Excel as \"CSV UTF-8\" or \"CSV\")",
                      u[gbad]);
}
