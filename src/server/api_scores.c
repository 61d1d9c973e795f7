/*
 * api_scores.c — the live score routes of the HTTP API (docs/api/scores.md):
 * league tables per category, first places, and for one unit its report
 * card (成绩单), the explanation trace of one number, its weak points and
 * its totals and ranks over periods.
 *
 * Every route scores the store's approved data for the period asked with
 * srv_score (the active scheme, or ?scheme= and ?version=), so a read after
 * a write sees the write; other periods (the card's previous period, trend
 * and streak series) are scored with the same scheme and dataset. Bodies
 * depend only on the path, the query, the viewer's scope and the data, so
 * every handler marks its response cacheable and the dispatcher adds ETags.
 * Field names follow the JSON of `kaohe score`, `kaohe firsts` and
 * `kaohe weak` (src/cli/), and rows come in the published order of
 * kh_report_order, as in the CLI and the XLSX export. JSON per RFC 8259.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/period.h"
#include "kaohe/report.h"
#include "srv.h"

#define MAX_SERIES 24 /* periods of a trend or a streak */
#define CARD_WEAK  5  /* weak points on a report card */

/* ---- small helpers ------------------------------------------------------- */

/* v rounded as the scheme publishes (NaN stays NaN, and becomes null). */
static json_t *num_dec(double v, int dec)
{
    return srv_json_num(isnan(v) ? v : kh_round(v, dec));
}

/* {"scheme", "version", "period"} of a scored period: every body starts so. */
static json_t *scored_head(const struct srv_scored *sc)
{
    json_t *o = json_object();
    json_object_set_new(o, "scheme", json_string(sc->scheme_id));
    json_object_set_new(o, "version", json_integer(sc->version));
    json_object_set_new(o, "period", json_string(kh_result_period(sc->r)));
    return o;
}

/* Non-zero if node k of s counts for category c (it has points there). */
static int node_in_cat(const struct kh_scheme *s, int k, int c)
{
    return !isnan(kh_scheme_node_points(s, k, c));
}

/* {id, name, depth, parent, points} of node k for category c. */
static json_t *node_json(const struct kh_scheme *s, int k, int c)
{
    int p = kh_scheme_node_parent(s, k);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(kh_scheme_node_id(s, k)));
    json_object_set_new(o, "name", json_string(kh_scheme_node_name(s, k)));
    json_object_set_new(o, "depth", json_integer(kh_scheme_node_depth(s, k)));
    json_object_set_new(o, "parent", p >= 0 ? json_string(kh_scheme_node_id(s, p)) : json_null());
    json_object_set_new(o, "points", srv_json_num(kh_scheme_node_points(s, k, c)));
    return o;
}

/* Add total, display, rank, rank_of, tier and tier_name of unit u to o:
 * what a league row, a report card and a trend entry share. */
static void add_standing(json_t *o, const struct kh_result *r, int u)
{
    int rank = kh_result_rank(r, u);
    json_object_set_new(o, "total", srv_json_num(kh_result_score(r, u, 0)));
    json_object_set_new(o, "display", srv_json_num(kh_result_display(r, u, 0)));
    json_object_set_new(o, "rank", rank ? json_integer(rank) : json_null());
    json_object_set_new(o, "rank_of", rank ? json_integer(kh_result_rank_size(r, u)) : json_null());
    if (kh_result_tier(r, u) >= 0) {
        json_object_set_new(o, "tier", json_string(kh_result_tier_id(r, u)));
        json_object_set_new(o, "tier_name", json_string(kh_result_tier_name(r, u)));
    } else {
        json_object_set_new(o, "tier", json_null());
        json_object_set_new(o, "tier_name", json_null());
    }
}

/* Add vetoes (their names) and honours_eligible of unit u to o. */
static void add_vetoes(json_t *o, const struct kh_result *r, int u)
{
    json_t *v = json_array();
    int i;
    for (i = 0; i < kh_result_veto_count(r, u); i++)
        json_array_append_new(v, json_string(kh_result_veto_name(r, u, i)));
    json_object_set_new(o, "vetoes", v);
    json_object_set_new(o, "honours_eligible", json_boolean(kh_result_honours_eligible(r, u)));
}

/* Index of the category with this id or display name in s, or -1. */
static int find_category(const struct kh_scheme *s, const char *text)
{
    int c;
    for (c = 0; c < kh_scheme_category_count(s); c++)
        if (strcmp(kh_scheme_category_id(s, c), text) == 0 ||
            strcmp(kh_scheme_category_name(s, c), text) == 0)
            return c;
    return -1;
}

