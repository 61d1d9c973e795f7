/*
 * explain.c — the explanation trace of one number (kh_explain): the clause
 * as published, the inputs with the data rows they came from, the group
 * the unit is compared with, every step of the rule with its numbers, the
 * node's multiplier, clamp and rounding, and what the number does to the
 * parent, the total, the rank and the tier. Written for a clerk with a
 * calculator, in Chinese.
 */
#include "base/common.h"
#include "engine/engine_int.h"
#include "io/dataset_cols.h"

static const char *const rule_names[] = {
    "合计子项",     "完成比例 (ratio)", "按步进加减分 (steps)", "排名计分 (rank)",
    "与第一名比例 (proportional)", "功效系数 (efficacy)", "分档计分 (bands)",
    "完成即得分 (binary)", "计件计分 (count)", "加分项 (bonus)", "扣分项 (deduct)",
    "评议打分 (ballot)", "指数归一化 (index)", "自定义公式 (formula)", "直接得分 (score)"};

static const char *const combine_names[] = {"合计", "加权算术平均", "加权几何平均",
                                      "加权调和平均", "取最小", "取最大"};

/* Cite the targets.csv row giving input `input`'s target/baseline. */
static void cite_target(const struct kh_result *r, int input, size_t u, int baseline,
                        struct kh_buf *b)
{
    const struct kh_dataset *ds = r->ds;
    int ind = kh_dataset_indicator(ds, r->s->inputs[input].id), nc = 0, k;
    const struct kh_dscol *cols = kh_dscols(ds, 1, ind, &nc), *hit = NULL;
    struct kh_period year = r->period;
    size_t hit_at = 0;

    year.kind = KH_PERIOD_YEAR;
    year.index = 1;
    /* The target columns of this indicator: the period's, else the year's. */
    for (k = 0; k < nc; k++) {
        size_t at = 0;
        double v;
        if (!kh_dscol_find(&cols[k], u, &at))
            continue;
        v = baseline ? cols[k].b[at] : cols[k].v[at];
        if (isnan(v))
            continue;
        if (kh_period_equal(&cols[k].period, &r->period)) {
            hit = &cols[k];
            hit_at = at;
            break;
        }
        if (kh_period_equal(&cols[k].period, &year)) {
            hit = &cols[k];
            hit_at = at;
        }
    }
    if (hit) {
        char pt[KH_PERIOD_TEXT];
        int file, line;
        kh_dscol_where(ds, 1, hit, hit_at, &file, &line);
        kh_buf_printf(b, "  ← %s:%d (%s)", kh_src_file(ds, file), line,
                      kh_period_format(&hit->period, pt));
    } else {
        kh_buf_puts(b, "  ← 无数据");
    }
}

struct rows_ctx {
    const struct kh_result *r;
    size_t u;
    struct kh_trace *tr;
    unsigned char *seen; /* per slot: already cited (each is cited once) */
};

static void cite_slot(void *user, int slot)
{
    struct rows_ctx *c = user;
    const struct kh_slot *sl = &c->r->s->slots[slot];
    struct kh_period p = c->r->period;
    struct kh_buf rows;

    if (sl->kind != KH_SLOT_INPUT && sl->kind != KH_SLOT_PREV && sl->kind != KH_SLOT_LASTYEAR &&
        sl->kind != KH_SLOT_DERIVED && sl->kind != KH_SLOT_YTD)
        return;
    if (!c->seen || c->seen[slot])
        return;
    c->seen[slot] = 1;
    if (sl->kind == KH_SLOT_DERIVED) {
        /* A derived indicator: its formula with the unit's values, then
         * the rows behind the inputs it reads. */
        const struct kh_derived *d = &c->r->s->derived[sl->ref];
        struct kh_expr_ctx ctx;
        struct kh_buf f, v;
        char num[32];
        kh_buf_init(&f, 1 << 16);
        kh_buf_init(&v, 1 << 16);
        kh_expr_text(d->formula, &f);
        ctx.n = c->r->n;
        ctx.cols = (const double *const *)c->r->cols;
        ctx.nslots = c->r->s->nslots;
        ctx.group = c->r->cat;
        ctx.ngroups = c->r->s->ncats;
        kh_expr_explain(d->formula, &ctx, c->u, &v);
        kh_trace_line(c->tr, "%s%s%s = %s = %s  [%s]", d->id, d->name ? " " : "",
                      d->name ? d->name : "", kh_buf_str(&f),
                      kh_num(c->r->cols[slot] ? c->r->cols[slot][c->u] : NAN, num),
                      kh_buf_str(&v));
        kh_buf_free(&f);
        kh_buf_free(&v);
        c->tr->indent++;
        kh_expr_each_slot(d->formula, cite_slot, c);
        c->tr->indent--;
        return;
    }
    if (sl->kind == KH_SLOT_PREV)
        p = kh_period_prev(&p);
    else if (sl->kind == KH_SLOT_LASTYEAR)
        p = kh_period_year_ago(&p);
    kh_buf_init(&rows, 1 << 16);
    kh_input_value(c->r, sl->ref, (int)c->u, &p, sl->kind == KH_SLOT_YTD, &rows);
    kh_trace_line(c->tr, "%s%s%s: %s",
                  sl->kind == KH_SLOT_PREV       ? "prev("
                  : sl->kind == KH_SLOT_LASTYEAR ? "lastyear("
                  : sl->kind == KH_SLOT_YTD      ? "ytd("
                                                 : "",
                  sl->name, sl->kind == KH_SLOT_INPUT ? "" : ")",
                  rows.len ? kh_buf_str(&rows) : "无数据");
    kh_buf_free(&rows);
}

