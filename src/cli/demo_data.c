/*
 * demo_data.c — the deterministic generator of the demo district's data
 * (`kaohe demo`): a synthetic district (示例区) of 12 towns and
 * sub-districts, 14 departments, 3 parks in band A and 3 in band B, and
 * 120 villages and communities, with the figures the two schemes of
 * examples/demo/ read. Every name and number is made up (虚构).
 *
 * The data is built only through the public kh_dataset_add_* calls of
 * kaohe/data.h, as any program would. Each unit has a hand-set quality q
 * (−5 … 5) that tilts its figures, so the league tables tell a story; on
 * top of that, noise comes from splitmix64 (Steele, Lea and Flood 2014)
 * seeded with a fixed number and the names of the series, unit and year,
 * so every series is its own stream and adding one never changes another.
 * All arithmetic is on whole numbers (tenths, hundredths, 万元, tons)
 * converted to double at the very end, so the same binary and every other
 * build print the same numbers. No rand(), no clock, no floating-point
 * library calls.
 *
 * A few units carry a story flag (a fall in investment, a grain shortfall,
 * an energy overrun); the events table below holds the honours,
 * criticisms and the two accidents that trigger the scheme's vetoes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "demo.h"
#include "kaohe/period.h"

#define DEMO_SEED UINT64_C(0x4B414F4845323032) /* "KAOHE202" */

/* ---- random numbers ------------------------------------------------------ */

struct rng {
    uint64_t s;
};

/* The next 64 random bits (splitmix64). */
static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A whole number in [lo, hi] (lo <= hi). */
static int rng_int(struct rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* Mix the bytes of s into h (FNV-1a). */
static uint64_t mix(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001B3);
    }
    return h ^ 0xFF;
}

/* The stream of series `what` for unit `unit` in `year`. */
static struct rng rng_for(const char *what, const char *unit, int year)
{
    struct rng r;
    r.s = mix(mix(DEMO_SEED ^ (uint64_t)year, what), unit);
    rng_next(&r);
    return r;
}

/* v limited to [lo, hi]. */
static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- the units ----------------------------------------------------------- */

/* Story flags: what goes wrong for a unit in 2024. */
enum { F_FAI_DROP = 1, F_GRAIN_SHORT = 2, F_ENERGY_OVER = 4 };

struct demo_unit {
    const char *id, *name, *category, *tags;
    int q;          /* quality, −5 … 5 */
    unsigned flags; /* F_* */
};

static const struct demo_unit towns[] = {
    {"T01", "城关街道", "town", "中心城区", 4, 0},
    {"T02", "西城街道", "town", "中心城区", 3, 0},
    {"T03", "南郊街道", "town", "中心城区", 1, F_ENERGY_OVER},
    {"T04", "北苑街道", "town", "中心城区", 2, 0},
    {"T05", "东湖镇", "town", NULL, 5, 0},
    {"T06", "青石镇", "town", NULL, 0, 0},
    {"T07", "白沙镇", "town", NULL, -2, 0},
    {"T08", "柳河镇", "town", NULL, 2, 0},
    {"T09", "桃源镇", "town", NULL, -1, 0},
    {"T10", "龙泉镇", "town", NULL, 3, 0},
    {"T11", "石门镇", "town", NULL, -4, F_FAI_DROP},
    {"T12", "清溪镇", "town", NULL, -1, F_GRAIN_SHORT},
};

static const struct demo_unit depts[] = {
    {"D01", "区发改局", "dept", NULL, 3, 0},       {"D02", "区经信局", "dept", NULL, 1, 0},
    {"D03", "区财政局", "dept", NULL, 4, 0},       {"D04", "区商务局", "dept", NULL, 0, 0},
    {"D05", "区住建局", "dept", NULL, 4, 0},       {"D06", "区自然资源分局", "dept", NULL, -1, 0},
    {"D07", "区生态环境分局", "dept", NULL, 2, 0}, {"D08", "区应急管理局", "dept", NULL, 1, 0},
    {"D09", "区人社局", "dept", NULL, 0, 0},       {"D10", "区农业农村局", "dept", NULL, -2, 0},
    {"D11", "区交通运输局", "dept", NULL, -1, 0},  {"D12", "区市场监管局", "dept", NULL, 2, 0},
    {"D13", "区城管执法局", "dept", NULL, -3, 0},  {"D14", "区教育局", "dept", NULL, 0, 0},
};

static const struct demo_unit parks[] = {
    {"P01", "示例经济开发区", "parkA", NULL, 4, 0}, {"P02", "高新技术产业园", "parkA", NULL, 2, 0},
    {"P03", "临港物流园", "parkA", NULL, -1, 0},    {"P04", "现代农业产业园", "parkB", NULL, 1, 0},
    {"P05", "文旅康养园", "parkB", NULL, 3, 0},     {"P06", "电商产业园", "parkB", NULL, -2, 0},
};

