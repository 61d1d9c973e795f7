/*
 * expr_int.h — private declarations shared by the files of the expression
 * module: the source text and positions (lex.c), tokens (lex.c), the syntax
 * tree (parse.c), binding (bind.c), column evaluation (eval.c, group.c),
 * decimal rounding and number display (num.c) and explanations (explain.c).
 * Nothing here is API; expr.h holds the language and the public contract.
 *
 * The tree lives in two flat arrays owned by struct kh_expr: nodes, and the
 * kid lists the nodes point into. A node's kids always have smaller indices
 * than the node itself (children are built first), so one pass in index
 * order visits the tree bottom-up without recursion. Chains of the same
 * binary operator (a + b - c, a and b and c, min(a, b, c)) are one n-ary
 * node, so the tree is no deeper than the nesting the parser allows.
 */
#ifndef KH_EXPR_INT_H
#define KH_EXPR_INT_H

#include "expr/expr.h"

#define EXPR_MAX_TEXT  ((size_t)64 * 1024) /* bytes of source text */
#define EXPR_MAX_DEPTH 200                 /* nesting: ( ), calls, signs, ^ */

/* ---- source text and positions (lex.c) ------------------------------- */

/* The text an expression was parsed from and where it sits in its file. */
struct expr_src {
    char *text; /* owned copy, NUL-terminated */
    size_t len;
    char *file; /* owned copy, or NULL */
    int line;   /* line of text[0]; 0 if unknown */
    int col;    /* column of text[0], 1-based */
};

/* A position being walked forward through the text (line, column). */
struct expr_cursor {
    size_t off;
    int line;
    int col;
};

/* Start a cursor at text[0]. */
void expr_cursor_init(const struct expr_src *src, struct expr_cursor *cur);

/*
 * Move cur to byte offset `off` (restarting from text[0] if off is behind
 * it). Columns count UTF-8 characters; a newline starts the next line.
 */
void expr_cursor_move(const struct expr_src *src, struct expr_cursor *cur, size_t off);

/*
 * Fill err with file, line and column of text[off] and the formatted
 * message; returns code.
 */
int expr_src_error(const struct expr_src *src, struct kh_err *err, int code, size_t off,
                   const char *fmt, ...) KH_PRINTF(5, 6);

/*
 * How many bytes of s[0..n) to show in a message: all of them when n <=
 * max, else at most max, cut at a character boundary. For "%.*s".
 */
int expr_cut(const char *s, size_t n, size_t max);

/* ---- tokens (lex.c) --------------------------------------------------- */

enum expr_tok {
    T_END,
    T_NUM,
    T_NAME,
    T_LPAREN,
    T_RPAREN,
    T_COMMA,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_CARET,
    T_PERCENT,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_EQ,
    T_NE,
    T_AND,
    T_OR,
    T_NOT
};

/* One token: its kind and where it is in the text. */
struct expr_token {
    enum expr_tok type;
    size_t off;
    size_t len;
    double num; /* T_NUM: the value (a trailing % already applied) */
    int pct;    /* T_NUM: non-zero if written with a trailing % */
};

/* The scanner's state. */
struct expr_lexer {
    const struct expr_src *src;
    size_t pos;
    struct kh_err *err;
};

/*
 * Scan the next token into *t. Returns KH_OK, or KH_EINVAL with err set
 * (unexpected or full-width character, bad UTF-8, malformed number).
 */
int expr_lex(struct expr_lexer *lx, struct expr_token *t);

/*
 * Describe token t for a message: `'abc'` (quoted, shortened if long) or
 * "the end of the expression". Returns out.
 */
const char *expr_tok_desc(const struct expr_src *src, const struct expr_token *t, char *out,
                          size_t outsz);

/* ---- the tree (parse.c) ----------------------------------------------- */

enum expr_kind {
    K_NUM,   /* a number literal */
    K_NAME,  /* a bare name (func < 0) or a reference func(name) */
    K_UN,    /* one kid, op from the unary ops */
    K_FOLD,  /* kid0 op1 kid1 op2 kid2 …, left to right; each kid's op */
    K_IF,    /* if(c, a, b) */
    K_CLAMP, /* clamp(v, lo, hi) */
    K_GROUP  /* group function, op from the group ops; 1 or 2 kids */
};

enum expr_op {
    O_NONE,
    /* unary */
    O_NEG,
    O_NOT,
    O_PCT,
    O_ABS,
    O_FLOOR,
    O_CEIL,
    O_LN,
    O_LOG10,
    O_EXP,
    O_SQRT,
    O_ISNA,
    /* binary, used in fold chains */
    O_ADD,
    O_SUB,
    O_MUL,
    O_DIV,
    O_POW,
    O_LT,
    O_LE,
    O_GT,
    O_GE,
    O_EQ,
    O_NE,
    O_AND,
    O_OR,
    O_MIN,
    O_MAX,
    O_COALESCE,
    O_ROUND,
    /* group functions */
    O_GMEAN,
    O_GSUM,
    O_GMIN,
    O_GMAX,
    O_GMEDIAN,
    O_GCOUNT,
    O_GSTD,
    O_GRANK,
    O_GRANK_ASC,
    O_GMEAN_EXCL,
    O_GWMEAN
};

