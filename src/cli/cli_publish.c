/*
 * cli_publish.c — `kaohe publish SCHEME_ID --period P [--version N]`: score
 * from the store (the scheme's latest version, or version N) and freeze the run as an immutable snapshot with its SHA-256
 * (kh_store_publish); and `kaohe snapshot`: list the snapshots of a
 * jurisdiction, or re-score one from its frozen records and check that its
 * hash comes out again (--verify ID).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_store.h"

/* `kaohe publish SCHEME_ID --period P`; see the command table in main.c. */
int cmd_publish(int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "period=", "version=", NULL};
    struct kh_snapshot_info info;
    struct kh_actor who;
    struct kh_store *st;
    struct cli_args a;
    struct kh_err err;
    const char *period;
    int64_t jid;
    int version, rc;

    if ((rc = cli_parse(&a, "publish", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("publish"), stdout);
        return EXIT_OK;
    }
    if (a.npos != 1)
        return cli_usage("publish", "需要一个方案编码 expected one scheme id");
    if (!(period = cli_opt(&a, "period", NULL)))
        return cli_usage("publish", "需要 --period 期间 missing --period (e.g. 2024)");
    if ((rc = cli_store_version(&a, &version)) || (rc = cli_store_open(&a, 0, &st, &jid)))
        return rc;
    cli_store_actor(&a, &who);
    kh_err_clear(&err);
    rc = kh_store_publish(st, jid, a.pos[0], version, period, &who, &info, &err);
    kh_store_close(st);
    if (rc)
        return cli_fail(&err);
    printf("快照 snapshot %lld\n哈希 sha256 %s\n方案 scheme %s v%d · 期间 period %s\n",
           (long long)info.id, info.hash, info.scheme_id, info.scheme_version, info.period);
    return fflush(stdout) ? EXIT_IO : EXIT_OK;
}

/* `kaohe snapshot [--verify ID]`; see the command table in main.c. */
int cmd_snapshot(int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "verify=", NULL};
    struct kh_snapshot_info *list = NULL;
    struct kh_store *st;
    struct cli_args a;
    struct kh_err err;
    const char *v;
    int64_t jid;
    size_t n, i;
    int rc;

    if ((rc = cli_parse(&a, "snapshot", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("snapshot"), stdout);
        return EXIT_OK;
    }
    if (a.npos)
        return cli_usage("snapshot", "unexpected argument '%s'", a.pos[0]);
    if ((rc = cli_store_open(&a, 0, &st, &jid)))
        return rc;
    kh_err_clear(&err);
    if ((v = cli_opt(&a, "verify", NULL))) {
        char *end;
        long long id = strtoll(v, &end, 10);
        struct kh_snapshot_info info;
        if (*end || id < 1) {
            kh_store_close(st);
            return cli_usage("snapshot", "--verify: expected a snapshot number");
        }
        rc = kh_store_snapshot(st, jid, id, &info, &err);
        if (!rc)
            rc = kh_store_snapshot_verify(st, jid, id, &err);
        kh_store_close(st);
        if (rc)
            return cli_fail(&err);
        printf("快照 snapshot %lld 可复现 reproduces: sha256 %s\n", id, info.hash);
        return fflush(stdout) ? EXIT_IO : EXIT_OK;
    }
    rc = kh_store_snapshot_list(st, jid, &list, &n, &err);
    kh_store_close(st);
    if (rc)
        return cli_fail(&err);
    for (i = 0; i < n; i++)
        printf("%lld  %s v%d  %s  sha256 %.16s…  %s  %s\n", (long long)list[i].id,
               list[i].scheme_id, list[i].scheme_version, list[i].period, list[i].hash,
               list[i].published_at, list[i].published_by);
    if (!n)
        printf("(还没有快照 no snapshots yet: kaohe publish SCHEME_ID --period P)\n");
    free(list);
    return fflush(stdout) ? EXIT_IO : EXIT_OK;
}
