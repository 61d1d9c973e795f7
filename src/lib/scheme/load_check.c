/*
 * load_check.c — the scheme loader's last step, run once every section has
 * been read: bind every expression's names to slots (so an unknown name is
 * reported at its own line and column), resolve each indicator's points per
 * category (points, share of the parent, or the sum of the children), and
 * reject what cannot be scored: children whose points exceed their
 * parent's, cycles among derived indicators and score() references, rules
 * without the value or target they read.
 */
#include "base/common.h"
#include "scheme/load.h"

int ld_unit_key(struct ld *L, const struct kh_ynode *key)
{
    struct kh_scheme *s = L->s;
    int i;

    for (i = 0; i < s->nunit_keys; i++)
        if (strcmp(s->unit_keys[i].key, key->text) == 0)
            return KH_OK;
    if (kh_grow(&s->unit_keys, &L->capukeys, (size_t)s->nunit_keys + 1, sizeof(*s->unit_keys)))
        return KH_ENOMEM;
    s->unit_keys[s->nunit_keys].key = kh_strdup(key->text);
    if (!s->unit_keys[s->nunit_keys].key)
        return KH_ENOMEM;
    s->unit_keys[s->nunit_keys].pos.line = key->line;
    s->unit_keys[s->nunit_keys].pos.col = key->col;
    s->nunit_keys++;
    return KH_OK;
}

int ld_slot(struct ld *L, int kind, const char *name, int ref)
{
    struct kh_scheme *s = L->s;
    int i;

    for (i = 0; i < s->nslots; i++) {
        const struct kh_slot *sl = &s->slots[i];
        if (sl->kind == kind && sl->ref == ref && kh_streq(sl->name, name))
            return i;
    }
    if (kh_grow(&s->slots, &L->capslots, (size_t)s->nslots + 1, sizeof(*s->slots)))
        return KH_ENOMEM;
    s->slots[s->nslots].kind = kind;
    s->slots[s->nslots].ref = ref;
    s->slots[s->nslots].name = name ? kh_strdup(name) : NULL;
    if (name && !s->slots[s->nslots].name)
        return KH_ENOMEM;
    return s->nslots++;
}

static int find_derived(const struct kh_scheme *s, const char *id)
{
    int i;
    for (i = 0; i < s->nderived; i++)
        if (strcmp(s->derived[i].id, id) == 0)
            return i;
    return -1;
}

static int find_param(const struct kh_scheme *s, const char *id)
{
    int i;
    for (i = 0; i < s->nparams; i++)
        if (strcmp(s->params[i].id, id) == 0)
            return i;
    return -1;
}

static int find_veto(const struct kh_scheme *s, const char *id)
{
    int i;
    for (i = 0; i < s->nvetoes; i++)
        if (strcmp(s->vetoes[i].id, id) == 0)
            return i;
    return -1;
}

static int bind_fail(struct kh_err *err, const struct kh_srcpos *at, const char *fmt, ...)
    KH_PRINTF(3, 4);

static int bind_fail(struct kh_err *err, const struct kh_srcpos *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_setv(err, KH_EINVAL, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0,
                fmt, ap);
    va_end(ap);
    return KH_EINVAL;
}

/* Bind a bare name. */
static int bind_name(struct ld *L, const char *name, const struct kh_srcpos *at,
                     struct kh_err *err)
{
    struct kh_scheme *s = L->s;
    int i;

