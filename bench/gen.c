/*
 * gen.c — the benchmark generator: writes, for one of the four workloads of
 * PRODUCT.md (district 50×60×12, province 5,000×100×12, nation
 * 40,000×100×12, villages 500,000×30×1), a data folder kaohe reads
 * (units.csv, values.csv, targets.csv, events.csv; docs/data-files.md), the
 * scheme (scheme.yaml; docs/scheme-language.md) and the same scheme as a
 * table for the peer implementations (leaves.csv, read by bench/sqlite.sql,
 * bench/duckdb.mjs and bench/pandas_peer.py).
 *
 * Deterministic: its own PRNG (xorshift64*) with a fixed seed per
 * workload, so the same command writes the same bytes on every machine.
 *
 * The scheme spreads the common rule families over the leaves, ten per
 * parent, leaf k of a parent using family k:
 *   0 ratio, cap 1.2 (R1)               5 proportional to the first (R3c)
 *   1 ratio, lower is better, floor 0.6 6 efficacy coefficient (R4)
 *   2 steps per percentage point (R2),  7 steps around the group mean (R5)
 *     points by category (R17)          8 bands on x / t (R6)
 *   3 rank list (R3a)                   9 ratio with missing: zero (2% of
 *   4 rank bands (R3a)                    units report nothing)
 * plus a bonus family (R9: honours by level, best per matter, cap 3;
 * articles with shared credit, cap 2; family cap 5) and tiers by quota
 * (T2: 15% floor, 35% round, the rest; per category; quota_ties exclude).
 *
 * usage: gen WORKLOAD DIR   (WORKLOAD: district, province, nation, villages)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct workload {
    const char *name;
    int units;
    int leaves;  /* multiple of 10 */
    int periods; /* 12 months, or 1 (the year) */
    double town_share;
    const char *cat[2];      /* category ids */
    const char *cat_name[2]; /* category names */
    const char *prefix;      /* unit id prefix */
};

static const struct workload workloads[] = {
    {"district", 50, 60, 12, 0.7, {"town", "street"}, {"镇", "街道"}, "D"},
    {"province", 5000, 100, 12, 0.7, {"town", "street"}, {"镇", "街道"}, "P"},
    {"nation", 40000, 100, 12, 0.7, {"town", "street"}, {"乡镇", "街道"}, "N"},
    {"villages", 500000, 30, 1, 0.8, {"village", "community"}, {"村", "社区"}, "V"},
};

/* ---- PRNG ----------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform integer in [lo, hi]. */
static long rng_int(long lo, long hi)
{
    return lo + (long)(rng_next() % (uint64_t)(hi - lo + 1));
}

