/*
 * cli_lock.c — `kaohe lock PERIOD` and `kaohe unlock PERIOD --reason R`:
 * close a period so that no value, target or event of it (or of a period
 * inside it) changes, and reopen it with a reason for the audit log
 * (kh_store_period_lock).
 */
#include <stdio.h>

#include "cli_store.h"

/* Lock (lock != 0) or unlock the period named on the command line. */
static int lock_command(const char *cmd, int lock, int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "reason=", NULL};
    struct kh_actor who;
    struct kh_store *st;
    struct cli_args a;
    struct kh_err err;
    int64_t jid;
    int rc;

    if ((rc = cli_parse(&a, cmd, spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find(cmd), stdout);
        return EXIT_OK;
    }
    if (a.npos != 1)
        return cli_usage(cmd, "需要一个期间 expected one period (2024, 2024H1, 2024Q3, 2024-07)");
    if (!lock && !cli_opt(&a, "reason", NULL))
        return cli_usage(cmd, "解锁需要 --reason 原因 unlocking needs --reason");
    if ((rc = cli_store_open(&a, 0, &st, &jid)))
        return rc;
    cli_store_actor(&a, &who);
    kh_err_clear(&err);
    rc = kh_store_period_lock(st, jid, a.pos[0], lock, cli_opt(&a, "reason", NULL), &who, &err);
    kh_store_close(st);
    if (rc)
        return cli_fail(&err);
    printf("%s %s\n", lock ? "已锁定 locked" : "已解锁 unlocked", a.pos[0]);
    return fflush(stdout) ? EXIT_IO : EXIT_OK;
}

int cmd_lock(int argc, char **argv)
{
    return lock_command("lock", 1, argc, argv);
}

int cmd_unlock(int argc, char **argv)
{
    return lock_command("unlock", 0, argc, argv);
}
