/*
 * model.c — lookups and cleanup for the in-memory scheme model
 * (scheme/model.h): parameter resolution per category and unit, name
 * lookups, and kh_scheme_free().
 */
#include "base/common.h"
#include "scheme/model.h"

double kh_param_get(const struct kh_param *p, int cat, const char *unit_id, double W,
                    double dflt)
{
    const struct kh_param_over *hit = NULL;
    double v;
    int pct, i;

    if (!p->set)
        return dflt;
    if (unit_id) {
        for (i = 0; i < p->nover; i++)
            if (p->over[i].cat < 0 && strcmp(p->over[i].key, unit_id) == 0) {
                hit = &p->over[i];
                break;
            }
    }
    if (!hit && cat >= 0) {
        for (i = 0; i < p->nover; i++)
            if (p->over[i].cat == cat) {
                hit = &p->over[i];
                break;
            }
    }
    v = hit ? hit->v : p->v;
    pct = hit ? hit->pct : p->pct;
    if (isnan(v))
        return dflt;
    return pct ? v * W : v;
}

int kh_node_reads_x(const struct kh_node *nd)
{
    switch (nd->rule.kind) {
    case KH_RULE_NONE:
    case KH_RULE_BONUS:
    case KH_RULE_DEDUCT:
    case KH_RULE_BALLOT:
    case KH_RULE_FORMULA:
        return 0;
    case KH_RULE_BINARY:
        return !nd->rule.u.binary.when;
    case KH_RULE_BANDS:
        return !nd->rule.u.bands.on;
    case KH_RULE_RANK:
        return !nd->rule.u.rank.by;
    default:
        return 1;
    }
}

int kh_scheme_node(const struct kh_scheme *s, const char *id)
{
    int i;
    for (i = 0; i < s->nnodes; i++)
        if (strcmp(s->nodes[i].id, id) == 0)
            return i;
    return -1;
}

int kh_scheme_category(const struct kh_scheme *s, const char *id)
{
    int i;
    for (i = 0; i < s->ncats; i++)
        if (strcmp(s->cats[i].id, id) == 0)
            return i;
    return -1;
}

int kh_scheme_input(const struct kh_scheme *s, const char *id)
{
    int i;
    for (i = 0; i < s->ninputs; i++)
        if (strcmp(s->inputs[i].id, id) == 0)
            return i;
    return -1;
}

static void param_free(struct kh_param *p)
{
    int i;
    for (i = 0; i < p->nover; i++)
        free(p->over[i].key);
    free(p->over);
    p->over = NULL;
    p->nover = 0;
}

static void pieces_free(struct kh_piece *pc, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        param_free(&pc[i].per);
        param_free(&pc[i].until);
    }
    free(pc);
}

static void rule_free(struct kh_rule *r)
{
    int i;

    switch (r->kind) {
    case KH_RULE_RATIO:
        param_free(&r->u.ratio.cap);
        param_free(&r->u.ratio.floor);
        break;
    case KH_RULE_STEPS: {
        struct kh_rule_steps *st = &r->u.steps;
        kh_expr_free(st->ref);
        param_free(&st->step);
        param_free(&st->base);
        pieces_free(st->up, st->nup);
        pieces_free(st->down, st->ndown);
        param_free(&st->max_up);
        param_free(&st->max_down);
        param_free(&st->cliff_at);
        param_free(&st->cliff_score);
        break;
    }
    case KH_RULE_RANK: {
        struct kh_rule_rank *rk = &r->u.rank;
        kh_expr_free(rk->by);
        for (i = 0; i < rk->nlist; i++)
            param_free(&rk->list[i]);
        free(rk->list);
        for (i = 0; i < rk->nbands; i++)
            param_free(&rk->bands[i].score);
        free(rk->bands);
        param_free(&rk->first);
        param_free(&rk->step);
        param_free(&rk->rest);
        break;
    }
    case KH_RULE_EFFICACY:
        param_free(&r->u.eff.low);
        param_free(&r->u.eff.high);
        param_free(&r->u.eff.scale);
        kh_expr_free(r->u.eff.best);
        kh_expr_free(r->u.eff.worst);
        break;
    case KH_RULE_BANDS:
        kh_expr_free(r->u.bands.on);
        for (i = 0; i < r->u.bands.nbands; i++) {
            struct kh_band *b = &r->u.bands.bands[i];
            param_free(&b->gt);
            param_free(&b->ge);
            param_free(&b->lt);
            param_free(&b->le);
            param_free(&b->score);
        }
        free(r->u.bands.bands);
        break;
    case KH_RULE_BINARY:
        kh_expr_free(r->u.binary.when);
        param_free(&r->u.binary.other);
        break;
    case KH_RULE_COUNT:
        param_free(&r->u.count.quota);
        param_free(&r->u.count.base);
        param_free(&r->u.count.per);
        param_free(&r->u.count.below);
        param_free(&r->u.count.max);
        break;
    case KH_RULE_BONUS:
    case KH_RULE_DEDUCT: {
        struct kh_rule_events *ev = &r->u.events;
        for (i = 0; i < ev->nitems; i++)
            free(ev->items[i]);
        free(ev->items);
        for (i = 0; i < ev->nlevels; i++) {
            free(ev->levels[i].name);
            param_free(&ev->levels[i].v);
            param_free(&ev->levels[i].hi);
        }
        free(ev->levels);
        for (i = 0; i < ev->nsched; i++)
            param_free(&ev->sched[i].value);
        free(ev->sched);
        param_free(&ev->per);
        param_free(&ev->base);
        param_free(&ev->max);
        param_free(&ev->min);
        break;
    }
    case KH_RULE_BALLOT: {
        struct kh_rule_ballot *bl = &r->u.ballot;
        free(bl->meeting);
        for (i = 0; i < bl->ngrades; i++)
            free(bl->grades[i].name);
        free(bl->grades);
        for (i = 0; i < bl->nignore; i++)
            free(bl->ignore[i]);
        free(bl->ignore);
        for (i = 0; i < bl->ngroups; i++)
            free(bl->groups[i].name);
        free(bl->groups);
        for (i = 0; i < bl->ngrade_quota; i++)
            free(bl->grade_quota[i].name);
        free(bl->grade_quota);
        param_free(&bl->scale);
        break;
    }
    case KH_RULE_INDEX:
        param_free(&r->u.index.min);
        param_free(&r->u.index.max);
        break;
    case KH_RULE_FORMULA:
        kh_expr_free(r->u.formula.expr);
        break;
    case KH_RULE_SCORE:
        param_free(&r->u.score.scale);
        break;
    default:
        break;
    }
    r->kind = KH_RULE_NONE;
}