static void explain_expr(struct kh_result *r, const struct kh_expr *e, const char *label,
                         int ni, size_t u, struct kh_trace *tr)
{
    struct kh_expr_ctx ctx;
    struct kh_buf b, v;
    struct rows_ctx rc;
    int ng;

    kh_buf_init(&b, 1 << 16);
    kh_buf_init(&v, 1 << 16);
    kh_expr_text(e, &b);
    ctx.n = r->n;
    ctx.cols = (const double *const *)r->cols;
    ctx.nslots = r->s->nslots;
    ctx.group = kh_node_groups(r, ni, &ng, NULL);
    ctx.ngroups = ng;
    kh_expr_explain(e, &ctx, u, &v);
    kh_trace_line(tr, "%s = %s  [%s]", label, kh_buf_str(&b), kh_buf_str(&v));
    memset(&rc, 0, sizeof(rc));
    rc.r = r;
    rc.u = u;
    rc.tr = tr;
    rc.seen = calloc((size_t)(r->s->nslots ? r->s->nslots : 1), 1);
    tr->indent++;
    kh_expr_each_slot(e, cite_slot, &rc);
    tr->indent--;
    free(rc.seen);
    kh_buf_free(&b);
    kh_buf_free(&v);
}

static void explain_inputs(struct kh_result *r, int ni, size_t u, struct kh_trace *tr)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    char a[32];
    struct kh_buf b;

    if (nd->value) {
        double x = r->cols[nd->slot_x] ? r->cols[nd->slot_x][u] : NAN;
        if (nd->value_input >= 0) {
            kh_buf_init(&b, 1 << 16);
            kh_input_value(r, nd->value_input, (int)u, &r->period, 0, &b);
            kh_trace_line(tr, "x (值) = %s = %s  ← %s", r->s->inputs[nd->value_input].id,
                          kh_num(x, a), b.len ? kh_buf_str(&b) : "无数据");
            kh_buf_free(&b);
        } else {
            explain_expr(r, nd->value, "x (值)", ni, u, tr);
        }
    }
    if (nd->value && nd->value_input >= 0) {
        /* nothing more: the rows were cited above */
    }
    if (nd->slot_t >= 0 && r->cols[nd->slot_t] && !isnan(r->cols[nd->slot_t][u])) {
        if (nd->target) {
            explain_expr(r, nd->target, "t (目标)", ni, u, tr);
        } else if (nd->value_input >= 0) {
            kh_buf_init(&b, 4096);
            cite_target(r, nd->value_input, u, 0, &b);
            kh_trace_line(tr, "t (目标) = %s%s", kh_num(r->cols[nd->slot_t][u], a),
                          kh_buf_str(&b));
            kh_buf_free(&b);
        }
    }
    if (nd->slot_b >= 0 && r->cols[nd->slot_b] && !isnan(r->cols[nd->slot_b][u])) {
        if (nd->baseline) {
            explain_expr(r, nd->baseline, "b (基数)", ni, u, tr);
        } else if (nd->value_input >= 0) {
            kh_buf_init(&b, 4096);
            cite_target(r, nd->value_input, u, 1, &b);
            kh_trace_line(tr, "b (基数) = %s%s", kh_num(r->cols[nd->slot_b][u], a),
                          kh_buf_str(&b));
            kh_buf_free(&b);
        }
    }
}

/* The rule's own expressions (a reference, a banded or ranked quantity,
 * best and worst values), with the unit's numbers. */
