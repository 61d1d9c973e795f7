/*
 * cli.h — what the kaohe subcommands share: the command table entry, exit
 * codes, option parsing, loading a scheme and a data folder with errors
 * printed the same way, and the output format switch.
 *
 * Exit codes (documented in docs/cli.md):
 *   0  success
 *   1  usage: unknown command or option, missing argument
 *   2  invalid input: the scheme, a data file or an argument's value is wrong
 *   3  a file could not be read or written
 *   4  internal error or out of memory
 */
#ifndef KH_CLI_H
#define KH_CLI_H

#include <stdio.h>

#include "kaohe/base.h"
#include "kaohe/data.h"
#include "kaohe/engine.h"
#include "kaohe/report.h"
#include "kaohe/scheme.h"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_INPUT = 2, EXIT_IO = 3, EXIT_INTERNAL = 4 };

/* One subcommand: name, one-line summaries, help texts, entry point. */
struct cli_command {
    const char *name;
    const char *summary_zh;
    const char *summary_en;
    const char *help_zh;  /* usage and options, Chinese */
    const char *help_en;  /* the same, English */
    int (*run)(int argc, char **argv);
};

/* The command table (main.c). */
extern const struct cli_command cli_commands[];

/* Print the command's help (Chinese, then English) to `out`. */
void cli_help(const struct cli_command *c, FILE *out);

/* The entry of the named command, or NULL. */
const struct cli_command *cli_find(const char *name);

/* Print err as "kaohe: file:line:col: message" on stderr; return the exit
 * code for its status. */
int cli_fail(const struct kh_err *err);

/* Print a usage error for command `cmd` on stderr and return EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) KH_PRINTF(2, 3);

/*
 * Minimal option parser: options `--name value`, `--name=value` and flags
 * `--name`. `spec` lists the known options, each "name" for a flag or
 * "name=" for one taking a value. Positional arguments are collected in
 * order. Returns 0, or EXIT_USAGE after printing what was wrong.
 */
#define CLI_MAX_OPTS 16
#define CLI_MAX_POS 8
struct cli_args {
    const char *cmd;
    const char *names[CLI_MAX_OPTS];
    const char *values[CLI_MAX_OPTS]; /* "" for flags that were given */
    int nopts;
    const char *pos[CLI_MAX_POS];
    int npos;
    int help;
};
int cli_parse(struct cli_args *a, const char *cmd, const char *const *spec, int argc,
              char **argv);

/* The value of option `name`, or `dflt` when not given. */
const char *cli_opt(const struct cli_args *a, const char *name, const char *dflt);

/* Non-zero if flag `name` was given. */
int cli_flag(const struct cli_args *a, const char *name);

/* Load a scheme file; on failure print the error and return the exit code. */
int cli_load_scheme(const char *path, struct kh_scheme **s);

/* Load a data folder; on failure print the error and return the exit code. */
int cli_load_data(const char *dir, struct kh_dataset **ds);

/* Output formats. */
enum cli_format { FMT_TABLE, FMT_CSV, FMT_JSON };

/* Parse --format (table, csv, json); default: table on a terminal, CSV
 * otherwise. Returns 0 or EXIT_USAGE. */
int cli_format(const struct cli_args *a, int *fmt);

/* Write p[0..n) to stdout (user unused: the writer of
 * kh_report_score_csv_stream); returns 0 or EXIT_IO, having said why. */
int cli_write_block(void *user, const char *p, size_t n);

/* Write a buffer to stdout; returns 0 or EXIT_IO. */
int cli_write(const struct kh_buf *b);

/* Find a unit by id or name; prints an error and returns -1 if none. */
int cli_unit(const struct kh_dataset *ds, const char *key);

/* Find a node by id or name; prints an error and returns -1 if none. */
int cli_node(const struct kh_scheme *s, const char *key);

/*
 * The common start of score, explain, firsts and weak: scheme = a->pos[0],
 * --data and --period required. For those commands the data is loaded in
 * the compact form (no per-row records in ds->values, ds->targets; see
 * cli_common.c), for others (export) in the ordinary one. On success *s,
 * *ds and *r are set (free with cli_run_free); otherwise an error was
 * printed and the exit code is returned.
 */
int cli_run_score(const struct cli_args *a, struct kh_scheme **s, struct kh_dataset **ds,
                  struct kh_result **r);
void cli_run_free(struct kh_scheme *s, struct kh_dataset *ds, struct kh_result *r);

/* Append a number rounded to `decimals`, or "—" for NaN. */
void cli_num(struct kh_buf *b, double v, int decimals);

/*
 * Render rows × cols of UTF-8 cells as an aligned table (CJK characters
 * count two columns); numeric columns (right[c] non-zero) align right.
 */
void cli_table(struct kh_buf *out, const char *const *cells, int rows, int cols,
               const int *right);

/* ---- league tables (cli_league.c), shared by score and demo ------------- */


/* A growable list of table cells (UTF-8 strings, owned). Start from {0}. */
struct cli_cells {
    char **v;
    size_t n, cap;
};

/* Append a copy of s (NULL as ""); a cell that cannot be stored is dropped,
 * which the caller sees as n falling short of rows × cols. */
void cli_cell(struct cli_cells *c, const char *s);

/* Append v rounded to `decimals` (cli_num), "—" for NaN. */
void cli_cell_num(struct cli_cells *c, double v, int decimals);

/* Free the cells and leave the list empty. */
void cli_cells_free(struct cli_cells *c);

/*
 * Append the league table of each category of s (or only category
 * `only_cat`, -1 for all): a title line, then rank, unit, name, the scores
 * of the indicators down to `depth` with their points for the category,
 * total, tier and vetoes, in the order o (kh_report_order), and a
 * blank line. This is `kaohe score --format table`.
 */
void cli_league_table(struct kh_buf *out, const struct kh_scheme *s, const struct kh_dataset *ds,
                      const struct kh_result *r, const struct kh_report_row *o, int depth,
                      int only_cat);

/* Entry points (cli_<name>.c). */
int cmd_check(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_firsts(int argc, char **argv);
int cmd_weak(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_init(int argc, char **argv);      /* the store commands: cli_store.h */
int cmd_import(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_account(int argc, char **argv);

#endif
