/*
 * rules_table.c — the rule families that look a score up or compute it in
 * one step (research/rule-catalogue.md): points by rank from a list, bands
 * or a step decrement (R3a/b), banded thresholds (R6), binary completion
 * (R7), counts with a quota (R8), normalised indices (goalposts, min–max,
 * z-score), a custom formula and a plain score. Called by kh_rule_eval()
 * (rules.c); each family explains itself into the trace in Chinese.
 */
#include "base/common.h"
#include "engine/rules_int.h"

/* ---- R3a/b points by rank --------------------------------------------- */

/*
 * The points of place p (1-based) under rank rule r; writes how they were
 * found into why[0..whysz) when why is not NULL. NaN when a parameter the
 * form needs is missing.
 */
static double rank_place_points(const struct kh_rule_rank *r, const struct kh_rule_unit *in, int p,
                                char *why, size_t whysz)
{
    double rest = kh_rule_param(&r->rest, in, 0), v;
    char a[32], b[32], c[32];
    int i;

    switch (r->form) {
    case KH_RANK_LIST:
        if (p <= r->nlist) {
            if (why)
                snprintf(why, whysz, "名次表第%d项", p);
            return kh_rule_param(&r->list[p - 1], in, NAN);
        }
        if (why)
            snprintf(why, whysz, "其余名次 (名次表只列到第%d名)", r->nlist);
        return rest;
    case KH_RANK_BANDS:
        for (i = 0; i < r->nbands; i++)
            if (p >= r->bands[i].from && p <= r->bands[i].to) {
                if (why)
                    snprintf(why, whysz, "第%d–%d名档", r->bands[i].from, r->bands[i].to);
                return kh_rule_param(&r->bands[i].score, in, NAN);
            }
        if (why)
            snprintf(why, whysz, "其余名次 (不在任何名次档内)");
        return rest;
    default: {
        double first = kh_rule_param(&r->first, in, NAN);
        double step = kh_rule_param(&r->step, in, NAN);
        double floor = r->rest.set ? rest : 0;
        v = first - step * (p - 1);
        if (why && v < floor)
            snprintf(why, whysz, "max(%s, %s − %s × (%d − 1))", kh_num(floor, c), kh_num(first, a),
                     kh_num(step, b), p);
        else if (why)
            snprintf(why, whysz, "%s − %s × (%d − 1)", kh_num(first, a), kh_num(step, b), p);
        return v < floor ? floor : v;
    }
    }
}

/*
 * The sum of the points of places from .. from+count−1, without visiting
 * every place: past the list, the bands or the floor of a step ranking all
 * places score the same, and a step ranking's places form an arithmetic
 * series. Ties SHARE over thousands of tied units stays linear overall.
 */
static double rank_places_sum(const struct kh_rule_rank *r, const struct kh_rule_unit *in,
                              int from, int count)
{
    double rest = kh_rule_param(&r->rest, in, 0), sum = 0;
    long last = (long)from + count - 1, q;
    int i;

    switch (r->form) {
    case KH_RANK_LIST: {
        long upto = last < r->nlist ? last : r->nlist;
        for (q = from; q <= upto; q++)
            sum += kh_rule_param(&r->list[q - 1], in, NAN);
        if (last > r->nlist)
            sum += rest * (double)(last - (from > r->nlist ? from - 1 : r->nlist));
        return sum;
    }
    case KH_RANK_BANDS: {
        long covered = 0;
        for (i = 0; i < r->nbands; i++) {
            long lo = r->bands[i].from > from ? r->bands[i].from : from;
            long hi = r->bands[i].to < last ? r->bands[i].to : last;
            if (hi >= lo) {
                sum += kh_rule_param(&r->bands[i].score, in, NAN) * (double)(hi - lo + 1);
                covered += hi - lo + 1;
            }
        }
        return sum + rest * (double)(count - covered);
    }
    default: {
        double first = kh_rule_param(&r->first, in, NAN);
        double step = kh_rule_param(&r->step, in, NAN);
        double floor = r->rest.set ? rest : 0;
        long qmax = last; /* last place above the floor */
        if (step > 0) {
            double lim = (first - floor) / step + 1;
            qmax = lim < (double)from ? from - 1 : (lim > (double)last ? last : (long)lim);
            /* the place exactly at the floor scores the floor either way */
        }
        if (qmax >= from) {
            long n = qmax - from + 1;
            /* Σ first − step(q−1) for q = from..qmax */
            sum = first * (double)n - step * ((double)(from - 1 + qmax - 1) * (double)n / 2);
            if (step <= 0) /* never reaches the floor; values below it are clamped */
                for (sum = 0, q = from; q <= last; q++)
                    sum += rank_place_points(r, in, (int)q, NULL, 0);
        }
        if (step > 0 && last > qmax)
            sum += floor * (double)(last - (qmax >= from ? qmax : from - 1));
        return sum;
    }
    }
}

