/*
 * khbench.c — kaohe's side of the benchmarks (bench/run.sh): loads a
 * scheme and a data folder once through the public API (include/kaohe/),
 * timing each data file, then times a full score of one period (kh_score)
 * `repeat` times, and the rescore after one changed value
 * (kh_result_set_input) on an indicator with a relative rule and on one
 * without. Prints one line of `key=value` pairs (times in seconds) that
 * run.sh reads:
 *
 *   load_s values values_s score_s score_min_s score_max_s
 *   set_rel_s set_rel_max_s set_rel_nodes set_abs_s set_abs_max_s set_abs_nodes
 *   rss_load_kb rss_peak_kb
 *
 * Medians of the repeats are reported; the min and max show the spread.
 * No timing here is a test: nothing fails on a slow number. With
 * --compact the dataset keeps values and targets in the compact form
 * (kh_dataset_set_compact: no per-row records), as a program that only
 * scores can; the peak memory is then what scoring needs.
 *
 * usage: khbench SCHEME DIR PERIOD [--repeat N] [--changes M]
 *                [--rel NODE] [--abs NODE] [--compact]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "kaohe/data.h"
#include "kaohe/engine.h"
#include "kaohe/scheme.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long rss_peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int fail(const char *what, const struct kh_err *err)
{
    fprintf(stderr, "khbench: %s: %s:%d:%d: %s\n", what, err->file, err->line, err->col, err->msg);
    return 1;
}

/* The input a leaf node reads: its value is `value: ID` in the bench
 * scheme, and the input has the node's id. */
static int time_changes(struct kh_result *r, const struct kh_dataset *ds, const char *node,
                        int changes, double *med, double *max, int *nodes)
{
    double *t = malloc(sizeof(double) * (size_t)changes);
    struct kh_err err;
    int i, n = 0;
    unsigned seed = 12345;

    if (!t)
        return 1;
    *max = 0;
    for (i = 0; i < changes; i++) {
        int u;
        double t0, v;
        seed = seed * 1103515245u + 12345u;
        u = (int)((seed >> 8) % (unsigned)ds->nunits);
        v = (double)((seed >> 4) % 10000) / 100.0 + 1.0;
        kh_err_clear(&err);
        t0 = now();
        if (kh_result_set_input(r, u, node, v, &n, &err) != KH_OK) {
            free(t);
            return fail("kh_result_set_input", &err);
        }
        t[i] = now() - t0;
        if (t[i] > *max)
            *max = t[i];
    }
    *med = median(t, changes);
    *nodes = n;
    free(t);
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const kinds[] = {"units", "values", "targets", "events"};
    const char *rel = "i006", *abs_node = "i001";
    int repeat = 5, changes = 20, i, nrel = 0, nabs = 0, compact = 0;
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds;
    struct kh_result *r = NULL;
    struct kh_err err;
    double t0, load = 0, values_s = 0, *st, rel_med, rel_max, abs_med, abs_max;
    long rss_load;
    char path[4096];

    if (argc < 4) {
        fprintf(stderr, "usage: khbench SCHEME DIR PERIOD [--repeat N] [--changes M] "
                        "[--rel NODE] [--abs NODE] [--compact]\n");
        return 2;
    }
    for (i = 4; i < argc; i += 2) {
        if (strcmp(argv[i], "--compact") == 0) {
            compact = 1;
            i--;
            continue;
        }
        if (i + 1 >= argc)
            break;
        if (strcmp(argv[i], "--repeat") == 0)
            repeat = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--changes") == 0)
            changes = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--rel") == 0)
            rel = argv[i + 1];
        else if (strcmp(argv[i], "--abs") == 0)
            abs_node = argv[i + 1];
    }
    if (repeat < 1 || changes < 1) {
        fprintf(stderr, "khbench: --repeat and --changes must be positive\n");
        return 2;
    }

    kh_err_clear(&err);
    t0 = now();
    if (kh_scheme_load_file(argv[1], &s, &err) != KH_OK)
        return fail("scheme", &err);
    ds = kh_dataset_new();
    if (!ds || kh_dataset_set_compact(ds, compact) != KH_OK)
        return 1;
    for (i = 0; i < 4; i++) {
        double f0 = now();
        snprintf(path, sizeof(path), "%s/%s.csv", argv[2], kinds[i]);
        if (kh_dataset_load_file(ds, kinds[i], path, &err) != KH_OK)
            return fail(path, &err);
        if (i == 1)
            values_s = now() - f0;
    }
    load = now() - t0;
    rss_load = rss_peak_kb();

    st = malloc(sizeof(double) * (size_t)repeat);
    if (!st)
        return 1;
    for (i = 0; i < repeat; i++) {
        kh_result_free(r);
        r = NULL;
        t0 = now();
        if (kh_score(s, ds, argv[3], &r, &err) != KH_OK)
            return fail("kh_score", &err);
        st[i] = now() - t0;
    }
    if (time_changes(r, ds, rel, changes, &rel_med, &rel_max, &nrel) ||
        time_changes(r, ds, abs_node, changes, &abs_med, &abs_max, &nabs))
        return 1;

    printf("load_s=%.6f values=%zu values_s=%.6f form=%s", load, kh_dataset_value_count(ds),
           values_s, compact ? "compact" : "ordinary");
    {
        double mn = st[0], mx = st[0], med;
        for (i = 1; i < repeat; i++) {
            mn = fmin(mn, st[i]);
            mx = fmax(mx, st[i]);
        }
        med = median(st, repeat);
        printf(" score_s=%.6f score_min_s=%.6f score_max_s=%.6f", med, mn, mx);
    }
    printf(" set_rel=%s set_rel_s=%.6f set_rel_max_s=%.6f set_rel_nodes=%d", rel, rel_med, rel_max,
           nrel);
    printf(" set_abs=%s set_abs_s=%.6f set_abs_max_s=%.6f set_abs_nodes=%d", abs_node, abs_med,
           abs_max, nabs);
    printf(" rss_load_kb=%ld rss_peak_kb=%ld\n", rss_load, rss_peak_kb());
    free(st);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
    return 0;
}
