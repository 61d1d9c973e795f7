/*
 * engine.c — kh_score(): sets up a result for one period (units'
 * categories, lookup indexes over the dataset), scores the tree from the
 * total down (node.c), then ranks, vetoes and tiers (result.c); plus the
 * result's accessors and publication rounding.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* madvise's MADV_HUGEPAGE, beside _POSIX_C_SOURCE */
#endif

#include "base/common.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "engine/engine_int.h"

/* Huge pages: 2 MiB on x86-64 and arm64 Linux. */
#define POOL_ALIGN ((size_t)2 << 20)

double kh_round(double v, int decimals)
{
    if (!isfinite(v))
        return v;
    /* No fraction left to round at this scale (and no overflow of v·10^d). */
    if (decimals >= 0 && decimals <= 22 && fabs(v) * pow(10, decimals) >= 9007199254740992.0)
        return v;
    return kh_round_decimal(v, decimals);
}

int kh_event_in_period(const struct kh_result *r, const struct kh_event *e)
{
    return kh_period_equal(&e->period, &r->period) || kh_period_contains(&r->period, &e->period);
}

/* ---- column memory ------------------------------------------------------ */

/*
 * A result's columns live in one block: at nation scale (40,000 units)
 * that is a few hundred columns of 320 KB, which malloc would map and the
 * kernel fault in 4 KB at a time on every score. One block, aligned and
 * advised to be backed by transparent huge pages where the system allows
 * it (Linux MADV_HUGEPAGE; elsewhere, or when refused, it is just one
 * block), takes a few hundred faults instead of tens of thousands.
 * Small results use malloc alone.
 */
