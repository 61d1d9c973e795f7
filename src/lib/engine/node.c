/*
 * node.c — scores one node of the indicator tree for every unit.
 *
 * A leaf first prepares, as columns, what its rule family needs from the
 * whole group (reference values, ranks, the leader, best and worst, group
 * statistics, conditions), then scores each unit: special cases (`when:`)
 * first, then the missing-data policy, then the rule (rules.c), then the
 * node's multiplier (R16), clamp and item rounding. A parent combines its
 * children (sum, or a weighted arithmetic, geometric or harmonic mean),
 * re-weighting around children excluded for missing data (R15).
 */
#include "base/common.h"
#include "engine/engine_int.h"

static int oom(struct kh_err *err)
{
    return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
}

static double *newcol(size_t n)
{
    return malloc(sizeof(double) * (n ? n : 1));
}

void kh_node_prep_free(struct node_prep *p)
{
    free(p->ref);
    free(p->leader);
    free(p->best);
    free(p->worst);
    free(p->cond);
    free(p->computed);
    free(p->gmin);
    free(p->gmax);
    free(p->gmean);
    free(p->gstd);
    free(p->rank);
    free(p->ntied);
    free(p->gsize);
    if (p->ov_when) {
        free(p->ov_when[0]);
        free(p->ov_when);
    }
    if (p->ov_score) {
        free(p->ov_score[0]);
        free(p->ov_score);
    }
    free(p->mult);
    free(p->ballot_valid);
    free(p->bal_start);
    free(p->bal_idx);
    memset(p, 0, sizeof(*p));
}

static const double *col_of(const struct kh_result *r, int slot)
{
    return slot >= 0 ? r->cols[slot] : NULL;
}

/* Per-group statistics of v, broadcast back to the units. */
static int group_stats(const struct kh_result *r, const double *v, const int *g, int ng,
                       double *gmin, double *gmax, double *gmean, double *gstd)
{
    double *mn = newcol((size_t)ng), *mx = newcol((size_t)ng), *sum = newcol((size_t)ng),
           *sq = newcol((size_t)ng);
    size_t *cnt = calloc((size_t)(ng ? ng : 1), sizeof(size_t)), u;
    int k;

    if (!mn || !mx || !sum || !sq || !cnt) {
        free(mn);
        free(mx);
        free(sum);
        free(sq);
        free(cnt);
        return KH_ENOMEM;
    }
    for (k = 0; k < ng; k++) {
        mn[k] = mx[k] = NAN;
        sum[k] = sq[k] = 0;
    }
    for (u = 0; u < r->n; u++) {
        if (g[u] < 0 || isnan(v[u]))
            continue;
        k = g[u];
        if (!cnt[k] || v[u] < mn[k])
            mn[k] = v[u];
        if (!cnt[k] || v[u] > mx[k])
            mx[k] = v[u];
        sum[k] += v[u];
        cnt[k]++;
    }
    for (u = 0; u < r->n; u++) {
        if (g[u] < 0 || isnan(v[u]) || !cnt[g[u]])
            continue;
        k = g[u];
        sq[k] += (v[u] - sum[k] / (double)cnt[k]) * (v[u] - sum[k] / (double)cnt[k]);
    }
    for (u = 0; u < r->n; u++) {
        int has = g[u] >= 0 && cnt[g[u]];
        k = g[u];
        if (gmin)
            gmin[u] = has ? mn[k] : NAN;
        if (gmax)
            gmax[u] = has ? mx[k] : NAN;
        if (gmean)
            gmean[u] = has ? sum[k] / (double)cnt[k] : NAN;
        if (gstd)
            gstd[u] = has ? sqrt(sq[k] / (double)cnt[k]) : NAN;
    }
    free(mn);
    free(mx);
    free(sum);
    free(sq);
    free(cnt);
    return KH_OK;
}