    if (strcmp(name, "x") == 0 || strcmp(name, "t") == 0 || strcmp(name, "b") == 0 ||
        strcmp(name, "W") == 0) {
        struct kh_node *n;
        int kind = name[0] == 'x'   ? KH_SLOT_NODE_X
                   : name[0] == 't' ? KH_SLOT_NODE_T
                   : name[0] == 'b' ? KH_SLOT_NODE_B
                                    : KH_SLOT_NODE_W;
        if (!LD_NODE_CTX(L->bind_ctx))
            return bind_fail(err, at, "'%s' means the indicator's own value/target/baseline/"
                                      "points and can only be used inside an indicator",
                             name);
        if ((kind == KH_SLOT_NODE_X && L->bind_ctx == LD_CTX_VALUE) ||
            (kind == KH_SLOT_NODE_T && L->bind_ctx == LD_CTX_TARGET) ||
            (kind == KH_SLOT_NODE_B && L->bind_ctx == LD_CTX_BASELINE))
            return bind_fail(err, at, "'%s' cannot be used to define itself (in value: write "
                                      "the inputs, e.g. value: gdp / pop)",
                             name);
        n = &s->nodes[L->bind_node];
        if (kind == KH_SLOT_NODE_X && !n->value)
            return bind_fail(err, at, "'x' is the indicator's value, but indicator '%s' has "
                                      "no value: line",
                             n->id);
        i = ld_slot(L, kind, NULL, L->bind_node);
        if (i < 0)
            return i;
        if (kind == KH_SLOT_NODE_X)
            n->slot_x = i;
        else if (kind == KH_SLOT_NODE_T)
            n->slot_t = i;
        else if (kind == KH_SLOT_NODE_B)
            n->slot_b = i;
        else
            n->slot_w = i;
        return i;
    }
    if (strcmp(name, "total") == 0 || strcmp(name, "rank") == 0 ||
        strcmp(name, "failed_count") == 0) {
        if (!LD_RESULT_CTX(L->bind_ctx))
            return bind_fail(err, at, "'%s' is known only after scoring; use it in tiers and "
                                      "vetoes",
                             name);
        if (name[0] == 'r' && L->bind_ctx == LD_CTX_TIEBREAK)
            return bind_fail(err, at, "'rank' cannot be a tie-break key: ranks are decided by "
                                      "the tie-break");
        return ld_slot(L, name[0] == 't'   ? KH_SLOT_TOTAL
                          : name[0] == 'r' ? KH_SLOT_RANK
                                           : KH_SLOT_FAILED_ALL,
                       NULL, -1);
    }
    if (strcmp(name, "elapsed") == 0)
        return ld_slot(L, KH_SLOT_ELAPSED, NULL, -1);
    if ((i = kh_scheme_input(s, name)) >= 0)
        return ld_slot(L, KH_SLOT_INPUT, name, i);
    if ((i = find_derived(s, name)) >= 0)
        return ld_slot(L, KH_SLOT_DERIVED, name, i);
    if ((i = find_param(s, name)) >= 0)
        return ld_slot(L, KH_SLOT_PARAM, name, i);
    return bind_fail(err, at, "unknown name '%s': not an input, derived indicator or "
                              "parameter of this scheme%s",
                     name,
                     LD_NODE_CTX(L->bind_ctx) ? " (inside an indicator, x t b W are also "
                                                "known)"
                                              : "");
}

static int binder(void *user, const char *func, const char *name, const struct kh_srcpos *at,
                  struct kh_err *err)
{
    struct ld *L = user;
    struct kh_scheme *s = L->s;
    int i;

    if (!func)
        return bind_name(L, name, at, err);
    if (!strcmp(func, "target") || !strcmp(func, "baseline") || !strcmp(func, "prev") ||
        !strcmp(func, "lastyear") || !strcmp(func, "ytd")) {
        int kind = func[0] == 't'   ? KH_SLOT_TARGET
                   : func[0] == 'b' ? KH_SLOT_BASELINE
                   : func[0] == 'p' ? KH_SLOT_PREV
                   : func[0] == 'y' ? KH_SLOT_YTD
                                    : KH_SLOT_LASTYEAR;
        if ((i = kh_scheme_input(s, name)) < 0)
            return bind_fail(err, at, "%s(%s): '%s' is not an input of this scheme", func,
                             name, name);
        return ld_slot(L, kind, name, i);
    }
    if (!strcmp(func, "param")) {
        if ((i = find_param(s, name)) < 0)
            return bind_fail(err, at, "param(%s): no parameter named '%s' in params:", name,
                             name);
        return ld_slot(L, KH_SLOT_PARAM, name, i);
    }
    if (!strcmp(func, "attr"))
        return ld_slot(L, KH_SLOT_ATTR, name, -1);
    if (!strcmp(func, "events"))
        return ld_slot(L, KH_SLOT_EVENTS, name, -1);
    if (!strcmp(func, "score") || !strcmp(func, "failed")) {
        if (L->bind_ctx == LD_CTX_DERIVED)
            return bind_fail(err, at, "%s() cannot be used in a derived indicator", func);
        if ((i = kh_scheme_node(s, name)) < 0)
            return bind_fail(err, at, "%s(%s): no indicator with id '%s'", func, name, name);
        if (func[0] == 'f' && !s->nodes[i].pass)
            return bind_fail(err, at, "failed(%s): indicator '%s' has no pass: test", name,
                             name);
        return ld_slot(L, func[0] == 's' ? KH_SLOT_SCORE : KH_SLOT_FAILED, name, i);
    }
    if (!strcmp(func, "veto")) {
        if (L->bind_ctx != LD_CTX_TIER)
            return bind_fail(err, at, "veto() can be used only in tier conditions (vetoes are "
                                      "decided after ranks and before tiers)");
        if ((i = find_veto(s, name)) < 0)
            return bind_fail(err, at, "veto(%s): no veto with id '%s'", name, name);
        return ld_slot(L, KH_SLOT_VETO, name, i);
    }
    return bind_fail(err, at,
                     "unknown function '%s(…)'; references are target, baseline, prev, "
                     "lastyear, ytd, param, attr, events, score, failed and veto",
                     func);
}

