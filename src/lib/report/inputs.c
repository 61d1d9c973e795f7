/*
 * inputs.c — which inputs a data-entry template asks for, and for which
 * units.
 *
 * An input (a series filed in values.csv) is read by an indicator when one
 * of the indicator's expressions reads it — as itself, prev(), lastyear()
 * or ytd() — directly or through a derived indicator or another node's
 * value, target or baseline. target() and baseline() are not inputs: they
 * come from targets.csv. A template lists the inputs given by id, or those
 * read by the indicators of one responsible department (dept:, which a
 * node inherits from its parent). An input applies to the categories of
 * the indicators that read it; the template greys out the other cells.
 */
#include "report/report_int.h"
#include "base/common.h"
#include "scheme/model.h"

/* Walking the slots an expression reads, through derived indicators and
 * node values, marking inputs in order of first appearance. */
struct walk {
    const struct kh_scheme *s;
    unsigned char *seen_slot; /* nslots */
    int *order;               /* inputs in order of first appearance */
    int norder;
    unsigned char *marked; /* ninputs */
};

static void walk_expr(struct walk *w, const struct kh_expr *e);

static void walk_slot(void *user, int slot)
{
    struct walk *w = user;
    const struct kh_slot *sl;
    const struct kh_scheme *s = w->s;

    if (slot < 0 || slot >= s->nslots || w->seen_slot[slot])
        return;
    w->seen_slot[slot] = 1;
    sl = &s->slots[slot];
    switch (sl->kind) {
    case KH_SLOT_INPUT:
    case KH_SLOT_PREV:
    case KH_SLOT_LASTYEAR:
    case KH_SLOT_YTD:
        if (sl->ref >= 0 && sl->ref < s->ninputs && !w->marked[sl->ref]) {
            w->marked[sl->ref] = 1;
            w->order[w->norder++] = sl->ref;
        }
        break;
    case KH_SLOT_DERIVED:
        if (sl->ref >= 0 && sl->ref < s->nderived)
            walk_expr(w, s->derived[sl->ref].formula);
        break;
    case KH_SLOT_NODE_X:
        walk_expr(w, s->nodes[sl->ref].value);
        break;
    case KH_SLOT_NODE_T:
        walk_expr(w, s->nodes[sl->ref].target);
        break;
    case KH_SLOT_NODE_B:
        walk_expr(w, s->nodes[sl->ref].baseline);
        break;
    default:
        break;
    }
}

static void walk_expr(struct walk *w, const struct kh_expr *e)
{
    if (e)
        kh_expr_each_slot(e, walk_slot, w);
}

/* Mark the inputs node n reads (its own expressions only, not its
 * children's). */
static void walk_node(struct walk *w, int n)
{
    const struct kh_node *nd = &w->s->nodes[n];
    const struct kh_rule *r = &nd->rule;
    int k;

    walk_expr(w, nd->value);
    walk_expr(w, nd->target);
    walk_expr(w, nd->baseline);
    walk_expr(w, nd->multiplier);
    walk_expr(w, nd->pass);
    if (nd->slot_x >= 0)
        walk_slot(w, nd->slot_x);
    for (k = 0; k < nd->noverrides; k++) {
        walk_expr(w, nd->overrides[k].when);
        walk_expr(w, nd->overrides[k].score);
    }
    switch (r->kind) {
    case KH_RULE_STEPS:
        walk_expr(w, r->u.steps.ref);
        break;
    case KH_RULE_RANK:
        walk_expr(w, r->u.rank.by);
        break;
    case KH_RULE_EFFICACY:
        walk_expr(w, r->u.eff.best);
        walk_expr(w, r->u.eff.worst);
        break;
    case KH_RULE_BANDS:
        walk_expr(w, r->u.bands.on);
        break;
    case KH_RULE_BINARY:
        walk_expr(w, r->u.binary.when);
        break;
    case KH_RULE_FORMULA:
        walk_expr(w, r->u.formula.expr);
        break;
    default:
        break;
    }
}

static int walk_init(struct walk *w, const struct kh_scheme *s)
{
    w->s = s;
    w->norder = 0;
    w->seen_slot = calloc((size_t)s->nslots + 1, 1);
    w->marked = calloc((size_t)s->ninputs + 1, 1);
    w->order = calloc((size_t)s->ninputs + 1, sizeof(int));
    return w->seen_slot && w->marked && w->order ? KH_OK : KH_ENOMEM;
}

static void walk_reset(struct walk *w)
{
    memset(w->seen_slot, 0, (size_t)w->s->nslots + 1);
    memset(w->marked, 0, (size_t)w->s->ninputs + 1);
    w->norder = 0;
}

static void walk_release(struct walk *w)
{
    free(w->seen_slot);
    free(w->marked);
    free(w->order);
}

