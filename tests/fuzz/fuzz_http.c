/*
 * fuzz_http.c — libFuzzer target for request parsing and dispatching in the
 * HTTP server (src/server/req.c, dispatch.c and the handlers behind it):
 * the input is split into a method, a path, query pairs, a Cookie header,
 * a Content-Type, an X-CSRF-Token and a body; the path and query go
 * through srv_req_path and srv_req_query_add and the cookie through
 * srv_cookie_get, exactly as server.c feeds them, and when they are
 * accepted srv_dispatch answers the request on a real store. Beyond the
 * sanitizers it checks the contracts: accepted segments and parameters are
 * NUL-free valid UTF-8 without control bytes, never "." or "..", and a
 * segment never holds '/' or '\\'; every answer is the one envelope (a JSON
 * object whose "ok" agrees with the status, an error's "status" equal to
 * the HTTP status and to its code's status) and never a 500.
 *
 * Input layout: byte 0 holds flags (bit 0: sign in as the admin, whose
 * session token replaces the cookie; bit 1: send the session's real CSRF
 * token; bits 2-5: the method), then '\n'-separated fields: path, query
 * ("a=1&b"), Cookie header, Content-Type, X-CSRF-Token, and the body (the
 * rest, newlines included). A missing field is absent.
 *
 * The store is made once per process in a temporary folder: a jurisdiction,
 * four units and a few values imported from small CSV files, a small scheme
 * (so that the score routes score), one admin account and a session.
 * srv_dispatch needs the server's shared state (options, cache, limiter):
 * a real server is started on 127.0.0.1 port 0 and its state used directly
 * (struct kh_server's first and only member is struct srv, server.c).
 *
 * Seeds: tests/fuzz/seeds/fuzz_http/.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaohe/server.h"
#include "kaohe/store.h"
#include "srv.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "contract broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

struct world {
    char dir[256], db[300];
    struct kh_store *st;
    int64_t jid, admin_id;
    struct kh_server *server;
    struct srv *srv;
    char token[65], csrf[65];
};

static struct world *W;

static const struct kh_actor office = {"fuzz", "test", 1};

static const char units_csv[] = "id,name,category,parent,tags,difficulty\n"
                                "D01,城关片区,area,,,\n"
                                "T01,城关镇,town,D01,中心城区;山区,1.2\n"
                                "T02,城南镇,town,D01,中心城区,\n"
                                "T03,东湖镇,town,D01,,0.9\n";

/* A small scheme over the units, and values to score (scores and snapshots). */
static const char scheme_yaml[] =
    "kaohe: 1\n"
    "scheme:\n"
    "  id: fuzz\n"
    "  name: 模糊测试\n"
    "  decimals: 2\n"
    "categories:\n"
    "  town: 镇街\n"
    "  area: 片区\n"
    "inputs:\n"
    "  gdp_growth: {name: 增速, unit: \"%\", aggregate: last}\n"
    "  revenue: {name: 收入, unit: 万元, aggregate: sum, partial: allow}\n"
    "indicators:\n"
    "  - id: econ\n"
    "    name: 经济\n"
    "    points: 100\n"
    "    children:\n"
    "      - id: gdp\n"
    "        name: 增速\n"
    "        points: 60\n"
    "        value: gdp_growth\n"
    "        rule: {index: {method: goalposts, min: 0, max: 20}}\n"
    "      - id: rev\n"
    "        name: 收入\n"
    "        points: 40\n"
    "        value: revenue\n"
    "        missing: exclude\n"
    "        rule: {index: {method: goalposts, min: 0, max: 5000}}\n";

static const char values_csv[] = "unit,indicator,period,value\n"
                                 "D01,gdp_growth,2024-06,5.5\n"
                                 "D01,gdp_growth,2024-12,6.5\n"
                                 "T01,gdp_growth,2024-06,7.1\n"
                                 "T01,gdp_growth,2024-12,8.1\n"
                                 "T02,gdp_growth,2024-12,9.2\n"
                                 "T03,gdp_growth,2024-12,3.3\n"
                                 "T01,revenue,2024-06,1200\n"
                                 "T01,revenue,2024-12,1300\n"
                                 "T02,revenue,2024-12,2000\n";

static void die(const char *what, const struct kh_err *err)
{
    fprintf(stderr, "fuzz_http setup: %s: %s\n", what, err ? err->msg : "");
    abort();
}

/* A fresh session for the admin (after a fuzzed request ended it). */
static void admin_session(struct world *w)
{
    struct kh_err err;
    kh_err_clear(&err);
    if (kh_store_session_create(w->st, w->admin_id, 8 * 3600, w->token, w->csrf, &err) != KH_OK)
        die("session", &err);
}