static void explain_rule_exprs(struct kh_result *r, int ni, size_t u, struct kh_trace *tr)
{
    const struct kh_rule *ru = &r->s->nodes[ni].rule;

    switch (ru->kind) {
    case KH_RULE_STEPS:
        if (ru->u.steps.ref)
            explain_expr(r, ru->u.steps.ref, "参照 (ref)", ni, u, tr);
        break;
    case KH_RULE_BANDS:
        if (ru->u.bands.on)
            explain_expr(r, ru->u.bands.on, "分档依据 (on)", ni, u, tr);
        break;
    case KH_RULE_RANK:
        if (ru->u.rank.by)
            explain_expr(r, ru->u.rank.by, "排名依据 (by)", ni, u, tr);
        break;
    case KH_RULE_EFFICACY:
        if (ru->u.eff.best)
            explain_expr(r, ru->u.eff.best, "满意值 (best)", ni, u, tr);
        if (ru->u.eff.worst)
            explain_expr(r, ru->u.eff.worst, "不允许值 (worst)", ni, u, tr);
        break;
    case KH_RULE_BINARY:
        if (ru->u.binary.when)
            explain_expr(r, ru->u.binary.when, "条件 (when)", ni, u, tr);
        break;
    case KH_RULE_FORMULA:
        explain_expr(r, ru->u.formula.expr, "公式 (formula)", ni, u, tr);
        break;
    default:
        break;
    }
}

static void explain_group(struct kh_result *r, int ni, size_t u, struct kh_trace *tr)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    int ng, cnt = 0;
    const int *g = kh_node_groups(r, ni, &ng, NULL);
    size_t k;

    if (!g || g[u] < 0)
        return;
    for (k = 0; k < r->n; k++)
        cnt += g[k] == g[u];
    if (nd->group == KH_GROUP_CATEGORY)
        kh_trace_line(tr, "比较范围: 同类别 %s, 共 %d 个单位%s", r->s->cats[r->cat[u]].name, cnt,
                      nd->lower_better ? " (越低越好)" : "");
    else if (nd->group == KH_GROUP_ALL)
        kh_trace_line(tr, "比较范围: 全部单位, 共 %d 个%s", cnt,
                      nd->lower_better ? " (越低越好)" : "");
    else
        kh_trace_line(tr, "比较范围: 标签 %s, 共 %d 个单位%s", nd->group_tag, cnt,
                      nd->lower_better ? " (越低越好)" : "");
}

static void explain_parent(struct kh_result *r, int ni, size_t u, struct kh_trace *tr)
{
    const struct kh_node *nd = &r->s->nodes[ni];
    char a[32], b[32];
    int k;

    kh_trace_line(tr, "计算方式: %s各子项%s", combine_names[nd->combine],
                  nd->combine == KH_COMBINE_SUM ? "得分" : "的得分率 (得分/分值), 再乘以本项分值");
    tr->indent++;
    for (k = 0; k < nd->nchildren; k++) {
        int c = nd->children[k];
        const struct kh_node *ch = &r->s->nodes[c];
        int f = r->flag[c][u];
        if (f == KH_FLAG_NA)
            continue;
        kh_trace_line(tr, "%s %s: %s / %s%s%s", ch->id, ch->name, kh_num(r->score[c][u], a),
                      kh_num(kh_node_w(r, c, u), b),
                      ch->kind == KH_NODE_BONUS       ? " (加分项)"
                      : ch->kind == KH_NODE_DEDUCTION ? " (扣分项)"
                                                      : "",
                      f == KH_FLAG_EXCLUDED ? " (缺数据, 不计; 其余按比例折算)" : "");
    }
    tr->indent--;
}

static void explain_effect(struct kh_result *r, int ni, size_t u, struct kh_trace *tr)
{
    const struct kh_scheme *s = r->s;
    char a[32];
    int p = s->nodes[ni].parent, i;

    kh_trace_line(tr, "影响:");
    tr->indent++;
    for (; p > 0; p = s->nodes[p].parent)
        kh_trace_line(tr, "上级 %s %s: %s", s->nodes[p].id, s->nodes[p].name,
                      kh_num(r->score[p][u], a));
    kh_trace_line(tr, "总分 %s (公布 %.*f), 排名 %d/%d (%s)", kh_num(r->score[0][u], a),
                  s->decimals, kh_round(r->score[0][u], s->decimals), r->rank[u],
                  r->rank_size[u], s->rank_scope_all ? "全部单位" : s->cats[r->cat[u]].name);
    if (s->tiers.nlevels)
        kh_trace_line(tr, "等次: %s", r->tier[u] >= 0 ? s->tiers.levels[r->tier[u]].name : "(无)");
    for (i = 0; i < s->nvetoes; i++)
        if (r->vetoed[u * (size_t)s->nvetoes + (size_t)i])
            kh_trace_line(tr, "否决: %s%s%s", s->vetoes[i].name,
                          s->vetoes[i].clause ? " — " : "",
                          s->vetoes[i].clause ? s->vetoes[i].clause : "");
    tr->indent--;
}

