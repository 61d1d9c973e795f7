/*
 * round.c — decimal rounding, half away from zero, the way a clerk rounds
 * on paper: on v's shortest decimal form with 15 significant digits (what a
 * spreadsheet shows), so 2.675 → 2.68 and 1.005 → 1.01 although the doubles
 * nearest them lie just below. The result is the double nearest the rounded
 * decimal; a fast path does the same with arithmetic when v is clearly away
 * from a half. Used by the expression language's round() and by the
 * engine's publication rounding (kh_round).
 */
#include "base/common.h"

/* Exact powers of ten as doubles (10^22 is the largest exact one). */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * The slow, exact path of kh_round_decimal: print |v| with 15 significant digits,
 * round that digit string at d decimals (half up on the magnitude), and read
 * the result back as digits × 10^-d.
 */
static double round_decimal(double v, int d)
{
    char buf[64], num[48];
    char dig[24];
    size_t nd = 0, k;
    const char *p;
    long e10;
    long keep;
    double r;

    snprintf(buf, sizeof(buf), "%.14e", fabs(v));
    for (p = buf; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p >= '0' && *p <= '9' && nd < sizeof(dig))
            dig[nd++] = *p;
    }
    if (!*p || nd == 0)
        return v;
    e10 = strtol(p + 1, NULL, 10);
    /* dig[k] has place value 10^(e10 - k); keep places >= 10^-d. */
    keep = e10 + d + 1;
    if (keep >= (long)nd)
        return v;
    if (keep < 0)
        return 0.0;
    memcpy(num + 1, dig, (size_t)keep);
    num[0] = '0';
    if (dig[keep] >= '5') {
        for (k = (size_t)keep; k > 0; k--) {
            if (num[k] == '9') {
                num[k] = '0';
            } else {
                num[k]++;
                break;
            }
        }
        if (k == 0)
            num[0] = '1';
    }
    snprintf(num + keep + 1, sizeof(num) - (size_t)keep - 1, "e%d", -d);
    r = strtod(num, NULL);
    if (r == 0)
        return 0.0;
    return v < 0 ? -r : r;
}

double kh_round_decimal(double v, double d)
{
    int di;

    if (isnan(v) || isnan(d))
        return NAN;
    if (isinf(v))
        return v;
    if (d > 400)
        d = 400;
    if (d < -400)
        d = -400;
    di = (int)d;
    if (di >= 0 && di <= 22) {
        double p = pow10_exact[di];
        double x = fabs(v) * p;
        if (x < 4503599627370496.0) { /* 2^52: x's fraction is representable */
            double fl = floor(x), f = x - fl;
            /*
             * Far enough from a half that neither the 15-digit view of v
             * nor the rounding of v * p can change the decision.
             */
            if (fabs(f - 0.5) > 1e-9 + x * 1e-12) {
                double r = (f > 0.5 ? fl + 1 : fl) / p;
                if (r == 0)
                    return 0.0;
                return v < 0 ? -r : r;
            }
        }
    }
    return round_decimal(v, di);
}
