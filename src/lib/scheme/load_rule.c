/*
 * load_rule.c — reads a leaf indicator's `rule:` into struct kh_rule: one
 * reader per rule family of the catalogue (R1–R13 plus index, formula and
 * score). A rule is written `rule: {family: {parameters}}`, or just
 * `rule: family` when every parameter has a default. Parameters the
 * catalogue shows to be ambiguous in published texts (partial steps, the
 * unit of a step, the tie policy of rank lists) have no default: leaving
 * them out is an error that says what to choose.
 */
#include "base/common.h"
#include "scheme/load.h"

static const char *const nonpos_names[] = {"error", "zero", "full", NULL};

/* Read an optional parameter key of map m. */
static int opt_param(struct ld *L, const struct kh_ynode *m, const char *key, struct kh_param *p)
{
    const struct kh_ynode *v = m ? kh_ymap_get(m, key) : NULL;
    if (!v) {
        memset(p, 0, sizeof(*p));
        p->v = NAN;
        return KH_OK;
    }
    return ld_param(L, v, key, p);
}

static int req_param(struct ld *L, const struct kh_ynode *m, const char *key, const char *fam,
                     struct kh_param *p)
{
    if (!m || !kh_ymap_get(m, key))
        return ld_fail(L, m, "%s rule needs '%s'", fam, key);
    return ld_param(L, kh_ymap_get(m, key), key, p);
}

static int read_ratio(struct ld *L, const struct kh_ynode *m, struct kh_rule_ratio *r)
{
    static const char *const keys[] = {"cap", "floor", "on_bad_target", NULL};
    const struct kh_ynode *v;
    int rc;

    if (m && (rc = ld_keys(L, m, "ratio rule", keys)))
        return rc;
    v = m ? kh_ymap_get(m, "cap") : NULL;
    if (v && v->kind == KH_Y_SCALAR && strcmp(v->text, "none") == 0) {
        r->cap_none = 1;
        r->cap.v = NAN;
    } else if ((rc = opt_param(L, m, "cap", &r->cap))) {
        return rc;
    }
    if ((rc = opt_param(L, m, "floor", &r->floor)))
        return rc;
    if (m && (v = kh_ymap_get(m, "on_bad_target")) &&
        (rc = ld_enum(L, v, "on_bad_target", nonpos_names, &r->on_bad_target)))
        return rc;
    return KH_OK;
}

/* Slopes: a single number (points per step) or a list of {per, until}. */
static int read_pieces(struct ld *L, const struct kh_ynode *v, const char *what,
                       struct kh_piece **out, int *n)
{
    static const char *const keys[] = {"per", "until", NULL};
    int i, rc;

    if (!v)
        return KH_OK;
    if (v->kind != KH_Y_SEQ) {
        *out = calloc(1, sizeof(**out));
        if (!*out)
            return KH_ENOMEM;
        *n = 1;
        (*out)[0].until.v = NAN;
        return ld_param(L, v, what, &(*out)[0].per);
    }
    if (v->nkids == 0)
        return ld_fail(L, v, "%s: the list of slope pieces is empty", what);
    *out = calloc((size_t)v->nkids, sizeof(**out));
    if (!*out)
        return KH_ENOMEM;
    for (i = 0; i < v->nkids; i++) {
        const struct kh_ynode *p = v->kids[i], *u;
        struct kh_piece *pc = &(*out)[i];
        (*n)++;
        pc->until.v = NAN;
        if ((rc = ld_keys(L, p, what, keys)))
            return rc;
        if ((rc = req_param(L, p, "per", what, &pc->per)))
            return rc;
        u = kh_ymap_get(p, "until");
        if (u) {
            if ((rc = ld_param(L, u, "until", &pc->until)))
                return rc;
            pc->has_until = 1;
        } else if (i != v->nkids - 1) {
            return ld_fail(L, p, "%s: every piece but the last needs 'until' (where the piece "
                                 "ends, in the same units as the difference)",
                           what);
        }
        if (i == v->nkids - 1 && u)
            return ld_fail(L, u, "%s: the last piece must be open-ended (no 'until')", what);
    }
    return KH_OK;
}

