/*
 * parse.c — the parser of the expression language (see expr.h for the
 * language): recursive descent over the tokens of lex.c, building the flat
 * tree of expr_int.h, then folding constant subtrees and working out how
 * many scratch columns evaluation needs.
 *
 * Precedence, loosest first:
 *     or  <  and  <  not  <  comparison  <  + -  <  * /  <  unary -  <  ^  <  postfix %
 * ^ is right-associative and its exponent may carry a sign (2^-1); so
 * -2^2 is -(2^2) = -4. Comparisons do not chain (a < b < c is an error).
 * Nesting — parentheses, calls, prefix operators and exponents — is limited
 * to EXPR_MAX_DEPTH levels and the text to EXPR_MAX_TEXT bytes, so hostile
 * input cannot exhaust the stack of this parser or of the tree walks.
 *
 * A call f(x) of a name that is no built-in function, with one bare name as
 * its argument, is a reference (target(gdp)); the binder gives it meaning.
 */
#include "base/common.h"

#include "expr/expr_int.h"

/* The parser's state. The first error wins; rc holds it. */
struct parser {
    struct kh_expr *e;
    struct expr_lexer lx;
    struct expr_token tok;  /* the current (next unconsumed) token */
    struct expr_token prev; /* the token consumed last */
    int depth;
    int rc;
    struct kh_err *err;
    struct expr_kid *ks; /* kids of nodes under construction (a stack) */
    size_t nks, capks;
};

static int parse_or(struct parser *p);
static int parse_unary(struct parser *p);

/* ---- helpers ---------------------------------------------------------- */

/* Record an error at text offset `off` (unless one is recorded); returns -1. */
static int perr(struct parser *p, int code, size_t off, const char *fmt, ...) KH_PRINTF(4, 5);

/* (perr's definition; the declaration above carries the format check.) */
static int perr(struct parser *p, int code, size_t off, const char *fmt, ...)
{
    struct expr_cursor cur;
    va_list ap;

    if (p->rc)
        return -1;
    p->rc = code;
    expr_cursor_init(&p->e->src, &cur);
    expr_cursor_move(&p->e->src, &cur, off);
    va_start(ap, fmt);
    kh_err_setv(p->err, code, p->e->src.file, cur.line, cur.col, fmt, ap);
    va_end(ap);
    return -1;
}

/* Record running out of memory; returns -1. */
static int pnomem(struct parser *p)
{
    return perr(p, KH_ENOMEM, p->tok.off, "out of memory while parsing the expression");
}

/* Consume the current token and scan the next. Returns 0, or -1 on error. */
static int advance(struct parser *p)
{
    int rc;

    p->prev = p->tok;
    rc = expr_lex(&p->lx, &p->tok);
    if (rc) {
        if (!p->rc)
            p->rc = rc;
        return -1;
    }
    return 0;
}

/* Enter one nesting level at the current token. Returns 0, or -1 if too deep. */
static int enter(struct parser *p)
{
    if (++p->depth > EXPR_MAX_DEPTH)
        return perr(p, KH_ELIMIT, p->tok.off,
                    "the expression is nested more than %d levels deep (parentheses, calls, "
                    "signs, powers); split it up",
                    EXPR_MAX_DEPTH);
    return 0;
}

/* "column 5" or "line 2, column 5" for where text[off] is, relative to `at`. */
static const char *where(struct parser *p, size_t off, size_t at, char *out, size_t outsz)
{
    struct expr_cursor a, b;

    expr_cursor_init(&p->e->src, &a);
    expr_cursor_move(&p->e->src, &a, off);
    expr_cursor_init(&p->e->src, &b);
    expr_cursor_move(&p->e->src, &b, at);
    if (a.line != b.line && a.line > 0)
        snprintf(out, outsz, "line %d, column %d", a.line, a.col);
    else
        snprintf(out, outsz, "column %d", a.col);
    return out;
}

/* Add a node; returns its index, or -1 when out of memory. */
static int new_node(struct parser *p, int kind, int op, size_t off, size_t end)
{
    struct kh_expr *e = p->e;
    struct expr_node *x;

    if (e->nnodes >= INT_MAX - 1 || kh_grow(&e->nodes, &e->capnodes, e->nnodes + 1, sizeof(*x)))
        return pnomem(p);
    x = &e->nodes[e->nnodes];
    memset(x, 0, sizeof(*x));
    x->kind = (unsigned char)kind;
    x->op = (unsigned char)op;
    x->off = off;
    x->len = end - off;
    x->func = -1;
    x->name = -1;
    x->slot = -1;
    return (int)e->nnodes++;
}

