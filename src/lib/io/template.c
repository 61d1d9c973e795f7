/*
 * template.c — a filled data-entry template (wide: units down, inputs
 * across) read back as long-form values records; see io/template.h for the
 * interface and docs/data-files.md ("数据填报模板") for the sheet layout this
 * relies on: a marker row first, header rows, a hidden key row whose cells
 * are "unit", "unit_name", "category" and the input ids, then one row per
 * unit.
 */
#include "base/common.h"
#include "io/template.h"

enum { ST_FIRST, ST_HEADER, ST_DATA, ST_PASS };

void kh_template_conv_init(struct kh_template_conv *c, kh_csv_record_fn next, void *next_ctx,
                           const char *name, struct kh_err *err)
{
    memset(c, 0, sizeof(*c));
    c->next = next;
    c->next_ctx = next_ctx;
    c->name = name;
    c->err = err;
    c->state = ST_FIRST;
    c->col_unit = c->col_name = -1;
}

void kh_template_conv_release(struct kh_template_conv *c)
{
    int i;
    if (c->ids)
        for (i = 0; i < c->ncols; i++)
            free(c->ids[i]);
    free(c->ids);
    free(c->inputs);
    c->ids = NULL;
    c->inputs = NULL;
    c->ncols = 0;
}

int kh_template_conv_is_template(const struct kh_template_conv *c)
{
    return c->state == ST_HEADER || c->state == ST_DATA;
}

/* Is field i equal to s? */
static int field_is(const char *const *f, const size_t *lens, int n, int i, const char *s)
{
    return i < n && lens[i] == strlen(s) && memcmp(f[i], s, lens[i]) == 0;
}

int kh_template_is_marker(const char *const *fields, const size_t *lens, int nfields)
{
    return field_is(fields, lens, nfields, 0, KH_TEMPLATE_MARKER);
}

/* The marker row: version, then name/value pairs (period is required). */
static int read_marker(struct kh_template_conv *c, const char **f, const size_t *lens, int n,
                       int line)
{
    struct kh_period p;
    int i, have = 0;

    if (!field_is(f, lens, n, 1, KH_TEMPLATE_VERSION))
        return kh_err_set(c->err, KH_EINVAL, c->name, line, 2,
                          "this kaohe template has format version \"%.*s\"; this kaohe reads "
                          "version " KH_TEMPLATE_VERSION ": export a new template",
                          n > 1 ? (int)(lens[1] > 20 ? 20 : lens[1]) : 0, n > 1 ? f[1] : "");
    for (i = 2; i + 1 < n; i += 2) {
        if (!field_is(f, lens, n, i, "period"))
            continue;
        char text[KH_PERIOD_TEXT];
        if (lens[i + 1] < sizeof(text))
            snprintf(text, sizeof(text), "%.*s", (int)lens[i + 1], f[i + 1]);
        if (lens[i + 1] >= sizeof(text) || kh_period_parse(text, &p) != KH_OK)
            return kh_err_set(c->err, KH_EINVAL, c->name, line, i + 2,
                              "template marker: period \"%.*s\" is not a period",
                              (int)(lens[i + 1] > 40 ? 40 : lens[i + 1]), f[i + 1]);
        kh_period_format(&p, c->period);
        have = 1;
    }
    if (!have)
        return kh_err_set(c->err, KH_EINVAL, c->name, line, 0,
                          "template marker row has no period: the hidden first row was "
                          "changed; export a new template");
    c->marker_line = line;
    c->state = ST_HEADER;
    return 0;
}

