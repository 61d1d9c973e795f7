/*
 * kaohe/period.h — assessment periods: a year ("2024"), a half ("2024H1"),
 * a quarter ("2024Q3") or a month ("2024-07").
 *
 * Periods nest: a year holds its halves, quarters and months; a half holds
 * two quarters and six months; a quarter three months. Data filed monthly is aggregated to the period
 * being scored (see the scheme's `aggregate:`), and the elapsed share of the
 * year drives time-progress (序时进度) status.
 */
#ifndef KAOHE_PERIOD_H
#define KAOHE_PERIOD_H

enum kh_period_kind {
    KH_PERIOD_YEAR = 'Y',
    KH_PERIOD_HALF = 'H',
    KH_PERIOD_QUARTER = 'Q',
    KH_PERIOD_MONTH = 'M'
};

/* A period. `index` is 1 for a year, 1–2 for halves, 1–4 quarters, 1–12 months. */
struct kh_period {
    int year;  /* 1900..9999 */
    int kind;  /* enum kh_period_kind */
    int index;
};

/* Longest text of a period, with its NUL ("2024-07" is 7 characters). */
#define KH_PERIOD_TEXT 16

/*
 * Parse "2024", "2024H1", "2024Q3" or "2024-07" (leading and trailing blanks
 * allowed; h and q in either case). Returns KH_OK or KH_EINVAL.
 */
int kh_period_parse(const char *s, struct kh_period *out);

/* Write the canonical text of p into out (KH_PERIOD_TEXT bytes). Returns out. */
const char *kh_period_format(const struct kh_period *p, char out[KH_PERIOD_TEXT]);

/* First and last month (1..12) covered by p. */
int kh_period_first_month(const struct kh_period *p);
int kh_period_last_month(const struct kh_period *p);

/* Non-zero if every month of `inner` lies within `outer`. */
int kh_period_contains(const struct kh_period *outer, const struct kh_period *inner);

/* Non-zero if a and b are the same period. */
int kh_period_equal(const struct kh_period *a, const struct kh_period *b);

/*
 * Order periods by their last month, then by length (longer first when they
 * end together): <0, 0, >0 like strcmp.
 */
int kh_period_cmp(const struct kh_period *a, const struct kh_period *b);

/* The period of the same kind just before p (2024-01 → 2023-12). */
struct kh_period kh_period_prev(const struct kh_period *p);

/* The same period one year earlier (2024Q3 → 2023Q3). */
struct kh_period kh_period_year_ago(const struct kh_period *p);

/* Share of the year elapsed at the end of p: last month / 12 (2024H1 → 0.5). */
double kh_period_elapsed(const struct kh_period *p);

#endif
