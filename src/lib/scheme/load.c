/*
 * load.c — reads a scheme file (YAML, docs/scheme-language.md) into the
 * model of scheme/model.h: the typed-value helpers of load.h, the top-level
 * sections (scheme, categories, params, inputs, derived, indicators, tiers,
 * vetoes) and the indicator tree. Rules are read by load_rule.c; binding and
 * whole-scheme checks happen in load_check.c.
 */
#include "base/common.h"
#include "scheme/load.h"

#include <sys/stat.h>

#define SCHEME_MAX_BYTES (16u << 20)
#define SCHEME_LANGUAGE_VERSION 1

/* ---- errors and warnings --------------------------------------------- */

int ld_fail(struct ld *L, const struct kh_ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_setv(L->err, KH_EINVAL, L->file, at ? at->line : 0, at ? at->col : 0, fmt, ap);
    va_end(ap);
    return KH_EINVAL;
}

int ld_warn(struct ld *L, const struct kh_ynode *at, const char *fmt, ...)
{
    struct kh_buf b;
    va_list ap;
    struct kh_scheme *s = L->s;

    kh_buf_init(&b, 4096);
    if (at)
        kh_buf_printf(&b, "%s:%d:%d: ", L->file, at->line, at->col);
    else
        kh_buf_printf(&b, "%s: ", L->file);
    va_start(ap, fmt);
    kh_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (kh_buf_failed(&b) ||
        kh_grow(&s->warnings, &L->capwarn, (size_t)s->nwarnings + 1, sizeof(char *))) {
        kh_buf_free(&b);
        return KH_ENOMEM;
    }
    s->warnings[s->nwarnings++] = kh_buf_steal(&b, NULL);
    return KH_OK;
}

/* ---- typed values ----------------------------------------------------- */

int ld_keys(struct ld *L, const struct kh_ynode *map, const char *what,
            const char *const *allowed)
{
    int i, j, n;

    if (!map || map->kind != KH_Y_MAP)
        return ld_fail(L, map, "%s: expected a mapping (key: value lines), found %s", what,
                       kh_ykind_name(map));
    n = kh_ymap_len(map);
    for (i = 0; i < n; i++) {
        const struct kh_ynode *k = kh_ymap_key(map, i);
        int ok = 0;
        if (k->kind != KH_Y_SCALAR)
            return ld_fail(L, k, "%s: keys must be plain words", what);
        for (j = 0; allowed[j]; j++)
            if (strcmp(allowed[j], k->text) == 0)
                ok = 1;
        if (!ok) {
            struct kh_buf b;
            int rc;
            kh_buf_init(&b, 4096);
            for (j = 0; allowed[j]; j++)
                kh_buf_printf(&b, "%s%s", j ? ", " : "", allowed[j]);
            rc = ld_fail(L, k, "%s: unknown key '%s'; expected one of: %s", what, k->text,
                         kh_buf_str(&b));
            kh_buf_free(&b);
            return rc;
        }
        for (j = 0; j < i; j++)
            if (strcmp(kh_ymap_key(map, j)->text, k->text) == 0)
                return ld_fail(L, k, "%s: key '%s' given twice (first at line %d)", what,
                               k->text, kh_ymap_key(map, j)->line);
    }
    return KH_OK;
}

/* First control character (C0 or DEL) in s, allowing \n and \t when
 * `lines`; -1 if none. */
static int control_char(const char *s, int lines)
{
    const unsigned char *p;
    for (p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 || *p == 0x7F) && !(lines && (*p == '\n' || *p == '\t')))
            return *p;
    return -1;
}

int ld_str(struct ld *L, const struct kh_ynode *n, const char *what, char **out)
{
    int c;

    if (!n || n->kind != KH_Y_SCALAR || kh_ynull(n))
        return ld_fail(L, n, "%s: expected text, found %s", what,
                       n && n->kind == KH_Y_SCALAR ? "nothing" : kh_ykind_name(n));
    if (strlen(n->text) != n->len || (c = control_char(n->text, 1)) >= 0)
        return ld_fail(L, n, "%s: control character 0x%02X is not allowed in text", what,
                       strlen(n->text) != n->len ? 0 : c);
    *out = kh_strdup(n->text);
    if (!*out)
        return kh_err_set(L->err, KH_ENOMEM, L->file, n->line, n->col, "out of memory");
    return KH_OK;
}

int ld_name(struct ld *L, const struct kh_ynode *n, const char *what, char **out)
{
    int rc = ld_str(L, n, what, out), c;
    if (rc)
        return rc;
    if ((c = control_char(*out, 0)) >= 0) {
        free(*out);
        *out = NULL;
        return ld_fail(L, n, "%s: control character 0x%02X (a line break or tab) is not "
                             "allowed in a name",
                       what, c);
    }
    return KH_OK;
}

/* Non-zero if s is a valid identifier: letter, _ or non-ASCII first, then
 * also digits. */
static int is_ident(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (!*p || (*p >= '0' && *p <= '9'))
        return 0;
    for (; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p >= 0x80))
            return 0;
    }
    return 1;
}

int ld_ident(struct ld *L, const struct kh_ynode *n, const char *what, char **out)
{
    int rc = ld_str(L, n, what, out);
    if (rc)
        return rc;
    if (!is_ident(*out)) {
        free(*out);
        *out = NULL;
        return ld_fail(L, n,
                       "%s: '%s' is not a valid identifier (letters, digits and _, not "
                       "starting with a digit)",
                       what, n->text);
    }
    return KH_OK;
}

int ld_num(struct ld *L, const struct kh_ynode *n, const char *what, double *out)
{
    if (!n || n->kind != KH_Y_SCALAR || kh_parse_double(n->text, out) != KH_OK)
        return ld_fail(L, n, "%s: expected a number, found %s%s%s", what,
                       n && n->kind == KH_Y_SCALAR ? "'" : "",
                       n && n->kind == KH_Y_SCALAR ? n->text : kh_ykind_name(n),
                       n && n->kind == KH_Y_SCALAR ? "'" : "");
    return KH_OK;
}

