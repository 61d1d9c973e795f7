/*
 * cli_demo.c — `kaohe demo`: the built-in demo district (示例区). Loads the
 * two schemes compiled into the binary (examples/demo/scheme.yaml and
 * villages.yaml), generates the district's synthetic data (demo_data.c),
 * scores a period and prints the league table of each category — the very
 * tables `kaohe score --format table` prints (cli_league.c) — then, for a
 * period shorter than a year, the time-progress (序时进度) status of the
 * indicators that track it, and the star rating of the villages (五星支部):
 * how many per star and the top ten.
 *
 * `kaohe demo --write DIR` saves the schemes and the data as files instead
 * (demo_write.c), so that `kaohe score DIR/scheme.yaml --data DIR` gives
 * the same tables; `kaohe demo --db FILE` writes those files into a
 * temporary folder and imports them into a store (kh_store_import), so
 * that `kaohe score --db FILE shiliqu_2024` gives them too. Everything the
 * demo shows is synthetic (虚构).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_store.h"
#include "demo.h"
#include "kaohe/period.h"

#define DEMO_NOTICE                                                                                    \
    "示例数据，均为虚构 (synthetic demo data: the district, its units, evaluators and every " \
    "number are made up)\n"

/* The demo's loaded schemes and generated data. */
struct demo {
    struct kh_scheme *scheme, *vscheme;
    struct kh_dataset *district, *villages;
};

/* Free what demo_load made (any part may be NULL). */
static void demo_free(struct demo *d)
{
    kh_scheme_free(d->scheme);
    kh_scheme_free(d->vscheme);
    kh_dataset_free(d->district);
    kh_dataset_free(d->villages);
    memset(d, 0, sizeof(*d));
}

/* Load the embedded schemes and generate the data. Returns 0 or an exit
 * code after printing the error (an error here is a bug in the demo). */
static int demo_load(struct demo *d)
{
    struct kh_err err;

    memset(d, 0, sizeof(*d));
    kh_err_clear(&err);
    if (kh_scheme_load_mem("demo/scheme.yaml", (const char *)kh_demo_scheme,
                           (size_t)kh_demo_scheme_len, &d->scheme, &err) != KH_OK ||
        kh_scheme_load_mem("demo/villages.yaml", (const char *)kh_demo_villages,
                           (size_t)kh_demo_villages_len, &d->vscheme, &err) != KH_OK)
        return cli_fail(&err);
    d->district = kh_dataset_new();
    d->villages = kh_dataset_new();
    if (!d->district || !d->villages) {
        fprintf(stderr, "kaohe: out of memory\n");
        return EXIT_INTERNAL;
    }
    if (demo_generate(d->district, d->villages, &err) != KH_OK)
        return cli_fail(&err);
    return 0;
}

/* ---- --write ----------------------------------------------------------------- */

static const char readme_text[] =
    "kaohe 内置示例区 — 方案和数据\n"
    "\n"
    "示例数据，均为虚构：示例区及其镇街、部门、园区、村（社区）、评价人和全部数字都不存在，\n"
    "由 kaohe demo 的确定性生成器产生，只用于演示。\n"
    "\n"
    "  scheme.yaml            综合考核方案（镇街、部门、园区A档、园区B档）\n"
    "  units.csv values.csv targets.csv events.csv ballots.csv   方案的数据\n"
    "  villages.yaml          “五星”支部评定方案\n"
    "  villages/              评定的数据\n"
    "\n"
    "  kaohe score scheme.yaml --data . --period 2024 --format table\n"
    "  kaohe score villages.yaml --data villages --period 2024 --format table\n"
    "\n"
    "The built-in demo district of kaohe: its schemes and data. Synthetic: the district,\n"
    "its units, evaluators and every number are made up by kaohe demo's deterministic\n"
    "generator, for demonstration only.\n";

