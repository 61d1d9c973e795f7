/*
 * dataset_load.c — reading the five data files (units, values, targets,
 * events, ballots) into a dataset: CSV (RFC 4180, via io/csv.h) in UTF-8,
 * UTF-16 or GB18030 (via io/encoding.h), with a header row whose columns
 * may come in any order and be named in English or Chinese. The formats
 * are documented for users in docs/data-files.md.
 *
 * A file whose content is a zip archive (or a CDFV2 file, to refuse it
 * with advice) is read as an Excel workbook instead (ECMA-376 SpreadsheetML,
 * io/xlsx.h): one sheet's rows take the place of the CSV records, a date
 * cell in the period column becomes its month, and errors name the sheet,
 * row and column as the spreadsheet does ("values.xlsx [Sheet1]!C17"). A
 * values sheet that is a filled data-entry template (io/template.h) is
 * turned into long-form records on the way.
 *
 * Each file is loaded all or nothing: rows are validated and appended as
 * they are read, and any error rolls the dataset back (io/dataset_priv.h).
 * The values loader is the hot path (millions of rows): no allocation per
 * row, the last unit, indicator and period are cached, numbers of up to 15
 * digits are converted without strtod.
 */
#include "base/common.h"

#include <sys/stat.h>

#include "io/csv.h"
#include "io/dataset_priv.h"
#include "io/encoding.h"
#include "io/template.h"
#include "io/xlsx.h"

/* What a column means. */
enum role {
    R_NONE = 0, /* a column with an empty header: its cells must be empty */
    R_ATTR,     /* units.csv: any other column, a numeric attribute */
    R_REMARK,   /* a remark column of values/targets: read, not used */
    R_ID,
    R_NAME,
    R_CATEGORY,
    R_PARENT,
    R_TAGS,
    R_UNIT,
    R_UNIT_NAME, /* the unit's name beside its id: checked against units.csv */
    R_INDICATOR,
    R_PERIOD,
    R_VALUE,
    R_TARGET,
    R_BASELINE,
    R_ITEM,
    R_LEVEL,
    R_COUNT,
    R_MATTER,
    R_POINTS,
    R_SHARES,
    R_EXEMPT,
    R_EVIDENCE,
    R_NOTE,
    R_MEETING,
    R_EVALUATOR,
    R_GROUP,
    R_GRADE,
    R_SCORE,
    R_MAX
};

/* A column a file kind knows: its role, its header names (English first),
 * and whether it must be present. */
struct col_spec {
    int role;
    const char *names[5];
    int required;
};

static const struct col_spec units_cols[] = {
    {R_ID, {"id", "编码", "单位编码"}, 1},
    {R_NAME, {"name", "名称", "单位名称"}, 1},
    {R_CATEGORY, {"category", "类别", "赛道"}, 1},
    {R_PARENT, {"parent", "上级", "上级单位"}, 0},
    {R_TAGS, {"tags", "标签"}, 0},
};

static const struct col_spec values_cols[] = {
    {R_UNIT, {"unit", "单位", "单位编码", "unit_id"}, 1},
    {R_INDICATOR, {"indicator", "指标"}, 1},
    {R_PERIOD, {"period", "期间", "时期"}, 1},
    {R_VALUE, {"value", "数值", "值"}, 1},
    {R_UNIT_NAME, {"unit_name", "单位名称", "name", "名称"}, 0},
    {R_REMARK, {"note", "备注"}, 0},
};

static const struct col_spec targets_cols[] = {
    {R_UNIT, {"unit", "单位", "单位编码", "unit_id"}, 1},
    {R_INDICATOR, {"indicator", "指标"}, 1},
    {R_PERIOD, {"period", "期间", "时期"}, 1},
    {R_TARGET, {"target", "目标", "目标值"}, 0},
    {R_BASELINE, {"baseline", "基数", "基期值"}, 0},
    {R_UNIT_NAME, {"unit_name", "单位名称", "name", "名称"}, 0},
    {R_REMARK, {"note", "备注"}, 0},
};

static const struct col_spec events_cols[] = {
    {R_UNIT, {"unit", "单位", "单位编码", "unit_id"}, 1},
    {R_ITEM, {"item", "事项", "类型"}, 1},
    {R_PERIOD, {"period", "期间", "时期"}, 1},
    {R_LEVEL, {"level", "级别"}, 0},
    {R_COUNT, {"count", "数量"}, 0},
    {R_MATTER, {"matter", "事由"}, 0},
    {R_POINTS, {"points", "分值"}, 0},
    {R_SHARES, {"shares", "共享数"}, 0},
    {R_EXEMPT, {"exempt", "免责"}, 0},
    {R_EVIDENCE, {"evidence", "佐证"}, 0},
    {R_NOTE, {"note", "备注"}, 0},
    {R_UNIT_NAME, {"unit_name", "单位名称", "name", "名称"}, 0},
};

static const struct col_spec ballots_cols[] = {
    {R_MEETING, {"meeting", "会议"}, 1},
    {R_EVALUATOR, {"evaluator", "评委"}, 1},
    {R_GROUP, {"group", "评委组"}, 0},
    {R_UNIT, {"unit", "单位", "单位编码", "unit_id"}, 1},
    {R_GRADE, {"grade", "等次", "评价"}, 0},
    {R_SCORE, {"score", "分数"}, 0},
    {R_UNIT_NAME, {"unit_name", "单位名称", "name", "名称"}, 0},
};

struct load;

/* A data file kind: its name, its columns, what to do with each row, and
 * what to check once every row is in. */
struct kind {
    const char *name;
    const struct col_spec *cols;
    int ncols;
    int (*row)(struct load *ld, int line);
    int (*finish)(struct load *ld);
    int (*presize)(struct kh_dataset *ds, size_t rows); /* or NULL */
};

/* The state of one file load. */
struct load {
    struct kh_dataset *ds;
    const struct kind *kind;
    const char *name; /* file name for errors */
    int file;         /* its index in ds->files */
    int encoding;
    struct kh_err *err;
    struct ds_mark mark;
    int header_line; /* 0 until the header is read */
    int ncols;
    int *roles;        /* role of each column */
    char **headers;    /* each column's header text */
    const char **attr; /* units.csv: interned attribute name of each R_ATTR column */
    int nattr_cols;
    int role_col[R_MAX];
    int used[R_MAX]; /* the roles that have a column */
    int nused;
    int need_fields; /* a row must reach the last required column */
    /* the current row */
    const char **fields;
    const size_t *lens;
    int nfields;
    const char *rf[R_MAX];
    size_t rn[R_MAX];
    /* caches of the last row's unit, indicator and period */
    int c_unit, c_ind;
    struct kh_period c_period;
    char c_ptext[24];
    size_t c_plen;
};

/* ---- messages ------------------------------------------------------------- */

/* Copy s[0..n) for a message: at most about 60 bytes (cut at a character
 * boundary, "…" added), control characters shown as spaces. */
