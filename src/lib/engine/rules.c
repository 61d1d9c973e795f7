/*
 * rules.c — kh_rule_eval(): one unit's score on one node's rule, for every
 * rule family of the scheme model (scheme/model.h; the families are R1–R13
 * of research/rule-catalogue.md), with a trace in Chinese that lets a clerk
 * redo the arithmetic by hand.
 *
 * This file holds the dispatcher, the helpers the families share (errors
 * that name the node and the unit, parameter lookup, tolerant comparison)
 * and the value-based families: completion ratio (R1), steps around a
 * reference (R2/R5/R13), proportional to the leader (R3c) and the efficacy
 * coefficient (R4). Rank points, bands, binary, counts, indices, formulas
 * and plain scores are in rules_table.c; bonus and deduction events in
 * rules_events.c; evaluator ballots in rules_ballot.c.
 *
 * Every function here is pure: it reads the node and the precomputed
 * struct kh_rule_unit and writes one number. The node's final clamp,
 * overrides, multiplier and missing-data policy are the engine's job.
 */
#include "base/common.h"
#include "engine/rules_int.h"

/* ---- shared helpers ---------------------------------------------------- */

/* See rules_int.h: KH_EINVAL with "node N, unit U: " before the message. */
int kh_rule_fail(struct kh_err *err, const struct kh_scheme *s, const struct kh_node *n,
                 const struct kh_rule_unit *in, const char *file, int line, const char *fmt, ...)
{
    char msg[600], unit[64];
    va_list ap;
    const char *nid = n && n->id ? n->id : "?";

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (in && in->unit_id)
        snprintf(unit, sizeof(unit), "%s", in->unit_id);
    else
        snprintf(unit, sizeof(unit), "#%d", in ? in->unit : -1);
    if (file)
        return kh_err_set(err, KH_EINVAL, file, line, 0, "node %s, unit %s: %s", nid, unit, msg);
    return kh_err_set(err, KH_EINVAL, s ? s->file : NULL, n ? n->rule.pos.line : 0,
                      n ? n->rule.pos.col : 0, "node %s, unit %s: %s", nid, unit, msg);
}

/* See rules_int.h: kh_param_get() for this unit's category, id and W. */
double kh_rule_param(const struct kh_param *p, const struct kh_rule_unit *in, double dflt)
{
    return kh_param_get(p, in->cat, in->unit_id, in->W, dflt);
}

/* See rules_int.h: the name of data file `file`, or NULL. */
const char *kh_rule_file(const struct kh_rule_unit *in, int file)
{
    if (!in->files || file < 0)
        return NULL;
    return in->files[file];
}

/* See rules_int.h: "file:line" of a data row, for messages and traces. */
const char *kh_rule_cite(const struct kh_rule_unit *in, int file, int line, char *out, size_t outsz)
{
    const char *f = kh_rule_file(in, file);

    if (f)
        snprintf(out, outsz, "%s:%d", f, line);
    else if (line > 0)
        snprintf(out, outsz, "第 %d 行", line);
    else
        snprintf(out, outsz, "%s", "(程序添加的记录, 无文件位置)");
    return out;
}

/* See rules_int.h: -1, 0, 1 with a relative tolerance of 1e-9. */
int kh_rule_cmp(double a, double b)
{
    double m = fmax(1.0, fmax(fabs(a), fabs(b)));

    if (a == b || fabs(a - b) <= 1e-9 * m)
        return 0;
    return a < b ? -1 : 1;
}

/*
 * Whole steps of a step count s >= 0: truncated toward zero, except that a
 * count within kh_rule_cmp's tolerance of an integer is that integer (so
 * that 5.9999999999 steps from floating-point noise count 6).
 */
static double whole_steps(double s)
{
    double r = round(s);

    if (kh_rule_cmp(s, r) == 0)
        return r;
    return trunc(s);
}

/* ---- R1 completion ratio ---------------------------------------------- */