static void pool_init(struct kh_result *r, size_t ncols)
{
    size_t colbytes = sizeof(double) * r->n, bytes, i;

    if (r->n < 4096 || ncols == 0 || ncols > SIZE_MAX / colbytes - 1)
        return;
    bytes = (ncols * colbytes + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
    r->pool = aligned_alloc(POOL_ALIGN, bytes);
    r->pool_free = malloc(sizeof(*r->pool_free) * ncols);
    if (!r->pool || !r->pool_free) {
        free(r->pool);
        free(r->pool_free);
        r->pool = NULL;
        r->pool_free = NULL;
        return; /* columns come from malloc then */
    }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    (void)madvise(r->pool, bytes, MADV_HUGEPAGE);
#endif
    r->pool_cols = ncols;
    /* Handed out from the start of the block. */
    for (i = 0; i < ncols; i++)
        r->pool_free[i] = r->pool + (ncols - 1 - i) * r->n;
    r->npool_free = ncols;
}

double *kh_col_alloc(struct kh_result *r)
{
    if (r->npool_free)
        return r->pool_free[--r->npool_free];
    return malloc(sizeof(double) * (r->n ? r->n : 1));
}

void kh_col_release(struct kh_result *r, double *col)
{
    if (!col)
        return;
    if (r->pool && col >= r->pool && col < r->pool + r->pool_cols * r->n) {
        r->pool_free[r->npool_free++] = col;
        return;
    }
    free(col);
}

void kh_result_free(struct kh_result *r)
{
    int i;

    if (!r)
        return;
    if (r->cols)
        for (i = 0; i < r->s->nslots; i++)
            if (!r->colshared || !r->colshared[i])
                kh_col_release(r, r->cols[i]);
    kh_col_release(r, r->nancol);
    free(r->cols);
    free(r->colstate);
    free(r->colshared);
    free(r->input_slot);
    if (r->score)
        for (i = 0; i < r->s->nnodes; i++) {
            kh_col_release(r, r->score[i]);
            free(r->flag[i]);
            free(r->progress[i]);
            if (r->tmp_group[i] != r->cat)
                free(r->tmp_group[i]);
        }
    free(r->score);
    free(r->flag);
    free(r->progress);
    free(r->tmp_group);
    free(r->ngroups_cache);
    free(r->nodestate);
    free(r->cat);
    free(r->ev_start);
    free(r->ev_idx);
    free(r->basis);
    free(r->basis_of);
    free(r->order);
    free(r->order_start);
    free(r->rank);
    free(r->rank_size);
    free(r->tier);
    free(r->no_honours);
    free(r->vetoed);
    free(r->changes);
    free(r->pool);
    free(r->pool_free);
    free(r);
}

/* Events by unit within the period. (Values and targets need no index:
 * the dataset keeps them by indicator and period, io/dataset_cols.h.) */
static int build_indexes(struct kh_result *r)
{
    const struct kh_dataset *ds = r->ds;
    size_t i, *fill;

    r->ev_start = calloc(r->n + 1, sizeof(size_t));
    r->ev_idx = malloc(sizeof(size_t) * (ds->nevents ? ds->nevents : 1));
    fill = calloc(r->n + 1, sizeof(size_t));
    if (!r->ev_start || !r->ev_idx || !fill) {
        free(fill);
        return KH_ENOMEM;
    }
    for (i = 0; i < ds->nevents; i++)
        if (kh_event_in_period(r, &ds->events[i]))
            r->ev_start[ds->events[i].unit + 1]++;
    for (i = 0; i < r->n; i++)
        r->ev_start[i + 1] += r->ev_start[i];
    for (i = 0; i < ds->nevents; i++)
        if (kh_event_in_period(r, &ds->events[i])) {
            size_t u = (size_t)ds->events[i].unit;
            r->ev_idx[r->ev_start[u] + fill[u]++] = i;
        }
    free(fill);
    return KH_OK;
}

int kh_score(const struct kh_scheme *s, const struct kh_dataset *ds, const char *period,
             struct kh_result **out, struct kh_err *err)
{
    struct kh_result *r;
    size_t u, nn = (size_t)s->nnodes, ns = (size_t)s->nslots;
    int rc, i;

    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (!r)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    r->s = s;
    r->ds = ds;
    r->n = (size_t)ds->nunits;
    if (kh_period_parse(period, &r->period) != KH_OK) {
        kh_result_free(r);
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "period '%s': expected 2024, 2024H1, 2024Q3 or 2024-07", period);
    }
    kh_period_format(&r->period, r->period_text);
    r->cat = malloc(sizeof(int) * (r->n ? r->n : 1));
    r->cols = calloc(ns ? ns : 1, sizeof(double *));
    r->colstate = calloc(ns ? ns : 1, 1);
    r->colshared = calloc(ns ? ns : 1, 1);
    r->input_slot = malloc(sizeof(int) * (size_t)(s->ninputs ? s->ninputs : 1));
    r->score = calloc(nn, sizeof(double *));
    r->flag = calloc(nn, sizeof(unsigned char *));
    r->progress = calloc(nn, sizeof(signed char *));
    r->tmp_group = calloc(nn, sizeof(int *));
    r->ngroups_cache = calloc(nn, sizeof(int));
    r->nodestate = calloc(nn, 1);
    r->rank = calloc(r->n ? r->n : 1, sizeof(int));
    r->rank_size = calloc(r->n ? r->n : 1, sizeof(int));
    r->tier = malloc(sizeof(int) * (r->n ? r->n : 1));
    r->no_honours = calloc(r->n ? r->n : 1, 1);
    r->vetoed = calloc((r->n ? r->n : 1) * (size_t)(s->nvetoes ? s->nvetoes : 1), 1);
    pool_init(r, nn + ns);
    if (!r->cat || !r->cols || !r->colstate || !r->colshared || !r->input_slot || !r->score ||
        !r->flag || !r->progress || !r->tmp_group || !r->ngroups_cache || !r->nodestate ||
        !r->rank || !r->rank_size || !r->tier || !r->no_honours || !r->vetoed)
        goto nomem;
    for (i = 0; i < s->ninputs; i++)
        r->input_slot[i] = -1;
    for (i = 0; i < s->nslots; i++)
        if (s->slots[i].kind == KH_SLOT_INPUT)
            r->input_slot[s->slots[i].ref] = i;
    for (i = 0; i < s->nnodes; i++) {
        r->score[i] = kh_col_alloc(r);
        r->flag[i] = calloc(r->n ? r->n : 1, 1);
        if (!r->score[i] || !r->flag[i])
            goto nomem;
    }
    for (u = 0; u < r->n; u++) {
        const struct kh_unit *un = &ds->units[u];
        r->tier[u] = -1;
        r->cat[u] = un->category ? kh_scheme_category(s, un->category) : -1;
        if (r->cat[u] < 0) {
            rc = kh_err_set(err, KH_EINVAL, un->file >= 0 ? kh_src_file(ds, un->file) : NULL,
                            un->line, 0,
                            "unit '%s' (%s) has category '%s', which scheme '%s' does not "
                            "define; its categories are listed under categories:",
                            un->id, un->name ? un->name : "", un->category ? un->category : "",
                            s->id);
            kh_result_free(r);
            return rc;
        }
    }
    /* Parameter keys that are not categories must be units of the data. */
    for (i = 0; i < s->nunit_keys; i++)
        if (kh_dataset_unit(ds, s->unit_keys[i].key) < 0) {
            rc = kh_err_set(err, KH_EINVAL, s->file, s->unit_keys[i].pos.line,
                            s->unit_keys[i].pos.col,
                            "'%s' is neither a category of the scheme nor a unit in the data "
                            "(parameters differ by category id or unit id)",
                            s->unit_keys[i].key);
            kh_result_free(r);
            return rc;
        }
    if (build_indexes(r))
        goto nomem;
    if ((rc = kh_node_compute(r, 0, err)) || (rc = kh_result_finish(r, err))) {
        kh_result_free(r);
        return rc;
    }
    *out = r;
    return KH_OK;
nomem:
    kh_result_free(r);
    return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory scoring %s", period);
}

