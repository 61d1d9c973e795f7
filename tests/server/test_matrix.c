/*
 * test_matrix.c — the role × route matrix of the API (docs/api.md "Roles"
 * and "Routes") through a real server on loopback, and the scope rules
 * handlers add on top (a reporter's own unit, a department's indicators).
 *
 * The expected matrix below is written from docs/api.md's tables by hand,
 * NOT computed from auth.c: for every route, the roles allowed. The test
 * fails when the route table (srv_routes) has a route this table lacks or
 * the other way round, and when any role gets other than what the table
 * says: a role without the capability must get 403 with 2005 (401 with
 * 2001 when not signed in); a role with it anything else (the handler may
 * still answer 404 or 422 for the sample parameters, but never 5xx).
 *
 * Usage: test_matrix KAOHE_BINARY (or $KH_KAOHE); cmocka.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "server_fixture.h"
#include "srv.h"

/* ---- the expected matrix (docs/api.md) ------------------------------------------ */

enum {
    ADM = 1,   /* admin 考核办 */
    DEP = 2,   /* dept 数据部门 (tongji) */
    REP = 4,   /* reporter 填报员 (t01, unit T01) */
    REV = 8,   /* reviewer 审核员 */
    EVA = 16,  /* evaluator 评议人 */
    LEA = 32,  /* leader 领导 */
    ANON = 64, /* not signed in */
    PUB = 128, /* not a role: marks the `published` routes anonymous reads with --public */
    SIGNED = ADM | DEP | REP | REV | EVA | LEA,
    ANYONE = SIGNED | ANON
};

#define NROLES 7
static const struct {
    int bit;
    const char *account; /* NULL: anonymous */
} roles[NROLES] = {
    {ADM, "admin"},  {DEP, "tongji"},  {REP, "t01"}, {REV, "shenhe"},
    {EVA, "pingyi"}, {LEA, "lingdao"}, {ANON, NULL},
};

/* Capabilities as the roles table grants them. */
#define C_VALUES_READ  (ADM | DEP | REP | REV | LEA)
#define C_VALUES_WRITE (ADM | DEP | REP)
#define C_UNIT_SCORES  (ADM | REP | REV | LEA)
#define C_SCORES       (ADM | REV | LEA)
#define C_APPEAL_READ  (ADM | REP | REV | LEA)
#define C_PUBLISHED    (SIGNED | PUB) /* and anonymous only with --public */

/* One route: method and pattern as routes.c writes them, the roles allowed,
 * and a sample request: the path with plausible parameters, a body and its
 * media type (NULL: JSON when there is a body). */
struct expect {
    const char *method, *pattern;
    int allowed;
    const char *path, *body, *ctype;
};

#define V1      "/api/v1"
#define ROW_T01 "{\"unit\": \"T01\", \"indicator\": \"gdp_growth\", \"period\": \"2025-01\""