static int read_cliff(struct ld *L, const struct kh_ynode *v, struct kh_rule_steps *st)
{
    static const char *const keys[] = {"below", "at_or_below", "above", "at_or_above",
                                       "score", NULL};
    static const int ops[] = {KH_CLIFF_LT, KH_CLIFF_LE, KH_CLIFF_GT, KH_CLIFF_GE};
    int i, rc, found = 0;

    if ((rc = ld_keys(L, v, "cliff", keys)))
        return rc;
    for (i = 0; i < 4; i++) {
        const struct kh_ynode *b = kh_ymap_get(v, keys[i]);
        if (!b)
            continue;
        if (found++)
            return ld_fail(L, b, "cliff: give only one of below, at_or_below, above, "
                                 "at_or_above");
        st->cliff_op = ops[i];
        if ((rc = ld_param(L, b, keys[i], &st->cliff_at)))
            return rc;
    }
    if (!found)
        return ld_fail(L, v, "cliff: needs one of below, at_or_below, above, at_or_above "
                             "(e.g. below: 90 for 低于90%%不得分)");
    return opt_param(L, v, "score", &st->cliff_score);
}

static int read_steps(struct ld *L, const struct kh_ynode *m, struct kh_rule_steps *st,
                      int node)
{
    static const char *const keys[] = {"ref",    "measure", "step",     "partial",
                                       "base",   "up",      "down",     "max_up",
                                       "max_down", "cliff", NULL};
    static const char *const measures[] = {"points", "percent", "absolute", NULL};
    static const char *const partials[] = {"continuous", "whole", NULL};
    const struct kh_ynode *v;
    int rc;

    if (!m)
        return ld_fail(L, m, "steps rule needs parameters");
    if ((rc = ld_keys(L, m, "steps rule", keys)))
        return rc;
    if ((v = kh_ymap_get(m, "ref")) && (rc = ld_expr(L, v, "ref", LD_CTX_NODE, node, &st->ref)))
        return rc;
    if (!(v = kh_ymap_get(m, "measure")))
        return ld_fail(L, m, "steps rule needs 'measure': points (每…个百分点, d = x − ref), "
                             "percent (每…%%, d relative to the reference) or absolute "
                             "(amounts, d = x − ref)");
    if ((rc = ld_enum(L, v, "measure", measures, &st->measure)))
        return rc;
    if (!(v = kh_ymap_get(m, "partial")))
        return ld_fail(L, m, "steps rule needs 'partial': continuous (1.5 steps count 1.5) or "
                             "whole (only whole steps count); published rules rarely say, so "
                             "the scheme must");
    if ((rc = ld_enum(L, v, "partial", partials, &st->partial)))
        return rc;
    if ((rc = opt_param(L, m, "step", &st->step)) || (rc = opt_param(L, m, "base", &st->base)) ||
        (rc = opt_param(L, m, "max_up", &st->max_up)) ||
        (rc = opt_param(L, m, "max_down", &st->max_down)))
        return rc;
    if ((rc = read_pieces(L, kh_ymap_get(m, "up"), "up", &st->up, &st->nup)))
        return rc;
    if ((rc = read_pieces(L, kh_ymap_get(m, "down"), "down", &st->down, &st->ndown)))
        return rc;
    if (!st->nup && !st->ndown)
        return ld_fail(L, m, "steps rule needs 'up' and/or 'down' (points per step above / "
                             "below the reference)");
    if ((v = kh_ymap_get(m, "cliff")) && (rc = read_cliff(L, v, st)))
        return rc;
    return KH_OK;
}

/* "1-3", "4", 4 or [1, 3] → from, to. */
static int read_rank_range(struct ld *L, const struct kh_ynode *v, int *from, int *to)
{
    long a, b;
    char tmp[64];
    char *dash;

    if (v && v->kind == KH_Y_SEQ && v->nkids == 2 && v->kids[0]->kind == KH_Y_SCALAR &&
        v->kids[1]->kind == KH_Y_SCALAR &&
        kh_parse_long(v->kids[0]->text, 1, 1000000, &a) == KH_OK &&
        kh_parse_long(v->kids[1]->text, 1, 1000000, &b) == KH_OK && a <= b) {
        *from = (int)a;
        *to = (int)b;
        return KH_OK;
    }
    if (v && v->kind == KH_Y_SCALAR && v->len < sizeof(tmp)) {
        snprintf(tmp, sizeof(tmp), "%s", v->text);
        dash = strchr(tmp, '-');
        if (dash) {
            *dash = 0;
            if (kh_parse_long(tmp, 1, 1000000, &a) == KH_OK &&
                kh_parse_long(dash + 1, 1, 1000000, &b) == KH_OK && a <= b) {
                *from = (int)a;
                *to = (int)b;
                return KH_OK;
            }
        } else if (kh_parse_long(tmp, 1, 1000000, &a) == KH_OK) {
            *from = *to = (int)a;
            return KH_OK;
        }
    }
    return ld_fail(L, v, "ranks: expected a place or a range like \"1-3\" or [4, 6]");
}