#define NTOWNS ((int)(sizeof(towns) / sizeof(towns[0])))
#define NDEPTS ((int)(sizeof(depts) / sizeof(depts[0])))
#define NPARKS ((int)(sizeof(parks) / sizeof(parks[0])))

/* ---- adding records (errors are sticky: the first one stops the rest) ---- */

struct gen {
    struct kh_dataset *ds;
    struct kh_err *err;
    int rc;
};

/* "2024" when month is 0, else "2024-07". */
static const char *period_text(char out[KH_PERIOD_TEXT], int year, int month)
{
    if (month)
        snprintf(out, KH_PERIOD_TEXT, "%04d-%02d", year, month);
    else
        snprintf(out, KH_PERIOD_TEXT, "%04d", year);
    return out;
}

/* Add a unit (no parent); on error g->rc and *g->err are set, as for the
 * other add_* helpers, and later calls do nothing. */
static void add_unit(struct gen *g, const char *id, const char *name, const char *cat,
                     const char *tags)
{
    int rc;
    if (g->rc)
        return;
    rc = kh_dataset_add_unit(g->ds, id, name, cat, NULL, tags, g->err);
    if (rc < 0)
        g->rc = rc;
}

/* Add a value for `year` (month 0) or one of its months. */
static void add_value(struct gen *g, const char *unit, const char *ind, int year, int month,
                      double v)
{
    char p[KH_PERIOD_TEXT];
    if (!g->rc)
        g->rc = kh_dataset_add_value(g->ds, unit, ind, period_text(p, year, month), v, g->err);
}

/* Add an annual target and/or baseline (NaN for the one not given). */
static void add_target(struct gen *g, const char *unit, const char *ind, int year, double t,
                       double b)
{
    char p[KH_PERIOD_TEXT];
    if (!g->rc)
        g->rc = kh_dataset_add_target(g->ds, unit, ind, period_text(p, year, 0), t, b, g->err);
}

/* ---- district series ------------------------------------------------------ */

/* The last month with figures in `year`: the open month in its year. */
static int last_month(int year)
{
    return year == DEMO_OPEN_YEAR ? DEMO_OPEN_MONTH : 12;
}

/* Whether the figures of `ind` for unit u in `year` are generated: always,
 * except the open year's that a demo account enters (demo_entered). */
static int generated(const struct demo_unit *u, const char *ind, int year)
{
    return year != DEMO_OPEN_YEAR || !demo_entered(u->id, ind);
}

/*
 * A year-to-date growth rate filed every `step` months (1: monthly, 3: at
 * the end of each quarter) up to the year's last month, unless a demo
 * account enters it: the December figure is annual/divisor, earlier
 * figures wander around it by up to `amp` units per month still to go.
 */
static void ytd_rate(struct gen *g, const struct demo_unit *u, const char *ind, int year,
                     int annual, int amp, int step, int divisor)
{
    struct rng r = rng_for(ind, u->id, year + 7000);
    int m;
    if (!generated(u, ind, year))
        return;
    for (m = step; m <= last_month(year); m += step) {
        int spread = (12 - m) * amp, v = annual;
        if (spread)
            v += rng_int(&r, -spread, spread);
        add_value(g, u->id, ind, year, m, (double)v / divisor);
    }
}

/* Growth-rate targets in tenths of a percent: {2023, 2024, 2025} by category. */
static int growth_target(const char *ind, const char *cat, int year)
{
    static const struct {
        const char *ind, *cat;
        int t23, t24, t25;
    } t[] = {
        {"gdp_growth", "town", 80, 85, 80},     {"ind_growth", "town", 110, 120, 110},
        {"ind_growth", "parkA", 140, 150, 150}, {"ind_growth", "parkB", 110, 120, 120},
        {"fai_growth", "town", 140, 150, 120},  {"fai_growth", "parkA", 180, 200, 180},
        {"fai_growth", "parkB", 140, 150, 130}, {"retail_growth", "town", 110, 120, 100},
    };
    size_t i;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(t[i].ind, ind) == 0 && strcmp(t[i].cat, cat) == 0)
            return year == 2023 ? t[i].t23 : year == 2024 ? t[i].t24 : t[i].t25;
    return 0;
}