/* Non-zero if the dataset holds a value for a period inside p. */
static int period_has_data(const struct kh_dataset *ds, const struct kh_period *p)
{
    size_t i;
    for (i = 0; i < ds->nvalues; i++)
        if (kh_period_contains(p, &ds->values[i].period))
            return 1;
    return 0;
}

/* The first month with data, as year * 12 + month - 1, or -1 for none. */
static long first_data_month(const struct kh_dataset *ds)
{
    long lo = -1, m;
    size_t i;
    for (i = 0; i < ds->nvalues; i++) {
        m = ds->values[i].period.year * 12L + kh_period_first_month(&ds->values[i].period) - 1;
        if (lo < 0 || m < lo)
            lo = m;
    }
    return lo;
}

/*
 * The unit routes' common start: check the viewer's scope for unit
 * q->param[1] (403 before anything is scored, so that nothing leaks), score
 * period q->param[0] into *sc and find the unit in it (404). Returns the
 * unit's index, or -1 with the error in r (and nothing left to free).
 */
static int unit_start(struct srv_req *q, struct srv_resp *r, struct srv_scored *sc)
{
    int u;

    r->cacheable = 1;
    if (!srv_may_unit(q, q->param[1])) {
        srv_fail(r, E_SCOPE, "unit", "unit %s is outside your account's unit %s; ask about your "
                 "own unit", q->param[1], q->acct.unit);
        return -1;
    }
    if (srv_score(q, r, q->param[0], sc))
        return -1;
    if ((u = kh_dataset_unit(sc->ds, q->param[1])) < 0) {
        srv_fail(r, E_NOT_FOUND, "unit", "no unit '%s' is assessed by scheme %s; the unit codes "
                 "are listed by GET /api/v1/units", q->param[1], sc->scheme_id);
        srv_scored_free(sc);
        return -1;
    }
    return u;
}

/*
 * Score the n periods of cur's kind that end with cur (cur itself is
 * sc->r, put last and not scored again) with sc's scheme and dataset:
 * res[0..n) and per[0..n) in time order. A period that cannot be scored
 * gets NULL and its message in msg[i] (when msg is not NULL). The caller
 * frees res[0..n-1).
 */
static void score_series(const struct srv_scored *sc, const struct kh_period *cur, int n,
                         struct kh_period *per, struct kh_result **res, char (*msg)[300])
{
    struct kh_err err;
    char txt[KH_PERIOD_TEXT];
    int i;

    res[n - 1] = sc->r;
    per[n - 1] = *cur;
    for (i = n - 2; i >= 0; i--) {
        per[i] = kh_period_prev(&per[i + 1]);
        kh_err_clear(&err);
        res[i] = NULL;
        if (kh_score(sc->s, sc->ds, kh_period_format(&per[i], txt), &res[i], &err) != KH_OK) {
            kh_result_free(res[i]);
            res[i] = NULL;
            if (msg)
                kh_err_format(&err, msg[i], sizeof(msg[i]));
        }
    }
}

/*
 * How many periods a series from ?since= up to cur spans (1..MAX_SERIES),
 * with *since set to its first. Without ?since=: `dflt_data` non-zero
 * starts at the earliest period that overlaps the data (at most MAX_SERIES
 * periods in all), otherwise at cur. Returns the count, or -1 with E_BAD_QUERY in r.
 */
static int series_len(const struct srv_req *q, struct srv_resp *r, const struct kh_dataset *ds,
                      const struct kh_period *cur, int dflt_data, struct kh_period *since)
{
    const char *v = srv_query(q, "since");
    struct kh_period p = *cur;
    int n = 1, k;

    *since = *cur;
    if (!v) {
        long lo = dflt_data ? first_data_month(ds) : -1;
        for (k = 2; lo >= 0 && k <= MAX_SERIES; k++) {
            p = kh_period_prev(&p);
            if (p.year * 12L + kh_period_last_month(&p) - 1 < lo)
                break; /* ends before the first data */
            *since = p;
            n = k;
        }
        return n;
    }
    if (kh_period_parse(v, since) != KH_OK || since->kind != cur->kind ||
        kh_period_cmp(since, cur) > 0) {
        char txt[KH_PERIOD_TEXT];
        srv_fail(r, E_BAD_QUERY, "since", "?since= must be a period of the same kind as %s, "
                 "and not after it", kh_period_format(cur, txt));
        return -1;
    }
    for (n = 1; !kh_period_equal(&p, since); n++) {
        if (n == MAX_SERIES) {
            char txt[KH_PERIOD_TEXT];
            srv_fail(r, E_BAD_QUERY, "since", "?since= may reach back at most %d periods "
                     "before %s (%d in all)", MAX_SERIES - 1, kh_period_format(cur, txt),
                     MAX_SERIES);
            return -1;
        }
        p = kh_period_prev(&p);
    }
    return n;
}