/* clang-format off */
static const struct expect matrix[] = {
    {"GET",    "/health",                  ANYONE,          V1 "/health", NULL, NULL},
    /* Signing in is open to anyone; a wrong name answers 401 with 2002, not 2001. */
    {"POST",   "/session",                 ANYONE,          V1 "/session", "{\"name\": \"no-such-account\", \"password\": \"wrong-password\"}", NULL},
    {"GET",    "/session",                 SIGNED,          V1 "/session", NULL, NULL},
    {"DELETE", "/session",                 SIGNED,          V1 "/session", NULL, NULL},
    {"PUT",    "/session/password",        SIGNED,          V1 "/session/password", "{\"old\": \"not-the-password\", \"new\": \"a-new-password-1\"}", NULL},
    {"GET",    "/accounts",                ADM,             V1 "/accounts", NULL, NULL},
    {"POST",   "/accounts",                ADM,             V1 "/accounts", "{\"name\": \"matrix-new\", \"password\": \"matrix-password\", \"role\": \"leader\"}", NULL},
    {"GET",    "/accounts/{name}",         ADM,             V1 "/accounts/t02", NULL, NULL},
    {"PATCH",  "/accounts/{name}",         ADM,             V1 "/accounts/no-such-account", "{\"display\": \"x\"}", NULL},
    {"GET",    "/units",                   SIGNED,          V1 "/units", NULL, NULL},
    {"GET",    "/units/{unit}",            SIGNED,          V1 "/units/T01", NULL, NULL},
    {"GET",    "/periods",                 SIGNED,          V1 "/periods", NULL, NULL},
    {"POST",   "/periods",                 ADM,             V1 "/periods", "{\"code\": \"2025-03\"}", NULL},
    {"POST",   "/periods/{period}/lock",   ADM,             V1 "/periods/2025-03/lock", "{\"reason\": \"matrix\"}", NULL},
    {"POST",   "/periods/{period}/unlock", ADM,             V1 "/periods/2025-03/unlock", "{\"reason\": \"matrix\"}", NULL},
    {"POST",   "/imports/{kind}",          ADM,             V1 "/imports/values?name=v.csv", "unit,indicator,period,value\nT01,gdp_growth,2025-01,x\n", "text/csv"},
    {"GET",    "/schemes",                 SIGNED,          V1 "/schemes", NULL, NULL},
    {"POST",   "/schemes",                 ADM,             V1 "/schemes?dry_run=1", "scheme:\n  id: [\n", "application/yaml"},
    {"GET",    "/schemes/{scheme}",        SIGNED,          V1 "/schemes/shiliqu_2024", NULL, NULL},
    {"GET",    "/schemes/{scheme}/text",   SIGNED,          V1 "/schemes/shiliqu_2024/text", NULL, NULL},
    {"POST",   "/schemes/{scheme}/activate", ADM,           V1 "/schemes/shiliqu_2024/activate", "{\"version\": 1}", NULL},
    {"GET",    "/values",                  C_VALUES_READ,   V1 "/values?period=2024&limit=5", NULL, NULL},
    {"PUT",    "/values",                  C_VALUES_WRITE,  V1 "/values", "{\"values\": [" ROW_T01 ", \"value\": 9.5}]}", NULL},
    {"POST",   "/values/submit",           C_VALUES_WRITE,  V1 "/values/submit", "{\"items\": [" ROW_T01 "}]}", NULL},
    {"POST",   "/values/review",           ADM | REV,       V1 "/values/review", "{\"action\": \"approve\", \"items\": [" ROW_T01 "}]}", NULL},
    {"GET",    "/targets",                 C_VALUES_READ,   V1 "/targets?period=2024&limit=5", NULL, NULL},
    {"PUT",    "/targets",                 ADM,             V1 "/targets", "{\"targets\": [{\"unit\": \"T01\", \"indicator\": \"gdp_growth\", \"period\": \"2025\", \"target\": 8.5}]}", NULL},
    {"GET",    "/events",                  C_VALUES_READ,   V1 "/events?limit=5", NULL, NULL},
    {"POST",   "/events",                  ADM | DEP,       V1 "/events", "{\"unit\": \"T01\", \"item\": \"no-such-item\", \"period\": \"2025-01\"}", NULL},
    {"DELETE", "/events/{id}",             ADM | DEP,       V1 "/events/999999", NULL, NULL},
    {"POST",   "/evidence",                ADM | DEP | REP, V1 "/evidence?name=m.txt&unit=T01", "matrix evidence\n", "text/plain"},
    {"GET",    "/evidence/{id}",           SIGNED,          V1 "/evidence/999999", NULL, NULL},
    {"GET",    "/ballots",                 ADM | EVA | LEA, V1 "/ballots?limit=5", NULL, NULL},
    {"POST",   "/ballots",                 EVA,             V1 "/ballots", "{\"meeting\": \"matrix\", \"ballots\": [{\"unit\": \"T01\", \"grade\": \"good\"}]}", NULL},
    {"GET",    "/scores/{period}",         C_SCORES,        V1 "/scores/2024", NULL, NULL},
    {"GET",    "/scores/{period}/firsts",  C_SCORES,        V1 "/scores/2024/firsts", NULL, NULL},
    {"GET",    "/scores/{period}/export",  C_SCORES,        V1 "/scores/2024/export?category=town", NULL, NULL},
    {"GET",    "/scores/{period}/units/{unit}",         C_UNIT_SCORES, V1 "/scores/2024/units/T01", NULL, NULL},
    {"GET",    "/scores/{period}/units/{unit}/explain", C_UNIT_SCORES, V1 "/scores/2024/units/T01/explain?node=gdp", NULL, NULL},
    {"GET",    "/scores/{period}/units/{unit}/weak",    C_UNIT_SCORES, V1 "/scores/2024/units/T01/weak", NULL, NULL},
    {"GET",    "/scores/{period}/units/{unit}/trend",   C_UNIT_SCORES, V1 "/scores/2024/units/T01/trend", NULL, NULL},
    {"GET",    "/snapshots",               C_PUBLISHED,     V1 "/snapshots", NULL, NULL},
    {"POST",   "/snapshots",               ADM,             V1 "/snapshots", "{\"period\": \"2024\"}", NULL},
    {"GET",    "/snapshots/{id}",          C_PUBLISHED,     V1 "/snapshots/1", NULL, NULL},
    {"GET",    "/snapshots/{id}/diff/{other}", C_PUBLISHED, V1 "/snapshots/1/diff/2", NULL, NULL},
    {"GET",    "/snapshots/{id}/verify",   ADM,             V1 "/snapshots/1/verify", NULL, NULL},
    {"GET",    "/audit",                   ADM | LEA,       V1 "/audit?limit=5", NULL, NULL},
    {"GET",    "/appeals",                 C_APPEAL_READ,   V1 "/appeals", NULL, NULL},
    {"POST",   "/appeals",                 REP,             V1 "/appeals", "{\"unit\": \"T01\", \"node\": \"gdp\", \"period\": \"2024\", \"reason\": \"matrix\"}", NULL},
    {"GET",    "/appeals/{id}",            C_APPEAL_READ,   V1 "/appeals/1", NULL, NULL},
    {"POST",   "/appeals/{id}/decision",   ADM,             V1 "/appeals/999999/decision", "{\"accept\": false, \"reason\": \"matrix\"}", NULL},
};
/* clang-format on */
#define NMATRIX (sizeof(matrix) / sizeof(matrix[0]))

