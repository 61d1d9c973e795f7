/*
 * bind.c — resolving an expression's names to column slots (see
 * kh_expr_bind in expr.h) and listing the slots a bound expression reads.
 *
 * The binder is asked once per distinct name — a bare name like `gdp`, or a
 * reference like `target(gdp)` — in the order the names first appear, and
 * is told where that first appearance is, so its error points at it. Every
 * later occurrence of the same name gets the same slot.
 */
#include "base/common.h"

#include "expr/expr_int.h"

/* FNV-1a hash of a name node's function (if any) and name. */
static uint64_t name_hash(const struct kh_expr *e, const struct expr_node *x)
{
    uint64_t h = 1469598103934665603u;
    const unsigned char *s;

    if (x->func >= 0) {
        for (s = (const unsigned char *)e->strs + x->func; *s; s++)
            h = (h ^ *s) * 1099511628211u;
        h = (h ^ '(') * 1099511628211u;
    }
    for (s = (const unsigned char *)e->strs + x->name; *s; s++)
        h = (h ^ *s) * 1099511628211u;
    return h;
}

/* Non-zero if name nodes a and b name the same thing. */
static int same_name(const struct kh_expr *e, const struct expr_node *a, const struct expr_node *b)
{
    if ((a->func < 0) != (b->func < 0))
        return 0;
    if (a->func >= 0 && strcmp(e->strs + a->func, e->strs + b->func))
        return 0;
    return !strcmp(e->strs + a->name, e->strs + b->name);
}

/*
 * Ask the binder for the slot of name node x, which first appears at the
 * cursor's position. Returns the slot, or a negative status with err set.
 */
static int bind_one(struct kh_expr *e, const struct expr_node *x, const struct expr_cursor *cur,
                    kh_expr_binder bind, void *user, struct kh_err *err)
{
    struct kh_srcpos at;
    const char *func = x->func >= 0 ? e->strs + x->func : NULL;
    const char *name = e->strs + x->name;
    int slot;

    at.file = e->src.file;
    at.line = cur->line;
    at.col = cur->col;
    kh_err_clear(err);
    slot = bind(user, func, name, &at, err);
    if (slot >= 0)
        return slot;
    if (err && !err->msg[0]) {
        if (func)
            kh_err_set(err, slot, at.file, at.line, at.col, "cannot resolve '%s(%s)'", func, name);
        else
            kh_err_set(err, slot, at.file, at.line, at.col, "unknown name '%s'", name);
    }
    if (err)
        err->code = slot;
    return slot;
}

/* Resolve every name through the binder, once per distinct name (expr.h). */
int kh_expr_bind(struct kh_expr *e, kh_expr_binder bind, void *user, struct kh_err *err)
{
    struct expr_cursor cur;
    size_t i, count = 0, cap = 8, mask, j;
    int *tab;
    int rc = KH_OK;

    if (!e || !bind)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no expression or binder given");
    e->bound = 0;
    for (i = 0; i < e->nnodes; i++) {
        if (e->nodes[i].kind == K_NAME) {
            e->nodes[i].slot = -1;
            count++;
        }
    }
    while (cap < 2 * count)
        cap *= 2;
    mask = cap - 1;
    tab = calloc(cap, sizeof(*tab));
    if (!tab)
        return kh_err_set(err, KH_ENOMEM, e->src.file, 0, 0, "out of memory");
    expr_cursor_init(&e->src, &cur);
    /* Name nodes are created in the order their identifiers appear. */
    for (i = 0; i < e->nnodes && rc == KH_OK; i++) {
        struct expr_node *x = &e->nodes[i];
        if (x->kind != K_NAME)
            continue;
        j = (size_t)name_hash(e, x) & mask;
        while (tab[j] && !same_name(e, &e->nodes[tab[j] - 1], x))
            j = (j + 1) & mask;
        if (tab[j]) {
            x->slot = e->nodes[tab[j] - 1].slot;
            continue;
        }
        tab[j] = (int)i + 1;
        expr_cursor_move(&e->src, &cur, x->name_off);
        x->slot = bind_one(e, x, &cur, bind, user, err);
        if (x->slot < 0)
            rc = x->slot;
    }
    free(tab);
    if (rc) {
        for (i = 0; i < e->nnodes; i++)
            e->nodes[i].slot = -1;
        return rc;
    }
    e->bound = 1;
    return KH_OK;
}

/* Call fn for the slot of every name occurrence (expr.h). */
void kh_expr_each_slot(const struct kh_expr *e, void (*fn)(void *user, int slot), void *user)
{
    size_t i;

    if (!e || !fn)
        return;
    for (i = 0; i < e->nnodes; i++) {
        if (e->nodes[i].kind == K_NAME && e->nodes[i].slot >= 0)
            fn(user, e->nodes[i].slot);
    }
}
