/*
 * cli_score.c — `kaohe score`: every unit's scores, total, rank and tier
 * for one period, as aligned league tables (one per category; CJK-aware;
 * drawn by cli_league.c, which `kaohe demo` shares), CSV (every node,
 * RFC 4180) or JSON. With --db the scheme (by id) and the data come from
 * the store (cli_store_score) instead of a scheme file and a data folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kaohe/report.h"
#include "cli_store.h"

static void json_num(struct kh_buf *out, double v, int dec)
{
    if (v != v)
        kh_buf_puts(out, "null");
    else
        kh_buf_printf(out, "%.*f", dec, kh_round(v, dec));
}

static void score_json(struct kh_buf *out, const struct kh_scheme *s, const struct kh_dataset *ds,
                       const struct kh_result *r, const struct kh_report_row *o, int only_cat)
{
    int nn = kh_scheme_node_count(s), dec = kh_scheme_decimals(s), i, k, first = 1;

    kh_buf_puts(out, "{\"scheme\":");
    kh_buf_json_str(out, kh_scheme_id(s));
    kh_buf_puts(out, ",\"name\":");
    kh_buf_json_str(out, kh_scheme_name(s));
    kh_buf_puts(out, ",\"period\":");
    kh_buf_json_str(out, kh_result_period(r));
    kh_buf_printf(out, ",\"decimals\":%d,\"nodes\":[", dec);
    for (k = 0; k < nn; k++) {
        kh_buf_puts(out, k ? ",{\"id\":" : "{\"id\":");
        kh_buf_json_str(out, kh_scheme_node_id(s, k));
        kh_buf_puts(out, ",\"name\":");
        kh_buf_json_str(out, kh_scheme_node_name(s, k));
        kh_buf_printf(out, ",\"depth\":%d,\"parent\":", kh_scheme_node_depth(s, k));
        if (kh_scheme_node_parent(s, k) >= 0)
            kh_buf_json_str(out, kh_scheme_node_id(s, kh_scheme_node_parent(s, k)));
        else
            kh_buf_puts(out, "null");
        kh_buf_putc(out, '}');
    }
    kh_buf_puts(out, "],\"units\":[");
    for (i = 0; i < ds->nunits; i++) {
        int u = o[i].unit, v;
        if (only_cat >= 0 && o[i].cat != only_cat)
            continue;
        kh_buf_puts(out, first ? "\n{\"id\":" : ",\n{\"id\":");
        first = 0;
        kh_buf_json_str(out, ds->units[u].id);
        kh_buf_puts(out, ",\"name\":");
        kh_buf_json_str(out, ds->units[u].name ? ds->units[u].name : "");
        kh_buf_puts(out, ",\"category\":");
        kh_buf_json_str(out, kh_scheme_category_id(s, o[i].cat));
        kh_buf_puts(out, ",\"total\":");
        json_num(out, kh_result_score(r, u, 0), dec);
        if (kh_result_rank(r, u))
            kh_buf_printf(out, ",\"rank\":%d,\"rank_of\":%d", kh_result_rank(r, u),
                          kh_result_rank_size(r, u));
        else
            kh_buf_puts(out, ",\"rank\":null,\"rank_of\":null");
        kh_buf_puts(out, ",\"tier\":");
        if (kh_result_tier(r, u) >= 0)
            kh_buf_json_str(out, kh_result_tier_name(r, u));
        else
            kh_buf_puts(out, "null");
        kh_buf_puts(out, ",\"vetoes\":[");
        for (v = 0; v < kh_result_veto_count(r, u); v++) {
            if (v)
                kh_buf_putc(out, ',');
            kh_buf_json_str(out, kh_result_veto_name(r, u, v));
        }
        kh_buf_printf(out, "],\"honours_eligible\":%s,\"scores\":{",
                      kh_result_honours_eligible(r, u) ? "true" : "false");
        for (k = 1; k < nn; k++) {
            if (k > 1)
                kh_buf_putc(out, ',');
            kh_buf_json_str(out, kh_scheme_node_id(s, k));
            kh_buf_putc(out, ':');
            json_num(out, kh_result_score(r, u, k), dec);
        }
        kh_buf_puts(out, "}}");
    }
    kh_buf_puts(out, "\n]}\n");
}

int cmd_score(int argc, char **argv)
{
    static const char *const spec[] = {
        "data=", "period=", "format=", "depth=", "category=", CLI_STORE_SPEC, "version=", NULL};
    struct cli_args a;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    struct kh_buf out;
    struct kh_report_row *o;
    int rc, fmt, depth = 1, only = -1;
    const char *v;

    if ((rc = cli_parse(&a, "score", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("score"), stdout);
        return EXIT_OK;
    }
    if ((rc = cli_format(&a, &fmt)))
        return rc;
    if ((v = cli_opt(&a, "depth", NULL))) {
        char *end;
        long d = strtol(v, &end, 10);
        if (*end || d < 1 || d > 50)
            return cli_usage("score", "--depth: expected a level from 1 to 50");
        depth = (int)d;
    }
    if (cli_opt(&a, "db", NULL) && cli_opt(&a, "data", NULL))
        return cli_usage("score", "--db 与 --data 只能选一个 give either --db or --data");
    rc =
        cli_opt(&a, "db", NULL) ? cli_store_score(&a, &s, &ds, &r) : cli_run_score(&a, &s, &ds, &r);
    if (rc)
        return rc;
    if ((v = cli_opt(&a, "category", NULL))) {
        for (only = 0; only < kh_scheme_category_count(s); only++)
            if (strcmp(kh_scheme_category_id(s, only), v) == 0 ||
                strcmp(kh_scheme_category_name(s, only), v) == 0)
                break;
        if (only == kh_scheme_category_count(s)) {
            cli_run_free(s, ds, r);
            return cli_usage("score", "--category: no category '%s' in the scheme", v);
        }
    }
    o = kh_report_order(ds, r);
    if (!o) {
        cli_run_free(s, ds, r);
        return EXIT_INTERNAL;
    }
    kh_buf_init(&out, 0);
    if (fmt == FMT_CSV) {
        /* the exported table's CSV, no BOM, written as it is made */
        rc = kh_report_score_csv_stream(s, ds, r, only, 0, cli_write_block, NULL);
        if (rc == KH_OK && fflush(stdout))
            rc = EXIT_IO;
        else if (rc < 0) {
            fprintf(stderr, "kaohe: out of memory\n");
            rc = EXIT_INTERNAL;
        }
    } else {
        if (fmt == FMT_TABLE)
            cli_league_table(&out, s, ds, r, o, depth, only);
        else
            score_json(&out, s, ds, r, o, only);
        rc = cli_write(&out);
    }
    kh_buf_free(&out);
    free(o);
    cli_run_free(s, ds, r);
    return rc;
}