/* The weak points of unit u, worst first, as `kaohe weak --format json`
 * gives them: [{node, name, score, full, loss, group_mean, gap}]. */
static json_t *weak_json(const struct srv_scored *sc, int u, int top)
{
    struct kh_weak w[50];
    int dec = kh_scheme_decimals(sc->s), n, i;
    json_t *a = json_array();

    n = kh_result_weak(sc->r, u, w, top < 50 ? top : 50);
    for (i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "node", json_string(kh_scheme_node_id(sc->s, w[i].node)));
        json_object_set_new(o, "name", json_string(kh_scheme_node_name(sc->s, w[i].node)));
        json_object_set_new(o, "score", num_dec(w[i].score, dec));
        json_object_set_new(o, "full", num_dec(w[i].full, dec));
        json_object_set_new(o, "loss", num_dec(w[i].loss, dec));
        json_object_set_new(o, "group_mean", num_dec(w[i].group_mean, dec));
        json_object_set_new(o, "gap", num_dec(w[i].gap, dec));
        json_array_append_new(a, o);
    }
    return a;
}

/* ---- GET /scores/{period} ------------------------------------------------- */

/* One category's league table: {category, name, columns, rows}; o is the
 * published order of all units. */
static json_t *league_table(const struct srv_scored *sc, const struct kh_report_row *o, int c)
{
    const struct kh_scheme *s = sc->s;
    int nn = kh_scheme_node_count(s), k, i;
    json_t *t = json_object(), *cols = json_array(), *rows = json_array();

    json_object_set_new(t, "category", json_string(kh_scheme_category_id(s, c)));
    json_object_set_new(t, "name", json_string(kh_scheme_category_name(s, c)));
    for (k = 1; k < nn; k++)
        if (node_in_cat(s, k, c))
            json_array_append_new(cols, node_json(s, k, c));
    for (i = 0; i < sc->ds->nunits; i++) {
        int u = o[i].unit;
        const struct kh_unit *un = &sc->ds->units[u];
        json_t *row, *scores;
        if (o[i].cat != c)
            continue;
        row = json_object();
        scores = json_object();
        json_object_set_new(row, "unit", json_string(un->id));
        json_object_set_new(row, "name", json_string(un->name ? un->name : ""));
        add_standing(row, sc->r, u);
        add_vetoes(row, sc->r, u);
        for (k = 1; k < nn; k++)
            if (node_in_cat(s, k, c))
                json_object_set_new(scores, kh_scheme_node_id(s, k),
                                    srv_json_num(kh_result_display(sc->r, u, k)));
        json_object_set_new(row, "scores", scores);
        json_array_append_new(rows, row);
    }
    json_object_set_new(t, "columns", cols);
    json_object_set_new(t, "rows", rows);
    return t;
}

void api_league(struct srv_req *q, struct srv_resp *r)
{
    struct srv_scored sc;
    struct kh_report_row *o;
    const char *want = srv_query(q, "category");
    int c, only = -1;
    json_t *data, *tables;

    r->cacheable = 1;
    if (srv_score(q, r, q->param[0], &sc))
        return;
    if (want && (only = find_category(sc.s, want)) < 0) {
        srv_fail(r, E_NOT_FOUND, "category", "scheme %s has no category '%s'; give a category "
                 "id or name as GET /api/v1/schemes/%s lists them", sc.scheme_id, want,
                 sc.scheme_id);
        srv_scored_free(&sc);
        return;
    }
    if (!(o = kh_report_order(sc.ds, sc.r))) {
        srv_fail(r, E_INTERNAL, NULL, "out of memory while ordering the league table");
        srv_scored_free(&sc);
        return;
    }
    data = scored_head(&sc);
    json_object_set_new(data, "name", json_string(kh_scheme_name(sc.s)));
    json_object_set_new(data, "decimals", json_integer(kh_scheme_decimals(sc.s)));
    tables = json_array();
    for (c = 0; c < kh_scheme_category_count(sc.s); c++)
        if (only < 0 || c == only)
            json_array_append_new(tables, league_table(&sc, o, c));
    json_object_set_new(data, "categories", tables);
    free(o);
    srv_scored_free(&sc);
    srv_ok(r, data);
}