/*
 * RATIO: r = x / t (t / x when lower is better), clamped to [floor, cap],
 * score = W · r. A missing, zero or negative target follows on_bad_target.
 */
static int rule_ratio(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_ratio *r = &n->rule.u.ratio;
    double W = in->W, x = in->x, t = in->t, lo, hi, ratio;
    char a[32], b[32], c[32];

    lo = kh_rule_param(&r->floor, in, 0);
    hi = r->cap_none ? INFINITY : kh_rule_param(&r->cap, in, 1);
    KH_TRACE(tr, "规则: 完成率 r = %s, 计入范围 [%s, %s], 得分 = 分值 × r",
             n->lower_better ? "目标 / 实际 (越低越好)" : "实际 / 目标", kh_num(lo, a),
             r->cap_none ? "不封顶" : kh_num(hi, b));
    if (isnan(x))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the value x is missing");
    if (isnan(t) || t <= 0) {
        const char *why = isnan(t) ? "缺失" : t == 0 ? "为 0" : "为负数";
        switch (r->on_bad_target) {
        case KH_NONPOS_ZERO:
            KH_TRACE(tr, "目标值%s (t = %s), 按规定得 0 分", why, kh_num(t, a));
            *score = 0;
            return KH_OK;
        case KH_NONPOS_FULL:
            KH_TRACE(tr, "目标值%s (t = %s), 按规定得满分 %s", why, kh_num(t, a), kh_num(W, b));
            *score = W;
            return KH_OK;
        default:
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "the target is %s (t = %s); file a positive target or set "
                                "on_bad_target to zero or full",
                                isnan(t) ? "missing"
                                : t == 0 ? "0"
                                         : "negative",
                                kh_num(t, a));
        }
    }
    if (n->lower_better) {
        if (x < 0)
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "the value x = %s is negative; a completion ratio t / x is "
                                "undefined",
                                kh_num(x, a));
        if (x == 0) {
            if (r->cap_none)
                return kh_rule_fail(err, s, n, in, NULL, 0,
                                    "the value x is 0, so the ratio t / x is infinite and the "
                                    "rule has no cap");
            ratio = hi;
            KH_TRACE(tr, "实际值为 0 (越低越好), 完成率按上限 %s 计", kh_num(hi, a));
        } else {
            ratio = t / x;
            KH_TRACE(tr, "完成率 r = t / x = %s / %s = %s", kh_num(t, a), kh_num(x, b),
                     kh_num(ratio, c));
        }
    } else {
        ratio = x / t;
        KH_TRACE(tr, "完成率 r = x / t = %s / %s = %s", kh_num(x, a), kh_num(t, b),
                 kh_num(ratio, c));
    }
    if (ratio > hi) {
        KH_TRACE(tr, "完成率 %s 高于上限 %s, 按 %s 计", kh_num(ratio, a), kh_num(hi, b),
                 kh_num(hi, c));
        ratio = hi;
    }
    if (ratio < lo) {
        KH_TRACE(tr, "完成率 %s 低于下限 %s, 按 %s 计", kh_num(ratio, a), kh_num(lo, b),
                 kh_num(lo, c));
        ratio = lo;
    }
    *score = W * ratio;
    KH_TRACE(tr, "得分 = 分值 × r = %s × %s = %s", kh_num(W, a), kh_num(ratio, b),
             kh_num(*score, c));
    return KH_OK;
}

/* ---- R2/R5/R13 steps around a reference -------------------------------- */

/* The words for one step's unit after the step size. */
static const char *measure_word(int measure)
{
    switch (measure) {
    case KH_MEASURE_POINTS:
        return "个百分点";
    case KH_MEASURE_PERCENT:
        return "%";
    default:
        return "";
    }
}

/* The comparison sign of a cliff operator, for traces. */
static const char *cliff_sign(int op)
{
    switch (op) {
    case KH_CLIFF_LT:
        return "<";
    case KH_CLIFF_LE:
        return "≤";
    case KH_CLIFF_GT:
        return ">";
    default:
        return "≥";
    }
}

