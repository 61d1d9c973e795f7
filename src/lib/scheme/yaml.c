/*
 * yaml.c — builds the positioned YAML tree of yaml.h from libfyaml parser
 * events. Positions come from each event's start mark (0-based in
 * libfyaml, stored 1-based here). Errors come from libfyaml's collected
 * diagnostics, so a syntax error is reported at its own line and column.
 */
#include "base/common.h"
#include "scheme/yaml.h"
#include "io/encoding.h"

#include <libfyaml.h>

#define YAML_MAX_DEPTH 200
#define YAML_MAX_NODES 2000000

/* Node storage: every node is kept in one list so that aliases can share. */
struct ystore {
    struct kh_ynode **nodes;
    size_t n, cap;
    struct anchor {
        char *name;
        struct kh_ynode *node;
    } *anchors;
    size_t nanchors, capanchors;
};

/* A node under construction on the parse stack. */
struct frame {
    struct kh_ynode *node;
    size_t kcap;
};

static struct kh_ynode *ynew(struct ystore *st, int kind, const struct fy_mark *m)
{
    struct kh_ynode *n;

    if (st->n >= YAML_MAX_NODES)
        return NULL;
    if (kh_grow(&st->nodes, &st->cap, st->n + 1, sizeof(*st->nodes)))
        return NULL;
    n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->kind = kind;
    n->weight = 1;
    n->line = m ? m->line + 1 : 0;
    n->col = m ? m->column + 1 : 0;
    st->nodes[st->n++] = n;
    return n;
}

static int add_kid(struct frame *f, struct kh_ynode *kid)
{
    if (kh_grow(&f->node->kids, &f->kcap, (size_t)f->node->nkids + 1, sizeof(*f->node->kids)))
        return KH_ENOMEM;
    f->node->kids[f->node->nkids++] = kid;
    return KH_OK;
}

static int remember_anchor(struct ystore *st, struct fy_token *anchor, struct kh_ynode *n)
{
    size_t alen;
    const char *a;

    if (!anchor)
        return KH_OK;
    a = fy_token_get_text(anchor, &alen);
    if (!a)
        return KH_OK;
    if (kh_grow(&st->anchors, &st->capanchors, st->nanchors + 1, sizeof(*st->anchors)))
        return KH_ENOMEM;
    st->anchors[st->nanchors].name = kh_strndup(a, alen);
    if (!st->anchors[st->nanchors].name)
        return KH_ENOMEM;
    st->anchors[st->nanchors++].node = n;
    return KH_OK;
}

static struct kh_ynode *find_anchor(struct ystore *st, struct fy_token *anchor)
{
    size_t alen, i;
    const char *a = anchor ? fy_token_get_text(anchor, &alen) : NULL;

    if (!a)
        return NULL;
    /* The latest definition wins (YAML allows redefinition). */
    for (i = st->nanchors; i-- > 0;)
        if (strlen(st->anchors[i].name) == alen && memcmp(st->anchors[i].name, a, alen) == 0)
            return st->anchors[i].node;
    return NULL;
}

static void store_free(struct ystore *st)
{
    size_t i;

    for (i = 0; i < st->n; i++) {
        free(st->nodes[i]->text);
        free(st->nodes[i]->kids);
        free(st->nodes[i]);
    }
    free(st->nodes);
    for (i = 0; i < st->nanchors; i++)
        free(st->anchors[i].name);
    free(st->anchors);
    free(st);
}

void kh_ydoc_free(struct kh_ydoc *doc)
{
    if (!doc)
        return;
    if (doc->priv)
        store_free(doc->priv);
    free(doc);
}

/* Fill err from libfyaml's first collected diagnostic, or a generic text. */
static int parse_error(struct fy_diag *diag, const char *name, const struct fy_mark *m,
                       struct kh_err *err)
{
    void *iter = NULL;
    struct fy_diag_error *de;

