/*
 * cli_score.c — `kaohe score`: every unit's scores, total, rank and tier
 * for one period, as aligned league tables (one per category; CJK-aware),
 * CSV (every node, RFC 4180) or JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kaohe/text.h"

/* Units in publication order: category (scheme order), rank, data order. */
struct order {
    int unit, cat, rank;
};

static int cmp_order(const void *pa, const void *pb)
{
    const struct order *a = pa, *b = pb;
    if (a->cat != b->cat)
        return a->cat < b->cat ? -1 : 1;
    if ((a->rank == 0) != (b->rank == 0))
        return a->rank == 0 ? 1 : -1;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return a->unit < b->unit ? -1 : a->unit > b->unit;
}

static struct order *publication_order(const struct kh_dataset *ds, const struct kh_result *r)
{
    struct order *o = malloc(sizeof(*o) * (size_t)(ds->nunits ? ds->nunits : 1));
    int i;
    if (!o)
        return NULL;
    for (i = 0; i < ds->nunits; i++) {
        o[i].unit = i;
        o[i].cat = kh_result_category(r, i);
        o[i].rank = kh_result_rank(r, i);
    }
    qsort(o, (size_t)ds->nunits, sizeof(*o), cmp_order);
    return o;
}

static void vetoes_text(const struct kh_result *r, int u, struct kh_buf *b)
{
    int k, n = kh_result_veto_count(r, u);
    for (k = 0; k < n; k++)
        kh_buf_printf(b, "%s%s", k ? ";" : "", kh_result_veto_name(r, u, k));
}

/* A growable list of cell strings. */
struct cells {
    char **v;
    size_t n, cap;
};

static void cell(struct cells *c, const char *s)
{
    char *d = strdup(s ? s : "");
    size_t ncap;
    if (c->n == c->cap) {
        ncap = c->cap ? c->cap * 2 : 64;
        char **nv = realloc(c->v, ncap * sizeof(char *));
        if (!nv) {
            free(d);
            return;
        }
        c->v = nv;
        c->cap = ncap;
    }
    c->v[c->n++] = d;
}

static void cell_num(struct cells *c, double v, int decimals)
{
    struct kh_buf b;
    kh_buf_init(&b, 64);
    cli_num(&b, v, decimals);
    cell(c, kh_buf_str(&b));
    kh_buf_free(&b);
}