/*
 * Describe one side of a steps rule into b: "每高于参照1个百分点加0.5分",
 * or the pieces of a piecewise slope, or "高于参照不加分".
 */
static void steps_describe_side(struct kh_buf *b, const struct kh_rule_unit *in,
                                const struct kh_piece *pc, int np, const char *word,
                                const char *verb, double step, const char *unit)
{
    char a[32], c[32], d[32], e[32];
    double prev = 0;
    int k;

    if (np == 0) {
        kh_buf_printf(b, "%s参照不%s分", word, verb);
        return;
    }
    if (np == 1) {
        kh_buf_printf(b, "每%s参照%s%s%s%s分", word, kh_num(step, a), unit, verb,
                      kh_num(kh_rule_param(&pc[0].per, in, NAN), c));
        return;
    }
    kh_buf_printf(b, "%s参照时分段计", word);
    for (k = 0; k < np; k++) {
        double until = pc[k].has_until ? kh_rule_param(&pc[k].until, in, NAN) : INFINITY;
        kh_buf_printf(b, "%s(%s, %s%s 每%s%s%s%s分", k ? "; " : ": ", kh_num(prev, a),
                      kh_num(until, c), isinf(until) ? ")" : "]", kh_num(step, d), unit, verb,
                      kh_num(kh_rule_param(&pc[k].per, in, NAN), e));
        prev = until;
    }
}

/* Write the "规则:" line of a steps rule. */
static void steps_describe(struct kh_trace *tr, const struct kh_node *n,
                           const struct kh_rule_unit *in, double step)
{
    const struct kh_rule_steps *st = &n->rule.u.steps;
    const char *unit = measure_word(st->measure);
    struct kh_buf b;
    char a[32];

    kh_buf_init(&b, 4096);
    steps_describe_side(&b, in, st->up, st->nup, n->lower_better ? "低于" : "高于", "加", step,
                        unit);
    kh_buf_puts(&b, ", ");
    steps_describe_side(&b, in, st->down, st->ndown, n->lower_better ? "高于" : "低于", "扣", step,
                        unit);
    if (st->max_up.set)
        kh_buf_printf(&b, ", 最多加%s分", kh_num(kh_rule_param(&st->max_up, in, NAN), a));
    if (st->max_down.set)
        kh_buf_printf(&b, ", 最多扣%s分", kh_num(kh_rule_param(&st->max_down, in, NAN), a));
    kh_buf_puts(&b, st->partial == KH_PARTIAL_WHOLE ? " (不足一步不计)" : " (连续计算)");
    if (st->cliff_op != KH_CLIFF_NONE) {
        char c[32];
        kh_buf_printf(&b, "; x %s %s 时得 %s 分", cliff_sign(st->cliff_op),
                      kh_num(kh_rule_param(&st->cliff_at, in, NAN), a),
                      kh_num(kh_rule_param(&st->cliff_score, in, 0), c));
    }
    kh_trace_line(tr, "规则: %s", kh_buf_str(&b));
    kh_buf_free(&b);
}

/*
 * Walk the pieces pc[0..np) over a deviation of magnitude mag > 0 in d units:
 * piece k takes the part of mag in (until_{k-1}, until_k]; its step count
 * (whole steps only when `whole`) times its points per step is added to
 * *out. `what` names the result in the trace (加分 / 扣分).
 */
static int steps_walk(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, const struct kh_piece *pc, int np, double mag,
                      double step, int whole, const char *what, double *out, struct kh_trace *tr,
                      struct kh_err *err)
{
    char a[32], b[32], c[32], d[32], e[32], f[32];
    double prev = 0, total = 0;
    int k;