/* Push a kid of the node being built. Returns 0 or -1. */
static int push_kid(struct parser *p, int node, int op)
{
    if (kh_grow(&p->ks, &p->capks, p->nks + 1, sizeof(*p->ks)))
        return pnomem(p);
    p->ks[p->nks].node = node;
    p->ks[p->nks].op = op;
    p->nks++;
    return 0;
}

/*
 * Make a node of the kids pushed since `base` (popping them), spanning from
 * the first kid's text to `end` (or the last kid's end when end is 0).
 * Returns the node, or -1.
 */
static int make_node(struct parser *p, size_t base, int kind, int op, size_t off, size_t end)
{
    struct kh_expr *e = p->e;
    size_t nk = p->nks - base;
    int id;

    if (!end) {
        const struct expr_node *last = &e->nodes[p->ks[p->nks - 1].node];
        end = last->off + last->len;
    }
    if (e->nkids + nk >= INT_MAX || kh_grow(&e->kids, &e->capkids, e->nkids + nk, sizeof(*e->kids)))
        return pnomem(p);
    id = new_node(p, kind, op, off, end);
    if (id < 0)
        return -1;
    memcpy(e->kids + e->nkids, p->ks + base, nk * sizeof(*e->kids));
    e->nodes[id].kid0 = (int)e->nkids;
    e->nodes[id].nkids = (int)nk;
    e->nkids += nk;
    p->nks = base;
    return id;
}

/* Make a node with the single kid k. Returns the node, or -1. */
static int make_unary(struct parser *p, int kind, int op, int k, size_t off)
{
    size_t base = p->nks;

    if (push_kid(p, k, O_NONE))
        return -1;
    return make_node(p, base, kind, op, off, 0);
}

/* Copy text[off..off+len) into the string pool; returns its offset or -1. */
static int add_str(struct parser *p, size_t off, size_t len)
{
    struct kh_expr *e = p->e;
    size_t at = e->nstrs;

    if (e->nstrs + len + 1 >= INT_MAX || kh_grow(&e->strs, &e->capstrs, e->nstrs + len + 1, 1))
        return pnomem(p);
    memcpy(e->strs + at, e->src.text + off, len);
    e->strs[at + len] = 0;
    e->nstrs += len + 1;
    return (int)at;
}

/* Start of a node's text (for spans that begin at a kid). */
static size_t node_off(struct parser *p, int k)
{
    return p->e->nodes[k].off;
}

/* Report a call of an unknown function f (text[off..off+n)); returns -1. */
static int unknown_func(struct parser *p, size_t off, size_t n)
{
    const char *s = p->e->src.text + off;
    const char *near = expr_func_suggest(s, n);
    const char *ref = expr_func_known_ref(s, n);
    int shown = expr_cut(s, n, 64);

    if (ref)
        return perr(p, KH_EINVAL, off, "%s() takes one name, e.g. %s(gdp)", ref, ref);
    if (near)
        return perr(p, KH_EINVAL, off, "unknown function '%.*s'; did you mean '%s'?", shown, s,
                    near);
    return perr(p, KH_EINVAL, off,
                "unknown function '%.*s' (a reference such as %.*s(gdp) takes exactly one name)",
                shown, s, shown, s);
}

/* ---- the grammar ------------------------------------------------------ */

/* Report that a value was expected at the current token; returns -1. */
static int expected_value(struct parser *p)
{
    char found[96], after[96];

    expr_tok_desc(&p->e->src, &p->tok, found, sizeof(found));
    if (p->tok.type == T_END && p->prev.type == T_END)
        return perr(p, KH_EINVAL, p->tok.off, "the expression is empty");
    if (p->prev.type == T_END)
        return perr(p, KH_EINVAL, p->tok.off,
                    "expected a value (a number, a name, a function or '(') but found %s", found);
    if (p->prev.type == T_LPAREN && p->tok.type == T_RPAREN)
        return perr(p, KH_EINVAL, p->tok.off, "expected a value inside '()'");
    expr_tok_desc(&p->e->src, &p->prev, after, sizeof(after));
    return perr(p, KH_EINVAL, p->tok.off,
                "expected a value (a number, a name, a function or '(') after %s but found %s",
                after, found);
}

