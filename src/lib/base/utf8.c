/*
 * utf8.c — strict UTF-8 decoding (RFC 3629), see utf8.h.
 */
#include "base/common.h"
#include "base/utf8.h"

size_t kh_utf8_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
    unsigned char c, lo = 0x80, hi = 0xBF;
    uint32_t v;
    size_t n, i;

    if (left == 0)
        return 0;
    c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    /* The second byte's range excludes overlongs, surrogates, > U+10FFFF. */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 1; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}