static int read_rank(struct ld *L, const struct kh_ynode *m, struct kh_rule_rank *rk, int node)
{
    static const char *const keys[] = {"by", "ties", "from", "points", "bands",
                                       "first", "step", "rest", NULL};
    static const char *const ends[] = {"top", "bottom", NULL};
    static const char *const band_keys[] = {"ranks", "score", NULL};
    const struct kh_ynode *v;
    int rc, i, forms = 0;

    if (!m)
        return ld_fail(L, m, "rank rule needs parameters");
    if ((rc = ld_keys(L, m, "rank rule", keys)))
        return rc;
    if ((v = kh_ymap_get(m, "by")) && (rc = ld_expr(L, v, "by", LD_CTX_NODE, node, &rk->by)))
        return rc;
    if (!(v = kh_ymap_get(m, "ties")))
        return ld_fail(L, m, "rank rule needs 'ties': competition (1,2,2,4), dense (1,2,2,3), "
                             "share (tied units share the points of their places) or ordinal");
    {
        static const char *const tnames[] = {"competition", "dense", "share", "ordinal", NULL};
        if ((rc = ld_enum(L, v, "ties", tnames, &rk->ties)))
            return rc;
    }
    if ((v = kh_ymap_get(m, "from"))) {
        if ((rc = ld_enum(L, v, "from", ends, &rk->from_bottom)))
            return rc;
    }
    if ((rc = opt_param(L, m, "rest", &rk->rest)))
        return rc;
    if ((v = kh_ymap_get(m, "points"))) {
        forms++;
        rk->form = KH_RANK_LIST;
        if (v->kind != KH_Y_SEQ || v->nkids == 0)
            return ld_fail(L, v, "points: expected a list of points for places 1, 2, 3 …");
        rk->list = calloc((size_t)v->nkids, sizeof(*rk->list));
        if (!rk->list)
            return KH_ENOMEM;
        for (i = 0; i < v->nkids; i++) {
            rk->nlist++;
            if ((rc = ld_param(L, v->kids[i], "points", &rk->list[i])))
                return rc;
        }
    }
    if ((v = kh_ymap_get(m, "bands"))) {
        forms++;
        rk->form = KH_RANK_BANDS;
        if (v->kind != KH_Y_SEQ || v->nkids == 0)
            return ld_fail(L, v, "bands: expected a list of {ranks: \"1-3\", score: 7}");
        rk->bands = calloc((size_t)v->nkids, sizeof(*rk->bands));
        if (!rk->bands)
            return KH_ENOMEM;
        for (i = 0; i < v->nkids; i++) {
            struct kh_rank_band *b = &rk->bands[i];
            rk->nbands++;
            if ((rc = ld_keys(L, v->kids[i], "rank band", band_keys)))
                return rc;
            if ((rc = read_rank_range(L, kh_ymap_get(v->kids[i], "ranks"), &b->from, &b->to)))
                return rc;
            if ((rc = req_param(L, v->kids[i], "score", "rank band", &b->score)))
                return rc;
            if (i > 0 && b->from <= rk->bands[i - 1].to)
                return ld_fail(L, v->kids[i], "rank bands must not overlap and must go from "
                                              "the first place down");
        }
    }
    if (kh_ymap_get(m, "first") || kh_ymap_get(m, "step")) {
        forms++;
        rk->form = KH_RANK_STEP;
        if ((rc = req_param(L, m, "first", "rank rule (step form)", &rk->first)) ||
            (rc = req_param(L, m, "step", "rank rule (step form)", &rk->step)))
            return rc;
    }
    if (forms != 1)
        return ld_fail(L, m, "rank rule needs exactly one of: points: [list by place], "
                             "bands: [{ranks, score}], or first: + step: (decrement per place)");
    return KH_OK;
}