/* ---- dependency cycles -------------------------------------------------- */

/* Entities: derived d is d, node n is nderived + n. */
struct graph {
    int n;
    int **adj;
    int *nadj, *capadj;
};

static int graph_edge(struct graph *g, int from, int to)
{
    size_t cap = (size_t)g->capadj[from];
    if (kh_grow(&g->adj[from], &cap, (size_t)g->nadj[from] + 1, sizeof(int)))
        return KH_ENOMEM;
    g->capadj[from] = (int)cap;
    g->adj[from][g->nadj[from]++] = to;
    return KH_OK;
}

struct edge_ctx {
    struct ld *L;
    struct graph *g;
    int owner;
    int rc;
};

static void slot_edge(void *user, int slot)
{
    struct edge_ctx *c = user;
    const struct kh_slot *sl = &c->L->s->slots[slot];
    int to = -1;

    if (sl->kind == KH_SLOT_DERIVED)
        to = sl->ref;
    else if (sl->kind == KH_SLOT_SCORE || sl->kind == KH_SLOT_FAILED)
        to = c->L->s->nderived + sl->ref;
    if (to >= 0 && !c->rc)
        c->rc = graph_edge(c->g, c->owner, to);
}

static const char *entity_name(const struct kh_scheme *s, int e)
{
    return e < s->nderived ? s->derived[e].id : s->nodes[e - s->nderived].id;
}

static struct kh_pos entity_pos(const struct kh_scheme *s, int e)
{
    return e < s->nderived ? s->derived[e].pos : s->nodes[e - s->nderived].pos;
}

/* Iterative DFS with colours; on a cycle, describe it in err. */
static int find_cycle(struct ld *L, struct graph *g)
{
    int *colour = calloc((size_t)g->n, sizeof(int)); /* 0 new, 1 on stack, 2 done */
    int *stack = calloc((size_t)g->n, sizeof(int));
    int *next = calloc((size_t)g->n, sizeof(int));
    int rc = KH_OK, start;

    if (!colour || !stack || !next) {
        rc = KH_ENOMEM;
        goto out;
    }
    for (start = 0; start < g->n && !rc; start++) {
        int sp = 0;
        if (colour[start])
            continue;
        stack[sp++] = start;
        colour[start] = 1;
        while (sp > 0 && !rc) {
            int v = stack[sp - 1];
            if (next[v] < g->nadj[v]) {
                int w = g->adj[v][next[v]++];
                if (colour[w] == 0) {
                    colour[w] = 1;
                    stack[sp++] = w;
                } else if (colour[w] == 1) {
                    struct kh_buf b;
                    struct kh_pos p = entity_pos(L->s, w);
                    int i, from = sp - 1;
                    while (from > 0 && stack[from] != w)
                        from--;
                    kh_buf_init(&b, 4096);
                    for (i = from; i < sp; i++)
                        kh_buf_printf(&b, "%s → ", entity_name(L->s, stack[i]));
                    kh_buf_puts(&b, entity_name(L->s, w));
                    rc = kh_err_set(L->err, KH_EINVAL, L->file, p.line, p.col,
                                    "circular definition: %s (each needs the next to be "
                                    "computed first)",
                                    kh_buf_str(&b));
                    kh_buf_free(&b);
                }
            } else {
                colour[v] = 2;
                sp--;
            }
        }
    }
out:
    free(colour);
    free(stack);
    free(next);
    return rc;
}

