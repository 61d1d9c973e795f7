/*
 * dataset_cols.c — values and targets by (indicator, period), over the
 * units (io/dataset_cols.h): building the columns as rows are entered,
 * the duplicate check they give for free, rollback, and lookups.
 */
#include "base/common.h"

#include "io/dataset_cols.h"
#include "io/dataset_priv.h"

/* A sparse column becomes dense when more than this share of the units
 * (1/DENSE_AT) have an entry: dense costs 12 bytes per unit. */
#define DENSE_AT 4

const struct kh_dscol *kh_dscols(const struct kh_dataset *ds, int targets, int ind, int *ncols)
{
    const struct ds_priv *pv = ds_priv(ds);
    const struct ds_icols *ic;

    *ncols = 0;
    if (ind < 0 || ind >= ds->nindicators || (size_t)ind >= pv->cols_cap[targets != 0])
        return NULL;
    ic = &pv->cols[targets != 0][ind];
    *ncols = ic->n;
    return ic->c;
}

static int bit_get(const unsigned char *bits, size_t nbits, size_t u)
{
    return u < nbits && (bits[u / 8] >> (u % 8) & 1);
}

uint32_t kh_dscol_find(const struct kh_dscol *c, size_t u, size_t *at)
{
    size_t k;

    if (c->dense) {
        if (u >= c->n || !c->ref[u])
            return 0;
        *at = u;
        return c->ref[u];
    }
    if (!bit_get(c->bits, c->nbits, u))
        return 0;
    for (k = c->count; k-- > 0;)
        if (c->unit[k] == u) {
            *at = k;
            return c->ref[k];
        }
    return 0;
}

void kh_dscol_where(const struct kh_dataset *ds, int targets, const struct kh_dscol *c, size_t at,
                    int *file, int *line)
{
    uint32_t ref = c->ref[at];

    if (!ds_priv(ds)->compact) {
        *file = targets ? ds->targets[ref - 1].file : ds->values[ref - 1].file;
        *line = targets ? ds->targets[ref - 1].line : ds->values[ref - 1].line;
        return;
    }
    *file = c->files ? c->files[at] : c->file;
    if (*file < 0)
        *file = -1; /* added in code */
    *line = *file < 0 ? 0 : (int)(ref - 1);
}

/* realloc *p to n elements of `size` bytes; KH_OK or KH_ENOMEM. */
static int resize(void *p, size_t n, size_t size)
{
    void *q = realloc(*(void **)p, n * size);
    if (!q)
        return KH_ENOMEM;
    *(void **)p = q;
    return KH_OK;
}

/* Grow the dense arrays of c to cover n units (new slots empty). */
static int dense_grow(struct kh_dscol *c, size_t n)
{
    size_t u;

    if (n <= c->n)
        return KH_OK;
    if (resize(&c->v, n, sizeof(*c->v)) || (c->b && resize(&c->b, n, sizeof(*c->b))) ||
        resize(&c->ref, n, sizeof(*c->ref)) || (c->files && resize(&c->files, n, sizeof(int))))
        return KH_ENOMEM;
    for (u = c->n; u < n; u++) {
        c->v[u] = NAN;
        if (c->b)
            c->b[u] = NAN;
        c->ref[u] = 0;
        if (c->files)
            c->files[u] = -1;
    }
    c->n = n;
    return KH_OK;
}

/* Turn sparse column c into a dense one over n units (n > every unit in it). */
static int make_dense(struct kh_dscol *c, size_t n, int targets)
{
    double *v = malloc(n * sizeof(*v)), *b = targets ? malloc(n * sizeof(*b)) : NULL;
    uint32_t *ref = calloc(n, sizeof(*ref));
    int *files = c->files ? malloc(n * sizeof(*files)) : NULL;
    size_t u, k;

    if (!v || !ref || (targets && !b) || (c->files && !files)) {
        free(v);
        free(b);
        free(ref);
        free(files);
        return KH_ENOMEM;
    }
    for (u = 0; u < n; u++) {
        v[u] = NAN;
        if (b)
            b[u] = NAN;
        if (files)
            files[u] = -1;
    }
    for (k = 0; k < c->count; k++) {
        u = c->unit[k];
        v[u] = c->v[k];
        if (b)
            b[u] = c->b[k];
        ref[u] = c->ref[k];
        if (files)
            files[u] = c->files[k];
    }
    free(c->v);
    free(c->b);
    free(c->ref);
    free(c->files);
    free(c->unit);
    free(c->bits);
    c->v = v;
    c->b = b;
    c->ref = ref;
    c->files = files;
    c->unit = NULL;
    c->bits = NULL;
    c->nbits = 0;
    c->n = n;
    c->dense = 1;
    return KH_OK;
}

