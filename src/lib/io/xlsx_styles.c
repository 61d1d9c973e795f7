/*
 * xlsx_styles.c — the number formats of an Excel workbook's cells, for
 * kaohe's XLSX reader (io/xlsx.h): styles.xml (ECMA-376 Part 1 §18.8:
 * §18.8.30 numFmt, §18.8.10 cellXfs, built-in format ids §18.8.30 and the
 * East Asian ones Excel uses in Chinese) is read to know, for every cell
 * format, whether it shows a number as a date, a date and time, a time of
 * day, a percentage, or plainly. Custom format codes are scanned for date
 * and time letters outside quoted text, escapes and [brackets]. Serial
 * date numbers become ISO 8601 text: the 1900 date system (serial 1 is
 * 1900-01-01, with the 29 February 1900 that Excel keeps from Lotus 1-2-3)
 * or the 1904 system (serial 0 is 1904-01-01), §18.17.4.
 */
#include "base/common.h"

#include <ctype.h>

#include "io/xlsx_int.h"

/* ---- styles.xml: which cell formats show dates, times or percentages ------- */

/* How built-in number format `id` shows a number (ECMA-376 §18.8.30, and the
 * East Asian ids that Excel in Chinese shows as dates and times). */
static int builtin_kind(unsigned id)
{
    if (id == 9 || id == 10)
        return XF_PERCENT;
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
        (id >= 57 && id <= 58))
        return XF_DATE;
    if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) ||
        (id >= 55 && id <= 56))
        return XF_TIME;
    if (id == 22)
        return XF_DATETIME;
    return XF_NUMBER;
}

/* How a custom format code shows a number: its first section is scanned
 * outside quoted text, escapes, fills and [brackets] (colours, locales,
 * conditions; [h] [m] [s] are elapsed time) for date and time letters. */
static int format_kind(const char *code)
{
    int date = 0, time = 0, percent = 0;
    const char *p;

    for (p = code; *p && *p != ';'; p++) {
        int c = tolower((unsigned char)*p);
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                ;
            if (!*p)
                break;
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (!p[1])
                break;
            p++;
        } else if (*p == '[') {
            const char *q = strchr(p, ']');
            if (!q)
                break;
            if (q - p > 1 && strchr("hms", tolower((unsigned char)p[1])) &&
                strspn(p + 1, "hHmMsS") == (size_t)(q - p - 1))
                time = 1;
            p = q;
        } else if (c == 'y' || c == 'd') {
            date = 1;
        } else if (c == 'm') {
            date |= 2; /* a month, unless next to hours or seconds */
        } else if (c == 'h' || c == 's') {
            time = 1;
        } else if (*p == '%') {
            percent = 1;
        }
    }
    if ((date & 2) && time && !(date & 1))
        date = 0; /* h:mm, mm:ss: minutes */
    if (date && time)
        return XF_DATETIME;
    if (date)
        return XF_DATE;
    if (time)
        return XF_TIME;
    return percent ? XF_PERCENT : XF_NUMBER;
}

struct styles {
    int in_numfmts, in_xfs;
    unsigned *fmt_id;        /* custom numFmt ids … */
    unsigned char *fmt_kind; /* … and their kinds */
    size_t nfmt, fmt_cap, kind_cap;
    unsigned *xf_fmt; /* numFmtId of each cellXfs xf */
    size_t xf_cap;
};

