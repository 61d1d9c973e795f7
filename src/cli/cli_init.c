/*
 * cli_init.c — `kaohe init`: create the store (a SQLite file, schema
 * migrated to the current version) and a jurisdiction in it. Running it
 * again on an existing store is harmless; with another --jurisdiction it
 * adds that jurisdiction to the same file.
 */
#include <stdio.h>

#include "cli_store.h"

/* `kaohe init [--db FILE] [--jurisdiction J] [--name NAME]`. */
int cmd_init(int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "name=", NULL};
    struct cli_args a;
    struct kh_store *st;
    int64_t jid;
    int rc;

    if ((rc = cli_parse(&a, "init", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("init"), stdout);
        return EXIT_OK;
    }
    if (a.npos)
        return cli_usage("init", "init 不接受位置参数 takes no arguments (got '%s')", a.pos[0]);
    if ((rc = cli_store_open(&a, 1, &st, &jid)))
        return rc;
    printf("数据库 store %s (schema v%d) · 辖区 jurisdiction %s\n",
           cli_opt(&a, "db", CLI_DEFAULT_DB), kh_store_schema_version(st),
           cli_opt(&a, "jurisdiction", CLI_DEFAULT_JURISDICTION));
    kh_store_close(st);
    return fflush(stdout) ? EXIT_IO : EXIT_OK;
}