/* ---- servers and sessions ------------------------------------------------------------ */

struct world {
    char db[1024];
    struct kh_server *srv;
    unsigned port;
    struct hc_session sess[NROLES]; /* index as roles[] */
    struct hc_session t02;          /* the other town's reporter */
};

/* Many sign-ins with a wrong name in the matrix: no pause for them. */
static void lenient_login(struct kh_server_opts *o)
{
    o->login_failures = 100000;
}

static void public_read(struct kh_server_opts *o)
{
    o->public_read = 1;
}

/* A fresh demo store and server; every role signed in. */
static void world_start(struct world *w, const char *name, void (*tweak)(struct kh_server_opts *))
{
    int i;

    memset(w, 0, sizeof(*w));
    if (sf_fresh_store(name, w->db, sizeof(w->db)) != 0)
        fail_msg("cannot copy the demo store");
    w->srv = sf_start(w->db, tweak);
    if (!w->srv)
        fail_msg("cannot start a server");
    w->port = kh_server_port(w->srv);
    for (i = 0; i < NROLES; i++) {
        struct hc_resp r;
        hc_session_init(&w->sess[i], w->port);
        if (!roles[i].account)
            continue;
        if (hc_login(&w->sess[i], roles[i].account, SF_PASSWORD, &r) != 0)
            fail_msg("cannot sign in as %s: %d %s", roles[i].account, r.status, r.body);
        hc_resp_free(&r);
    }
    hc_session_init(&w->t02, w->port);
    if (hc_login(&w->t02, "t02", SF_PASSWORD, NULL) != 0)
        fail_msg("cannot sign in as t02");
}

static void world_stop(struct world *w)
{
    kh_server_stop(w->srv);
    w->srv = NULL;
}

static struct hc_session *as(struct world *w, const char *account)
{
    int i;
    if (!strcmp(account, "t02"))
        return &w->t02;
    for (i = 0; i < NROLES; i++)
        if (roles[i].account && !strcmp(roles[i].account, account))
            return &w->sess[i];
    fail_msg("no session for %s", account);
    return NULL;
}

/* Send and check the status and (when non-zero) the error code. */
static void expect_status(struct hc_session *s, const char *method, const char *path,
                          const char *body, int status, int code, struct hc_resp *out)
{
    struct hc_resp r;

    hc_send(s, method, path, body, &r);
    if (r.status != status || (code && hc_error_code(&r) != code)) {
        char msg[600];
        snprintf(msg, sizeof(msg), "%s %s as %s: expected %d/%d, got %d: %.400s", method, path,
                 s->name[0] ? s->name : "anonymous", status, code, r.status, r.body ? r.body : "");
        hc_resp_free(&r);
        fail_msg("%s", msg);
    }
    if (out)
        *out = r;
    else
        hc_resp_free(&r);
}