/* ---- departments -------------------------------------------------------- */

/* The responsible department of node n: its own, else its nearest
 * ancestor's; NULL when none. */
static const char *node_dept(const struct kh_scheme *s, int n)
{
    for (; n >= 0; n = s->nodes[n].parent)
        if (s->nodes[n].dept && *s->nodes[n].dept)
            return s->nodes[n].dept;
    return NULL;
}

/* Is `sep` at s a separator of a department list ("县环保局、县水文站")?
 * Returns its length in bytes, or 0. */
static size_t dept_sep(const char *s)
{
    static const char *const seps[] = {"、", "，", "；", ",", ";", "/", " ", "　"};
    size_t i;
    for (i = 0; i < KH_ARRAY_LEN(seps); i++)
        if (strncmp(s, seps[i], strlen(seps[i])) == 0)
            return strlen(seps[i]);
    return 0;
}

/*
 * Does the department list `list` name `want`? mode 0: an element equals
 * it; mode 1: an element contains it. The matching element is copied into
 * found[0..foundsz) (may be NULL).
 */
static int dept_match(const char *list, const char *want, int mode, char *found, size_t foundsz)
{
    const char *p = list;
    size_t wl = strlen(want);

    while (*p) {
        const char *start;
        size_t len, k;
        while (*p && (k = dept_sep(p)) > 0)
            p += k;
        start = p;
        while (*p && !dept_sep(p))
            p++;
        len = (size_t)(p - start);
        if (!len)
            continue;
        if ((mode == 0 && len == wl && strncmp(start, want, wl) == 0) ||
            (mode == 1 && wl <= len && wl > 0)) {
            int hit = mode == 0;
            for (k = 0; !hit && k + wl <= len; k++)
                hit = strncmp(start + k, want, wl) == 0;
            if (hit) {
                if (found)
                    snprintf(found, foundsz, "%.*s", (int)len, start);
                return 1;
            }
        }
    }
    return 0;
}

/* Every department the scheme names, separated by "、", for messages. */
static void dept_list(const struct kh_scheme *s, struct kh_buf *b)
{
    int n, m;
    for (n = 0; n < s->nnodes; n++) {
        const char *d = s->nodes[n].dept;
        int dup = 0;
        if (!d || !*d)
            continue;
        for (m = 0; m < n && !dup; m++)
            dup = kh_streq(s->nodes[m].dept, d);
        if (!dup)
            kh_buf_printf(b, "%s%s", b->len ? "、" : "", d);
    }
}

/* Choose the inputs of department `dept` into in->idx. */
static int choose_dept(struct rep_inputs *in, const struct kh_scheme *s, struct walk *w,
                       const char *dept, struct kh_err *err)
{
    char found[256], first[256] = "";
    int n, mode, nleaf = 0, rc = KH_OK;
    struct kh_buf b;

    /* Exact element first; then a unique department containing the text. */
    for (mode = 0; mode < 2; mode++) {
        int ambiguous = 0;
        first[0] = 0;
        for (n = 1; n < s->nnodes; n++) {
            const char *d = node_dept(s, n);
            if (!d || !dept_match(d, dept, mode, found, sizeof(found)))
                continue;
            if (!first[0])
                snprintf(first, sizeof(first), "%s", found);
            else if (strcmp(first, found) != 0)
                ambiguous = 1;
        }
        if (first[0] && ambiguous && mode == 1) {
            kh_buf_init(&b, 4096);
            for (n = 1; n < s->nnodes; n++) {
                const char *d = node_dept(s, n);
                if (d && dept_match(d, dept, 1, found, sizeof(found)) &&
                    !strstr(kh_buf_str(&b), found))
                    kh_buf_printf(&b, "%s%s", b.len ? "、" : "", found);
            }
            rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                            "--dept %s: several departments match (%s): write the full name", dept,
                            kh_buf_str(&b));
            kh_buf_free(&b);
            return rc;
        }
        if (first[0])
            break;
    }
    if (!first[0]) {
        kh_buf_init(&b, 8192);
        dept_list(s, &b);
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                        "--dept %s: no indicator of the scheme names this department "
                        "(dept:); the scheme names: %s",
                        dept, b.len ? kh_buf_str(&b) : "(none)");
        kh_buf_free(&b);
        return rc;
    }
    walk_reset(w);
    for (n = 1; n < s->nnodes; n++) {
        const char *d = node_dept(s, n);
        if (d && dept_match(d, first, 0, NULL, 0)) {
            walk_node(w, n);
            nleaf++;
        }
    }
    if (!w->norder)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "--dept %s: the %d indicator(s) of %s read no input from values "
                          "files (they are scored from events, ballots or targets)",
                          dept, nleaf, first);
    snprintf(in->dept, sizeof(in->dept), "%s", first);
    in->n = w->norder;
    memcpy(in->idx, w->order, sizeof(int) * (size_t)w->norder);
    return KH_OK;
}