/* The key row: which column holds what. Hands the loader its header. */
static int read_key(struct kh_template_conv *c, const char **f, const size_t *lens, int n, int line)
{
    static const char *const head[] = {"unit", "unit_name", "indicator", "period", "value"};
    static const size_t head_lens[] = {4, 9, 9, 6, 5};
    int i;

    c->ids = calloc((size_t)n, sizeof(char *));
    c->inputs = calloc((size_t)n, sizeof(int));
    if (!c->ids || !c->inputs)
        return kh_err_set(c->err, KH_ENOMEM, c->name, line, 0, "out of memory");
    c->ncols = n;
    for (i = 0; i < n; i++) {
        if (field_is(f, lens, n, i, "unit"))
            c->col_unit = i;
        else if (field_is(f, lens, n, i, "unit_name"))
            c->col_name = i;
        else if (lens[i] && !field_is(f, lens, n, i, "category")) {
            c->ids[i] = kh_strndup(f[i], lens[i]);
            if (!c->ids[i])
                return kh_err_set(c->err, KH_ENOMEM, c->name, line, 0, "out of memory");
            c->inputs[i] = 1;
        }
    }
    c->state = ST_DATA;
    return c->next(c->next_ctx, (const char **)head, head_lens, 5, line);
}

/* A unit's row: one record per filled input cell. */
static int read_unit(struct kh_template_conv *c, const char **f, const size_t *lens, int n,
                     int line)
{
    const char *rec[5];
    size_t rl[5];
    int i, rc;

    if (c->col_unit >= n || !lens[c->col_unit])
        return 0; /* no unit code: not a unit's row */
    rec[0] = f[c->col_unit];
    rl[0] = lens[c->col_unit];
    rec[1] = c->col_name >= 0 && c->col_name < n ? f[c->col_name] : "";
    rl[1] = c->col_name >= 0 && c->col_name < n ? lens[c->col_name] : 0;
    rec[3] = c->period;
    rl[3] = strlen(c->period);
    for (i = 0; i < n && i < c->ncols; i++) {
        size_t k;
        int blank = 1;
        if (!c->inputs[i])
            continue;
        for (k = 0; k < lens[i] && blank; k++)
            blank = f[i][k] == ' ' || f[i][k] == '\t';
        if (blank)
            continue;
        rec[2] = c->ids[i];
        rl[2] = strlen(c->ids[i]);
        rec[4] = f[i];
        rl[4] = lens[i];
        if ((rc = c->next(c->next_ctx, rec, rl, 5, line)) != 0) {
            /* The loader counted columns of the long-form record; point
             * at the sheet's cell instead. */
            if (rc < 0 && c->err && c->err->line == line && c->err->col > 0)
                c->err->col = c->err->col == 1   ? c->col_unit + 1
                              : c->err->col == 2 ? c->col_name + 1
                                                 : i + 1;
            return rc;
        }
        c->records++;
    }
    return 0;
}

int kh_template_conv_record(void *ctx, const char **fields, const size_t *lens, int nfields,
                            int line)
{
    struct kh_template_conv *c = ctx;

    switch (c->state) {
    case ST_FIRST:
        if (!kh_template_is_marker(fields, lens, nfields)) {
            c->state = ST_PASS;
            return c->next(c->next_ctx, fields, lens, nfields, line);
        }
        return read_marker(c, fields, lens, nfields, line);
    case ST_HEADER:
        /* Title and header rows come before the hidden key row. */
        if (!field_is(fields, lens, nfields, 0, "unit"))
            return 0;
        return read_key(c, fields, lens, nfields, line);
    case ST_DATA:
        return read_unit(c, fields, lens, nfields, line);
    default:
        return c->next(c->next_ctx, fields, lens, nfields, line);
    }
}

int kh_template_conv_finish(struct kh_template_conv *c)
{
    if (c->state == ST_HEADER)
        return kh_err_set(c->err, KH_EINVAL, c->name, c->marker_line, 0,
                          "a kaohe template without its key row (the hidden row with \"unit\" "
                          "and the input ids was deleted): export a new template");
    return KH_OK;
}

int kh_template_csv_sink(void *ctx, const char **fields, const size_t *lens, int nfields, int line)
{
    struct kh_buf *b = ctx;
    int i;
    (void)line;
    for (i = 0; i < nfields; i++) {
        char *f = kh_strndup(fields[i], lens[i]);
        if (!f)
            return KH_ENOMEM;
        if (i)
            kh_buf_putc(b, ',');
        kh_buf_csv_field(b, f);
        free(f);
    }
    kh_buf_putc(b, '\n');
    return kh_buf_failed(b) ? kh_buf_failed(b) : 0;
}
