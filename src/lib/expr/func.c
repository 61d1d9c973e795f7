/*
 * func.c — the table of the expression language's built-in functions (math
 * and group functions, see expr.h): their names, how many arguments each
 * takes with an example for error messages, and the tree node each becomes.
 * Also the lookups the parser uses, including the "did you mean" guess for
 * a misspelt name and the reference functions schemes commonly use.
 */
#include "base/common.h"

#include "expr/expr_int.h"

/* The built-in functions, as the parser knows them. */
static const struct expr_func funcs[] = {
    {"min", K_FOLD, O_MIN, 1, -1, "min(a, b)"},
    {"max", K_FOLD, O_MAX, 1, -1, "max(a, b)"},
    {"clamp", K_CLAMP, O_NONE, 3, 3, "clamp(x, 0, 100)"},
    {"if", K_IF, O_NONE, 3, 3, "if(x > 0, a, b)"},
    {"abs", K_UN, O_ABS, 1, 1, "abs(x)"},
    {"round", K_FOLD, O_ROUND, 2, 2, "round(x, 2)"},
    {"floor", K_UN, O_FLOOR, 1, 1, "floor(x)"},
    {"ceil", K_UN, O_CEIL, 1, 1, "ceil(x)"},
    {"ln", K_UN, O_LN, 1, 1, "ln(x)"},
    {"log10", K_UN, O_LOG10, 1, 1, "log10(x)"},
    {"exp", K_UN, O_EXP, 1, 1, "exp(x)"},
    {"pow", K_FOLD, O_POW, 2, 2, "pow(x, 2)"},
    {"sqrt", K_UN, O_SQRT, 1, 1, "sqrt(x)"},
    {"isna", K_UN, O_ISNA, 1, 1, "isna(x)"},
    {"coalesce", K_FOLD, O_COALESCE, 1, -1, "coalesce(x, 0)"},
    {"gmean", K_GROUP, O_GMEAN, 1, 1, "gmean(x)"},
    {"gsum", K_GROUP, O_GSUM, 1, 1, "gsum(x)"},
    {"gmin", K_GROUP, O_GMIN, 1, 1, "gmin(x)"},
    {"gmax", K_GROUP, O_GMAX, 1, 1, "gmax(x)"},
    {"gmedian", K_GROUP, O_GMEDIAN, 1, 1, "gmedian(x)"},
    {"gcount", K_GROUP, O_GCOUNT, 1, 1, "gcount(x)"},
    {"gstd", K_GROUP, O_GSTD, 1, 1, "gstd(x)"},
    {"grank", K_GROUP, O_GRANK, 1, 1, "grank(x)"},
    {"grank_asc", K_GROUP, O_GRANK_ASC, 1, 1, "grank_asc(x)"},
    {"gmean_excl", K_GROUP, O_GMEAN_EXCL, 1, 1, "gmean_excl(x)"},
    {"gwmean", K_GROUP, O_GWMEAN, 2, 2, "gwmean(x, w)"},
};

/* Reference functions schemes commonly use; only for clearer messages. */
static const char *const known_refs[] = {"target", "prev", "baseline", "attr", "events"};

/* The common reference function s[0..n) names, or NULL (expr_int.h). */
const char *expr_func_known_ref(const char *s, size_t n)
{
    size_t k;

    for (k = 0; k < KH_ARRAY_LEN(known_refs); k++) {
        if (strlen(known_refs[k]) == n && !memcmp(known_refs[k], s, n))
            return known_refs[k];
    }
    return NULL;
}

/* The built-in function s[0..n), or NULL (expr_int.h). */
const struct expr_func *expr_func_find(const char *s, size_t n, int fold_case)
{
    size_t k, i;

    for (k = 0; k < KH_ARRAY_LEN(funcs); k++) {
        const char *f = funcs[k].name;
        if (strlen(f) != n)
            continue;
        for (i = 0; i < n; i++) {
            char a = s[i], b = f[i];
            if (fold_case && a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (a != b)
                break;
        }
        if (i == n)
            return &funcs[k];
    }
    return NULL;
}

/*
 * Edit distance between a[0..na) and b, counting a swap of two neighbours
 * as one edit (optimal string alignment); 99 for long names.
 */
static size_t edit_distance(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b), i, j;
    size_t d[25][25];

    if (na > 24 || nb > 24)
        return 99;
    for (i = 0; i <= na; i++)
        d[i][0] = i;
    for (j = 0; j <= nb; j++)
        d[0][j] = j;
    for (i = 1; i <= na; i++) {
        for (j = 1; j <= nb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[na][nb];
}

/* The built-in function s[0..n) was probably meant to be (expr_int.h). */
const char *expr_func_suggest(const char *s, size_t n)
{
    const char *best = NULL;
    size_t k, d, bestd = n >= 6 ? 3 : 2;

    if (n < 3)
        return NULL;
    for (k = 0; k < KH_ARRAY_LEN(funcs); k++) {
        d = edit_distance(s, n, funcs[k].name);
        if (d < bestd) {
            bestd = d;
            best = funcs[k].name;
        }
    }
    return best;
}