int kh_explain(const struct kh_result *rc, int unit, int node, struct kh_buf *out,
               struct kh_err *err)
{
    /* Explaining reads cached columns and may add group caches; the numbers
     * it shows are recomputed from the same inputs, never changed. */
    struct kh_result *r = (struct kh_result *)rc;
    const struct kh_scheme *s = r->s;
    const struct kh_unit *un;
    const struct kh_node *nd;
    struct kh_trace tr;
    struct node_prep p;
    size_t u = (size_t)unit;
    char a[32], b[32];
    double W;
    int rcode = KH_OK;

    if (unit < 0 || u >= r->n)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no unit number %d", unit);
    if (node < 0 || node >= s->nnodes)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no indicator number %d", node);
    un = &r->ds->units[u];
    nd = &s->nodes[node];
    W = kh_node_w(r, node, u);
    tr.buf = *out;
    tr.indent = 0;
    kh_trace_line(&tr, "单位: %s %s (类别 %s) · 期间 %s · 方案 %s%s%s", un->id,
                  un->name ? un->name : "", s->cats[r->cat[u]].name, r->period_text, s->id,
                  s->version && s->version[0] ? " " : "", s->version ? s->version : "");
    kh_trace_line(&tr, "指标: %s %s · 分值 %s%s · %s:%d", nd->id, nd->name, kh_num(W, a),
                  nd->kind == KH_NODE_BONUS       ? " (加分项)"
                  : nd->kind == KH_NODE_DEDUCTION ? " (扣分项)"
                                                  : "",
                  s->file, nd->pos.line);
    if (nd->clause)
        kh_trace_line(&tr, "条款: %s", nd->clause);
    if (nd->dept)
        kh_trace_line(&tr, "责任单位: %s", nd->dept);
    if (r->flag[node][u] == KH_FLAG_NA) {
        kh_trace_line(&tr, "本指标不适用于类别 %s", s->cats[r->cat[u]].name);
        *out = tr.buf;
        return KH_OK;
    }
    kh_trace_line(&tr, "规则: %s", rule_names[nd->rule.kind]);
    tr.indent++;
    if (nd->nchildren) {
        explain_parent(r, node, u, &tr);
        if ((rcode = kh_node_prepare(r, node, &p, err)) == KH_OK) {
            int f, k;
            double v = kh_node_combine(r, node, u, &f, &tr);
            for (k = 0; k < nd->noverrides; k++)
                if (!isnan(p.ov_when[k][u]) && p.ov_when[k][u] != 0) {
                    v = p.ov_score[k][u];
                    kh_trace_line(&tr, "特殊情形 (第%d行) 成立, 得分 = %s",
                                  nd->overrides[k].pos.line, kh_num(v, a));
                    break;
                }
            kh_node_post(r, node, &p, u, v, &tr);
        }
    } else {
        double v;
        int f;
        explain_inputs(r, node, u, &tr);
        explain_group(r, node, u, &tr);
        if ((rcode = kh_node_prepare(r, node, &p, err)) == KH_OK) {
            explain_rule_exprs(r, node, u, &tr);
            rcode = kh_leaf_unit(r, node, &p, u, &v, &f, &tr, err);
            if (!rcode && f == KH_FLAG_MEAN)
                kh_trace_line(&tr, "同组平均得分 = %s", kh_num(r->score[node][u], a));
            if (!rcode && f != KH_FLAG_MEAN && f != KH_FLAG_EXCLUDED)
                kh_node_post(r, node, &p, u, v, &tr);
        }
    }
    kh_node_prep_free(&p);
    tr.indent--;
    if (!rcode && r->progress[node] && r->progress[node][u] != KH_PROGRESS_NONE) {
        static const char *const light[] = {"", "绿灯 (达到序时进度)", "黄灯 (略慢于序时进度)",
                                            "红灯 (明显落后于序时进度)"};
        const double *x = r->cols[nd->slot_x], *t = r->cols[nd->slot_t];
        double el = kh_period_elapsed(&r->period);
        double done = kh_progress_done(nd, x[u], t[u]);
        kh_trace_line(&tr, "序时进度: 完成 %s / 目标 %s = %.1f%%, 时间进度 %.1f%%, 比值 %.3f → %s "
                           "(绿 ≥ %g, 黄 ≥ %g)",
                      kh_num(x[u], a), kh_num(t[u], b), done * 100, el * 100, done / el,
                      light[r->progress[node][u]], nd->progress_green, nd->progress_yellow);
    }
    if (!rcode) {
        kh_trace_line(&tr, "结果: %s (公布 %.*f, 保留%d位小数, 四舍五入)",
                      kh_num(r->score[node][u], a), s->decimals,
                      kh_round(r->score[node][u], s->decimals), s->decimals);
        (void)b;
        explain_effect(r, node, u, &tr);
    }
    *out = tr.buf;
    if (!rcode && kh_buf_failed(out))
        rcode = kh_err_set(err, kh_buf_failed(out), NULL, 0, 0, "explanation too long");
    return rcode;
}
