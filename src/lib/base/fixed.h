/*
 * fixed.h — numbers in fixed-point notation, the bytes printf's "%.*f"
 * writes, without printf (base/fixed.c). The score CSV writes millions of
 * them; glibc's exact decimal conversion behind "%.*f" was most of its
 * time.
 *
 * Internal to the library.
 */
#ifndef KH_FIXED_H
#define KH_FIXED_H

#include "kaohe/base.h"

/* Room kh_fixed_format needs: sign, 16 integer digits, point, 15 decimals,
 * NUL. */
#define KH_FIXED_BUF 40

/* The most decimals kh_fixed_format writes itself. */
#define KH_FIXED_MAX_DECIMALS 15

/*
 * Write v with `decimals` digits after the point (none and no point for 0)
 * into out[0..KH_FIXED_BUF), NUL-terminated, exactly as
 * snprintf(out, KH_FIXED_BUF, "%.*f", decimals, v) would with glibc: the
 * binary value of v rounded to the nearest, a minus sign whenever v's sign
 * bit is set ("-0.00" for -0 and for -0.001). Returns the length, or 0
 * without writing when it leaves the number to printf: v not finite,
 * decimals outside 0..KH_FIXED_MAX_DECIMALS, |v|·10^decimals at or above
 * 2^52, or |v|·10^decimals, as a double, exactly half-way between two
 * integers (a tie, which printf rounds to even, or so close to one that
 * only printf's exact arithmetic can tell). Assumes the default rounding
 * mode, to nearest. Scores as displayed (kh_round to at most 6
 * decimals) below 10^9 never take the slow way.
 */
int kh_fixed_format(char *out, double v, int decimals);

/*
 * Append v as kh_buf_printf(b, "%.*f", decimals, v) does, through
 * kh_fixed_format when it can and printf otherwise (so NaN and infinities
 * come out as printf writes them: "nan", "-inf" …). Returns KH_OK or the
 * buffer's failure status.
 */
int kh_buf_fixed(struct kh_buf *b, double v, int decimals);

#endif