/*
 * The arguments and ')' of a call of the function named by token `name`
 * (current token: '('). Returns the node: a built-in call or a reference.
 */
static int parse_call(struct parser *p, struct expr_token name)
{
    struct kh_expr *e = p->e;
    const char *fname = e->src.text + name.off;
    const struct expr_func *f;
    size_t base = p->nks, first_arg = 0, end;
    int nargs = 0, k, id;
    char at[64];

    if (enter(p) || advance(p))
        return -1;
    if (p->tok.type != T_RPAREN) {
        for (;;) {
            if (nargs == 0)
                first_arg = p->tok.off;
            k = parse_or(p);
            if (k < 0)
                return -1;
            if (push_kid(p, k, O_NONE))
                return -1;
            nargs++;
            if (p->tok.type == T_RPAREN)
                break;
            if (p->tok.type != T_COMMA) {
                char found[96];
                expr_tok_desc(&e->src, &p->tok, found, sizeof(found));
                return perr(p, KH_EINVAL, p->tok.off,
                            "expected ',' or ')' to close '%.*s(' opened at %s, found %s",
                            expr_cut(fname, name.len, 64), fname,
                            where(p, name.off, p->tok.off, at, sizeof(at)), found);
            }
            if (advance(p))
                return -1;
        }
    }
    end = p->tok.off + 1;
    if (advance(p))
        return -1;
    p->depth--;

    f = expr_func_find(fname, name.len, 0);
    if (!f) {
        const struct expr_func *g = expr_func_find(fname, name.len, 1);
        if (g)
            return perr(p, KH_EINVAL, name.off,
                        "function names are written in lower case: %s(…), not %.*s(…)", g->name,
                        (int)(name.len > 64 ? 64 : name.len), fname);
    }
    if (!f) {
        struct expr_node *x;
        int func;
        /* A reference: one bare name, as in target(gdp). */
        if (nargs != 1)
            return unknown_func(p, name.off, name.len);
        k = p->ks[base].node;
        x = &e->nodes[k];
        if (x->kind != K_NAME || x->func >= 0 || x->name_off != first_arg)
            return unknown_func(p, name.off, name.len);
        func = add_str(p, name.off, name.len);
        if (func < 0)
            return -1;
        x = &e->nodes[k];
        x->func = func;
        x->off = name.off;
        x->len = end - name.off;
        p->nks = base;
        return k;
    }
    if (nargs < f->min_args || (f->max_args >= 0 && nargs > f->max_args)) {
        if (f->max_args < 0)
            return perr(p, KH_EINVAL, name.off, "%s() needs at least %d argument%s, e.g. %s",
                        f->name, f->min_args, f->min_args == 1 ? "" : "s", f->example);
        return perr(p, KH_EINVAL, name.off, "%s() takes %d argument%s, e.g. %s", f->name,
                    f->min_args, f->min_args == 1 ? "" : "s", f->example);
    }
    if (f->kind == K_FOLD) {
        size_t i;
        for (i = base + 1; i < p->nks; i++)
            p->ks[i].op = f->op;
    }
    id = make_node(p, base, f->kind, f->kind == K_FOLD ? O_NONE : f->op, name.off, end);
    if (id >= 0 && f->op == O_GMEDIAN)
        e->has_sort = 1;
    if (id >= 0 && (f->op == O_GRANK || f->op == O_GRANK_ASC))
        e->has_sort = 1;
    return id;
}

