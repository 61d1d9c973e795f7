/*
 * cli_store.c — helpers of the store commands (cli_store.h): opening the
 * store from --db and --jurisdiction, who acts, the import progress bar,
 * and scoring from the store for `kaohe score --db`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_store.h"

int cli_store_open(const struct cli_args *a, int create, struct kh_store **st, int64_t *jid)
{
    const char *db = cli_opt(a, "db", CLI_DEFAULT_DB);
    const char *code = cli_opt(a, "jurisdiction", CLI_DEFAULT_JURISDICTION);
    struct kh_err err;
    int rc;

    *st = NULL;
    *jid = 0;
    kh_err_clear(&err);
    if (!db[0])
        return cli_usage(a->cmd, "--db: 需要文件名 needs a file name");
    if (kh_store_open(db, create, st, &err) != KH_OK)
        return cli_fail(&err);
    if (kh_store_jurisdiction(*st, code, cli_opt(a, "name", NULL), create, jid, &err) != KH_OK) {
        rc = cli_fail(&err);
        kh_store_close(*st);
        *st = NULL;
        return rc;
    }
    return 0;
}

void cli_store_actor(const struct cli_args *a, struct kh_actor *who)
{
    const char *u = cli_opt(a, "user", NULL);

    if (!u || !u[0])
        u = getenv("KAOHE_USER");
    if (!u || !u[0])
        u = getenv("USER");
    if (!u || !u[0])
        u = "unknown";
    who->user = u;
    who->via = "cli";
    who->office = 1;
}

void cli_progress_init(struct cli_progress *p, const char *label)
{
    p->label = label;
    p->shown = -1;
    p->terminal = isatty(STDERR_FILENO);
}

void cli_progress_draw(void *user, size_t done, size_t total)
{
    struct cli_progress *p = user;
    char bar[41];
    int pct, fill, i;

    if (!p->terminal || total == 0)
        return;
    pct = (int)(done >= total ? 100 : done * 100 / total);
    if (pct == p->shown)
        return;
    p->shown = pct;
    fill = pct * 40 / 100;
    for (i = 0; i < 40; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[40] = 0;
    fprintf(stderr, "\r%s [%s] %3d%% %zu/%zu", p->label, bar, pct, done, total);
    fflush(stderr);
}

void cli_progress_end(struct cli_progress *p)
{
    if (p->terminal && p->shown >= 0) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
    p->shown = -1;
}

int cli_store_version(const struct cli_args *a, int *version)
{
    const char *v = cli_opt(a, "version", NULL);
    char *end;
    long n;

    *version = 0;
    if (!v)
        return 0;
    n = strtol(v, &end, 10);
    if (*end || n < 1 || n > 1000000)
        return cli_usage(a->cmd, "--version: expected a version number (1, 2 …)");
    *version = (int)n;
    return 0;
}

int cli_store_score(const struct cli_args *a, struct kh_scheme **s, struct kh_dataset **ds,
                    struct kh_result **r)
{
    const char *period = cli_opt(a, "period", NULL);
    struct kh_store *st;
    struct kh_err err;
    int64_t jid;
    int version, rc;

    *s = NULL;
    *ds = NULL;
    *r = NULL;
    if (a->npos != 1)
        return cli_usage(a->cmd, "需要一个方案编码 expected one scheme id (the id: inside the "
                                 "scheme; kaohe import SCHEME.yaml stores it)");
    if (!period)
        return cli_usage(a->cmd, "需要 --period 期间 missing --period (e.g. 2024, 2024-07)");
    if ((rc = cli_store_version(a, &version)) || (rc = cli_store_open(a, 0, &st, &jid)))
        return rc;
    kh_err_clear(&err);
    rc = kh_store_score(st, jid, a->pos[0], version, period, s, ds, r, &err);
    kh_store_close(st);
    return rc ? cli_fail(&err) : 0;
}