/* ---- accessors ------------------------------------------------------------- */

const char *kh_result_period(const struct kh_result *r)
{
    return r->period_text;
}

int kh_result_category(const struct kh_result *r, int unit)
{
    return r->cat[unit];
}

double kh_result_score(const struct kh_result *r, int unit, int node)
{
    return r->score[node][unit];
}

double kh_result_display(const struct kh_result *r, int unit, int node)
{
    return kh_round(r->score[node][unit], r->s->decimals);
}

double kh_result_value(const struct kh_result *r, int unit, int node)
{
    int slot = r->s->nodes[node].slot_x;
    return slot >= 0 && r->cols[slot] ? r->cols[slot][unit] : NAN;
}

double kh_result_target(const struct kh_result *r, int unit, int node)
{
    int slot = r->s->nodes[node].slot_t;
    return slot >= 0 && r->cols[slot] ? r->cols[slot][unit] : NAN;
}

int kh_result_rank(const struct kh_result *r, int unit)
{
    return r->rank[unit];
}

int kh_result_rank_size(const struct kh_result *r, int unit)
{
    return r->rank_size[unit];
}

int kh_result_tier(const struct kh_result *r, int unit)
{
    return r->tier[unit];
}

const char *kh_result_tier_id(const struct kh_result *r, int unit)
{
    return r->tier[unit] >= 0 ? r->s->tiers.levels[r->tier[unit]].id : "";
}

const char *kh_result_tier_name(const struct kh_result *r, int unit)
{
    return r->tier[unit] >= 0 ? r->s->tiers.levels[r->tier[unit]].name : "";
}

int kh_result_veto_count(const struct kh_result *r, int unit)
{
    int i, n = 0;
    for (i = 0; i < r->s->nvetoes; i++)
        n += r->vetoed[(size_t)unit * (size_t)r->s->nvetoes + (size_t)i] != 0;
    return n;
}

const char *kh_result_veto_name(const struct kh_result *r, int unit, int k)
{
    int i;
    for (i = 0; i < r->s->nvetoes; i++)
        if (r->vetoed[(size_t)unit * (size_t)r->s->nvetoes + (size_t)i] && k-- == 0)
            return r->s->vetoes[i].name;
    return "";
}

int kh_result_honours_eligible(const struct kh_result *r, int unit)
{
    return !r->no_honours[unit];
}

int kh_result_progress(const struct kh_result *r, int unit, int node)
{
    return r->progress[node] ? r->progress[node][unit] : KH_PROGRESS_NONE;
}