/* GDP, industry, investment and retail growth with their targets. */
static void gen_growth(struct gen *g, const struct demo_unit *u)
{
    int town = strcmp(u->category, "town") == 0, year;

    /* 2023, 2024 and the open year (2025's targets, January's figures but
     * those the statistics bureau's demo account enters; quarterly GDP has
     * none yet). */
    for (year = 2023; year <= DEMO_OPEN_YEAR; year++) {
        struct rng r = rng_for("growth", u->id, year);
        int t, a;
        if (town) {
            t = growth_target("gdp_growth", "town", year);
            a = t - 3 + u->q * 4 + rng_int(&r, -8, 8);
            ytd_rate(g, u, "gdp_growth", year, a, 1, 3, 10);
            add_target(g, u->id, "gdp_growth", year, t / 10.0, NAN);
        }
        t = growth_target("ind_growth", u->category, year);
        a = t - 5 + u->q * 8 + rng_int(&r, -15, 15);
        ytd_rate(g, u, "ind_growth", year, a, 2, 1, 10);
        add_target(g, u->id, "ind_growth", year, t / 10.0, NAN);
        t = growth_target("fai_growth", u->category, year);
        a = t - 10 + u->q * 10 + rng_int(&r, -20, 20);
        if (year == 2024 && (u->flags & F_FAI_DROP))
            a = -23 - rng_int(&r, 0, 10);
        ytd_rate(g, u, "fai_growth", year, a, 3, 1, 10);
        add_target(g, u->id, "fai_growth", year, t / 10.0, NAN);
        if (town) {
            t = growth_target("retail_growth", "town", year);
            a = t - 5 + u->q * 5 + rng_int(&r, -15, 15);
            ytd_rate(g, u, "retail_growth", year, a, 2, 1, 10);
            add_target(g, u->id, "retail_growth", year, t / 10.0, NAN);
        }
    }
}

/*
 * Revenue: monthly amounts in 万元 for 2023 and 2024 with a seasonal
 * pattern (front-loaded, as taxes are; in 2024 shifted by a few percent
 * between the halves, so that mid-year progress differs); the annual
 * target is the previous year's total plus 8%, rounded to 万元, and the
 * baseline that total.
 */
static void gen_revenue(struct gen *g, const struct demo_unit *u)
{
    static const int season[12] = {110, 95, 115, 105, 100, 115, 90, 85, 95, 95, 90, 105};
    struct rng r = rng_for("revenue", u->id, 0);
    long long base, v23[12], v24[12], s23 = 0, s22, s24, n25;
    int m, g23, g24, g25, shift;

    if (strcmp(u->category, "town") == 0)
        base = 600 + (u->q + 5) * 80 + rng_int(&r, 0, 400);
    else if (strcmp(u->category, "parkA") == 0)
        base = 2000 + (u->q + 5) * 150 + rng_int(&r, 0, 600);
    else
        base = 800 + (u->q + 5) * 60 + rng_int(&r, 0, 300);
    g23 = 60 + u->q * 5 + rng_int(&r, -20, 20);
    g24 = 70 + u->q * 10 + rng_int(&r, -30, 30);
    shift = rng_int(&r, -12, 6); /* 2024 comes in earlier or later in the year */
    for (m = 0; m < 12; m++) {
        long long n23 = base * season[m] / 100, n24;
        n23 += rng_int(&r, -(int)(n23 / 20), (int)(n23 / 20));
        n24 = n23 * (1000 + g24) / 1000 * (100 + (m < 6 ? shift : -shift)) / 100;
        n24 += rng_int(&r, -(int)(n24 / 30), (int)(n24 / 30));
        v23[m] = n23;
        v24[m] = n24;
        s23 += n23;
    }
    s22 = s23 * 1000 / (1000 + g23);
    for (m = 0; m < 12; m++)
        add_value(g, u->id, "revenue", 2023, m + 1, (double)v23[m]);
    for (m = 0; m < 12; m++)
        add_value(g, u->id, "revenue", 2024, m + 1, (double)v24[m]);
    add_target(g, u->id, "revenue", 2023, (double)((s22 * 108 + 50) / 100), (double)s22);
    add_target(g, u->id, "revenue", 2024, (double)((s23 * 108 + 50) / 100), (double)s23);
    /* The open month: 2025's target on 2024's total, and January's amount
     * unless it is entered in the demo. */
    for (m = 0, s24 = 0; m < 12; m++)
        s24 += v24[m];
    g25 = 60 + u->q * 8 + rng_int(&r, -30, 30);
    n25 = v24[0] * (1000 + g25) / 1000;
    n25 += rng_int(&r, -(int)(n25 / 30), (int)(n25 / 30));
    add_target(g, u->id, "revenue", DEMO_OPEN_YEAR, (double)((s24 * 108 + 50) / 100), (double)s24);
    if (generated(u, "revenue", DEMO_OPEN_YEAR))
        add_value(g, u->id, "revenue", DEMO_OPEN_YEAR, DEMO_OPEN_MONTH, (double)n25);
}

