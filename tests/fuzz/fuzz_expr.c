/*
 * fuzz_expr.c — libFuzzer target for the expression language (expr.h).
 *
 * The input is taken as expression text. If it parses, every name and
 * reference is bound to one of four column slots by a hash of its text,
 * and the expression is evaluated over seven units — with two comparison
 * groups and an excluded unit, and again as one group — then explained for
 * every unit, folded, and its slots listed. Nothing may crash, leak or
 * trip the sanitizers, whatever the text. Without group functions, each
 * unit evaluated alone must match the column evaluation, and a constant
 * must evaluate to its folded value.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"

#define NUNITS 7
#define NSLOTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bind any name to slot 0..3 by a hash of func and name. */
static int fuzz_binder(void *user, const char *func, const char *name, const struct kh_srcpos *at,
                       struct kh_err *err)
{
    unsigned h = 5381;
    const char *s;

    (void)user;
    (void)at;
    (void)err;
    for (s = func ? func : ""; *s; s++)
        h = h * 33 + (unsigned char)*s;
    for (s = name; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return (int)(h % NSLOTS);
}

/* Count the slots reported (and check they are in range). */
static void count_slot(void *user, int slot)
{
    int *n = user;
    if (slot < 0 || slot >= NSLOTS)
        abort();
    (*n)++;
}

/* Non-zero if a and b are the same value (NaN equals NaN). */
static int same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/*
 * Differential checks of a bound expression over ctx: every unit evaluated
 * alone must give what the column evaluation gave (for expressions without
 * group functions), and a constant must give its folded value everywhere.
 */
static void check_consistent(const struct kh_expr *e, const struct kh_expr_ctx *ctx,
                             const double *out)
{
    struct kh_expr_ctx one = *ctx;
    const double *cols1[NSLOTS];
    struct kh_err err;
    double v, w;
    size_t i;
    int k;

    if (kh_expr_const_value(e, &v)) {
        for (i = 0; i < ctx->n; i++) {
            if (!same_value(out[i], v + 0.0))
                abort();
        }
    }
    if (kh_expr_uses_group(e))
        return;
    one.n = 1;
    one.cols = cols1;
    one.group = NULL;
    for (i = 0; i < ctx->n; i++) {
        for (k = 0; k < NSLOTS; k++)
            cols1[k] = ctx->cols[k] + i;
        if (kh_expr_eval(e, &one, &w, &err) != KH_OK || !same_value(w, out[i]))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double c0[NUNITS] = {1, 4, NAN, 4, 7, -2.5, 0};
    static const double c1[NUNITS] = {0, 2, 3, NAN, 1e300, -0.0, 10};
    static const double c2[NUNITS] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    static const double c3[NUNITS] = {2.675, 1.005, -1, 100, 0.5, 3, 3};
    static const int group[NUNITS] = {0, 1, 0, 1, -1, 0, 1};
    const double *cols[NSLOTS] = {c0, c1, c2, c3};
    struct kh_expr_ctx ctx = {NUNITS, cols, NSLOTS, group, 2};
    struct kh_srcpos pos = {"fuzz.yaml", 3, 7};
    struct kh_expr *e = NULL;
    struct kh_err err;
    struct kh_buf b;
    double out[NUNITS], v;
    char *text;
    size_t i;
    int nslots = 0;

    text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    if (kh_expr_parse(text, &pos, &e, &err) != KH_OK) {
        free(text);
        return 0;
    }
    kh_buf_init(&b, 1 << 20);
    kh_expr_text(e, &b);
    if (strcmp(kh_buf_str(&b), text) != 0)
        abort(); /* the text must come back as written */
    (void)kh_expr_uses_group(e);
    (void)kh_expr_const_value(e, &v);
    if (kh_expr_bind(e, fuzz_binder, NULL, &err) == KH_OK) {
        kh_expr_each_slot(e, count_slot, &nslots);
        if (kh_expr_eval(e, &ctx, out, &err) != KH_OK)
            abort(); /* bound, all slots present, valid groups: must work */
        check_consistent(e, &ctx, out);
        for (i = 0; i < NUNITS; i++) {
            kh_buf_reset(&b);
            if (kh_expr_explain(e, &ctx, i, &b) != KH_OK)
                abort();
        }
        ctx.group = NULL;
        (void)kh_expr_eval(e, &ctx, out, &err);
        kh_buf_reset(&b);
        (void)kh_expr_explain(e, &ctx, 2, &b);
    }
    kh_buf_free(&b);
    kh_expr_free(e);
    free(text);
    return 0;
}