/* Save the schemes, the data and a README into dir (and dir/villages). */
static int demo_write(const struct demo *d, const char *dir, const char *period)
{
    struct kh_err err;
    char path[4096], vdir[4096];
    int nfiles = 0;

    kh_err_clear(&err);
    if (snprintf(vdir, sizeof(vdir), "%s/villages", dir) >= (int)sizeof(vdir)) {
        fprintf(stderr, "kaohe demo: --write: the path is too long\n");
        return EXIT_USAGE;
    }
    if (demo_make_dir(dir, &err) || demo_make_dir(vdir, &err))
        return cli_fail(&err);
    snprintf(path, sizeof(path), "%s/scheme.yaml", dir);
    if (demo_save_file(path, kh_demo_scheme, (size_t)kh_demo_scheme_len, &err))
        return cli_fail(&err);
    snprintf(path, sizeof(path), "%s/villages.yaml", dir);
    if (demo_save_file(path, kh_demo_villages, (size_t)kh_demo_villages_len, &err))
        return cli_fail(&err);
    snprintf(path, sizeof(path), "%s/README.txt", dir);
    if (demo_save_file(path, readme_text, sizeof(readme_text) - 1, &err))
        return cli_fail(&err);
    nfiles += 3;
    if (demo_write_dataset(d->district, dir, &nfiles, &err) ||
        demo_write_dataset(d->villages, vdir, &nfiles, &err))
        return cli_fail(&err);
    printf(DEMO_NOTICE);
    printf("已写入 %d 个文件 wrote %d files to %s\n", nfiles, nfiles, dir);
    printf("  kaohe score %s/scheme.yaml --data %s --period %s --format table\n", dir, dir, period);
    printf("  kaohe score %s/villages.yaml --data %s --period %d --format table\n", dir, vdir,
           DEMO_VILLAGE_YEAR);
    return fflush(stdout) ? EXIT_IO : EXIT_OK;
}

/* ---- --db ---------------------------------------------------------------------- */

/* The files demo_to_store writes and imports, in import order (relative to
 * the temporary folder; a data file the demo has no records for is not
 * written and skipped). */
static const char *const store_files[] = {
    "scheme.yaml",         "villages.yaml",        "units.csv",           "values.csv",
    "targets.csv",         "events.csv",           "ballots.csv",         "villages/units.csv",
    "villages/values.csv", "villages/targets.csv", "villages/events.csv", "villages/ballots.csv",
};