/* Town-only series: unemployment, income, grain, energy. */
static void gen_town_extra(struct gen *g, const struct demo_unit *u)
{
    static const int income_share[4] = {26, 50, 75, 100};
    static const int energy_share[4] = {24, 49, 75, 100};
    int street = u->tags != NULL, year, m;
    struct rng r = rng_for("town", u->id, 0);
    long long inc[3], grain_base, cap;

    for (year = 2023; year <= DEMO_OPEN_YEAR; year++) {
        struct rng ru = rng_for("unemployment", u->id, year);
        for (m = 1; m <= last_month(year) && generated(u, "unemployment", year); m++)
            add_value(g, u->id, "unemployment", year, m,
                      (50 - u->q * 2 + rng_int(&ru, -3, 3)) / 10.0);
    }
    /* Income: year-to-date per head at the end of each quarter, 2022–2024. */
    inc[0] = 32000 + (u->q + 5) * 1500 + rng_int(&r, 0, 2000);
    inc[1] = inc[0] * (1000 + 70 + rng_int(&r, -10, 10)) / 1000;
    inc[2] = inc[1] * (1000 + 86 + u->q + rng_int(&r, -12, 12)) / 1000;
    for (year = 2022; year <= 2024; year++)
        for (m = 0; m < 4; m++)
            add_value(g, u->id, "income", year, 3 * (m + 1),
                      (double)(inc[year - 2022] * income_share[m] / 100));
    /* Grain: summer harvest in June, autumn harvest in October. */
    grain_base =
        street ? 800 + rng_int(&r, 0, 1200) : 15000 + (u->q + 5) * 1000 + rng_int(&r, 0, 10000);
    /* Energy: a cap on total consumption and an intensity target. */
    cap = street ? 20000 + rng_int(&r, 0, 20000) : 40000 + rng_int(&r, 0, 80000);
    for (year = 2023; year <= 2024; year++) {
        struct rng ry = rng_for("grain-energy", u->id, year);
        long long target = year == 2023 ? grain_base * 98 / 100 : grain_base, total, summer;
        long long ecap = year == 2023 ? cap * 97 / 100 : cap, etotal;
        int drop_t = year == 2023 ? 32 : 30, drop = drop_t + rng_int(&ry, 2, 15);
        if (year == 2024 && (u->flags & F_GRAIN_SHORT))
            total = target * (950 + rng_int(&ry, 0, 30)) / 1000;
        else
            total = target * (1000 + rng_int(&ry, 0, 30)) / 1000;
        summer = total * 40 / 100;
        add_value(g, u->id, "grain", year, 6, (double)summer);
        add_value(g, u->id, "grain", year, 10, (double)(total - summer));
        add_target(g, u->id, "grain", year, (double)target, NAN);
        if (year == 2024 && (u->flags & F_ENERGY_OVER))
            etotal = ecap * (1020 + rng_int(&ry, 0, 20)) / 1000;
        else
            etotal = ecap * (900 + rng_int(&ry, 0, 80)) / 1000;
        for (m = 0; m < 4; m++) {
            add_value(g, u->id, "energy_total", year, 3 * (m + 1),
                      (double)(etotal * energy_share[m] / 100));
            add_value(g, u->id, "energy_drop", year, 3 * (m + 1),
                      (drop + (m < 3 ? rng_int(&ry, -5, 5) : 0)) / 10.0);
        }
        add_target(g, u->id, "energy_total", year, (double)ecap, NAN);
        add_target(g, u->id, "energy_drop", year, drop_t / 10.0, NAN);
    }
    /* The open year's targets (in January no quarter has ended, no harvest
     * is in). */
    add_target(g, u->id, "grain", DEMO_OPEN_YEAR, (double)grain_base, NAN);
    add_target(g, u->id, "energy_total", DEMO_OPEN_YEAR, (double)(cap * 103 / 100), NAN);
    add_target(g, u->id, "energy_drop", DEMO_OPEN_YEAR, 2.8, NAN);
}

/* Key-work nodes of the seven command centres (七大指挥部): due and done
 * per month; a unit misses a node with a chance that falls with q. */
static void gen_tasks(struct gen *g, const struct demo_unit *u)
{
    int year, m, k, lo = 2, hi = 6, miss = clampi(12 - 2 * u->q, 1, 30);

    if (strcmp(u->category, "dept") == 0) {
        lo = 3;
        hi = 7;
    } else if (u->category[0] == 'p') {
        lo = 1;
        hi = 4;
    }
    for (year = 2023; year <= DEMO_OPEN_YEAR; year++) {
        struct rng r = rng_for("tasks", u->id, year);
        for (m = 1; m <= last_month(year) && generated(u, "tasks_due", year); m++) {
            int due = rng_int(&r, lo, hi), done = due;
            for (k = 0; k < due; k++)
                if (rng_int(&r, 1, 100) <= miss)
                    done--;
            add_value(g, u->id, "tasks_due", year, m, due);
            add_value(g, u->id, "tasks_done", year, m, done);
        }
    }
}