/* Ballot rows of the meeting, grouped by unit. */
static int ballot_index(struct kh_result *r, const struct kh_rule_ballot *b, struct node_prep *p)
{
    const struct kh_dataset *ds = r->ds;
    size_t i, u, *fill;

    p->bal_start = calloc(r->n + 1, sizeof(size_t));
    p->bal_idx = malloc(sizeof(size_t) * (ds->nballots ? ds->nballots : 1));
    fill = calloc(r->n + 1, sizeof(size_t));
    if (!p->bal_start || !p->bal_idx || !fill) {
        free(fill);
        return KH_ENOMEM;
    }
    for (i = 0; i < ds->nballots; i++)
        if (strcmp(ds->ballots[i].meeting, b->meeting) == 0)
            p->bal_start[ds->ballots[i].unit + 1]++;
    for (u = 0; u < r->n; u++)
        p->bal_start[u + 1] += p->bal_start[u];
    for (i = 0; i < ds->nballots; i++)
        if (strcmp(ds->ballots[i].meeting, b->meeting) == 0) {
            size_t un = (size_t)ds->ballots[i].unit;
            p->bal_idx[p->bal_start[un] + fill[un]++] = i;
        }
    free(fill);
    return KH_OK;
}

/*
 * *out = a new column: e evaluated over the node's group, or, without e, a
 * copy of `fallback` (all NaN when that is NULL too).
 */
static int eval_or_copy(struct kh_result *r, const struct node_prep *p, const struct kh_expr *e,
                        const double *fallback, double **out, struct kh_err *err)
{
    size_t u;

    if (!(*out = newcol(r->n)))
        return oom(err);
    if (e)
        return kh_eval(r, e, p->group, p->ngroups, *out, err);
    for (u = 0; u < r->n; u++)
        (*out)[u] = fallback ? fallback[u] : NAN;
    return KH_OK;
}