/* Make room in sparse column c for one more entry, for unit u. */
static int sparse_reserve(struct kh_dscol *c, size_t u, int targets)
{
    size_t cap;

    if (u >= c->nbits) {
        size_t nb = c->nbits ? c->nbits : 64;
        unsigned char *bits;
        while (nb <= u)
            nb *= 2;
        if (!(bits = realloc(c->bits, (nb + 7) / 8)))
            return KH_ENOMEM;
        memset(bits + (c->nbits + 7) / 8, 0, (nb + 7) / 8 - (c->nbits + 7) / 8);
        c->bits = bits;
        c->nbits = nb;
    }
    if (c->count < c->n)
        return KH_OK;
    cap = c->n ? c->n * 2 : 8;
    if (resize(&c->v, cap, sizeof(*c->v)) || (targets && resize(&c->b, cap, sizeof(*c->b))) ||
        resize(&c->ref, cap, sizeof(*c->ref)) || resize(&c->unit, cap, sizeof(*c->unit)) ||
        (c->files && resize(&c->files, cap, sizeof(int))))
        return KH_ENOMEM;
    c->n = cap;
    return KH_OK;
}

/* Give column c one file per entry (rows of a second file come): every
 * entry so far came from c->file. */
static int split_files(struct kh_dscol *c)
{
    size_t k, m = c->n ? c->n : 1;

    if (!(c->files = malloc(m * sizeof(*c->files))))
        return KH_ENOMEM;
    for (k = 0; k < c->n; k++)
        c->files[k] = c->dense && !c->ref[k] ? -1 : c->file;
    return KH_OK;
}

/* The column of (ind, p) of that kind, added (empty, sparse) if new; NULL
 * when out of memory. */
static struct kh_dscol *col_for(struct kh_dataset *ds, int targets, int ind,
                                const struct kh_period *p, int file)
{
    struct ds_priv *pv = ds_priv(ds);
    struct ds_icols *ic;
    struct kh_dscol *c;
    int k;

    if ((size_t)ind >= pv->cols_cap[targets]) {
        size_t old = pv->cols_cap[targets];
        if (kh_grow(&pv->cols[targets], &pv->cols_cap[targets], (size_t)ind + 1,
                    sizeof(**pv->cols)))
            return NULL;
        memset(pv->cols[targets] + old, 0, (pv->cols_cap[targets] - old) * sizeof(**pv->cols));
    }
    ic = &pv->cols[targets][ind];
    /* Rows come in runs: try the column used last first. */
    for (k = 0; k < ic->n; k++) {
        int j = (ic->hint + k) % ic->n;
        if (kh_period_equal(&ic->c[j].period, p)) {
            ic->hint = j;
            return &ic->c[j];
        }
    }
    if (ic->n == ic->cap) {
        size_t cap = (size_t)ic->cap;
        if (kh_grow(&ic->c, &cap, (size_t)ic->n + 1, sizeof(*ic->c)))
            return NULL;
        ic->cap = (int)cap;
    }
    c = &ic->c[ic->n];
    memset(c, 0, sizeof(*c));
    c->period = *p;
    c->file = file;
    ic->hint = ic->n;
    ic->n++;
    return c;
}