int ld_numpct(struct ld *L, const struct kh_ynode *n, const char *what, double *v, int *pct)
{
    char tmp[64];
    size_t len;

    *pct = 0;
    if (n && n->kind == KH_Y_SCALAR && n->len > 1 && n->len < sizeof(tmp) &&
        n->text[n->len - 1] == '%') {
        len = n->len - 1;
        memcpy(tmp, n->text, len);
        tmp[len] = 0;
        if (kh_parse_double(tmp, v) != KH_OK)
            return ld_fail(L, n, "%s: expected a number or a percentage like 80%%, found '%s'",
                           what, n->text);
        *v /= 100.0;
        *pct = 1;
        return KH_OK;
    }
    if (!n || n->kind != KH_Y_SCALAR || kh_parse_double(n->text, v) != KH_OK)
        return ld_fail(L, n, "%s: expected a number or a percentage like 80%%, found %s%s%s",
                       what, n && n->kind == KH_Y_SCALAR ? "'" : "",
                       n && n->kind == KH_Y_SCALAR ? n->text : kh_ykind_name(n),
                       n && n->kind == KH_Y_SCALAR ? "'" : "");
    return KH_OK;
}

int ld_int(struct ld *L, const struct kh_ynode *n, const char *what, long lo, long hi,
           int *out)
{
    long v;
    if (!n || n->kind != KH_Y_SCALAR || kh_parse_long(n->text, lo, hi, &v) != KH_OK)
        return ld_fail(L, n, "%s: expected a whole number from %ld to %ld", what, lo, hi);
    *out = (int)v;
    return KH_OK;
}

int ld_bool(struct ld *L, const struct kh_ynode *n, const char *what, int *out)
{
    static const char *const names[] = {"false", "true", "no", "yes", NULL};
    int i;
    if (ld_enum(L, n, what, names, &i))
        return KH_EINVAL;
    *out = i & 1;
    return KH_OK;
}

int ld_enum(struct ld *L, const struct kh_ynode *n, const char *what,
            const char *const *names, int *out)
{
    int i;
    struct kh_buf b;

    if (n && n->kind == KH_Y_SCALAR) {
        for (i = 0; names[i]; i++)
            if (strcmp(names[i], n->text) == 0) {
                *out = i;
                return KH_OK;
            }
    }
    kh_buf_init(&b, 4096);
    for (i = 0; names[i]; i++)
        kh_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    i = ld_fail(L, n, "%s: expected one of %s; found %s%s%s", what, kh_buf_str(&b),
                n && n->kind == KH_Y_SCALAR ? "'" : "",
                n && n->kind == KH_Y_SCALAR ? n->text : kh_ykind_name(n),
                n && n->kind == KH_Y_SCALAR ? "'" : "");
    kh_buf_free(&b);
    return i;
}

int ld_param(struct ld *L, const struct kh_ynode *n, const char *what, struct kh_param *p)
{
    int i, rc, len;

    memset(p, 0, sizeof(*p));
    p->v = NAN;
    if (!n)
        return ld_fail(L, n, "%s: missing", what);
    p->pos.line = n->line;
    p->pos.col = n->col;
    p->set = 1;
    if (n->kind == KH_Y_SCALAR)
        return ld_numpct(L, n, what, &p->v, &p->pct);
    if (n->kind != KH_Y_MAP)
        return ld_fail(L, n,
                       "%s: expected a number, a percentage, or a mapping by category "
                       "like {default: 2, town: 2.5}",
                       what);
    len = kh_ymap_len(n);
    p->over = calloc((size_t)len + 1, sizeof(*p->over));
    if (!p->over)
        return kh_err_set(L->err, KH_ENOMEM, L->file, n->line, n->col, "out of memory");
    for (i = 0; i < len; i++) {
        const struct kh_ynode *k = kh_ymap_key(n, i), *v = kh_ymap_val(n, i);
        double d;
        int pct, j;
        if (k->kind != KH_Y_SCALAR)
            return ld_fail(L, k, "%s: keys must be category or unit ids", what);
        for (j = 0; j < i; j++)
            if (strcmp(kh_ymap_key(n, j)->text, k->text) == 0)
                return ld_fail(L, k, "%s: '%s' given twice", what, k->text);
        rc = ld_numpct(L, v, what, &d, &pct);
        if (rc)
            return rc;
        if (strcmp(k->text, "default") == 0) {
            p->v = d;
            p->pct = pct;
            continue;
        }
        p->over[p->nover].key = kh_strdup(k->text);
        if (!p->over[p->nover].key)
            return kh_err_set(L->err, KH_ENOMEM, L->file, k->line, k->col, "out of memory");
        p->over[p->nover].cat = kh_scheme_category(L->s, k->text);
        if (p->over[p->nover].cat < 0 && (rc = ld_unit_key(L, k)))
            return rc;
        p->over[p->nover].v = d;
        p->over[p->nover].pct = pct;
        p->nover++;
    }
    return KH_OK;
}

int ld_expr(struct ld *L, const struct kh_ynode *n, const char *what, int ctx, int owner,
            struct kh_expr **out)
{
    struct kh_srcpos pos;
    int rc;

    *out = NULL;
    if (!n || n->kind != KH_Y_SCALAR || kh_ynull(n))
        return ld_fail(L, n, "%s: expected an expression such as \"x / t * 100\", found %s",
                       what, kh_ykind_name(n));
    pos.file = L->file;
    pos.line = n->line;
    /* libfyaml's mark of a quoted scalar is already past the opening quote. */
    pos.col = n->col;
    rc = kh_expr_parse(n->text, &pos, out, L->err);
    if (rc)
        return rc;
    if (kh_grow(&L->pend, &L->cappend, L->npend + 1, sizeof(*L->pend))) {
        kh_expr_free(*out);
        *out = NULL;
        return kh_err_set(L->err, KH_ENOMEM, L->file, n->line, n->col, "out of memory");
    }
    L->pend[L->npend].e = *out;
    L->pend[L->npend].ctx = ctx;
    L->pend[L->npend].node = owner;
    L->npend++;
    return KH_OK;
}

/* ---- sections --------------------------------------------------------- */

static const char *const rounding_names[] = {"display", "item", NULL};
static const char *const rank_by_names[] = {"display", "exact", NULL};
static const char *const ties_names[] = {"competition", "dense", "share", "ordinal", NULL};
static const char *const scope_names[] = {"category", "all", NULL};