/* At exit: stop the server, close the store, remove the folder. */
static void cleanup(void)
{
    static const char *const files[] = {"kaohe.db", "kaohe.db-wal", "kaohe.db-shm", "units.csv",
                                        "values.csv"};
    char path[400];
    size_t i;

    if (!W)
        return;
    kh_server_stop(W->server);
    kh_store_close(W->st);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", W->dir, files[i]);
        unlink(path);
    }
    rmdir(W->dir);
    W = NULL;
}

static struct world *world(void)
{
    static struct world w;
    struct kh_err err;
    struct kh_account a;
    struct kh_server_opts o;
    struct kh_import_report rep;
    char csv[320];
    FILE *f;
    int version;

    if (W)
        return W;
    kh_err_clear(&err);
    snprintf(w.dir, sizeof(w.dir), "%s/kh-fuzz-http-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(w.dir))
        die("mkdtemp", NULL);
    snprintf(w.db, sizeof(w.db), "%s/kaohe.db", w.dir);
    snprintf(csv, sizeof(csv), "%s/units.csv", w.dir);
    if (!(f = fopen(csv, "wb")) ||
        fwrite(units_csv, 1, strlen(units_csv), f) != strlen(units_csv) || fclose(f) != 0)
        die("units.csv", NULL);
    if (kh_store_open(w.db, 1, &w.st, &err) != KH_OK)
        die("open", &err);
    if (kh_store_jurisdiction(w.st, "default", "测试区", 1, &w.jid, &err) != KH_OK)
        die("jurisdiction", &err);
    if (kh_store_import(w.st, w.jid, "units", csv, &office, NULL, NULL, &rep, &err) != KH_OK)
        die("import units", &err);
    snprintf(csv, sizeof(csv), "%s/values.csv", w.dir);
    if (!(f = fopen(csv, "wb")) ||
        fwrite(values_csv, 1, strlen(values_csv), f) != strlen(values_csv) || fclose(f) != 0)
        die("values.csv", NULL);
    if (kh_store_import(w.st, w.jid, "values", csv, &office, NULL, NULL, &rep, &err) != KH_OK)
        die("import values", &err);
    if (kh_store_scheme_add(w.st, w.jid, "fuzz.yaml", scheme_yaml, strlen(scheme_yaml), &office,
                            &version, &err) != KH_OK)
        die("scheme", &err);
    memset(&a, 0, sizeof(a));
    snprintf(a.name, sizeof(a.name), "admin");
    a.role = KH_ROLE_ADMIN;
    if (kh_store_account_create(w.st, w.jid, &a, "fuzz-password", &office, &w.admin_id, &err) !=
        KH_OK)
        die("account", &err);
    admin_session(&w);

    kh_server_opts_init(&o);
    o.db = w.db;
    o.listen = "127.0.0.1:0";
    o.threads = 1;
    o.max_evidence = 1 << 16;
    o.login_failures = 1000000; /* do not let the limiter shut the sign-in path */
    if (kh_server_start(&o, &w.server, &err) != KH_OK)
        die("server", &err);
    w.srv = srv_of(w.server);
    W = &w;
    atexit(cleanup);
    return W;
}

/* Non-zero if s is NUL-free valid UTF-8 without control bytes (req.c's promise). */
static int clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t len, k;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                return 0;
            p++;
            continue;
        }
        len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        if (!len || c > 0xf4)
            return 0;
        for (k = 1; k < len; k++)
            if ((p[k] & 0xc0) != 0x80)
                return 0;
        p += len;
    }
    return 1;
}

/* Check r: the one envelope. */
static void check_response(const struct srv_resp *r)
{
    json_t *root, *ok, *e;
    json_error_t je;

    CHECK(r->status >= 200 && r->status <= 599);
    if (r->status == 500)
        fprintf(stderr, "500: %.*s\n", (int)r->body.len, r->body.data ? r->body.data : "");
    CHECK(r->status != 500);
    if (r->status == 304 || r->content_type)
        return; /* no body, or a file (evidence, scheme text) */
    root = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
    if (!root)
        fprintf(stderr, "not JSON (%s): %.*s\n", je.text, (int)r->body.len,
                r->body.data ? r->body.data : "");
    CHECK(root != NULL);
    CHECK(json_is_object(root));
    ok = json_object_get(root, "ok");
    CHECK(json_is_boolean(ok));
    if (json_is_true(ok)) {
        CHECK(r->status < 400);
        CHECK(json_object_get(root, "data") != NULL);
    } else {
        json_t *code, *status, *msg;
        CHECK(r->status >= 400);
        e = json_object_get(root, "error");
        CHECK(json_is_object(e));
        code = json_object_get(e, "code");
        status = json_object_get(e, "status");
        msg = json_object_get(e, "message");
        CHECK(json_is_integer(code) && json_is_integer(status) && json_is_string(msg));
        CHECK(json_integer_value(status) == r->status);
        CHECK(srv_error_status((int)json_integer_value(code)) == r->status);
        CHECK(json_string_length(msg) > 0);
    }
    json_decref(root);
}

