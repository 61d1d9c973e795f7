/*
 * score_csv.c — the score table as CSV (RFC 4180): one row per unit with
 * every node's displayed score, the total, rank, rank_of, tier and vetoes.
 * Byte for byte what `kaohe score --format csv` prints, optionally after a
 * UTF-8 byte order mark so that Excel on Chinese Windows does not read the
 * file as GB18030. The flat "明细数据" sheet of the workbook has the same
 * rows and columns.
 */
#include "report/report_int.h"
#include "base/common.h"

int kh_report_score_csv(const struct kh_scheme *s, const struct kh_dataset *ds,
                        const struct kh_result *r, int category, int bom, struct kh_buf *out)
{
    int nn = kh_scheme_node_count(s), dec = kh_scheme_decimals(s), i, k;
    struct kh_report_row *o;
    struct kh_buf b;

    o = kh_report_order(ds, r);
    if (!o)
        return KH_ENOMEM;
    kh_buf_init(&b, 1 << 16);
    if (bom)
        kh_buf_puts(out, "\xEF\xBB\xBF");
    kh_buf_puts(out, "period,category,unit,name");
    for (k = 1; k < nn; k++) {
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, kh_scheme_node_id(s, k));
    }
    kh_buf_puts(out, ",total,rank,rank_of,tier,vetoes\r\n");
    for (i = 0; i < ds->nunits; i++) {
        int u = o[i].unit;
        if (category >= 0 && o[i].cat != category)
            continue;
        kh_buf_csv_field(out, kh_result_period(r));
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, kh_scheme_category_id(s, o[i].cat));
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, ds->units[u].id);
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, ds->units[u].name ? ds->units[u].name : "");
        for (k = 1; k < nn; k++) {
            double v = kh_result_display(r, u, k);
            kh_buf_putc(out, ',');
            if (v == v)
                kh_buf_printf(out, "%.*f", dec, v);
        }
        {
            double t = kh_result_display(r, u, 0);
            kh_buf_putc(out, ',');
            if (t == t) /* a total excluded for missing data stays empty */
                kh_buf_printf(out, "%.*f", dec, t);
            kh_buf_putc(out, ',');
        }
        if (kh_result_rank(r, u))
            kh_buf_printf(out, "%d,%d", kh_result_rank(r, u), kh_result_rank_size(r, u));
        else
            kh_buf_putc(out, ',');
        kh_buf_putc(out, ',');
        kh_buf_csv_field(out, kh_result_tier_name(r, u));
        kh_buf_putc(out, ',');
        kh_buf_reset(&b);
        kh_report_vetoes_text(r, u, &b);
        kh_buf_csv_field(out, kh_buf_str(&b));
        kh_buf_puts(out, "\r\n");
    }
    kh_buf_free(&b);
    free(o);
    return kh_buf_failed(out) ? kh_buf_failed(out) : KH_OK;
}
