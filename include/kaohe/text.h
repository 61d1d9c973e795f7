/*
 * kaohe/text.h — display width of UTF-8 text, for lining up tables in a
 * terminal when they mix Chinese and Latin text.
 *
 * A terminal gives East Asian Wide and Fullwidth characters (Unicode
 * Standard Annex #11) two columns: CJK ideographs, CJK symbols and
 * punctuation (U+3000–U+303E), fullwidth forms (U+FF00–U+FF60,
 * U+FFE0–U+FFE6), Hangul, kana, and most emoji. Combining marks and other
 * zero-width characters (U+0300–U+036F, U+200B–U+200F, U+FE00–U+FE0F …)
 * take none, and everything else takes one. The tables follow the width
 * data of glibc's wcwidth(3) (Unicode 14), so they agree with what common
 * terminals draw, but they do not depend on the process locale.
 */
#ifndef KAOHE_TEXT_H
#define KAOHE_TEXT_H

#include "kaohe/base.h"

/*
 * Terminal columns taken by the NUL-terminated UTF-8 string `utf8`: 2 for
 * each wide or fullwidth character, 0 for each combining or zero-width
 * character, 1 for every other character, and 1 for each byte that is not
 * part of a valid UTF-8 sequence (so a mis-encoded string still lines up
 * roughly). Control characters count 1. NULL counts 0. The result
 * saturates at INT_MAX.
 */
int kh_text_width(const char *utf8);

/*
 * Append `s` (UTF-8; NULL counts as "") to *b, padded with spaces to
 * `width` terminal columns: spaces after it, or before it when
 * `align_right` is non-zero. A string already `width` columns wide or wider
 * is appended whole, never cut. Returns KH_OK or the buffer's failure
 * status (see kh_buf_add).
 */
int kh_text_pad(struct kh_buf *b, const char *s, int width, int align_right);

#endif
