/*
 * cli_store.h — what the store commands share (init, import, publish,
 * snapshots, diff, audit, lock, unlock, and the --db forms of score and
 * demo): their common options (--db, --jurisdiction, --user), opening the
 * store with errors printed the same way, who acts, and the progress bar
 * of long imports.
 */
#ifndef KH_CLI_STORE_H
#define KH_CLI_STORE_H

#include <stdint.h>

#include "cli.h"
#include "kaohe/store.h"

/* The default store file and jurisdiction. */
#define CLI_DEFAULT_DB           "kaohe.db"
#define CLI_DEFAULT_JURISDICTION "default"

/* Option names every store command accepts (for cli_parse specs). */
#define CLI_STORE_SPEC "db=", "jurisdiction=", "user="

/* Their help lines are STORE_OPTS_ZH / STORE_OPTS_EN in main.c. */

/*
 * Open the store named by --db and find the jurisdiction of
 * --jurisdiction; with `create`, make the file and the jurisdiction
 * (display name --name when the command has it) when missing. Prints the
 * error and returns its exit code, or 0 with *st (close with
 * kh_store_close) and *jid set.
 */
int cli_store_open(const struct cli_args *a, int create, struct kh_store **st, int64_t *jid);

/* Who acts: --user, else $KAOHE_USER, else $USER, else "unknown"; via
 * "cli"; as the assessment office. */
void cli_store_actor(const struct cli_args *a, struct kh_actor *who);

/* The progress callback of imports: a bar on stderr, redrawn when the
 * percentage changes; `user` is a struct cli_progress. */
struct cli_progress {
    const char *label;
    int shown;    /* percentage drawn last, -1 before the first */
    int terminal; /* draw only when stderr is a terminal */
};
void cli_progress_init(struct cli_progress *p, const char *label);
void cli_progress_draw(void *user, size_t done, size_t total);
/* Erase the bar (if one was drawn). */
void cli_progress_end(struct cli_progress *p);

/* The entry points (cmd_init, cmd_import, cmd_publish, cmd_snapshot,
 * cmd_diff, cmd_audit, cmd_lock, cmd_unlock) are declared in cli.h with the
 * others, for the command table in main.c. */

/* --version N of a store command into *version (0 when not given: the
 * latest); 0, or the usage error's exit code, having said why. */
int cli_store_version(const struct cli_args *a, int *version);

/* `kaohe score --db`: score scheme a->pos[0] from the store (cli_score.c
 * calls it when --db is given). On success *s, *ds, *r are set (free with
 * cli_run_free); otherwise the error was printed and the exit code is
 * returned. */
int cli_store_score(const struct cli_args *a, struct kh_scheme **s, struct kh_dataset **ds,
                    struct kh_result **r);

#endif
