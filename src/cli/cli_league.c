/*
 * cli_league.c — league tables (排名表), shared by `kaohe score` and
 * `kaohe demo`: in publication order (kh_report_order, the same as the
 * exported tables), one aligned, CJK-aware table per category with
 * the scores of the indicators down to a depth, the total, the tier and the
 * vetoes. Moved here from cli_score.c so that the demo prints exactly what
 * `kaohe score --format table` prints for the same scheme and data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_cell(struct cli_cells *c, const char *s)
{
    char *d = strdup(s ? s : "");
    size_t ncap;
    if (!d)
        return;
    if (c->n == c->cap) {
        char **nv;
        ncap = c->cap ? c->cap * 2 : 64;
        nv = realloc(c->v, ncap * sizeof(char *));
        if (!nv) {
            free(d);
            return;
        }
        c->v = nv;
        c->cap = ncap;
    }
    c->v[c->n++] = d;
}

void cli_cell_num(struct cli_cells *c, double v, int decimals)
{
    struct kh_buf b;
    kh_buf_init(&b, 64);
    cli_num(&b, v, decimals);
    cli_cell(c, kh_buf_str(&b));
    kh_buf_free(&b);
}

void cli_cells_free(struct cli_cells *c)
{
    size_t i;
    for (i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
    memset(c, 0, sizeof(*c));
}

void cli_league_table(struct kh_buf *out, const struct kh_scheme *s, const struct kh_dataset *ds,
                      const struct kh_result *r, const struct kh_report_row *o, int depth, int only_cat)
{
    int nn = kh_scheme_node_count(s), dec = kh_scheme_decimals(s), c, i, k;
    int has_tiers = kh_scheme_tier_count(s) > 0, has_vetoes = kh_scheme_veto_count(s) > 0;
    int *all = malloc(sizeof(int) * (size_t)nn), nall = 0;
    int *cols = malloc(sizeof(int) * (size_t)nn);

    if (!all || !cols) {
        free(all);
        free(cols);
        return;
    }
    for (k = 1; k < nn; k++)
        if (kh_scheme_node_depth(s, k) <= depth)
            all[nall++] = k;
    for (c = 0; c < kh_scheme_category_count(s); c++) {
        struct cli_cells t = {0};
        int width, rows = 1, *right, ncols = 0;
        if (only_cat >= 0 && c != only_cat)
            continue;
        /* Only the indicators that apply to this category. */
        for (k = 0; k < nall; k++)
            if (kh_scheme_node_points(s, all[k], c) == kh_scheme_node_points(s, all[k], c))
                cols[ncols++] = all[k];
        width = 3 + ncols + 1 + has_tiers + has_vetoes;
        right = calloc((size_t)width, sizeof(int));
        if (!right)
            break;
        cli_cell(&t, "排名");
        cli_cell(&t, "单位");
        cli_cell(&t, "名称");
        for (k = 0; k < ncols; k++) {
            struct kh_buf h;
            kh_buf_init(&h, 512);
            kh_buf_printf(&h, "%s(%g)", kh_scheme_node_name(s, cols[k]),
                          kh_scheme_node_points(s, cols[k], c));
            cli_cell(&t, kh_buf_str(&h));
            kh_buf_free(&h);
            right[3 + k] = 1;
        }
        cli_cell(&t, "总分");
        if (has_tiers)
            cli_cell(&t, "等次");
        if (has_vetoes)
            cli_cell(&t, "否决");
        right[0] = right[3 + ncols] = 1;
        for (i = 0; i < ds->nunits; i++) {
            int u = o[i].unit;
            struct kh_buf b;
            if (o[i].cat != c)
                continue;
            kh_buf_init(&b, 4096);
            if (kh_result_rank(r, u))
                kh_buf_printf(&b, "%d", kh_result_rank(r, u));
            cli_cell(&t, kh_buf_str(&b));
            cli_cell(&t, ds->units[u].id);
            cli_cell(&t, ds->units[u].name);
            for (k = 0; k < ncols; k++)
                cli_cell_num(&t, kh_result_score(r, u, cols[k]), dec);
            cli_cell_num(&t, kh_result_score(r, u, 0), dec);
            if (has_tiers)
                cli_cell(&t, kh_result_tier_name(r, u));
            if (has_vetoes) {
                kh_buf_reset(&b);
                kh_report_vetoes_text(r, u, &b);
                cli_cell(&t, kh_buf_str(&b));
            }
            kh_buf_free(&b);
            rows++;
        }
        kh_buf_printf(out, "%s — %s · %s (%s) · %s\n", kh_scheme_name(s),
                      kh_scheme_category_name(s, c), kh_scheme_category_id(s, c),
                      kh_result_period(r), "排名表 league table");
        if (rows > 1 && t.n == (size_t)rows * (size_t)width)
            cli_table(out, (const char *const *)t.v, rows, width, right);
        else if (rows > 1)
            kh_buf_puts(out, "(内存不足 out of memory)\n");
        else
            kh_buf_puts(out, "(本类别没有单位 no units in this category)\n");
        kh_buf_putc(out, '\n');
        cli_cells_free(&t);
        free(right);
    }
    free(all);
    free(cols);
}