int ds_cols_put(struct kh_dataset *ds, int targets, const struct ds_entry *e, int *dup_file,
                int *dup_line)
{
    struct ds_priv *pv = ds_priv(ds);
    struct kh_dscol *c;
    size_t at, un = (size_t)e->unit, nunits = (size_t)ds->nunits;
    size_t idx = targets ? ds->ntargets : ds->nvalues;
    uint32_t ref;
    int rc, file;

    targets = targets != 0;
    if (!pv->compact) {
        ref = (uint32_t)(idx + 1);
        file = -1;
    } else if (e->file >= 0) {
        ref = (uint32_t)e->line + 1;
        file = e->file;
    } else {
        /* Added in code: a running number, after the files so far. */
        if (pv->code_rows >= INT32_MAX - 1 || ds->nfiles > INT32_MAX - 2)
            return KH_ELIMIT;
        ref = pv->code_rows + 1;
        file = -(ds->nfiles + 2);
    }
    if ((!pv->compact && idx >= UINT32_MAX - 1) || pv->nentries[targets] >= UINT32_MAX - 1 ||
        ref == 0)
        return KH_ELIMIT;
    if (!(c = col_for(ds, targets, e->indicator, &e->period, file)))
        return KH_ENOMEM;
    if (kh_dscol_find(c, un, &at)) {
        kh_dscol_where(ds, targets, c, at, dup_file, dup_line);
        return KH_EINVAL;
    }
    if (nunits <= un)
        nunits = un + 1;
    if (pv->compact && !c->files && c->count && c->file != file && (rc = split_files(c)))
        return rc;
    if (!c->dense && (c->count + 1) * DENSE_AT > nunits && (rc = make_dense(c, nunits, targets)))
        return rc;
    if (c->dense) {
        if (un >= c->n && (rc = dense_grow(c, nunits)))
            return rc;
        at = un;
    } else {
        if ((rc = sparse_reserve(c, un, targets)))
            return rc;
        at = c->count;
        c->unit[at] = (uint32_t)un;
        c->bits[un / 8] |= (unsigned char)(1u << (un % 8));
    }
    if (!c->count && !c->files)
        c->file = file;
    c->v[at] = e->v;
    if (targets)
        c->b[at] = e->b;
    c->ref[at] = ref;
    if (c->files)
        c->files[at] = file;
    c->count++;
    pv->nentries[targets]++;
    if (pv->compact && e->file < 0)
        pv->code_rows++;
    return KH_OK;
}

/* Remove entry `at` of column c (of unit u). */
static void col_remove(struct kh_dscol *c, size_t at, size_t u)
{
    if (c->dense) {
        c->ref[at] = 0;
        c->v[at] = NAN;
        if (c->b)
            c->b[at] = NAN;
        if (c->files)
            c->files[at] = -1;
    } else {
        size_t m = c->count - at - 1;
        c->bits[u / 8] &= (unsigned char)~(1u << (u % 8));
        memmove(&c->unit[at], &c->unit[at + 1], m * sizeof(*c->unit));
        memmove(&c->ref[at], &c->ref[at + 1], m * sizeof(*c->ref));
        memmove(&c->v[at], &c->v[at + 1], m * sizeof(*c->v));
        if (c->b)
            memmove(&c->b[at], &c->b[at + 1], m * sizeof(*c->b));
        if (c->files)
            memmove(&c->files[at], &c->files[at + 1], m * sizeof(*c->files));
    }
    c->count--;
}

static void col_free(struct kh_dscol *c)
{
    free(c->v);
    free(c->b);
    free(c->ref);
    free(c->files);
    free(c->unit);
    free(c->bits);
    memset(c, 0, sizeof(*c));
}

/* Compact form: remove column c's entries from files numbered nfiles and up. */
static size_t drop_files(struct kh_dscol *c, int nfiles)
{
    size_t i, k, dropped = 0;

    if (!c->files) {
        if (c->file < nfiles || !c->count)
            return 0;
        dropped = c->count; /* every entry came from the failed file */
        if (c->dense) {
            for (i = 0; i < c->n; i++) {
                c->ref[i] = 0;
                c->v[i] = NAN;
                if (c->b)
                    c->b[i] = NAN;
            }
        } else if (c->bits) {
            memset(c->bits, 0, (c->nbits + 7) / 8);
        }
        c->count = 0;
        return dropped;
    }
    for (i = c->dense ? c->n : c->count; i-- > 0;) {
        if (c->dense && !c->ref[i])
            continue;
        if (c->files[i] < nfiles)
            continue;
        k = c->dense ? i : c->unit[i];
        col_remove(c, i, k);
        dropped++;
    }
    return dropped;
}