/* ---- the route table and the matrix ---------------------------------------------------- */

static void test_route_table_and_expected_matrix_list_the_same_routes(void **state)
{
    size_t i, j;
    int bad = 0;
    (void)state;

    for (i = 0; i < srv_nroutes; i++) {
        for (j = 0; j < NMATRIX; j++)
            if (!strcmp(srv_routes[i].method, matrix[j].method) &&
                !strcmp(srv_routes[i].pattern, matrix[j].pattern))
                break;
        if (j == NMATRIX) {
            fprintf(stderr, "route %s %s (routes.c) is not in test_matrix.c's expected table\n",
                    srv_routes[i].method, srv_routes[i].pattern);
            bad++;
        }
    }
    for (j = 0; j < NMATRIX; j++) {
        for (i = 0; i < srv_nroutes; i++)
            if (!strcmp(srv_routes[i].method, matrix[j].method) &&
                !strcmp(srv_routes[i].pattern, matrix[j].pattern))
                break;
        if (i == srv_nroutes) {
            fprintf(stderr, "expected route %s %s is not in routes.c\n", matrix[j].method,
                    matrix[j].pattern);
            bad++;
        }
    }
    if (bad)
        fail_msg("%d routes differ between routes.c and the expected matrix", bad);
}

/* The verdict of one request: NULL when it is what the matrix expects. */
static const char *judge(int allowed, int anonymous, const struct hc_resp *r)
{
    int code = hc_error_code(r);

    if (!r->status)
        return "no answer";
    if (r->status >= 500)
        return "a server error";
    if (allowed) {
        if (r->status == 401 && code == 2001)
            return "allowed, but refused as not signed in (2001)";
        if (r->status == 403 && code == 2005)
            return "allowed, but refused for the role (2005)";
        if (r->status == 403 && code == 2004)
            return "refused for CSRF (the test client sends the token)";
        return NULL;
    }
    if (anonymous)
        return r->status == 401 && code == 2001 ? NULL : "expected 401 with 2001";
    return r->status == 403 && code == 2005 ? NULL : "expected 403 with 2005";
}

/* Send route e's sample request as role i (DELETE /session with a session
 * of its own, so that the role's session lives on). */
static void send_sample(struct world *w, const struct expect *e, int i, struct hc_resp *r)
{
    struct hc_session own, *s = &w->sess[i];

    if (!strcmp(e->method, "DELETE") && !strcmp(e->pattern, "/session") && roles[i].account) {
        hc_session_init(&own, w->port);
        if (hc_login(&own, roles[i].account, SF_PASSWORD, NULL) != 0)
            fail_msg("cannot sign in as %s", roles[i].account);
        s = &own;
    }
    hc_call(s, e->method, e->path, e->ctype, NULL, e->body, e->body ? strlen(e->body) : 0, r);
}

static void walk(struct world *w, int public_mode, int *checked, int *bad)
{
    size_t j;
    int i;

    for (j = 0; j < NMATRIX; j++) {
        const struct expect *e = &matrix[j];
        for (i = 0; i < NROLES; i++) {
            int anonymous = !roles[i].account;
            int allowed = (e->allowed & roles[i].bit) != 0;
            struct hc_resp r;
            const char *why;

            if (public_mode && !anonymous)
                continue;
            if (public_mode && (e->allowed & PUB))
                allowed = 1;
            send_sample(w, e, i, &r);
            why = judge(allowed, anonymous, &r);
            (*checked)++;
            if (why) {
                fprintf(stderr, "%s%s %s (%s) as %s: %s; got %d %.300s\n",
                        public_mode ? "[--public] " : "", e->method, e->pattern, e->path,
                        anonymous ? "anonymous" : roles[i].account, why, r.status,
                        r.body ? r.body : "");
                (*bad)++;
            }
            hc_resp_free(&r);
        }
    }
}

static void test_every_role_on_every_route_gets_what_the_roles_table_says(void **state)
{
    struct world w;
    int checked = 0, bad = 0;
    (void)state;

    world_start(&w, "matrix", lenient_login);
    walk(&w, 0, &checked, &bad);
    world_stop(&w);
    printf("matrix: %d requests, %d wrong\n", checked, bad);
    if (bad)
        fail_msg("%d of %d role x route requests were answered against the matrix", bad, checked);
}

