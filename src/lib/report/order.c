/*
 * order.c — units in publication order, shared by the CSV and XLSX score
 * tables: category in scheme order, then rank (unranked units last), then
 * the order of units.csv. `kaohe score`, the demo and the exported tables
 * all use it, so they list the units identically.
 */
#include "report/report_int.h"
#include "base/common.h"

int kh_report_row_cmp(const void *pa, const void *pb)
{
    const struct kh_report_row *a = pa, *b = pb;
    if (a->cat != b->cat)
        return a->cat < b->cat ? -1 : 1;
    if ((a->rank == 0) != (b->rank == 0))
        return a->rank == 0 ? 1 : -1;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return a->unit < b->unit ? -1 : a->unit > b->unit;
}

struct kh_report_row *kh_report_order(const struct kh_dataset *ds, const struct kh_result *r)
{
    struct kh_report_row *o = malloc(sizeof(*o) * (size_t)(ds->nunits ? ds->nunits : 1));
    int i;
    if (!o)
        return NULL;
    for (i = 0; i < ds->nunits; i++) {
        o[i].unit = i;
        o[i].cat = kh_result_category(r, i);
        o[i].rank = kh_result_rank(r, i);
    }
    qsort(o, (size_t)ds->nunits, sizeof(*o), kh_report_row_cmp);
    return o;
}

void kh_report_vetoes_text(const struct kh_result *r, int u, struct kh_buf *b)
{
    int k, n = kh_result_veto_count(r, u);
    for (k = 0; k < n; k++)
        kh_buf_printf(b, "%s%s", k ? ";" : "", kh_result_veto_name(r, u, k));
}