/* Write the "规则:" line of a rank rule. */
static void rank_describe(struct kh_trace *tr, const struct kh_rule_rank *r,
                          const struct kh_rule_unit *in)
{
    struct kh_buf b;
    char a[32], c[32], d[32];
    int i;

    kh_buf_init(&b, 4096);
    kh_buf_puts(&b, r->from_bottom ? "按倒数名次赋分" : "按名次赋分");
    switch (r->form) {
    case KH_RANK_LIST:
        kh_buf_puts(&b, ", 第1名起依次为 ");
        for (i = 0; i < r->nlist; i++)
            kh_buf_printf(&b, "%s%s", i ? ", " : "",
                          kh_num(kh_rule_param(&r->list[i], in, NAN), a));
        kh_buf_printf(&b, " 分; 其余 %s 分", kh_num(kh_rule_param(&r->rest, in, 0), a));
        break;
    case KH_RANK_BANDS:
        for (i = 0; i < r->nbands; i++)
            kh_buf_printf(&b, "%s第%d–%d名 %s 分", i ? "; " : ": ", r->bands[i].from,
                          r->bands[i].to, kh_num(kh_rule_param(&r->bands[i].score, in, NAN), a));
        kh_buf_printf(&b, "; 其余 %s 分", kh_num(kh_rule_param(&r->rest, in, 0), a));
        break;
    default:
        kh_buf_printf(&b, ", 第1名 %s 分, 每后移1名减 %s 分, 最低 %s 分",
                      kh_num(kh_rule_param(&r->first, in, NAN), a),
                      kh_num(kh_rule_param(&r->step, in, NAN), c),
                      kh_num(r->rest.set ? kh_rule_param(&r->rest, in, 0) : 0, d));
        break;
    }
    if (r->ties == KH_TIES_SHARE)
        kh_buf_puts(&b, " (并列者平分所占名次的分值)");
    kh_trace_line(tr, "规则: %s", kh_buf_str(&b));
    kh_buf_free(&b);
}

/*
 * RANK: the points of the unit's place; with ties SHARE the ntied units at
 * place r share the mean of the points of places r .. r+ntied−1.
 */
static int rule_rank(const struct kh_scheme *s, const struct kh_node *n,
                     const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                     struct kh_err *err)
{
    const struct kh_rule_rank *r = &n->rule.u.rank;
    int p = in->rank, nt = in->ntied > 0 ? in->ntied : 1, k;
    const char *end = r->from_bottom ? "倒数" : "";
    char why[160], a[32], b[32];

    if (tr)
        rank_describe(tr, r, in);
    if (p < 1)
        return kh_rule_fail(err, s, n, in, NULL, 0,
                            "the unit has no rank (its value is missing or it is not ranked)");
    if (r->form == KH_RANK_STEP &&
        (isnan(kh_rule_param(&r->first, in, NAN)) || isnan(kh_rule_param(&r->step, in, NAN))))
        return kh_rule_fail(err, s, n, in, NULL, 0, "a step ranking needs both `first` and `step`");
    if (nt > 1)
        KH_TRACE(tr, "名次: %s第%d名, %d 个单位并列 (共 %d 个单位参与排名)", end, p, nt,
                 in->ngroup);
    else
        KH_TRACE(tr, "名次: %s第%d名 (共 %d 个单位参与排名)", end, p, in->ngroup);
    if (r->ties == KH_TIES_SHARE && nt > 1) {
        struct kh_buf terms;
        double sum = 0;

        kh_buf_init(&terms, 4096);
        for (k = 0; tr && k < nt && k < 20; k++)
            kh_buf_printf(&terms, "%s%s", k ? " + " : "",
                          kh_num(rank_place_points(r, in, p + k, NULL, 0), a));
        if (tr && nt > 20)
            kh_buf_printf(&terms, " + … (共 %d 项)", nt);
        sum = rank_places_sum(r, in, p, nt);
        *score = sum / nt;
        KH_TRACE(tr, "并列单位平分%s第%d–%d名的分值: (%s) / %d = %s", end, p, p + nt - 1,
                 kh_buf_str(&terms), nt, kh_num(*score, b));
        kh_buf_free(&terms);
        return KH_OK;
    }
    *score = rank_place_points(r, in, p, tr ? why : NULL, sizeof(why));
    KH_TRACE(tr, "得分 = %s = %s", why, kh_num(*score, a));
    return KH_OK;
}