static void test_with_public_read_anonymous_reads_published_snapshots_only(void **state)
{
    struct world w;
    struct hc_session anon;
    int checked = 0, bad = 0;
    (void)state;

    /* Without --public: 401. */
    world_start(&w, "nopublic", NULL);
    hc_session_init(&anon, w.port);
    expect_status(&anon, "GET", V1 "/snapshots", NULL, 401, 2001, NULL);
    world_stop(&w);

    /* With --public: the published routes open, nothing else. */
    world_start(&w, "public", public_read);
    hc_session_init(&anon, w.port);
    expect_status(as(&w, "admin"), "POST", V1 "/snapshots", "{\"period\": \"2024\"}", 201, 0, NULL);
    expect_status(&anon, "GET", V1 "/snapshots", NULL, 200, 0, NULL);
    expect_status(&anon, "GET", V1 "/snapshots/1", NULL, 200, 0, NULL);
    expect_status(&anon, "POST", V1 "/snapshots", "{\"period\": \"2024\"}", 401, 2001, NULL);
    expect_status(&anon, "GET", V1 "/snapshots/1/verify", NULL, 401, 2001, NULL);
    expect_status(&anon, "GET", V1 "/scores/2024", NULL, 401, 2001, NULL);
    walk(&w, 1, &checked, &bad);
    world_stop(&w);
    if (bad)
        fail_msg("%d of %d anonymous requests under --public were answered against the matrix", bad,
                 checked);
}

/* ---- scope ------------------------------------------------------------------------------- */

static struct world scope_world;