/* Departments: quarterly duty-target scores and satisfaction surveys. */
static void gen_dept(struct gen *g, const struct demo_unit *u)
{
    int year, m;
    for (year = 2023; year <= 2024; year++) {
        struct rng r = rng_for("dept", u->id, year);
        for (m = 3; m <= 12; m += 3) {
            add_value(g, u->id, "duty_score", year, m,
                      (900 + u->q * 12 + rng_int(&r, -30, 30)) / 10.0);
            add_value(g, u->id, "satisfaction", year, m,
                      clampi(930 + u->q * 8 + rng_int(&r, -20, 20), 800, 995) / 10.0);
        }
    }
}

/* Parks: planned and completed projects, new large enterprises (never more
 * in a month than projects completed that month), tax contribution. */
static void gen_park(struct gen *g, const struct demo_unit *u)
{
    int a = strcmp(u->category, "parkA") == 0, year, m, k;

    for (year = 2023; year <= 2024; year++) {
        struct rng r = rng_for("park", u->id, year);
        int plan = a ? 18 + rng_int(&r, 0, 12) : 10 + rng_int(&r, 0, 6);
        int ratio = 85 + u->q * 4 + rng_int(&r, -6, 6);
        int done = plan * clampi(ratio, 50, 110) / 100, above;
        int cnt[12] = {0}, abv[12] = {0};
        int tax =
            a ? 600 + u->q * 40 + rng_int(&r, -50, 50) : 400 + u->q * 30 + rng_int(&r, -40, 40);
        int conv = clampi(20 + u->q * 3 + rng_int(&r, -5, 5), 5, 60);

        cnt[rng_int(&r, 0, 2)]++; /* the first completion comes in the first quarter */
        for (k = 1; k < done; k++) {
            int m1 = rng_int(&r, 0, 11), m2 = rng_int(&r, 0, 11);
            cnt[m1 > m2 ? m1 : m2]++; /* later months are busier */
        }
        above = done * conv / 100;
        if (above < 1)
            above = 1;
        for (k = 0; k < above; k++) {
            m = rng_int(&r, 0, 11);
            while (abv[m] >= cnt[m])
                m = (m + 1) % 12;
            abv[m]++;
        }
        for (m = 0; m < 12; m++) {
            add_value(g, u->id, "projects_done", year, m + 1, cnt[m]);
            add_value(g, u->id, "new_above", year, m + 1, abv[m]);
        }
        add_target(g, u->id, "projects_done", year, plan, NAN);
        ytd_rate(g, u, "tax_rate", year, tax, 4, 1, 100);
    }
    /* The open month: 2025's plan and January's figures. */
    {
        struct rng r = rng_for("park", u->id, DEMO_OPEN_YEAR);
        int plan = a ? 20 + rng_int(&r, 0, 12) : 11 + rng_int(&r, 0, 6);
        int tax =
            a ? 620 + u->q * 40 + rng_int(&r, -50, 50) : 410 + u->q * 30 + rng_int(&r, -40, 40);
        int done = rng_int(&r, 0, 1);
        add_value(g, u->id, "projects_done", DEMO_OPEN_YEAR, DEMO_OPEN_MONTH, done);
        add_value(g, u->id, "new_above", DEMO_OPEN_YEAR, DEMO_OPEN_MONTH, 0);
        add_target(g, u->id, "projects_done", DEMO_OPEN_YEAR, plan, NAN);
        ytd_rate(g, u, "tax_rate", DEMO_OPEN_YEAR, tax, 4, 1, 100);
    }
}

/* ---- events --------------------------------------------------------------- */

struct demo_event {
    const char *unit, *item, *period, *level, *matter;
    double count;
    int shares, exempt;
    const char *evidence, *note;
};