/* Deepest allowed chain of definitions (each needs the next computed
 * first): the engine computes them recursively. */
#define MAX_DEPENDENCY_DEPTH 256

/* The longest chain of dependencies in the (acyclic) graph must stay within
 * MAX_DEPENDENCY_DEPTH; iterative post-order DFS with memoised depths. */
static int check_depth(struct ld *L, struct graph *g)
{
    int *depth = calloc((size_t)g->n, sizeof(int)); /* 0: not done */
    int *stack = calloc((size_t)g->n, sizeof(int));
    int *next = calloc((size_t)g->n, sizeof(int));
    int rc = KH_OK, start;

    if (!depth || !stack || !next) {
        rc = KH_ENOMEM;
        goto out;
    }
    for (start = 0; start < g->n && !rc; start++) {
        int sp = 0;
        if (depth[start])
            continue;
        stack[sp++] = start;
        while (sp > 0) {
            int v = stack[sp - 1];
            if (next[v] < g->nadj[v]) {
                int w = g->adj[v][next[v]++];
                if (!depth[w])
                    stack[sp++] = w;
                continue;
            }
            depth[v] = 1;
            for (int k = 0; k < g->nadj[v]; k++)
                if (depth[g->adj[v][k]] + 1 > depth[v])
                    depth[v] = depth[g->adj[v][k]] + 1;
            sp--;
            if (depth[v] > MAX_DEPENDENCY_DEPTH) {
                struct kh_pos p = entity_pos(L->s, v);
                rc = kh_err_set(L->err, KH_ELIMIT, L->file, p.line, p.col,
                                "definitions are nested more than %d deep, starting at '%s' "
                                "(each needs the next computed first); shorten the chain",
                                MAX_DEPENDENCY_DEPTH, entity_name(L->s, v));
                break;
            }
        }
    }
out:
    free(depth);
    free(stack);
    free(next);
    return rc;
}

static int check_cycles(struct ld *L)
{
    struct kh_scheme *s = L->s;
    struct graph g;
    size_t i;
    int rc = KH_OK, n;

    g.n = s->nderived + s->nnodes;
    g.adj = calloc((size_t)g.n, sizeof(int *));
    g.nadj = calloc((size_t)g.n, sizeof(int));
    g.capadj = calloc((size_t)g.n, sizeof(int));
    if (!g.adj || !g.nadj || !g.capadj) {
        rc = KH_ENOMEM;
        goto out;
    }
    for (n = 0; n < s->nnodes && !rc; n++)
        if (s->nodes[n].parent >= 0)
            rc = graph_edge(&g, s->nderived + s->nodes[n].parent, s->nderived + n);
    for (i = 0; i < L->npend && !rc; i++) {
        struct edge_ctx c;
        const struct ld_pending *p = &L->pend[i];
        if (LD_RESULT_CTX(p->ctx))
            continue; /* tiers and vetoes come after every score */
        c.L = L;
        c.g = &g;
        c.owner = p->ctx == LD_CTX_DERIVED ? p->node : s->nderived + p->node;
        c.rc = KH_OK;
        kh_expr_each_slot(p->e, slot_edge, &c);
        rc = c.rc;
    }
    if (!rc)
        rc = find_cycle(L, &g);
    if (!rc)
        rc = check_depth(L, &g);
out:
    if (g.adj)
        for (n = 0; n < g.n; n++)
            free(g.adj[n]);
    free(g.adj);
    free(g.nadj);
    free(g.capadj);
    return rc;
}

/* ---- points ------------------------------------------------------------- */