/* A kid of a node and the operator that joins it to the ones before. */
struct expr_kid {
    int node;
    int op;
};

#define EXPR_F_NAME  1 /* the subtree reads a name */
#define EXPR_F_GROUP 2 /* the subtree has a group function */

/* One node of the tree. */
struct expr_node {
    unsigned char kind;  /* enum expr_kind */
    unsigned char op;    /* enum expr_op (K_UN, K_GROUP) */
    unsigned char konst; /* non-zero: the value is `val`, a constant */
    unsigned char flags; /* EXPR_F_* for the subtree */
    int nkids;
    int kid0;        /* index of the first kid in kh_expr.kids */
    size_t off, len; /* the node's text: exact for names, references and
                        group calls (explanations show it), approximate
                        for operators (parentheses are not included) */
    size_t name_off; /* K_NAME: offset of the identifier */
    int func;        /* K_NAME: offset of the function name in strs, or -1 */
    int name;        /* K_NAME: offset of the name in strs */
    int slot;        /* K_NAME: bound column slot, -1 until bound */
    int need;        /* scratch columns evaluation of the subtree needs */
    double val;      /* K_NUM value; the folded value when konst */
};

/* A parsed expression (the opaque type of expr.h). */
struct kh_expr {
    struct expr_src src;
    struct expr_node *nodes;
    size_t nnodes, capnodes;
    struct expr_kid *kids;
    size_t nkids, capkids;
    char *strs; /* NUL-terminated names, referenced by offset */
    size_t nstrs, capstrs;
    int root;
    int bound;    /* kh_expr_bind succeeded */
    int has_sort; /* uses gmedian, grank or grank_asc */
};

/* ---- built-in functions (func.c) ------------------------------------- */

/* A built-in function: its name, node kind and op, and how many arguments. */
struct expr_func {
    const char *name;
    unsigned char kind;
    unsigned char op;
    int min_args;
    int max_args; /* -1: no limit */
    const char *example;
};

/*
 * The built-in function spelled s[0..n) (ignoring the case of ASCII letters
 * in s when fold_case is non-zero), or NULL.
 */
const struct expr_func *expr_func_find(const char *s, size_t n, int fold_case);

/*
 * The built-in function s[0..n) was probably meant to be: one edit away
 * (a swap of neighbours counts as one), or two for names of 6 letters or
 * more. NULL if none is that close.
 */
const char *expr_func_suggest(const char *s, size_t n);

/* If s[0..n) is a reference function schemes commonly use, its name; else NULL. */
const char *expr_func_known_ref(const char *s, size_t n);

/* ---- evaluation (eval.c, group.c) ------------------------------------- */

/* A value and the unit it belongs to, for sorting within groups. */
struct expr_pair {
    double v;
    size_t i;
};

/* Evaluation state for one pass over n units. */
struct expr_ev {
    const struct kh_expr *e;
    const double *const *cols;
    const int *group; /* NULL: one group */
    int ngroups;      /* 1 when group is NULL */
    size_t n;
    double *tmp; /* ntmp scratch columns of n values each */
    size_t ntmp, used;
    double *gsum, *gaux; /* per group, ngroups + 1 entries */
    size_t *gcnt, *goff;
    struct expr_pair *pairs; /* n entries when the tree sorts */
};

/*
 * Prepare v to evaluate e over n units with `ntmp` scratch columns. The
 * caller has checked slots and group ids. Returns KH_OK or KH_ENOMEM.
 * Release with expr_ev_free().
 */
int expr_ev_init(struct expr_ev *v, const struct kh_expr *e, const double *const *cols,
                 const int *group, int ngroups, size_t n, size_t ntmp);

/* Release what expr_ev_init allocated. */
void expr_ev_free(struct expr_ev *v);

/*
 * Check that e is bound, that ctx has a column for every slot e reads and,
 * if e uses group functions, that every group id is in [-1, ngroups).
 * Returns KH_OK or KH_EINVAL with err set.
 */
int expr_check_ctx(const struct kh_expr *e, const struct kh_expr_ctx *ctx, struct kh_err *err);

/*
 * Evaluate node `id` for all units. The result is either dst (n values) or a
 * column of the input (read-only); the return value says which. Cannot fail.
 */
const double *expr_ev_node(struct expr_ev *v, int id, double *dst);

/*
 * Group function `op` (an O_G* op) of column a (and weights w, or the
 * constant wk when w is NULL) into dst; dst may be a.
 */
void expr_group(struct expr_ev *v, int op, double *dst, const double *a, const double *w,
                double wk);

/* ---- numbers (num.c) -------------------------------------------------- */


/*
 * Append v for a reader: up to 6 significant digits, no exponent for
 * ordinary magnitudes, trailing zeros trimmed ("8.31", "0.333333", "12");
 * NaN as "缺失(missing)". Returns the buffer's status.
 */
int expr_put_value(struct kh_buf *b, double v);

#endif
