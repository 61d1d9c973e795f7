/*
 * cli_audit.c — `kaohe audit [--limit N]`: the append-only audit log of a
 * jurisdiction, oldest first, one change a line: when · who (channel) ·
 * what: old → new (kh_store_audit).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli_store.h"

/* `kaohe audit [--limit N]`; see the command table in main.c. */
int cmd_audit(int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "limit=", NULL};
    struct kh_store *st;
    struct cli_args a;
    struct kh_err err;
    struct kh_buf out;
    const char *v;
    long limit = 0;
    int64_t jid;
    int rc;

    if ((rc = cli_parse(&a, "audit", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("audit"), stdout);
        return EXIT_OK;
    }
    if (a.npos)
        return cli_usage("audit", "unexpected argument '%s'", a.pos[0]);
    if ((v = cli_opt(&a, "limit", NULL))) {
        char *end;
        limit = strtol(v, &end, 10);
        if (*end || limit < 1)
            return cli_usage("audit", "--limit: expected a number of entries (1 or more)");
    }
    if ((rc = cli_store_open(&a, 0, &st, &jid)))
        return rc;
    kh_err_clear(&err);
    kh_buf_init(&out, 0);
    rc = kh_store_audit(st, jid, (size_t)limit, &out, &err);
    kh_store_close(st);
    rc = rc ? cli_fail(&err) : cli_write(&out);
    kh_buf_free(&out);
    return rc;
}