/* ---- GET /scores/{period}/firsts ------------------------------------------ */

void api_firsts(struct srv_req *q, struct srv_resp *r)
{
    struct srv_scored sc;
    struct kh_result *hist[MAX_SERIES];
    struct kh_period cur, since, per[MAX_SERIES];
    struct kh_first *f = NULL;
    size_t nf = 0, i;
    int n = 1, k, dec;
    json_t *data, *list;

    r->cacheable = 1;
    if (srv_score(q, r, q->param[0], &sc))
        return;
    if (kh_period_parse(kh_result_period(sc.r), &cur) != KH_OK ||
        (n = series_len(q, r, sc.ds, &cur, 0, &since)) < 0) {
        if (n >= 0)
            srv_fail(r, E_INTERNAL, NULL, "the scored period does not parse");
        srv_scored_free(&sc);
        return;
    }
    if (kh_result_firsts(sc.r, &f, &nf) != KH_OK) {
        srv_fail(r, E_INTERNAL, NULL, "out of memory while listing first places");
        srv_scored_free(&sc);
        return;
    }
    score_series(&sc, &cur, n, per, hist, NULL);
    for (k = 0; k < n - 1; k++)
        if (!hist[k]) {
            char txt[KH_PERIOD_TEXT];
            srv_fail(r, E_SCORE, "since", "period %s cannot be scored, so no streak can run "
                     "through it; give a later ?since=", kh_period_format(&per[k], txt));
            goto out;
        }
    dec = kh_scheme_decimals(sc.s);
    list = json_array();
    for (i = 0; i < nf; i++) {
        const struct kh_first *x = &f[i];
        const struct kh_unit *un = &sc.ds->units[x->unit];
        json_t *e = json_object();
        json_object_set_new(e, "node", json_string(kh_scheme_node_id(sc.s, x->node)));
        json_object_set_new(e, "name", json_string(kh_scheme_node_name(sc.s, x->node)));
        json_object_set_new(e, "scope", json_string(x->scope));
        json_object_set_new(e, "scope_kind", json_string(x->scope_is_tag ? "tag" : "category"));
        json_object_set_new(e, "unit", json_string(un->id));
        json_object_set_new(e, "unit_name", json_string(un->name ? un->name : ""));
        json_object_set_new(e, "basis", json_string(x->by_value ? "value" : "score"));
        json_object_set_new(e, "value", x->by_value ? srv_json_num(x->value)
                                                    : num_dec(x->value, dec));
        json_object_set_new(e, "tied", json_integer(x->tied));
        json_object_set_new(e, "streak",
                            json_integer(n > 1 ? kh_streak((const struct kh_result *const *)hist,
                                                           n, x->unit, x->node,
                                                           x->scope_is_tag ? x->scope : NULL)
                                               : 1));
        json_array_append_new(list, e);
    }
    data = scored_head(&sc);
    if (srv_query(q, "since")) {
        char txt[KH_PERIOD_TEXT];
        json_object_set_new(data, "since", json_string(kh_period_format(&since, txt)));
    }
    json_object_set_new(data, "firsts", list);
    srv_ok(r, data);
out:
    for (k = 0; k < n - 1; k++)
        kh_result_free(hist[k]);
    free(f);
    srv_scored_free(&sc);
}

/* ---- GET /scores/{period}/units/{unit} ------------------------------------ */

/* The card's nodes: every node of u's category c with its score, points,
 * the category's mean and best, the progress light, and value and target
 * of leaves. */