/* Uniform double in [0, 1). */
static double rng_unit(void)
{
    return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- output --------------------------------------------------------------- */

struct out {
    FILE *f;
    char buf[1 << 16];
    size_t len;
};

static void out_open(struct out *o, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    o->f = fopen(path, "wb");
    if (!o->f) {
        fprintf(stderr, "gen: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    o->len = 0;
}

static void out_flush(struct out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) {
        fprintf(stderr, "gen: write failed: %s\n", strerror(errno));
        exit(1);
    }
    o->len = 0;
}

static void out_close(struct out *o)
{
    out_flush(o);
    if (fclose(o->f)) {
        fprintf(stderr, "gen: close failed: %s\n", strerror(errno));
        exit(1);
    }
}

static void out_mem(struct out *o, const char *s, size_t n)
{
    if (o->len + n > sizeof(o->buf))
        out_flush(o);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void out_str(struct out *o, const char *s)
{
    out_mem(o, s, strlen(s));
}

static void out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_fmt(struct out *o, const char *fmt, ...)
{
    char tmp[4096];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        out_mem(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A number of hundredths as decimal text ("12345" → "123.45"), fast. */
static void out_cents(struct out *o, long c)
{
    char tmp[32];
    int n = 0, i;
    unsigned long v;
    if (c < 0) {
        out_mem(o, "-", 1);
        c = -c;
    }
    v = (unsigned long)c;
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
    tmp[n++] = '.';
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n / 2; i++) {
        char t = tmp[i];
        tmp[i] = tmp[n - 1 - i];
        tmp[n - 1 - i] = t;
    }
    out_mem(o, tmp, (size_t)n);
}

/* ---- the scheme ------------------------------------------------------------ */

enum kind {
    K_RATIO_CAP,
    K_RATIO_LOWER,
    K_STEPS_TARGET,
    K_RANK_LIST,
    K_RANK_BANDS,
    K_PROPORTIONAL,
    K_EFFICACY,
    K_STEPS_MEAN,
    K_BANDS_RATIO,
    K_RATIO_MISSING
};

static const char *const kind_name[] = {"ratio_cap",   "ratio_lower",  "steps_target", "rank_list",
                                        "rank_bands",  "proportional", "efficacy",     "steps_mean",
                                        "bands_ratio", "ratio_missing"};

struct leaf {
    int kind;
    double w;                /* points (the first category's for steps_target) */
    double w2;               /* points for the second category */
    int lower;               /* direction: lower */
    int band1, band2, band3; /* rank bands: last place of each band */
};

/* Points of leaf j: 0.4 … 2.0, so 100 leaves are worth about 120. */
static double leaf_points(int j)
{
    return (double)(2 * (1 + (j * 7) % 5)) / 5;
}

static void make_leaves(const struct workload *w, struct leaf *lv)
{
    int j, small = (int)((double)w->units * (1 - w->town_share));
    for (j = 0; j < w->leaves; j++) {
        struct leaf *l = &lv[j];
        l->kind = j % 10;
        l->w = leaf_points(j);
        l->w2 = l->w;
        l->lower = 0;
        if (l->kind == K_RATIO_LOWER)
            l->lower = 1;
        if (l->kind == K_STEPS_TARGET)
            l->w2 = l->w * 0.75;
        if (l->kind == K_EFFICACY || l->kind == K_PROPORTIONAL)
            l->lower = (j / 10) % 2;
        l->band1 = small / 10 > 1 ? small / 10 : 1;
        l->band2 = small * 3 / 10 > l->band1 + 1 ? small * 3 / 10 : l->band1 + 1;
        l->band3 = small * 6 / 10 > l->band2 + 1 ? small * 6 / 10 : l->band2 + 1;
    }
}

/* Shortest text that reads back as exactly v. */
static const char *num_text(double v, char out[40])
{
    int prec;
    for (prec = 15; prec <= 17; prec++) {
        snprintf(out, 40, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    return out;
}

static void write_num(struct out *o, double v)
{
    char t[40];
    out_str(o, num_text(v, t));
}

static void write_scheme(const struct workload *w, const struct leaf *lv, const char *dir)
{
    struct out o;
    int j, g, p;

    out_open(&o, dir, "scheme.yaml");
    out_fmt(&o,
            "# Benchmark scheme for the %s workload (%d units × %d leaves × %d periods),\n"
            "# written by bench/gen.c. Leaf k of each parent uses rule family k (see gen.c).\n"
            "kaohe: 1\n"
            "scheme: {id: bench_%s, name: 基准测试方案 %s, decimals: 6, rank_by: exact}\n"
            "categories:\n  %s: %s\n  %s: %s\n"
            "inputs:\n",
            w->name, w->units, w->leaves, w->periods, w->name, w->name, w->cat[0], w->cat_name[0],
            w->cat[1], w->cat_name[1]);
    for (j = 0; j < w->leaves; j++)
        out_fmt(&o, "  i%03d: 指标%03d\n", j + 1, j + 1);
    out_str(&o, "indicators:\n");
    for (g = 0; g < w->leaves / 10; g++) {
        out_fmt(&o, "  - id: g%02d\n    name: 第%d类指标\n    children:\n", g + 1, g + 1);
        for (j = g * 10; j < g * 10 + 10; j++) {
            const struct leaf *l = &lv[j];
            out_fmt(&o, "      - id: i%03d\n        name: %s%03d\n        value: i%03d\n", j + 1,
                    kind_name[l->kind], j + 1, j + 1);
            if (l->kind == K_STEPS_TARGET) {
                out_fmt(&o, "        points: {%s: ", w->cat[0]);
                write_num(&o, l->w);
                out_fmt(&o, ", %s: ", w->cat[1]);
                write_num(&o, l->w2);
                out_str(&o, "}\n");
            } else {
                out_str(&o, "        points: ");
                write_num(&o, l->w);
                out_str(&o, "\n");
            }
            if (l->lower)
                out_str(&o, "        direction: lower\n");
            switch (l->kind) {
            case K_RATIO_CAP:
                out_str(&o, "        rule: {ratio: {cap: 1.2}}\n");
                break;
            case K_RATIO_LOWER:
                out_str(&o, "        rule: {ratio: {floor: 0.6}}\n");
                break;
            case K_STEPS_TARGET:
                out_str(&o, "        rule: {steps: {measure: points, partial: continuous, "
                            "up: 0.2, down: 0.5, max_up: 1}}\n        min: 0\n");
                break;
            case K_RANK_LIST:
                out_str(&o, "        rule: {rank: {ties: competition, points: [");
                for (p = 0; p < 10; p++) {
                    out_str(&o, p ? ", " : "");
                    write_num(&o, l->w * (20 - p) / 20);
                }
                out_str(&o, "], rest: ");
                write_num(&o, l->w * 0.5);
                out_str(&o, "}}\n");
                break;
            case K_RANK_BANDS:
                out_fmt(&o,
                        "        rule:\n          rank:\n            ties: competition\n"
                        "            bands:\n"
                        "              - {ranks: 1-%d, score: ",
                        l->band1);
                write_num(&o, l->w);
                out_fmt(&o, "}\n              - {ranks: %d-%d, score: ", l->band1 + 1, l->band2);
                write_num(&o, l->w * 0.8);
                out_fmt(&o, "}\n              - {ranks: %d-%d, score: ", l->band2 + 1, l->band3);
                write_num(&o, l->w * 0.6);
                out_str(&o, "}\n            rest: ");
                write_num(&o, l->w * 0.4);
                out_str(&o, "\n");
                break;
            case K_PROPORTIONAL:
                out_str(&o, "        rule: proportional\n");
                break;
            case K_EFFICACY:
                out_str(&o, "        rule: efficacy\n");
                break;
            case K_STEPS_MEAN:
                out_str(&o, "        rule: {steps: {ref: \"gmean(x)\", measure: points, "
                            "partial: continuous, up: 0.05, down: 0.1, max_up: 0.5}}\n"
                            "        min: 0\n");
                break;
            case K_BANDS_RATIO:
                out_str(&o, "        rule:\n          bands:\n            on: \"x / t\"\n"
                            "            bands:\n              - {ge: 1, score: ");
                write_num(&o, l->w);
                out_str(&o, "}\n              - {ge: 0.9, score: ");
                write_num(&o, l->w * 0.8);
                out_str(&o, "}\n              - {ge: 0.8, score: ");
                write_num(&o, l->w * 0.5);
                out_str(&o, "}\n");
                break;
            case K_RATIO_MISSING:
                out_str(&o, "        missing: zero\n        rule: {ratio: {}}\n");
                break;
            }
        }
    }
    out_str(&o, "  - id: bonus\n    name: 加分项\n    kind: bonus\n    max: 5\n    children:\n"
                "      - id: honour\n        name: 表彰加分\n        kind: bonus\n"
                "        rule:\n          bonus:\n            items: [表彰]\n"
                "            levels: {国家级: 1, 省级: 0.8, 市级: 0.6, 县级: 0.3}\n"
                "            max: 3\n"
                "      - id: info\n        name: 信息采用\n        kind: bonus\n"
                "        rule: {bonus: {items: [信息], per: 0.5, max: 2}}\n");
    out_str(&o, "tiers:\n  scope: category\n  quota_ties: exclude\n  levels:\n"
                "    - {id: A, name: 优秀, quota: 15%, quota_round: floor}\n"
                "    - {id: B, name: 良好, quota: 35%, quota_round: round}\n"
                "    - {id: C, name: 一般}\n");
    out_close(&o);

    /* The same scheme as a table, for the peers. */
    out_open(&o, dir, "leaves.csv");
    out_str(&o, "leaf,parent,kind,w_cat0,w_cat1,lower,band1,band2,band3\n");
    for (j = 0; j < w->leaves; j++) {
        const struct leaf *l = &lv[j];
        char a[40], b[40];
        out_fmt(&o, "i%03d,g%02d,%s,%s,%s,%d,%d,%d,%d\n", j + 1, j / 10 + 1, kind_name[l->kind],
                num_text(l->w, a), num_text(l->w2, b), l->lower, l->band1, l->band2, l->band3);
    }
    out_close(&o);

    /* What the peers need besides the leaves: the scored period, the
     * categories in scheme order. */
    out_open(&o, dir, "params.csv");
    out_str(&o, "period,year,cat0,cat1\n");
    out_fmt(&o, "%s,2024,%s,%s\n", w->periods == 1 ? "2024" : "2024-12", w->cat[0], w->cat[1]);
    out_close(&o);
}

/* ---- the data -------------------------------------------------------------- */

/* The period text of period p (0-based) of the workload. */
static void period_text(const struct workload *w, int p, char out[16])
{
    if (w->periods == 1)
        snprintf(out, 16, "2024");
    else
        snprintf(out, 16, "2024-%02d", (p % 12) + 1);
}

/* Target of leaf l for a unit, in hundredths (0: the leaf has none). */
static long make_target(const struct leaf *l)
{
    switch (l->kind) {
    case K_RATIO_CAP:
    case K_BANDS_RATIO:
    case K_RATIO_MISSING:
        return rng_int(10000, 1000000);
    case K_RATIO_LOWER:
        return rng_int(50, 200);
    case K_STEPS_TARGET:
        return rng_int(8000, 9500);
    default:
        return 0;
    }
}

/* A value of leaf l given its target, in hundredths. */
static long make_value(const struct leaf *l, long t)
{
    switch (l->kind) {
    case K_RATIO_CAP:
        return (long)((double)t * (0.6 + 0.8 * rng_unit()));
    case K_RATIO_LOWER:
        return (long)((double)t * (0.7 + 0.8 * rng_unit())) + 1;
    case K_STEPS_TARGET:
        return rng_int(6000, 10000);
    case K_RANK_LIST:
        return 100 * rng_int(0, 100);
    case K_RANK_BANDS:
        return 100 * rng_int(0, 1000);
    case K_PROPORTIONAL:
        return rng_int(1000, 100000);
    case K_EFFICACY:
    case K_STEPS_MEAN:
        return rng_int(0, 10000);
    case K_BANDS_RATIO:
        return (long)((double)t * (0.7 + 0.5 * rng_unit()));
    default:
        return (long)((double)t * (0.5 + 0.7 * rng_unit()));
    }
}

static const char *const levels[] = {"国家级", "省级", "市级", "县级"};

static void write_data(const struct workload *w, const struct leaf *lv, const char *dir)
{
    struct out uo, vo, to, eo;
    char id[32], per[16], last[16];
    long *tg = malloc(sizeof(long) * (size_t)w->leaves);
    int u, j, p, e;

    if (!tg) {
        fprintf(stderr, "gen: out of memory\n");
        exit(1);
    }
    period_text(w, w->periods - 1, last);
    out_open(&uo, dir, "units.csv");
    out_open(&vo, dir, "values.csv");
    out_open(&to, dir, "targets.csv");
    out_open(&eo, dir, "events.csv");
    out_str(&uo, "id,name,category\n");
    out_str(&vo, "unit,indicator,period,value\n");
    out_str(&to, "unit,indicator,period,target\n");
    out_str(&eo, "unit,item,period,level,matter,shares\n");
    for (u = 0; u < w->units; u++) {
        int cat = rng_unit() < w->town_share ? 0 : 1;
        snprintf(id, sizeof(id), "%s%06d", w->prefix, u + 1);
        out_fmt(&uo, "%s,单位%06d,%s\n", id, u + 1, w->cat[cat]);
        /* Targets for the year, one per leaf that has one. */
        for (j = 0; j < w->leaves; j++) {
            tg[j] = make_target(&lv[j]);
            if (!tg[j])
                continue;
            out_fmt(&to, "%s,i%03d,2024,", id, j + 1);
            out_cents(&to, tg[j]);
            out_mem(&to, "\n", 1);
        }
        /* Values: every leaf, every period (2% of the missing-zero leaf's
         * values are not reported). */
        for (p = 0; p < w->periods; p++) {
            period_text(w, p, per);
            for (j = 0; j < w->leaves; j++) {
                long v = make_value(&lv[j], tg[j]);
                if (lv[j].kind == K_RATIO_MISSING && rng_unit() < 0.02)
                    continue;
                out_fmt(&vo, "%s,i%03d,%s,", id, j + 1, per);
                out_cents(&vo, v);
                out_mem(&vo, "\n", 1);
            }
        }
        /* Events: honours for 30% of units, articles for 20%; half of them
         * in the scored period. */
        if (rng_unit() < 0.3) {
            int n = (int)rng_int(1, 5);
            for (e = 0; e < n; e++) {
                if (rng_unit() < 0.5)
                    snprintf(per, sizeof(per), "%s", last);
                else
                    period_text(w, (int)rng_int(0, w->periods - 1), per);
                out_fmt(&eo, "%s,表彰,%s,%s,M%ld,\n", id, per, levels[rng_int(0, 3)],
                        rng_int(1, 3));
            }
        }
        if (rng_unit() < 0.2) {
            int n = (int)rng_int(1, 6);
            for (e = 0; e < n; e++) {
                if (rng_unit() < 0.5)
                    snprintf(per, sizeof(per), "%s", last);
                else
                    period_text(w, (int)rng_int(0, w->periods - 1), per);
                out_fmt(&eo, "%s,信息,%s,,,%ld\n", id, per, rng_int(1, 4));
            }
        }
    }
    out_close(&uo);
    out_close(&vo);
    out_close(&to);
    out_close(&eo);
    free(tg);
}

int main(int argc, char **argv)
{
    const struct workload *w = NULL;
    struct leaf *lv;
    size_t i;

    if (argc != 3) {
        fprintf(stderr, "usage: gen district|province|nation|villages DIR\n");
        return 2;
    }
    for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
        if (strcmp(workloads[i].name, argv[1]) == 0)
            w = &workloads[i];
    if (!w) {
        fprintf(stderr, "gen: unknown workload '%s'\n", argv[1]);
        return 2;
    }
    if (mkdir(argv[2], 0777) && errno != EEXIST) {
        fprintf(stderr, "gen: cannot create %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(w->units * 131 + w->leaves);
    lv = calloc((size_t)w->leaves, sizeof(*lv));
    if (!lv)
        return 1;
    make_leaves(w, lv);
    write_scheme(w, lv, argv[2]);
    write_data(w, lv, argv[2]);
    free(lv);
    return 0;
}
