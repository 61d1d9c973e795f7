/*
 * rules_events.c — bonus items (R9 加分项) and deductions per event (R10
 * 扣分项) of research/rule-catalogue.md: events.csv rows worth points by
 * level (or a flat `per`), discretionary ranges where the row's `points`
 * column picks the value, counts, shared credit among co-owners (S25),
 * highest level only per matter (S1), exemptions with evidence (S22, S27),
 * caps, floors below zero (倒扣) and nonlinear schedules by count (S20:
 * one event −0.5, two or more → the item scores 0).
 *
 * Called by kh_rule_eval() (rules.c) for KH_RULE_BONUS and KH_RULE_DEDUCT.
 * Errors about an event cite its file and line.
 */
#include "base/common.h"
#include "engine/rules_int.h"

/* One event's worth after level, count and shares; for dedupe sorting. */
struct ev_val {
    const char *matter; /* non-NULL: takes part in dedupe */
    double v;           /* value; NaN when exempt */
    size_t i;           /* position in in->events */
};

/*
 * qsort order for dedupe: by matter, then highest value first, then input
 * order (so that the first of equal values is kept). Deterministic.
 */
static int ev_val_cmp(const void *pa, const void *pb)
{
    const struct ev_val *a = pa, *b = pb;
    int c = strcmp(a->matter, b->matter);

    if (c)
        return c;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Find the level named `name` in the rule's table, or NULL. */
static const struct kh_level *level_find(const struct kh_rule_events *r, const char *name)
{
    int i;

    for (i = 0; i < r->nlevels; i++)
        if (kh_streq(r->levels[i].name, name))
            return &r->levels[i];
    return NULL;
}

/*
 * The worth of one (non-exempt) event ev: its level's points (or the
 * chosen points within a ranged level, or `per` when the rule has no
 * levels), times its count, divided by its shares when split_shares.
 * Writes the value to *out and, when how is not NULL, the arithmetic as
 * text. Fails citing the event's row.
 */
static int event_value(const struct kh_scheme *s, const struct kh_node *n,
                       const struct kh_rule_unit *in, const struct kh_event *ev, double *out,
                       char *how, size_t howsz, struct kh_err *err)
{
    const struct kh_rule_events *r = &n->rule.u.events;
    const char *file = kh_rule_file(in, ev->file);
    char where[300], a[32], b[32], c[32];
    double v, cnt = ev->count;
    int shares = 1;

    kh_rule_cite(in, ev->file, ev->line, where, sizeof(where));
    if (r->nlevels > 0) {
        const struct kh_level *lv;
        if (!ev->level)
            return kh_rule_fail(err, s, n, in, file, ev->line,
                                "event at %s has no level; the rule scores by level", where);
        lv = level_find(r, ev->level);
        if (!lv)
            return kh_rule_fail(err, s, n, in, file, ev->line,
                                "event at %s has level '%s', which the rule does not list", where,
                                ev->level);
        if (lv->ranged) {
            double lo = kh_rule_param(&lv->v, in, NAN), hi = kh_rule_param(&lv->hi, in, NAN);
            if (isnan(ev->points))
                return kh_rule_fail(err, s, n, in, file, ev->line,
                                    "event at %s (level '%s') needs its points chosen within "
                                    "[%s, %s]",
                                    where, ev->level, kh_num(lo, a), kh_num(hi, b));
            if (isnan(lo) || isnan(hi) || kh_rule_cmp(ev->points, lo) < 0 ||
                kh_rule_cmp(ev->points, hi) > 0)
                return kh_rule_fail(err, s, n, in, file, ev->line,
                                    "event at %s gives %s points, outside the range [%s, %s] "
                                    "of level '%s'",
                                    where, kh_num(ev->points, a), kh_num(lo, b), kh_num(hi, c),
                                    ev->level);
            v = ev->points;
        } else {
            v = kh_rule_param(&lv->v, in, NAN);
        }
    } else {
        v = kh_rule_param(&r->per, in, NAN);
    }
    if (isnan(v))
        return kh_rule_fail(err, s, n, in, file, ev->line,
                            "event at %s: the rule gives no points for it (set `per` or the "
                            "level's points)",
                            where);
    if (!isfinite(cnt) || cnt < 0)
        return kh_rule_fail(err, s, n, in, file, ev->line,
                            "event at %s has count %s; a count must be 0 or more", where,
                            kh_num(cnt, a));
    if (r->split_shares && ev->shares > 1)
        shares = ev->shares;
    *out = v * cnt / shares;
    if (how) {
        int len = snprintf(how, howsz, "%s", kh_num(v, a));
        if (cnt != 1 && len >= 0 && (size_t)len < howsz)
            len += snprintf(how + len, howsz - (size_t)len, " × %s 次", kh_num(cnt, b));
        if (shares > 1 && len >= 0 && (size_t)len < howsz)
            len += snprintf(how + len, howsz - (size_t)len, " ÷ %d 人", shares);
        if ((cnt != 1 || shares > 1) && len >= 0 && (size_t)len < howsz)
            snprintf(how + len, howsz - (size_t)len, " = %s", kh_num(*out, c));
    }
    return KH_OK;
}

/* Trace one event's row: where it is, its level and matter, its worth. */
static void trace_event(struct kh_trace *tr, const struct kh_rule_unit *in,
                        const struct kh_event *ev, const char *how, const char *tail)
{
    char where[300];

    kh_trace_line(tr, "%s 「%s」%s%s%s%s: %s%s",
                  kh_rule_cite(in, ev->file, ev->line, where, sizeof(where)),
                  ev->item ? ev->item : "", ev->level ? " 级别 " : "", ev->level ? ev->level : "",
                  ev->matter ? " 事项 " : "", ev->matter ? ev->matter : "", how, tail);
}

/*
 * Value every event of the unit into vals[] (NaN for exempt ones), drop
 * all but the best of each matter when the rule dedupes, and return the
 * sum in *sum. Traces each event and each dropped one.
 */
static int events_sum(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, double *sum, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_events *r = &n->rule.u.events;
    struct ev_val *vals = NULL, *sorted = NULL;
    unsigned char *drop = NULL;
    size_t i, j, nm = 0;
    char how[200], a[32];
    double total = 0;
    int rc = KH_OK;

    *sum = 0;
    if (in->nevents == 0)
        return KH_OK;
    vals = calloc(in->nevents, sizeof(*vals));
    sorted = calloc(in->nevents, sizeof(*sorted));
    drop = calloc(in->nevents, 1);
    if (!vals || !sorted || !drop) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory scoring events");
        goto out;
    }
    for (i = 0; i < in->nevents; i++) {
        const struct kh_event *ev = in->events[i];
        vals[i].i = i;
        vals[i].matter = NULL;
        if (ev->exempt) {
            vals[i].v = NAN;
            continue;
        }
        rc = event_value(s, n, in, ev, &vals[i].v, NULL, 0, err);
        if (rc)
            goto out;
        if (r->dedupe_matter && ev->matter)
            sorted[nm++] = (struct ev_val){ev->matter, vals[i].v, i};
    }
    if (nm > 1) {
        qsort(sorted, nm, sizeof(*sorted), ev_val_cmp);
        for (j = 1; j < nm; j++)
            if (strcmp(sorted[j].matter, sorted[j - 1].matter) == 0)
                drop[sorted[j].i] = 1;
    }
    for (i = 0; i < in->nevents; i++) {
        const struct kh_event *ev = in->events[i];
        if (ev->exempt) {
            if (tr)
                trace_event(tr, in, ev, "免责, 不计分", ev->evidence ? " (依据见佐证材料)" : "");
            continue;
        }
        if (tr && drop[i]) {
            trace_event(tr, in, ev, kh_num(vals[i].v, a),
                        " 分 — 同一事项只按最高一项计分, 此项不计");
        } else if (tr) {
            double v;
            event_value(s, n, in, ev, &v, how, sizeof(how), NULL);
            trace_event(tr, in, ev, how, " 分");
        }
        if (!drop[i])
            total += vals[i].v;
    }
    *sum = total;
out:
    free(vals);
    free(sorted);
    free(drop);
    return rc;
}

