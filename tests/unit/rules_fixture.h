/*
 * rules_fixture.h — helpers shared by the rule-family unit tests
 * (test_rules.c, test_rules_events.c, test_rules_ballot.c): building
 * parameters, nodes and per-unit inputs by hand, evaluating a rule with
 * and without a trace (the two must agree), and asserting on the trace and
 * on error messages. Everything is static inline so that a test file that
 * uses only some helpers compiles warning-free. Parameter overrides come
 * from a fixed pool (no allocation), reset by fx_reset().
 */
#ifndef KH_TEST_RULES_FIXTURE_H
#define KH_TEST_RULES_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rules.h"
#include "engine/trace.h"
#include "scheme/model.h"

#define FX_EPS 1e-9

/* Category indices used by the tests (S27 产区 / 非产区). */
enum { CAT_PRODUCING = 0, CAT_OTHER = 1 };

static struct kh_param_over fx_over_pool[256];
static int fx_over_used;

/* Forget every override handed out so far (call at the start of a test). */
static inline void fx_reset(void)
{
    fx_over_used = 0;
    memset(fx_over_pool, 0, sizeof(fx_over_pool));
}

/* A plain parameter with value v. */
static inline struct kh_param fx_p(double v)
{
    struct kh_param p;
    memset(&p, 0, sizeof(p));
    p.set = 1;
    p.v = v;
    return p;
}

/* A parameter given as a share of W ("80%" → fx_pct(0.8)). */
static inline struct kh_param fx_pct(double share)
{
    struct kh_param p = fx_p(share);
    p.pct = 1;
    return p;
}

/* A parameter by category: default d, 产区 (cat 0) c0, 非产区 (cat 1) c1. */
static inline struct kh_param fx_pcat(double d, double c0, double c1)
{
    struct kh_param p = fx_p(d);
    struct kh_param_over *o = &fx_over_pool[fx_over_used];
    assert_true(fx_over_used + 2 <= (int)(sizeof(fx_over_pool) / sizeof(fx_over_pool[0])));
    o[0].key = (char *)"producing";
    o[0].cat = CAT_PRODUCING;
    o[0].v = c0;
    o[1].key = (char *)"other";
    o[1].cat = CAT_OTHER;
    o[1].v = c1;
    fx_over_used += 2;
    p.over = o;
    p.nover = 2;
    return p;
}

/* Add a per-unit override (key = unit id) to p. p must own pool entries at
 * the end of the pool (made by the call just before), or none. */
static inline void fx_punit(struct kh_param *p, const char *unit_id, double v)
{
    struct kh_param_over *o = &fx_over_pool[fx_over_used++];
    if (p->nover == 0)
        p->over = o;
    assert_ptr_equal(p->over + p->nover, o);
    o->key = (char *)unit_id;
    o->cat = -1;
    o->v = v;
    p->nover++;
}

/* A node with id `id` and rule kind `kind`, everything else zero. */
static inline struct kh_node fx_node(const char *id, int kind)
{
    struct kh_node n;
    memset(&n, 0, sizeof(n));
    n.id = (char *)id;
    n.name = (char *)id;
    n.parent = -1;
    n.weight = 1;
    n.rule.kind = kind;
    n.rule.pos.line = 12;
    n.rule.pos.col = 5;
    n.slot_x = n.slot_t = n.slot_b = n.slot_w = -1;
    return n;
}

/* Inputs for unit "T01" of category 产区 with points W and value x; every
 * other number NaN, as the engine leaves fields a rule does not use. */
static inline struct kh_rule_unit fx_unit(double W, double x)
{
    struct kh_rule_unit in;
    memset(&in, 0, sizeof(in));
    in.unit = 0;
    in.cat = CAT_PRODUCING;
    in.unit_id = "T01";
    in.x = x;
    in.t = in.b = NAN;
    in.W = W;
    in.ref = in.leader = in.best = in.worst = NAN;
    in.gmin = in.gmax = in.gmean = in.gstd = NAN;
    in.cond = in.computed = NAN;
    return in;
}

/* A fresh trace. Free with fx_trace_free(). */
static inline void fx_trace_init(struct kh_trace *tr)
{
    kh_buf_init(&tr->buf, 0);
    tr->indent = 0;
}

static inline void fx_trace_free(struct kh_trace *tr)
{
    kh_buf_free(&tr->buf);
}

/*
 * Evaluate n for in, once without a trace and once into tr (which may be
 * NULL), assert both succeed with the same score, and return it.
 */
static inline double fx_eval(const struct kh_node *n, const struct kh_rule_unit *in,
                             struct kh_trace *tr)
{
    struct kh_err err;
    double a = -12345, b = -12345;
    int rc;

    kh_err_clear(&err);
    rc = kh_rule_eval(NULL, n, in, &a, NULL, &err);
    if (rc != KH_OK)
        fail_msg("kh_rule_eval failed: %s", err.msg);
    if (tr) {
        kh_buf_reset(&tr->buf);
        rc = kh_rule_eval(NULL, n, in, &b, tr, &err);
        if (rc != KH_OK)
            fail_msg("kh_rule_eval with trace failed: %s", err.msg);
        assert_false(kh_buf_failed(&tr->buf));
        if (fabs(a - b) > FX_EPS)
            fail_msg("trace changed the score: %.17g vs %.17g", a, b);
    }
    return a;
}

/* Evaluate n for in expecting failure `code`; returns the error record. */
static inline struct kh_err fx_eval_fail(const struct kh_node *n, const struct kh_rule_unit *in,
                                         int code)
{
    struct kh_err err;
    struct kh_trace tr;
    double sc = 0;
    int rc;

    kh_err_clear(&err);
    rc = kh_rule_eval(NULL, n, in, &sc, NULL, &err);
    if (rc != code)
        fail_msg("expected status %d, got %d (score %.17g, msg '%s')", code, rc, sc, err.msg);
    assert_true(isnan(sc));
    /* The traced path fails the same way and still leaves a readable trace. */
    fx_trace_init(&tr);
    assert_int_equal(kh_rule_eval(NULL, n, in, &sc, &tr, NULL), code);
    fx_trace_free(&tr);
    return err;
}

/* Assert that a number is v within FX_EPS. */
#define fx_near(got, want)                                                                         \
    do {                                                                                           \
        double fx_g_ = (got), fx_w_ = (want);                                                      \
        if (!(fabs(fx_g_ - fx_w_) <= FX_EPS))                                                      \
            fail_msg("%s = %.17g, expected %.17g", #got, fx_g_, fx_w_);                            \
    } while (0)

/* Assert that the trace holds the text `line` (a whole line or a part). */
static inline void fx_has(const struct kh_trace *tr, const char *line)
{
    const char *t = kh_buf_str(&tr->buf);
    if (!strstr(t, line))
        fail_msg("trace lacks \"%s\"; trace was:\n%s", line, t);
}

/* Assert that the trace does not hold `text`. */
static inline void fx_lacks(const struct kh_trace *tr, const char *text)
{
    const char *t = kh_buf_str(&tr->buf);
    if (strstr(t, text))
        fail_msg("trace unexpectedly has \"%s\"; trace was:\n%s", text, t);
}

/* Assert that an error message names the node, the unit and `what`. */
static inline void fx_msg_has(const struct kh_err *err, const char *node_id, const char *what)
{
    if (!strstr(err->msg, node_id) || !strstr(err->msg, "T01") || !strstr(err->msg, what))
        fail_msg("error message \"%s\" should name node %s, unit T01 and \"%s\"", err->msg, node_id,
                 what);
}

#endif