static int load_header(struct ld *L, const struct kh_ynode *n)
{
    static const char *const keys[] = {"id",      "name",    "version", "decimals",
                                       "rounding", "rank_by", "ties",    "rank_scope",
                                       "total_name", NULL};
    struct kh_scheme *s = L->s;
    const struct kh_ynode *v;
    int rc;

    if ((rc = ld_keys(L, n, "scheme", keys)))
        return rc;
    if ((rc = ld_ident(L, kh_ymap_get(n, "id"), "scheme.id", &s->id)))
        return rc;
    if ((rc = ld_name(L, kh_ymap_get(n, "name"), "scheme.name", &s->name)))
        return rc;
    if ((v = kh_ymap_get(n, "version")) && (rc = ld_str(L, v, "scheme.version", &s->version)))
        return rc;
    if ((v = kh_ymap_get(n, "decimals")) && (rc = ld_int(L, v, "scheme.decimals", 0, 6,
                                                         &s->decimals)))
        return rc;
    if ((v = kh_ymap_get(n, "rounding")) &&
        (rc = ld_enum(L, v, "scheme.rounding", rounding_names, &s->rounding)))
        return rc;
    if ((v = kh_ymap_get(n, "rank_by")) &&
        (rc = ld_enum(L, v, "scheme.rank_by", rank_by_names, &s->rank_exact)))
        return rc;
    if ((v = kh_ymap_get(n, "ties")) && (rc = ld_enum(L, v, "scheme.ties", ties_names,
                                                      &s->rank_ties)))
        return rc;
    if (s->rank_ties == KH_TIES_SHARE)
        return ld_fail(L, v, "scheme.ties: 'share' applies to rank rules, not to the total; "
                             "use competition, dense or ordinal");
    if ((v = kh_ymap_get(n, "rank_scope")) &&
        (rc = ld_enum(L, v, "scheme.rank_scope", scope_names, &s->rank_scope_all)))
        return rc;
    return KH_OK;
}

static int load_categories(struct ld *L, const struct kh_ynode *n)
{
    static const char *const keys[] = {"name", NULL};
    struct kh_scheme *s = L->s;
    int i, len, rc;

    if (!n || n->kind != KH_Y_MAP)
        return ld_fail(L, n, "categories: expected a mapping of category id to {name: …}");
    len = kh_ymap_len(n);
    if (len == 0)
        return ld_fail(L, n, "categories: at least one category is needed");
    s->cats = calloc((size_t)len, sizeof(*s->cats));
    if (!s->cats)
        return KH_ENOMEM;
    for (i = 0; i < len; i++) {
        const struct kh_ynode *k = kh_ymap_key(n, i), *v = kh_ymap_val(n, i);
        struct kh_category *c = &s->cats[s->ncats];
        if ((rc = ld_ident(L, k, "category id", &c->id)))
            return rc;
        s->ncats++;
        c->pos.line = k->line;
        c->pos.col = k->col;
        if (kh_scheme_category(s, c->id) != s->ncats - 1)
            return ld_fail(L, k, "category '%s' defined twice", c->id);
        if (v->kind == KH_Y_SCALAR && !kh_ynull(v)) {
            if ((rc = ld_name(L, v, "category name", &c->name)))
                return rc;
        } else {
            if ((rc = ld_keys(L, v, "category", keys)))
                return rc;
            if ((rc = ld_name(L, kh_ymap_get(v, "name"), "category name", &c->name)))
                return rc;
        }
    }
    return KH_OK;
}

/* Is `id` already used by an input, derived indicator or parameter? */
static int name_taken(const struct kh_scheme *s, const char *id)
{
    int i;
    for (i = 0; i < s->ninputs; i++)
        if (strcmp(s->inputs[i].id, id) == 0)
            return 1;
    for (i = 0; i < s->nderived; i++)
        if (strcmp(s->derived[i].id, id) == 0)
            return 1;
    for (i = 0; i < s->nparams; i++)
        if (strcmp(s->params[i].id, id) == 0)
            return 1;
    return 0;
}

static const char *const reserved_names[] = {
    "x", "t", "b", "W", "total", "rank", "failed_count", "elapsed", "and", "or", "not", NULL};

static int check_name_free(struct ld *L, const struct kh_ynode *k, const char *id)
{
    int i;
    for (i = 0; reserved_names[i]; i++)
        if (strcmp(reserved_names[i], id) == 0)
            return ld_fail(L, k, "'%s' is a reserved name in expressions; choose another id",
                           id);
    if (name_taken(L->s, id))
        return ld_fail(L, k,
                       "'%s' is already the name of an input, derived indicator or "
                       "parameter",
                       id);
    return KH_OK;
}

static int load_params(struct ld *L, const struct kh_ynode *n)
{
    struct kh_scheme *s = L->s;
    int i, len, rc;

    if (!n || n->kind != KH_Y_MAP)
        return ld_fail(L, n, "params: expected a mapping of parameter name to value");
    len = kh_ymap_len(n);
    s->params = calloc((size_t)len + 1, sizeof(*s->params));
    if (!s->params)
        return KH_ENOMEM;
    for (i = 0; i < len; i++) {
        const struct kh_ynode *k = kh_ymap_key(n, i), *v = kh_ymap_val(n, i);
        struct kh_named_param *p = &s->params[s->nparams];
        char *id;
        if ((rc = ld_ident(L, k, "parameter name", &id)))
            return rc;
        if ((rc = check_name_free(L, k, id))) {
            free(id);
            return rc;
        }
        p->id = id;
        s->nparams++;
        if ((rc = ld_param(L, v, p->id, &p->p)))
            return rc;
        if (p->p.pct)
            return ld_fail(L, v, "parameter '%s': a named parameter cannot be a share of "
                                 "points; write the number",
                           p->id);
    }
    return KH_OK;
}

static const char *const agg_names[] = {"none", "sum", "mean", "last", "min", "max", NULL};

static int load_inputs(struct ld *L, const struct kh_ynode *n)
{
    static const char *const keys[] = {"name", "unit", "aggregate", "partial", NULL};
    static const char *const partial_names[] = {"refuse", "allow", NULL};
    struct kh_scheme *s = L->s;
    int i, len, rc;

    if (!n || n->kind != KH_Y_MAP)
        return ld_fail(L, n, "inputs: expected a mapping of input name to {name, unit, "
                             "aggregate}");
    len = kh_ymap_len(n);
    s->inputs = calloc((size_t)len + 1, sizeof(*s->inputs));
    if (!s->inputs)
        return KH_ENOMEM;
    for (i = 0; i < len; i++) {
        const struct kh_ynode *k = kh_ymap_key(n, i), *v = kh_ymap_val(n, i), *a;
        struct kh_input *in = &s->inputs[s->ninputs];
        char *id;
        if ((rc = ld_ident(L, k, "input name", &id)))
            return rc;
        if ((rc = check_name_free(L, k, id))) {
            free(id);
            return rc;
        }
        in->id = id;
        in->pos.line = k->line;
        in->pos.col = k->col;
        s->ninputs++;
        if (v->kind == KH_Y_SCALAR && !kh_ynull(v)) {
            if ((rc = ld_name(L, v, "input name", &in->name)))
                return rc;
            continue;
        }
        if ((rc = ld_keys(L, v, in->id, keys)))
            return rc;
        if ((rc = ld_name(L, kh_ymap_get(v, "name"), "input name", &in->name)))
            return rc;
        if ((a = kh_ymap_get(v, "unit")) && (rc = ld_str(L, a, "input unit", &in->unit)))
            return rc;
        if ((a = kh_ymap_get(v, "aggregate")) &&
            (rc = ld_enum(L, a, "input aggregate", agg_names, &in->aggregate)))
            return rc;
        if ((a = kh_ymap_get(v, "partial")) &&
            (rc = ld_enum(L, a, "input partial", partial_names, &in->partial_ok)))
            return rc;
    }
    return KH_OK;
}