/* Honours (表彰), criticisms (通报批评) and accidents, all invented. */
static const struct demo_event events[] = {
    {"T01", "表彰", "2024-01", "市级", "文明创建", 1, 1, 0, NULL, "虚构：市级文明单位"},
    {"T01", "表彰", "2024-03", "省级", "文明创建", 1, 1, 0, NULL, "虚构：省级文明单位"},
    {"T01", "表彰", "2024-10", "国家级", "综合减灾", 1, 1, 0, NULL, "虚构：全国综合减灾示范社区"},
    {"T01", "表彰", "2024-12", "市级", "平安建设", 1, 1, 0, NULL, "虚构：市级平安建设先进集体"},
    {"T04", "表彰", "2024-05", "省级", "基层治理", 1, 1, 0, NULL, "虚构：全省基层治理示范街道"},
    {"T05", "表彰", "2024-06", "省级", "乡村振兴", 1, 1, 0, NULL, "虚构：省级乡村振兴示范镇"},
    {"T05", "表彰", "2024-09", "市级", "森林城镇", 1, 1, 0, NULL, "虚构：市级森林城镇"},
    {"T10", "表彰", "2024-11", "市级", "招商引资", 1, 1, 0, NULL, "虚构：全市招商引资先进镇"},
    {"D01", "表彰", "2024-04", "省级", "项目建设", 1, 1, 0, NULL, "虚构：全省重大项目建设先进单位"},
    {"D03", "表彰", "2024-11", "国家级", "财政管理", 1, 1, 0, NULL,
     "虚构：全国财政管理工作先进集体"},
    {"D07", "表彰", "2024-07", "省级", "污染防治", 1, 1, 0, NULL, "虚构：全省污染防治攻坚先进集体"},
    {"D12", "表彰", "2024-08", "市级", "食品安全", 1, 1, 0, NULL, "虚构：全市食品安全工作先进单位"},
    {"P01", "表彰", "2024-06", "省级", "循环化改造", 1, 2, 0, NULL,
     "虚构：省级循环化改造示范园区（与高新技术产业园共同获得）"},
    {"P02", "表彰", "2024-06", "省级", "循环化改造", 1, 2, 0, NULL,
     "虚构：省级循环化改造示范园区（与示例经济开发区共同获得）"},
    {"P01", "表彰", "2024-12", "市级", "招商引资", 1, 1, 0, NULL, "虚构：全市招商引资先进园区"},
    {"P05", "表彰", "2024-09", "国家级", "文旅融合", 1, 1, 0, NULL, "虚构：国家级旅游度假区"},
    {"T07", "通报批评", "2024-04", "市级", NULL, 1, 1, 0, NULL, "虚构：秸秆禁烧工作不力"},
    {"T11", "通报批评", "2024-07", "省级", NULL, 1, 1, 0, NULL, "虚构：督察反馈问题整改滞后"},
    {"T11", "通报批评", "2024-09", "区级", NULL, 1, 1, 0, NULL, "虚构：项目建设进度滞后"},
    {"T09", "通报批评", "2024-07", "市级", NULL, 1, 1, 1, "区防指〔2024〕12号（虚构）",
     "虚构：汛期堤防险情处置，认定为不可抗力，免责"},
    {"D10", "通报批评", "2024-03", "市级", NULL, 1, 1, 0, NULL, "虚构：高标准农田建设进度滞后"},
    {"D13", "通报批评", "2024-06", "区级", NULL, 2, 1, 0, NULL, "虚构：市容环境整治两次被通报"},
    {"P06", "通报批评", "2024-10", "区级", NULL, 1, 1, 0, NULL, "虚构：入园企业服务投诉"},
    {"T08", "重大安全生产事故", "2024-08", NULL, NULL, 1, 1, 0, NULL,
     "虚构：辖区企业发生重大生产安全责任事故"},
    {"D05", "较大安全生产事故", "2024-05", NULL, NULL, 1, 1, 0, NULL,
     "虚构：行业领域在建工地发生较大生产安全责任事故"},
};

/* Add the events table. */
static void gen_events(struct gen *g)
{
    size_t i;
    for (i = 0; i < sizeof(events) / sizeof(events[0]) && !g->rc; i++) {
        const struct demo_event *d = &events[i];
        struct kh_event e;
        memset(&e, 0, sizeof(e));
        e.item = (char *)d->item;
        e.level = (char *)d->level;
        e.matter = (char *)d->matter;
        e.count = d->count;
        e.points = NAN;
        e.shares = d->shares;
        e.exempt = d->exempt;
        e.evidence = (char *)d->evidence;
        e.note = (char *)d->note;
        g->rc = kh_dataset_add_event_ex(g->ds, d->unit, d->period, &e, g->err);
    }
}

/* ---- ballots of the work report meeting (工作汇报会) ------------------------ */

#define DEMO_MEETING "2024年度工作汇报会"

struct evaluator {
    const char *id, *group;
    int bias;
};

static const struct evaluator evaluators[] = {
    {"领导01", "区领导", 1},           {"领导02", "区领导", 0},
    {"领导03", "区领导", 2},           {"领导04", "区领导", -1},
    {"领导05", "区领导", 0},           {"领导06", "区领导", 1},
    {"代表委员01", "两代表一委员", 2}, {"代表委员02", "两代表一委员", 0},
    {"代表委员03", "两代表一委员", 1}, {"代表委员04", "两代表一委员", -1},
    {"代表委员05", "两代表一委员", 3}, {"代表委员06", "两代表一委员", 0},
    {"代表委员07", "两代表一委员", 1}, {"代表委员08", "两代表一委员", -2},
    {"代表委员09", "两代表一委员", 0},
};