/* ---- R6 bands --------------------------------------------------------- */

/*
 * Does q fall in band bd? Every bound given must hold; bounds are compared
 * with kh_rule_cmp's tolerance so that a computed 30.000000000000004 sits
 * on the boundary 30. Writes the band's description into desc.
 */
static int band_holds(const struct kh_band *bd, const struct kh_rule_unit *in, double q,
                      struct kh_buf *desc)
{
    int ok = 1;
    char a[32];

    if (bd->has_gt) {
        double v = kh_rule_param(&bd->gt, in, NAN);
        ok = ok && !isnan(v) && kh_rule_cmp(q, v) > 0;
        if (desc)
            kh_buf_printf(desc, "%s> %s", desc->len ? " 且 " : "", kh_num(v, a));
    }
    if (bd->has_ge) {
        double v = kh_rule_param(&bd->ge, in, NAN);
        ok = ok && !isnan(v) && kh_rule_cmp(q, v) >= 0;
        if (desc)
            kh_buf_printf(desc, "%s≥ %s", desc->len ? " 且 " : "", kh_num(v, a));
    }
    if (bd->has_lt) {
        double v = kh_rule_param(&bd->lt, in, NAN);
        ok = ok && !isnan(v) && kh_rule_cmp(q, v) < 0;
        if (desc)
            kh_buf_printf(desc, "%s< %s", desc->len ? " 且 " : "", kh_num(v, a));
    }
    if (bd->has_le) {
        double v = kh_rule_param(&bd->le, in, NAN);
        ok = ok && !isnan(v) && kh_rule_cmp(q, v) <= 0;
        if (desc)
            kh_buf_printf(desc, "%s≤ %s", desc->len ? " 且 " : "", kh_num(v, a));
    }
    if (desc && !desc->len)
        kh_buf_puts(desc, "任意值");
    return ok;
}

/* BANDS: the score of the first band that holds for in->computed; none: 0. */
static int rule_bands(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_bands *r = &n->rule.u.bands;
    double q = in->computed;
    struct kh_buf desc;
    char a[32], b[32];
    int i;

    KH_TRACE(tr, "规则: 分档计分, 共 %d 档, 取第一个符合的档", r->nbands);
    if (isnan(q))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the banded quantity is missing");
    KH_TRACE(tr, "分档依据 = %s", kh_num(q, a));
    kh_buf_init(&desc, 4096);
    for (i = 0; i < r->nbands; i++) {
        kh_buf_reset(&desc);
        if (band_holds(&r->bands[i], in, q, tr ? &desc : NULL)) {
            *score = kh_rule_param(&r->bands[i].score, in, NAN);
            KH_TRACE(tr, "落在第%d档 (%s), 得分 = %s", i + 1, kh_buf_str(&desc), kh_num(*score, b));
            kh_buf_free(&desc);
            if (isnan(*score))
                return kh_rule_fail(err, s, n, in, NULL, 0, "band %d has no score", i + 1);
            return KH_OK;
        }
    }
    kh_buf_free(&desc);
    *score = 0;
    KH_TRACE(tr, "%s 不在任何一档内, 得分 = 0", kh_num(q, a));
    return KH_OK;
}

/* ---- R7 binary, R8 counts --------------------------------------------- */

/* BINARY: W when the condition holds, `other` (default 0) when it does not. */
static int rule_binary(const struct kh_scheme *s, const struct kh_node *n,
                       const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                       struct kh_err *err)
{
    double other = kh_rule_param(&n->rule.u.binary.other, in, 0);
    char a[32], b[32];

    KH_TRACE(tr, "规则: 完成得 %s 分, 未完成得 %s 分", kh_num(in->W, a), kh_num(other, b));
    if (isnan(in->cond))
        return kh_rule_fail(err, s, n, in, NULL, 0,
                            "the condition could not be evaluated (a value it reads is missing)");
    if (in->cond != 0) {
        *score = in->W;
        KH_TRACE(tr, "条件成立, 得分 = %s", kh_num(*score, a));
    } else {
        *score = other;
        KH_TRACE(tr, "条件不成立, 得分 = %s", kh_num(*score, a));
    }
    return KH_OK;
}

/*
 * COUNT: n = x; below the quota the score is `below`; at or above it
 * base + per · (n − quota), capped at max when set.
 */