int kh_node_prepare(struct kh_result *r, int ni, struct node_prep *p, struct kh_err *err)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    const struct kh_rule *ru = &nd->rule;
    const double *x, *t;
    size_t u;
    int rc, k;

    memset(p, 0, sizeof(*p));
    if (!(p->group = kh_node_groups(r, ni, &p->ngroups, err)))
        return err && err->code ? err->code : oom(err);
    if (nd->slot_x >= 0 && (rc = kh_col_ensure(r, nd->slot_x, err)))
        return rc;
    if (nd->slot_t >= 0 && (rc = kh_col_ensure(r, nd->slot_t, err)))
        return rc;
    if (nd->slot_b >= 0 && (rc = kh_col_ensure(r, nd->slot_b, err)))
        return rc;
    x = col_of(r, nd->slot_x);
    t = col_of(r, nd->slot_t);

    if (nd->noverrides) {
        p->ov_when = calloc((size_t)nd->noverrides, sizeof(double *));
        p->ov_score = calloc((size_t)nd->noverrides, sizeof(double *));
        if (!p->ov_when || !p->ov_score)
            return oom(err);
        p->ov_when[0] = newcol(r->n * (size_t)nd->noverrides);
        p->ov_score[0] = newcol(r->n * (size_t)nd->noverrides);
        if (!p->ov_when[0] || !p->ov_score[0])
            return oom(err);
        for (k = 0; k < nd->noverrides; k++) {
            p->ov_when[k] = p->ov_when[0] + r->n * (size_t)k;
            p->ov_score[k] = p->ov_score[0] + r->n * (size_t)k;
            if ((rc = kh_eval(r, nd->overrides[k].when, p->group, p->ngroups, p->ov_when[k],
                              err)) ||
                (rc = kh_eval(r, nd->overrides[k].score, p->group, p->ngroups, p->ov_score[k],
                              err)))
                return rc;
        }
    }
    if (nd->multiplier) {
        if (!(p->mult = newcol(r->n)))
            return oom(err);
        if ((rc = kh_eval(r, nd->multiplier, p->group, p->ngroups, p->mult, err)))
            return rc;
    }

    switch (ru->kind) {
    case KH_RULE_STEPS:
        return eval_or_copy(r, p, ru->u.steps.ref, t, &p->ref, err);
    case KH_RULE_RANK: {
        double *by = newcol(r->n);
        p->rank = malloc(sizeof(int) * (r->n ? r->n : 1));
        p->ntied = malloc(sizeof(int) * (r->n ? r->n : 1));
        p->gsize = malloc(sizeof(int) * (size_t)(p->ngroups ? p->ngroups : 1));
        if (!by || !p->rank || !p->ntied || !p->gsize) {
            free(by);
            return oom(err);
        }
        if (ru->u.rank.by) {
            if ((rc = kh_eval(r, ru->u.rank.by, p->group, p->ngroups, by, err))) {
                free(by);
                return rc;
            }
        } else {
            for (u = 0; u < r->n; u++)
                by[u] = x ? x[u] : NAN;
        }
        rc = kh_rank_groups(by, p->group, r->n, p->ngroups,
                            nd->lower_better ^ ru->u.rank.from_bottom,
                            ru->u.rank.ties == KH_TIES_SHARE ? KH_TIES_COMPETITION
                                                             : ru->u.rank.ties,
                            NULL, p->rank, p->ntied, p->gsize);
        free(by);
        return rc ? oom(err) : KH_OK;
    }
    case KH_RULE_PROPORTIONAL:
        if (!(p->leader = newcol(r->n)))
            return oom(err);
        return group_stats(r, x, p->group, p->ngroups, nd->lower_better ? p->leader : NULL,
                           nd->lower_better ? NULL : p->leader, NULL, NULL)
                   ? oom(err)
                   : KH_OK;
    case KH_RULE_EFFICACY: {
        const struct kh_rule_efficacy *e = &ru->u.eff;
        double *gmn = newcol(r->n), *gmx = newcol(r->n);
        p->best = newcol(r->n);
        p->worst = newcol(r->n);
        if (!gmn || !gmx || !p->best || !p->worst ||
            group_stats(r, x, p->group, p->ngroups, gmn, gmx, NULL, NULL)) {
            free(gmn);
            free(gmx);
            return oom(err);
        }
        memcpy(p->best, nd->lower_better ? gmn : gmx, sizeof(double) * r->n);
        memcpy(p->worst, nd->lower_better ? gmx : gmn, sizeof(double) * r->n);
        free(gmn);
        free(gmx);
        if (e->best && (rc = kh_eval(r, e->best, p->group, p->ngroups, p->best, err)))
            return rc;
        if (e->worst && (rc = kh_eval(r, e->worst, p->group, p->ngroups, p->worst, err)))
            return rc;
        return KH_OK;
    }
    case KH_RULE_INDEX:
        p->gmin = newcol(r->n);
        p->gmax = newcol(r->n);
        p->gmean = newcol(r->n);
        p->gstd = newcol(r->n);
        if (!p->gmin || !p->gmax || !p->gmean || !p->gstd)
            return oom(err);
        return group_stats(r, x, p->group, p->ngroups, p->gmin, p->gmax, p->gmean, p->gstd)
                   ? oom(err)
                   : KH_OK;
    case KH_RULE_BINARY:
        if (!(p->cond = newcol(r->n)))
            return oom(err);
        if (ru->u.binary.when)
            return kh_eval(r, ru->u.binary.when, p->group, p->ngroups, p->cond, err);
        for (u = 0; u < r->n; u++)
            p->cond[u] = !x || isnan(x[u]) ? NAN : (x[u] > 0 ? 1 : 0);
        return KH_OK;
    case KH_RULE_BANDS:
        return eval_or_copy(r, p, ru->u.bands.on, x, &p->computed, err);
    case KH_RULE_FORMULA:
        return eval_or_copy(r, p, ru->u.formula.expr, NULL, &p->computed, err);
    case KH_RULE_BALLOT:
        p->ballot_valid = malloc(r->ds->nballots ? r->ds->nballots : 1);
        if (!p->ballot_valid || ballot_index(r, &ru->u.ballot, p))
            return oom(err);
        return kh_ballot_validate(&ru->u.ballot, r->ds, p->ballot_valid, err);
    default:
        return KH_OK;
    }
}

/*
 * Is the quantity the rule works on missing for unit u? The value x for
 * most rules; for binary with when:, bands with on:, rank with by: and
 * formula rules, the computed condition, quantity, rank or formula.
 */
