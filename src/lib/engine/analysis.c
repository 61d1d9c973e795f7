/*
 * analysis.c — readings of a finished result that the seeds ask for:
 * first places per indicator within each category and each peer group
 * ("全市第一", "中心城区第一"), streaks of first places across periods
 * ("连续12个月位居第一"), each unit's weak points (补齐短板), and rank
 * movement between periods (进位/退位).
 */
#include "base/common.h"
#include "engine/engine_int.h"

/* The quantity a node is compared on: its value for leaves with one (in
 * the node's direction), else its score. Higher is better after `sign`. */
static double basis(const struct kh_result *r, int node, size_t u, int *by_value)
{
    const struct kh_node *nd = &r->s->nodes[node];
    int slot = nd->slot_x;

    if (r->flag[node][u] == KH_FLAG_NA)
        return NAN;
    /* The value only when the rule ranks or scores the value itself (not a
     * by:/on: quantity): otherwise the score says who was first. */
    if (slot >= 0 && r->cols[slot] && kh_node_reads_x(nd)) {
        double v = r->cols[slot][u];
        *by_value = 1;
        return nd->lower_better ? -v : v;
    }
    *by_value = 0;
    return r->score[node][u];
}

static int add_first(struct kh_first **out, size_t *n, size_t *cap, int unit, int node,
                     int by_value, double value, int tied, const char *scope, int is_tag)
{
    struct kh_first *f;
    if (kh_grow(out, cap, *n + 1, sizeof(**out)))
        return KH_ENOMEM;
    f = &(*out)[(*n)++];
    memset(f, 0, sizeof(*f));
    f->unit = unit;
    f->node = node;
    f->by_value = by_value;
    f->value = value;
    f->tied = tied;
    f->scope_is_tag = is_tag;
    f->scope = scope;
    return KH_OK;
}

/* Firsts of one node within the units for which member(u) holds. */
static int firsts_in(const struct kh_result *r, int node, const char *scope, int is_tag,
                     const unsigned char *member, struct kh_first **out, size_t *n, size_t *cap)
{
    double best = NAN;
    size_t u;
    int tied = 0, byv = 0, members = 0;

    for (u = 0; u < r->n; u++) {
        double v;
        if (!member[u])
            continue;
        v = basis(r, node, u, &byv);
        if (isnan(v))
            continue;
        members++;
        if (isnan(best) || v > best) {
            best = v;
            tied = 1;
        } else if (v == best) {
            tied++;
        }
    }
    if (isnan(best) || members < 2)
        return KH_OK; /* first of one is no distinction */
    for (u = 0; u < r->n; u++) {
        int bv = 0;
        if (member[u] && basis(r, node, u, &bv) == best) {
            double shown = bv && r->s->nodes[node].lower_better ? -best : best;
            if (add_first(out, n, cap, (int)u, node, bv, shown, tied, scope, is_tag))
                return KH_ENOMEM;
        }
    }
    return KH_OK;
}