static void node_free(struct kh_node *n)
{
    int i;

    free(n->id);
    free(n->name);
    free(n->clause);
    free(n->dept);
    free(n->children);
    free(n->only_cats);
    free(n->w_by_cat);
    free(n->group_tag);
    param_free(&n->points);
    kh_expr_free(n->value);
    kh_expr_free(n->target);
    kh_expr_free(n->baseline);
    rule_free(&n->rule);
    for (i = 0; i < n->noverrides; i++) {
        kh_expr_free(n->overrides[i].when);
        kh_expr_free(n->overrides[i].score);
    }
    free(n->overrides);
    kh_expr_free(n->multiplier);
    param_free(&n->min);
    param_free(&n->max);
    kh_expr_free(n->pass);
}

void kh_scheme_free(struct kh_scheme *s)
{
    int i;

    if (!s)
        return;
    free(s->file);
    free(s->source);
    free(s->id);
    free(s->name);
    free(s->version);
    for (i = 0; i < s->ncats; i++) {
        free(s->cats[i].id);
        free(s->cats[i].name);
    }
    free(s->cats);
    for (i = 0; i < s->nparams; i++) {
        free(s->params[i].id);
        free(s->params[i].name);
        param_free(&s->params[i].p);
    }
    free(s->params);
    for (i = 0; i < s->ninputs; i++) {
        free(s->inputs[i].id);
        free(s->inputs[i].name);
        free(s->inputs[i].unit);
    }
    free(s->inputs);
    for (i = 0; i < s->nderived; i++) {
        free(s->derived[i].id);
        free(s->derived[i].name);
        kh_expr_free(s->derived[i].formula);
    }
    free(s->derived);
    for (i = 0; i < s->nnodes; i++)
        node_free(&s->nodes[i]);
    free(s->nodes);
    for (i = 0; i < s->tiers.nlevels; i++) {
        free(s->tiers.levels[i].id);
        free(s->tiers.levels[i].name);
        free(s->tiers.levels[i].qover);
        kh_expr_free(s->tiers.levels[i].when);
    }
    free(s->tiers.levels);
    for (i = 0; i < s->tiers.ntiebreak; i++)
        kh_expr_free(s->tiers.tiebreak[i]);
    free(s->tiers.tiebreak);
    for (i = 0; i < s->nvetoes; i++) {
        free(s->vetoes[i].id);
        free(s->vetoes[i].name);
        free(s->vetoes[i].clause);
        kh_expr_free(s->vetoes[i].when);
        free(s->vetoes[i].forbid);
    }
    free(s->vetoes);
    for (i = 0; i < s->nslots; i++)
        free(s->slots[i].name);
    free(s->slots);
    for (i = 0; i < s->nwarnings; i++)
        free(s->warnings[i]);
    free(s->warnings);
    for (i = 0; i < s->nunit_keys; i++)
        free(s->unit_keys[i].key);
    free(s->unit_keys);
    free(s);
}