static int read_efficacy(struct ld *L, const struct kh_ynode *m, struct kh_rule_efficacy *e,
                         int node)
{
    static const char *const keys[] = {"low", "high", "best", "worst", "scale", "when_equal",
                                       "clamp", NULL};
    static const char *const eq[] = {"low", "high", NULL};
    const struct kh_ynode *v;
    int rc;

    e->equal_high = 1;
    e->clamp = 1;
    if (!m)
        return KH_OK;
    if ((rc = ld_keys(L, m, "efficacy rule", keys)))
        return rc;
    if ((rc = opt_param(L, m, "low", &e->low)) || (rc = opt_param(L, m, "high", &e->high)) ||
        (rc = opt_param(L, m, "scale", &e->scale)))
        return rc;
    if ((v = kh_ymap_get(m, "best")) && (rc = ld_expr(L, v, "best", LD_CTX_NODE, node,
                                                      &e->best)))
        return rc;
    if ((v = kh_ymap_get(m, "worst")) && (rc = ld_expr(L, v, "worst", LD_CTX_NODE, node,
                                                       &e->worst)))
        return rc;
    if ((v = kh_ymap_get(m, "when_equal")) && (rc = ld_enum(L, v, "when_equal", eq,
                                                            &e->equal_high)))
        return rc;
    if ((v = kh_ymap_get(m, "clamp")) && (rc = ld_bool(L, v, "clamp", &e->clamp)))
        return rc;
    return KH_OK;
}