static void test_reporter_cannot_read_another_units_scores(void **state)
{
    struct world *w = &scope_world;
    struct hc_session *t01 = as(w, "t01");
    static const char *const paths[] = {
        V1 "/scores/2024/units/T02",
        V1 "/scores/2024/units/T02/explain",
        V1 "/scores/2024/units/T02/explain?node=gdp",
        V1 "/scores/2024/units/T02/weak",
        V1 "/scores/2024/units/T02/trend",
        V1 "/scores/2024-12/units/T02/trend?since=2024-09",
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        expect_status(t01, "GET", paths[i], NULL, 403, 2006, NULL);
    /* … while its own unit is fine, and the league tables need `scores`. */
    expect_status(t01, "GET", V1 "/scores/2024/units/T01", NULL, 200, 0, NULL);
    expect_status(t01, "GET", V1 "/scores/2024", NULL, 403, 2005, NULL);
    expect_status(t01, "GET", V1 "/scores/2024/firsts", NULL, 403, 2005, NULL);
}

static void test_reporter_cannot_read_another_units_values_targets_events(void **state)
{
    struct world *w = &scope_world;
    struct hc_session *t01 = as(w, "t01");
    (void)state;

    expect_status(t01, "GET", V1 "/values?unit=T02", NULL, 403, 2006, NULL);
    expect_status(t01, "GET", V1 "/values?unit=T02&period=2024-12&indicator=gdp_growth", NULL, 403,
                  2006, NULL);
    expect_status(t01, "GET", V1 "/values?unit=t02", NULL, 403, 2006, NULL);
    expect_status(t01, "GET", V1 "/values?unit=T02%20", NULL, 403, 2006, NULL);
    expect_status(t01, "GET", V1 "/targets?unit=T02", NULL, 403, 2006, NULL);
    expect_status(t01, "GET", V1 "/events?unit=T02", NULL, 403, 2006, NULL);
    expect_status(t01, "GET", V1 "/appeals?unit=T02", NULL, 403, 2006, NULL);
}

/* Every row of a list answer has "unit" equal to unit (and there is at least one). */
static void all_rows_of_unit(const struct hc_resp *r, const char *field, const char *unit,
                             const char *what)
{
    json_t *data = json_object_get(r->json, "data"), *row;
    size_t i;

    if (!json_is_array(data))
        fail_msg("%s: data is not a list: %.300s", what, r->body);
    if (!json_array_size(data))
        fail_msg("%s: the list is empty", what);
    json_array_foreach(data, i, row)
    {
        const char *u = json_string_value(json_object_get(row, field));
        if (!u || strcmp(u, unit))
            fail_msg("%s: row %zu is about %s, not %s", what, i, u ? u : "(none)", unit);
    }
}

static void test_reporter_lists_only_its_own_unit_without_asking(void **state)
{
    struct world *w = &scope_world;
    struct hc_resp mine, all;
    json_t *total_mine, *total_all;
    (void)state;

    expect_status(as(w, "t01"), "GET", V1 "/values?limit=1000", NULL, 200, 0, &mine);
    all_rows_of_unit(&mine, "unit", "T01", "t01 GET /values");
    expect_status(as(w, "admin"), "GET", V1 "/values?unit=T01&limit=1", NULL, 200, 0, &all);
    total_mine = json_object_get(json_object_get(mine.json, "page"), "total");
    total_all = json_object_get(json_object_get(all.json, "page"), "total");
    assert_true(json_is_integer(total_mine) && json_is_integer(total_all));
    assert_int_equal(json_integer_value(total_mine), json_integer_value(total_all));
    assert_true(json_integer_value(total_mine) <= 1000); /* all of them were checked */
    hc_resp_free(&mine);
    hc_resp_free(&all);

    /* A repeated parameter does not widen the scope. */
    expect_status(as(w, "t01"), "GET", V1 "/values?unit=T01&unit=T02&limit=1000", NULL, 200, 0,
                  &mine);
    all_rows_of_unit(&mine, "unit", "T01", "t01 GET /values?unit=T01&unit=T02");
    hc_resp_free(&mine);
    hc_send(as(w, "t01"), "GET", V1 "/values?unit=T02&unit=T01&limit=1000", NULL, &mine);
    if (mine.status == 200)
        all_rows_of_unit(&mine, "unit", "T01", "t01 GET /values?unit=T02&unit=T01");
    else
        assert_int_equal(hc_error_code(&mine), 2006);
    hc_resp_free(&mine);

    expect_status(as(w, "t01"), "GET", V1 "/targets?limit=1000", NULL, 200, 0, &mine);
    all_rows_of_unit(&mine, "unit", "T01", "t01 GET /targets");
    hc_resp_free(&mine);
    expect_status(as(w, "t01"), "GET", V1 "/events?limit=1000", NULL, 200, 0, &mine);
    if (json_array_size(json_object_get(mine.json, "data")))
        all_rows_of_unit(&mine, "unit", "T01", "t01 GET /events");
    hc_resp_free(&mine);
}

/* admin's view of T02's values (the data array as text). */
static char *values_of(struct world *w, const char *query)
{
    struct hc_resp r;
    char path[300];
    char *text;

    snprintf(path, sizeof(path), V1 "/values?%s", query);
    expect_status(as(w, "admin"), "GET", path, NULL, 200, 0, &r);
    text = json_dumps(json_object_get(r.json, "data"), JSON_COMPACT | JSON_SORT_KEYS);
    hc_resp_free(&r);
    return text;
}

static void test_reporter_cannot_write_another_units_values(void **state)
{
    struct world *w = &scope_world;
    struct hc_session *t01 = as(w, "t01");
    char *before_t02, *before_t01, *after;
    (void)state;

    before_t02 = values_of(w, "unit=T02&limit=1000");
    before_t01 = values_of(w, "unit=T01&period=2025-01&limit=1000");
    expect_status(t01, "PUT", V1 "/values",
                  "{\"values\": [{\"unit\": \"T02\", \"indicator\": \"gdp_growth\", "
                  "\"period\": \"2025-01\", \"value\": 1}]}",
                  403, 2006, NULL);
    expect_status(t01, "PUT", V1 "/values",
                  "{\"values\": [{\"unit\": \"T02\", \"indicator\": \"revenue\", "
                  "\"period\": \"2024-12\", \"value\": 99999}], \"submit\": true}",
                  403, 2006, NULL);
    /* A batch with its own unit first and T02 second: all or nothing. */
    expect_status(t01, "PUT", V1 "/values",
                  "{\"values\": [{\"unit\": \"T01\", \"indicator\": \"gdp_growth\", "
                  "\"period\": \"2025-01\", \"value\": 7}, {\"unit\": \"T02\", \"indicator\": "
                  "\"gdp_growth\", \"period\": \"2025-01\", \"value\": 7}]}",
                  403, 2006, NULL);
    /* Submitting T02's values is writing them too. */
    expect_status(t01, "POST", V1 "/values/submit",
                  "{\"items\": [{\"unit\": \"T02\", \"indicator\": \"gdp_growth\", "
                  "\"period\": \"2024-12\"}]}",
                  403, 2006, NULL);
    after = values_of(w, "unit=T02&limit=1000");
    assert_string_equal(before_t02, after);
    free(after);
    after = values_of(w, "unit=T01&period=2025-01&limit=1000");
    assert_string_equal(before_t01, after);
    free(after);
    free(before_t02);
    free(before_t01);
}

static void test_reporter_cannot_file_an_appeal_for_another_unit(void **state)
{
    struct world *w = &scope_world;
    struct hc_resp before, after;
    (void)state;

    expect_status(as(w, "admin"), "GET", V1 "/appeals", NULL, 200, 0, &before);
    expect_status(as(w, "t01"), "POST", V1 "/appeals",
                  "{\"unit\": \"T02\", \"node\": \"gdp\", \"period\": \"2024\", \"reason\": "
                  "\"not ours\"}",
                  403, 2006, NULL);
    expect_status(as(w, "admin"), "GET", V1 "/appeals", NULL, 200, 0, &after);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(before.json, "page"), "total")),
        json_integer_value(json_object_get(json_object_get(after.json, "page"), "total")));
    hc_resp_free(&before);
    hc_resp_free(&after);
}