/* Field i of the input (NUL-terminated copies), or NULL when absent. */
struct fields {
    char *f[6];
    size_t len[6];
};

static void split(const uint8_t *data, size_t size, struct fields *fs)
{
    size_t i = 0, k;

    memset(fs, 0, sizeof(*fs));
    for (k = 0; k < 6 && i <= size; k++) {
        const uint8_t *nl = k < 5 ? memchr(data + i, '\n', size - i) : NULL;
        size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
        if (i == size && k > 0)
            break;
        fs->f[k] = malloc(n + 1);
        if (!fs->f[k])
            abort();
        memcpy(fs->f[k], data + i, n);
        fs->f[k][n] = '\0';
        fs->len[k] = n;
        i += n + (nl ? 1 : 0);
        if (!nl)
            break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[16] = {"GET",  "POST",   "PUT", "PATCH",   "DELETE", "HEAD",
                                            "GET",  "POST",   "PUT", "OPTIONS", "TRACE",  "GET",
                                            "POST", "DELETE", "get", "X"};
    struct world *w = world();
    struct srv_req q;
    struct srv_resp r;
    struct kh_err err;
    struct fields fs;
    unsigned flags;
    size_t bodylen = 0;
    int i;

    if (size < 1)
        return 0;
    flags = data[0];
    split(data + 1, size - 1, &fs);
    memset(&q, 0, sizeof(q));
    kh_err_clear(&err);
    snprintf(q.method, sizeof(q.method), "%s", methods[(flags >> 2) & 15]);
    if (!fs.f[0] || srv_req_path(&q, fs.f[0], &err) != KH_OK)
        goto done;
    for (i = 0; i < q.nseg; i++) {
        CHECK(clean(q.seg[i]));
        CHECK(strcmp(q.seg[i], ".") && strcmp(q.seg[i], ".."));
        CHECK(!strchr(q.seg[i], '/') && !strchr(q.seg[i], '\\'));
        CHECK(strlen(q.seg[i]) <= SRV_MAX_FIELD);
    }
    if (fs.f[1] && fs.f[1][0]) { /* the query, split as libmicrohttpd does */
        char *p = fs.f[1];
        while (p) {
            char *amp = strchr(p, '&'), *eq;
            if (amp)
                *amp = '\0';
            eq = strchr(p, '=');
            if (eq)
                *eq = '\0';
            if (*p && srv_req_query_add(&q, p, eq ? eq + 1 : NULL, &err) != KH_OK)
                goto done;
            p = amp ? amp + 1 : NULL;
        }
    }
    for (i = 0; i < q.nquery; i++)
        CHECK(clean(q.query[i].name) && clean(q.query[i].value));
    if (flags & 1) {
        struct kh_session s;
        if (kh_store_session_get(w->st, w->token, &s, NULL, NULL) != KH_OK)
            admin_session(w);
        snprintf(q.token, sizeof(q.token), "%s", w->token);
    } else if (fs.f[2]) {
        int found = srv_cookie_get(fs.f[2], SRV_COOKIE, q.token, sizeof(q.token));
        CHECK(found || !q.token[0]);
        CHECK(strlen(q.token) < sizeof(q.token));
        if (found && strlen(q.token) != 64)
            q.token[0] = '\0';
    }
    q.content_type = fs.f[3];
    q.csrf = (flags & 2) ? w->csrf : fs.f[4];
    if (fs.f[5]) {
        bodylen = fs.len[5]; /* a NUL-terminated copy, NULs inside kept (as server.c) */
        q.body = bodylen ? fs.f[5] : NULL;
        q.body_len = bodylen;
    }
    snprintf(q.client, sizeof(q.client), "127.0.0.1");
    q.srv = w->srv;
    q.st = w->st;
    q.jid = w->jid;
    memset(&r, 0, sizeof(r));
    kh_buf_init(&r.body, 0);
    srv_dispatch(&q, &r);
    check_response(&r);
    kh_buf_free(&r.body);
done:
    srv_req_clear(&q);
    for (i = 0; i < 6; i++)
        free(fs.f[i]);
    return 0;
}