/* Choose the inputs listed in `ids` into in->idx. */
static int choose_ids(struct rep_inputs *in, const struct kh_scheme *s, const char *ids,
                      struct kh_err *err)
{
    const char *p = ids;
    struct kh_buf b;
    int rc;

    while (*p) {
        const char *start;
        size_t len, k;
        int i, dup = 0;
        while (*p && (k = dept_sep(p)) > 0)
            p += k;
        start = p;
        while (*p && !dept_sep(p))
            p++;
        len = (size_t)(p - start);
        if (!len)
            continue;
        for (i = 0; i < s->ninputs; i++)
            if (strlen(s->inputs[i].id) == len && strncmp(s->inputs[i].id, start, len) == 0)
                break;
        if (i == s->ninputs) {
            kh_buf_init(&b, 8192);
            for (k = 0; k < (size_t)s->ninputs; k++)
                kh_buf_printf(&b, "%s%s", k ? ", " : "", s->inputs[k].id);
            rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                            "--inputs: the scheme has no input '%.*s'; its inputs are: %s",
                            (int)len, start, kh_buf_str(&b));
            kh_buf_free(&b);
            return rc;
        }
        for (k = 0; k < (size_t)in->n; k++)
            dup |= in->idx[k] == i;
        if (!dup)
            in->idx[in->n++] = i;
    }
    if (!in->n)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "--inputs: no input id given");
    return KH_OK;
}

int rep_inputs_choose(struct rep_inputs *in, const struct kh_scheme *s, const char *ids,
                      const char *dept, struct kh_err *err)
{
    struct walk w;
    int rc, i, n, c, *readers_count = NULL;
    struct kh_buf *rb = NULL;

    memset(in, 0, sizeof(*in));
    if ((ids && *ids) == (dept && *dept))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "give either --inputs (input ids) or --dept (a department), not %s",
                          ids && *ids ? "both" : "neither");
    in->ncats = s->ncats;
    in->idx = calloc((size_t)s->ninputs + 1, sizeof(int));
    in->applies = calloc(((size_t)s->ninputs + 1) * ((size_t)s->ncats + 1), 1);
    in->readers = calloc((size_t)s->ninputs + 1, sizeof(char *));
    rb = calloc((size_t)s->ninputs + 1, sizeof(*rb));
    readers_count = calloc((size_t)s->ninputs + 1, sizeof(int));
    if ((rc = walk_init(&w, s)) || !in->idx || !in->applies || !in->readers || !rb ||
        !readers_count) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    if (ids && *ids)
        rc = choose_ids(in, s, ids, err);
    else
        rc = choose_dept(in, s, &w, dept, err);
    if (rc)
        goto out;

    /* Applicability and readers: every node, its own expressions. */
    for (i = 0; i < in->n; i++)
        kh_buf_init(&rb[i], 1 << 14);
    for (n = 1; n < s->nnodes; n++) {
        walk_reset(&w);
        walk_node(&w, n);
        for (i = 0; i < in->n; i++) {
            if (!w.marked[in->idx[i]])
                continue;
            for (c = 0; c < s->ncats; c++)
                if (s->nodes[n].w_by_cat && s->nodes[n].w_by_cat[c] == s->nodes[n].w_by_cat[c])
                    in->applies[i * s->ncats + c] = 1;
            if (readers_count[i]++ < 8)
                kh_buf_printf(&rb[i], "%s%s %s", rb[i].len ? "；" : "", s->nodes[n].id,
                              s->nodes[n].name);
            else if (readers_count[i] == 9)
                kh_buf_puts(&rb[i], "……");
        }
    }
    for (i = 0; i < in->n; i++) {
        if (!readers_count[i])
            for (c = 0; c < s->ncats; c++)
                in->applies[i * s->ncats + c] = 1;
        in->readers[i] = kh_strdup(kh_buf_str(&rb[i]));
        if (!in->readers[i]) {
            rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
    }
out:
    if (rb)
        for (i = 0; i < s->ninputs + 1; i++)
            kh_buf_free(&rb[i]);
    free(rb);
    free(readers_count);
    walk_release(&w);
    if (rc)
        rep_inputs_release(in);
    return rc;
}

void rep_inputs_release(struct rep_inputs *in)
{
    int i;
    if (in->readers)
        for (i = 0; i < in->n; i++)
            free(in->readers[i]);
    free(in->readers);
    free(in->idx);
    free(in->applies);
    memset(in, 0, sizeof(*in));
}
