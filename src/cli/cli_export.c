/*
 * cli_export.c — `kaohe export`: the official score table as an Excel
 * workbook (XLSX) or CSV, and `kaohe export template`: a data-entry
 * template for a data department. The work is done by the library
 * (kaohe/report.h); this file reads the options, loads the scheme and the
 * data, and reports what was written. Files are replaced atomically.
 * docs/export.md is the user's guide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "kaohe/report.h"

/* Creation time for the file's properties: $SOURCE_DATE_EPOCH when set
 * (reproducible output), else now. */
static long long created_time(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (e && *e) {
        char *end;
        long long v = strtoll(e, &end, 10);
        if (!*end && v > 0)
            return v;
    }
    return (long long)time(NULL);
}

/* Category index by id or name; -1 after printing an error. */
static int find_category(const struct kh_scheme *s, const char *key)
{
    int c;
    for (c = 0; c < kh_scheme_category_count(s); c++)
        if (strcmp(kh_scheme_category_id(s, c), key) == 0 ||
            strcmp(kh_scheme_category_name(s, c), key) == 0)
            return c;
    cli_usage("export", "--category: no category '%s' in the scheme", key);
    return -1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int export_template(const struct cli_args *a)
{
    const char *data = cli_opt(a, "data", NULL), *out = cli_opt(a, "output", NULL);
    struct kh_template_opts o;
    struct kh_report_summary sum;
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds = NULL;
    struct kh_err err;
    const char *v;
    int rc;

    if (a->npos != 2)
        return cli_usage("export", "需要一个方案文件 expected: kaohe export template SCHEME.yaml");
    if (!data)
        return cli_usage("export", "需要 --data 目录 missing --data DIR");
    if (!out)
        return cli_usage("export", "需要 --output 文件.xlsx missing --output FILE.xlsx");
    if (cli_opt(a, "format", NULL) && strcmp(cli_opt(a, "format", NULL), "xlsx") != 0)
        return cli_usage("export", "--format: a template is always xlsx");
    kh_template_opts_init(&o);
    o.period = cli_opt(a, "period", NULL);
    o.inputs = cli_opt(a, "inputs", NULL);
    o.dept = cli_opt(a, "dept", NULL);
    o.fill = cli_flag(a, "fill");
    o.created = created_time();
    if (!o.period)
        return cli_usage("export", "需要 --period 期间 missing --period (e.g. 2024, 2024-07)");
    if (!o.inputs == !o.dept)
        return cli_usage("export", "需要 --inputs 或 --dept 之一 give --inputs ID,ID or --dept "
                                   "DEPARTMENT (one of the two)");
    if ((rc = cli_load_scheme(a->pos[1], &s)))
        return rc;
    if ((rc = cli_load_data(data, &ds))) {
        kh_scheme_free(s);
        return rc;
    }
    if ((v = cli_opt(a, "category", NULL)) && (o.category = find_category(s, v)) < 0) {
        cli_run_free(s, ds, NULL);
        return EXIT_USAGE;
    }
    kh_err_clear(&err);
    rc = kh_report_template_xlsx(s, ds, &o, out, &sum, &err);
    if (rc)
        rc = cli_fail(&err);
    else
        printf("已写出 wrote %s: %d 个单位 units × %d 项数据 inputs\n", out, sum.units,
               sum.columns);
    cli_run_free(s, ds, NULL);
    return rc;
}

static int export_scores(const struct cli_args *a)
{
    const char *out = cli_opt(a, "output", NULL), *fmt = cli_opt(a, "format", NULL), *v;
    struct kh_report_opts o;
    struct kh_report_summary sum;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    struct kh_err err;
    int rc, csv;

    if (!fmt)
        fmt = out && (ends_with(out, ".csv") || ends_with(out, ".CSV")) ? "csv" : "xlsx";
    if (strcmp(fmt, "xlsx") != 0 && strcmp(fmt, "csv") != 0)
        return cli_usage("export", "--format: expected xlsx or csv, got '%s'", fmt);
    csv = fmt[0] == 'c';
    if (!csv && !out)
        return cli_usage("export", "需要 --output 文件.xlsx missing --output FILE.xlsx");
    kh_report_opts_init(&o);
    if ((v = cli_opt(a, "depth", NULL))) {
        char *end;
        long d = strtol(v, &end, 10);
        if (*end || d < 1 || d > 50)
            return cli_usage("export", "--depth: expected a level from 1 to 50");
        o.depth = (int)d;
    }
    o.all_sheet = cli_flag(a, "all");
    o.data_sheet = !cli_flag(a, "no-data-sheet");
    o.footer = cli_opt(a, "footer", NULL);
    o.created = created_time();
    if ((rc = cli_run_score(a, &s, &ds, &r)))
        return rc;
    if ((v = cli_opt(a, "category", NULL)) && (o.category = find_category(s, v)) < 0) {
        cli_run_free(s, ds, r);
        return EXIT_USAGE;
    }
    kh_err_clear(&err);
    if (csv) {
        struct kh_buf b;
        kh_buf_init(&b, 0);
        rc = kh_report_score_csv(s, ds, r, o.category, 1, &b);
        if (rc) {
            fprintf(stderr, "kaohe: output too large or out of memory\n");
            rc = EXIT_INTERNAL;
        } else if (!out)
            rc = cli_write(&b);
        else if (kh_report_write_atomic(out, b.data ? b.data : "", b.len, &err))
            rc = cli_fail(&err);
        else
            printf("已写出 wrote %s\n", out);
        kh_buf_free(&b);
    } else {
        rc = kh_report_score_xlsx(s, ds, r, &o, out, &sum, &err);
        if (rc)
            rc = cli_fail(&err);
        else
            printf("已写出 wrote %s: %d 张工作表 sheets, %d 个单位 units\n", out, sum.sheets,
                   sum.units);
    }
    cli_run_free(s, ds, r);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    static const char *const spec[] = {
        "data=",         "period=", "format=", "output=", "category=", "depth=", "all",
        "no-data-sheet", "footer=", "inputs=", "dept=",   "fill",      NULL};
    struct cli_args a;
    int rc, tmpl;

    if ((rc = cli_parse(&a, "export", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("export"), stdout);
        return EXIT_OK;
    }
    tmpl = a.npos >= 1 && strcmp(a.pos[0], "template") == 0;
    if (!tmpl && (cli_flag(&a, "inputs") || cli_flag(&a, "dept") || cli_flag(&a, "fill")))
        return cli_usage("export", "--inputs, --dept and --fill are for kaohe export template");
    if (tmpl && (cli_flag(&a, "all") || cli_flag(&a, "depth") || cli_flag(&a, "footer") ||
                 cli_flag(&a, "no-data-sheet")))
        return cli_usage("export", "--all, --depth, --footer and --no-data-sheet are for score "
                                   "tables, not templates");
    return tmpl ? export_template(&a) : export_scores(&a);
}