    *out = 0;
    if (np == 0) {
        KH_TRACE(tr, "%s: 本规则不设此方向的分值, 为 0", what);
        return KH_OK;
    }
    for (k = 0; k < np && mag > prev; k++) {
        double until = pc[k].has_until ? kh_rule_param(&pc[k].until, in, NAN) : INFINITY;
        double per = kh_rule_param(&pc[k].per, in, NAN);
        double amount, raw, cnt, part;

        if (isnan(until) || until <= prev)
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "piece %d of the slope ends at %s, which is not above the "
                                "previous end %s",
                                k + 1, kh_num(until, a), kh_num(prev, b));
        if (isnan(per))
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "piece %d of the slope has no points per step", k + 1);
        amount = fmin(mag, until) - prev;
        raw = amount / step;
        cnt = whole ? whole_steps(raw) : raw;
        part = cnt * per;
        total += part;
        if (np == 1) {
            if (step != 1 || cnt != raw)
                KH_TRACE(tr, "步数 = %s / %s = %s%s%s", kh_num(amount, a), kh_num(step, b),
                         kh_num(raw, c), cnt != raw ? ", 不足一步不计, 取 " : "",
                         cnt != raw ? kh_num(cnt, d) : "");
            KH_TRACE(tr, "%s = %s × %s = %s", what, kh_num(cnt, a), kh_num(per, b),
                     kh_num(part, c));
        } else {
            KH_TRACE(tr, "第%d段 (%s, %s%s: 幅度 %s, %s 步 × %s = %s", k + 1, kh_num(prev, a),
                     kh_num(until, b), isinf(until) ? ")" : "]", kh_num(amount, c), kh_num(cnt, d),
                     kh_num(per, e), kh_num(part, f));
        }
        prev = until;
    }
    if (np > 1)
        KH_TRACE(tr, "%s合计 = %s", what, kh_num(total, a));
    *out = total;
    return KH_OK;
}

/*
 * Decide whether x triggers the cliff of a steps rule. Sets *hit; fails
 * when the threshold is not set.
 */
static int steps_cliff(const struct kh_scheme *s, const struct kh_node *n,
                       const struct kh_rule_unit *in, double at, int *hit, struct kh_err *err)
{
    int c;

    *hit = 0;
    if (isnan(at))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the cliff has no threshold (cliff_at)");
    c = kh_rule_cmp(in->x, at);
    switch (n->rule.u.steps.cliff_op) {
    case KH_CLIFF_LT:
        *hit = c < 0;
        break;
    case KH_CLIFF_LE:
        *hit = c <= 0;
        break;
    case KH_CLIFF_GT:
        *hit = c > 0;
        break;
    case KH_CLIFF_GE:
        *hit = c >= 0;
        break;
    default:
        break;
    }
    return KH_OK;
}

/*
 * Compute and trace the deviation d of x from ref for a steps rule: x − ref
 * (points, absolute) or (x − ref)/|ref|·100 (percent), negated when lower
 * is better. x equal to ref within kh_rule_cmp's tolerance gives d = 0, so
 * that 持平 is exact despite floating-point noise. Fails on a missing ref or
 * a zero ref with percent.
 */
static int steps_deviation(const struct kh_scheme *s, const struct kh_node *n,
                           const struct kh_rule_unit *in, double *dev, struct kh_trace *tr,
                           struct kh_err *err)
{
    const struct kh_rule_steps *st = &n->rule.u.steps;
    double x = in->x, ref = in->ref, d;
    char a[32], b[32], c[32], e[32];