static int rule_count(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_count *r = &n->rule.u.count;
    double quota = kh_rule_param(&r->quota, in, 0), base = kh_rule_param(&r->base, in, 0);
    double per = kh_rule_param(&r->per, in, NAN), below = kh_rule_param(&r->below, in, 0);
    double max = r->max.set ? kh_rule_param(&r->max, in, NAN) : NAN, x = in->x;
    char a[32], b[32], c[32], d[32], e[32], f[32];

    KH_TRACE(tr, "规则: 达到 %s 个得 %s 分, 每多 1 个加 %s 分, 不足 %s 个得 %s 分%s%s%s",
             kh_num(quota, a), kh_num(base, b), kh_num(per, c), kh_num(quota, d), kh_num(below, e),
             isnan(max) ? "" : ", 最多 ", isnan(max) ? "" : kh_num(max, f),
             isnan(max) ? "" : " 分");
    if (isnan(x))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the count x is missing");
    if (isnan(per))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the count rule has no points per item (per)");
    if (kh_rule_cmp(x, quota) < 0) {
        *score = below;
        KH_TRACE(tr, "数量 n = %s, 不足 %s, 得分 = %s", kh_num(x, a), kh_num(quota, b),
                 kh_num(below, c));
        return KH_OK;
    }
    *score = base + per * (x - quota);
    KH_TRACE(tr, "得分 = %s + %s × (%s − %s) = %s", kh_num(base, a), kh_num(per, b), kh_num(x, c),
             kh_num(quota, d), kh_num(*score, e));
    if (!isnan(max) && *score > max) {
        KH_TRACE(tr, "超过上限 %s, 按 %s 计", kh_num(max, a), kh_num(max, b));
        *score = max;
    }
    return KH_OK;
}

/* ---- indices, formulas, plain scores ----------------------------------- */

/* Natural log of the three goalpost values for an index with `log`. */
static int index_log(const struct kh_scheme *s, const struct kh_node *n,
                     const struct kh_rule_unit *in, double *x, double *lo, double *hi,
                     struct kh_trace *tr, struct kh_err *err)
{
    char a[32], b[32], c[32];

    if (!(*x > 0) || !(*lo > 0) || !(*hi > 0))
        return kh_rule_fail(err, s, n, in, NULL, 0,
                            "a log index needs positive values (x = %s, min = %s, max = %s)",
                            kh_num(*x, a), kh_num(*lo, b), kh_num(*hi, c));
    *x = log(*x);
    *lo = log(*lo);
    *hi = log(*hi);
    KH_TRACE(tr, "取自然对数: ln x = %s, ln 下限 = %s, ln 上限 = %s", kh_num(*x, a), kh_num(*lo, b),
             kh_num(*hi, c));
    return KH_OK;
}

/*
 * INDEX: goalposts (x − min)/(max − min) with min/max from the rule, min–max
 * with the group's min and max (equal: 1), or z-score (x − mean)/std (std 0:
 * 0); reversed when lower is better; clamped to [0, 1] when `clamp` (not for
 * z-scores); score = W · index.
 */
