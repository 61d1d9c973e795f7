/*
 * cli_firsts.c — `kaohe firsts`: every first place per indicator within
 * each category and each peer-group tag ("全市第一", "中心城区第一"), and
 * with --since the current streak of consecutive first places
 * ("连续12个月位居中心城区第一").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_store.h"
#include "kaohe/period.h"

/* Score every period of p's kind from `since` up to (not including) p. */
static int score_history(const struct kh_scheme *s, const struct kh_dataset *ds,
                         const char *since, const char *period, struct kh_result ***hist,
                         int *nhist)
{
    struct kh_period p0, p, q;
    struct kh_err err;
    int n = 0, k;
    char txt[KH_PERIOD_TEXT];

    *hist = NULL;
    *nhist = 0;
    if (kh_period_parse(since, &p0) || kh_period_parse(period, &p))
        return cli_usage("firsts", "--since and --period: expected periods like 2024-01");
    if (p0.kind != p.kind || kh_period_cmp(&p0, &p) > 0)
        return cli_usage("firsts", "--since must be a period of the same kind, not after "
                                   "--period");
    for (q = p; kh_period_cmp(&q, &p0) > 0; q = kh_period_prev(&q))
        n++;
    if (n > 240)
        return cli_usage("firsts", "--since: at most 240 periods");
    *hist = calloc((size_t)n + 1, sizeof(struct kh_result *));
    if (!*hist)
        return EXIT_INTERNAL;
    q = p;
    for (k = n - 1; k >= 0; k--) {
        q = kh_period_prev(&q);
        kh_err_clear(&err);
        if (kh_score(s, ds, kh_period_format(&q, txt), &(*hist)[k], &err) != KH_OK) {
            for (k = 0; k < n; k++)
                kh_result_free((*hist)[k]);
            free(*hist);
            *hist = NULL;
            return cli_fail(&err);
        }
    }
    *nhist = n;
    return 0;
}

int cmd_firsts(int argc, char **argv)
{
    static const char *const spec[] = {"data=", "period=", "since=", "format=", "version=", CLI_STORE_SPEC, NULL};
    struct cli_args a;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r, **hist = NULL;
    struct kh_first *f = NULL;
    struct kh_buf out;
    size_t n = 0, i;
    int rc, fmt, nhist = 0, k;
    const char *since;

    if ((rc = cli_parse(&a, "firsts", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("firsts"), stdout);
        return EXIT_OK;
    }
    if ((rc = cli_format(&a, &fmt)))
        return rc;
    if ((rc = cli_run_score(&a, &s, &ds, &r)))
        return rc;
    if ((since = cli_opt(&a, "since", NULL)) &&
        (rc = score_history(s, ds, since, cli_opt(&a, "period", ""), &hist, &nhist)))
        goto out;
    if (kh_result_firsts(r, &f, &n) != KH_OK) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (hist) {
        /* The current period closes the series. */
        struct kh_result **all = realloc(hist, sizeof(*hist) * (size_t)(nhist + 1));
        if (!all) {
            rc = EXIT_INTERNAL;
            goto out;
        }
        hist = all;
        hist[nhist] = r;
    }
    kh_buf_init(&out, 0);
    if (fmt == FMT_CSV)
        kh_buf_puts(&out, "period,node,name,scope,scope_kind,unit,unit_name,basis,value,tied"
                          ",streak\r\n");
    else if (fmt == FMT_JSON)
        kh_buf_puts(&out, "[");
    else
        kh_buf_printf(&out, "%s · %s · 第一名 firsts\n", kh_scheme_name(s), kh_result_period(r));
    {
        const char **cells = calloc((n + 1) * 8, sizeof(char *));
        char (*txt)[160] = calloc((n + 1) * 8, 160);
        static const int right[8] = {0, 0, 0, 0, 0, 1, 1, 1};
        static const char *const head[8] = {"指标", "名称", "范围", "单位", "单位名称",
                                            "数值", "并列", "连续"};
        if (!cells || !txt) {
            free(cells);
            free(txt);
            kh_buf_free(&out);
            rc = EXIT_INTERNAL;
            goto out;
        }
        for (k = 0; k < 8; k++)
            cells[k] = head[k];
        for (i = 0; i < n; i++) {
            const struct kh_first *x = &f[i];
            const struct kh_unit *un = &ds->units[x->unit];
            int streak = hist ? kh_streak((const struct kh_result *const *)hist, nhist + 1,
                                          x->unit, x->node, x->scope_is_tag ? x->scope : NULL)
                              : 1;
            char val[64];
            if (x->by_value) /* the value as filed */
                snprintf(val, sizeof(val), "%.15g", x->value);
            else /* a score, as published */
                snprintf(val, sizeof(val), "%.*f", kh_scheme_decimals(s),
                         kh_round(x->value, kh_scheme_decimals(s)));
            if (fmt == FMT_CSV) {
                kh_buf_csv_field(&out, kh_result_period(r));
                kh_buf_putc(&out, ',');
                kh_buf_csv_field(&out, kh_scheme_node_id(s, x->node));
                kh_buf_putc(&out, ',');
                kh_buf_csv_field(&out, kh_scheme_node_name(s, x->node));
                kh_buf_putc(&out, ',');
                kh_buf_csv_field(&out, x->scope);
                kh_buf_printf(&out, ",%s,", x->scope_is_tag ? "tag" : "category");
                kh_buf_csv_field(&out, un->id);
                kh_buf_putc(&out, ',');
                kh_buf_csv_field(&out, un->name ? un->name : "");
                kh_buf_printf(&out, ",%s,%s,%d,%d\r\n", x->by_value ? "value" : "score", val,
                              x->tied, streak);
            } else if (fmt == FMT_JSON) {
                kh_buf_puts(&out, i ? ",\n{\"node\":" : "\n{\"node\":");
                kh_buf_json_str(&out, kh_scheme_node_id(s, x->node));
                kh_buf_puts(&out, ",\"scope\":");
                kh_buf_json_str(&out, x->scope);
                kh_buf_printf(&out, ",\"scope_kind\":\"%s\",\"unit\":",
                              x->scope_is_tag ? "tag" : "category");
                kh_buf_json_str(&out, un->id);
                kh_buf_printf(&out, ",\"basis\":\"%s\",\"value\":%s,\"tied\":%d,\"streak\":%d}",
                              x->by_value ? "value" : "score", val, x->tied, streak);
            } else {
                const char **row = cells + (i + 1) * 8;
                char (*t)[160] = txt + (i + 1) * 8;
                row[0] = kh_scheme_node_id(s, x->node);
                row[1] = kh_scheme_node_name(s, x->node);
                snprintf(t[2], 160, "%s%s", x->scope_is_tag ? "#" : "", x->scope);
                row[2] = t[2];
                row[3] = un->id;
                row[4] = un->name ? un->name : "";
                snprintf(t[5], 160, "%s", val);
                row[5] = t[5];
                snprintf(t[6], 160, "%d", x->tied);
                row[6] = x->tied > 1 ? t[6] : "";
                snprintf(t[7], 160, "%d", streak);
                row[7] = hist ? t[7] : "";
            }
        }
        if (fmt == FMT_TABLE)
            cli_table(&out, cells, (int)n + 1, 8, right);
        free(cells);
        free(txt);
    }
    if (fmt == FMT_JSON)
        kh_buf_puts(&out, "\n]\n");
    rc = cli_write(&out);
    kh_buf_free(&out);
out:
    free(f);
    if (hist) {
        for (k = 0; k < nhist; k++)
            kh_result_free(hist[k]);
        free(hist);
    }
    cli_run_free(s, ds, r);
    return rc;
}
