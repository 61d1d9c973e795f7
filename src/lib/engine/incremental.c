/*
 * incremental.c — rescoring after one changed value (kh_result_set_input).
 *
 * A change to one input makes dirty: the input's column, every slot whose
 * defining expression reads a dirty slot (derived indicators, node values,
 * targets, baselines), every node any of whose expressions reads a dirty
 * slot or whose child is dirty, and the score()/failed() slots of dirty
 * nodes — to a fixed point, which the loader's cycle check guarantees to
 * reach. Only those columns are dropped and recomputed (the engine computes
 * lazily, so clean columns are reused as they are); totals, ranks, vetoes
 * and tiers are then redone (result.c keeps the order of the totals, so
 * that only the units that moved are moved). A dirty leaf is recomputed
 * for every unit: relative rules (ranks, group means) need the whole
 * group, which is what makes them correct. A parent that is dirty only
 * through its children is recombined for the units whose children's
 * scores changed (rescore_nodes), which gives the same numbers because a
 * parent combines each unit on its own.
 */
#include "base/common.h"
#include "engine/engine_int.h"

struct reads_ctx {
    const unsigned char *dirty;
    int hit;
};

static void reads_dirty(void *user, int slot)
{
    struct reads_ctx *c = user;
    if (c->dirty[slot])
        c->hit = 1;
}

static int expr_dirty(const struct kh_expr *e, const unsigned char *dirty)
{
    struct reads_ctx c = {dirty, 0};
    if (e)
        kh_expr_each_slot(e, reads_dirty, &c);
    return c.hit;
}

/* Does any expression of node n read a dirty slot? */
static int node_reads_dirty(const struct kh_node *n, const unsigned char *dirty)
{
    const struct kh_rule *r = &n->rule;
    int k;

    if (expr_dirty(n->value, dirty) || expr_dirty(n->target, dirty) ||
        expr_dirty(n->baseline, dirty) || expr_dirty(n->multiplier, dirty) ||
        expr_dirty(n->pass, dirty))
        return 1;
    if ((n->slot_x >= 0 && dirty[n->slot_x]) || (n->slot_t >= 0 && dirty[n->slot_t]) ||
        (n->slot_b >= 0 && dirty[n->slot_b]))
        return 1;
    for (k = 0; k < n->noverrides; k++)
        if (expr_dirty(n->overrides[k].when, dirty) || expr_dirty(n->overrides[k].score, dirty))
            return 1;
    switch (r->kind) {
    case KH_RULE_STEPS:
        return expr_dirty(r->u.steps.ref, dirty);
    case KH_RULE_RANK:
        return expr_dirty(r->u.rank.by, dirty);
    case KH_RULE_EFFICACY:
        return expr_dirty(r->u.eff.best, dirty) || expr_dirty(r->u.eff.worst, dirty);
    case KH_RULE_BANDS:
        return expr_dirty(r->u.bands.on, dirty);
    case KH_RULE_BINARY:
        return expr_dirty(r->u.binary.when, dirty);
    case KH_RULE_FORMULA:
        return expr_dirty(r->u.formula.expr, dirty);
    default:
        return 0;
    }
}

/* The expression that defines a slot's column, if any. */
static const struct kh_expr *slot_expr(const struct kh_scheme *s, const struct kh_slot *sl)
{
    switch (sl->kind) {
    case KH_SLOT_DERIVED:
        return s->derived[sl->ref].formula;
    case KH_SLOT_NODE_X:
        return s->nodes[sl->ref].value;
    case KH_SLOT_NODE_T:
        return s->nodes[sl->ref].target;
    case KH_SLOT_NODE_B:
        return s->nodes[sl->ref].baseline;
    default:
        return NULL;
    }
}

/* What a dirty node's rescoring changed: its scores before, and the units
 * whose score or flag is now different. */
struct node_delta {
    double *score;
    unsigned char *flag;
    size_t *units;
    size_t n;
};

/* Non-zero if unit u's score or flag of node ni differs from the delta's. */
static int unit_changed(const struct kh_result *r, int ni, const struct node_delta *d, size_t u)
{
    return r->flag[ni][u] != d->flag[u] || memcmp(&r->score[ni][u], &d->score[u], sizeof(double));
}