/* The total count of the unit's non-exempt events (for schedules). */
static int events_count(const struct kh_scheme *s, const struct kh_node *n,
                        const struct kh_rule_unit *in, double *total, struct kh_trace *tr,
                        struct kh_err *err)
{
    char where[300], a[32];
    size_t i;

    *total = 0;
    for (i = 0; i < in->nevents; i++) {
        const struct kh_event *ev = in->events[i];
        if (ev->exempt) {
            if (tr)
                trace_event(tr, in, ev, "免责, 不计次数", "");
            continue;
        }
        if (!isfinite(ev->count) || ev->count < 0)
            return kh_rule_fail(err, s, n, in, kh_rule_file(in, ev->file), ev->line,
                                "event at %s has count %s; a count must be 0 or more",
                                kh_rule_cite(in, ev->file, ev->line, where, sizeof(where)),
                                kh_num(ev->count, a));
        if (tr)
            trace_event(tr, in, ev, kh_num(ev->count, a), " 次");
        *total += ev->count;
    }
    return KH_OK;
}

/* BONUS: the (deduplicated) sum of the events' worth, capped at max. */
static int rule_bonus(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_events *r = &n->rule.u.events;
    double max = r->max.set ? kh_rule_param(&r->max, in, NAN) : NAN, sum;
    char a[32], b[32];
    int rc;

    KH_TRACE(tr, "规则: 加分项, 逐项计分%s%s%s%s", r->dedupe_matter ? ", 同一事项按最高一项计" : "",
             isnan(max) ? "" : ", 累计最多加 ", isnan(max) ? "" : kh_num(max, a),
             isnan(max) ? "" : " 分");
    rc = events_sum(s, n, in, &sum, tr, err);
    if (rc)
        return rc;
    KH_TRACE(tr, "加分合计 = %s", kh_num(sum, a));
    if (!isnan(max) && sum > max) {
        KH_TRACE(tr, "超过上限 %s, 按 %s 计", kh_num(max, a), kh_num(max, b));
        sum = max;
    }
    *score = sum;
    KH_TRACE(tr, "得分 = %s", kh_num(sum, a));
    return KH_OK;
}