static void st_start(struct xml_part *xp, const char *local, const char **attrs)
{
    struct styles *st = xp->ctx;
    struct xlsx *x = xp->x;
    const char *id = xml_attr(attrs, "numFmtId"), *code = xml_attr(attrs, "formatCode");
    unsigned long v = id ? strtoul(id, NULL, 10) : 0;

    if (xp->depth == 2) {
        st->in_numfmts = strcmp(local, "numFmts") == 0;
        st->in_xfs = strcmp(local, "cellXfs") == 0;
        return;
    }
    if (xp->depth != 3)
        return;
    if (st->in_numfmts && strcmp(local, "numFmt") == 0 && id && code) {
        if (st->nfmt >= (size_t)x->lim.max_sheets) {
            xml_fail(xp, KH_ELIMIT, "more than %d number formats", x->lim.max_sheets);
            return;
        }
        if (kh_grow(&st->fmt_id, &st->fmt_cap, st->nfmt + 1, sizeof(*st->fmt_id)) ||
            kh_grow(&st->fmt_kind, &st->kind_cap, st->nfmt + 1, 1)) {
            xml_fail(xp, KH_ENOMEM, "out of memory");
            return;
        }
        st->fmt_id[st->nfmt] = (unsigned)(v > 0xFFFFFFu ? 0xFFFFFFu : v);
        st->fmt_kind[st->nfmt++] = (unsigned char)format_kind(code);
    } else if (st->in_xfs && strcmp(local, "xf") == 0) {
        if (x->nxf >= x->lim.max_styles) {
            xml_fail(xp, KH_ELIMIT, "more than %zu cell formats", x->lim.max_styles);
            return;
        }
        if (kh_grow(&st->xf_fmt, &st->xf_cap, x->nxf + 1, sizeof(*st->xf_fmt))) {
            xml_fail(xp, KH_ENOMEM, "out of memory");
            return;
        }
        st->xf_fmt[x->nxf++] = (unsigned)(v > 0xFFFFFFu ? 0xFFFFFFu : v);
    }
}

static void st_end(struct xml_part *xp, const char *local)
{
    struct styles *st = xp->ctx;
    (void)local;
    if (xp->depth == 2)
        st->in_numfmts = st->in_xfs = 0;
}

static const struct xml_handlers st_handlers = {st_start, st_end, NULL};

int xlsx_styles_load(struct xlsx *x, struct kh_err *err)
{
    struct styles st;
    size_t i, j;
    int rc;

    memset(&st, 0, sizeof(st));
    rc = xml_part_parse(x, x->styles_part, 0, &st_handlers, &st, err);
    if (rc == KH_ENOTFOUND)
        rc = KH_OK; /* a workbook without styles: every number is plain */
    if (!rc && x->nxf) {
        x->xf = malloc(x->nxf);
        if (!x->xf)
            rc = xlsx_fail(x, err, KH_ENOMEM, "out of memory");
        for (i = 0; x->xf && i < x->nxf; i++) {
            x->xf[i] = (unsigned char)builtin_kind(st.xf_fmt[i]);
            for (j = st.nfmt; j-- > 0;)
                if (st.fmt_id[j] == st.xf_fmt[i]) {
                    x->xf[i] = st.fmt_kind[j];
                    break;
                }
        }
    }
    if (rc)
        x->nxf = 0;
    free(st.fmt_id);
    free(st.fmt_kind);
    free(st.xf_fmt);
    return rc;
}

/* ---- dates ------------------------------------------------------------------ */

/* The civil date of day z after 1970-01-01 (H. Hinnant's algorithm). */
static void civil_from_days(long z, int *y, int *m, int *d)
{
    long era, yoe, doe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int xlsx_serial_text(double v, int kind, int date1904, char *out, size_t outsz)
{
    double day = floor(v);
    long days = (long)day, secs;
    int y, m, d;

    if (!(v >= 0 && v < (date1904 ? 2957004.0 : 2958466.0)))
        return -1;
    secs = lround((v - day) * 86400.0);
    if (secs >= 86400) {
        days++;
        secs -= 86400;
    }
    if (kind == XF_TIME) {
        snprintf(out, outsz, "%02ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
        return 0;
    }
    if (!date1904 && days == 60) {
        y = 1900, m = 2, d = 29; /* Excel's (Lotus's) day that never was */
    } else {
        civil_from_days(date1904    ? days - 24107
                        : days < 60 ? days - 25568
                                    : days - 25569,
                        &y, &m, &d);
    }
    if (kind == XF_DATETIME)
        snprintf(out, outsz, "%04d-%02d-%02dT%02ld:%02ld:%02ld", y, m, d, secs / 3600,
                 secs / 60 % 60, secs % 60);
    else
        snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
    return 0;
}