static json_t *card_nodes(const struct srv_scored *sc, int u, int c)
{
    static const char *const light[] = {"none", "green", "yellow", "red"};
    const struct kh_scheme *s = sc->s;
    int nn = kh_scheme_node_count(s), dec = kh_scheme_decimals(s), k, v;
    json_t *a = json_array();

    for (k = 0; k < nn; k++) {
        double sum = 0, best = NAN;
        int cnt = 0, pr;
        json_t *o;
        if (!node_in_cat(s, k, c))
            continue;
        for (v = 0; v < sc->ds->nunits; v++) {
            double x = kh_result_score(sc->r, v, k);
            if (kh_result_category(sc->r, v) != c || isnan(x))
                continue;
            sum += x;
            cnt++;
            if (isnan(best) || x > best)
                best = x;
        }
        o = node_json(s, k, c);
        json_object_set_new(o, "score", srv_json_num(kh_result_display(sc->r, u, k)));
        json_object_set_new(o, "mean", num_dec(cnt ? sum / cnt : NAN, dec));
        json_object_set_new(o, "best", num_dec(best, dec));
        pr = kh_result_progress(sc->r, u, k);
        json_object_set_new(o, "progress", json_string(light[pr >= 0 && pr <= 3 ? pr : 0]));
        if (kh_scheme_node_is_leaf(s, k)) {
            json_object_set_new(o, "value", srv_json_num(kh_result_value(sc->r, u, k)));
            json_object_set_new(o, "target", srv_json_num(kh_result_target(sc->r, u, k)));
        }
        json_array_append_new(a, o);
    }
    return a;
}

/* The unit's events (honours, deductions …) inside period p, as filed. */
static json_t *card_events(const struct kh_dataset *ds, int u, const struct kh_period *p)
{
    json_t *a = json_array();
    char txt[KH_PERIOD_TEXT];
    size_t i;

    for (i = 0; i < ds->nevents; i++) {
        const struct kh_event *e = &ds->events[i];
        json_t *o;
        if (e->unit != u || !kh_period_contains(p, &e->period))
            continue;
        o = json_object();
        json_object_set_new(o, "item", json_string(e->item));
        json_object_set_new(o, "period", json_string(kh_period_format(&e->period, txt)));
        json_object_set_new(o, "level", srv_json_str(e->level));
        json_object_set_new(o, "count", srv_json_num(e->count));
        json_object_set_new(o, "matter", srv_json_str(e->matter));
        json_object_set_new(o, "points", srv_json_num(e->points));
        json_object_set_new(o, "shares", json_integer(e->shares));
        json_object_set_new(o, "exempt", json_boolean(e->exempt));
        json_object_set_new(o, "evidence", srv_json_str(e->evidence));
        json_object_set_new(o, "note", srv_json_str(e->note));
        json_array_append_new(a, o);
    }
    return a;
}

/* The movement against the previous period of the same kind, or null when
 * that period has no data or cannot be scored. */
static json_t *card_movement(const struct srv_scored *sc, int u, const struct kh_period *cur)
{
    struct kh_period p = kh_period_prev(cur);
    struct kh_result *prev = NULL;
    struct kh_err err;
    char txt[KH_PERIOD_TEXT];
    int known = 0, m, rank;
    json_t *o;

    if (!period_has_data(sc->ds, &p))
        return json_null();
    kh_err_clear(&err);
    if (kh_score(sc->s, sc->ds, kh_period_format(&p, txt), &prev, &err) != KH_OK) {
        kh_result_free(prev);
        return json_null();
    }
    m = kh_result_movement(prev, sc->r, u, &known);
    rank = kh_result_rank(prev, u);
    o = json_object();
    json_object_set_new(o, "period", json_string(txt));
    json_object_set_new(o, "rank", rank ? json_integer(rank) : json_null());
    json_object_set_new(o, "rank_of", rank ? json_integer(kh_result_rank_size(prev, u))
                                           : json_null());
    json_object_set_new(o, "display", srv_json_num(kh_result_display(prev, u, 0)));
    json_object_set_new(o, "change", known ? json_integer(m) : json_null());
    kh_result_free(prev);
    return o;
}

void api_card(struct srv_req *q, struct srv_resp *r)
{
    struct srv_scored sc;
    struct kh_period cur;
    int u, c;
    json_t *data;

    if ((u = unit_start(q, r, &sc)) < 0)
        return;
    if (kh_period_parse(kh_result_period(sc.r), &cur) != KH_OK) {
        srv_fail(r, E_INTERNAL, NULL, "the scored period does not parse");
        srv_scored_free(&sc);
        return;
    }
    c = kh_result_category(sc.r, u);
    data = scored_head(&sc);
    json_object_set_new(data, "unit", json_string(sc.ds->units[u].id));
    json_object_set_new(data, "name", json_string(sc.ds->units[u].name ? sc.ds->units[u].name
                                                                       : ""));
    json_object_set_new(data, "category", json_string(kh_scheme_category_id(sc.s, c)));
    json_object_set_new(data, "category_name", json_string(kh_scheme_category_name(sc.s, c)));
    add_standing(data, sc.r, u);
    add_vetoes(data, sc.r, u);
    json_object_set_new(data, "movement", card_movement(&sc, u, &cur));
    json_object_set_new(data, "nodes", card_nodes(&sc, u, c));
    json_object_set_new(data, "weak", weak_json(&sc, u, CARD_WEAK));
    json_object_set_new(data, "events", card_events(sc.ds, u, &cur));
    srv_scored_free(&sc);
    srv_ok(r, data);
}