    if (isnan(ref))
        return kh_rule_fail(err, s, n, in, NULL, 0,
                            "the reference value is missing (no target or ref for this unit)");
    if (st->measure == KH_MEASURE_PERCENT) {
        if (ref == 0)
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "the reference is 0, so a change in percent of it is undefined; "
                                "use measure: points or absolute");
        d = kh_rule_cmp(x, ref) == 0 ? 0 : (x - ref) / fabs(ref) * 100;
        if (n->lower_better) {
            d = -d;
            KH_TRACE(tr,
                     "差值 d = (参照 − x) / |参照| × 100 = (%s − %s) / %s × 100 = %s (越低越好)",
                     kh_num(ref, a), kh_num(x, b), kh_num(fabs(ref), c), kh_num(d, e));
        } else {
            KH_TRACE(tr, "差值 d = (x − 参照) / |参照| × 100 = (%s − %s) / %s × 100 = %s",
                     kh_num(x, a), kh_num(ref, b), kh_num(fabs(ref), c), kh_num(d, e));
        }
    } else if (n->lower_better) {
        d = kh_rule_cmp(x, ref) == 0 ? 0 : ref - x;
        KH_TRACE(tr, "差值 d = 参照 − x = %s − %s = %s (越低越好)", kh_num(ref, a), kh_num(x, b),
                 kh_num(d, c));
    } else {
        d = kh_rule_cmp(x, ref) == 0 ? 0 : x - ref;
        KH_TRACE(tr, "差值 d = x − 参照 = %s − %s = %s", kh_num(x, a), kh_num(ref, b),
                 kh_num(d, c));
    }
    *dev = d;
    return KH_OK;
}

/*
 * STEPS: base + bonus − deduction, where the deviation d of x from the
 * reference is walked through the `up` pieces (d > 0) or the `down` pieces
 * (d < 0); caps max_up / max_down; a cliff on x overrides everything.
 */
static int rule_steps(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_steps *st = &n->rule.u.steps;
    int whole = st->partial == KH_PARTIAL_WHOLE, rc, hit;
    double step, base, d = 0, bonus = 0, ded = 0, cap;
    char a[32], b[32], c[32];

    step = kh_rule_param(&st->step, in, 1);
    base = kh_rule_param(&st->base, in, in->W);
    if (tr)
        steps_describe(tr, n, in, step);
    if (isnan(in->x))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the value x is missing");
    if (!(step > 0))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the step size %s must be positive",
                            kh_num(step, a));
    if (st->cliff_op != KH_CLIFF_NONE) {
        double at = kh_rule_param(&st->cliff_at, in, NAN);
        rc = steps_cliff(s, n, in, at, &hit, err);
        if (rc)
            return rc;
        if (hit) {
            *score = kh_rule_param(&st->cliff_score, in, 0);
            KH_TRACE(tr, "门槛: x = %s %s %s, 得分 = %s", kh_num(in->x, a),
                     cliff_sign(st->cliff_op), kh_num(at, b), kh_num(*score, c));
            return KH_OK;
        }
        KH_TRACE(tr, "门槛: x = %s, 未触发 (x %s %s 时另计)", kh_num(in->x, a),
                 cliff_sign(st->cliff_op), kh_num(at, b));
    }
    rc = steps_deviation(s, n, in, &d, tr, err);
    if (rc)
        return rc;
    if (d > 0) {
        rc = steps_walk(s, n, in, st->up, st->nup, d, step, whole, "加分", &bonus, tr, err);
        if (rc)
            return rc;
        cap = st->max_up.set ? kh_rule_param(&st->max_up, in, NAN) : NAN;
        if (!isnan(cap) && bonus > cap) {
            KH_TRACE(tr, "加分 %s 超过上限 %s, 按 %s 计", kh_num(bonus, a), kh_num(cap, b),
                     kh_num(cap, c));
            bonus = cap;
        }
    } else if (d < 0) {
        rc = steps_walk(s, n, in, st->down, st->ndown, -d, step, whole, "扣分", &ded, tr, err);
        if (rc)
            return rc;
        cap = st->max_down.set ? kh_rule_param(&st->max_down, in, NAN) : NAN;
        if (!isnan(cap) && ded > cap) {
            KH_TRACE(tr, "扣分 %s 超过上限 %s, 按 %s 计", kh_num(ded, a), kh_num(cap, b),
                     kh_num(cap, c));
            ded = cap;
        }
    }
    *score = base + bonus - ded;
    if (d > 0)
        KH_TRACE(tr, "得分 = 基础分 %s + %s = %s", kh_num(base, a), kh_num(bonus, b),
                 kh_num(*score, c));
    else if (d < 0)
        KH_TRACE(tr, "得分 = 基础分 %s − %s = %s", kh_num(base, a), kh_num(ded, b),
                 kh_num(*score, c));
    else
        KH_TRACE(tr, "得分 = 基础分 %s", kh_num(*score, a));
    return KH_OK;
}