/* primary := number | name | name '(' args ')' | '(' or ')' */
static int parse_primary(struct parser *p)
{
    struct kh_expr *e = p->e;
    struct expr_token t = p->tok;
    int id, k;

    switch (t.type) {
    case T_NUM:
        if (advance(p))
            return -1;
        id = new_node(p, K_NUM, O_NONE, t.off, t.off + t.len);
        if (id < 0)
            return -1;
        e->nodes[id].val = t.num;
        e->nodes[id].konst = 1;
        e->nodes[id].op = t.pct ? O_PCT : O_NONE;
        return id;
    case T_NAME:
        if (advance(p))
            return -1;
        if (p->tok.type == T_LPAREN)
            return parse_call(p, t);
        id = new_node(p, K_NAME, O_NONE, t.off, t.off + t.len);
        if (id < 0)
            return -1;
        e->nodes[id].name_off = t.off;
        e->nodes[id].flags = EXPR_F_NAME;
        k = add_str(p, t.off, t.len);
        if (k < 0)
            return -1;
        e->nodes[id].name = k;
        return id;
    case T_LPAREN: {
        char found[96], at[64];
        if (enter(p) || advance(p))
            return -1;
        k = parse_or(p);
        if (k < 0)
            return -1;
        if (p->tok.type != T_RPAREN) {
            expr_tok_desc(&e->src, &p->tok, found, sizeof(found));
            return perr(p, KH_EINVAL, p->tok.off,
                        "expected ')' to close '(' opened at %s, found %s",
                        where(p, t.off, p->tok.off, at, sizeof(at)), found);
        }
        if (advance(p))
            return -1;
        p->depth--;
        return k;
    }
    default:
        return expected_value(p);
    }
}

/* postfix := primary ['%'] — at most one per cent sign. */
static int parse_postfix(struct parser *p)
{
    struct kh_expr *e = p->e;
    int k = parse_primary(p);
    int pct;

    if (k < 0)
        return -1;
    pct = e->nodes[k].kind == K_NUM && e->nodes[k].op == O_PCT;
    if (p->tok.type == T_PERCENT) {
        if (pct)
            return perr(p, KH_EINVAL, p->tok.off, "only one '%%' may follow a value");
        if (advance(p))
            return -1;
        if (e->nodes[k].kind == K_NUM) {
            /* A literal: fold now (the scanner folds 80% written together). */
            e->nodes[k].val /= 100;
            e->nodes[k].op = O_PCT;
            e->nodes[k].len = p->prev.off + 1 - e->nodes[k].off;
        } else {
            k = make_unary(p, K_UN, O_PCT, k, node_off(p, k));
            if (k < 0)
                return -1;
            e->nodes[k].len = p->prev.off + 1 - e->nodes[k].off;
        }
        pct = 1;
    }
    if (p->tok.type == T_PERCENT)
        return perr(p, KH_EINVAL, p->tok.off, "only one '%%' may follow a value");
    if (pct && (p->tok.type == T_NUM || p->tok.type == T_NAME || p->tok.type == T_LPAREN))
        return perr(p, KH_EINVAL, p->tok.off,
                    "'%%' means per cent (divides by 100); there is no remainder operator");
    return k;
}

/* power := postfix ['^' unary]   (right-associative through unary) */
static int parse_power(struct parser *p)
{
    size_t base = p->nks;
    int b = parse_postfix(p), r;

    if (b < 0)
        return -1;
    if (p->tok.type != T_CARET)
        return b;
    if (enter(p) || advance(p))
        return -1;
    r = parse_unary(p);
    if (r < 0)
        return -1;
    p->depth--;
    if (push_kid(p, b, O_NONE) || push_kid(p, r, O_POW))
        return -1;
    return make_node(p, base, K_FOLD, O_NONE, node_off(p, b), 0);
}

/* unary := ('-' | '+') unary | power */
static int parse_unary(struct parser *p)
{
    struct expr_token t = p->tok;
    int k;

    if (t.type != T_MINUS && t.type != T_PLUS)
        return parse_power(p);
    if (enter(p) || advance(p))
        return -1;
    k = parse_unary(p);
    if (k < 0)
        return -1;
    p->depth--;
    if (t.type == T_PLUS)
        return k;
    return make_unary(p, K_UN, O_NEG, k, t.off);
}

/*
 * A left-associative chain of operands joined by operators of one level:
 * operand (op operand)*, one n-ary node (or the operand alone).
 * `opof` maps a token to its op, O_NONE when it is not of this level.
 */
static int parse_chain(struct parser *p, int (*operand)(struct parser *),
                       int (*opof)(enum expr_tok))
{
    size_t base = p->nks;
    int k = operand(p), op;

    if (k < 0)
        return -1;
    op = opof(p->tok.type);
    if (op == O_NONE)
        return k;
    if (push_kid(p, k, O_NONE))
        return -1;
    while ((op = opof(p->tok.type)) != O_NONE) {
        if (advance(p))
            return -1;
        k = operand(p);
        if (k < 0 || push_kid(p, k, op))
            return -1;
    }
    return make_node(p, base, K_FOLD, O_NONE, node_off(p, p->ks[base].node), 0);
}

