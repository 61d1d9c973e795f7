/*
 * store_canon.c — the canonical text of input records (see store_int.h for
 * the layout of each kind). Snapshots hash it, diffs compare it field by
 * field, and imports compare an incoming event with a stored one through
 * it, so one function per kind writes it for every purpose.
 *
 * The text is plain UTF-8: fields joined by tabs, with backslash, tab,
 * line feed and carriage return escaped, numbers in the shortest form that
 * reads back to the same double (15 to 17 significant digits, "%.*g"),
 * missing numbers as empty fields. The layout is part of the snapshot hash:
 * changing it changes every hash, so it is versioned with the hash
 * ("kaohe-snapshot 1" in store_snapshot.c).
 */
#include "base/common.h"

#include "store/store_int.h"

const char *store_num(double v, char out[40])
{
    int prec;

    if (isnan(v)) {
        out[0] = 0;
        return out;
    }
    for (prec = 15; prec <= 17; prec++) {
        double back;
        snprintf(out, 40, "%.*g", prec, v);
        if (kh_parse_double(out, &back) == KH_OK && back == v)
            break;
    }
    return out;
}

void store_canon(struct kh_buf *b, const char *s)
{
    const char *p = s ? s : "", *run = p;

    for (; *p; p++) {
        const char *esc;
        switch (*p) {
        case '\\':
            esc = "\\\\";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        default:
            continue;
        }
        kh_buf_add(b, run, (size_t)(p - run));
        kh_buf_puts(b, esc);
        run = p + 1;
    }
    kh_buf_add(b, run, (size_t)(p - run));
}

/* Append a tab and then the field s. */
static void field(struct kh_buf *b, const char *s)
{
    kh_buf_putc(b, '\t');
    store_canon(b, s);
}

/* Append a tab and then the number v. */
static void number(struct kh_buf *b, double v)
{
    char t[40];
    kh_buf_putc(b, '\t');
    kh_buf_puts(b, store_num(v, t));
}

void store_event_data(struct kh_buf *b, const struct kh_event *e)
{
    store_canon(b, e->level);
    number(b, e->count);
    field(b, e->matter);
    number(b, e->points);
    kh_buf_printf(b, "\t%d\t%d", e->shares, e->exempt ? 1 : 0);
    field(b, e->evidence);
    field(b, e->note);
}

void store_unit_tags(struct kh_buf *b, const struct kh_unit *u)
{
    int i;

    for (i = 0; i < u->ntags; i++) {
        if (i)
            kh_buf_putc(b, ';');
        kh_buf_puts(b, u->tags[i]);
    }
}

void store_unit_attrs(struct kh_buf *b, const struct kh_unit *u)
{
    int order[64], *idx = order, i, j;
    char t[40];

    if (u->nattrs > (int)KH_ARRAY_LEN(order)) {
        idx = malloc((size_t)u->nattrs * sizeof(*idx));
        if (!idx) {
            b->failed = KH_ENOMEM;
            return;
        }
    }
    /* Sorted by name (insertion sort: a unit has a handful). */
    for (i = 0; i < u->nattrs; i++) {
        for (j = i; j > 0 && strcmp(u->attr_names[idx[j - 1]], u->attr_names[i]) > 0; j--)
            idx[j] = idx[j - 1];
        idx[j] = i;
    }
    for (i = 0; i < u->nattrs; i++) {
        if (i)
            kh_buf_putc(b, ';');
        kh_buf_printf(b, "%s=%s", u->attr_names[idx[i]], store_num(u->attr_values[idx[i]], t));
    }
    if (idx != order)
        free(idx);
}

void store_unit_data(struct kh_buf *b, const struct kh_unit *u)
{
    struct kh_buf t;

    kh_buf_init(&t, 0);
    store_canon(b, u->name);
    field(b, u->category);
    field(b, u->parent);
    store_unit_tags(&t, u);
    field(b, kh_buf_str(&t));
    kh_buf_reset(&t);
    store_unit_attrs(&t, u);
    field(b, kh_buf_str(&t));
    if (kh_buf_failed(&t))
        b->failed = kh_buf_failed(&t);
    kh_buf_free(&t);
}

void store_canon_record(const struct kh_dataset *ds, const char *kind, size_t i, int ordinal,
                        struct kh_buf *key, struct kh_buf *data)
{
    char t[KH_PERIOD_TEXT];

    kh_buf_reset(key);
    kh_buf_reset(data);
    switch (kind[0]) {
    case 'u': {
        store_canon(key, ds->units[i].id);
        store_unit_data(data, &ds->units[i]);
        break;
    }
    case 'v': {
        const struct kh_value *v = &ds->values[i];
        char n[40];
        store_canon(key, ds->units[v->unit].id);
        field(key, ds->indicators[v->indicator]);
        field(key, kh_period_format(&v->period, t));
        kh_buf_puts(data, store_num(v->value, n));
        break;
    }
    case 't': {
        const struct kh_target *x = &ds->targets[i];
        char n[40];
        store_canon(key, ds->units[x->unit].id);
        field(key, ds->indicators[x->indicator]);
        field(key, kh_period_format(&x->period, t));
        kh_buf_puts(data, store_num(x->target, n));
        number(data, x->baseline);
        break;
    }
    case 'e': {
        const struct kh_event *e = &ds->events[i];
        store_canon(key, ds->units[e->unit].id);
        field(key, e->item);
        field(key, kh_period_format(&e->period, t));
        kh_buf_printf(key, "\t%d", ordinal);
        store_event_data(data, e);
        break;
    }
    default: {
        const struct kh_ballot *x = &ds->ballots[i];
        char n[40];
        store_canon(key, x->meeting);
        field(key, x->evaluator);
        field(key, ds->units[x->unit].id);
        store_canon(data, x->group);
        field(data, x->grade);
        kh_buf_putc(data, '\t');
        kh_buf_puts(data, store_num(x->score, n));
        break;
    }
    }
}

int store_canon_split(const char *rec, struct kh_buf *work, const char **fields, int max)
{
    size_t off[32];
    int n = 1, i;
    const char *p;

    if (max > (int)KH_ARRAY_LEN(off))
        max = (int)KH_ARRAY_LEN(off);
    if (max < 1)
        return 0;
    kh_buf_reset(work);
    off[0] = 0;
    for (p = rec ? rec : ""; *p; p++) {
        char c = *p;
        if (c == '\\' && p[1]) {
            p++;
            c = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
        } else if (c == '\t' && n < max) {
            kh_buf_putc(work, 0);
            off[n++] = work->len;
            continue;
        }
        kh_buf_putc(work, c);
    }
    kh_buf_putc(work, 0);
    if (kh_buf_failed(work))
        return -1;
    for (i = 0; i < n; i++)
        fields[i] = work->data + off[i];
    return n;
}