static void test_reporter_cannot_read_or_upload_another_units_evidence(void **state)
{
    struct world *w = &scope_world;
    struct hc_resp r;
    char path[100];
    json_t *id;
    (void)state;

    hc_call(as(w, "admin"), "POST", V1 "/evidence?name=t02.txt&unit=T02", "text/plain", NULL,
            "about T02\n", 10, &r);
    assert_int_equal(r.status, 201);
    id = json_object_get(json_object_get(r.json, "data"), "id");
    assert_true(json_is_integer(id));
    snprintf(path, sizeof(path), V1 "/evidence/%lld", (long long)json_integer_value(id));
    hc_resp_free(&r);
    expect_status(as(w, "t01"), "GET", path, NULL, 403, 2006, NULL);
    expect_status(as(w, "t02"), "GET", path, NULL, 200, 0, NULL);
    hc_call(as(w, "t01"), "POST", V1 "/evidence?name=x.txt&unit=T02", "text/plain", NULL, "x\n", 2,
            &r);
    assert_int_equal(r.status, 403);
    assert_int_equal(hc_error_code(&r), 2006);
    hc_resp_free(&r);
}

static void test_department_cannot_write_or_read_outside_its_indicators(void **state)
{
    struct world *w = &scope_world;
    struct hc_session *tongji = as(w, "tongji");
    struct hc_resp r;
    json_t *row;
    size_t i;
    char *before, *after;
    static const char *const mine[] = {"gdp_growth",    "ind_growth", "fai_growth",
                                       "retail_growth", "income",     "unemployment"};
    (void)state;

    before = values_of(w, "indicator=revenue&unit=T03&limit=1000");
    expect_status(tongji, "PUT", V1 "/values",
                  "{\"values\": [{\"unit\": \"T03\", \"indicator\": \"revenue\", \"period\": "
                  "\"2025-01\", \"value\": 1}]}",
                  403, 2006, NULL);
    expect_status(tongji, "PUT", V1 "/values",
                  "{\"values\": [{\"unit\": \"T03\", \"indicator\": \"gdp_growth\", \"period\": "
                  "\"2025-01\", \"value\": 1}, {\"unit\": \"T03\", \"indicator\": \"grain\", "
                  "\"period\": \"2025-01\", \"value\": 1}]}",
                  403, 2006, NULL);
    expect_status(tongji, "GET", V1 "/values?indicator=revenue", NULL, 403, 2006, NULL);
    after = values_of(w, "indicator=revenue&unit=T03&limit=1000");
    assert_string_equal(before, after);
    free(before);
    free(after);
    after = values_of(w, "indicator=gdp_growth&unit=T03&period=2025-01");
    assert_string_equal(after, "[]");
    free(after);

    /* Its list without ?indicator= holds only its indicators. */
    expect_status(tongji, "GET", V1 "/values?period=2024-12&limit=1000", NULL, 200, 0, &r);
    assert_true(json_array_size(json_object_get(r.json, "data")) > 0);
    json_array_foreach(json_object_get(r.json, "data"), i, row)
    {
        const char *ind = json_string_value(json_object_get(row, "indicator"));
        size_t k;
        for (k = 0; k < sizeof(mine) / sizeof(mine[0]); k++)
            if (ind && !strcmp(ind, mine[k]))
                break;
        if (k == sizeof(mine) / sizeof(mine[0]))
            fail_msg("tongji sees indicator %s", ind ? ind : "(none)");
    }
    hc_resp_free(&r);
}