/*
 * Rescore the dirty nodes, children before parents (reverse pre-order). A
 * leaf, or any node whose own expressions read a dirty slot, is computed
 * again for every unit (kh_node_compute: a relative rule needs its whole
 * group). A parent that is dirty only because children are is recombined
 * for the units whose child scores changed, and keeps the others' scores:
 * combining is per unit, so the result is the same as a full computation.
 * The units each node changed are found by comparing with its old scores.
 */
static int rescore_nodes(struct kh_result *r, const unsigned char *dslot,
                         const unsigned char *dnode, struct kh_err *err)
{
    const struct kh_scheme *s = r->s;
    struct node_delta *dl = calloc((size_t)s->nnodes, sizeof(*dl));
    unsigned char *mark = calloc(r->n ? r->n : 1, 1);
    size_t *list = malloc(sizeof(size_t) * (r->n ? r->n : 1)), u, m, k;
    int i, c, rc = KH_OK;

    if (!dl || !mark || !list) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (i = 0; i < s->nnodes; i++) {
        if (!dnode[i])
            continue;
        dl[i].score = malloc(sizeof(double) * (r->n ? r->n : 1));
        dl[i].flag = malloc(r->n ? r->n : 1);
        dl[i].units = malloc(sizeof(size_t) * (r->n ? r->n : 1));
        if (!dl[i].score || !dl[i].flag || !dl[i].units) {
            rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        memcpy(dl[i].score, r->score[i], sizeof(double) * r->n);
        memcpy(dl[i].flag, r->flag[i], r->n);
        r->nodestate[i] = COL_NONE;
        free(r->progress[i]);
        r->progress[i] = NULL;
    }
    for (i = s->nnodes - 1; i >= 0; i--) {
        const struct kh_node *nd = &s->nodes[i];
        struct node_delta *d = &dl[i];
        if (!dnode[i])
            continue;
        d->n = 0;
        if (r->nodestate[i] != COL_DONE && nd->nchildren && !nd->has_progress &&
            !node_reads_dirty(nd, dslot)) {
            /* The units whose children changed, in unit order. */
            m = 0;
            for (c = 0; c < nd->nchildren; c++) {
                const struct node_delta *cd = &dl[nd->children[c]];
                if (!dnode[nd->children[c]])
                    continue;
                for (k = 0; k < cd->n; k++)
                    if (!mark[cd->units[k]]) {
                        mark[cd->units[k]] = 1;
                        list[m++] = cd->units[k];
                    }
            }
            for (k = 0, u = 0; u < r->n && k < m; u++)
                if (mark[u]) {
                    list[k++] = u;
                    mark[u] = 0;
                }
            if ((rc = kh_node_recombine(r, i, list, m, err)))
                goto out;
            r->nodestate[i] = COL_DONE;
            for (k = 0; k < m; k++)
                if (unit_changed(r, i, d, list[k]))
                    d->units[d->n++] = list[k];
            continue;
        }
        if ((rc = kh_node_compute(r, i, err)))
            goto out;
        for (u = 0; u < r->n; u++)
            if (unit_changed(r, i, d, u))
                d->units[d->n++] = u;
    }
out:
    if (dl)
        for (i = 0; i < s->nnodes; i++) {
            free(dl[i].score);
            free(dl[i].flag);
            free(dl[i].units);
        }
    free(dl);
    free(mark);
    free(list);
    return rc;
}

int kh_result_set_input(struct kh_result *r, int unit, const char *input, double v,
                        int *nodes_recomputed, struct kh_err *err)
{
    const struct kh_scheme *s = r->s;
    unsigned char *dslot, *dnode;
    int in = kh_scheme_input(s, input), slot = -1, i, changed = 1, count = 0, rc;
    size_t k;

    if (nodes_recomputed)
        *nodes_recomputed = 0;
    if (in < 0)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "scheme '%s' has no input '%s'", s->id,
                          input);
    if (unit < 0 || (size_t)unit >= r->n)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no unit number %d", unit);
    for (i = 0; i < s->nslots; i++)
        if (s->slots[i].kind == KH_SLOT_INPUT && s->slots[i].ref == in)
            slot = i;
    /* Remember the change so that any later recomputation keeps it. */
    for (k = 0; k < r->nchanges; k++)
        if (r->changes[k].slot == slot && r->changes[k].unit == (size_t)unit)
            break;
    if (slot >= 0 && k == r->nchanges) {
        if (kh_grow(&r->changes, &r->capchanges, r->nchanges + 1, sizeof(*r->changes)))
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        r->nchanges++;
    }
    if (slot < 0)
        return KH_OK; /* nothing in the scheme reads this input at the period */
    r->changes[k].slot = slot;
    r->changes[k].unit = (size_t)unit;
    r->changes[k].v = v;

    dslot = calloc((size_t)s->nslots, 1);
    dnode = calloc((size_t)s->nnodes, 1);
    if (!dslot || !dnode) {
        free(dslot);
        free(dnode);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    }
    dslot[slot] = 1;
    while (changed) {
        changed = 0;
        for (i = 0; i < s->nslots; i++) {
            const struct kh_slot *sl = &s->slots[i];
            int d = dslot[i];
            if (d)
                continue;
            if ((sl->kind == KH_SLOT_SCORE || sl->kind == KH_SLOT_FAILED) && dnode[sl->ref])
                d = 1;
            else if (expr_dirty(slot_expr(s, sl), dslot))
                d = 1;
            if (d) {
                dslot[i] = 1;
                changed = 1;
            }
        }
        /* Children come after their parents in pre-order: walk backwards. */
        for (i = s->nnodes - 1; i >= 0; i--) {
            const struct kh_node *n = &s->nodes[i];
            int d = dnode[i], c;
            if (d)
                continue;
            d = node_reads_dirty(n, dslot);
            for (c = 0; !d && c < n->nchildren; c++)
                d = dnode[n->children[c]];
            if (d) {
                dnode[i] = 1;
                changed = 1;
            }
        }
    }
    /* Results of the whole table are always redone. */
    for (i = 0; i < s->nslots; i++) {
        int kind = s->slots[i].kind;
        if (kind == KH_SLOT_TOTAL || kind == KH_SLOT_RANK || kind == KH_SLOT_FAILED_ALL ||
            kind == KH_SLOT_VETO)
            dslot[i] = 1;
    }
    /* The columns dropped here that were computed are computed again at the
     * end, so that the result has every column it had: readers
     * (kh_explain) then find them and never compute one, which keeps
     * concurrent reads of one result free of writes. dslot keeps 2 for
     * those. */
    for (i = 0; i < s->nslots; i++)
        if (dslot[i] && i != slot && r->colstate[i] == COL_DONE)
            dslot[i] = 2;
    for (i = 0; i < s->nslots; i++)
        if (dslot[i] && i != slot) {
            if (!r->colshared[i])
                kh_col_release(r, r->cols[i]);
            r->cols[i] = NULL;
            r->colshared[i] = 0;
            r->colstate[i] = COL_NONE;
        }
    if (r->cols[slot] && r->colshared[slot]) {
        /* The column was read in place (the dataset's): copy it to change it. */
        double *own = kh_col_alloc(r);
        if (!own) {
            free(dslot);
            free(dnode);
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        }
        memcpy(own, r->cols[slot], sizeof(double) * r->n);
        r->cols[slot] = own;
        r->colshared[slot] = 0;
    }
    if (r->cols[slot])
        r->cols[slot][unit] = v;
    for (i = 0; i < s->nnodes; i++)
        if (dnode[i])
            count++;
    if (nodes_recomputed)
        *nodes_recomputed = count;
    rc = rescore_nodes(r, dslot, dnode, err);
    if (!rc)
        rc = kh_node_compute(r, 0, err);
    if (!rc)
        rc = kh_result_finish(r, err);
    for (i = 0; i < s->nslots && !rc; i++)
        if (dslot[i] == 2)
            rc = kh_col_ensure(r, i, err);
    free(dslot);
    free(dnode);
    return rc;
}