/* Remove what demo_to_store wrote into tmp (best effort). */
static void remove_demo_files(const char *tmp)
{
    char path[4200];
    size_t i;

    for (i = 0; i < sizeof(store_files) / sizeof(store_files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", tmp, store_files[i]);
        (void)remove(path);
    }
    snprintf(path, sizeof(path), "%s/villages", tmp);
    (void)remove(path);
    (void)remove(tmp);
}

/*
 * `kaohe demo --db FILE`: build the demo district's database the way a
 * clerk would, from files: write the schemes and the CSV files (as --write
 * does) into a temporary folder, import each with kh_store_import into the
 * store (created when missing) and jurisdiction, then remove the folder.
 * Importing into a store that has them already changes nothing.
 */
static int demo_to_store(const struct demo *d, const struct cli_args *a)
{
    const char *tmpdir = getenv("TMPDIR");
    char tmp[4096], vdir[4200], path[4200];
    struct kh_actor who;
    struct kh_store *st = NULL;
    struct kh_err err;
    int64_t jid;
    size_t i;
    int rc = 0, nfiles = 0;

    kh_err_clear(&err);
    snprintf(tmp, sizeof(tmp), "%s/kaohe-demo-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "kaohe demo: cannot make a temporary folder in %s\n",
                tmpdir && tmpdir[0] ? tmpdir : "/tmp");
        return EXIT_IO;
    }
    snprintf(vdir, sizeof(vdir), "%s/villages", tmp);
    snprintf(path, sizeof(path), "%s/scheme.yaml", tmp);
    if (demo_make_dir(vdir, &err) ||
        demo_save_file(path, kh_demo_scheme, (size_t)kh_demo_scheme_len, &err))
        goto out;
    snprintf(path, sizeof(path), "%s/villages.yaml", tmp);
    if (demo_save_file(path, kh_demo_villages, (size_t)kh_demo_villages_len, &err) ||
        demo_write_dataset(d->district, tmp, &nfiles, &err) ||
        demo_write_dataset(d->villages, vdir, &nfiles, &err))
        goto out;
    if ((rc = cli_store_open(a, 1, &st, &jid)))
        goto out;
    cli_store_actor(a, &who);
    if (!cli_opt(a, "user", NULL))
        who.user = "demo"; /* the audit log says the demo generator made these */
    printf(DEMO_NOTICE);
    for (i = 0; i < sizeof(store_files) / sizeof(store_files[0]); i++) {
        struct kh_import_report rep;
        const char *base = strrchr(store_files[i], '/');
        char kind[32];
        FILE *f;
        snprintf(path, sizeof(path), "%s/%s", tmp, store_files[i]);
        if (!(f = fopen(path, "rb")))
            continue; /* no records of that kind */
        fclose(f);
        /* the kind is the file's base name: units.csv holds units */
        base = base ? base + 1 : store_files[i];
        if (strstr(base, ".yaml"))
            snprintf(kind, sizeof(kind), "scheme");
        else
            snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(base, "."), base);
        if (kh_store_import(st, jid, kind, path, &who, NULL, NULL, &rep, &err))
            goto out;
        if (rep.scheme_id[0])
            printf("  %-22s 方案 scheme %s v%d\n", store_files[i], rep.scheme_id,
                   rep.scheme_version);
        else
            printf("  %-22s %zu 行 rows · 新增 new %zu · 修改 changed %zu · 未变 unchanged %zu\n",
                   store_files[i], rep.rows, rep.inserted, rep.updated, rep.unchanged);
    }
    if (demo_serve_setup(st, jid, &who, &err))
        goto out;
    printf("示例账号 demo accounts (密码 password: %s):\n", DEMO_PASSWORD);
    for (i = 0; i < demo_naccounts; i++)
        printf("  %-8s %-10s %s%s%s\n", demo_accounts[i].name, demo_accounts[i].role,
               demo_accounts[i].display, demo_accounts[i].unit ? " " : "",
               demo_accounts[i].unit ? demo_accounts[i].unit : "");
    printf("已导入数据库 imported into %s (辖区 jurisdiction %s)\n"
           "  kaohe score --db %s shiliqu_2024 --period 2024 --format table\n"
           "  kaohe publish --db %s shiliqu_2024 --period 2024\n",
           cli_opt(a, "db", CLI_DEFAULT_DB), cli_opt(a, "jurisdiction", CLI_DEFAULT_JURISDICTION),
           cli_opt(a, "db", CLI_DEFAULT_DB), cli_opt(a, "db", CLI_DEFAULT_DB));
    rc = fflush(stdout) ? EXIT_IO : EXIT_OK;
out:
    if (!rc && err.code)
        rc = cli_fail(&err); /* a failure recorded in err (rc is set otherwise) */
    kh_store_close(st);
    remove_demo_files(tmp);
    return rc;
}

/* ---- time progress ----------------------------------------------------------- */

/* The status word of an enum kh_progress value. */
static const char *progress_word(int p)
{
    switch (p) {
    case KH_PROGRESS_GREEN:
        return "绿 green";
    case KH_PROGRESS_YELLOW:
        return "黄 yellow";
    case KH_PROGRESS_RED:
        return "红 red";
    default:
        return "";
    }
}

/*
 * For each leaf that tracks time progress, a table of the units it applies
 * to: done, annual target, share done, and the status against the share of
 * the year elapsed.
 */
