/*
 * trace.c — the explanation trace (engine/trace.h): appending indented
 * lines to a trace buffer, and formatting numbers the way a clerk writes
 * them (up to 6 decimals, no trailing zeros, "缺失" for missing values).
 *
 * Callers on the fast path guard their kh_trace_line() calls with a test of
 * the trace pointer, so that numbers are only formatted when one unit is
 * being explained.
 */
#include "base/common.h"
#include "engine/trace.h"

/*
 * Append one line to tr->buf: tr->indent × 2 spaces, the formatted text and
 * a newline. Does nothing when tr is NULL. A failed write leaves the
 * buffer's failed flag set (kh_buf_failed) and is otherwise ignored.
 */
void kh_trace_line(struct kh_trace *tr, const char *fmt, ...)
{
    va_list ap;
    int i;

    if (!tr)
        return;
    for (i = 0; i < tr->indent; i++)
        kh_buf_add(&tr->buf, "  ", 2);
    va_start(ap, fmt);
    kh_buf_vprintf(&tr->buf, fmt, ap);
    va_end(ap);
    kh_buf_putc(&tr->buf, '\n');
}

/*
 * Format v into out: fixed point with at most 6 decimals and trailing zeros
 * (and a trailing point) removed; "-0" becomes "0"; NaN becomes "缺失";
 * infinities "∞" / "-∞"; magnitudes of 1e15 and above use %.6g so that the
 * text always fits in 32 bytes. Returns out.
 */
const char *kh_num(double v, char out[32])
{
    size_t len;

    if (isnan(v)) {
        snprintf(out, 32, "%s", "缺失");
        return out;
    }
    if (isinf(v)) {
        snprintf(out, 32, "%s", v > 0 ? "∞" : "-∞");
        return out;
    }
    if (fabs(v) >= 1e15) {
        snprintf(out, 32, "%.6g", v);
        return out;
    }
    snprintf(out, 32, "%.6f", v);
    len = strlen(out);
    while (len > 0 && out[len - 1] == '0')
        out[--len] = 0;
    if (len > 0 && out[len - 1] == '.')
        out[--len] = 0;
    if (strcmp(out, "-0") == 0)
        snprintf(out, 32, "%s", "0");
    return out;
}