static void cells_free(struct cells *c)
{
    size_t i;
    for (i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
    memset(c, 0, sizeof(*c));
}

static void score_table(struct kh_buf *out, const struct kh_scheme *s,
                        const struct kh_dataset *ds, const struct kh_result *r,
                        const struct order *o, int depth, int only_cat)
{
    int nn = kh_scheme_node_count(s), dec = kh_scheme_decimals(s), c, i, k;
    int *cols = malloc(sizeof(int) * (size_t)nn), ncols = 0;

    if (!cols)
        return;
    for (k = 1; k < nn; k++)
        if (kh_scheme_node_depth(s, k) <= depth)
            cols[ncols++] = k;
    for (c = 0; c < kh_scheme_category_count(s); c++) {
        struct cells t = {0};
        int width = 3 + ncols + 3, rows = 1, *right;
        if (only_cat >= 0 && c != only_cat)
            continue;
        right = calloc((size_t)width, sizeof(int));
        if (!right)
            break;
        cell(&t, "排名");
        cell(&t, "单位");
        cell(&t, "名称");
        for (k = 0; k < ncols; k++) {
            struct kh_buf h;
            kh_buf_init(&h, 512);
            kh_buf_printf(&h, "%s(%g)", kh_scheme_node_name(s, cols[k]),
                          kh_scheme_node_points(s, cols[k], c));
            cell(&t, kh_buf_str(&h));
            kh_buf_free(&h);
            right[3 + k] = 1;
        }
        cell(&t, "总分");
        cell(&t, "等次");
        cell(&t, "否决");
        right[0] = right[3 + ncols] = 1;
        for (i = 0; i < ds->nunits; i++) {
            int u = o[i].unit;
            struct kh_buf b;
            if (o[i].cat != c)
                continue;
            kh_buf_init(&b, 4096);
            if (kh_result_rank(r, u))
                kh_buf_printf(&b, "%d", kh_result_rank(r, u));
            cell(&t, kh_buf_str(&b));
            cell(&t, ds->units[u].id);
            cell(&t, ds->units[u].name);
            for (k = 0; k < ncols; k++)
                cell_num(&t, kh_result_score(r, u, cols[k]), dec);
            cell_num(&t, kh_result_score(r, u, 0), dec);
            cell(&t, kh_result_tier_name(r, u));
            kh_buf_reset(&b);
            vetoes_text(r, u, &b);
            cell(&t, kh_buf_str(&b));
            kh_buf_free(&b);
            rows++;
        }
        kh_buf_printf(out, "%s — %s · %s (%s) · %s\n", kh_scheme_name(s),
                      kh_scheme_category_name(s, c), kh_scheme_category_id(s, c),
                      kh_result_period(r), "排名表 league table");
        if (rows > 1)
            cli_table(out, (const char *const *)t.v, rows, width, right);
        else
            kh_buf_puts(out, "(本类别没有单位 no units in this category)\n");
        kh_buf_putc(out, '\n');
        cells_free(&t);
        free(right);
    }
    free(cols);
}

static void score_csv(struct kh_buf *out, const struct kh_scheme *s, const struct kh_dataset *ds,
                      const struct kh_result *r, const struct order *o, int only_cat)
{
    int nn = kh_scheme_node_count(s), dec = kh_scheme_decimals(s), i, k;
    struct kh_buf b;

    kh_buf_init(&b, 1 << 16);
    kh_buf_puts(out, "period,category,unit,name");
    for (k = 1; k < nn; k++) {
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, kh_scheme_node_id(s, k));
    }
    kh_buf_puts(out, ",total,rank,rank_of,tier,vetoes\r\n");
    for (i = 0; i < ds->nunits; i++) {
        int u = o[i].unit;
        if (only_cat >= 0 && o[i].cat != only_cat)
            continue;
        kh_buf_csv_field(out, kh_result_period(r));
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, kh_scheme_category_id(s, o[i].cat));
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, ds->units[u].id);
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, ds->units[u].name ? ds->units[u].name : "");
        for (k = 1; k < nn; k++) {
            double v = kh_result_score(r, u, k);
            kh_buf_putc(out, ',');
            if (v == v)
                kh_buf_printf(out, "%.*f", dec, kh_round(v, dec));
        }
        kh_buf_printf(out, ",%.*f,", dec, kh_round(kh_result_score(r, u, 0), dec));
        if (kh_result_rank(r, u))
            kh_buf_printf(out, "%d,%d", kh_result_rank(r, u), kh_result_rank_size(r, u));
        else
            kh_buf_putc(out, ',');
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, kh_result_tier_name(r, u));
        kh_buf_putc(out, ',');
        kh_buf_reset(&b);
        vetoes_text(r, u, &b);
        kh_buf_csv_field(out, kh_buf_str(&b));
        kh_buf_puts(out, "\r\n");
    }
    kh_buf_free(&b);
}

static void json_num(struct kh_buf *out, double v, int dec)
{
    if (v != v)
        kh_buf_puts(out, "null");
    else
        kh_buf_printf(out, "%.*f", dec, kh_round(v, dec));
}

static void score_json(struct kh_buf *out, const struct kh_scheme *s, const struct kh_dataset *ds,
                       const struct kh_result *r, const struct order *o, int only_cat)
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
    static const char *const spec[] = {"data=", "period=", "format=", "depth=", "category=",
                                       NULL};
    struct cli_args a;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    struct kh_buf out;
    struct order *o;
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
    if ((rc = cli_run_score(&a, &s, &ds, &r)))
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
    o = publication_order(ds, r);
    if (!o) {
        cli_run_free(s, ds, r);
        return EXIT_INTERNAL;
    }
    kh_buf_init(&out, 0);
    if (fmt == FMT_TABLE)
        score_table(&out, s, ds, r, o, depth, only);
    else if (fmt == FMT_CSV)
        score_csv(&out, s, ds, r, o, only);
    else
        score_json(&out, s, ds, r, o, only);
    rc = cli_write(&out);
    kh_buf_free(&out);
    free(o);
    cli_run_free(s, ds, r);
    return rc;
}
