/*
 * kaohe/scheme.h — loading and inspecting a scheme: a published 考核办法
 * written in kaohe's scheme language (YAML; see docs/scheme-language.md).
 *
 * A scheme is validated completely when it is loaded: a scheme that loads
 * can be scored. Errors name the file, line and column and what was
 * expected. Warnings (suspicious but legal, such as children whose points
 * add up to less than their parent's) are kept with the scheme.
 */
#ifndef KAOHE_SCHEME_H
#define KAOHE_SCHEME_H

#include <stddef.h>

#include "kaohe/base.h"

struct kh_scheme; /* opaque */

/*
 * Load and validate the scheme in file `path`. Returns KH_OK and *out, or a
 * failure status with err set (file:line:col: what was wrong, what was
 * expected). Caller frees *out with kh_scheme_free().
 */
int kh_scheme_load_file(const char *path, struct kh_scheme **out, struct kh_err *err);

/* The same from memory; `name` stands for the file in messages. */
int kh_scheme_load_mem(const char *name, const char *text, size_t len, struct kh_scheme **out,
                       struct kh_err *err);

/* Free a scheme (NULL is fine). */
void kh_scheme_free(struct kh_scheme *s);

/* The scheme's id, display name and version text (version may be ""). */
const char *kh_scheme_id(const struct kh_scheme *s);
const char *kh_scheme_name(const struct kh_scheme *s);
const char *kh_scheme_version(const struct kh_scheme *s);

/* Decimals shown in published tables. */
int kh_scheme_decimals(const struct kh_scheme *s);

/* Categories (赛道): count, and id / display name of the i-th. */
int kh_scheme_category_count(const struct kh_scheme *s);
const char *kh_scheme_category_id(const struct kh_scheme *s, int i);
const char *kh_scheme_category_name(const struct kh_scheme *s, int i);

/*
 * Indicator tree, in pre-order; node 0 is the total. For node i: id, name,
 * depth (0 for the total), parent (-1 for the total), and points for
 * category c (NaN when the node does not apply to that category).
 */
int kh_scheme_node_count(const struct kh_scheme *s);
const char *kh_scheme_node_id(const struct kh_scheme *s, int i);
const char *kh_scheme_node_name(const struct kh_scheme *s, int i);
int kh_scheme_node_depth(const struct kh_scheme *s, int i);
int kh_scheme_node_parent(const struct kh_scheme *s, int i);
int kh_scheme_node_is_leaf(const struct kh_scheme *s, int i);
double kh_scheme_node_points(const struct kh_scheme *s, int i, int category);

/* Index of the node with this id, or -1. */
int kh_scheme_find_node(const struct kh_scheme *s, const char *id);

/* Tiers, best first: count, and id / display name of the i-th. */
int kh_scheme_tier_count(const struct kh_scheme *s);
const char *kh_scheme_tier_id(const struct kh_scheme *s, int i);
const char *kh_scheme_tier_name(const struct kh_scheme *s, int i);

/* Vetoes: count, and id / display name of the i-th. */
int kh_scheme_veto_count(const struct kh_scheme *s);
const char *kh_scheme_veto_id(const struct kh_scheme *s, int i);
const char *kh_scheme_veto_name(const struct kh_scheme *s, int i);

/* Inputs (the data series of values.csv), in the scheme's order: count,
 * and the i-th's id, display name and measurement unit ("%", "万元"; NULL
 * when the scheme gives none). */
int kh_scheme_input_count(const struct kh_scheme *s);
const char *kh_scheme_input_id(const struct kh_scheme *s, int i);
const char *kh_scheme_input_name(const struct kh_scheme *s, int i);
const char *kh_scheme_input_unit(const struct kh_scheme *s, int i);

/* Warnings found while loading: count and the i-th as "file:line:col: text". */
int kh_scheme_warning_count(const struct kh_scheme *s);
const char *kh_scheme_warning(const struct kh_scheme *s, int i);

#endif