static int read_band(struct ld *L, const struct kh_ynode *m, struct kh_band *b)
{
    static const char *const keys[] = {"gt", "ge", "lt", "le", "score", NULL};
    int rc;

    if ((rc = ld_keys(L, m, "band", keys)))
        return rc;
    b->pos.line = m->line;
    b->pos.col = m->col;
    if (kh_ymap_get(m, "gt") && kh_ymap_get(m, "ge"))
        return ld_fail(L, m, "band: give gt or ge, not both");
    if (kh_ymap_get(m, "lt") && kh_ymap_get(m, "le"))
        return ld_fail(L, m, "band: give lt or le, not both");
#define BOUND(k)                                                                               \
    if (kh_ymap_get(m, #k)) {                                                                  \
        b->has_##k = 1;                                                                        \
        if ((rc = ld_param(L, kh_ymap_get(m, #k), #k, &b->k)))                                 \
            return rc;                                                                         \
    }
    BOUND(gt)
    BOUND(ge)
    BOUND(lt)
    BOUND(le)
#undef BOUND
    return req_param(L, m, "score", "band", &b->score);
}

static int read_bands(struct ld *L, const struct kh_ynode *m, struct kh_rule_bands *bd, int node)
{
    static const char *const keys[] = {"on", "bands", NULL};
    const struct kh_ynode *list = m;
    int i, rc;

    if (m && m->kind == KH_Y_MAP) {
        if ((rc = ld_keys(L, m, "bands rule", keys)))
            return rc;
        if (kh_ymap_get(m, "on") &&
            (rc = ld_expr(L, kh_ymap_get(m, "on"), "on", LD_CTX_NODE, node, &bd->on)))
            return rc;
        list = kh_ymap_get(m, "bands");
    }
    if (!list || list->kind != KH_Y_SEQ || list->nkids == 0)
        return ld_fail(L, list ? list : m, "bands rule: expected a list of bands like "
                                           "{ge: 95, score: 2.5}, first match wins");
    bd->bands = calloc((size_t)list->nkids, sizeof(*bd->bands));
    if (!bd->bands)
        return KH_ENOMEM;
    for (i = 0; i < list->nkids; i++) {
        bd->nbands++;
        if ((rc = read_band(L, list->kids[i], &bd->bands[i])))
            return rc;
    }
    return KH_OK;
}

static int read_binary(struct ld *L, const struct kh_ynode *m, struct kh_rule_binary *bn,
                       int node)
{
    static const char *const keys[] = {"when", "else", NULL};
    int rc;

    if (!m)
        return KH_OK;
    if ((rc = ld_keys(L, m, "binary rule", keys)))
        return rc;
    if (kh_ymap_get(m, "when") &&
        (rc = ld_expr(L, kh_ymap_get(m, "when"), "when", LD_CTX_NODE, node, &bn->when)))
        return rc;
    return opt_param(L, m, "else", &bn->other);
}

static int read_count(struct ld *L, const struct kh_ynode *m, struct kh_rule_count *c)
{
    static const char *const keys[] = {"quota", "base", "per", "below", "max", NULL};
    int rc;

    if (!m)
        return ld_fail(L, m, "count rule needs at least 'per' (points per item)");
    if ((rc = ld_keys(L, m, "count rule", keys)))
        return rc;
    if ((rc = req_param(L, m, "per", "count", &c->per)))
        return rc;
    if ((rc = opt_param(L, m, "quota", &c->quota)) || (rc = opt_param(L, m, "base", &c->base)) ||
        (rc = opt_param(L, m, "below", &c->below)) || (rc = opt_param(L, m, "max", &c->max)))
        return rc;
    return KH_OK;
}

static int read_items(struct ld *L, const struct kh_ynode *v, struct kh_rule_events *ev)
{
    int i, n = v && v->kind == KH_Y_SEQ ? v->nkids : 1;

    if (!v)
        return ld_fail(L, v, "needs 'items': the event items (events.csv 'item') it counts");
    ev->items = calloc((size_t)n, sizeof(char *));
    if (!ev->items)
        return KH_ENOMEM;
    for (i = 0; i < n; i++) {
        int rc = ld_str(L, v->kind == KH_Y_SEQ ? v->kids[i] : v, "items", &ev->items[i]);
        if (rc)
            return rc;
        ev->nitems++;
    }
    return KH_OK;
}

static int read_levels(struct ld *L, const struct kh_ynode *v, struct kh_rule_events *ev)
{
    int i, rc, n;

    if (!v || v->kind != KH_Y_MAP || kh_ymap_len(v) == 0)
        return ld_fail(L, v, "levels: expected a mapping of level to points, e.g. {国家级: 1, "
                             "省级: 0.8}, or to a range [5, 20]");
    n = kh_ymap_len(v);
    ev->levels = calloc((size_t)n, sizeof(*ev->levels));
    if (!ev->levels)
        return KH_ENOMEM;
    for (i = 0; i < n; i++) {
        const struct kh_ynode *k = kh_ymap_key(v, i), *p = kh_ymap_val(v, i);
        struct kh_level *lv = &ev->levels[i];
        ev->nlevels++;
        lv->v.v = lv->hi.v = NAN;
        if ((rc = ld_str(L, k, "level", &lv->name)))
            return rc;
        if (p->kind == KH_Y_SEQ) {
            if (p->nkids != 2)
                return ld_fail(L, p, "level '%s': a range is written [low, high]", lv->name);
            lv->ranged = 1;
            if ((rc = ld_param(L, p->kids[0], "range low", &lv->v)) ||
                (rc = ld_param(L, p->kids[1], "range high", &lv->hi)))
                return rc;
        } else if ((rc = ld_param(L, p, "level points", &lv->v))) {
            return rc;
        }
    }
    return KH_OK;
}

static int read_schedule(struct ld *L, const struct kh_ynode *v, struct kh_rule_events *ev)
{
    static const char *const keys[] = {"count", "deduct", "score", NULL};
    int i, rc;

    if (!v || v->kind != KH_Y_SEQ || v->nkids == 0)
        return ld_fail(L, v, "schedule: expected a list like [{count: 1, deduct: 0.5}, "
                             "{count: 2, score: 0}]");
    ev->sched = calloc((size_t)v->nkids, sizeof(*ev->sched));
    if (!ev->sched)
        return KH_ENOMEM;
    for (i = 0; i < v->nkids; i++) {
        const struct kh_ynode *r = v->kids[i];
        struct kh_sched *sc = &ev->sched[i];
        ev->nsched++;
        if ((rc = ld_keys(L, r, "schedule row", keys)))
            return rc;
        if ((rc = ld_num(L, kh_ymap_get(r, "count"), "schedule count", &sc->count)))
            return rc;
        if (i > 0 && sc->count <= ev->sched[i - 1].count)
            return ld_fail(L, r, "schedule: counts must increase from row to row");
        if (!!kh_ymap_get(r, "deduct") == !!kh_ymap_get(r, "score"))
            return ld_fail(L, r, "schedule row: give either deduct: (points taken off) or "
                                 "score: (the item's score)");
        sc->sets_score = kh_ymap_get(r, "score") != NULL;
        if ((rc = ld_param(L, kh_ymap_get(r, sc->sets_score ? "score" : "deduct"), "schedule",
                           &sc->value)))
            return rc;
    }
    return KH_OK;
}

static int read_events(struct ld *L, const struct kh_ynode *m, struct kh_rule_events *ev,
                       int deduct)
{
    static const char *const bonus_keys[] = {"items", "levels", "per", "dedupe", "shares",
                                             "max", NULL};
    static const char *const deduct_keys[] = {"items", "levels", "per", "schedule", "base",
                                              "max", "min", "dedupe", "shares", NULL};
    static const char *const dd[] = {"none", "matter", NULL};
    static const char *const sh[] = {"full", "split", NULL};
    const char *fam = deduct ? "deduct" : "bonus";
    const struct kh_ynode *v;
    int rc;

    ev->dedupe_matter = !deduct;
    ev->split_shares = 1;
    if (!m)
        return ld_fail(L, m, "%s rule needs items: and levels: or per:", fam);
    if ((rc = ld_keys(L, m, deduct ? "deduct rule" : "bonus rule",
                      deduct ? deduct_keys : bonus_keys)))
        return rc;
    if ((rc = read_items(L, kh_ymap_get(m, "items"), ev)))
        return rc;
    if ((v = kh_ymap_get(m, "levels")) && (rc = read_levels(L, v, ev)))
        return rc;
    if ((rc = opt_param(L, m, "per", &ev->per)))
        return rc;
    if ((v = kh_ymap_get(m, "schedule")) && (rc = read_schedule(L, v, ev)))
        return rc;
    if (!ev->nlevels && !ev->per.set && !ev->nsched)
        return ld_fail(L, m, "%s rule needs levels: (points by level) or per: (points per "
                             "event)%s",
                       fam, deduct ? " or schedule:" : "");
    if ((v = kh_ymap_get(m, "dedupe")) && (rc = ld_enum(L, v, "dedupe", dd,
                                                        &ev->dedupe_matter)))
        return rc;
    if ((v = kh_ymap_get(m, "shares")) && (rc = ld_enum(L, v, "shares", sh,
                                                        &ev->split_shares)))
        return rc;
    if ((rc = opt_param(L, m, "base", &ev->base)) || (rc = opt_param(L, m, "max", &ev->max)) ||
        (rc = opt_param(L, m, "min", &ev->min)))
        return rc;
    return KH_OK;
}

static int read_grades(struct ld *L, const struct kh_ynode *v, struct kh_grade **out, int *n,
                       const char *what)
{
    int i, rc, len = kh_ymap_len(v);

    if (!v || v->kind != KH_Y_MAP || len == 0)
        return ld_fail(L, v, "%s: expected a mapping like {好: 100, 较好: 80}", what);
    *out = calloc((size_t)len, sizeof(**out));
    if (!*out)
        return KH_ENOMEM;
    for (i = 0; i < len; i++) {
        struct kh_grade *g = &(*out)[i];
        (*n)++;
        if ((rc = ld_str(L, kh_ymap_key(v, i), what, &g->name)) ||
            (rc = ld_num(L, kh_ymap_val(v, i), what, &g->v)))
            return rc;
    }
    return KH_OK;
}

static int read_ballot(struct ld *L, const struct kh_ynode *m, struct kh_rule_ballot *b)
{
    static const char *const keys[] = {"meeting", "grades", "ignore", "groups", "trim",
                                       "scale", "invalid", NULL};
    static const char *const trim_keys[] = {"over", "high", "low", NULL};
    static const char *const inv_keys[] = {"uniform", "max_per_grade", NULL};
    const struct kh_ynode *v;
    int i, rc;

    if (!m)
        return ld_fail(L, m, "ballot rule needs meeting:");
    if ((rc = ld_keys(L, m, "ballot rule", keys)))
        return rc;
    if ((rc = ld_str(L, kh_ymap_get(m, "meeting"), "meeting", &b->meeting)))
        return rc;
    if ((v = kh_ymap_get(m, "grades")) &&
        (rc = read_grades(L, v, &b->grades, &b->ngrades, "grades")))
        return rc;
    if ((v = kh_ymap_get(m, "ignore"))) {
        int n = v->kind == KH_Y_SEQ ? v->nkids : 1;
        b->ignore = calloc((size_t)n, sizeof(char *));
        if (!b->ignore)
            return KH_ENOMEM;
        for (i = 0; i < n; i++) {
            if ((rc = ld_str(L, v->kind == KH_Y_SEQ ? v->kids[i] : v, "ignore",
                             &b->ignore[i])))
                return rc;
            b->nignore++;
        }
    }
    if ((v = kh_ymap_get(m, "groups"))) {
        int len = kh_ymap_len(v);
        if (v->kind != KH_Y_MAP || len == 0)
            return ld_fail(L, v, "groups: expected evaluator groups and weights, e.g. {领导: "
                                 "0.3, 代表委员: 0.4, 群众: 0.3}");
        b->groups = calloc((size_t)len, sizeof(*b->groups));
        if (!b->groups)
            return KH_ENOMEM;
        for (i = 0; i < len; i++) {
            b->ngroups++;
            if ((rc = ld_str(L, kh_ymap_key(v, i), "group", &b->groups[i].name)) ||
                (rc = ld_num(L, kh_ymap_val(v, i), "group weight", &b->groups[i].weight)))
                return rc;
            if (b->groups[i].weight < 0)
                return ld_fail(L, kh_ymap_val(v, i), "group weight must not be negative");
        }
    }
    if ((v = kh_ymap_get(m, "trim"))) {
        if ((rc = ld_keys(L, v, "trim", trim_keys)))
            return rc;
        b->trim_high = b->trim_low = 1;
        if ((rc = ld_int(L, kh_ymap_get(v, "over"), "trim.over (trim only when a group has "
                                                    "more marks than this)",
                         0, 1000000, &b->trim_over)))
            return rc;
        if (kh_ymap_get(v, "high") &&
            (rc = ld_int(L, kh_ymap_get(v, "high"), "trim.high", 0, 1000, &b->trim_high)))
            return rc;
        if (kh_ymap_get(v, "low") &&
            (rc = ld_int(L, kh_ymap_get(v, "low"), "trim.low", 0, 1000, &b->trim_low)))
            return rc;
        if (b->trim_over < b->trim_high + b->trim_low)
            return ld_fail(L, v, "trim: 'over' must be at least high + low");
    }
    if ((rc = opt_param(L, m, "scale", &b->scale)))
        return rc;
    if ((v = kh_ymap_get(m, "invalid"))) {
        if ((rc = ld_keys(L, v, "invalid", inv_keys)))
            return rc;
        if (kh_ymap_get(v, "uniform") &&
            (rc = ld_bool(L, kh_ymap_get(v, "uniform"), "invalid.uniform", &b->invalid_uniform)))
            return rc;
        if (kh_ymap_get(v, "max_per_grade") &&
            (rc = read_grades(L, kh_ymap_get(v, "max_per_grade"), &b->grade_quota,
                              &b->ngrade_quota, "max_per_grade")))
            return rc;
    }
    return KH_OK;
}

static int read_index(struct ld *L, const struct kh_ynode *m, struct kh_rule_index *ix)
{
    static const char *const keys[] = {"method", "min", "max", "log", "clamp", NULL};
    static const char *const methods[] = {"goalposts", "minmax", "zscore", NULL};
    const struct kh_ynode *v;
    int rc;

    ix->clamp = 1;
    if (!m)
        return ld_fail(L, m, "index rule needs method: goalposts, minmax or zscore");
    if ((rc = ld_keys(L, m, "index rule", keys)))
        return rc;
    if ((rc = ld_enum(L, kh_ymap_get(m, "method"), "method", methods, &ix->method)))
        return rc;
    if (ix->method == KH_INDEX_GOALPOSTS) {
        if ((rc = req_param(L, m, "min", "index (goalposts)", &ix->min)) ||
            (rc = req_param(L, m, "max", "index (goalposts)", &ix->max)))
            return rc;
    }
    if ((v = kh_ymap_get(m, "log")) && (rc = ld_bool(L, v, "log", &ix->log)))
        return rc;
    if ((v = kh_ymap_get(m, "clamp")) && (rc = ld_bool(L, v, "clamp", &ix->clamp)))
        return rc;
    return KH_OK;
}

static int read_score(struct ld *L, const struct kh_ynode *m, struct kh_rule_score *sc)
{
    static const char *const keys[] = {"scale", NULL};
    int rc;
    if (!m)
        return KH_OK;
    if ((rc = ld_keys(L, m, "score rule", keys)))
        return rc;
    return opt_param(L, m, "scale", &sc->scale);
}

static const char *const family_names[] = {
    "", "ratio", "steps", "rank", "proportional", "efficacy", "bands", "binary", "count",
    "bonus", "deduct", "ballot", "index", "formula", "score", NULL};

int ld_rule(struct ld *L, const struct kh_ynode *n, struct kh_node *node, int idx)
{
    struct kh_rule *r = &node->rule;
    const struct kh_ynode *params = NULL, *fam;
    int kind, rc;

    if (n->kind == KH_Y_SCALAR) {
        fam = n;
    } else if (n->kind == KH_Y_MAP && kh_ymap_len(n) == 1) {
        fam = kh_ymap_key(n, 0);
        params = kh_ymap_val(n, 0);
        if (kh_ynull(params))
            params = NULL;
    } else {
        return ld_fail(L, n, "rule: expected one rule family with its parameters, e.g. "
                             "rule: {ratio: {cap: 1}}");
    }
    if (ld_enum(L, fam, "rule family", family_names + 1, &kind))
        return KH_EINVAL;
    kind++; /* family_names[0] is the parent's "no rule" */
    r->kind = kind;
    r->pos.line = n->line;
    r->pos.col = n->col;
    if (params && params->kind != KH_Y_MAP && kind != KH_RULE_BANDS && kind != KH_RULE_FORMULA)
        return ld_fail(L, params, "%s rule: expected its parameters as a mapping",
                       family_names[kind]);
    switch (kind) {
    case KH_RULE_RATIO:
        return read_ratio(L, params, &r->u.ratio);
    case KH_RULE_STEPS:
        return read_steps(L, params, &r->u.steps, idx);
    case KH_RULE_RANK:
        return read_rank(L, params, &r->u.rank, idx);
    case KH_RULE_PROPORTIONAL: {
        static const char *const keys[] = {"on_bad_leader", NULL};
        if (!params)
            return KH_OK;
        if ((rc = ld_keys(L, params, "proportional rule", keys)))
            return rc;
        if (kh_ymap_get(params, "on_bad_leader"))
            return ld_enum(L, kh_ymap_get(params, "on_bad_leader"), "on_bad_leader",
                           nonpos_names, &r->u.prop.on_bad_leader);
        return KH_OK;
    }
    case KH_RULE_EFFICACY:
        return read_efficacy(L, params, &r->u.eff, idx);
    case KH_RULE_BANDS:
        return read_bands(L, params, &r->u.bands, idx);
    case KH_RULE_BINARY:
        return read_binary(L, params, &r->u.binary, idx);
    case KH_RULE_COUNT:
        return read_count(L, params, &r->u.count);
    case KH_RULE_BONUS:
        return read_events(L, params, &r->u.events, 0);
    case KH_RULE_DEDUCT:
        return read_events(L, params, &r->u.events, 1);
    case KH_RULE_BALLOT:
        return read_ballot(L, params, &r->u.ballot);
    case KH_RULE_INDEX:
        return read_index(L, params, &r->u.index);
    case KH_RULE_FORMULA:
        if (!params)
            return ld_fail(L, n, "formula rule: expected rule: {formula: \"expression\"}");
        return ld_expr(L, params, "formula", LD_CTX_NODE, idx, &r->u.formula.expr);
    case KH_RULE_SCORE:
        return read_score(L, params, &r->u.score);
    }
    return KH_OK;
}