/* Token → op maps for the chain levels: the op, or O_NONE if t is not one. */
static int mul_op(enum expr_tok t)
{
    return t == T_STAR ? O_MUL : t == T_SLASH ? O_DIV : O_NONE;
}

/* See mul_op. */
static int add_op(enum expr_tok t)
{
    return t == T_PLUS ? O_ADD : t == T_MINUS ? O_SUB : O_NONE;
}

/* See mul_op. */
static int cmp_op(enum expr_tok t)
{
    switch (t) {
    case T_LT:
        return O_LT;
    case T_LE:
        return O_LE;
    case T_GT:
        return O_GT;
    case T_GE:
        return O_GE;
    case T_EQ:
        return O_EQ;
    case T_NE:
        return O_NE;
    default:
        return O_NONE;
    }
}

/* See mul_op. */
static int and_op(enum expr_tok t)
{
    return t == T_AND ? O_AND : O_NONE;
}

/* See mul_op. */
static int or_op(enum expr_tok t)
{
    return t == T_OR ? O_OR : O_NONE;
}

/* mul := unary (('*' | '/') unary)* */
static int parse_mul(struct parser *p)
{
    return parse_chain(p, parse_unary, mul_op);
}

/* add := mul (('+' | '-') mul)* */
static int parse_add(struct parser *p)
{
    return parse_chain(p, parse_mul, add_op);
}

/* cmp := add [cmpop add]   — no chains */
static int parse_cmp(struct parser *p)
{
    size_t base = p->nks;
    int a = parse_add(p), b, op;

    if (a < 0)
        return -1;
    op = cmp_op(p->tok.type);
    if (op == O_NONE)
        return a;
    if (advance(p))
        return -1;
    b = parse_add(p);
    if (b < 0)
        return -1;
    if (cmp_op(p->tok.type) != O_NONE)
        return perr(p, KH_EINVAL, p->tok.off,
                    "comparisons cannot be chained; write 'a < b and b < c'");
    if (push_kid(p, a, O_NONE) || push_kid(p, b, op))
        return -1;
    return make_node(p, base, K_FOLD, O_NONE, node_off(p, a), 0);
}

/* not := ('not' | '!') not | cmp */
static int parse_not(struct parser *p)
{
    struct expr_token t = p->tok;
    int k;

    if (t.type != T_NOT)
        return parse_cmp(p);
    if (enter(p) || advance(p))
        return -1;
    k = parse_not(p);
    if (k < 0)
        return -1;
    p->depth--;
    return make_unary(p, K_UN, O_NOT, k, t.off);
}

/* and := not (('and' | '&&') not)* */
static int parse_and(struct parser *p)
{
    return parse_chain(p, parse_not, and_op);
}

/* or := and (('or' | '||') and)* */
static int parse_or(struct parser *p)
{
    return parse_chain(p, parse_and, or_op);
}

/* ---- after parsing ---------------------------------------------------- */

/*
 * Bottom-up pass: subtree flags, constant folding (a subtree without names
 * and group functions becomes its value), and the scratch columns each node
 * needs. Returns KH_OK or KH_ENOMEM.
 */
static int finish_tree(struct kh_expr *e)
{
    struct expr_ev v;
    size_t i;
    int k, rc;

    rc = expr_ev_init(&v, e, NULL, NULL, 1, 1, 0);
    if (rc)
        return rc;
    for (i = 0; i < e->nnodes; i++) {
        struct expr_node *x = &e->nodes[i];
        int need = 0, held = 0, retain = x->kind == K_IF || x->kind == K_CLAMP;

        for (k = 0; k < x->nkids; k++) {
            const struct expr_node *c = &e->nodes[e->kids[x->kid0 + k].node];
            int cn = c->konst ? 0 : c->need;
            x->flags |= c->flags;
            if (k == 0) {
                need = cn;
                continue;
            }
            if (!c->konst) {
                if (held + 1 + cn > need)
                    need = held + 1 + cn;
                if (retain)
                    held++;
            }
        }
        if (x->kind == K_GROUP)
            x->flags |= EXPR_F_GROUP;
        x->need = need;
        if (x->kind != K_NUM && x->kind != K_NAME && !x->flags) {
            double d;
            const double *r = expr_ev_node(&v, (int)i, &d);
            x->val = *r;
            x->konst = 1;
            x->need = 0;
        }
    }
    expr_ev_free(&v);
    return KH_OK;
}