static int rule_input_missing(const struct kh_result *r, const struct kh_node *nd,
                              const struct node_prep *p, size_t u, double x)
{
    if (kh_node_reads_x(nd))
        return isnan(x);
    switch (nd->rule.kind) {
    case KH_RULE_BALLOT: {
        /* No valid mark from anyone (ignored grades such as 不了解 aside). */
        const struct kh_rule_ballot *b = &nd->rule.u.ballot;
        size_t k;
        int i;
        for (k = p->bal_start[u]; k < p->bal_start[u + 1]; k++) {
            const struct kh_ballot *bl = &r->ds->ballots[p->bal_idx[k]];
            int ignored = 0;
            if (!p->ballot_valid[p->bal_idx[k]])
                continue;
            for (i = 0; bl->grade && i < b->nignore; i++)
                ignored |= strcmp(bl->grade, b->ignore[i]) == 0;
            if (!ignored)
                return 0;
        }
        return 1;
    }
    case KH_RULE_BINARY:
        return p->cond && isnan(p->cond[u]);
    case KH_RULE_BANDS:
    case KH_RULE_FORMULA:
        return p->computed && isnan(p->computed[u]);
    case KH_RULE_RANK:
        return p->rank && p->rank[u] == 0;
    default:
        return 0;
    }
}

static int item_matches(const struct kh_rule_events *ev, const char *item)
{
    int i;
    for (i = 0; i < ev->nitems; i++)
        if (strcmp(ev->items[i], item) == 0)
            return 1;
    return 0;
}

/* An empty rule input. */
static const struct kh_rule_unit zero_in;