static int rule_index(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_index *r = &n->rule.u.index;
    double x = in->x, lo, hi, idx;
    char a[32], b[32], c[32], d[32], e[32];
    int rc;

    if (isnan(x))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the value x is missing");
    if (r->method == KH_INDEX_ZSCORE) {
        KH_TRACE(tr, "规则: 标准分 z = (x − 组均值) / 组标准差%s, 得分 = 分值 × z",
                 n->lower_better ? ", 越低越好时取反" : "");
        if (r->log)
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "a z-score index cannot take the log of x (log: true)");
        if (isnan(in->gmean) || isnan(in->gstd))
            return kh_rule_fail(err, s, n, in, NULL, 0, "the group mean or std is missing");
        if (in->gstd == 0) {
            idx = 0;
            KH_TRACE(tr, "组标准差为 0 (各单位相同), z = 0");
        } else {
            idx = (x - in->gmean) / in->gstd;
            if (n->lower_better)
                idx = -idx;
            KH_TRACE(tr, "z = %s(%s − %s) / %s = %s", n->lower_better ? "−" : "", kh_num(x, a),
                     kh_num(in->gmean, b), kh_num(in->gstd, c), kh_num(idx, d));
        }
    } else {
        int gp = r->method == KH_INDEX_GOALPOSTS;
        lo = gp ? kh_rule_param(&r->min, in, NAN) : in->gmin;
        hi = gp ? kh_rule_param(&r->max, in, NAN) : in->gmax;
        KH_TRACE(tr, "规则: 指数 = (x − %s) / (%s − %s)%s%s, 得分 = 分值 × 指数",
                 gp ? "下限" : "组最小值", gp ? "上限" : "组最大值", gp ? "下限" : "组最小值",
                 n->lower_better ? ", 越低越好时取 1 − 指数" : "",
                 r->clamp ? ", 限定在 [0, 1]" : "");
        if (isnan(lo) || isnan(hi))
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                gp ? "the index goalposts min and max must both be set"
                                   : "the group min or max is missing");
        KH_TRACE(tr, "%s = %s, %s = %s, x = %s", gp ? "下限" : "组最小值", kh_num(lo, a),
                 gp ? "上限" : "组最大值", kh_num(hi, b), kh_num(x, c));
        if (r->log) {
            rc = index_log(s, n, in, &x, &lo, &hi, tr, err);
            if (rc)
                return rc;
        }
        if (hi == lo) {
            if (gp)
                return kh_rule_fail(err, s, n, in, NULL, 0,
                                    "the index goalposts min and max are equal (%s)",
                                    kh_num(lo, a));
            idx = 1;
            KH_TRACE(tr, "组最大值等于最小值, 指数 = 1");
        } else {
            idx = (x - lo) / (hi - lo);
            KH_TRACE(tr, "指数 = (%s − %s) / (%s − %s) = %s", kh_num(x, a), kh_num(lo, b),
                     kh_num(hi, c), kh_num(lo, d), kh_num(idx, e));
            if (n->lower_better) {
                idx = 1 - idx;
                KH_TRACE(tr, "越低越好: 指数 = 1 − 指数 = %s", kh_num(idx, a));
            }
        }
        if (r->clamp && (idx < 0 || idx > 1)) {
            double cl = idx < 0 ? 0 : 1;
            KH_TRACE(tr, "指数 %s 超出 [0, 1], 按 %s 计", kh_num(idx, a), kh_num(cl, b));
            idx = cl;
        }
    }
    *score = in->W * idx;
    KH_TRACE(tr, "得分 = 分值 × 指数 = %s × %s = %s", kh_num(in->W, a), kh_num(idx, b),
             kh_num(*score, c));
    return KH_OK;
}

/* FORMULA: the score is the expression's value, computed by the engine. */
static int rule_formula(const struct kh_scheme *s, const struct kh_node *n,
                        const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                        struct kh_err *err)
{
    char a[32];

    if (isnan(in->computed))
        return kh_rule_fail(err, s, n, in, NULL, 0,
                            "the formula gave no value (a value it reads is missing, or it "
                            "divides by 0)");
    *score = in->computed;
    KH_TRACE(tr, "得分 = 公式结果 = %s", kh_num(*score, a));
    return KH_OK;
}

/* SCORE: x is the score (W · x / scale when a scale is set). */
static int rule_score(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_score *r = &n->rule.u.score;
    char a[32], b[32], c[32], d[32];

    KH_TRACE(tr, "规则: 实际值即得分%s", r->scale.set ? ", 按满分比例折算为分值" : "");
    if (isnan(in->x))
        return kh_rule_fail(err, s, n, in, NULL, 0, "the value x is missing");
    if (!r->scale.set) {
        *score = in->x;
        KH_TRACE(tr, "得分 = x = %s", kh_num(*score, a));
        return KH_OK;
    }
    {
        double sc = kh_rule_param(&r->scale, in, NAN);
        if (isnan(sc) || sc == 0)
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "the score scale must be a non-zero number");
        *score = in->W * in->x / sc;
        KH_TRACE(tr, "得分 = 分值 × x / %s = %s × %s / %s = %s", kh_num(sc, a), kh_num(in->W, b),
                 kh_num(in->x, c), a, kh_num(*score, d));
    }
    return KH_OK;
}

/* See rules_int.h: rank, bands, binary, count, index, formula, score. */
int kh_rule_table_eval(const struct kh_scheme *s, const struct kh_node *n,
                       const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                       struct kh_err *err)
{
    switch (n->rule.kind) {
    case KH_RULE_RANK:
        return rule_rank(s, n, in, score, tr, err);
    case KH_RULE_BANDS:
        return rule_bands(s, n, in, score, tr, err);
    case KH_RULE_BINARY:
        return rule_binary(s, n, in, score, tr, err);
    case KH_RULE_COUNT:
        return rule_count(s, n, in, score, tr, err);
    case KH_RULE_INDEX:
        return rule_index(s, n, in, score, tr, err);
    case KH_RULE_FORMULA:
        return rule_formula(s, n, in, score, tr, err);
    case KH_RULE_SCORE:
        return rule_score(s, n, in, score, tr, err);
    default:
        return kh_rule_fail(err, s, n, in, NULL, 0, "rule kind %d is not a table rule",
                            n->rule.kind);
    }
}