/* ---- R3c proportional to the leader ------------------------------------ */

/*
 * PROPORTIONAL: W · x / leader (W · leader / x when lower is better). A
 * leader <= 0 (or x <= 0 when x divides) follows on_bad_leader.
 */
static int rule_proportional(const struct kh_scheme *s, const struct kh_node *n,
                             const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                             struct kh_err *err)
{
    double W = in->W, x = in->x, L = in->leader;
    int bad;
    char a[32], b[32], c[32], d[32];

    KH_TRACE(tr, "规则: 按与第一名的比例计分, 得分 = 分值 × %s",
             n->lower_better ? "第一名 / x (越低越好)" : "x / 第一名");
    if (isnan(x))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the value x is missing");
    KH_TRACE(tr, "第一名的值 = %s, 本单位 x = %s", kh_num(L, a), kh_num(x, b));
    bad = isnan(L) || L <= 0 || (n->lower_better && x <= 0);
    if (bad) {
        switch (n->rule.u.prop.on_bad_leader) {
        case KH_NONPOS_ZERO:
            KH_TRACE(tr, "第一名或本单位的值不为正数, 无法按比例计算, 按规定得 0 分");
            *score = 0;
            return KH_OK;
        case KH_NONPOS_FULL:
            KH_TRACE(tr, "第一名或本单位的值不为正数, 无法按比例计算, 按规定得满分 %s",
                     kh_num(W, a));
            *score = W;
            return KH_OK;
        default:
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "cannot score in proportion to the leader: leader = %s, x = %s "
                                "(both must be positive); set on_bad_leader to zero or full",
                                kh_num(L, a), kh_num(x, b));
        }
    }
    if (n->lower_better) {
        *score = W * L / x;
        KH_TRACE(tr, "得分 = 分值 × 第一名 / x = %s × %s / %s = %s", kh_num(W, a), kh_num(L, b),
                 kh_num(x, c), kh_num(*score, d));
    } else {
        *score = W * x / L;
        KH_TRACE(tr, "得分 = 分值 × x / 第一名 = %s × %s / %s = %s", kh_num(W, a), kh_num(x, b),
                 kh_num(L, c), kh_num(*score, d));
    }
    return KH_OK;
}

/* ---- R4 efficacy coefficient ------------------------------------------ */

/*
 * EFFICACY: d = low + (high − low)(x − worst)/(best − worst), clamped to
 * [low, high] when `clamp`; best == worst gives high (equal_high) or low;
 * score = W · d / scale.
 */