int kh_leaf_unit(struct kh_result *r, int ni, const struct node_prep *p, size_t u,
                 double *score, int *flag, struct kh_trace *tr, struct kh_err *err)
{
    const struct kh_scheme *s = r->s;
    const struct kh_node *nd = &s->nodes[ni];
    const struct kh_dataset *ds = r->ds;
    const double *xc = col_of(r, nd->slot_x), *tc = col_of(r, nd->slot_t),
                 *bc = col_of(r, nd->slot_b);
    struct kh_rule_unit in;
    const struct kh_event *evbuf[64], **evs = evbuf;
    const struct kh_ballot *blbuf[64], **bls = blbuf;
    unsigned char vbuf[64], *valid = vbuf;
    size_t k, nev = 0, nbl = 0;
    int rc, j;
    char num[32];

    *flag = KH_FLAG_OK;
    for (j = 0; j < nd->noverrides; j++) {
        double w = p->ov_when[j][u];
        if (!isnan(w) && w != 0) {
            *score = p->ov_score[j][u];
            *flag = KH_FLAG_OVERRIDE;
            if (tr) {
                struct kh_buf b;
                kh_buf_init(&b, 4096);
                kh_expr_text(nd->overrides[j].when, &b);
                KH_TRACE(tr, "特殊情形: 条件 %s 成立 (第%d行), 得分 = %s", kh_buf_str(&b),
                              nd->overrides[j].pos.line, kh_num(*score, num));
                kh_buf_free(&b);
            }
            return KH_OK;
        }
    }
    /* A copy of a zeroed constant, not memset: the per-unit hot path. */
    in = zero_in;
    in.unit = (int)u;
    in.cat = r->cat[u];
    in.unit_id = ds->units[u].id;
    in.x = xc ? xc[u] : NAN;
    in.t = tc ? tc[u] : NAN;
    in.b = bc ? bc[u] : NAN;
    in.W = kh_node_w(r, ni, u);
    in.files = (const char *const *)ds->files;
    if (nd->group == KH_GROUP_TAG && p->group[u] < 0)
        return kh_err_set(err, KH_EINVAL, s->file, nd->pos.line, nd->pos.col,
                          "unit '%s' (%s) does not carry the tag '%s' that indicator '%s' "
                          "compares within (group: tag:%s); add the tag in units.csv, or limit "
                          "the indicator to some categories with only:",
                          ds->units[u].id, ds->units[u].name ? ds->units[u].name : "",
                          nd->group_tag, nd->id, nd->group_tag);
    if (rule_input_missing(r, nd, p, u, in.x)) {
        switch (nd->missing) {
        case KH_MISSING_ZERO:
            *score = 0;
            *flag = KH_FLAG_ZERO;
            KH_TRACE(tr, "缺少数据: 按规定 (missing: zero) 记0分");
            return KH_OK;
        case KH_MISSING_MEAN:
            *score = NAN;
            *flag = KH_FLAG_MEAN;
            KH_TRACE(tr, "缺少数据: 按规定 (missing: mean) 取同组平均得分");
            return KH_OK;
        case KH_MISSING_EXCLUDE:
            *score = NAN;
            *flag = KH_FLAG_EXCLUDED;
            KH_TRACE(tr, "缺少数据: 按规定 (missing: exclude) 不计此项, 上级指标按比例折算");
            return KH_OK;
        default:
            return kh_err_set(err, KH_EINVAL, s->file, nd->pos.line, nd->pos.col,
                              "unit '%s' (%s) has no value for indicator '%s' (%s) in %s; add "
                              "it to the data, or give the indicator missing: zero, mean or "
                              "exclude",
                              ds->units[u].id, ds->units[u].name, nd->id, nd->name,
                              r->period_text);
        }
    }
    if (p->ref)
        in.ref = p->ref[u];
    if (p->leader)
        in.leader = p->leader[u];
    if (p->best)
        in.best = p->best[u];
    if (p->worst)
        in.worst = p->worst[u];
    if (p->gmin) {
        in.gmin = p->gmin[u];
        in.gmax = p->gmax[u];
        in.gmean = p->gmean[u];
        in.gstd = p->gstd[u];
    }
    if (p->cond)
        in.cond = p->cond[u];
    if (p->computed)
        in.computed = p->computed[u];
    if (p->rank) {
        in.rank = p->rank[u];
        in.ntied = p->ntied[u];
        in.ngroup = p->group[u] >= 0 ? p->gsize[p->group[u]] : 0;
    }
    if (nd->rule.kind == KH_RULE_BONUS || nd->rule.kind == KH_RULE_DEDUCT) {
        size_t cnt = r->ev_start[u + 1] - r->ev_start[u];
        if (cnt > KH_ARRAY_LEN(evbuf) && !(evs = malloc(sizeof(*evs) * cnt)))
            return oom(err);
        for (k = r->ev_start[u]; k < r->ev_start[u + 1]; k++) {
            const struct kh_event *e = &ds->events[r->ev_idx[k]];
            if (item_matches(&nd->rule.u.events, e->item))
                evs[nev++] = e;
        }
        in.events = evs;
        in.nevents = nev;
    }
    if (nd->rule.kind == KH_RULE_BALLOT) {
        size_t cnt = p->bal_start[u + 1] - p->bal_start[u];
        if (cnt > KH_ARRAY_LEN(blbuf)) {
            bls = malloc(sizeof(*bls) * cnt);
            valid = malloc(cnt);
            if (!bls || !valid) {
                if (bls != blbuf)
                    free(bls);
                if (valid != vbuf)
                    free(valid);
                return oom(err);
            }
        }
        for (k = p->bal_start[u]; k < p->bal_start[u + 1]; k++) {
            bls[nbl] = &ds->ballots[p->bal_idx[k]];
            valid[nbl++] = p->ballot_valid[p->bal_idx[k]];
        }
        in.ballots = bls;
        in.nballots = nbl;
        in.ballot_valid = valid;
    }
    rc = kh_rule_eval(s, nd, &in, score, tr, err);
    if (evs != evbuf)
        free(evs);
    if (bls != blbuf)
        free(bls);
    if (valid != vbuf)
        free(valid);
    return rc;
}

double kh_node_post(struct kh_result *r, int ni, const struct node_prep *p, size_t u,
                    double v, struct kh_trace *tr)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    double W = kh_node_w(r, ni, u), lim;
    const char *uid = r->ds->units[u].id;
    char a[32], b[32], c[32];

    if (isnan(v))
        return v;
    if (p && p->mult) {
        double m = p->mult[u];
        KH_TRACE(tr, "乘以系数 %s: %s × %s = %s", "multiplier", kh_num(v, a), kh_num(m, b),
                      kh_num(v * m, c));
        v *= m;
    }
    if (nd->has_max) {
        lim = kh_param_get(&nd->max, r->cat[u], uid, W, NAN);
        if (!isnan(lim) && v > lim) {
            KH_TRACE(tr, "封顶: %s 超过上限 %s, 取 %s", kh_num(v, a), kh_num(lim, b),
                          kh_num(lim, c));
            v = lim;
        }
    }
    if (nd->has_min) {
        lim = kh_param_get(&nd->min, r->cat[u], uid, W, NAN);
        if (!isnan(lim) && v < lim) {
            KH_TRACE(tr, "保底: %s 低于下限 %s, 取 %s", kh_num(v, a), kh_num(lim, b),
                          kh_num(lim, c));
            v = lim;
        }
    }
    if (r->s->rounding == KH_ROUND_ITEM && !nd->nchildren) {
        double rv = kh_round(v, r->s->decimals);
        if (rv != v)
            KH_TRACE(tr, "逐项修约 (rounding: item) 到 %d 位小数: %s", r->s->decimals,
                          kh_num(rv, a));
        v = rv;
    }
    return v;
}

