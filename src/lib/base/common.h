/*
 * common.h — what every library source file includes first: the C and
 * POSIX headers the library uses, the public base API, small helpers for
 * allocation and growth, and (last) banned.h.
 *
 * Internal to the library; programs include only include/kaohe/.
 */
#ifndef KH_COMMON_H
#define KH_COMMON_H

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/base.h"

#define KH_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Make room for at least `need` elements of `elem` bytes in the array *p of
 * capacity *cap, doubling as it grows. Returns KH_OK or KH_ENOMEM (then *p
 * and *cap are unchanged). Overflow-safe.
 */
int kh_grow(void *p, size_t *cap, size_t need, size_t elem);

/* strdup that returns NULL only when out of memory; NULL in, NULL out. */
char *kh_strdup(const char *s);

/* strndup equivalent. */
char *kh_strndup(const char *s, size_t n);

/* Non-zero when the two strings are equal (NULL equals only NULL). */
int kh_streq(const char *a, const char *b);

/*
 * Parse a whole string as a finite double (leading/trailing blanks allowed).
 * Returns KH_OK and sets *out, or KH_EINVAL if s is not a number.
 */
int kh_parse_double(const char *s, double *out);

/* Parse a whole string as a long in [lo, hi]. KH_OK or KH_EINVAL. */
int kh_parse_long(const char *s, long lo, long hi, long *out);

/*
 * v rounded half away from zero to d decimals (d truncated to an integer
 * and kept within ±400; negative d rounds to tens, hundreds …), decided on
 * the decimal form of v with 15 significant digits: 2.675 → 2.68. NaN in,
 * NaN out; infinities unchanged; never returns -0. (base/round.c)
 */
double kh_round_decimal(double v, double d);

#include "base/banned.h"

#endif