    if (diag) {
        while ((de = fy_diag_errors_iterate(diag, &iter)) != NULL) {
            /* Collected diagnostics carry 1-based positions already. */
            if (de->type >= FYET_ERROR)
                return kh_err_set(err, KH_EINVAL, name, de->line, de->column,
                                  "YAML syntax error: %s", de->msg);
        }
    }
    return kh_err_set(err, KH_EINVAL, name, m ? m->line + 1 : 0, m ? m->column + 1 : 0,
                      "YAML syntax error");
}

int kh_yaml_parse(const char *name, const char *text, size_t len, struct kh_ydoc **out,
                  struct kh_err *err)
{
    struct fy_parse_cfg cfg;
    struct fy_diag_cfg dcfg;
    struct fy_diag *diag = NULL;
    struct fy_parser *fyp = NULL;
    struct fy_event *ev;
    struct ystore *st;
    struct kh_ydoc *doc;
    struct frame stack[YAML_MAX_DEPTH + 1];
    int depth = 0, rc = KH_OK, done = 0, docs = 0;

    *out = NULL;
    /* libfyaml 0.7 can loop forever on invalid UTF-8 (e.g. inside a
     * directive), so only strict UTF-8 reaches it. A UTF-8 BOM is fine. */
    {
        size_t bad = kh_enc_utf8_check(text, len, NULL), i;
        if (bad < len) {
            int line = 1, col = 1;
            for (i = 0; i < bad; i++) {
                if (text[i] == '\n') {
                    line++;
                    col = 1;
                } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                    col++;
                }
            }
            return kh_err_set(err, KH_EINVAL, name, line, col,
                              "byte 0x%02X is not UTF-8; save the scheme as UTF-8 text",
                              (unsigned char)text[bad]);
        }
    }
    doc = calloc(1, sizeof(*doc));
    st = calloc(1, sizeof(*st));
    if (!doc || !st) {
        free(doc);
        free(st);
        return kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory reading YAML");
    }
    doc->priv = st;

    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = NULL;
    dcfg.colorize = false;
    diag = fy_diag_create(&dcfg);
    if (diag)
        fy_diag_set_collect_errors(diag, true);
    memset(&cfg, 0, sizeof(cfg));
    cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
    cfg.diag = diag;
    fyp = fy_parser_create(&cfg);
    if (!fyp || fy_parser_set_string(fyp, text, len)) {
        rc = kh_err_set(err, KH_ENOMEM, name, 0, 0, "cannot start the YAML parser");
        goto out;
    }

    while (!done && (ev = fy_parser_parse(fyp)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(ev);
        struct kh_ynode *n = NULL;
        struct fy_token *anchor = NULL;

        switch (ev->type) {
        case FYET_DOCUMENT_START:
            docs++;
            break;
        case FYET_DOCUMENT_END:
            done = 1; /* only the first document */
            break;
        case FYET_MAPPING_START:
        case FYET_SEQUENCE_START:
            if (depth >= YAML_MAX_DEPTH) {
                rc = kh_err_set(err, KH_ELIMIT, name, m ? m->line + 1 : 0,
                                m ? m->column + 1 : 0,
                                "YAML nested deeper than %d levels", YAML_MAX_DEPTH);
                break;
            }
            n = ynew(st, ev->type == FYET_MAPPING_START ? KH_Y_MAP : KH_Y_SEQ, m);
            anchor = ev->type == FYET_MAPPING_START ? ev->mapping_start.anchor
                                                    : ev->sequence_start.anchor;
            break;
        case FYET_SCALAR: {
            size_t slen;
            const char *s = fy_token_get_text(ev->scalar.value, &slen);
            n = ynew(st, KH_Y_SCALAR, m);
            if (n) {
                n->text = kh_strndup(s ? s : "", s ? slen : 0);
                n->len = s ? slen : 0;
                n->plain = fy_token_scalar_style(ev->scalar.value) == FYSS_PLAIN;
                if (!n->text)
                    n = NULL;
            }
            anchor = ev->scalar.anchor;
            break;
        }
        case FYET_ALIAS:
            n = find_anchor(st, ev->alias.anchor);
            if (!n) {
                rc = kh_err_set(err, KH_EINVAL, name, m ? m->line + 1 : 0,
                                m ? m->column + 1 : 0, "alias refers to an unknown anchor");
                break;
            }
            for (int i = 0; i < depth; i++)
                if (stack[i].node == n) {
                    rc = kh_err_set(err, KH_EINVAL, name, m ? m->line + 1 : 0,
                                    m ? m->column + 1 : 0,
                                    "alias refers to a node that contains it (a cycle)");
                    n = NULL;
                    break;
                }
            break;
        case FYET_MAPPING_END:
        case FYET_SEQUENCE_END: {
            /* The subtree's size with aliases expanded; kids are complete. */
            struct kh_ynode *c = stack[depth - 1].node;
            int k;
            for (k = 0; k < c->nkids; k++)
                c->weight += c->kids[k]->weight;
            if (c->weight > YAML_MAX_NODES)
                rc = kh_err_set(err, KH_ELIMIT, name, c->line, c->col,
                                "aliases expand this part of the document to more than %d "
                                "nodes",
                                YAML_MAX_NODES);
            depth--;
            break;
        }
        default:
            break;
        }
        if (!rc && !n && (ev->type == FYET_MAPPING_START || ev->type == FYET_SEQUENCE_START ||
                          ev->type == FYET_SCALAR)) {
            rc = st->n >= YAML_MAX_NODES
                     ? kh_err_set(err, KH_ELIMIT, name, 0, 0, "YAML has more than %d nodes",
                                  YAML_MAX_NODES)
                     : kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory reading YAML");
        }
        if (!rc && n) {
            rc = remember_anchor(st, anchor, n);
            if (!rc && depth > 0)
                rc = add_kid(&stack[depth - 1], n);
            else if (!rc && !doc->root)
                doc->root = n;
            if (!rc && n->kind != KH_Y_SCALAR && ev->type != FYET_ALIAS) {
                stack[depth].node = n;
                stack[depth].kcap = 0;
                depth++;
            }
            if (rc == KH_ENOMEM)
                kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory reading YAML");
        }
        fy_parser_event_free(fyp, ev);
        if (rc)
            goto out;
    }
    if (fy_parser_get_stream_error(fyp)) {
        rc = parse_error(diag, name, NULL, err);
        goto out;
    }
    /* One document per file: a second one would be silently ignored. */
    if (done && (ev = fy_parser_parse(fyp)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(ev);
        if (ev->type == FYET_DOCUMENT_START)
            rc = kh_err_set(err, KH_EINVAL, name, m ? m->line + 1 : 0, 0,
                            "a second YAML document (after ---) is not allowed; one scheme "
                            "per file");
        fy_parser_event_free(fyp, ev);
        if (rc)
            goto out;
    }
    (void)docs;
out:
    if (fyp)
        fy_parser_destroy(fyp);
    if (diag)
        fy_diag_destroy(diag);
    if (rc) {
        kh_ydoc_free(doc);
        return rc;
    }
    *out = doc;
    return KH_OK;
}

int kh_ymap_len(const struct kh_ynode *map)
{
    return map && map->kind == KH_Y_MAP ? map->nkids / 2 : 0;
}

const struct kh_ynode *kh_ymap_key(const struct kh_ynode *map, int i)
{
    return map->kids[2 * i];
}

const struct kh_ynode *kh_ymap_val(const struct kh_ynode *map, int i)
{
    return map->kids[2 * i + 1];
}

const struct kh_ynode *kh_ymap_get(const struct kh_ynode *map, const char *key)
{
    int i, n = kh_ymap_len(map);

    for (i = 0; i < n; i++) {
        const struct kh_ynode *k = kh_ymap_key(map, i);
        if (k->kind == KH_Y_SCALAR && strcmp(k->text, key) == 0)
            return kh_ymap_val(map, i);
    }
    return NULL;
}

int kh_ynull(const struct kh_ynode *n)
{
    if (!n)
        return 1;
    if (n->kind != KH_Y_SCALAR || !n->plain)
        return 0;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

const char *kh_ykind_name(const struct kh_ynode *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case KH_Y_MAP:
        return "a mapping";
    case KH_Y_SEQ:
        return "a list";
    default:
        return "a scalar";
    }
}