static int rule_efficacy(const struct kh_scheme *s, const struct kh_node *n,
                         const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                         struct kh_err *err)
{
    const struct kh_rule_efficacy *r = &n->rule.u.eff;
    double lo = kh_rule_param(&r->low, in, 60), hi = kh_rule_param(&r->high, in, 100);
    double sc = kh_rule_param(&r->scale, in, 100), x = in->x, best = in->best, worst = in->worst;
    double d;
    char a[32], b[32], c[32], e[32], f[32], g[32], h[32];

    KH_TRACE(tr,
             "规则: 功效系数 d = %s + (%s − %s) × (x − 不允许值) / (满意值 − 不允许值), "
             "得分 = 分值 × d / %s",
             kh_num(lo, a), kh_num(hi, b), kh_num(lo, c), kh_num(sc, e));
    if (isnan(x))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the value x is missing");
    if (isnan(best) || isnan(worst))
        return kh_rule_fail(err, s, n, in, NULL, 0,
                            "the satisfactory or not-allowed value is missing (best = %s, "
                            "worst = %s)",
                            kh_num(best, a), kh_num(worst, b));
    if (isnan(sc) || sc == 0)
        return kh_rule_fail(err, s, n, in, NULL, 0, "the scale must not be 0");
    KH_TRACE(tr, "满意值 = %s, 不允许值 = %s%s", kh_num(best, a), kh_num(worst, b),
             n->lower_better ? " (越低越好)" : "");
    if (best == worst) {
        d = r->equal_high ? hi : lo;
        KH_TRACE(tr, "满意值与不允许值相等, d = %s", kh_num(d, a));
    } else {
        d = lo + (hi - lo) * (x - worst) / (best - worst);
        KH_TRACE(tr, "d = %s + %s × (%s − %s) / (%s − %s) = %s", kh_num(lo, a), kh_num(hi - lo, b),
                 kh_num(x, c), kh_num(worst, e), kh_num(best, f), kh_num(worst, g), kh_num(d, h));
        if (r->clamp && d > hi) {
            KH_TRACE(tr, "d 高于 %s, 按 %s 计", kh_num(hi, a), kh_num(hi, b));
            d = hi;
        } else if (r->clamp && d < lo) {
            KH_TRACE(tr, "d 低于 %s, 按 %s 计", kh_num(lo, a), kh_num(lo, b));
            d = lo;
        }
    }
    *score = in->W * d / sc;
    KH_TRACE(tr, "得分 = 分值 × d / %s = %s × %s / %s = %s", kh_num(sc, a), kh_num(in->W, b),
             kh_num(d, c), kh_num(sc, e), kh_num(*score, f));
    return KH_OK;
}

/* ---- the dispatcher --------------------------------------------------- */

/*
 * See rules.h. Dispatches on the rule kind; on failure *score is NaN and
 * err names the node and the unit. A family that produces no finite number
 * (a parameter or W missing) is an error too, never a silent NaN.
 */
int kh_rule_eval(const struct kh_scheme *s, const struct kh_node *n, const struct kh_rule_unit *in,
                 double *score, struct kh_trace *tr, struct kh_err *err)
{
    int rc;

    *score = NAN;
    switch (n->rule.kind) {
    case KH_RULE_RATIO:
        rc = rule_ratio(s, n, in, score, tr, err);
        break;
    case KH_RULE_STEPS:
        rc = rule_steps(s, n, in, score, tr, err);
        break;
    case KH_RULE_PROPORTIONAL:
        rc = rule_proportional(s, n, in, score, tr, err);
        break;
    case KH_RULE_EFFICACY:
        rc = rule_efficacy(s, n, in, score, tr, err);
        break;
    case KH_RULE_RANK:
    case KH_RULE_BANDS:
    case KH_RULE_BINARY:
    case KH_RULE_COUNT:
    case KH_RULE_INDEX:
    case KH_RULE_FORMULA:
    case KH_RULE_SCORE:
        rc = kh_rule_table_eval(s, n, in, score, tr, err);
        break;
    case KH_RULE_BONUS:
    case KH_RULE_DEDUCT:
        rc = kh_rule_events_eval(s, n, in, score, tr, err);
        break;
    case KH_RULE_BALLOT:
        rc = kh_rule_ballot_eval(s, n, in, score, tr, err);
        break;
    default:
        return kh_rule_fail(err, s, n, in, NULL, 0, "the node has no scoring rule (kind %d)",
                            n->rule.kind);
    }
    if (rc == KH_OK && !isfinite(*score)) {
        char a[32], b[32];
        rc = kh_rule_fail(err, s, n, in, NULL, 0,
                          "the rule gave no finite score (%s); check the node's points W (%s) "
                          "and the rule's parameters",
                          kh_num(*score, a), kh_num(in->W, b));
    }
    if (rc != KH_OK)
        *score = NAN;
    return rc;
}