static int load_derived(struct ld *L, const struct kh_ynode *n)
{
    static const char *const keys[] = {"name", "formula", NULL};
    struct kh_scheme *s = L->s;
    int i, len, rc;

    if (!n || n->kind != KH_Y_MAP)
        return ld_fail(L, n, "derived: expected a mapping of name to {name, formula}");
    len = kh_ymap_len(n);
    s->derived = calloc((size_t)len + 1, sizeof(*s->derived));
    if (!s->derived)
        return KH_ENOMEM;
    /* Names first, so that formulas may refer to derived indicators defined later. */
    for (i = 0; i < len; i++) {
        const struct kh_ynode *k = kh_ymap_key(n, i);
        struct kh_derived *d = &s->derived[s->nderived];
        char *id;
        if ((rc = ld_ident(L, k, "derived indicator name", &id)))
            return rc;
        if ((rc = check_name_free(L, k, id))) {
            free(id);
            return rc;
        }
        d->id = id;
        d->pos.line = k->line;
        d->pos.col = k->col;
        s->nderived++;
    }
    for (i = 0; i < len; i++) {
        const struct kh_ynode *v = kh_ymap_val(n, i);
        struct kh_derived *d = &s->derived[i];
        if (v->kind == KH_Y_SCALAR) {
            rc = ld_expr(L, v, d->id, LD_CTX_DERIVED, i, &d->formula);
        } else {
            if ((rc = ld_keys(L, v, d->id, keys)))
                return rc;
            if (kh_ymap_get(v, "name") &&
                (rc = ld_name(L, kh_ymap_get(v, "name"), "derived name", &d->name)))
                return rc;
            rc = ld_expr(L, kh_ymap_get(v, "formula"), "derived formula", LD_CTX_DERIVED, i,
                         &d->formula);
        }
        if (rc)
            return rc;
    }
    return KH_OK;
}

/* ---- the indicator tree ----------------------------------------------- */

static const char *const node_kind_names[] = {"normal", "bonus", "deduction", NULL};
static const char *const combine_names[] = {"sum", "mean", "geometric", "harmonic",
                                            "min", "max", NULL};
static const char *const missing_names[] = {"error", "zero", "mean", "exclude", NULL};
static const char *const direction_names[] = {"higher", "lower", NULL};

static int count_nodes(const struct kh_ynode *list)
{
    int i, n = 0;
    if (!list || list->kind != KH_Y_SEQ)
        return 0;
    for (i = 0; i < list->nkids; i++) {
        const struct kh_ynode *c = list->kids[i];
        n++;
        if (c->kind == KH_Y_MAP)
            n += count_nodes(kh_ymap_get(c, "children"));
    }
    return n;
}

static int load_node(struct ld *L, const struct kh_ynode *m, int parent, int depth);

static int load_children(struct ld *L, const struct kh_ynode *list, int parent, int depth)
{
    struct kh_node *p = &L->s->nodes[parent];
    int i, rc;

    if (!list || list->kind != KH_Y_SEQ || list->nkids == 0)
        return ld_fail(L, list, "children of '%s': expected a list of indicators (- id: …)",
                       p->id);
    p->children = calloc((size_t)list->nkids, sizeof(int));
    if (!p->children)
        return KH_ENOMEM;
    for (i = 0; i < list->nkids; i++) {
        int idx = L->s->nnodes;
        L->s->nodes[parent].children[L->s->nodes[parent].nchildren++] = idx;
        if ((rc = load_node(L, list->kids[i], parent, depth)))
            return rc;
    }
    return KH_OK;
}

/* Read `group: category | all | tag:NAME`. */
static int load_group(struct ld *L, const struct kh_ynode *v, struct kh_node *nd)
{
    if (v->kind == KH_Y_SCALAR && strncmp(v->text, "tag:", 4) == 0 && v->text[4]) {
        nd->group = KH_GROUP_TAG;
        nd->group_tag = kh_strdup(v->text + 4);
        return nd->group_tag ? KH_OK : KH_ENOMEM;
    }
    {
        static const char *const names[] = {"category", "all", "tag:NAME", NULL};
        int g;
        if (ld_enum(L, v, "group", names, &g) || g == 2)
            return ld_fail(L, v, "group: expected category, all or tag:<tag>, e.g. tag:中心城区");
        nd->group = g == 0 ? KH_GROUP_CATEGORY : KH_GROUP_ALL;
    }
    return KH_OK;
}

static int load_overrides(struct ld *L, const struct kh_ynode *v, struct kh_node *nd, int idx)
{
    static const char *const keys[] = {"if", "score", NULL};
    int i, rc;

    if (v->kind != KH_Y_SEQ)
        return ld_fail(L, v, "when: expected a list of {if: condition, score: value}");
    nd->overrides = calloc((size_t)v->nkids + 1, sizeof(*nd->overrides));
    if (!nd->overrides)
        return KH_ENOMEM;
    for (i = 0; i < v->nkids; i++) {
        const struct kh_ynode *o = v->kids[i];
        struct kh_override *ov = &nd->overrides[nd->noverrides++];
        if ((rc = ld_keys(L, o, "when item", keys)))
            return rc;
        ov->pos.line = o->line;
        ov->pos.col = o->col;
        if ((rc = ld_expr(L, kh_ymap_get(o, "if"), "when.if", LD_CTX_NODE, idx, &ov->when)))
            return rc;
        if ((rc = ld_expr(L, kh_ymap_get(o, "score"), "when.score", LD_CTX_NODE, idx,
                          &ov->score)))
            return rc;
    }
    return KH_OK;
}