/* The total of T01's 2024 report card, as the admin reads it. */
static double card_total(struct world *w)
{
    struct hc_resp r;
    json_t *t;
    double v;

    expect_status(as(w, "admin"), "GET", V1 "/scores/2024/units/T01", NULL, 200, 0, &r);
    t = json_object_get(json_object_get(r.json, "data"), "total");
    assert_true(json_is_number(t));
    v = json_number_value(t);
    hc_resp_free(&r);
    return v;
}

/*
 * T01's grain production in 2024 (a sum over months, 1622 t against a target of
 * 1613 t: 5 points) gets a month more of -100 t: only when approved does the
 * sum fall below the target and the node lose its 5 points.
 */
static void test_a_draft_value_counts_in_scores_only_once_approved(void **state)
{
    struct world *w = &scope_world;
    static const char item[] =
        "{\"unit\": \"T01\", \"indicator\": \"grain\", \"period\": \"2024-11\"";
    char body[300];
    double t0, t;
    struct hc_resp r;
    (void)state;

    t0 = card_total(w);
    snprintf(body, sizeof(body), "{\"values\": [%s, \"value\": -100}]}", item);
    expect_status(as(w, "t01"), "PUT", V1 "/values", body, 200, 0, &r);
    assert_non_null(strstr(r.body, "\"draft\""));
    hc_resp_free(&r);
    t = card_total(w);
    assert_true(t == t0);
    /* Also not in the reporter's own view of the card. */
    expect_status(as(w, "t01"), "GET", V1 "/scores/2024/units/T01", NULL, 200, 0, &r);
    assert_true(json_number_value(json_object_get(json_object_get(r.json, "data"), "total")) == t0);
    hc_resp_free(&r);

    snprintf(body, sizeof(body), "{\"items\": [%s}]}", item);
    expect_status(as(w, "t01"), "POST", V1 "/values/submit", body, 200, 0, NULL);
    t = card_total(w);
    assert_true(t == t0);

    snprintf(body, sizeof(body), "{\"action\": \"approve\", \"items\": [%s}]}", item);
    expect_status(as(w, "shenhe"), "POST", V1 "/values/review", body, 200, 0, NULL);
    t = card_total(w);
    if (!(t < t0 - 4.9 && t > t0 - 5.1))
        fail_msg("after approval T01's total is %.9g; expected %.9g - 5", t, t0);
}

static int scope_setup(void **state)
{
    (void)state;
    world_start(&scope_world, "scope", NULL);
    return 0;
}

static int scope_teardown(void **state)
{
    (void)state;
    world_stop(&scope_world);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table_and_expected_matrix_list_the_same_routes),
        cmocka_unit_test(test_every_role_on_every_route_gets_what_the_roles_table_says),
        cmocka_unit_test(test_with_public_read_anonymous_reads_published_snapshots_only),
        cmocka_unit_test_setup_teardown(test_reporter_cannot_read_another_units_scores, scope_setup,
                                        scope_teardown),
        cmocka_unit_test_setup_teardown(
            test_reporter_cannot_read_another_units_values_targets_events, scope_setup,
            scope_teardown),
        cmocka_unit_test_setup_teardown(test_reporter_lists_only_its_own_unit_without_asking,
                                        scope_setup, scope_teardown),
        cmocka_unit_test_setup_teardown(test_reporter_cannot_write_another_units_values,
                                        scope_setup, scope_teardown),
        cmocka_unit_test_setup_teardown(test_reporter_cannot_file_an_appeal_for_another_unit,
                                        scope_setup, scope_teardown),
        cmocka_unit_test_setup_teardown(test_reporter_cannot_read_or_upload_another_units_evidence,
                                        scope_setup, scope_teardown),
        cmocka_unit_test_setup_teardown(test_department_cannot_write_or_read_outside_its_indicators,
                                        scope_setup, scope_teardown),
        cmocka_unit_test_setup_teardown(test_a_draft_value_counts_in_scores_only_once_approved,
                                        scope_setup, scope_teardown),
    };
    int rc;

    if (sf_init(argc > 1 ? argv[1] : NULL) != 0)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    sf_done();
    return rc;
}
