/*
 * num.c — the display of numbers in explanation traces. (round() itself is
 * kh_round_decimal in base/round.c, shared with the engine's publication
 * rounding so that the two cannot disagree.)
 */
#include "base/common.h"

#include "expr/expr_int.h"


/*
 * Rewrite the number text s (from printf) so its decimal separator is '.'
 * whatever the C locale says; only sign, digits, one separator, exponent.
 */
static void fix_radix(char *s)
{
    char *r = s, *w = s;
    int seen = 0;

    while (*r) {
        unsigned char c = (unsigned char)*r;
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e') {
            *w++ = (char)c;
            r++;
        } else {
            /* The separator, possibly several bytes long. */
            while (*r && !((*r >= '0' && *r <= '9') || *r == 'e'))
                r++;
            if (!seen)
                *w++ = '.';
            seen = 1;
        }
    }
    *w = 0;
}

/* Remove trailing zeros after a '.', then a trailing '.'. */
static void trim_zeros(char *s)
{
    size_t n;

    if (!strchr(s, '.') || strchr(s, 'e'))
        return;
    n = strlen(s);
    while (n > 0 && s[n - 1] == '0')
        s[--n] = 0;
    if (n > 0 && s[n - 1] == '.')
        s[--n] = 0;
}

/* Append v for a reader, 6 significant digits (expr_int.h). */
int expr_put_value(struct kh_buf *b, double v)
{
    char tmp[64];
    double av = fabs(v);

    if (isnan(v))
        return kh_buf_puts(b, "缺失(missing)");
    if (isinf(v))
        return kh_buf_puts(b, v > 0 ? "inf" : "-inf");
    if (v == 0)
        return kh_buf_puts(b, "0");
    if (av >= 1e15 || av < 1e-9) {
        snprintf(tmp, sizeof(tmp), "%.6g", v);
    } else {
        /* 6 significant digits, but every digit before the point. */
        int mag = (int)floor(log10(av));
        int dec = 5 - mag;
        if (dec < 0)
            dec = 0;
        if (dec > 15)
            dec = 15;
        snprintf(tmp, sizeof(tmp), "%.*f", dec, v);
    }
    fix_radix(tmp);
    trim_zeros(tmp);
    if (!strcmp(tmp, "-0"))
        return kh_buf_puts(b, "0");
    return kh_buf_puts(b, tmp);
}