static int load_only(struct ld *L, const struct kh_ynode *v, struct kh_node *nd)
{
    int i, n = v->kind == KH_Y_SEQ ? v->nkids : 1;

    nd->only_cats = calloc((size_t)n, sizeof(int));
    if (!nd->only_cats)
        return KH_ENOMEM;
    for (i = 0; i < n; i++) {
        const struct kh_ynode *c = v->kind == KH_Y_SEQ ? v->kids[i] : v;
        int cat = c->kind == KH_Y_SCALAR ? kh_scheme_category(L->s, c->text) : -1;
        if (cat < 0)
            return ld_fail(L, c, "only: '%s' is not a category of this scheme",
                           c->kind == KH_Y_SCALAR ? c->text : "?");
        nd->only_cats[nd->nonly_cats++] = cat;
    }
    return KH_OK;
}

static int load_progress(struct ld *L, const struct kh_ynode *v, struct kh_node *nd)
{
    static const char *const keys[] = {"green", "yellow", NULL};
    const struct kh_ynode *g;
    int rc;

    nd->has_progress = 1;
    nd->progress_green = 1.0;
    nd->progress_yellow = 0.9;
    if (v->kind == KH_Y_SCALAR) {
        int on;
        if ((rc = ld_bool(L, v, "progress", &on)))
            return rc;
        nd->has_progress = on;
        return KH_OK;
    }
    if ((rc = ld_keys(L, v, "progress", keys)))
        return rc;
    if ((g = kh_ymap_get(v, "green")) && (rc = ld_num(L, g, "progress.green",
                                                      &nd->progress_green)))
        return rc;
    if ((g = kh_ymap_get(v, "yellow")) && (rc = ld_num(L, g, "progress.yellow",
                                                       &nd->progress_yellow)))
        return rc;
    if (nd->progress_yellow > nd->progress_green)
        return ld_fail(L, v, "progress: yellow (%g) must not exceed green (%g)",
                       nd->progress_yellow, nd->progress_green);
    return KH_OK;
}

static int load_node(struct ld *L, const struct kh_ynode *m, int parent, int depth)
{
    static const char *const keys[] = {
        "id",       "name",  "points",  "share",  "weight",     "kind",   "clause",
        "dept",     "only",  "value",   "target", "baseline",   "direction", "group",
        "missing",  "rule",  "when",    "multiplier", "min",    "max",    "pass",
        "progress", "combine", "children", NULL};
    struct kh_scheme *s = L->s;
    int idx = s->nnodes, rc, i;
    struct kh_node *nd = &s->nodes[idx];
    const struct kh_ynode *v, *children;
    char what[160];

    s->nnodes++;
    nd->parent = parent;
    nd->depth = depth;
    nd->weight = 1;
    nd->slot_x = nd->slot_t = nd->slot_b = nd->slot_w = -1;
    nd->points.v = NAN;
    nd->pos.line = m ? m->line : 0;
    nd->pos.col = m ? m->col : 0;
    if ((rc = ld_keys(L, m, "indicator", keys)))
        return rc;
    if ((rc = ld_ident(L, kh_ymap_get(m, "id"), "indicator id", &nd->id)))
        return rc;
    snprintf(what, sizeof(what), "indicator '%s'", nd->id);
    {
        /* Names of the fixed columns of published tables and CSV output. */
        static const char *const taken[] = {"period", "category", "unit", "name", "total",
                                            "rank", "rank_of", "tier", "vetoes", NULL};
        for (i = 0; taken[i]; i++)
            if (strcmp(taken[i], nd->id) == 0)
                return ld_fail(L, kh_ymap_get(m, "id"),
                               "indicator id '%s' is reserved (a column of score tables); "
                               "choose another id",
                               nd->id);
    }
    for (i = 0; i < idx; i++)
        if (strcmp(s->nodes[i].id, nd->id) == 0)
            return ld_fail(L, kh_ymap_get(m, "id"), "indicator id '%s' used twice (first at "
                                                    "line %d)",
                           nd->id, s->nodes[i].pos.line);
    if ((rc = ld_name(L, kh_ymap_get(m, "name"), what, &nd->name)))
        return rc;
    if ((v = kh_ymap_get(m, "points")) && (rc = ld_param(L, v, "points", &nd->points)))
        return rc;
    if (nd->points.set && nd->points.pct)
        return ld_fail(L, v, "%s: points cannot be a percentage; use share: %s", what,
                       v->text);
    for (i = 0; nd->points.set && i < nd->points.nover; i++)
        if (nd->points.over[i].cat < 0)
            return ld_fail(L, v, "%s: points: '%s' is not a category of this scheme (points "
                                 "differ by category, not by unit)",
                           what, nd->points.over[i].key);
    if ((v = kh_ymap_get(m, "share"))) {
        int pct;
        if (nd->points.set)
            return ld_fail(L, v, "%s: give points or share, not both", what);
        if ((rc = ld_numpct(L, v, "share", &nd->share, &pct)))
            return rc;
        if (nd->share <= 0 || nd->share > 1)
            return ld_fail(L, v, "%s: share must be between 0%% and 100%% of the parent's "
                                 "points",
                           what);
        nd->points_from_share = 1;
    }
    if ((v = kh_ymap_get(m, "weight")) && (rc = ld_num(L, v, "weight", &nd->weight)))
        return rc;
    if ((v = kh_ymap_get(m, "kind")) && (rc = ld_enum(L, v, "kind", node_kind_names,
                                                      &nd->kind)))
        return rc;
    if ((v = kh_ymap_get(m, "clause")) && (rc = ld_str(L, v, "clause", &nd->clause)))
        return rc;
    if ((v = kh_ymap_get(m, "dept")) && (rc = ld_str(L, v, "dept", &nd->dept)))
        return rc;
    if ((v = kh_ymap_get(m, "only")) && (rc = load_only(L, v, nd)))
        return rc;
    if ((v = kh_ymap_get(m, "direction")) &&
        (rc = ld_enum(L, v, "direction", direction_names, &nd->lower_better)))
        return rc;
    if ((v = kh_ymap_get(m, "group")) && (rc = load_group(L, v, nd)))
        return rc;
    if ((v = kh_ymap_get(m, "missing")) && (rc = ld_enum(L, v, "missing", missing_names,
                                                         &nd->missing)))
        return rc;
    if ((v = kh_ymap_get(m, "min"))) {
        nd->has_min = 1;
        if ((rc = ld_param(L, v, "min", &nd->min)))
            return rc;
    }
    if ((v = kh_ymap_get(m, "max"))) {
        nd->has_max = 1;
        if ((rc = ld_param(L, v, "max", &nd->max)))
            return rc;
    }
    if ((v = kh_ymap_get(m, "combine")) && (rc = ld_enum(L, v, "combine", combine_names,
                                                         &nd->combine)))
        return rc;
    if ((v = kh_ymap_get(m, "progress")) && (rc = load_progress(L, v, nd)))
        return rc;

    children = kh_ymap_get(m, "children");
    if (children) {
        static const char *const leaf_only[] = {"value", "target", "baseline", "rule",
                                                "direction", "missing", "progress", NULL};
        for (i = 0; leaf_only[i]; i++)
            if ((v = kh_ymap_get(m, leaf_only[i])))
                return ld_fail(L, v, "%s has children, so it cannot have '%s' (that belongs "
                                     "to leaf indicators)",
                               what, leaf_only[i]);
        if ((rc = load_children(L, children, idx, depth + 1)))
            return rc;
        nd = &s->nodes[idx];
    } else {
        if ((v = kh_ymap_get(m, "combine")))
            return ld_fail(L, v, "%s: combine applies to indicators with children", what);
        if ((v = kh_ymap_get(m, "value")) &&
            (rc = ld_expr(L, v, "value", LD_CTX_VALUE, idx, &nd->value)))
            return rc;
        if ((v = kh_ymap_get(m, "target")) &&
            (rc = ld_expr(L, v, "target", LD_CTX_TARGET, idx, &nd->target)))
            return rc;
        if ((v = kh_ymap_get(m, "baseline")) &&
            (rc = ld_expr(L, v, "baseline", LD_CTX_BASELINE, idx, &nd->baseline)))
            return rc;
        if (!(v = kh_ymap_get(m, "rule")))
            return ld_fail(L, m, "%s has neither children nor a rule; a leaf indicator "
                                 "needs rule: (e.g. rule: {ratio: {}})",
                           what);
        if ((rc = ld_rule(L, v, nd, idx)))
            return rc;
        nd = &s->nodes[idx];
    }
    if ((v = kh_ymap_get(m, "when")) && (rc = load_overrides(L, v, nd, idx)))
        return rc;
    if ((v = kh_ymap_get(m, "multiplier")) &&
        (rc = ld_expr(L, v, "multiplier", LD_CTX_NODE, idx, &nd->multiplier)))
        return rc;
    if ((v = kh_ymap_get(m, "pass")) && (rc = ld_expr(L, v, "pass", LD_CTX_NODE, idx,
                                                      &nd->pass)))
        return rc;
    return KH_OK;
}

