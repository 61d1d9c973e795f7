/*
 * cli_common.c — helpers shared by the subcommands: help printing, option
 * parsing, loading schemes and data with uniform error messages, output
 * format selection, and unit/indicator lookup by id or name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_store.h"
#include "kaohe/text.h"

void cli_help(const struct cli_command *c, FILE *out)
{
    fprintf(out, "kaohe %s — %s\n\n%s\n", c->name, c->summary_zh, c->help_zh);
    fprintf(out, "kaohe %s — %s\n\n%s", c->name, c->summary_en, c->help_en);
    fprintf(out, "\n退出码 exit codes: 0 成功 ok, 1 用法错误 usage, 2 输入有误 invalid input,\n"
                 "3 读写失败 I/O error, 4 内部错误 internal error\n");
}

int cli_fail(const struct kh_err *err)
{
    char line[2048];
    fprintf(stderr, "kaohe: %s\n", kh_err_format(err, line, sizeof(line)));
    switch (err->code) {
    case KH_EINVAL:
    case KH_ENOTFOUND:
    case KH_ELIMIT:
        return EXIT_INPUT;
    case KH_EIO:
        return EXIT_IO;
    default:
        return EXIT_INTERNAL;
    }
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "kaohe %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(kaohe %s --help 查看用法 / for usage)\n", cmd);
    return EXIT_USAGE;
}

int cli_parse(struct cli_args *a, const char *cmd, const char *const *spec, int argc,
              char **argv)
{
    int i, j;

    memset(a, 0, sizeof(*a));
    a->cmd = cmd;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *eq, *val = NULL;
        size_t len;
        int found = -1;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            a->help = 1;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            if (a->npos >= CLI_MAX_POS)
                return cli_usage(cmd, "too many arguments");
            a->pos[a->npos++] = arg;
            continue;
        }
        arg += 2;
        eq = strchr(arg, '=');
        len = eq ? (size_t)(eq - arg) : strlen(arg);
        for (j = 0; spec[j]; j++) {
            size_t sl = strlen(spec[j]);
            int takes = spec[j][sl - 1] == '=';
            if ((takes ? sl - 1 : sl) == len && strncmp(spec[j], arg, len) == 0) {
                found = j;
                if (takes)
                    val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                else if (eq)
                    return cli_usage(cmd, "选项 option --%.*s takes no value", (int)len, arg);
                else
                    val = "";
                break;
            }
        }
        if (found < 0)
            return cli_usage(cmd, "未知选项 unknown option --%.*s", (int)len, arg);
        if (!val)
            return cli_usage(cmd, "选项 option --%.*s 需要一个值 needs a value", (int)len, arg);
        if (a->nopts >= CLI_MAX_OPTS)
            return cli_usage(cmd, "too many options");
        a->names[a->nopts] = spec[found];
        a->values[a->nopts++] = val;
    }
    return 0;
}

const char *cli_opt(const struct cli_args *a, const char *name, const char *dflt)
{
    int i;
    size_t len = strlen(name);
    for (i = a->nopts - 1; i >= 0; i--)
        if (strncmp(a->names[i], name, len) == 0 &&
            (a->names[i][len] == 0 || a->names[i][len] == '='))
            return a->values[i];
    return dflt;
}

int cli_flag(const struct cli_args *a, const char *name)
{
    return cli_opt(a, name, NULL) != NULL;
}

int cli_load_scheme(const char *path, struct kh_scheme **s)
{
    struct kh_err err;
    kh_err_clear(&err);
    if (kh_scheme_load_file(path, s, &err) != KH_OK)
        return cli_fail(&err);
    return 0;
}

/*
 * The commands that only score a data folder and read the result: they load
 * it in the compact form (kh_dataset_set_compact), without one record per
 * row in ds->values and ds->targets, which nothing they call reads; their
 * explanations cite rows (file:line) in either form. At the nation
 * workload `kaohe score` peaks at 1.86 times the raw values instead of 7.3
 * (docs/performance.md, "The kaohe command"). The other users of
 * cli_run_score and cli_load_data (export) keep the ordinary form: a
 * data-entry template reads the records.
 */
static const char *const compact_commands[] = {"score", "explain", "firsts", "weak", NULL};

static int reads_no_records(const char *cmd)
{
    int i;
    for (i = 0; compact_commands[i]; i++)
        if (cmd && strcmp(cmd, compact_commands[i]) == 0)
            return 1;
    return 0;
}

/* Load a data folder, in the compact form when `compact` is non-zero. */
static int load_data(const char *dir, int compact, struct kh_dataset **ds)
{
    struct kh_err err;
    kh_err_clear(&err);
    *ds = kh_dataset_new();
    /* Setting the form of an empty dataset cannot fail. */
    if (!*ds || kh_dataset_set_compact(*ds, compact) != KH_OK) {
        kh_dataset_free(*ds);
        *ds = NULL;
        fprintf(stderr, "kaohe: out of memory\n");
        return EXIT_INTERNAL;
    }
    if (kh_dataset_load_dir(*ds, dir, &err) != KH_OK) {
        kh_dataset_free(*ds);
        *ds = NULL;
        return cli_fail(&err);
    }
    return 0;
}