/*
 * The deduction by schedule: the row with the largest count <= n applies
 * (n = 0: nothing). Sets *ded, or *fixed (NaN when the row is a deduction).
 */
static void deduct_schedule(const struct kh_rule_events *r, const struct kh_rule_unit *in,
                            double cnt, double *ded, double *fixed, struct kh_trace *tr)
{
    const struct kh_sched *row = NULL;
    char a[32], b[32], c[32];
    int i;

    *ded = 0;
    *fixed = NAN;
    if (kh_rule_cmp(cnt, 0) == 0) {
        KH_TRACE(tr, "共 0 次, 不扣分");
        return;
    }
    for (i = 0; i < r->nsched; i++)
        if (kh_rule_cmp(r->sched[i].count, cnt) <= 0 && (!row || r->sched[i].count > row->count))
            row = &r->sched[i];
    if (!row) {
        KH_TRACE(tr, "共 %s 次, 未达到扣分表的任何一档, 不扣分", kh_num(cnt, a));
        return;
    }
    if (row->sets_score) {
        *fixed = kh_rule_param(&row->value, in, NAN);
        KH_TRACE(tr, "共 %s 次, 适用「%s 次及以上」档: 本项得 %s 分", kh_num(cnt, a),
                 kh_num(row->count, b), kh_num(*fixed, c));
    } else {
        *ded = kh_rule_param(&row->value, in, NAN);
        KH_TRACE(tr, "共 %s 次, 适用「%s 次及以上」档: 扣 %s 分", kh_num(cnt, a),
                 kh_num(row->count, b), kh_num(*ded, c));
    }
}

/*
 * DEDUCT: base (default W) minus the deduction (the sum of the events'
 * worth, or by schedule), the deduction capped at max, the score floored
 * at min (default 0, or no floor on a kind: deduction item; negative for
 * 倒扣).
 */
static int rule_deduct(const struct kh_scheme *s, const struct kh_node *n,
                       const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                       struct kh_err *err)
{
    const struct kh_rule_events *r = &n->rule.u.events;
    /* 扣完为止 for an item with points; a 扣分项 outside the points (kind:
     * deduction) takes its deductions off the total without a floor. */
    double base = kh_rule_param(&r->base, in, in->W),
           lo = kh_rule_param(&r->min, in, n->kind == KH_NODE_DEDUCTION ? -INFINITY : 0);
    double max = r->max.set ? kh_rule_param(&r->max, in, NAN) : NAN, ded, fixed = NAN;
    char a[32], b[32], c[32];
    int rc;

    KH_TRACE(tr, "规则: 扣分项, 基础分 %s%s, 最低 %s 分%s%s%s", kh_num(base, a),
             r->nsched ? ", 按次数分档扣分" : ", 逐项扣分", kh_num(lo, b),
             isnan(max) ? "" : ", 最多扣 ", isnan(max) ? "" : kh_num(max, c),
             isnan(max) ? "" : " 分");
    if (r->nsched > 0) {
        double cnt;
        rc = events_count(s, n, in, &cnt, tr, err);
        if (rc)
            return rc;
        deduct_schedule(r, in, cnt, &ded, &fixed, tr);
        if (!isnan(fixed)) {
            *score = fixed;
            KH_TRACE(tr, "得分 = %s", kh_num(fixed, a));
            return KH_OK;
        }
    } else {
        rc = events_sum(s, n, in, &ded, tr, err);
        if (rc)
            return rc;
        KH_TRACE(tr, "扣分合计 = %s", kh_num(ded, a));
    }
    if (!isnan(max) && ded > max) {
        KH_TRACE(tr, "扣分超过上限 %s, 按 %s 计", kh_num(max, a), kh_num(max, b));
        ded = max;
    }
    *score = base - ded;
    KH_TRACE(tr, "得分 = 基础分 %s − %s = %s", kh_num(base, a), kh_num(ded, b), kh_num(*score, c));
    if (*score < lo) {
        KH_TRACE(tr, "低于最低分 %s, 按 %s 计", kh_num(lo, a), kh_num(lo, b));
        *score = lo;
    }
    return KH_OK;
}

/* See rules_int.h: KH_RULE_BONUS or KH_RULE_DEDUCT for one unit. */
int kh_rule_events_eval(const struct kh_scheme *s, const struct kh_node *n,
                        const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                        struct kh_err *err)
{
    if (n->rule.kind == KH_RULE_BONUS)
        return rule_bonus(s, n, in, score, tr, err);
    return rule_deduct(s, n, in, score, tr, err);
}