double kh_node_combine(struct kh_result *r, int ni, size_t u, int *flag, struct kh_trace *tr)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    double sumw_all = 0, sumw_present = 0, acc = 0, extra = 0, wsum = 0, v;
    double mn = INFINITY, mx = -INFINITY;
    double W = kh_node_w(r, ni, u);
    int k, present = 0;
    struct kh_buf terms;
    char a[32], b[32], t3[32];

    *flag = KH_FLAG_OK;
    kh_buf_init(&terms, 1 << 16);
    for (k = 0; k < nd->nchildren; k++) {
        int c = nd->children[k];
        const struct kh_node *ch = &r->s->nodes[c];
        double sc = r->score[c][u], wc = kh_node_w(r, c, u), w = ch->weight, norm;
        int f = r->flag[c][u];
        if (f == KH_FLAG_NA)
            continue;
        if (ch->kind != KH_NODE_NORMAL) {
            if (f != KH_FLAG_EXCLUDED && !isnan(sc)) {
                extra += sc;
                if (tr)
                    kh_buf_printf(&terms, "%s%s%s%s", terms.len ? " + " : "", sc < 0 ? "(" : "",
                                  kh_num(sc, a), sc < 0 ? ")" : "");
            }
            continue;
        }
        sumw_all += w * wc;
        if (f == KH_FLAG_EXCLUDED || isnan(sc))
            continue;
        sumw_present += w * wc;
        present++;
        if (nd->combine == KH_COMBINE_SUM) {
            acc += w * sc;
            if (tr) {
                kh_buf_puts(&terms, terms.len ? " + " : "");
                if (w != 1)
                    kh_buf_printf(&terms, "%s×", kh_num(w, b));
                kh_buf_printf(&terms, "%s%s%s", sc < 0 ? "(" : "", kh_num(sc, a),
                              sc < 0 ? ")" : "");
            }
            continue;
        }
        norm = wc > 0 ? sc / wc : 0;
        wsum += w;
        if (tr)
            kh_buf_printf(&terms, "%s%s(权重 %s)", terms.len ? ", " : "", kh_num(norm, a),
                          kh_num(w, b));
        switch (nd->combine) {
        case KH_COMBINE_MEAN:
            acc += w * norm;
            break;
        case KH_COMBINE_GEOMETRIC:
            acc += norm > 0 ? w * log(norm) : -INFINITY;
            break;
        case KH_COMBINE_HARMONIC:
            acc += norm > 0 ? w / norm : INFINITY;
            break;
        case KH_COMBINE_MIN:
            mn = norm < mn ? norm : mn;
            break;
        case KH_COMBINE_MAX:
            mx = norm > mx ? norm : mx;
            break;
        }
    }
    if (!present && sumw_all > 0) {
        *flag = KH_FLAG_EXCLUDED;
        KH_TRACE(tr, "所有子项都缺数据, 本项不计");
        kh_buf_free(&terms);
        return NAN;
    }
    switch (nd->combine) {
    case KH_COMBINE_SUM:
        v = acc;
        KH_TRACE(tr, "合计 = %s = %s", terms.len ? kh_buf_str(&terms) : "0",
                      kh_num(acc + extra, a));
        if (present && sumw_present < sumw_all && sumw_present > 0) {
            v *= sumw_all / sumw_present;
            char t4[32];
            KH_TRACE(tr, "有子项缺数据, 按比例折算: %s × %s / %s = %s", kh_num(acc, a),
                          kh_num(sumw_all, b), kh_num(sumw_present, t3), kh_num(v, t4));
        }
        break;
    case KH_COMBINE_MEAN:
        v = wsum > 0 ? W * acc / wsum : 0;
        break;
    case KH_COMBINE_GEOMETRIC:
        v = wsum > 0 ? W * exp(acc / wsum) : 0;
        break;
    case KH_COMBINE_HARMONIC:
        v = wsum > 0 && isfinite(acc) ? W * wsum / acc : 0;
        break;
    case KH_COMBINE_MIN:
        v = present ? W * mn : 0;
        break;
    default:
        v = present ? W * mx : 0;
        break;
    }
    if (nd->combine != KH_COMBINE_SUM)
        KH_TRACE(tr, "得分率 %s → %s × %s = %s", kh_buf_str(&terms), kh_num(W, a),
                      kh_num(W > 0 ? v / W : 0, b), kh_num(v, t3));
    if (nd->combine != KH_COMBINE_SUM && extra != 0)
        KH_TRACE(tr, "加上加/扣分项 %s = %s", kh_num(extra, a), kh_num(v + extra, b));
    kh_buf_free(&terms);
    return v + extra;
}

