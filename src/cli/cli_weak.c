/*
 * cli_weak.c — `kaohe weak`: a unit's weak points (找出薄弱点): the leaf
 * indicators where it loses the most points, with the group's mean.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_store.h"

int cmd_weak(int argc, char **argv)
{
    static const char *const spec[] = {"data=", "period=", "unit=", "top=", "format=", "version=", CLI_STORE_SPEC, NULL};
    struct cli_args a;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    struct kh_buf out;
    struct kh_weak *w = NULL;
    int rc, u, n, i, fmt, top = 5, dec;
    const char *unit, *v;

    if ((rc = cli_parse(&a, "weak", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("weak"), stdout);
        return EXIT_OK;
    }
    if ((rc = cli_format(&a, &fmt)))
        return rc;
    if (!(unit = cli_opt(&a, "unit", NULL)))
        return cli_usage("weak", "需要 --unit 单位 missing --unit");
    if ((v = cli_opt(&a, "top", NULL))) {
        char *end;
        long t = strtol(v, &end, 10);
        if (*end || t < 1 || t > 1000)
            return cli_usage("weak", "--top: expected a number from 1 to 1000");
        top = (int)t;
    }
    if ((rc = cli_run_score(&a, &s, &ds, &r)))
        return rc;
    rc = EXIT_INPUT;
    if ((u = cli_unit(ds, unit)) < 0)
        goto out;
    w = calloc((size_t)top, sizeof(*w));
    if (!w) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    n = kh_result_weak(r, u, w, top);
    dec = kh_scheme_decimals(s);
    kh_buf_init(&out, 0);
    if (fmt == FMT_JSON) {
        kh_buf_puts(&out, "{\"unit\":");
        kh_buf_json_str(&out, ds->units[u].id);
        kh_buf_puts(&out, ",\"period\":");
        kh_buf_json_str(&out, kh_result_period(r));
        kh_buf_puts(&out, ",\"weak\":[");
        for (i = 0; i < n; i++) {
            kh_buf_puts(&out, i ? ",{\"node\":" : "{\"node\":");
            kh_buf_json_str(&out, kh_scheme_node_id(s, w[i].node));
            kh_buf_puts(&out, ",\"name\":");
            kh_buf_json_str(&out, kh_scheme_node_name(s, w[i].node));
            kh_buf_printf(&out, ",\"score\":%.*f,\"full\":%.*f,\"loss\":%.*f,\"group_mean\":%.*f,"
                                "\"gap\":%.*f}",
                          dec, kh_round(w[i].score, dec), dec, kh_round(w[i].full, dec), dec,
                          kh_round(w[i].loss, dec), dec, kh_round(w[i].group_mean, dec), dec,
                          kh_round(w[i].gap, dec));
        }
        kh_buf_puts(&out, "]}\n");
    } else if (fmt == FMT_CSV) {
        kh_buf_puts(&out, "unit,node,name,score,full,loss,group_mean,gap\r\n");
        for (i = 0; i < n; i++) {
            kh_buf_csv_field(&out, ds->units[u].id);
            kh_buf_putc(&out, ',');
            kh_buf_csv_field(&out, kh_scheme_node_id(s, w[i].node));
            kh_buf_putc(&out, ',');
            kh_buf_csv_field(&out, kh_scheme_node_name(s, w[i].node));
            kh_buf_printf(&out, ",%.*f,%.*f,%.*f,%.*f,%.*f\r\n", dec, kh_round(w[i].score, dec),
                          dec, kh_round(w[i].full, dec), dec, kh_round(w[i].loss, dec), dec,
                          kh_round(w[i].group_mean, dec), dec, kh_round(w[i].gap, dec));
        }
    } else {
        const char **cells = calloc((size_t)(n + 1) * 7, sizeof(char *));
        char (*txt)[64] = calloc((size_t)(n + 1) * 7, 64);
        static const int right[7] = {0, 0, 1, 1, 1, 1, 1};
        static const char *const head[7] = {"指标", "名称", "得分", "分值", "失分",
                                            "同类平均", "低于平均"};
        if (!cells || !txt) {
            free(cells);
            free(txt);
            rc = EXIT_INTERNAL;
            kh_buf_free(&out);
            goto out;
        }
        kh_buf_printf(&out, "%s %s · %s · 薄弱点 weak points\n", ds->units[u].id,
                      ds->units[u].name ? ds->units[u].name : "", kh_result_period(r));
        for (i = 0; i < 7; i++)
            cells[i] = head[i];
        for (i = 0; i < n; i++) {
            const char **row = cells + (i + 1) * 7;
            char (*t)[64] = txt + (i + 1) * 7;
            row[0] = kh_scheme_node_id(s, w[i].node);
            row[1] = kh_scheme_node_name(s, w[i].node);
            snprintf(t[2], 64, "%.*f", dec, kh_round(w[i].score, dec));
            snprintf(t[3], 64, "%.*f", dec, kh_round(w[i].full, dec));
            snprintf(t[4], 64, "%.*f", dec, kh_round(w[i].loss, dec));
            snprintf(t[5], 64, "%.*f", dec, kh_round(w[i].group_mean, dec));
            snprintf(t[6], 64, "%.*f", dec, kh_round(w[i].gap, dec));
            row[2] = t[2];
            row[3] = t[3];
            row[4] = t[4];
            row[5] = t[5];
            row[6] = t[6];
        }
        if (n)
            cli_table(&out, cells, n + 1, 7, right);
        else
            kh_buf_puts(&out, "没有失分的指标 no indicator loses points\n");
        free(cells);
        free(txt);
    }
    rc = cli_write(&out);
    kh_buf_free(&out);
out:
    free(w);
    cli_run_free(s, ds, r);
    return rc;
}
