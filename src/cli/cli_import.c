/*
 * cli_import.c — `kaohe import FILE…`: schemes (YAML) and data files (CSV
 * in UTF-8 or GB18030, or XLSX) into the store, each file all or nothing
 * (kh_store_import). The kind of each file comes from --kind or from its
 * name (one with units, values, targets, events or ballots in it, or
 * *.yaml for a scheme); files are
 * imported schemes first, then units, values, targets, events, ballots,
 * so that all the files of a data folder can be given in one go, in any
 * order. The first failing file stops the command: files before it stay
 * imported, it and the files after it change nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_store.h"

/* The kinds in import order, with the words in a file name that suggest
 * them (units.csv, 2024_values.csv, 发改局数据.xlsx). */
static const struct {
    const char *kind, *zh;
    const char *prefix[4];
} kinds[] = {
    {"scheme", "方案", {NULL}},
    {"units", "单位", {"units", "unit", "单位"}},
    {"values", "数值", {"values", "value", "数值", "数据"}},
    {"targets", "目标", {"targets", "target", "目标"}},
    {"events", "事项", {"events", "event", "事项"}},
    {"ballots", "评议票", {"ballots", "ballot", "评议", "选票"}},
};

/* Index of kind name k in kinds[], or -1. */
static int kind_index(const char *k)
{
    int i;
    for (i = 0; k && i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
        if (strcmp(kinds[i].kind, k) == 0)
            return i;
    return -1;
}

/* Non-zero if s ends with suffix, ignoring ASCII case. */
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix), i;
    if (m > n)
        return 0;
    for (i = 0; i < m; i++) {
        char c = s[n - m + i];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != suffix[i])
            return 0;
    }
    return 1;
}

/* The kind the file's name suggests, or -1. */
static int guess_kind(const char *path)
{
    const char *base = strrchr(path, '/');
    int i, j;

    base = base ? base + 1 : path;
    if (ends_with(base, ".yaml") || ends_with(base, ".yml"))
        return 0;
    for (i = 1; i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
        for (j = 0; j < 4 && kinds[i].prefix[j]; j++) {
            size_t n = strlen(kinds[i].prefix[j]), k, at;
            for (at = 0; base[at]; at++) {
                int same = 1;
                for (k = 0; same && k < n; k++) {
                    char c = base[at + k];
                    same = c && (c >= 'A' && c <= 'Z' ? c + 32 : c) == kinds[i].prefix[j][k];
                }
                if (same)
                    return i;
            }
        }
    if (ends_with(base, ".xlsx"))
        return kind_index("values"); /* a filled data-entry template */
    return -1;
}

/* One file to import. */
struct job {
    const char *path;
    int kind;
};

/* Print what importing one file did. */
static void report(const struct job *j, const struct kh_import_report *rep)
{
    if (kinds[j->kind].kind[0] == 's') {
        printf("%s: 方案 scheme %s v%d · %s\n", j->path, rep->scheme_id, rep->scheme_version,
               rep->inserted ? "新版本 new version" : "未变 unchanged (已有 already stored)");
        fflush(stdout);
        return;
    }
    printf("%s: %s %s · %zu 行 rows · 新增 new %zu · 修改 changed %zu · 未变 unchanged %zu",
           j->path, kinds[j->kind].zh, kinds[j->kind].kind, rep->rows, rep->inserted, rep->updated,
           rep->unchanged);
    if (rep->removed)
        printf(" · 删除 removed %zu", rep->removed);
    if (rep->encoding[0])
        printf(" (%s)", rep->encoding);
    printf("\n");
    fflush(stdout); /* in order with the errors of later files on stderr */
}

/* `kaohe import [--kind K] FILE…`; see the command table in main.c. */
int cmd_import(int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "kind=", "quiet", NULL};
    struct job jobs[CLI_MAX_POS];
    struct kh_actor who;
    struct kh_store *st;
    struct cli_args a;
    struct kh_err err;
    const char *kind;
    int64_t jid;
    int rc, i, k, n = 0;

    if ((rc = cli_parse(&a, "import", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("import"), stdout);
        return EXIT_OK;
    }
    if (!a.npos)
        return cli_usage("import", "需要要导入的文件 expected the files to import");
    kind = cli_opt(&a, "kind", NULL);
    if (kind && kind_index(kind) < 0)
        return cli_usage("import",
                         "--kind: expected scheme, units, values, targets, events or ballots, "
                         "got '%s'",
                         kind);
    /* Kinds, then import order (stable: the order given within a kind). */
    for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++)
        for (i = 0; i < a.npos; i++) {
            int g = kind ? kind_index(kind) : guess_kind(a.pos[i]);
            if (g < 0)
                return cli_usage("import",
                                 "%s: 无法从文件名判断类型 cannot tell the kind from the name: "
                                 "give --kind units|values|targets|events|ballots|scheme",
                                 a.pos[i]);
            if (g == k) {
                jobs[n].path = a.pos[i];
                jobs[n++].kind = g;
            }
        }
    if ((rc = cli_store_open(&a, 0, &st, &jid)))
        return rc;
    cli_store_actor(&a, &who);
    for (i = 0; i < n; i++) {
        struct kh_import_report rep;
        struct cli_progress bar;
        char label[160];
        snprintf(label, sizeof(label), "导入 importing %s", jobs[i].path);
        cli_progress_init(&bar, label);
        if (cli_flag(&a, "quiet"))
            bar.terminal = 0;
        kh_err_clear(&err);
        rc = kh_store_import(st, jid, kinds[jobs[i].kind].kind, jobs[i].path, &who,
                             cli_progress_draw, &bar, &rep, &err);
        cli_progress_end(&bar);
        if (rc) {
            rc = cli_fail(&err);
            fprintf(stderr,
                    "kaohe import: %s 未导入, 数据库未因它改变 was not imported; the "
                    "store is unchanged by it%s\n",
                    jobs[i].path, i + 1 < n ? " (nor by the files after it)" : "");
            break;
        }
        report(&jobs[i], &rep);
    }
    kh_store_close(st);
    if (fflush(stdout) && !rc)
        rc = EXIT_IO;
    return rc;
}