/* 代表委员09 marks every unit 好: a uniform ballot, void under the rule. */
#define DEMO_UNIFORM_EVALUATOR "代表委员09"

/*
 * Every evaluator marks every unit (the n units in `units`): a grade from
 * the unit's quality, the evaluator's leniency and noise; representatives
 * say 不了解 about some departments; one evaluator's ballot is uniform.
 */
static void gen_ballots(struct gen *g, const struct demo_unit *const *units, int n)
{
    size_t e;
    int i;
    for (e = 0; e < sizeof(evaluators) / sizeof(evaluators[0]); e++) {
        const struct evaluator *ev = &evaluators[e];
        struct rng r = rng_for("ballot", ev->id, 2024);
        int rep = strcmp(ev->group, "区领导") != 0;
        for (i = 0; i < n && !g->rc; i++) {
            const struct demo_unit *u = units[i];
            int s = 2 * u->q + ev->bias + rng_int(&r, -4, 4);
            int unknown = rng_int(&r, 1, 100) <= 8;
            const char *grade = s >= 6 ? "好" : s >= 0 ? "较好" : s >= -6 ? "一般" : "差";
            if (strcmp(ev->id, DEMO_UNIFORM_EVALUATOR) == 0)
                grade = "好";
            else if (rep && unknown && strcmp(u->category, "dept") == 0)
                grade = "不了解";
            g->rc = kh_dataset_add_ballot(g->ds, DEMO_MEETING, ev->id, ev->group, u->id, grade, NAN,
                                          g->err);
        }
    }
}

/* ---- villages (五星支部) ---------------------------------------------------- */

/* Villages and communities per town, in the order of towns[]. */
static const int village_count[NTOWNS] = {9, 8, 10, 8, 12, 11, 10, 9, 11, 10, 12, 10};

static const char *const community_names[] = {
    "幸福", "和平", "文昌", "建设", "解放", "人民", "胜利", "光明", "育才", "园林",
    "滨河", "锦绣", "阳光", "朝阳", "新华", "东风", "团结", "振兴", "金桥", "玉泉",
    "凤凰", "龙湖", "翠园", "望江", "书院", "学府", "丽景", "华庭", "康宁", "安居"};

static const char *const village_first[] = {
    "东", "西", "南", "北", "上", "下", "前", "后", "大", "小", "新", "老", "石", "柳",
    "桃", "杏", "李", "王", "张", "刘", "马", "高", "黄", "白", "青", "红", "金", "双",
    "三", "五", "七", "九", "梅", "竹", "松", "杨", "陈", "周", "何", "罗"};

static const char *const village_second[] = {"庄", "岗", "湾", "河", "桥", "坪", "沟",
                                             "塘", "店", "营", "寨", "集", "坡", "岭",
                                             "冲", "畈", "埠", "铺", "园", "山"};

#define NFIRST     (sizeof(village_first) / sizeof(village_first[0]))
#define NSECOND    (sizeof(village_second) / sizeof(village_second[0]))
#define NCOMMUNITY (sizeof(community_names) / sizeof(community_names[0]))

/* One village's 2024 figures for villages.yaml, tilted by its quality qv. */
static void village_values(struct gen *g, const char *id, int cun, int qv, struct rng *r)
{
    int t;

    t = qv + rng_int(r, -4, 4);
    add_value(g, id, "meeting_rate", 2024, 0, t >= 3 ? 100 : clampi(100 + 3 * (t - 3), 70, 99));
    add_value(g, id, "study_rate", 2024, 0, clampi(88 + qv + rng_int(r, -4, 4), 75, 100));
    add_value(g, id, "position_ok", 2024, 0, qv + rng_int(r, -4, 4) < -2 ? 0 : 1);
    add_value(g, id, "dispute_rate", 2024, 0,
              clampi(975 + qv * 5 + rng_int(r, -15, 15), 900, 1000) / 10.0);
    t = rng_int(r, 0, 11) - (qv + 5);
    add_value(g, id, "petitions", 2024, 0, t > 5 ? 3 : t > 3 ? 2 : t > 1 ? 1 : 0);
    add_value(g, id, "env_score", 2024, 0, clampi(75 + qv * 3 + rng_int(r, -8, 8), 50, 100));
    if (cun)
        t = 20 + (qv + 6) * 50 + rng_int(r, 0, 200);
    else
        t = 10 + (qv + 6) * 25 + rng_int(r, 0, 100);
    add_value(g, id, "collective_income", 2024, 0, t / 10.0);
    add_value(g, id, "projects", 2024, 0,
              clampi((qv + 6) / (cun ? 3 : 5) + rng_int(r, -1, 1), 0, 6));
    add_value(g, id, "satisfaction", 2024, 0, clampi(80 + 2 * qv + rng_int(r, -5, 5), 60, 99));
    add_value(g, id, "service_rate", 2024, 0,
              clampi(950 + qv * 8 + rng_int(r, -25, 25), 850, 1000) / 10.0);
}

