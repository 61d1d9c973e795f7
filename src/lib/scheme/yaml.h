/*
 * yaml.h — a small YAML tree with a source position on every node, built
 * from libfyaml's event stream (YAML 1.2).
 *
 * The scheme loader needs to point at the exact line and column of any
 * mapping, list or scalar it rejects; libfyaml's document API gives marks
 * only for scalars, so we build our own read-only tree from parser events.
 * Anchors and aliases are supported (an alias shares the anchored node);
 * merge keys (<<) are not. Only the first document of a stream is read.
 */
#ifndef KH_SCHEME_YAML_H
#define KH_SCHEME_YAML_H

#include <stddef.h>

#include "kaohe/base.h"

enum kh_ykind { KH_Y_SCALAR, KH_Y_MAP, KH_Y_SEQ };

struct kh_ynode {
    int kind;            /* enum kh_ykind */
    int line, col;       /* 1-based position of the node's first character */
    char *text;          /* SCALAR: the value (UTF-8, NUL-terminated) */
    size_t len;
    int plain;           /* SCALAR: 1 if written without quotes (so `null`,
                            `~` and numbers keep their YAML meaning) */
    struct kh_ynode **kids; /* SEQ: items; MAP: key0, value0, key1, value1 … */
    int nkids;           /* SEQ: item count; MAP: 2 × pair count */
    size_t weight;       /* nodes in this subtree with aliases expanded */
};

struct kh_ydoc {
    struct kh_ynode *root; /* NULL for an empty document */
    void *priv;            /* node storage */
};

/*
 * Parse YAML text (len bytes; need not be NUL-terminated) into *out; `name`
 * is used in error messages. Returns KH_OK, or KH_EINVAL with err at the
 * line and column of the syntax error, or KH_ELIMIT for documents deeper
 * than 200 levels or with more than 2,000,000 nodes — counting every alias
 * as the whole subtree it stands for (no "billion laughs"). Caller frees with
 * kh_ydoc_free().
 */
int kh_yaml_parse(const char *name, const char *text, size_t len, struct kh_ydoc **out,
                  struct kh_err *err);

/* Free a document (NULL is fine). */
void kh_ydoc_free(struct kh_ydoc *doc);

/* Number of key/value pairs of a MAP node. */
int kh_ymap_len(const struct kh_ynode *map);

/* The i-th key and value of a MAP node (0 <= i < kh_ymap_len). */
const struct kh_ynode *kh_ymap_key(const struct kh_ynode *map, int i);
const struct kh_ynode *kh_ymap_val(const struct kh_ynode *map, int i);

/* The value for a scalar key in a MAP node, or NULL. */
const struct kh_ynode *kh_ymap_get(const struct kh_ynode *map, const char *key);

/* Non-zero if n is a plain scalar null (`null`, `Null`, `NULL`, `~`, empty). */
int kh_ynull(const struct kh_ynode *n);

/* Human name of a node's kind for messages: "a mapping", "a list", "a scalar". */
const char *kh_ykind_name(const struct kh_ynode *n);

#endif
