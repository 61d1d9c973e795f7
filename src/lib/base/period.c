/*
 * period.c — parsing, formatting and arithmetic of assessment periods
 * (see kaohe/period.h).
 */
#include "base/common.h"
#include "kaohe/period.h"

static int months_per(int kind)
{
    switch (kind) {
    case KH_PERIOD_YEAR:
        return 12;
    case KH_PERIOD_HALF:
        return 6;
    case KH_PERIOD_QUARTER:
        return 3;
    default:
        return 1;
    }
}

static int count_per_year(int kind)
{
    return 12 / months_per(kind);
}

int kh_period_parse(const char *s, struct kh_period *out)
{
    int year = 0, i, idx = 0, kind, digits = 0;

    if (!s)
        return KH_EINVAL;
    while (*s == ' ' || *s == '\t')
        s++;
    for (i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return KH_EINVAL;
        year = year * 10 + (s[i] - '0');
    }
    s += 4;
    if (year < 1900)
        return KH_EINVAL;
    switch (*s) {
    case 'H':
    case 'h':
        kind = KH_PERIOD_HALF;
        s++;
        break;
    case 'Q':
    case 'q':
        kind = KH_PERIOD_QUARTER;
        s++;
        break;
    case '-':
        kind = KH_PERIOD_MONTH;
        s++;
        break;
    default:
        kind = KH_PERIOD_YEAR;
    }
    if (kind != KH_PERIOD_YEAR) {
        while (*s >= '0' && *s <= '9' && digits < 3) {
            idx = idx * 10 + (*s - '0');
            s++;
            digits++;
        }
        if (!digits || (kind == KH_PERIOD_MONTH && digits != 2) ||
            (kind != KH_PERIOD_MONTH && digits != 1))
            return KH_EINVAL;
        if (idx < 1 || idx > count_per_year(kind))
            return KH_EINVAL;
    } else {
        idx = 1;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s)
        return KH_EINVAL;
    out->year = year;
    out->kind = kind;
    out->index = idx;
    return KH_OK;
}

const char *kh_period_format(const struct kh_period *p, char out[KH_PERIOD_TEXT])
{
    switch (p->kind) {
    case KH_PERIOD_HALF:
        snprintf(out, KH_PERIOD_TEXT, "%04dH%d", p->year, p->index);
        break;
    case KH_PERIOD_QUARTER:
        snprintf(out, KH_PERIOD_TEXT, "%04dQ%d", p->year, p->index);
        break;
    case KH_PERIOD_MONTH:
        snprintf(out, KH_PERIOD_TEXT, "%04d-%02d", p->year, p->index);
        break;
    default:
        snprintf(out, KH_PERIOD_TEXT, "%04d", p->year);
    }
    return out;
}

int kh_period_first_month(const struct kh_period *p)
{
    return (p->index - 1) * months_per(p->kind) + 1;
}

int kh_period_last_month(const struct kh_period *p)
{
    return p->index * months_per(p->kind);
}

int kh_period_contains(const struct kh_period *outer, const struct kh_period *inner)
{
    return outer->year == inner->year &&
           kh_period_first_month(outer) <= kh_period_first_month(inner) &&
           kh_period_last_month(inner) <= kh_period_last_month(outer);
}

int kh_period_equal(const struct kh_period *a, const struct kh_period *b)
{
    return a->year == b->year && a->kind == b->kind && a->index == b->index;
}

int kh_period_cmp(const struct kh_period *a, const struct kh_period *b)
{
    int ea = a->year * 12 + kh_period_last_month(a);
    int eb = b->year * 12 + kh_period_last_month(b);
    if (ea != eb)
        return ea < eb ? -1 : 1;
    if (months_per(a->kind) != months_per(b->kind))
        return months_per(a->kind) > months_per(b->kind) ? -1 : 1;
    return 0;
}

struct kh_period kh_period_prev(const struct kh_period *p)
{
    struct kh_period r = *p;
    if (r.index > 1) {
        r.index--;
    } else {
        r.year--;
        r.index = count_per_year(r.kind);
    }
    return r;
}

struct kh_period kh_period_year_ago(const struct kh_period *p)
{
    struct kh_period r = *p;
    r.year--;
    return r;
}

double kh_period_elapsed(const struct kh_period *p)
{
    return kh_period_last_month(p) / 12.0;
}