static void progress_tables(struct kh_buf *out, const struct kh_scheme *s,
                            const struct kh_dataset *ds, const struct kh_result *r,
                            const struct kh_report_row *o, double elapsed)
{
    static const int right[6] = {0, 0, 1, 1, 1, 0};
    int nn = kh_scheme_node_count(s), dec = kh_scheme_decimals(s), k, i;

    for (k = 1; k < nn; k++) {
        struct cli_cells t = {0};
        int rows = 1;
        if (!kh_scheme_node_is_leaf(s, k))
            continue;
        for (i = 0; i < ds->nunits; i++)
            if (kh_result_progress(r, o[i].unit, k) != KH_PROGRESS_NONE)
                break;
        if (i == ds->nunits)
            continue;
        cli_cell(&t, "单位");
        cli_cell(&t, "名称");
        cli_cell(&t, "完成");
        cli_cell(&t, "年度目标");
        cli_cell(&t, "完成率");
        cli_cell(&t, "状态");
        for (i = 0; i < ds->nunits; i++) {
            int u = o[i].unit, p = kh_result_progress(r, u, k);
            double x = kh_result_value(r, u, k), tg = kh_result_target(r, u, k);
            struct kh_buf b;
            if (p == KH_PROGRESS_NONE)
                continue;
            kh_buf_init(&b, 64);
            cli_cell(&t, ds->units[u].id);
            cli_cell(&t, ds->units[u].name);
            cli_cell_num(&t, x, dec);
            cli_cell_num(&t, tg, dec);
            kh_buf_printf(&b, "%.1f%%", kh_round(x / tg * 100, 1));
            cli_cell(&t, kh_buf_str(&b));
            cli_cell(&t, progress_word(p));
            kh_buf_free(&b);
            rows++;
        }
        kh_buf_printf(out, "序时进度 time progress — %s (%s, 序时进度 elapsed %.1f%%)\n",
                      kh_scheme_node_name(s, k), kh_result_period(r), kh_round(elapsed * 100, 1));
        if (t.n == (size_t)rows * 6)
            cli_table(out, (const char *const *)t.v, rows, 6, right);
        kh_buf_putc(out, '\n');
        cli_cells_free(&t);
    }
}

/* ---- the village star rating --------------------------------------------------- */

#define MAX_STARS 16 /* tiers counted one by one; units beyond (or none) are "未定级" */
#define MAX_CATS  6  /* categories shown as columns */

/* Append a cell holding a whole number. */
static void cell_int(struct cli_cells *t, long v)
{
    char b[32];
    snprintf(b, sizeof(b), "%ld", v);
    cli_cell(t, b);
}

/*
 * The star distribution: for each tier (star) of r, how many units of each
 * category reached it, the total and its share; then a total row. The tier
 * names come from the units (the public API has no list of tiers), so a
 * tier no unit reached shows as 第k档.
 */