int cli_load_data(const char *dir, struct kh_dataset **ds)
{
    return load_data(dir, 0, ds);
}

int cli_format(const struct cli_args *a, int *fmt)
{
    const char *f = cli_opt(a, "format", NULL);
    if (!f) {
        *fmt = isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_CSV;
        return 0;
    }
    if (strcmp(f, "table") == 0)
        *fmt = FMT_TABLE;
    else if (strcmp(f, "csv") == 0)
        *fmt = FMT_CSV;
    else if (strcmp(f, "json") == 0)
        *fmt = FMT_JSON;
    else
        return cli_usage(a->cmd, "--format: expected table, csv or json, got '%s'", f);
    return 0;
}

int cli_write_block(void *user, const char *p, size_t n)
{
    (void)user;
    if (n && fwrite(p, 1, n, stdout) != n) {
        fprintf(stderr, "kaohe: cannot write output\n");
        return EXIT_IO;
    }
    return 0;
}

int cli_write(const struct kh_buf *b)
{
    int rc;
    if (kh_buf_failed(b)) {
        fprintf(stderr, "kaohe: output too large or out of memory\n");
        return EXIT_INTERNAL;
    }
    if ((rc = cli_write_block(NULL, b->data, b->len)))
        return rc;
    if (fflush(stdout) != 0)
        return EXIT_IO;
    return 0;
}

int cli_unit(const struct kh_dataset *ds, const char *key)
{
    int i = kh_dataset_unit(ds, key);
    if (i >= 0)
        return i;
    for (i = 0; i < ds->nunits; i++)
        if (ds->units[i].name && strcmp(ds->units[i].name, key) == 0)
            return i;
    fprintf(stderr, "kaohe: 没有单位 no unit with id or name '%s'\n", key);
    return -1;
}

int cli_node(const struct kh_scheme *s, const char *key)
{
    int i = kh_scheme_find_node(s, key);
    if (i >= 0)
        return i;
    for (i = 0; i < kh_scheme_node_count(s); i++)
        if (strcmp(kh_scheme_node_name(s, i), key) == 0)
            return i;
    fprintf(stderr, "kaohe: 没有指标 no indicator with id or name '%s'\n", key);
    return -1;
}

int cli_run_score(const struct cli_args *a, struct kh_scheme **s, struct kh_dataset **ds,
                  struct kh_result **r)
{
    const char *data = cli_opt(a, "data", NULL), *period = cli_opt(a, "period", NULL);
    struct kh_err err;
    int rc;

    *s = NULL;
    *ds = NULL;
    *r = NULL;
    /* With --db the scheme is a scheme id in the store, and the data too. */
    if (cli_opt(a, "db", NULL))
        return cli_store_score(a, s, ds, r);
    if (a->npos != 1)
        return cli_usage(a->cmd, "需要一个方案文件 expected one scheme file");
    if (!data)
        return cli_usage(a->cmd, "需要 --data 目录 missing --data DIR");
    if (!period)
        return cli_usage(a->cmd, "需要 --period 期间 missing --period (e.g. 2024, 2024-07)");
    if ((rc = cli_load_scheme(a->pos[0], s)))
        return rc;
    if ((rc = load_data(data, reads_no_records(a->cmd), ds))) {
        kh_scheme_free(*s);
        *s = NULL;
        return rc;
    }
    kh_err_clear(&err);
    if (kh_score(*s, *ds, period, r, &err) != KH_OK) {
        cli_run_free(*s, *ds, NULL);
        *s = NULL;
        *ds = NULL;
        return cli_fail(&err);
    }
    return 0;
}

void cli_run_free(struct kh_scheme *s, struct kh_dataset *ds, struct kh_result *r)
{
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
}

void cli_num(struct kh_buf *b, double v, int decimals)
{
    if (v != v) {
        kh_buf_puts(b, "—");
        return;
    }
    kh_buf_printf(b, "%.*f", decimals, kh_round(v, decimals));
}

void cli_table(struct kh_buf *out, const char *const *cells, int rows, int cols,
               const int *right)
{
    int *w = calloc((size_t)cols, sizeof(int)), r, c;

    if (!w)
        return;
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++) {
            int x = kh_text_width(cells[r * cols + c]);
            if (x > w[c])
                w[c] = x;
        }
    for (r = 0; r < rows; r++) {
        for (c = 0; c < cols; c++) {
            if (c)
                kh_buf_puts(out, "  ");
            if (c == cols - 1 && !right[c])
                kh_buf_puts(out, cells[r * cols + c]);
            else
                kh_text_pad(out, cells[r * cols + c], w[c], right[c]);
        }
        kh_buf_rtrim(out, ' '); /* no trailing blanks when the last cells are empty */
        kh_buf_putc(out, '\n');
        if (r == 0) {
            int total = 0;
            for (c = 0; c < cols; c++)
                total += w[c] + (c ? 2 : 0);
            for (c = 0; c < total; c++)
                kh_buf_putc(out, '-');
            kh_buf_putc(out, '\n');
        }
    }
    free(w);
}
