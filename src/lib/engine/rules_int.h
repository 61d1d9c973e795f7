/*
 * rules_int.h — what the rule families' source files share (rules.c,
 * rules_events.c, rules_ballot.c): error reporting that names the node and
 * the unit, parameter lookup for the unit, citing data rows, tolerant
 * number comparison, and the per-family entry points that kh_rule_eval()
 * dispatches to. Internal to src/lib/engine.
 */
#ifndef KH_ENGINE_RULES_INT_H
#define KH_ENGINE_RULES_INT_H

#include "engine/rules.h"

/*
 * Fill *err with KH_EINVAL and a message that starts with the node id and
 * the unit id ("node X, unit T01: ..."), then the formatted text. The error
 * points at `file`:`line` when file is not NULL (a data row), else at the
 * scheme file and the rule's position. s may be NULL. Returns KH_EINVAL.
 */
int kh_rule_fail(struct kh_err *err, const struct kh_scheme *s, const struct kh_node *n,
                 const struct kh_rule_unit *in, const char *file, int line, const char *fmt, ...)
    KH_PRINTF(7, 8);

/* The value of parameter p for this unit (category, unit id, W), or dflt. */
double kh_rule_param(const struct kh_param *p, const struct kh_rule_unit *in, double dflt);

/*
 * The name of data file number `file` (in->files[file]) or NULL when the
 * engine gave no file names or the index is out of range.
 */
const char *kh_rule_file(const struct kh_rule_unit *in, int file);

/*
 * Write "file:line" for a data row into out[0..outsz): "第 line 行" when the
 * file is unknown, a note when the row was added in code (file −1, line 0).
 * Returns out.
 */
const char *kh_rule_cite(const struct kh_rule_unit *in, int file, int line, char *out,
                         size_t outsz);

/*
 * Compare a and b as a clerk would: values that differ by no more than
 * 1e-9 × max(1, |a|, |b|) are equal, so that 0.1 + 0.2 meets a boundary of
 * 0.3. Returns -1, 0 or 1. Neither value may be NaN.
 */
int kh_rule_cmp(double a, double b);

/* Rank points, bands, binary, counts, indices, formulas, plain scores:
 * rules_table.c. */
int kh_rule_table_eval(const struct kh_scheme *s, const struct kh_node *n,
                       const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                       struct kh_err *err);

/* Bonus (R9) and deduction (R10) events: rules_events.c. */
int kh_rule_events_eval(const struct kh_scheme *s, const struct kh_node *n,
                        const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                        struct kh_err *err);

/* Evaluator ballots (R12): rules_ballot.c. */
int kh_rule_ballot_eval(const struct kh_scheme *s, const struct kh_node *n,
                        const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                        struct kh_err *err);

#endif
