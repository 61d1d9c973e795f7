/*
 * cli_diff.c — `kaohe diff A B [--json]`: between two published snapshots,
 * which units' scores, ranks and tiers changed (node by node), which input
 * records changed (old → new, by whom, from which file and row), and for
 * each changed unit whether its own inputs changed or it moved through
 * other units' changes under relative rules (kh_store_diff).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli_store.h"

/* Parse a snapshot number; 0 when it is not one. */
static long long snapshot_number(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    return *end || v < 1 ? 0 : v;
}

/* `kaohe diff A B [--json]`; see the command table in main.c. */
int cmd_diff(int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "json", NULL};
    struct kh_store *st;
    struct cli_args a;
    struct kh_err err;
    struct kh_buf out;
    long long x, y;
    int64_t jid;
    int rc;

    if ((rc = cli_parse(&a, "diff", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("diff"), stdout);
        return EXIT_OK;
    }
    if (a.npos != 2)
        return cli_usage("diff", "需要两个快照编号 expected two snapshot numbers (kaohe snapshot "
                                 "lists them)");
    if (!(x = snapshot_number(a.pos[0])) || !(y = snapshot_number(a.pos[1])))
        return cli_usage("diff", "快照编号是正整数 snapshot numbers are 1, 2 …");
    if ((rc = cli_store_open(&a, 0, &st, &jid)))
        return rc;
    kh_err_clear(&err);
    kh_buf_init(&out, 0);
    rc = kh_store_diff(st, jid, x, y, cli_flag(&a, "json"), &out, &err);
    kh_store_close(st);
    rc = rc ? cli_fail(&err) : cli_write(&out);
    kh_buf_free(&out);
    return rc;
}
