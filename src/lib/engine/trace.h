/*
 * trace.h — the explanation trace: lines of text a clerk reads to check one
 * score by hand (the clause, the inputs and where they came from, each step
 * of the formula with its numbers, the rounding, the effect on the total).
 *
 * Every engine function that computes a score takes a `struct kh_trace *`
 * that is NULL except when one unit is being explained, so tracing costs a
 * pointer test on the fast path.
 */
#ifndef KH_ENGINE_TRACE_H
#define KH_ENGINE_TRACE_H

#include "kaohe/base.h"

struct kh_trace {
    struct kh_buf buf;
    int indent; /* spaces before each line, in steps of two */
};

/*
 * Trace one line only when tracing: unlike a plain kh_trace_line() call,
 * the arguments (often kh_num() formatting) are not evaluated when tr is
 * NULL, which keeps scoring without a trace fast.
 */
#define KH_TRACE(tr, ...)                                                                          \
    do {                                                                                           \
        if (tr)                                                                                    \
            kh_trace_line((tr), __VA_ARGS__);                                                      \
    } while (0)

/* Append one line (a newline is added) at the current indent; tr may be NULL. */
void kh_trace_line(struct kh_trace *tr, const char *fmt, ...) KH_PRINTF(2, 3);

/*
 * Format a number for people: up to 6 decimals, trailing zeros trimmed
 * (8.5, 0.333333, 12, -2); NaN prints as "缺失". Returns out.
 */
const char *kh_num(double v, char out[32]);

#endif