static const char *shown(const char *s, size_t n, char *out, size_t outsz)
{
    size_t i, lim = n, o = 0;

    if (lim > 60) {
        lim = 60;
        while (lim > 0 && ((unsigned char)s[lim] & 0xC0) == 0x80)
            lim--;
    }
    for (i = 0; i < lim && o + 1 < outsz; i++)
        out[o++] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
    out[o] = 0;
    if (lim < n && o + 4 < outsz)
        snprintf(out + o, outsz - o, "\xE2\x80\xA6");
    return out;
}

/* Record an error about column `col` (0-based) of the row on `line`: the
 * message is prefixed with the column's header name. */
static int col_error(struct load *ld, int code, int line, int col, const char *fmt, ...)
    KH_PRINTF(5, 6);

static int col_error(struct load *ld, int code, int line, int col, const char *fmt, ...)
{
    char msg[640], head[80];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (col < 0 || col >= ld->ncols || !ld->headers[col][0])
        return kh_err_set(ld->err, code, ld->name, line, col + 1, "%s", msg);
    return kh_err_set(ld->err, code, ld->name, line, col + 1, "column \"%s\": %s",
                      shown(ld->headers[col], strlen(ld->headers[col]), head, sizeof(head)), msg);
}

/* col_error for the column of `role` in the current row. */
#define role_error(ld, line, role, ...)                                                            \
    col_error(ld, KH_EINVAL, line, (ld)->role_col[role], __VA_ARGS__)

/* Out of memory while loading. */
static int nomem(struct load *ld, int line)
{
    return kh_err_set(ld->err, KH_ENOMEM, ld->name, line, 0, "out of memory loading %s data",
                      ld->kind->name);
}

/* The usual header names of a role ("unit (单位)"), for messages. */
static const char *role_names(const struct kind *k, int role, char *out, size_t outsz)
{
    int i;

    snprintf(out, outsz, "?");
    for (i = 0; i < k->ncols; i++)
        if (k->cols[i].role == role)
            snprintf(out, outsz, "%s (%s)", k->cols[i].names[0], k->cols[i].names[1]);
    return out;
}

/* ---- field parsers ---------------------------------------------------------- */

/* Non-zero if s[0..n) holds a control character (line break, tab …). */
static int has_control(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return 1;
    return 0;
}