/* Fill missing-data MEAN scores with the mean of the group's scored units. */
static int fill_means(struct kh_result *r, int ni, const struct node_prep *p)
{
    double *sum = calloc((size_t)(p->ngroups ? p->ngroups : 1), sizeof(double));
    size_t *cnt = calloc((size_t)(p->ngroups ? p->ngroups : 1), sizeof(size_t)), u;

    if (!sum || !cnt) {
        free(sum);
        free(cnt);
        return KH_ENOMEM;
    }
    for (u = 0; u < r->n; u++) {
        int f = r->flag[ni][u];
        if (p->group[u] >= 0 && (f == KH_FLAG_OK || f == KH_FLAG_OVERRIDE) &&
            !isnan(r->score[ni][u])) {
            sum[p->group[u]] += r->score[ni][u];
            cnt[p->group[u]]++;
        }
    }
    for (u = 0; u < r->n; u++)
        if (r->flag[ni][u] == KH_FLAG_MEAN && p->group[u] >= 0)
            r->score[ni][u] = cnt[p->group[u]] ? sum[p->group[u]] / (double)cnt[p->group[u]] : 0;
    free(sum);
    free(cnt);
    return KH_OK;
}

/* Score parent ni for unit u from its children's scores (computed). */
static void parent_unit(struct kh_result *r, int ni, const struct node_prep *p, size_t u)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    double v;
    int k, f;

    if (p->group[u] < 0 && isnan(kh_node_w(r, ni, u))) {
        r->score[ni][u] = NAN;
        r->flag[ni][u] = KH_FLAG_NA;
        return;
    }
    v = kh_node_combine(r, ni, u, &f, NULL);
    for (k = 0; k < nd->noverrides; k++)
        if (!isnan(p->ov_when[k][u]) && p->ov_when[k][u] != 0) {
            v = p->ov_score[k][u];
            f = KH_FLAG_OVERRIDE;
            break;
        }
    r->flag[ni][u] = (unsigned char)f;
    r->score[ni][u] = kh_node_post(r, ni, p, u, v, NULL);
}

/*
 * A score the node did compute (not excluded, not another category's) must
 * be a finite number: NaN from a multiplier or a when: score, or an
 * overflow, is an error naming the node and the unit, never a silent
 * re-weighting of the parent.
 */
static int check_finite(struct kh_result *r, int ni, const size_t *units, size_t nunits,
                        struct kh_err *err)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    size_t i, u;

    for (i = 0; i < (units ? nunits : r->n); i++) {
        int f;
        u = units ? units[i] : i;
        f = r->flag[ni][u];
        if (f == KH_FLAG_NA || f == KH_FLAG_EXCLUDED || isfinite(r->score[ni][u]))
            continue;
        return kh_err_set(err, KH_EINVAL, r->s->file, nd->pos.line, nd->pos.col,
                          "indicator '%s', unit '%s' (%s): the score is not a number (%s); "
                          "check its multiplier: and when: expressions and the data they read "
                          "(a missing attribute, a division by zero, a value too large)",
                          nd->id, r->ds->units[u].id,
                          r->ds->units[u].name ? r->ds->units[u].name : "",
                          isnan(r->score[ni][u]) ? "NaN" : "infinite");
    }
    return KH_OK;
}