static void star_distribution(struct kh_buf *out, const struct kh_scheme *s,
                              const struct kh_dataset *ds, const struct kh_result *r)
{
    int ncat = kh_scheme_category_count(s), i, c, k, ntiers = 0, rows = 1, width;
    int count[MAX_STARS + 1][MAX_CATS + 1], right[MAX_CATS + 3];
    const char *names[MAX_STARS + 1];
    struct cli_cells t = {0};
    char b[64];

    if (ncat > MAX_CATS)
        ncat = MAX_CATS;
    width = ncat + 3;
    memset(count, 0, sizeof(count));
    memset(names, 0, sizeof(names));
    memset(right, 0, sizeof(right));
    for (i = 0; i < ds->nunits; i++) {
        int tier = kh_result_tier(r, i), cat = kh_result_category(r, i);
        if (tier < 0 || tier >= MAX_STARS)
            tier = MAX_STARS;
        else if (tier + 1 > ntiers)
            ntiers = tier + 1;
        names[tier] = kh_result_tier_name(r, i);
        if (cat >= 0 && cat < ncat)
            count[tier][cat]++;
        count[tier][MAX_CATS]++;
    }
    cli_cell(&t, "星级");
    for (c = 0; c < ncat; c++) {
        cli_cell(&t, kh_scheme_category_name(s, c));
        right[c + 1] = 1;
    }
    cli_cell(&t, "合计");
    cli_cell(&t, "占比");
    right[ncat + 1] = right[ncat + 2] = 1;
    for (k = 0; k <= MAX_STARS; k++) {
        if (k == MAX_STARS ? !count[k][MAX_CATS] : k >= ntiers)
            continue;
        if (k == MAX_STARS)
            cli_cell(&t, "(未定级)");
        else if (names[k])
            cli_cell(&t, names[k]);
        else {
            snprintf(b, sizeof(b), "第%d档", k + 1);
            cli_cell(&t, b);
        }
        for (c = 0; c < ncat; c++)
            cell_int(&t, count[k][c]);
        cell_int(&t, count[k][MAX_CATS]);
        snprintf(b, sizeof(b), "%.1f%%",
                 kh_round(count[k][MAX_CATS] * 100.0 / (ds->nunits ? ds->nunits : 1), 1));
        cli_cell(&t, b);
        rows++;
    }
    cli_cell(&t, "合计");
    for (c = 0; c < ncat; c++) {
        int n = 0;
        for (i = 0; i < ds->nunits; i++)
            n += kh_result_category(r, i) == c;
        cell_int(&t, n);
    }
    cell_int(&t, ds->nunits);
    cli_cell(&t, "100.0%");
    rows++;
    kh_buf_printf(out, "%s (%s) — 星级分布 star distribution\n", kh_scheme_name(s),
                  kh_result_period(r));
    if (t.n == (size_t)rows * (size_t)width)
        cli_table(out, (const char *const *)t.v, rows, width, right);
    cli_cells_free(&t);
}

/*
 * The top ten by the total's rank (the village scheme ranks all units
 * together, rank_scope: all; tied units share a rank and keep data order):
 * rank, unit, name, category, town (the unit's first tag), total, tier,
 * vetoes.
 */
static void star_top_ten(struct kh_buf *out, const struct kh_scheme *s, const struct kh_dataset *ds,
                         const struct kh_result *r)
{
    static const int right[8] = {1, 0, 0, 0, 0, 1, 0, 0};
    struct cli_cells t = {0};
    struct kh_report_row *o = kh_report_order(ds, r);
    int i, rows = 1;

    if (!o)
        return;
    for (i = 0; i < ds->nunits; i++)
        o[i].cat = 0; /* one list over all categories */
    qsort(o, (size_t)ds->nunits, sizeof(*o), kh_report_row_cmp);
    cli_cell(&t, "名次");
    cli_cell(&t, "单位");
    cli_cell(&t, "名称");
    cli_cell(&t, "类别");
    cli_cell(&t, "所属镇街");
    cli_cell(&t, kh_scheme_node_name(s, 0));
    cli_cell(&t, "星级");
    cli_cell(&t, "否决");
    for (i = 0; i < ds->nunits && i < 10; i++) {
        int u = o[i].unit;
        const struct kh_unit *un = &ds->units[u];
        struct kh_buf b;
        kh_buf_init(&b, 4096);
        if (kh_result_rank(r, u))
            cell_int(&t, kh_result_rank(r, u));
        else
            cli_cell(&t, "");
        cli_cell(&t, un->id);
        cli_cell(&t, un->name);
        cli_cell(&t, kh_scheme_category_name(s, kh_result_category(r, u)));
        cli_cell(&t, un->ntags ? un->tags[0] : "");
        cli_cell_num(&t, kh_result_score(r, u, 0), kh_scheme_decimals(s));
        cli_cell(&t, kh_result_tier_name(r, u));
        kh_report_vetoes_text(r, u, &b);
        cli_cell(&t, kh_buf_str(&b));
        kh_buf_free(&b);
        rows++;
    }
    kh_buf_puts(out, "\n前十名 top 10\n");
    if (t.n == (size_t)rows * 8)
        cli_table(out, (const char *const *)t.v, rows, 8, right);
    cli_cells_free(&t);
    free(o);
}

/* ---- the command ---------------------------------------------------------------- */

