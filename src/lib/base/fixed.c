/*
 * fixed.c — fixed-point decimal text of a double, byte for byte what
 * printf("%.*f") writes (glibc rounds the exact binary value to the
 * precision in the current rounding mode, to nearest with ties to even by
 * default, as C11 7.21.6.1 recommends), for the common case of a modest
 * number: the value is scaled by an exact power of ten, rounded to an
 * integer, and that integer's digits are written with a point inserted.
 * Where the scaled value lands on a half (a tie, or a product that only
 * the rounding made one), or the integer would not be exact, the caller
 * falls back to printf. See base/fixed.h.
 */
#include "base/common.h"
#include "base/fixed.h"

/* 10^0 … 10^15, exact both as doubles and as integers. */
static const double fixed_pow10[KH_FIXED_MAX_DECIMALS + 1] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/* 2^52: below it a double's fraction is exact, and so is x - floor(x). */
#define FIXED_LIMIT 4503599627370496.0

int kh_fixed_format(char *out, double v, int decimals)
{
    char digits[24]; /* the scaled integer, last digit first */
    double x, whole, frac;
    uint64_t n;
    int nd = 0, len = 0;

    if (decimals < 0 || decimals > KH_FIXED_MAX_DECIMALS || !isfinite(v))
        return 0;
    x = fabs(v) * fixed_pow10[decimals];
    if (!(x < FIXED_LIMIT))
        return 0;
    whole = floor(x);
    frac = x - whole; /* exact: x < 2^52 */
    /*
     * printf rounds the exact product |v|·10^d; x is that product rounded
     * once to a double. Below 2^52 the half whole + 0.5 is a double, and
     * rounding is monotonic, so a product below the half gives an x at or
     * below it, one above gives an x at or above it: only x on the half
     * itself leaves the side unknown (or is a tie, which printf rounds to
     * even), and goes to printf.
     */
    if (frac == 0.5)
        return 0;
    n = (uint64_t)whole + (frac > 0.5);
    do {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    /* At least one integer digit: pad the digits to decimals + 1. */
    while (nd < decimals + 1)
        digits[nd++] = '0';
    if (signbit(v))
        out[len++] = '-';
    while (nd > decimals)
        out[len++] = digits[--nd];
    if (decimals) {
        out[len++] = '.';
        while (nd)
            out[len++] = digits[--nd];
    }
    out[len] = 0;
    return len;
}

int kh_buf_fixed(struct kh_buf *b, double v, int decimals)
{
    char text[KH_FIXED_BUF];
    int len = kh_fixed_format(text, v, decimals);

    if (len)
        return kh_buf_add(b, text, (size_t)len);
    return kh_buf_printf(b, "%.*f", decimals, v);
}
