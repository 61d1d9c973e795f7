/*
 * cli_explain.c — `kaohe explain`: the trace of one unit's score on one
 * indicator (or its total), as kh_explain() writes it.
 */
#include <stdio.h>

#include "cli.h"
#include "cli_store.h"

int cmd_explain(int argc, char **argv)
{
    static const char *const spec[] = {"data=", "period=", "unit=", "node=", "version=", CLI_STORE_SPEC, NULL};
    struct cli_args a;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    struct kh_buf out;
    struct kh_err err;
    int rc, u, node = 0;
    const char *unit, *nodename;

    if ((rc = cli_parse(&a, "explain", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("explain"), stdout);
        return EXIT_OK;
    }
    if (!(unit = cli_opt(&a, "unit", NULL)))
        return cli_usage("explain", "需要 --unit 单位 missing --unit");
    if ((rc = cli_run_score(&a, &s, &ds, &r)))
        return rc;
    rc = EXIT_INPUT;
    if ((u = cli_unit(ds, unit)) < 0)
        goto out;
    if ((nodename = cli_opt(&a, "node", NULL)) && (node = cli_node(s, nodename)) < 0)
        goto out;
    kh_buf_init(&out, 0);
    kh_err_clear(&err);
    if (kh_explain(r, u, node, &out, &err) != KH_OK)
        rc = cli_fail(&err);
    else
        rc = cli_write(&out);
    kh_buf_free(&out);
out:
    cli_run_free(s, ds, r);
    return rc;
}