/*
 * The villages and communities of each town (tagged with the town's name,
 * since the town itself is not a unit of the village scheme), their
 * figures, and one disciplinary event on the first of the best villages.
 */
static void gen_villages(struct gen *g)
{
    unsigned char used[NFIRST][NSECOND];
    struct rng rn = rng_for("names", "villages", 2024);
    size_t next_community = 0;
    int i, k, best_qv = -100;
    char best[16] = "";

    memset(used, 0, sizeof(used));
    for (i = 0; i < NTOWNS && !g->rc; i++) {
        const struct demo_unit *t = &towns[i];
        int street = t->tags != NULL, n = village_count[i];
        for (k = 0; k < n && !g->rc; k++) {
            char id[16], name[64], town_stem[32];
            struct rng r;
            int cun, qv;
            size_t a, b;
            /* Streets: communities but two villages; towns: one community
             * (the town seat) and villages. */
            cun = street ? k >= n - 2 : k > 0;
            snprintf(id, sizeof(id), "V%02d%02d", i + 1, k + 1);
            if (!cun && street) {
                snprintf(name, sizeof(name), "%s社区",
                         community_names[next_community++ % NCOMMUNITY]);
            } else if (!cun) {
                size_t len = strlen(t->name) - strlen("镇");
                snprintf(town_stem, sizeof(town_stem), "%.*s", (int)len, t->name);
                snprintf(name, sizeof(name), "%s社区", town_stem);
            } else {
                do {
                    a = (size_t)rng_int(&rn, 0, (int)NFIRST - 1);
                    b = (size_t)rng_int(&rn, 0, (int)NSECOND - 1);
                } while (used[a][b]);
                used[a][b] = 1;
                snprintf(name, sizeof(name), "%s%s村", village_first[a], village_second[b]);
            }
            add_unit(g, id, name, cun ? "cun" : "shequ", t->name);
            r = rng_for("village", id, 2024);
            qv = clampi(t->q / 2 + rng_int(&r, -3, 2) + rng_int(&r, -2, 2), -6, 6);
            village_values(g, id, cun, qv, &r);
            if (qv > best_qv) {
                best_qv = qv;
                snprintf(best, sizeof(best), "%s", id);
            }
        }
    }
    /* The first of the best villages has a committee member disciplined:
     * the scheme's veto keeps it from five stars. */
    if (!g->rc && best[0]) {
        struct kh_event e;
        memset(&e, 0, sizeof(e));
        e.item = "违纪违法";
        e.count = 1;
        e.points = NAN;
        e.shares = 1;
        e.note = "虚构：村“两委”成员受到党纪处分";
        g->rc = kh_dataset_add_event_ex(g->ds, best, "2024-09", &e, g->err);
    }
}

/* ---- the whole district ------------------------------------------------------ */

int demo_generate(struct kh_dataset *district, struct kh_dataset *villages, struct kh_err *err)
{
    const struct demo_unit *all[NTOWNS + NDEPTS + NPARKS];
    struct gen g;
    int i, n = 0;

    g.ds = district;
    g.err = err;
    g.rc = KH_OK;
    for (i = 0; i < NTOWNS; i++)
        all[n++] = &towns[i];
    for (i = 0; i < NDEPTS; i++)
        all[n++] = &depts[i];
    for (i = 0; i < NPARKS; i++)
        all[n++] = &parks[i];
    for (i = 0; i < n; i++)
        add_unit(&g, all[i]->id, all[i]->name, all[i]->category, all[i]->tags);
    for (i = 0; i < n; i++) {
        const struct demo_unit *u = all[i];
        int town = strcmp(u->category, "town") == 0, dept = strcmp(u->category, "dept") == 0;
        if (!dept) {
            gen_growth(&g, u);
            gen_revenue(&g, u);
        }
        if (town)
            gen_town_extra(&g, u);
        if (dept)
            gen_dept(&g, u);
        if (!town && !dept)
            gen_park(&g, u);
        gen_tasks(&g, u);
    }
    gen_events(&g);
    gen_ballots(&g, all, n);
    if (g.rc)
        return g.rc;
    g.ds = villages;
    gen_villages(&g);
    return g.rc;
}
