/*
 * score_csv.c — the score table as CSV (RFC 4180): one row per unit with
 * every node's displayed score, the total, rank, rank_of, tier and vetoes.
 * Byte for byte what `kaohe score --format csv` prints, optionally after a
 * UTF-8 byte order mark so that Excel on Chinese Windows does not read the
 * file as GB18030. The flat "明细数据" sheet of the workbook has the same
 * rows and columns.
 *
 * At 40,000 units × 115 nodes the numbers are the work, so they are
 * written by kh_buf_fixed (base/fixed.h), the bytes of "%.*f" without
 * printf's exact decimal conversion: 3.5 times faster at the nation
 * workload (docs/performance.md, "The kaohe command").
 */
#include "report/report_int.h"
#include "base/common.h"
#include "base/fixed.h"

/* Rows are handed on in blocks of about this many bytes when streaming. */
#define BLOCK ((size_t)1 << 16)

/*
 * The table into `out`; with `write`, each time `out` holds a block it is
 * handed to write(user, …) and emptied (the last part too).
 */
static int score_csv(const struct kh_scheme *s, const struct kh_dataset *ds,
                     const struct kh_result *r, int category, int bom, struct kh_buf *out,
                     int (*write)(void *user, const char *p, size_t n), void *user)
{
    int nn = kh_scheme_node_count(s), dec = kh_scheme_decimals(s), i, k, rc = KH_OK;
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
                kh_buf_fixed(out, v, dec);
        }
        {
            double t = kh_result_display(r, u, 0);
            kh_buf_putc(out, ',');
            if (t == t) /* a total excluded for missing data stays empty */
                kh_buf_fixed(out, t, dec);
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
        if (write && out->len >= BLOCK && !kh_buf_failed(out)) {
            if ((rc = write(user, out->data, out->len)))
                break;
            kh_buf_reset(out);
        }
    }
    kh_buf_free(&b);
    free(o);
    if (!rc && kh_buf_failed(out))
        rc = kh_buf_failed(out);
    if (!rc && write && out->len)
        rc = write(user, out->data, out->len);
    return rc;
}

int kh_report_score_csv(const struct kh_scheme *s, const struct kh_dataset *ds,
                        const struct kh_result *r, int category, int bom, struct kh_buf *out)
{
    return score_csv(s, ds, r, category, bom, out, NULL, NULL);
}

int kh_report_score_csv_stream(const struct kh_scheme *s, const struct kh_dataset *ds,
                               const struct kh_result *r, int category, int bom,
                               int (*write)(void *user, const char *p, size_t n), void *user)
{
    struct kh_buf out;
    int rc;

    kh_buf_init(&out, 0);
    rc = score_csv(s, ds, r, category, bom, &out, write, user);
    kh_buf_free(&out);
    return rc;
}