double kh_progress_done(const struct kh_node *nd, double x, double t)
{
    if (nd->lower_better)
        return x > 0 ? t / x : 1; /* nothing consumed yet counts as on target */
    return x / t;
}

int kh_node_compute(struct kh_result *r, int ni, struct kh_err *err)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    struct node_prep p;
    size_t u;
    int rc = KH_OK, k, f;

    if (r->nodestate[ni] == COL_DONE)
        return KH_OK;
    if (r->nodestate[ni] == COL_BUSY)
        return kh_err_set(err, KH_EINVAL, r->s->file, nd->pos.line, nd->pos.col,
                          "indicator '%s' depends on its own score", nd->id);
    r->nodestate[ni] = COL_BUSY;
    memset(&p, 0, sizeof(p));
    if (nd->nchildren) {
        for (k = 0; k < nd->nchildren && !rc; k++)
            rc = kh_node_compute(r, nd->children[k], err);
        if (rc)
            goto out;
        /* Parents use only the override and multiplier parts of a prep. */
        if ((rc = kh_node_prepare(r, ni, &p, err)))
            goto out;
        for (u = 0; u < r->n; u++)
            parent_unit(r, ni, &p, u);
    } else {
        if ((rc = kh_node_prepare(r, ni, &p, err)))
            goto out;
        for (u = 0; u < r->n; u++) {
            double v;
            if (p.group[u] < 0 && isnan(kh_node_w(r, ni, u))) {
                r->score[ni][u] = NAN;
                r->flag[ni][u] = KH_FLAG_NA;
                continue;
            }
            if ((rc = kh_leaf_unit(r, ni, &p, u, &v, &f, NULL, err)))
                goto out;
            r->flag[ni][u] = (unsigned char)f;
            r->score[ni][u] = v;
        }
        if (nd->missing == KH_MISSING_MEAN && (rc = fill_means(r, ni, &p)))
            goto out;
        for (u = 0; u < r->n; u++)
            if (r->flag[ni][u] != KH_FLAG_NA)
                r->score[ni][u] = kh_node_post(r, ni, &p, u, r->score[ni][u], NULL);
    }
    if ((rc = check_finite(r, ni, NULL, 0, err)))
        goto out;
    if (nd->has_progress) {
        const double *x = col_of(r, nd->slot_x), *t = col_of(r, nd->slot_t);
        double el = kh_period_elapsed(&r->period);
        r->progress[ni] = malloc(r->n ? r->n : 1);
        if (!r->progress[ni]) {
            rc = oom(err);
            goto out;
        }
        for (u = 0; u < r->n; u++) {
            double done, ratio;
            r->progress[ni][u] = KH_PROGRESS_NONE;
            if (!x || !t || isnan(x[u]) || isnan(t[u]) || t[u] == 0 || r->flag[ni][u] == KH_FLAG_NA)
                continue;
            done = kh_progress_done(nd, x[u], t[u]);
            ratio = done / el;
            r->progress[ni][u] = ratio >= nd->progress_green    ? KH_PROGRESS_GREEN
                                 : ratio >= nd->progress_yellow ? KH_PROGRESS_YELLOW
                                                                : KH_PROGRESS_RED;
        }
    }
out:
    kh_node_prep_free(&p);
    r->nodestate[ni] = rc ? COL_NONE : COL_DONE;
    return rc;
}

int kh_node_recombine(struct kh_result *r, int ni, const size_t *units, size_t nunits,
                      struct kh_err *err)
{
    struct node_prep p;
    size_t i;
    int rc;

    if ((rc = kh_node_prepare(r, ni, &p, err))) {
        kh_node_prep_free(&p);
        return rc;
    }
    for (i = 0; i < nunits; i++)
        parent_unit(r, ni, &p, units[i]);
    kh_node_prep_free(&p);
    return check_finite(r, ni, units, nunits, err);
}