void ds_cols_rollback(struct kh_dataset *ds, int targets, size_t keep, size_t count, int nfiles,
                      int nind)
{
    struct ds_priv *pv = ds_priv(ds);
    size_t i;
    int j;

    targets = targets != 0;
    if (pv->compact) {
        if (ds->nfiles > nfiles)
            for (i = 0; i < pv->cols_cap[targets]; i++)
                for (j = 0; j < pv->cols[targets][i].n; j++)
                    pv->nentries[targets] -= drop_files(&pv->cols[targets][i].c[j], nfiles);
    } else {
        /* Newest first: in a sparse column, the entries to drop are its last. */
        for (i = count; i-- > keep;) {
            const struct kh_period *p = targets ? &ds->targets[i].period : &ds->values[i].period;
            int u = targets ? ds->targets[i].unit : ds->values[i].unit;
            int ind = targets ? ds->targets[i].indicator : ds->values[i].indicator;
            struct ds_icols *ic;
            if ((size_t)ind >= pv->cols_cap[targets])
                continue;
            ic = &pv->cols[targets][ind];
            for (j = 0; j < ic->n; j++) {
                struct kh_dscol *c = &ic->c[j];
                size_t at;
                if (!kh_period_equal(&c->period, p) || kh_dscol_find(c, (size_t)u, &at) != i + 1)
                    continue;
                col_remove(c, at, (size_t)u);
                pv->nentries[targets]--;
                break;
            }
        }
    }
    for (i = 0; i < pv->cols_cap[targets]; i++) {
        struct ds_icols *ic = &pv->cols[targets][i];
        if (i >= (size_t)nind) {
            for (j = 0; j < ic->n; j++) {
                pv->nentries[targets] -= ic->c[j].count;
                col_free(&ic->c[j]);
            }
            free(ic->c);
            memset(ic, 0, sizeof(*ic));
            continue;
        }
        /* Columns are added in order: the ones a rolled-back load added are
         * the last, and now empty. */
        while (ic->n > 0 && ic->c[ic->n - 1].count == 0)
            col_free(&ic->c[--ic->n]);
        ic->hint = 0;
    }
}

void ds_cols_free(struct kh_dataset *ds)
{
    struct ds_priv *pv = ds_priv(ds);
    size_t i;
    int t, j;

    for (t = 0; t < 2; t++) {
        for (i = 0; i < pv->cols_cap[t]; i++) {
            for (j = 0; j < pv->cols[t][i].n; j++)
                col_free(&pv->cols[t][i].c[j]);
            free(pv->cols[t][i].c);
        }
        free(pv->cols[t]);
        pv->cols[t] = NULL;
        pv->cols_cap[t] = 0;
        pv->nentries[t] = 0;
    }
}

int ds_put(struct kh_dataset *ds, int targets, const struct ds_entry *e, int *dup_file,
           int *dup_line)
{
    struct ds_priv *pv = ds_priv(ds);
    int rc;

    if (!pv->compact) {
        if (targets) {
            struct kh_target *t;
            if (ds->ntargets >= pv->targets_cap && (rc = ds_reserve_targets(ds, 1)))
                return rc;
            t = &ds->targets[ds->ntargets];
            t->unit = e->unit;
            t->indicator = e->indicator;
            t->period = e->period;
            t->target = e->v;
            t->baseline = e->b;
            t->file = e->file;
            t->line = e->line;
        } else {
            struct kh_value *v;
            if (ds->nvalues >= pv->values_cap && (rc = ds_reserve_values(ds, 1)))
                return rc;
            v = &ds->values[ds->nvalues];
            v->unit = e->unit;
            v->indicator = e->indicator;
            v->period = e->period;
            v->value = e->v;
            v->file = e->file;
            v->line = e->line;
        }
    }
    if ((rc = ds_cols_put(ds, targets, e, dup_file, dup_line)))
        return rc;
    if (!pv->compact) {
        if (targets)
            ds->ntargets++;
        else
            ds->nvalues++;
    }
    return KH_OK;
}