static int load_tree(struct ld *L, const struct kh_ynode *list, const struct kh_ynode *hdr)
{
    struct kh_scheme *s = L->s;
    const struct kh_ynode *v;
    struct kh_node *root;
    int n;

    if (!list || list->kind != KH_Y_SEQ || list->nkids == 0)
        return ld_fail(L, list, "indicators: expected a list of indicators (- id: …)");
    n = count_nodes(list) + 1;
    s->nodes = calloc((size_t)n, sizeof(*s->nodes));
    if (!s->nodes)
        return KH_ENOMEM;
    root = &s->nodes[0];
    s->nnodes = 1;
    root->parent = -1;
    root->weight = 1;
    root->points.v = NAN;
    root->slot_x = root->slot_t = root->slot_b = root->slot_w = -1;
    root->id = kh_strdup("total");
    v = hdr ? kh_ymap_get(hdr, "total_name") : NULL;
    root->name = kh_strdup(v && v->kind == KH_Y_SCALAR ? v->text : "总分");
    if (!root->id || !root->name)
        return KH_ENOMEM;
    root->pos.line = list->line;
    root->pos.col = list->col;
    return load_children(L, list, 0, 1);
}

/* ---- tiers and vetoes ------------------------------------------------- */

/* One quota value: a whole number of units or a share like 15%. */
static int quota_value(struct ld *L, const struct kh_ynode *v, int *share, double *q)
{
    int rc = ld_numpct(L, v, "quota", q, share);
    if (rc)
        return rc;
    if (*share && (*q < 0 || *q > 1))
        return ld_fail(L, v, "quota: a share must be between 0%% and 100%%");
    if (!*share && (*q < 0 || *q != floor(*q) || *q > 1e9))
        return ld_fail(L, v, "quota: expected a whole number of units or a share like 15%%");
    return KH_OK;
}

/* quota: 15% | 6 | {default: 30%, parkA: 1} (per category, T2 + R17). */
static int load_quota(struct ld *L, const struct kh_ynode *v, struct kh_tier *t)
{
    int i, n, rc;

    t->has_quota = 1;
    if (v->kind != KH_Y_MAP)
        return quota_value(L, v, &t->quota_share, &t->quota_v);
    t->quota_v = NAN;
    n = kh_ymap_len(v);
    t->qover = calloc((size_t)n + 1, sizeof(*t->qover));
    if (!t->qover)
        return KH_ENOMEM;
    for (i = 0; i < n; i++) {
        const struct kh_ynode *k = kh_ymap_key(v, i);
        int share, cat;
        double q;
        if ((rc = quota_value(L, kh_ymap_val(v, i), &share, &q)))
            return rc;
        if (k->kind == KH_Y_SCALAR && strcmp(k->text, "default") == 0) {
            t->quota_share = share;
            t->quota_v = q;
            continue;
        }
        cat = k->kind == KH_Y_SCALAR ? kh_scheme_category(L->s, k->text) : -1;
        if (cat < 0)
            return ld_fail(L, k, "quota: '%s' is not a category of this scheme (keys are "
                                 "default or category ids)",
                           k->kind == KH_Y_SCALAR ? k->text : "?");
        t->qover[t->nqover].cat = cat;
        t->qover[t->nqover].share = share;
        t->qover[t->nqover].v = q;
        t->nqover++;
    }
    for (i = 0; i < t->nqover; i++)
        t->quota_share |= t->qover[i].share;
    return KH_OK;
}