/* Does node ni (and every ancestor) apply to category cat? */
static int applies(const struct kh_scheme *s, int ni, int cat)
{
    for (; ni >= 0; ni = s->nodes[ni].parent) {
        const struct kh_node *n = &s->nodes[ni];
        int i, ok = !n->nonly_cats;
        for (i = 0; i < n->nonly_cats; i++)
            if (n->only_cats[i] == cat)
                ok = 1;
        if (!ok)
            return 0;
    }
    return 1;
}

static int fail_at(struct ld *L, struct kh_pos p, const char *fmt, ...) KH_PRINTF(3, 4);

static int fail_at(struct ld *L, struct kh_pos p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_setv(L->err, KH_EINVAL, L->file, p.line, p.col, fmt, ap);
    va_end(ap);
    return KH_EINVAL;
}

static int resolve_points(struct ld *L, int ni, const double *parent_w)
{
    struct kh_scheme *s = L->s;
    struct kh_node *n = &s->nodes[ni];
    int c, k, rc, own = n->points.set || n->points_from_share;

    n->w_by_cat = malloc(sizeof(double) * (size_t)(s->ncats ? s->ncats : 1));
    if (!n->w_by_cat)
        return KH_ENOMEM;
    for (c = 0; c < s->ncats; c++) {
        double w = NAN;
        if (!applies(s, ni, c)) {
            n->w_by_cat[c] = NAN;
            continue;
        }
        if (n->points.set) {
            w = kh_param_get(&n->points, c, NULL, 0, NAN);
            if (isnan(w))
                return fail_at(L, n->points.pos, "indicator '%s': no points for category '%s' "
                                                 "(add it or a default:)",
                               n->id, s->cats[c].id);
        } else if (n->points_from_share) {
            if (!parent_w || isnan(parent_w[c]))
                return fail_at(L, n->pos, "indicator '%s': share needs a parent with points",
                               n->id);
            w = n->share * parent_w[c];
        } else if (!n->nchildren) {
            if (n->kind == KH_NODE_NORMAL)
                return fail_at(L, n->pos, "indicator '%s' needs points: (分值)", n->id);
            w = 0; /* bonus and deduction items may stand outside the full points */
        }
        n->w_by_cat[c] = w;
    }
    if (n->points_from_share && !parent_w)
        return fail_at(L, n->pos, "indicator '%s': share needs a parent with points", n->id);
    for (k = 0; k < n->nchildren; k++) {
        struct kh_node *ch = &s->nodes[n->children[k]];
        if (ch->points_from_share && !own)
            return fail_at(L, ch->pos, "indicator '%s' is given as a share of '%s', which has "
                                       "no points of its own",
                           ch->id, n->id);
        if ((rc = resolve_points(L, n->children[k], n->w_by_cat)))
            return rc;
        n = &s->nodes[ni];
    }
    if (!n->nchildren)
        return KH_OK;
    /* Sum (or check) the children's points per category. */
    for (c = 0; c < s->ncats; c++) {
        double sum = 0;
        int any = 0;
        if (!applies(s, ni, c))
            continue;
        for (k = 0; k < n->nchildren; k++) {
            const struct kh_node *ch = &s->nodes[n->children[k]];
            if (ch->kind != KH_NODE_NORMAL || isnan(ch->w_by_cat[c]))
                continue;
            sum += (n->combine == KH_COMBINE_SUM ? ch->weight : 1) * ch->w_by_cat[c];
            any = 1;
        }
        if (!own) {
            n->w_by_cat[c] = sum;
            continue;
        }
        if (!any || n->combine != KH_COMBINE_SUM)
            continue;
        if (sum > n->w_by_cat[c] + 1e-9)
            return fail_at(L, n->pos, "the children of '%s' add up to %g points for category "
                                      "'%s', more than its own %g",
                           n->id, sum, s->cats[c].id, n->w_by_cat[c]);
        if (sum < n->w_by_cat[c] - 1e-9) {
            struct kh_ynode at;
            memset(&at, 0, sizeof(at));
            at.line = n->pos.line;
            at.col = n->pos.col;
            if ((rc = ld_warn(L, &at, "the children of '%s' add up to %g points for category "
                                      "'%s', less than its own %g",
                              n->id, sum, s->cats[c].id, n->w_by_cat[c])))
                return rc;
        }
    }
    return KH_OK;
}

