/*
 * utf8.h — one strict UTF-8 decoder (RFC 3629) for the whole library: the
 * encoding detector, display widths and the expression lexer all use it, so
 * they agree on what is valid.
 */
#ifndef KH_UTF8_H
#define KH_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the UTF-8 character at s[0..left) into *cp. Returns its length in
 * bytes (1–4), or 0 when the bytes are not well-formed UTF-8: a stray
 * continuation byte, an overlong form, a surrogate, a value above U+10FFFF,
 * or a sequence cut off by `left` (so a NUL inside a sequence also stops
 * it). ASCII bytes decode to themselves. *cp is unchanged on failure.
 */
size_t kh_utf8_decode(const unsigned char *s, size_t left, uint32_t *cp);

#endif