int kh_result_firsts(const struct kh_result *r, struct kh_first **out, size_t *n)
{
    const struct kh_dataset *ds = r->ds;
    unsigned char *member = malloc(r->n ? r->n : 1);
    char **tags = NULL;
    size_t ntags = 0, captags = 0, cap = 0, u;
    int node, c, t, i, rc = KH_OK;

    *out = NULL;
    *n = 0;
    if (!member)
        return KH_ENOMEM;
    /* Distinct tags, in order of first appearance. */
    for (u = 0; u < r->n && !rc; u++)
        for (i = 0; i < ds->units[u].ntags; i++) {
            size_t k;
            for (k = 0; k < ntags; k++)
                if (strcmp(tags[k], ds->units[u].tags[i]) == 0)
                    break;
            if (k == ntags) {
                if (kh_grow(&tags, &captags, ntags + 1, sizeof(char *))) {
                    rc = KH_ENOMEM;
                    break;
                }
                tags[ntags++] = ds->units[u].tags[i];
            }
        }
    for (node = 0; node < r->s->nnodes && !rc; node++) {
        for (c = 0; c < r->s->ncats && !rc; c++) {
            for (u = 0; u < r->n; u++)
                member[u] = r->cat[u] == c;
            rc = firsts_in(r, node, r->s->cats[c].id, 0, member, out, n, &cap);
        }
        for (t = 0; t < (int)ntags && !rc; t++) {
            for (u = 0; u < r->n; u++) {
                member[u] = 0;
                for (i = 0; i < ds->units[u].ntags; i++)
                    if (strcmp(ds->units[u].tags[i], tags[t]) == 0)
                        member[u] = 1;
            }
            rc = firsts_in(r, node, tags[t], 1, member, out, n, &cap);
        }
    }
    free(tags);
    free(member);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int kh_result_weak(const struct kh_result *r, int unit, struct kh_weak *out, int max)
{
    const struct kh_scheme *s = r->s;
    int node, n = 0, i, j;

    for (node = 1; node < s->nnodes; node++) {
        const struct kh_node *nd = &s->nodes[node];
        struct kh_weak w;
        double sum = 0, W = kh_node_w(r, node, (size_t)unit);
        size_t u, cnt = 0;

        if (nd->nchildren || nd->kind != KH_NODE_NORMAL || isnan(W) || W <= 0 ||
            isnan(r->score[node][unit]))
            continue;
        for (u = 0; u < r->n; u++)
            if (r->cat[u] == r->cat[unit] && !isnan(r->score[node][u])) {
                sum += r->score[node][u];
                cnt++;
            }
        w.node = node;
        w.score = r->score[node][unit];
        w.full = W;
        w.loss = W - w.score;
        w.group_mean = cnt ? sum / (double)cnt : NAN;
        w.gap = w.group_mean - w.score;
        if (w.loss <= 1e-12 && w.gap <= 1e-12)
            continue;
        /* Insert in order: largest loss first, then largest gap, then tree order. */
        for (i = 0; i < n; i++)
            if (w.loss > out[i].loss + 1e-12 ||
                (fabs(w.loss - out[i].loss) <= 1e-12 && w.gap > out[i].gap + 1e-12))
                break;
        if (i >= max)
            continue;
        for (j = (n < max ? n : max - 1); j > i; j--)
            out[j] = out[j - 1];
        out[i] = w;
        if (n < max)
            n++;
    }
    return n;
}

int kh_result_movement(const struct kh_result *prev, const struct kh_result *cur, int unit,
                       int *known)
{
    int a = unit < (int)prev->n ? prev->rank[unit] : 0, b = cur->rank[unit];
    if (known)
        *known = a > 0 && b > 0;
    return a > 0 && b > 0 ? a - b : 0;
}

/* Is unit u first on node among its category (or the tag's units)? */
static int is_first(const struct kh_result *r, int unit, int node, const char *tag)
{
    const struct kh_dataset *ds = r->ds;
    int bv = 0, i, members = 0;
    double mine = basis(r, node, (size_t)unit, &bv);
    size_t u;

    if (isnan(mine))
        return 0;
    for (u = 0; u < r->n; u++) {
        int in = 0;
        double v;
        if (tag) {
            for (i = 0; i < ds->units[u].ntags; i++)
                if (strcmp(ds->units[u].tags[i], tag) == 0)
                    in = 1;
        } else {
            in = r->cat[u] == r->cat[unit];
        }
        if (!in)
            continue;
        v = basis(r, node, u, &bv);
        if (isnan(v))
            continue;
        members++;
        if (v > mine)
            return 0;
    }
    return members >= 2;
}

int kh_streak(const struct kh_result *const *results, int n, int unit, int node, const char *tag)
{
    int k, streak = 0;
    for (k = n - 1; k >= 0; k--) {
        if (!is_first(results[k], unit, node, tag))
            break;
        streak++;
    }
    return streak;
}