/* ---- per-node checks ----------------------------------------------------- */

struct reads_ctx {
    const struct kh_scheme *s;
    int node;
    int reads[3]; /* x, t, b of the node */
};

static void note_reads(void *user, int slot)
{
    struct reads_ctx *c = user;
    const struct kh_slot *sl = &c->s->slots[slot];
    if (sl->ref != c->node)
        return;
    if (sl->kind == KH_SLOT_NODE_X)
        c->reads[0] = 1;
    else if (sl->kind == KH_SLOT_NODE_T)
        c->reads[1] = 1;
    else if (sl->kind == KH_SLOT_NODE_B)
        c->reads[2] = 1;
}

/* value, target and baseline of one node must not define each other in a
 * circle (value: t, target: x). */
static int check_own_cycle(struct ld *L, int ni)
{
    static const char *const names[3] = {"value", "target", "baseline"};
    const struct kh_node *n = &L->s->nodes[ni];
    const struct kh_expr *e[3] = {n->value, n->target, n->baseline};
    int reach[3][3] = {{0}}, i, j, k;

    for (i = 0; i < 3; i++) {
        struct reads_ctx c = {L->s, ni, {0, 0, 0}};
        if (e[i])
            kh_expr_each_slot(e[i], note_reads, &c);
        for (j = 0; j < 3; j++)
            reach[i][j] = c.reads[j];
    }
    for (k = 0; k < 3; k++) /* transitive closure (Warshall) */
        for (i = 0; i < 3; i++)
            for (j = 0; j < 3; j++)
                reach[i][j] |= reach[i][k] && reach[k][j];
    for (i = 0; i < 3; i++)
        for (j = i + 1; j < 3; j++)
            if (reach[i][j] && reach[j][i])
                return fail_at(L, n->pos, "%s and %s of indicator '%s' depend on each other",
                               names[i], names[j], n->id);
    return KH_OK;
}

static int check_node(struct ld *L, int ni)
{
    struct kh_scheme *s = L->s;
    struct kh_node *n = &s->nodes[ni];
    int k = n->rule.kind;
    char tmp[256];
    struct kh_buf b;

    n->value_input = -1;
    if (n->value) {
        kh_buf_init(&b, sizeof(tmp));
        kh_expr_text(n->value, &b);
        snprintf(tmp, sizeof(tmp), "%s", kh_buf_str(&b));
        kh_buf_free(&b);
        n->value_input = kh_scheme_input(s, tmp);
    }
    if (!n->nchildren && kh_node_reads_x(n) && !n->value)
        return fail_at(L, n->pos, "indicator '%s': its rule reads a value, so it needs value: "
                                  "(an input name or an expression)",
                       n->id);
    if ((k == KH_RULE_RATIO || (k == KH_RULE_STEPS && !n->rule.u.steps.ref)) && !n->target &&
        n->value_input < 0)
        return fail_at(L, n->pos, "indicator '%s': its rule compares with a target, so it "
                                  "needs target: (or a value that is an input, whose target "
                                  "comes from targets.csv)",
                       n->id);
    if (n->has_progress && !n->target && n->value_input < 0)
        return fail_at(L, n->pos, "indicator '%s': progress needs a target", n->id);
    if (k == KH_RULE_DEDUCT && n->kind == KH_NODE_BONUS)
        return fail_at(L, n->pos, "indicator '%s': a deduct rule on a bonus item", n->id);
    return check_own_cycle(L, ni);
}