static const double pow10_table[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * Parse s[0..n) as a plain decimal number:
 * optional sign, digits with an optional decimal point, optional exponent;
 * blanks around it allowed. No hex, inf, nan, separators or '%'. Returns
 * KH_OK or KH_EINVAL.
 */
static int parse_number(const char *s, size_t n, double *out)
{
    const char *p = s, *end = s + n;
    uint64_t m = 0;
    int digits = 0, frac = 0, neg = 0, dot = 0, simple = 1;
    char tmp[128];

    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (p < end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    for (; p < end; p++) {
        if (*p >= '0' && *p <= '9') {
            if (m < UINT64_C(1) << 53) {
                m = m * 10 + (uint64_t)(*p - '0');
                if (dot)
                    frac++;
            } else {
                simple = 0;
            }
            digits++;
        } else if (*p == '.' && !dot) {
            dot = 1;
        } else {
            break;
        }
    }
    if (!digits)
        return KH_EINVAL;
    if (p == end && simple && m <= UINT64_C(1) << 53 && frac <= 22) {
        /* Clinger's fast path: both operands exact, one rounding. */
        double v = (double)m / pow10_table[frac];
        *out = neg ? -v : v;
        return KH_OK;
    }
    /* Only an exponent may follow; then let strtod do the rounding. */
    if (p < end) {
        if (*p != 'e' && *p != 'E')
            return KH_EINVAL;
        p++;
        if (p < end && (*p == '-' || *p == '+'))
            p++;
        if (p == end)
            return KH_EINVAL;
        for (; p < end; p++)
            if (*p < '0' || *p > '9')
                return KH_EINVAL;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if ((size_t)(end - s) >= sizeof(tmp))
        return KH_EINVAL;
    memcpy(tmp, s, (size_t)(end - s));
    tmp[end - s] = 0;
    return kh_parse_double(tmp, out);
}

/* c in lower case if it is an ASCII letter, else c. */
static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Words that people put in a cell to mean "no data". */
static const char *const missing_words[] = {
    "-",
    "--",
    "/",
    "NA",
    "N/A",
    "null",
    "nan",
    "none",
    "\xE2\x80\x94",             /* — */
    "\xE2\x80\x94\xE2\x80\x94", /* —— */
    "\xE6\x97\xA0",             /* 无 */
    "\xE7\xA9\xBA",             /* 空 */
};

/* Advice on why s[0..n) is not a number, written into out. */
static const char *number_hint(const char *s, size_t n, char *out, size_t outsz)
{
    char tmp[128], shown_buf[100];
    size_t i, o = 0;
    double v;

    for (i = 0; i < KH_ARRAY_LEN(missing_words); i++) {
        const char *w = missing_words[i];
        size_t j, wl = strlen(w);
        int same = wl == n;
        for (j = 0; same && j < n; j++)
            same = ascii_lower(s[j]) == ascii_lower(w[j]);
        if (same) {
            snprintf(out, outsz, "leave the cell empty for a missing value");
            return out;
        }
    }
    if (n && s[0] == '#') {
        snprintf(out, outsz,
                 "the spreadsheet cell holds an error: correct it, or leave the cell empty for "
                 "a missing value");
        return out;
    }
    if (n < sizeof(tmp) && memchr(s, ',', n)) {
        for (i = 0; i < n; i++)
            if (s[i] != ',')
                tmp[o++] = s[i];
        tmp[o] = 0;
        if (parse_number(tmp, o, &v) == KH_OK) {
            snprintf(out, outsz, "remove the thousands separators (write %s)",
                     shown(tmp, o, shown_buf, sizeof(shown_buf)));
            return out;
        }
    }
    if (n > 1 && n < sizeof(tmp) && s[n - 1] == '%') {
        memcpy(tmp, s, n - 1);
        tmp[n - 1] = 0;
        if (parse_number(tmp, n - 1, &v) == KH_OK) {
            snprintf(out, outsz,
                     "values are plain numbers, without '%%': write %s if the indicator is "
                     "measured in percent",
                     shown(tmp, n - 1, shown_buf, sizeof(shown_buf)));
            return out;
        }
    }
    for (i = 0; i + 2 < n; i++) {
        if ((unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBC &&
            (unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x99) {
            snprintf(out, outsz, "use half-width digits (0-9), not full-width ones");
            return out;
        }
    }
    snprintf(out, outsz, "expected a plain number such as 12.5 or -3");
    return out;
}

/* Parse the number in the current row's `role` field into *out; an empty
 * field gives `dflt`. */
static int row_number(struct load *ld, int line, int role, double dflt, double *out)
{
    char hint[200], buf[100];

    if (!ld->rn[role]) {
        *out = dflt;
        return KH_OK;
    }
    if (parse_number(ld->rf[role], ld->rn[role], out) == KH_OK)
        return KH_OK;
    return role_error(ld, line, role, "\"%s\" is not a number: %s",
                      shown(ld->rf[role], ld->rn[role], buf, sizeof(buf)),
                      number_hint(ld->rf[role], ld->rn[role], hint, sizeof(hint)));
}

/* The current row's period into *p (cached). */
static int row_period(struct load *ld, int line, struct kh_period *p)
{
    const char *s = ld->rf[R_PERIOD];
    size_t n = ld->rn[R_PERIOD];
    char buf[100];

    if (n == ld->c_plen && n && memcmp(s, ld->c_ptext, n) == 0) {
        *p = ld->c_period;
        return KH_OK;
    }
    if (!n)
        return role_error(ld, line, R_PERIOD, "the period is empty: expected " DS_PERIOD_FORMS);
    if (kh_period_parse(s, p)) {
        int short_month = n == 6 && s[4] == '-' && s[5] >= '1' && s[5] <= '9';
        return role_error(
            ld, line, R_PERIOD, "\"%s\" is not a period: expected " DS_PERIOD_FORMS "%s",
            shown(s, n, buf, sizeof(buf)), short_month ? " (write months with two digits)" : "");
    }
    if (n < sizeof(ld->c_ptext)) {
        memcpy(ld->c_ptext, s, n);
        ld->c_plen = n;
        ld->c_period = *p;
    }
    return KH_OK;
}

/* Check the optional unit-name column against unit u. */
static int row_unit_name(struct load *ld, int line, int u)
{
    const char *s = ld->rf[R_UNIT_NAME];
    size_t n = ld->rn[R_UNIT_NAME];
    char buf[100];

    if (!n || (strncmp(ld->ds->units[u].name, s, n) == 0 && ld->ds->units[u].name[n] == 0))
        return KH_OK;
    return role_error(ld, line, R_UNIT_NAME,
                      "unit %s is named \"%s\" in the units file, but this row says \"%s\": "
                      "check that the row is about the right unit",
                      ld->ds->units[u].id, ld->ds->units[u].name, shown(s, n, buf, sizeof(buf)));
}

/* The current row's unit (cached), checked against the unit-name column
 * when the file has one. */
static int row_unit(struct load *ld, int line, int *u)
{
    const struct kh_dataset *ds = ld->ds;
    const char *s = ld->rf[R_UNIT];
    size_t n = ld->rn[R_UNIT];
    char hint[512], buf[100];

    if (ld->c_unit >= 0 && strncmp(ds->units[ld->c_unit].id, s, n) == 0 &&
        ds->units[ld->c_unit].id[n] == 0) {
        *u = ld->c_unit;
    } else {
        if (!n)
            return role_error(ld, line, R_UNIT, "the unit id is empty");
        *u = ds_unit_find(ds, s, n);
        if (*u < 0)
            return role_error(ld, line, R_UNIT, "unknown unit \"%s\": %s",
                              shown(s, n, buf, sizeof(buf)),
                              ds_unknown_unit_hint(ds, s, hint, sizeof(hint)));
        ld->c_unit = *u;
    }
    return ld->rn[R_UNIT_NAME] ? row_unit_name(ld, line, *u) : KH_OK;
}

/* The current row's indicator (cached, interned if new). */
static int row_indicator(struct load *ld, int line, int *ind)
{
    const char *s = ld->rf[R_INDICATOR];
    size_t n = ld->rn[R_INDICATOR];

    if (ld->c_ind >= 0 && strncmp(ld->ds->indicators[ld->c_ind], s, n) == 0 &&
        ld->ds->indicators[ld->c_ind][n] == 0) {
        *ind = ld->c_ind;
        return KH_OK;
    }
    if (!n)
        return role_error(ld, line, R_INDICATOR, "the indicator name is empty");
    *ind = ds_indicator_find(ld->ds, s, n);
    if (*ind < 0) {
        if (has_control(s, n))
            return role_error(ld, line, R_INDICATOR,
                              "the indicator name holds a line break or other control "
                              "character: expected a name on one line");
        *ind = ds_indicator_intern(ld->ds, s, n);
        if (*ind < 0)
            return *ind == KH_ENOMEM ? nomem(ld, line)
                                     : role_error(ld, line, R_INDICATOR, "too many indicators");
    }
    ld->c_ind = *ind;
    return KH_OK;
}

/* Check that the name-like field of `role` (when given, or always when
 * `required`) is one line; `what` names it in messages. */
static int row_name(struct load *ld, int line, int role, int required, const char *what)
{
    if (!ld->rn[role]) {
        if (!required)
            return KH_OK;
        return role_error(ld, line, role, "the %s is empty", what);
    }
    if (has_control(ld->rf[role], ld->rn[role]))
        return role_error(ld, line, role,
                          "the %s holds a line break or other control character: expected "
                          "text on one line",
                          what);
    return KH_OK;
}

/* Copy the current row's `role` field (NULL when empty) into *out.
 * Non-zero when out of memory. */
static int row_strdup(struct load *ld, int role, char **out)
{
    *out = ld->rn[role] ? kh_strndup(ld->rf[role], ld->rn[role]) : NULL;
    return ld->rn[role] && !*out;
}

/* ---- the rows of each kind ------------------------------------------------ */

/*
 * The row handlers: validate the current row (ld->rf / ld->rn, from `line`)
 * and append its record to the dataset. Return KH_OK, or the error recorded
 * in ld->err; a record is appended only on KH_OK.
 */

/* units.csv: id, name, category, parent, tags and numeric attributes. The
 * parents are checked once the whole file is in (units_finish). */
static int units_row(struct load *ld, int line)
{
    struct kh_dataset *ds = ld->ds;
    struct kh_unit *u;
    int rc, dup = 0, i, k, idx;
    char where[300], buf[100];

    if ((rc = row_name(ld, line, R_ID, 1, "unit id")) ||
        (rc = row_name(ld, line, R_NAME, 1, "unit name")) ||
        (rc = row_name(ld, line, R_CATEGORY, 1, "category")) ||
        (rc = row_name(ld, line, R_PARENT, 0, "parent unit id")))
        return rc;
    if (ds_reserve_units(ds, 1))
        return nomem(ld, line);
    idx = ds->nunits;
    u = &ds->units[idx];
    memset(u, 0, sizeof(*u));
    u->file = ld->file;
    u->line = line;
    if (row_strdup(ld, R_ID, &u->id) || row_strdup(ld, R_NAME, &u->name) ||
        row_strdup(ld, R_CATEGORY, &u->category) || row_strdup(ld, R_PARENT, &u->parent) ||
        ds_unit_set_tags(u, ld->rf[R_TAGS], ld->rn[R_TAGS]))
        goto nomem;
    /* Attributes: one array of exactly the cells given. */
    for (i = 0, k = 0; i < ld->ncols && i < ld->nfields; i++)
        k += ld->roles[i] == R_ATTR && ld->lens[i];
    if (k) {
        u->attr_names = malloc((size_t)k * sizeof(*u->attr_names));
        u->attr_values = malloc((size_t)k * sizeof(*u->attr_values));
        if (!u->attr_names || !u->attr_values)
            goto nomem;
    }
    for (i = 0; i < ld->ncols && i < ld->nfields; i++) {
        double v;
        char hint[200];
        if (ld->roles[i] != R_ATTR || !ld->lens[i])
            continue;
        if (parse_number(ld->fields[i], ld->lens[i], &v)) {
            ds_unit_release(u);
            return col_error(ld, KH_EINVAL, line, i,
                             "\"%s\" is not a number: %s (the extra columns of a units file are "
                             "numeric attributes)",
                             shown(ld->fields[i], ld->lens[i], buf, sizeof(buf)),
                             number_hint(ld->fields[i], ld->lens[i], hint, sizeof(hint)));
        }
        u->attr_names[u->nattrs] = (char *)ld->attr[i];
        u->attr_values[u->nattrs++] = v;
    }
    rc = ds_unit_enter(ds, idx, &dup);
    if (rc == KH_EINVAL) {
        ds_unit_release(u);
        return role_error(
            ld, line, R_ID, "duplicate unit id \"%s\": already defined at %s",
            shown(ld->rf[R_ID], ld->rn[R_ID], buf, sizeof(buf)),
            ds_where(ds, ds->units[dup].file, ds->units[dup].line, ld->file, where, sizeof(where)));
    }
    if (rc)
        goto nomem;
    ds->nunits++;
    return KH_OK;
nomem:
    ds_unit_release(u);
    return nomem(ld, line);
}

/* The index of unit u's parent, or -1 (none or unknown). */
static int parent_of(const struct kh_dataset *ds, int u)
{
    const char *p = ds->units[u].parent;
    return p ? ds_unit_find(ds, p, strlen(p)) : -1;
}

/* After a units file: every new unit's parent exists and no parents form
 * a cycle. */
static int units_finish(struct load *ld)
{
    struct kh_dataset *ds = ld->ds;
    unsigned char *state;
    char chain[400];
    int i, j, rc = KH_OK;

    for (i = ld->mark.nunits; i < ds->nunits; i++) {
        const struct kh_unit *u = &ds->units[i];
        if (u->parent && parent_of(ds, i) < 0)
            return col_error(ld, KH_EINVAL, u->line, ld->role_col[R_PARENT],
                             "unknown parent unit \"%s\": expected the id of a unit in this "
                             "file or in a units file loaded before",
                             u->parent);
    }
    /* Walk up from each new unit: 1 = on the current path, 2 = known good. */
    state = calloc((size_t)ds->nunits, 1);
    if (!state)
        return nomem(ld, 0);
    for (i = ld->mark.nunits; i < ds->nunits && !rc; i++) {
        for (j = i; j >= 0 && !state[j]; j = parent_of(ds, j))
            state[j] = 1;
        if (j >= 0 && state[j] == 1) {
            /* j is on the path just walked: the parents loop through it. */
            int k = j, steps = 0;
            size_t o = 0;
            chain[0] = 0;
            do {
                o += (size_t)snprintf(chain + o, sizeof(chain) - o, "%s \xE2\x86\x92 ",
                                      ds->units[k].id);
                if (o >= sizeof(chain))
                    o = sizeof(chain) - 1;
                k = parent_of(ds, k);
            } while (k != j && ++steps < 20);
            snprintf(chain + o, sizeof(chain) - o, "%s", ds->units[j].id);
            rc = col_error(ld, KH_EINVAL, ds->units[j].line, ld->role_col[R_PARENT],
                           "the parent units form a cycle: %s", chain);
        }
        for (j = i; j >= 0 && state[j] == 1; j = parent_of(ds, j))
            state[j] = 2;
    }
    free(state);
    if (!rc && ds->nunits > ld->mark.nunits)
        ds_priv(ds)->units_file = ld->file;
    return rc;
}

/* values.csv: unit, indicator, period, value (empty: NaN); the hot path. */
static int values_row(struct load *ld, int line)
{
    struct kh_dataset *ds = ld->ds;
    struct ds_entry e;
    char where[300], ptext[KH_PERIOD_TEXT];
    int rc, df = -1, dl = 0;

    if ((rc = row_unit(ld, line, &e.unit)) || (rc = row_indicator(ld, line, &e.indicator)) ||
        (rc = row_period(ld, line, &e.period)) || (rc = row_number(ld, line, R_VALUE, NAN, &e.v)))
        return rc;
    e.b = NAN;
    e.file = ld->file;
    e.line = line;
    rc = ds_put(ds, 0, &e, &df, &dl);
    if (rc == KH_EINVAL)
        return kh_err_set(ld->err, rc, ld->name, line, 0,
                          "duplicate value for unit %s, indicator %s, period %s: %s already "
                          "gives one (keep one of the two rows)",
                          ds->units[e.unit].id, ds->indicators[e.indicator],
                          kh_period_format(&e.period, ptext),
                          ds_where(ds, df, dl, ld->file, where, sizeof(where)));
    if (rc)
        return nomem(ld, line);
    return KH_OK;
}

/* targets.csv: unit, indicator, period, target and/or baseline. */
static int targets_row(struct load *ld, int line)
{
    struct kh_dataset *ds = ld->ds;
    struct ds_entry e;
    char where[300], ptext[KH_PERIOD_TEXT], n1[80], n2[80];
    int rc, df = -1, dl = 0;

    if ((rc = row_unit(ld, line, &e.unit)) || (rc = row_indicator(ld, line, &e.indicator)) ||
        (rc = row_period(ld, line, &e.period)) ||
        (rc = row_number(ld, line, R_TARGET, NAN, &e.v)) ||
        (rc = row_number(ld, line, R_BASELINE, NAN, &e.b)))
        return rc;
    if (isnan(e.v) && isnan(e.b))
        return kh_err_set(ld->err, KH_EINVAL, ld->name, line, 0,
                          "the row gives neither a target nor a baseline: fill in %s, %s or both",
                          role_names(ld->kind, R_TARGET, n1, sizeof(n1)),
                          role_names(ld->kind, R_BASELINE, n2, sizeof(n2)));
    e.file = ld->file;
    e.line = line;
    rc = ds_put(ds, 1, &e, &df, &dl);
    if (rc == KH_EINVAL)
        return kh_err_set(ld->err, rc, ld->name, line, 0,
                          "duplicate target for unit %s, indicator %s, period %s: %s already "
                          "gives one (put the target and the baseline in one row)",
                          ds->units[e.unit].id, ds->indicators[e.indicator],
                          kh_period_format(&e.period, ptext),
                          ds_where(ds, df, dl, ld->file, where, sizeof(where)));
    if (rc)
        return nomem(ld, line);
    return KH_OK;
}

/* Parse the exempt flag of the current row. */
static int row_exempt(struct load *ld, int line, int *out)
{
    static const char *const yes[] = {"1", "yes", "true", "y", "\xE6\x98\xAF" /* 是 */};
    static const char *const no[] = {"0", "no", "false", "n", "\xE5\x90\xA6" /* 否 */};
    const char *s = ld->rf[R_EXEMPT];
    char low[16], buf[100];
    size_t i, n = ld->rn[R_EXEMPT];

    *out = 0;
    if (!n)
        return KH_OK;
    if (n < sizeof(low)) {
        for (i = 0; i < n; i++)
            low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
        low[n] = 0;
        for (i = 0; i < KH_ARRAY_LEN(yes); i++) {
            if (strcmp(low, yes[i]) == 0) {
                *out = 1;
                return KH_OK;
            }
            if (strcmp(low, no[i]) == 0)
                return KH_OK;
        }
    }
    return role_error(ld, line, R_EXEMPT,
                      "\"%s\" is not a yes/no value: expected 1 or 0, 是 or 否, yes or no, true "
                      "or false (empty means no)",
                      shown(s, n, buf, sizeof(buf)));
}

/* events.csv: unit, item, period and the optional event fields. */
static int events_row(struct load *ld, int line)
{
    struct kh_dataset *ds = ld->ds;
    struct kh_event *e;
    struct kh_period p;
    char buf[100];
    double count, points;
    long shares = 1;
    int u, rc, exempt;

    if ((rc = row_unit(ld, line, &u)) || (rc = row_name(ld, line, R_ITEM, 1, "item")) ||
        (rc = row_name(ld, line, R_LEVEL, 0, "level")) || (rc = row_period(ld, line, &p)) ||
        (rc = row_number(ld, line, R_COUNT, 1, &count)) ||
        (rc = row_number(ld, line, R_POINTS, NAN, &points)) || (rc = row_exempt(ld, line, &exempt)))
        return rc;
    if (count < 0)
        return role_error(ld, line, R_COUNT, "the count is negative: expected 0 or more");
    if (ld->rn[R_SHARES] && kh_parse_long(ld->rf[R_SHARES], 1, 1000000, &shares))
        return role_error(ld, line, R_SHARES,
                          "\"%s\" is not a number of sharers: expected a whole number of 1 or "
                          "more (how many units share the credit)",
                          shown(ld->rf[R_SHARES], ld->rn[R_SHARES], buf, sizeof(buf)));
    if (ds_reserve_events(ds, 1))
        return nomem(ld, line);
    e = &ds->events[ds->nevents];
    memset(e, 0, sizeof(*e));
    e->unit = u;
    e->period = p;
    e->count = count;
    e->points = points;
    e->shares = (int)shares;
    e->exempt = exempt;
    e->file = ld->file;
    e->line = line;
    if (row_strdup(ld, R_ITEM, &e->item) | row_strdup(ld, R_LEVEL, &e->level) |
        row_strdup(ld, R_MATTER, &e->matter) | row_strdup(ld, R_EVIDENCE, &e->evidence) |
        row_strdup(ld, R_NOTE, &e->note)) {
        ds_event_release(e);
        return nomem(ld, line);
    }
    ds->nevents++;
    return KH_OK;
}

/* ballots.csv: meeting, evaluator, group, unit, and a grade or a score. */
static int ballots_row(struct load *ld, int line)
{
    struct kh_dataset *ds = ld->ds;
    struct kh_ballot *b;
    char where[300], n1[80], n2[80];
    size_t dup = 0;
    double score;
    int u, rc;

    if ((rc = row_name(ld, line, R_MEETING, 1, "meeting")) ||
        (rc = row_name(ld, line, R_EVALUATOR, 1, "evaluator")) ||
        (rc = row_name(ld, line, R_GROUP, 0, "evaluator group")) || (rc = row_unit(ld, line, &u)) ||
        (rc = row_name(ld, line, R_GRADE, 0, "grade")) ||
        (rc = row_number(ld, line, R_SCORE, NAN, &score)))
        return rc;
    if ((ld->rn[R_GRADE] == 0) == (isnan(score) != 0))
        return kh_err_set(ld->err, KH_EINVAL, ld->name, line, 0,
                          "a ballot row gives either a grade or a score: fill in exactly one "
                          "of %s and %s",
                          role_names(ld->kind, R_GRADE, n1, sizeof(n1)),
                          role_names(ld->kind, R_SCORE, n2, sizeof(n2)));
    if (ds_reserve_ballots(ds, 1))
        return nomem(ld, line);
    b = &ds->ballots[ds->nballots];
    memset(b, 0, sizeof(*b));
    b->unit = u;
    b->score = score;
    b->file = ld->file;
    b->line = line;
    if (row_strdup(ld, R_MEETING, &b->meeting) | row_strdup(ld, R_EVALUATOR, &b->evaluator) |
        row_strdup(ld, R_GROUP, &b->group) | row_strdup(ld, R_GRADE, &b->grade)) {
        ds_ballot_release(b);
        return nomem(ld, line);
    }
    rc = ds_ballot_enter(ds, ds->nballots, &dup);
    if (rc) {
        ds_ballot_release(b);
        if (rc != KH_EINVAL)
            return nomem(ld, line);
        b = &ds->ballots[dup];
        return kh_err_set(ld->err, rc, ld->name, line, 0,
                          "duplicate ballot: evaluator \"%s\" already marked unit %s at meeting "
                          "\"%s\" on %s",
                          b->evaluator, ds->units[u].id, b->meeting,
                          ds_where(ds, b->file, b->line, ld->file, where, sizeof(where)));
    }
    ds->nballots++;
    return KH_OK;
}

static const struct kind kinds[] = {
    {"units", units_cols, (int)KH_ARRAY_LEN(units_cols), units_row, units_finish, NULL},
    {"values", values_cols, (int)KH_ARRAY_LEN(values_cols), values_row, NULL, ds_presize_values},
    {"targets", targets_cols, (int)KH_ARRAY_LEN(targets_cols), targets_row, NULL,
     ds_presize_targets},
    {"events", events_cols, (int)KH_ARRAY_LEN(events_cols), events_row, NULL, NULL},
    {"ballots", ballots_cols, (int)KH_ARRAY_LEN(ballots_cols), ballots_row, NULL, NULL},
};

/* ---- header and rows ---------------------------------------------------- */

/* ASCII case-insensitive equality of s[0..n) and the NUL-terminated name. */
static int header_is(const char *s, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char a = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
        if (!name[i] || a != name[i])
            return 0;
    }
    return name[n] == 0;
}

/* The header cells found, "单位, 期间, 数值", for messages. */
static const char *header_list(const struct load *ld, char *out, size_t outsz)
{
    size_t o = 0;
    int c;

    out[0] = 0;
    for (c = 0; c < ld->ncols && o + 1 < outsz; c++) {
        char buf[100];
        o += (size_t)snprintf(out + o, outsz - o, "%s%s", c ? ", " : "",
                              ld->headers[c][0]
                                  ? shown(ld->headers[c], strlen(ld->headers[c]), buf, sizeof(buf))
                                  : "(empty)");
    }
    return out;
}

/* The columns a kind accepts, "unit (单位), indicator (指标) …". */
static const char *expected_list(const struct kind *k, char *out, size_t outsz)
{
    size_t o = 0;
    int i;

    out[0] = 0;
    for (i = 0; i < k->ncols && o + 1 < outsz; i++)
        o += (size_t)snprintf(out + o, outsz - o, "%s%s (%s)", i ? ", " : "", k->cols[i].names[0],
                              k->cols[i].names[1]);
    return out;
}

/* Read the header row: assign each column its role. */
static int read_header(struct load *ld, const char **fields, const size_t *lens, int n, int line)
{
    const struct kind *k = ld->kind;
    char list[600], buf[100];
    int c, i, j, role;

    ld->header_line = line;
    ld->roles = calloc((size_t)n, sizeof(*ld->roles));
    ld->headers = calloc((size_t)n, sizeof(*ld->headers));
    ld->attr = calloc((size_t)n, sizeof(*ld->attr));
    if (!ld->roles || !ld->headers || !ld->attr)
        return nomem(ld, line);
    ld->ncols = n;
    for (c = 0; c < n; c++) {
        ld->headers[c] = kh_strndup(fields[c], lens[c]);
        if (!ld->headers[c])
            return nomem(ld, line);
    }
    for (i = 0; i < R_MAX; i++)
        ld->role_col[i] = -1;
    for (c = 0; c < n; c++) {
        role = R_NONE;
        if (!lens[c]) {
            ld->roles[c] = R_NONE;
            continue;
        }
        for (i = 0; i < k->ncols && role == R_NONE; i++)
            for (j = 0; j < (int)KH_ARRAY_LEN(k->cols[i].names) && k->cols[i].names[j]; j++)
                if (header_is(fields[c], lens[c], k->cols[i].names[j]))
                    role = k->cols[i].role;
        if (role == R_NONE && k->row == units_row) {
            if (has_control(fields[c], lens[c]))
                return col_error(ld, KH_EINVAL, line, c,
                                 "the column name holds a line break or control character");
            ld->attr[c] = ds_attr_intern(ld->ds, fields[c], lens[c]);
            if (!ld->attr[c])
                return nomem(ld, line);
            for (i = 0; i < c; i++)
                if (ld->attr[i] == ld->attr[c])
                    return kh_err_set(ld->err, KH_EINVAL, ld->name, line, c + 1,
                                      "column \"%s\" repeats column %d",
                                      shown(fields[c], lens[c], buf, sizeof(buf)), i + 1);
            ld->roles[c] = R_ATTR;
            ld->nattr_cols++;
            continue;
        }
        if (role == R_NONE)
            return kh_err_set(ld->err, KH_EINVAL, ld->name, line, c + 1,
                              "unknown column \"%s\" in a %s file: expected %s",
                              shown(fields[c], lens[c], buf, sizeof(buf)), k->name,
                              expected_list(k, list, sizeof(list)));
        if (ld->role_col[role] >= 0)
            return kh_err_set(ld->err, KH_EINVAL, ld->name, line, c + 1,
                              "column \"%s\" repeats column %d (\"%s\"): both mean %s",
                              shown(fields[c], lens[c], buf, sizeof(buf)), ld->role_col[role] + 1,
                              ld->headers[ld->role_col[role]],
                              role_names(k, role, list, sizeof(list)));
        ld->roles[c] = role;
        ld->role_col[role] = c;
        if (role > R_REMARK)
            ld->used[ld->nused++] = role;
    }
    for (i = 0; i < R_MAX; i++) {
        ld->rf[i] = "";
        ld->rn[i] = 0;
    }
    for (i = 0; i < k->ncols; i++) {
        role = k->cols[i].role;
        if (k->cols[i].required && ld->role_col[role] < 0) {
            char found[400];
            return kh_err_set(ld->err, KH_EINVAL, ld->name, line, 0,
                              "missing required column %s: the header has %s",
                              role_names(k, role, list, sizeof(list)),
                              header_list(ld, found, sizeof(found)));
        }
        if (k->cols[i].required && ld->role_col[role] + 1 > ld->need_fields)
            ld->need_fields = ld->role_col[role] + 1;
    }
    if (k->row == targets_row && ld->role_col[R_TARGET] < 0 && ld->role_col[R_BASELINE] < 0)
        return kh_err_set(ld->err, KH_EINVAL, ld->name, line, 0,
                          "missing column: a targets file needs target (目标), baseline (基数) or "
                          "both: the header has %s",
                          header_list(ld, list, sizeof(list)));
    if (k->row == ballots_row && ld->role_col[R_GRADE] < 0 && ld->role_col[R_SCORE] < 0)
        return kh_err_set(ld->err, KH_EINVAL, ld->name, line, 0,
                          "missing column: a ballots file needs grade (等次), score (分数) or "
                          "both: the header has %s",
                          header_list(ld, list, sizeof(list)));
    return KH_OK;
}

/* Sort the fields of one data row by role and hand it to the kind. */
static int read_row(struct load *ld, const char **fields, const size_t *lens, int n, int line)
{
    char buf[100];
    int i, blank = 1;

    for (i = 0; i < n && blank; i++)
        blank = !lens[i];
    if (blank)
        return KH_OK; /* a row of empty cells, as spreadsheets leave below a table */
    if (n < ld->need_fields)
        return kh_err_set(ld->err, KH_EINVAL, ld->name, line, n + 1,
                          "the row has %d fields but the header has %d columns: expected a "
                          "value for column \"%s\" (leave it empty, with its comma, if there is "
                          "none)",
                          n, ld->ncols, ld->headers[n]);
    for (i = 0; i < ld->nused; i++) {
        ld->rf[ld->used[i]] = "";
        ld->rn[ld->used[i]] = 0;
    }
    for (i = 0; i < n; i++) {
        int role = i < ld->ncols ? ld->roles[i] : -1;
        if (role > R_REMARK) {
            ld->rf[role] = fields[i];
            ld->rn[role] = lens[i];
        } else if (role < 0 && lens[i]) {
            return kh_err_set(ld->err, KH_EINVAL, ld->name, line, i + 1,
                              "the row has a value (\"%s\") in column %d, but the header has "
                              "only %d columns",
                              shown(fields[i], lens[i], buf, sizeof(buf)), i + 1, ld->ncols);
        } else if (role == R_NONE && lens[i]) {
            return kh_err_set(ld->err, KH_EINVAL, ld->name, line, i + 1,
                              "the row has a value (\"%s\") in column %d, which has no header "
                              "name: name the column or empty it",
                              shown(fields[i], lens[i], buf, sizeof(buf)), i + 1);
        }
    }
    ld->fields = fields;
    ld->lens = lens;
    ld->nfields = n;
    return ld->kind->row(ld, line);
}

/* The CSV reader's callback: the first record is the header. */
static int on_record(void *ctx, const char **fields, const size_t *lens, int n, int line)
{
    struct load *ld = ctx;

    if (!ld->header_line)
        return read_header(ld, fields, lens, n, line);
    return read_row(ld, fields, lens, n, line);
}

/* ---- entry points --------------------------------------------------------- */

/* The kind named `name`, or NULL. */
static const struct kind *find_kind(const char *name)
{
    size_t i;

    for (i = 0; name && i < KH_ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

/* Lines in text[0..len): an upper bound on its records, to size arrays. */
static size_t count_lines(const char *text, size_t len)
{
    const char *p = text, *end = text + len, *nl;
    size_t n = 1;

    while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p = nl + 1;
    }
    return n;
}

/* Release what a load allocated (not the records it added). */
static void load_release(struct load *ld)
{
    int c;

    for (c = 0; ld->headers && c < ld->ncols; c++)
        free(ld->headers[c]);
    free(ld->headers);
    free(ld->roles);
    free(ld->attr);
}

/* ---- workbooks (io/xlsx.h) ---------------------------------------------------- */

/* A load from one sheet of a workbook. */
struct sheet_load {
    struct load ld;
    struct kh_template_conv tc; /* values: a template becomes long-form rows */
    int templ;                  /* rows go through tc */
    int loader_err;             /* the error is the loader's, in sheet coordinates */
    char month[8];
    const char **pad; /* a short row widened to the header (ld.ncols cells) */
    size_t *pad_len;
};

/* The workbook reader's row callback: a date in the period column is its
 * month; a row that ends before the header does is widened with empty
 * cells (a sheet has no trailing commas to miss); then the row goes where
 * a CSV record would (through the template converter for values sheets,
 * which takes a template's rows as they are). */
static int on_sheet_row(void *ctx, struct xlsx_row *r)
{
    struct sheet_load *sl = ctx;
    struct load *ld = &sl->ld;
    int raw = sl->templ && kh_template_conv_is_template(&sl->tc);
    int pc = ld->header_line && !raw ? ld->role_col[R_PERIOD] : -1, rc, i;
    const char **f = r->text;
    size_t *l = r->len;
    int n = r->ncells;

    if (pc >= 0 && pc < r->ncells && r->type[pc] == XLSX_DATE && r->len[pc] >= 7) {
        memcpy(sl->month, r->text[pc], 7);
        sl->month[7] = 0;
        r->text[pc] = sl->month;
        r->len[pc] = 7;
    }
    if (ld->header_line && !raw && r->ncells < ld->ncols) {
        if (!sl->pad) {
            sl->pad = malloc((size_t)ld->ncols * sizeof(*sl->pad));
            sl->pad_len = malloc((size_t)ld->ncols * sizeof(*sl->pad_len));
            if (!sl->pad || !sl->pad_len) {
                sl->loader_err = 1;
                return nomem(ld, r->row);
            }
        }
        for (i = 0; i < ld->ncols; i++) {
            sl->pad[i] = i < r->ncells ? r->text[i] : "";
            sl->pad_len[i] = i < r->ncells ? r->len[i] : 0;
        }
        f = sl->pad;
        l = sl->pad_len;
        n = ld->ncols;
    }
    rc = sl->templ ? kh_template_conv_record(&sl->tc, f, l, n, r->row)
                   : on_record(ld, f, l, n, r->row);
    sl->loader_err = rc < 0;
    return rc;
}

/*
 * Load sheet `sheet` (NULL: the first visible worksheet) of the workbook
 * in the file at `path` (read as needed) or, with path NULL, in
 * data[0..len), as a file of kind k named `name`. The provenance name is
 * "name [sheet]"; rows are lines. All or nothing, as for CSV.
 */
static int load_sheet(struct kh_dataset *ds, const struct kind *k, const char *name,
                      const char *path, const char *data, size_t len, const char *sheet,
                      struct kh_err *err)
{
    struct sheet_load sl;
    struct xlsx *x = NULL;
    char where[300], list[600];
    int rc, idx;

    rc = path ? xlsx_open_file(&x, path, NULL, err) : xlsx_open_mem(&x, name, data, len, NULL, err);
    if (rc)
        return rc;
    idx = xlsx_sheet_choose(x, sheet, err);
    if (idx < 0) {
        xlsx_free(x);
        return idx;
    }
    xlsx_where(x, idx, 0, 0, where, sizeof(where));
    memset(&sl, 0, sizeof(sl));
    sl.ld.ds = ds;
    sl.ld.kind = k;
    sl.ld.name = where;
    sl.ld.err = err;
    sl.ld.encoding = KH_ENC_UTF8;
    sl.ld.c_unit = sl.ld.c_ind = -1;
    sl.templ = k->row == values_row;
    kh_template_conv_init(&sl.tc, on_record, &sl.ld, where, err);
    ds_mark(ds, &sl.ld.mark);
    sl.ld.file = ds_add_file(ds, where, KH_ENC_UTF8);
    if (sl.ld.file < 0) {
        rc = kh_err_set(err, sl.ld.file, where, 0, 0, "out of memory");
    } else {
        rc = xlsx_sheet_read(x, idx, on_sheet_row, &sl, err);
        if (rc == KH_OK && sl.templ)
            sl.loader_err = (rc = kh_template_conv_finish(&sl.tc)) != KH_OK;
        if (rc == KH_OK && !sl.ld.header_line) {
            sl.loader_err = 1;
            rc = kh_err_set(err, KH_EINVAL, where, 0, 0,
                            "the sheet is empty: expected a header row naming the columns (%s)",
                            expected_list(k, list, sizeof(list)));
        }
        if (rc == KH_OK && k->finish)
            sl.loader_err = (rc = k->finish(&sl.ld)) != KH_OK;
    }
    if (rc) {
        ds_rollback(ds, &sl.ld.mark);
        if (sl.loader_err)
            xlsx_err_locate(x, idx, err);
    }
    load_release(&sl.ld);
    kh_template_conv_release(&sl.tc);
    free(sl.pad);
    free(sl.pad_len);
    xlsx_free(x);
    return rc;
}

int kh_dataset_load_sheet(struct kh_dataset *ds, const char *kind, const char *path,
                          const char *sheet, struct kh_err *err)
{
    const struct kind *k = find_kind(kind);

    if (!ds || !path)
        return kh_err_set(err, KH_EINVAL, path, 0, 0, "no dataset or no file name");
    if (!k)
        return kh_dataset_load_mem(ds, kind, path, NULL, 0, err);
    return load_sheet(ds, k, path, path, NULL, 0, sheet, err);
}

int kh_dataset_load_mem(struct kh_dataset *ds, const char *kind, const char *name, const char *data,
                        size_t len, struct kh_err *err)
{
    struct kh_enc_text text;
    struct load ld;
    char list[600];
    int rc;

    if (!ds)
        return kh_err_set(err, KH_EINVAL, name, 0, 0, "no dataset");
    memset(&ld, 0, sizeof(ld));
    ld.kind = find_kind(kind);
    if (!ld.kind)
        return kh_err_set(err, KH_EINVAL, name, 0, 0,
                          "unknown kind of data file \"%s\": expected units, values, targets, "
                          "events or ballots",
                          kind ? kind : "");
    if (xlsx_sniff(data, len) != XLSX_SIG_NONE)
        return load_sheet(ds, ld.kind, name, NULL, data, len, NULL, err);
    rc = kh_enc_decode(name, data, len, &text, err);
    if (rc)
        return rc;
    ld.ds = ds;
    ld.name = name;
    ld.err = err;
    ld.encoding = text.encoding;
    ld.c_unit = ld.c_ind = -1;
    ds_mark(ds, &ld.mark);
    ld.file = ds_add_file(ds, name, text.encoding);
    if (ld.file < 0) {
        rc = kh_err_set(err, ld.file, name, 0, 0, "out of memory");
    } else {
        /* Size the arrays and maps once for a big file; a failure here is
         * not an error (they then grow as rows come). */
        if (ld.kind->presize && text.len > 65536)
            (void)ld.kind->presize(ds, count_lines(text.data, text.len));
        rc = kh_csv_parse(name, text.data, text.len, NULL, on_record, &ld, err);
        if (rc == KH_OK && !ld.header_line)
            rc = kh_err_set(err, KH_EINVAL, name, 1, 0,
                            "the file is empty: expected a header row naming the columns (%s)",
                            expected_list(ld.kind, list, sizeof(list)));
        if (rc == KH_OK && ld.kind->finish)
            rc = ld.kind->finish(&ld);
    }
    if (rc) {
        ds_rollback(ds, &ld.mark);
        if (text.encoding == KH_ENC_GB18030 && err) {
            size_t n = strlen(err->msg);
            snprintf(err->msg + n, sizeof(err->msg) - n, " [file read as %s]",
                     kh_enc_name(text.encoding));
        }
    }
    load_release(&ld);
    kh_enc_text_free(&text);
    return rc;
}

/* ---- loads driven from outside (io/dataset_priv.h: dataset_pieces.c) ------- */

/* A load whose text comes in pieces: line numbers are the file's. */
struct ds_load {
    struct load ld;
    int line_base; /* lines of the file before the current piece */
};

struct ds_load *ds_load_new(struct kh_dataset *ds, const char *kind, const char *name, int encoding,
                            struct kh_err *err)
{
    struct ds_load *l = calloc(1, sizeof(*l));

    if (!l) {
        kh_err_set(err, KH_ENOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    l->ld.ds = ds;
    l->ld.kind = find_kind(kind);
    l->ld.name = name;
    l->ld.err = err;
    l->ld.encoding = encoding;
    l->ld.c_unit = l->ld.c_ind = -1;
    if (!l->ld.kind) {
        kh_err_set(err, KH_EINVAL, name, 0, 0, "unknown kind of data file \"%s\"", kind);
        free(l);
        return NULL;
    }
    ds_mark(ds, &l->ld.mark);
    l->ld.file = ds_add_file(ds, name, encoding);
    if (l->ld.file < 0) {
        kh_err_set(err, l->ld.file, name, 0, 0, "out of memory");
        ds_rollback(ds, &l->ld.mark);
        free(l);
        return NULL;
    }
    return l;
}

void ds_load_presize(struct ds_load *l, size_t rows)
{
    if (l->ld.kind->presize)
        (void)l->ld.kind->presize(l->ld.ds, rows);
}

/* on_record for a piece: line numbers are the file's, not the piece's. */
static int on_piece_record(void *ctx, const char **fields, const size_t *lens, int n, int line)
{
    struct ds_load *l = ctx;
    return on_record(&l->ld, fields, lens, n, line + l->line_base);
}

int ds_load_text(struct ds_load *l, const char *text, size_t len, int delim, int line_base)
{
    struct kh_csv_opts opts;

    memset(&opts, 0, sizeof(opts));
    opts.delim = delim;
    l->line_base = line_base;
    return kh_csv_parse(l->ld.name, text, len, &opts, on_piece_record, l, l->ld.err);
}

int ds_load_finish(struct ds_load *l, int keep)
{
    char list[600];
    int rc = KH_OK;

    if (keep && !l->ld.header_line)
        rc = kh_err_set(l->ld.err, KH_EINVAL, l->ld.name, 1, 0,
                        "the file is empty: expected a header row naming the columns (%s)",
                        expected_list(l->ld.kind, list, sizeof(list)));
    if (keep && rc == KH_OK && l->ld.kind->finish)
        rc = l->ld.kind->finish(&l->ld);
    if (!keep || rc)
        ds_rollback(l->ld.ds, &l->ld.mark);
    load_release(&l->ld);
    free(l);
    return keep ? rc : KH_OK;
}

int kh_dataset_load_file(struct kh_dataset *ds, const char *kind, const char *path,
                         struct kh_err *err)
{
    char *data;
    size_t len;
    int rc;

    if (!find_kind(kind))
        return kh_dataset_load_mem(ds, kind, path, NULL, 0, err);
    if (ds && xlsx_sniff_file(path) != XLSX_SIG_NONE)
        return load_sheet(ds, find_kind(kind), path, path, NULL, 0, NULL, err);
    /* A big file is read in pieces when it can be. */
    if (ds && ds_load_pieces(ds, kind, path, err) == KH_OK)
        return KH_OK;
    rc = kh_csv_read_file(path, 0, &data, &len, err);
    if (rc)
        return rc;
    rc = kh_dataset_load_mem(ds, kind, path, data, len, err);
    free(data);
    return rc;
}

int kh_dataset_load_dir(struct kh_dataset *ds, const char *dir, struct kh_err *err)
{
    static const char *const order[] = {"units", "values", "targets", "events", "ballots"};
    char path[4096], xpath[4096];
    struct stat sb;
    size_t i;
    int rc, n;

    if (!ds || !dir)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no dataset or no folder name");
    for (i = 0; i < KH_ARRAY_LEN(order); i++) {
        n = snprintf(path, sizeof(path), "%s/%s.csv", dir, order[i]);
        if (n < 0 || (size_t)n + 1 >= sizeof(path))
            return kh_err_set(err, KH_EINVAL, dir, 0, 0, "the folder name is too long");
        /* A workbook of the same name stands in for a CSV file; not both. */
        snprintf(xpath, sizeof(xpath), "%s/%s.xlsx", dir, order[i]);
        if (stat(xpath, &sb) == 0) {
            if (stat(path, &sb) == 0)
                return kh_err_set(err, KH_EINVAL, xpath, 0, 0,
                                  "the data folder holds both %s.csv and %s.xlsx: keep only the "
                                  "one that is up to date",
                                  order[i], order[i]);
            memcpy(path, xpath, (size_t)n + 2);
        }
        if (stat(path, &sb) != 0) {
            if (errno == ENOENT && i > 0)
                continue;
            if (errno == ENOENT)
                return kh_err_set(err, KH_EIO, path, 0, 0,
                                  "no units.csv in the data folder %s: every data folder needs "
                                  "one, listing the assessed units",
                                  dir);
            return kh_err_set(err, KH_EIO, path, 0, 0, "cannot read the file: %s", strerror(errno));
        }
        rc = kh_dataset_load_file(ds, order[i], path, err);
        if (rc)
            return rc;
    }
    return KH_OK;
}