static int load_tier(struct ld *L, const struct kh_ynode *m, struct kh_tier *t)
{
    static const char *const keys[] = {"id", "name", "ge", "gt", "le", "lt", "quota",
                                       "quota_round", "when", NULL};
    static const char *const qround[] = {"floor", "round", "ceil", NULL};
    const struct kh_ynode *v;
    int rc;

    if ((rc = ld_keys(L, m, "tier", keys)))
        return rc;
    t->pos.line = m->line;
    t->pos.col = m->col;
    if ((rc = ld_ident(L, kh_ymap_get(m, "id"), "tier id", &t->id)))
        return rc;
    if ((rc = ld_name(L, kh_ymap_get(m, "name"), "tier name", &t->name)))
        return rc;
    if (kh_ymap_get(m, "ge") && kh_ymap_get(m, "gt"))
        return ld_fail(L, kh_ymap_get(m, "gt"), "tier '%s': give ge or gt, not both", t->id);
    if (kh_ymap_get(m, "le") && kh_ymap_get(m, "lt"))
        return ld_fail(L, kh_ymap_get(m, "lt"), "tier '%s': give le or lt, not both", t->id);
    if ((v = kh_ymap_get(m, "ge")) || (v = kh_ymap_get(m, "gt"))) {
        t->has_min = 1;
        t->min_strict = kh_ymap_get(m, "gt") != NULL;
        if ((rc = ld_num(L, v, "tier bound", &t->min)))
            return rc;
    }
    if ((v = kh_ymap_get(m, "le")) || (v = kh_ymap_get(m, "lt"))) {
        t->has_max = 1;
        t->max_strict = kh_ymap_get(m, "lt") != NULL;
        if ((rc = ld_num(L, v, "tier bound", &t->max)))
            return rc;
    }
    if ((v = kh_ymap_get(m, "quota")) && (rc = load_quota(L, v, t)))
        return rc;
    v = kh_ymap_get(m, "quota_round");
    if (v && (rc = ld_enum(L, v, "quota_round", qround, &t->quota_round)))
        return rc;
    if (t->has_quota && t->quota_share && !v)
        return ld_fail(L, kh_ymap_get(m, "quota"),
                       "tier '%s': a quota given as a share needs quota_round: floor, round "
                       "or ceil (how many units is 15%% of 13?)",
                       t->id);
    if ((v = kh_ymap_get(m, "when")) &&
        (rc = ld_expr(L, v, "tier condition", LD_CTX_TIER, -1, &t->when)))
        return rc;
    return KH_OK;
}

static int load_tiers(struct ld *L, const struct kh_ynode *n)
{
    static const char *const keys[] = {"scope", "levels", "tiebreak", "quota_ties", NULL};
    static const char *const qties[] = {"exclude", "include", NULL};
    struct kh_tiers *T = &L->s->tiers;
    const struct kh_ynode *v, *levels;
    int i, j, rc;

    if ((rc = ld_keys(L, n, "tiers", keys)))
        return rc;
    if ((v = kh_ymap_get(n, "scope")) && (rc = ld_enum(L, v, "tiers.scope", scope_names,
                                                       &T->scope_all)))
        return rc;
    levels = kh_ymap_get(n, "levels");
    if (!levels || levels->kind != KH_Y_SEQ || levels->nkids == 0)
        return ld_fail(L, levels ? levels : n, "tiers.levels: expected a list of tiers, best "
                                               "first");
    T->levels = calloc((size_t)levels->nkids, sizeof(*T->levels));
    if (!T->levels)
        return KH_ENOMEM;
    for (i = 0; i < levels->nkids; i++) {
        T->nlevels++;
        if ((rc = load_tier(L, levels->kids[i], &T->levels[i])))
            return rc;
        for (j = 0; j < i; j++)
            if (strcmp(T->levels[j].id, T->levels[i].id) == 0)
                return ld_fail(L, levels->kids[i], "tier id '%s' used twice",
                               T->levels[i].id);
        if (T->levels[i].has_quota && (v = kh_ymap_get(n, "quota_ties")) == NULL &&
            !T->quota_tie_set) {
            return ld_fail(L, levels->kids[i],
                           "tier '%s' has a quota, so tiers need quota_ties: exclude or "
                           "include (what happens when units tie at the quota's edge)",
                           T->levels[i].id);
        }
    }
    if ((v = kh_ymap_get(n, "quota_ties"))) {
        if ((rc = ld_enum(L, v, "tiers.quota_ties", qties, &T->quota_tie)))
            return rc;
        T->quota_tie_set = 1;
    }
    for (i = 0; T->scope_all && i < T->nlevels; i++)
        if (T->levels[i].nqover)
            return ld_fail(L, levels->kids[i], "tier '%s': quotas by category need scope: "
                                               "category (with scope: all there is one quota)",
                           T->levels[i].id);
    if ((v = kh_ymap_get(n, "tiebreak"))) {
        int cnt = v->kind == KH_Y_SEQ ? v->nkids : 1;
        T->tiebreak = calloc((size_t)cnt, sizeof(*T->tiebreak));
        if (!T->tiebreak)
            return KH_ENOMEM;
        for (i = 0; i < cnt; i++) {
            if ((rc = ld_expr(L, v->kind == KH_Y_SEQ ? v->kids[i] : v, "tiebreak",
                              LD_CTX_TIEBREAK, -1, &T->tiebreak[i])))
                return rc;
            T->ntiebreak++;
        }
    }
    return KH_OK;
}

static int find_tier(const struct kh_tiers *T, const char *id)
{
    int i;
    for (i = 0; i < T->nlevels; i++)
        if (strcmp(T->levels[i].id, id) == 0)
            return i;
    return -1;
}