int ld_finish(struct ld *L)
{
    struct kh_scheme *s = L->s;
    size_t i;
    int rc, n;

    /* Nodes first: check_node fills value_input, used when defaulting targets. */
    for (i = 0; i < L->npend; i++) {
        const struct ld_pending *p = &L->pend[i];
        L->bind_ctx = p->ctx;
        L->bind_node = p->node;
        if ((rc = kh_expr_bind(p->e, binder, L, L->err)))
            return rc;
    }
    for (n = 0; n < s->nnodes; n++) {
        struct kh_node *nd = &s->nodes[n];
        if ((rc = check_node(L, n)))
            return rc;
        /* Every leaf gets its own x, t, b and W slots for the engine. */
        if (!nd->nchildren) {
            if (nd->slot_x < 0 && nd->value && (rc = ld_slot(L, KH_SLOT_NODE_X, NULL, n)) >= 0)
                s->nodes[n].slot_x = rc;
            if (rc < 0)
                return rc;
            if ((rc = ld_slot(L, KH_SLOT_NODE_T, NULL, n)) < 0)
                return rc;
            s->nodes[n].slot_t = rc;
            if ((rc = ld_slot(L, KH_SLOT_NODE_B, NULL, n)) < 0)
                return rc;
            s->nodes[n].slot_b = rc;
        }
        if ((rc = ld_slot(L, KH_SLOT_NODE_W, NULL, n)) < 0)
            return rc;
        s->nodes[n].slot_w = rc;
    }
    if ((rc = check_cycles(L)))
        return rc;
    if ((rc = resolve_points(L, 0, NULL)))
        return rc;
    return KH_OK;
}

/* ---- public accessors ------------------------------------------------------ */

const char *kh_scheme_id(const struct kh_scheme *s)
{
    return s->id;
}

const char *kh_scheme_name(const struct kh_scheme *s)
{
    return s->name;
}

const char *kh_scheme_version(const struct kh_scheme *s)
{
    return s->version ? s->version : "";
}

int kh_scheme_decimals(const struct kh_scheme *s)
{
    return s->decimals;
}

int kh_scheme_category_count(const struct kh_scheme *s)
{
    return s->ncats;
}

const char *kh_scheme_category_id(const struct kh_scheme *s, int i)
{
    return s->cats[i].id;
}

const char *kh_scheme_category_name(const struct kh_scheme *s, int i)
{
    return s->cats[i].name;
}

int kh_scheme_node_count(const struct kh_scheme *s)
{
    return s->nnodes;
}

const char *kh_scheme_node_id(const struct kh_scheme *s, int i)
{
    return s->nodes[i].id;
}

const char *kh_scheme_node_name(const struct kh_scheme *s, int i)
{
    return s->nodes[i].name;
}

int kh_scheme_node_depth(const struct kh_scheme *s, int i)
{
    return s->nodes[i].depth;
}

int kh_scheme_node_parent(const struct kh_scheme *s, int i)
{
    return s->nodes[i].parent;
}

int kh_scheme_node_is_leaf(const struct kh_scheme *s, int i)
{
    return s->nodes[i].nchildren == 0;
}

double kh_scheme_node_points(const struct kh_scheme *s, int i, int category)
{
    if (category < 0 || category >= s->ncats)
        return NAN;
    return s->nodes[i].w_by_cat[category];
}

int kh_scheme_find_node(const struct kh_scheme *s, const char *id)
{
    return kh_scheme_node(s, id);
}

int kh_scheme_warning_count(const struct kh_scheme *s)
{
    return s->nwarnings;
}

const char *kh_scheme_warning(const struct kh_scheme *s, int i)
{
    return s->warnings[i];
}

int kh_scheme_tier_count(const struct kh_scheme *s)
{
    return s->tiers.nlevels;
}

const char *kh_scheme_tier_id(const struct kh_scheme *s, int i)
{
    return s->tiers.levels[i].id;
}

const char *kh_scheme_tier_name(const struct kh_scheme *s, int i)
{
    return s->tiers.levels[i].name;
}

int kh_scheme_input_count(const struct kh_scheme *s)
{
    return s->ninputs;
}

const char *kh_scheme_input_id(const struct kh_scheme *s, int i)
{
    return s->inputs[i].id;
}

const char *kh_scheme_input_name(const struct kh_scheme *s, int i)
{
    return s->inputs[i].name;
}

const char *kh_scheme_input_unit(const struct kh_scheme *s, int i)
{
    return s->inputs[i].unit;
}

int kh_scheme_veto_count(const struct kh_scheme *s)
{
    return s->nvetoes;
}

const char *kh_scheme_veto_id(const struct kh_scheme *s, int i)
{
    return s->vetoes[i].id;
}

const char *kh_scheme_veto_name(const struct kh_scheme *s, int i)
{
    return s->vetoes[i].name;
}
