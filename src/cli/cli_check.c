/*
 * cli_check.c — `kaohe check`: validate a scheme file and summarise it (the
 * indicator tree with points per category), printing warnings. Exit code 2
 * and a file:line:col message when the scheme is wrong.
 */
#include <stdio.h>

#include "cli.h"

int cmd_check(int argc, char **argv)
{
    static const char *const spec[] = {NULL};
    struct cli_args a;
    struct kh_scheme *s;
    struct kh_buf out;
    int rc, i, c, nc;

    if ((rc = cli_parse(&a, "check", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("check"), stdout);
        return EXIT_OK;
    }
    if (a.npos != 1)
        return cli_usage("check", "需要一个方案文件 expected one scheme file");
    if ((rc = cli_load_scheme(a.pos[0], &s)))
        return rc;
    kh_buf_init(&out, 0);
    nc = kh_scheme_category_count(s);
    kh_buf_printf(&out, "%s: 通过 ok — %s (%s%s%s)\n", a.pos[0], kh_scheme_name(s),
                  kh_scheme_id(s), kh_scheme_version(s)[0] ? " " : "", kh_scheme_version(s));
    kh_buf_puts(&out, "指标 indicators:");
    for (c = 0; c < nc; c++)
        kh_buf_printf(&out, "  [%s]", kh_scheme_category_id(s, c));
    kh_buf_putc(&out, '\n');
    for (i = 0; i < kh_scheme_node_count(s); i++) {
        int d;
        for (d = 0; d < kh_scheme_node_depth(s, i); d++)
            kh_buf_puts(&out, "  ");
        kh_buf_printf(&out, "%s %s:", kh_scheme_node_id(s, i), kh_scheme_node_name(s, i));
        for (c = 0; c < nc; c++) {
            double w = kh_scheme_node_points(s, i, c);
            if (w != w)
                kh_buf_puts(&out, "  —");
            else
                kh_buf_printf(&out, "  %g", w);
        }
        kh_buf_putc(&out, '\n');
    }
    rc = cli_write(&out);
    kh_buf_free(&out);
    for (i = 0; i < kh_scheme_warning_count(s); i++)
        fprintf(stderr, "kaohe: 警告 warning: %s\n", kh_scheme_warning(s, i));
    kh_scheme_free(s);
    return rc;
}