/* ---- GET /scores/{period}/units/{unit}/explain ------------------------------ */

void api_explain(struct srv_req *q, struct srv_resp *r)
{
    struct srv_scored sc;
    struct kh_buf out;
    struct kh_err err;
    const char *want = srv_query(q, "node");
    int u, k = 0;
    json_t *data;

    if ((u = unit_start(q, r, &sc)) < 0)
        return;
    if (want && (k = kh_scheme_find_node(sc.s, want)) < 0) {
        srv_fail(r, E_NOT_FOUND, "node", "scheme %s has no indicator '%s'; give a node id as "
                 "GET /api/v1/schemes/%s lists them, or leave ?node= out for the total",
                 sc.scheme_id, want, sc.scheme_id);
        srv_scored_free(&sc);
        return;
    }
    kh_buf_init(&out, 0);
    kh_err_clear(&err);
    if (kh_explain(sc.r, u, k, &out, &err) != KH_OK) {
        srv_fail_err(r, E_SCORE, &err);
    } else {
        data = scored_head(&sc);
        json_object_set_new(data, "unit", json_string(sc.ds->units[u].id));
        json_object_set_new(data, "node", json_string(kh_scheme_node_id(sc.s, k)));
        json_object_set_new(data, "text", json_string(out.data ? out.data : ""));
        srv_ok(r, data);
    }
    kh_buf_free(&out);
    srv_scored_free(&sc);
}

/* ---- GET /scores/{period}/units/{unit}/weak ------------------------------- */

void api_weak(struct srv_req *q, struct srv_resp *r)
{
    struct srv_scored sc;
    int u;
    int64_t top = CARD_WEAK;
    json_t *data;

    if ((u = unit_start(q, r, &sc)) < 0)
        return;
    if (srv_query_count(q, r, "top", 1, 50, &top)) {
        srv_scored_free(&sc);
        return;
    }
    data = scored_head(&sc);
    json_object_set_new(data, "unit", json_string(sc.ds->units[u].id));
    json_object_set_new(data, "weak", weak_json(&sc, u, (int)top));
    srv_scored_free(&sc);
    srv_ok(r, data);
}

/* ---- GET /scores/{period}/units/{unit}/trend ------------------------------ */

void api_trend(struct srv_req *q, struct srv_resp *r)
{
    struct srv_scored sc;
    struct kh_result *res[MAX_SERIES];
    char msg[MAX_SERIES][300];
    struct kh_period cur, since, per[MAX_SERIES];
    char txt[KH_PERIOD_TEXT];
    int u, n = 0, i;
    json_t *data, *list;

    if ((u = unit_start(q, r, &sc)) < 0)
        return;
    if (kh_period_parse(kh_result_period(sc.r), &cur) != KH_OK ||
        (n = series_len(q, r, sc.ds, &cur, 1, &since)) < 0) {
        if (n >= 0)
            srv_fail(r, E_INTERNAL, NULL, "the scored period does not parse");
        srv_scored_free(&sc);
        return;
    }
    score_series(&sc, &cur, n, per, res, msg);
    list = json_array();
    for (i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "period", json_string(kh_period_format(&per[i], txt)));
        if (res[i])
            add_standing(o, res[i], u);
        else
            json_object_set_new(o, "error", json_string(msg[i]));
        json_array_append_new(list, o);
    }
    data = scored_head(&sc);
    json_object_set_new(data, "unit", json_string(sc.ds->units[u].id));
    json_object_set_new(data, "since", json_string(kh_period_format(&since, txt)));
    json_object_set_new(data, "periods", list);
    for (i = 0; i < n - 1; i++)
        kh_result_free(res[i]);
    srv_scored_free(&sc);
    srv_ok(r, data);
}