static int load_vetoes(struct ld *L, const struct kh_ynode *n)
{
    static const char *const keys[] = {"id", "name", "clause", "when", "effect", "tier",
                                       "tiers", NULL};
    static const char *const effects[] = {"force_tier", "forbid_top", "forbid", "no_honours",
                                          NULL};
    struct kh_scheme *s = L->s;
    int i, j, rc;

    if (!n || n->kind != KH_Y_SEQ)
        return ld_fail(L, n, "vetoes: expected a list of {id, name, when, effect}");
    s->vetoes = calloc((size_t)n->nkids + 1, sizeof(*s->vetoes));
    if (!s->vetoes)
        return KH_ENOMEM;
    for (i = 0; i < n->nkids; i++) {
        const struct kh_ynode *m = n->kids[i], *v;
        struct kh_veto *vt = &s->vetoes[s->nvetoes++];
        if ((rc = ld_keys(L, m, "veto", keys)))
            return rc;
        vt->pos.line = m->line;
        vt->pos.col = m->col;
        vt->tier = -1;
        if ((rc = ld_ident(L, kh_ymap_get(m, "id"), "veto id", &vt->id)))
            return rc;
        for (j = 0; j < i; j++)
            if (strcmp(s->vetoes[j].id, vt->id) == 0)
                return ld_fail(L, m, "veto id '%s' used twice", vt->id);
        if ((rc = ld_name(L, kh_ymap_get(m, "name"), "veto name", &vt->name)))
            return rc;
        if ((v = kh_ymap_get(m, "clause")) && (rc = ld_str(L, v, "clause", &vt->clause)))
            return rc;
        if ((rc = ld_expr(L, kh_ymap_get(m, "when"), "veto condition", LD_CTX_VETO, -1,
                          &vt->when)))
            return rc;
        if ((rc = ld_enum(L, kh_ymap_get(m, "effect"), "veto effect", effects, &vt->effect)))
            return rc;
        v = vt->effect == KH_VETO_FORCE_TIER ? kh_ymap_get(m, "tier") : NULL;
        if (vt->effect == KH_VETO_FORCE_TIER) {
            if (!v || v->kind != KH_Y_SCALAR || (vt->tier = find_tier(&s->tiers, v->text)) < 0)
                return ld_fail(L, v ? v : m, "veto '%s': effect force_tier needs tier: <id of "
                                             "a tier in tiers.levels>",
                               vt->id);
        }
        if (vt->effect == KH_VETO_FORBID) {
            v = kh_ymap_get(m, "tiers");
            if (!v || v->kind != KH_Y_SEQ || v->nkids == 0)
                return ld_fail(L, v ? v : m, "veto '%s': effect forbid needs tiers: [tier ids]",
                               vt->id);
            vt->forbid = calloc((size_t)v->nkids, sizeof(int));
            if (!vt->forbid)
                return KH_ENOMEM;
            for (j = 0; j < v->nkids; j++) {
                int t = v->kids[j]->kind == KH_Y_SCALAR
                            ? find_tier(&s->tiers, v->kids[j]->text) : -1;
                if (t < 0)
                    return ld_fail(L, v->kids[j], "veto '%s': not a tier id", vt->id);
                vt->forbid[vt->nforbid++] = t;
            }
        }
        if ((vt->effect == KH_VETO_FORBID_TOP || vt->effect == KH_VETO_FORCE_TIER) &&
            s->tiers.nlevels == 0)
            return ld_fail(L, m, "veto '%s': its effect concerns tiers, but the scheme has no "
                                 "tiers section",
                           vt->id);
    }
    return KH_OK;
}

/* ---- top level -------------------------------------------------------- */

static int load_root(struct ld *L, const struct kh_ynode *root)
{
    static const char *const keys[] = {"kaohe", "scheme", "categories", "params", "inputs",
                                       "derived", "indicators", "tiers", "vetoes", NULL};
    const struct kh_ynode *v;
    int rc, ver;

    if (!root)
        return ld_fail(L, NULL, "the scheme file is empty");
    if ((rc = ld_keys(L, root, "scheme file", keys)))
        return rc;
    if (!(v = kh_ymap_get(root, "kaohe")))
        return ld_fail(L, root, "the first line should be 'kaohe: 1' (the scheme language "
                                "version)");
    if ((rc = ld_int(L, v, "kaohe (language version)", 1, 1000, &ver)))
        return rc;
    if (ver != SCHEME_LANGUAGE_VERSION)
        return ld_fail(L, v, "scheme language version %d is not supported; this kaohe reads "
                             "version %d",
                       ver, SCHEME_LANGUAGE_VERSION);
    if ((rc = load_header(L, kh_ymap_get(root, "scheme"))))
        return rc;
    if ((rc = load_categories(L, kh_ymap_get(root, "categories"))))
        return rc;
    if ((v = kh_ymap_get(root, "params")) && (rc = load_params(L, v)))
        return rc;
    if ((v = kh_ymap_get(root, "inputs")) && (rc = load_inputs(L, v)))
        return rc;
    if ((v = kh_ymap_get(root, "derived")) && (rc = load_derived(L, v)))
        return rc;
    if ((rc = load_tree(L, kh_ymap_get(root, "indicators"), kh_ymap_get(root, "scheme"))))
        return rc;
    if ((v = kh_ymap_get(root, "tiers")) && (rc = load_tiers(L, v)))
        return rc;
    if ((v = kh_ymap_get(root, "vetoes")) && (rc = load_vetoes(L, v)))
        return rc;
    return ld_finish(L);
}

int kh_scheme_load_mem(const char *name, const char *text, size_t len, struct kh_scheme **out,
                       struct kh_err *err)
{
    struct kh_ydoc *doc = NULL;
    struct kh_scheme *s;
    struct ld L;
    int rc;

    *out = NULL;
    if (!name)
        name = "<scheme>";
    if (len > SCHEME_MAX_BYTES)
        return kh_err_set(err, KH_ELIMIT, name, 0, 0, "scheme file is larger than %u MiB",
                          SCHEME_MAX_BYTES >> 20);
    s = calloc(1, sizeof(*s));
    if (!s)
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory");
    s->decimals = 2;
    s->file = kh_strdup(name);
    s->source = kh_strndup(text, len);
    if (!s->file || !s->source) {
        kh_scheme_free(s);
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory");
    }
    memset(&L, 0, sizeof(L));
    L.s = s;
    L.file = s->file;
    L.err = err;
    rc = kh_yaml_parse(name, text, len, &doc, err);
    if (!rc)
        rc = load_root(&L, doc->root);
    if (rc == KH_ENOMEM && err && !err->msg[0])
        kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory");
    free(L.pend);
    kh_ydoc_free(doc);
    if (rc) {
        kh_scheme_free(s);
        return rc;
    }
    if (!s->version)
        s->version = kh_strdup("");
    *out = s;
    return KH_OK;
}

int kh_scheme_load_file(const char *path, struct kh_scheme **out, struct kh_err *err)
{
    FILE *f;
    struct stat st;
    char *text;
    size_t got;
    int rc;

    *out = NULL;
    f = fopen(path, "rb");
    if (!f)
        return kh_err_set(err, KH_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return kh_err_set(err, KH_EIO, path, 0, 0, "not a regular file");
    }
    if ((unsigned long long)st.st_size > SCHEME_MAX_BYTES) {
        fclose(f);
        return kh_err_set(err, KH_ELIMIT, path, 0, 0, "scheme file is larger than %u MiB",
                          SCHEME_MAX_BYTES >> 20);
    }
    text = malloc((size_t)st.st_size + 1);
    if (!text) {
        fclose(f);
        return kh_err_set(err, KH_ENOMEM, path, 0, 0, "out of memory");
    }
    got = fread(text, 1, (size_t)st.st_size, f);
    fclose(f);
    if (got != (size_t)st.st_size) {
        free(text);
        return kh_err_set(err, KH_EIO, path, 0, 0, "could not read the whole file");
    }
    text[got] = 0;
    rc = kh_scheme_load_mem(path, text, got, out, err);
    free(text);
    return rc;
}