/* Parse text into a tree, folded and sized for evaluation (expr.h). */
int kh_expr_parse(const char *text, const struct kh_srcpos *pos, struct kh_expr **out,
                  struct kh_err *err)
{
    struct parser p;
    struct kh_expr *e;
    size_t len;
    int rc;

    *out = NULL;
    if (!text)
        return kh_err_set(err, KH_EINVAL, pos ? pos->file : NULL, pos ? pos->line : 0,
                          pos ? pos->col : 0, "no expression given");
    len = strlen(text);
    if (len > EXPR_MAX_TEXT)
        return kh_err_set(
            err, KH_ELIMIT, pos ? pos->file : NULL, pos ? pos->line : 0, pos ? pos->col : 0,
            "the expression is %zu bytes long; at most %zu are allowed", len, EXPR_MAX_TEXT);
    e = calloc(1, sizeof(*e));
    if (!e)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    e->root = -1;
    e->src.len = len;
    e->src.text = kh_strndup(text, len);
    e->src.file = pos && pos->file ? kh_strdup(pos->file) : NULL;
    e->src.line = pos ? pos->line : 1;
    e->src.col = pos && pos->col > 0 ? pos->col : 1;
    if (!e->src.text || (pos && pos->file && !e->src.file)) {
        kh_expr_free(e);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    }

    memset(&p, 0, sizeof(p));
    p.e = e;
    p.err = err;
    p.lx.src = &e->src;
    p.lx.err = err;
    p.prev.type = T_END;
    if (advance(&p) == 0) {
        p.prev.type = T_END; /* nothing consumed yet */
        e->root = parse_or(&p);
    }
    if (e->root >= 0 && p.tok.type != T_END) {
        char found[96];
        expr_tok_desc(&e->src, &p.tok, found, sizeof(found));
        if (p.tok.type == T_RPAREN)
            perr(&p, KH_EINVAL, p.tok.off, "unmatched ')': no '(' is open here");
        else if (p.tok.type == T_COMMA)
            perr(&p, KH_EINVAL, p.tok.off,
                 "',' separates the arguments of a function call; "
                 "none is open here");
        else if (p.tok.type == T_NUM || p.tok.type == T_NAME || p.tok.type == T_LPAREN ||
                 p.tok.type == T_NOT)
            perr(&p, KH_EINVAL, p.tok.off, "expected an operator (+ - * / ^ < and …) before %s",
                 found);
        else
            perr(&p, KH_EINVAL, p.tok.off,
                 "expected an operator or the end of the expression "
                 "but found %s",
                 found);
    }
    free(p.ks);
    rc = p.rc;
    if (!rc && e->root < 0)
        rc = KH_EINVAL;
    if (!rc)
        rc = finish_tree(e);
    if (rc) {
        if (rc == KH_ENOMEM && err && !err->msg[0])
            kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        kh_expr_free(e);
        return rc;
    }
    *out = e;
    return KH_OK;
}

/* Free an expression and everything it owns (expr.h). */
void kh_expr_free(struct kh_expr *e)
{
    if (!e)
        return;
    free(e->src.text);
    free(e->src.file);
    free(e->nodes);
    free(e->kids);
    free(e->strs);
    free(e);
}

/* Append the source text as written (expr.h). */
void kh_expr_text(const struct kh_expr *e, struct kh_buf *b)
{
    if (e)
        kh_buf_add(b, e->src.text, e->src.len);
}

/* Non-zero if any group function appears (expr.h). */
int kh_expr_uses_group(const struct kh_expr *e)
{
    return e && e->root >= 0 && (e->nodes[e->root].flags & EXPR_F_GROUP) != 0;
}

/* The folded value of a constant expression (expr.h). */
int kh_expr_const_value(const struct kh_expr *e, double *v)
{
    const struct expr_node *r;

    if (!e || e->root < 0)
        return 0;
    r = &e->nodes[e->root];
    if (!r->konst)
        return 0;
    if (v)
        *v = r->val;
    return 1;
}