/* Score and print: notice, league tables, progress, stars. */
static int demo_show(const struct demo *d, const char *period)
{
    struct kh_result *r = NULL, *vr = NULL;
    struct kh_report_row *o = NULL;
    struct kh_period p;
    struct kh_buf out;
    struct kh_err err;
    int rc = EXIT_INTERNAL, c, i;

    kh_err_clear(&err);
    kh_period_parse(period, &p);
    if (kh_score(d->scheme, d->district, period, &r, &err) != KH_OK)
        return cli_fail(&err);
    if (!(o = kh_report_order(d->district, r)))
        goto out;
    kh_buf_init(&out, 0);
    kh_buf_puts(&out, DEMO_NOTICE);
    kh_buf_printf(&out, "内置示例区 the built-in demo district: %d 个考核单位 units (",
                  d->district->nunits);
    for (c = 0; c < kh_scheme_category_count(d->scheme); c++) {
        int n = 0;
        for (i = 0; i < d->district->nunits; i++)
            n += kh_result_category(r, i) == c;
        kh_buf_printf(&out, "%s%s %d", c ? ", " : "", kh_scheme_category_name(d->scheme, c), n);
    }
    kh_buf_printf(&out,
                  "), %d 个村（社区） villages; kaohe demo --write 目录 保存方案和数据 "
                  "saves the schemes and data\n\n",
                  d->villages->nunits);
    cli_league_table(&out, d->scheme, d->district, r, o, 1, -1);
    if (p.kind != KH_PERIOD_YEAR)
        progress_tables(&out, d->scheme, d->district, r, o, kh_period_elapsed(&p));
    if (p.year == DEMO_VILLAGE_YEAR) {
        char year[KH_PERIOD_TEXT];
        snprintf(year, sizeof(year), "%d", DEMO_VILLAGE_YEAR);
        if (kh_score(d->vscheme, d->villages, year, &vr, &err) != KH_OK) {
            kh_buf_free(&out);
            rc = cli_fail(&err);
            goto out;
        }
        star_distribution(&out, d->vscheme, d->villages, vr);
        star_top_ten(&out, d->vscheme, d->villages, vr);
    } else {
        kh_buf_printf(&out,
                      "(村（社区）“五星”支部评定只有%d年度的示例数据 the village star "
                      "rating has data for %d only)\n",
                      DEMO_VILLAGE_YEAR, DEMO_VILLAGE_YEAR);
    }
    rc = cli_write(&out);
    kh_buf_free(&out);
out:
    free(o);
    kh_result_free(vr);
    kh_result_free(r);
    return rc;
}

/* `kaohe demo [--period P] [--write DIR]`; see the command table in main.c. */
int cmd_demo(int argc, char **argv)
{
    static const char *const spec[] = {"period=", "write=", CLI_STORE_SPEC, NULL};
    struct cli_args a;
    struct kh_period p;
    struct demo d;
    const char *period, *dir;
    int rc;

    if ((rc = cli_parse(&a, "demo", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("demo"), stdout);
        return EXIT_OK;
    }
    if (a.npos)
        return cli_usage("demo", "demo 不接受位置参数 takes no arguments (got '%s')", a.pos[0]);
    period = cli_opt(&a, "period", "2024");
    if (kh_period_parse(period, &p) != KH_OK)
        return cli_usage("demo",
                         "--period: '%s' 不是考核期 is not a period (2024, 2024H1, "
                         "2024Q3, 2024-07)",
                         period);
    dir = cli_opt(&a, "write", NULL);
    if (dir && !dir[0])
        return cli_usage("demo", "--write: 需要目录 needs a folder");
    if ((rc = demo_load(&d))) {
        demo_free(&d);
        return rc;
    }
    if (dir && cli_opt(&a, "db", NULL)) {
        demo_free(&d);
        return cli_usage("demo", "--write 与 --db 只能选一个 give either --write or --db");
    }
    if (cli_opt(&a, "db", NULL))
        rc = demo_to_store(&d, &a);
    else
        rc = dir ? demo_write(&d, dir, period) : demo_show(&d, period);
    demo_free(&d);
    return rc;
}
