/*
 * test_abuse.c — what a hostile or broken client tries against the API
 * (issue 4 "Load and abuse", docs/api.md "Conventions" and "Sessions, CSRF
 * and rate limiting"), through a real server on loopback: oversized bodies
 * (413, 1003, announced by Content-Length and grown by chunks), a slow
 * client (dropped after the timeout), malformed JSON (1001), a wrong media
 * type (1004), path traversal in every spelling (1007 or 404, never a
 * file), header injection (no injected header ever appears), session
 * fixation (a brought session id is never adopted; old ids die at sign-out
 * and password change), CSRF (2004; a form cannot sign in), the login
 * rate limiter (429, 2003, Retry-After), and a burst of garbage after
 * which the server still answers.
 *
 * The main server here runs with a 2 s timeout and small body limits; the
 * rate limiter gets a server of its own with a short window.
 *
 * Usage: test_abuse KAOHE_BINARY (or $KH_KAOHE); cmocka.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_client.h"
#include "server_fixture.h"

#define V1           "/api/v1"
#define MAX_BODY     (64 * 1024)
#define MAX_EVIDENCE (128 * 1024)
#define TIMEOUT_S    2

static struct kh_server *srv;
static unsigned port;
static char db[1024];

static void abuse_opts(struct kh_server_opts *o)
{
    o->timeout = TIMEOUT_S;
    o->max_body = MAX_BODY;
    o->max_evidence = MAX_EVIDENCE;
    o->login_failures = 1000; /* the limiter has its own test and server */
}

static int setup(void **state)
{
    (void)state;
    if (sf_fresh_store("abuse", db, sizeof(db)) != 0 || !(srv = sf_start(db, abuse_opts)))
        return -1;
    port = kh_server_port(srv);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kh_server_stop(srv);
    srv = NULL;
    return 0;
}

static void sign_in(struct hc_session *s, const char *name)
{
    struct hc_resp r;
    hc_session_init(s, port);
    if (hc_login(s, name, SF_PASSWORD, &r) != 0)
        fail_msg("cannot sign in as %s: %d %s", name, r.status, r.body ? r.body : "");
    hc_resp_free(&r);
}

static void assert_error(const struct hc_resp *r, int status, int code, const char *what)
{
    if (r->status != status || hc_error_code(r) != code)
        fail_msg("%s: expected %d with %d, got %d: %.400s", what, status, code, r->status,
                 r->body ? r->body : "(no body)");
}

/* The server still answers /health. */
static void assert_alive(void)
{
    struct hc_resp r;
    hc_request(port, "GET", V1 "/health", NULL, NULL, 0, 10000, &r);
    if (r.status != 200)
        fail_msg("/health after the abuse: %d", r.status);
    hc_resp_free(&r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- body limits -------------------------------------------------------------------- */

static void test_body_over_the_limit_by_content_length_is_413_before_it_is_sent(void **state)
{
    struct hc_session admin;
    char req[600];
    struct hc_resp r;
    (void)state;

    sign_in(&admin, "admin");
    /* Only the headers go: the server must not wait for 10 MB to refuse them. */
    snprintf(req, sizeof(req),
             "PUT " V1 "/values HTTP/1.1\r\nHost: x\r\nCookie: kh_session=%s\r\n"
             "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
             "Content-Length: 10000000\r\n\r\n",
             admin.token, admin.csrf);
    hc_raw(port, req, strlen(req), 0, 10000, &r);
    assert_error(&r, 413, 1003, "PUT /values with Content-Length 10000000");
    assert_true(r.elapsed < TIMEOUT_S); /* answered at once, not after the timeout */
    hc_resp_free(&r);

    /* Anonymous, on the sign-in route, just over the limit. */
    snprintf(req, sizeof(req),
             "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: %d\r\n\r\n",
             MAX_BODY + 1);
    hc_raw(port, req, strlen(req), 0, 10000, &r);
    assert_error(&r, 413, 1003, "POST /session with a body one byte over the limit");
    hc_resp_free(&r);

    /* A number too large for any size_t is over the limit too. */
    snprintf(req, sizeof(req),
             "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 99999999999999999999999999\r\n\r\n");
    hc_raw(port, req, strlen(req), 0, 10000, &r);
    assert_true(r.status == 413 || r.status == 400);
    hc_resp_free(&r);

    /* Evidence has its own, larger limit: over max_body but under max_evidence is fine … */
    snprintf(req, sizeof(req),
             "POST " V1 "/evidence?name=big.bin&unit=T01 HTTP/1.1\r\nHost: x\r\n"
             "Cookie: kh_session=%s\r\nX-CSRF-Token: %s\r\n"
             "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n",
             admin.token, admin.csrf, MAX_EVIDENCE + 1);
    hc_raw(port, req, strlen(req), 0, 10000, &r);
    assert_error(&r, 413, 1003, "POST /evidence one byte over max_evidence");
    hc_resp_free(&r);
    {
        size_t n = MAX_BODY + 1000;
        char *big = malloc(n);
        assert_non_null(big);
        memset(big, 'e', n);
        hc_call(&admin, "POST", V1 "/evidence?name=big.bin&unit=T01", "application/octet-stream",
                NULL, big, n, &r);
        free(big);
        if (r.status != 201)
            fail_msg("evidence between max_body and max_evidence: %d %s", r.status, r.body);
        hc_resp_free(&r);
    }
    assert_alive();
}

/* Send a chunked body of `total` bytes in pieces, stopping as soon as the
 * server answers; read the answer into r. */
static void send_chunked(const char *head, size_t total, struct hc_resp *r)
{
    static char piece[8192];
    int fd = hc_connect(port);
    size_t sent = 0;

    memset(r, 0, sizeof(*r));
    assert_true(fd >= 0);
    memset(piece, '1', sizeof(piece));
    assert_true(send(fd, head, strlen(head), 0) == (ssize_t)strlen(head));
    while (sent < total) {
        struct pollfd p = {fd, POLLIN, 0};
        char size[32];
        int k = snprintf(size, sizeof(size), "%zx\r\n", sizeof(piece));
        if (poll(&p, 1, 0) > 0)
            break; /* the server has answered */
        if (send(fd, size, (size_t)k, MSG_NOSIGNAL) < 0 ||
            send(fd, piece, sizeof(piece), MSG_NOSIGNAL) < 0 ||
            send(fd, "\r\n", 2, MSG_NOSIGNAL) < 0)
            break;
        sent += sizeof(piece);
    }
    if (sent >= total && send(fd, "0\r\n\r\n", 5, MSG_NOSIGNAL) < 0)
        fprintf(stderr, "(the server closed first)\n");
    hc_read_all(fd, 10000, r);
    close(fd);
    hc_parse(r);
}

static void test_body_over_the_limit_in_chunks_is_413(void **state)
{
    struct hc_session admin;
    char head[600];
    struct hc_resp r;
    (void)state;

    sign_in(&admin, "admin");
    snprintf(head, sizeof(head),
             "PUT " V1 "/values HTTP/1.1\r\nHost: x\r\nCookie: kh_session=%s\r\n"
             "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
             admin.token, admin.csrf);
    send_chunked(head, 4 * MAX_BODY, &r);
    assert_error(&r, 413, 1003, "a chunked body over the limit");
    hc_resp_free(&r);

    /* Anonymous sign-in, chunked. */
    snprintf(head, sizeof(head),
             "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    send_chunked(head, 2 * MAX_BODY, &r);
    assert_error(&r, 413, 1003, "a chunked sign-in over the limit");
    hc_resp_free(&r);

    /* A chunked body that never ends is not read forever: the connection closes. */
    send_chunked(head, 64 << 20, &r);
    assert_true(r.closed && !r.timed_out);
    hc_resp_free(&r);

    /* Under the limit, chunked, is read (and refused only as bad JSON here). */
    send_chunked(head, 16384, &r);
    assert_error(&r, 400, 1001, "a chunked body under the limit");
    hc_resp_free(&r);
    assert_alive();
}

/* ---- slow clients --------------------------------------------------------------------- */

static void test_slow_client_is_dropped_after_the_timeout(void **state)
{
    struct hc_resp r;
    static const char half[] = "GET " V1 "/hea";
    static const char headers_only[] = "GET " V1 "/health HTTP/1.1\r\nHost: x\r\nX-Slow: 1";
    static const char body_half[] = "POST " V1 "/session HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                                    "{\"name\": ";
    (void)state;

    hc_raw(port, half, strlen(half), 0, 15000, &r);
    if (!r.closed || r.timed_out)
        fail_msg("half a request line: the server kept the connection for %.1f s", r.elapsed);
    assert_true(r.elapsed >= TIMEOUT_S - 0.5);
    assert_true(r.elapsed < TIMEOUT_S + 4);
    hc_resp_free(&r);

    hc_raw(port, headers_only, strlen(headers_only), 0, 15000, &r);
    assert_true(r.closed && !r.timed_out && r.elapsed < TIMEOUT_S + 4);
    hc_resp_free(&r);

    hc_raw(port, body_half, strlen(body_half), 0, 15000, &r);
    assert_true(r.closed && !r.timed_out && r.elapsed < TIMEOUT_S + 4);
    hc_resp_free(&r);
    assert_alive();
}

/* ---- bodies and media types ------------------------------------------------------------ */

static void test_malformed_json_is_400_with_1001(void **state)
{
    struct hc_session anon, admin;
    struct hc_resp r;
    static const char *const bodies[] = {
        "{not json",
        "[]",
        "\"a string\"",
        "42",
        "{\"name\": \"admin\", \"password\": \"kaohe-demo\"} trailing",
        "{\"name\": \"\xff\xfe\", \"password\": \"x\"}",
        "{\"a\":" /* truncated */,
    };
    size_t i;
    (void)state;

    hc_session_init(&anon, port);
    sign_in(&admin, "admin");
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        char what[200];
        snprintf(what, sizeof(what), "POST /session with body #%zu", i);
        hc_send(&anon, "POST", V1 "/session", bodies[i], &r);
        assert_error(&r, 400, 1001, what);
        hc_resp_free(&r);
        snprintf(what, sizeof(what), "PUT /values with body #%zu", i);
        hc_send(&admin, "PUT", V1 "/values", bodies[i], &r);
        assert_error(&r, 400, 1001, what);
        hc_resp_free(&r);
    }
    /* Deeply nested JSON is refused, not a stack overflow. */
    {
        size_t n = 200000, k;
        char *deep = malloc(2 * n + 1);
        assert_non_null(deep);
        for (k = 0; k < n; k++)
            deep[k] = '[';
        for (k = 0; k < n; k++)
            deep[n + k] = ']';
        deep[2 * n] = '\0';
        hc_send(&admin, "PUT", V1 "/values", deep, &r); /* 400 KB: over the limit, or 1001 */
        assert_true(r.status == 413 || (r.status == 400 && hc_error_code(&r) == 1001));
        hc_resp_free(&r);
        deep[30000] = '\0'; /* 30000 '[' under the limit */
        hc_send(&admin, "PUT", V1 "/values", deep, &r);
        assert_error(&r, 400, 1001, "PUT /values with 30000 nested arrays");
        hc_resp_free(&r);
        free(deep);
    }
    assert_alive();
}

static void test_wrong_content_type_is_415_with_1004(void **state)
{
    struct hc_session anon, admin;
    struct hc_resp r;
    static const char *const types[] = {"text/plain", "application/x-www-form-urlencoded",
                                        "multipart/form-data; boundary=x", "application/jsonx",
                                        "text/json"};
    size_t i;
    (void)state;

    hc_session_init(&anon, port);
    sign_in(&admin, "admin");
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        char what[200];
        snprintf(what, sizeof(what), "PUT /values as %s", types[i]);
        hc_call(&admin, "PUT", V1 "/values", types[i], NULL, "{\"values\": []}", 14, &r);
        assert_error(&r, 415, 1004, what);
        hc_resp_free(&r);
    }
    /* A body without any Content-Type is refused too. */
    {
        char req[600];
        snprintf(req, sizeof(req),
                 "PUT " V1 "/values HTTP/1.1\r\nHost: x\r\nCookie: kh_session=%s\r\n"
                 "X-CSRF-Token: %s\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                 admin.token, admin.csrf);
        hc_raw(port, req, strlen(req), 0, 10000, &r);
        assert_error(&r, 415, 1004, "PUT /values without Content-Type");
        hc_resp_free(&r);
    }
    /* charset parameters are fine. */
    hc_call(&admin, "PUT", V1 "/values", "application/json; charset=utf-8", NULL,
            "{\"values\": []}", 14, &r);
    assert_int_not_equal(r.status, 415);
    hc_resp_free(&r);
}

/* ---- query parameters ------------------------------------------------------------------ */

/*
 * Every query parameter any route reads, with values a client may send by
 * mistake (empty, no value at all, negative, huge, the wrong type), on
 * every GET route: a 4xx at worst, never a server error.
 */
static void test_odd_query_values_never_give_a_server_error(void **state)
{
    struct hc_session admin, t01;
    static const char *const paths[] = {
        V1 "/units",
        V1 "/units/T01",
        V1 "/periods",
        V1 "/schemes",
        V1 "/schemes/shiliqu_2024",
        V1 "/schemes/shiliqu_2024/text",
        V1 "/values",
        V1 "/targets",
        V1 "/events",
        V1 "/ballots",
        V1 "/scores/2024",
        V1 "/scores/2024/firsts",
        V1 "/scores/2024/units/T01",
        V1 "/scores/2024/units/T01/explain",
        V1 "/scores/2024/units/T01/weak",
        V1 "/scores/2024/units/T01/trend",
        V1 "/snapshots",
        V1 "/audit",
        V1 "/appeals",
        V1 "/accounts",
    };
    static const char *const params[] = {
        "limit",   "offset", "unit", "period", "indicator", "state",   "category", "scheme",
        "version", "node",   "top",  "since",  "after",     "meeting", "item",     "dry_run"};
    static const char *const values[] = {"=", "", "=-1", "=99999999999999999999", "=x"};
    size_t i, j, k;
    int bad = 0, n = 0;
    (void)state;

    sign_in(&admin, "admin");
    sign_in(&t01, "t01");
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        for (j = 0; j < sizeof(params) / sizeof(params[0]); j++)
            for (k = 0; k < sizeof(values) / sizeof(values[0]); k++) {
                char path[300];
                struct hc_resp r;
                struct hc_session *s = (k + j) % 3 ? &admin : &t01;
                snprintf(path, sizeof(path), "%s?%s%s", paths[i], params[j], values[k]);
                hc_send(s, "GET", path, NULL, &r);
                n++;
                if (r.status >= 500 || r.status == 0) {
                    fprintf(stderr, "GET %s as %s: %d %.300s\n", path, s->name, r.status,
                            r.body ? r.body : "");
                    bad++;
                }
                hc_resp_free(&r);
            }
    if (bad)
        fail_msg("%d of %d requests with odd query values got a server error", bad, n);
}

/* ---- paths ---------------------------------------------------------------------------- */

/* Non-zero if r carries a file of the machine: /etc/passwd, the store, a binary. */
static int served_a_file(const struct hc_resp *r)
{
    return r->raw && (strstr(r->raw, "root:x:") || strstr(r->raw, "root:*:") ||
                      strstr(r->raw, "SQLite format 3") ||
                      strstr(r->raw, "\x7f"
                                     "ELF") ||
                      strstr(r->raw, "/bin/bash") || strstr(r->raw, "/usr/sbin/nologin"));
}

/* Non-zero if path is under /api/v1 (as the server tells them apart). */
static int is_api(const char *path)
{
    return !strncmp(path, V1, strlen(V1));
}

/* Non-zero if r is the web app's page shell (what paths outside the API
 * without a file extension get: src/server/assets.c, from memory). */
static int web_shell(const struct hc_resp *r)
{
    char ct[100];
    return r->status == 200 && hc_header(r, "Content-Type", ct, sizeof(ct)) &&
           !strncmp(ct, "text/html", 9) && r->body && strstr(r->body, "<html");
}

static void test_path_traversal_is_refused_and_never_serves_a_file(void **state)
{
    struct hc_session admin;
    static const char *const paths[] = {
        V1 "/../../etc/passwd",
        V1 "/../../../../../../etc/passwd",
        V1 "/%2e%2e/%2e%2e/etc/passwd",
        V1 "/%2E%2E/%2E%2E/etc/passwd",
        V1 "/.%2e/etc/passwd",
        V1 "/evidence/..%2f..%2f..%2fetc%2fpasswd",
        V1 "/evidence/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        V1 "/units/..%5c..%5cetc%5cpasswd",
        V1 "/units/T01%00.json",
        V1 "/units/%00",
        V1 "/units/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        V1 "/units/%c0%af",
        V1 "/units/%e0%80%ae",
        V1 "/units/%ed%a0%80",
        V1 "/units/%ff",
        V1 "/units/%zz",
        V1 "/units/%2",
        V1 "/units/%",
        V1 "/units/./T01",
        V1 "/./units",
        V1 "//units",
        V1 "/units//T01",
        V1 "/schemes/shiliqu_2024/..",
        V1 "/schemes/..%252f..%252fetc%252fpasswd",
        "/api/v1/../../../etc/passwd",
        "/etc/passwd",
        "/../../etc/passwd",
        "/api/v2/../v1/health",
        "/api/v1%2f..%2f..%2fetc/passwd",
        "/api%2fv1/health",
        V1 "/units/T01?x=%00",
        V1 "/units?category=%c0%ae",
        V1 "/units?category=%2",
        V1 "/units?%00=1",
    };
    size_t i;
    (void)state;

    sign_in(&admin, "admin");
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct hc_resp r;
        int code;
        hc_send(&admin, "GET", paths[i], NULL, &r);
        code = hc_error_code(&r);
        if (served_a_file(&r))
            fail_msg("GET %s served a file: %.300s", paths[i], r.raw);
        if (!is_api(paths[i]) && web_shell(&r)) {
            hc_resp_free(&r); /* outside the API: the web app's page, from memory */
            continue;
        }
        if (!((r.status == 400 && (code == 1007 || code == 1008 || r.body_len == 0 || !r.json)) ||
              (r.status == 404 && (code == 1005 || code == 3001 || code == 4002 || !r.json))))
            fail_msg("GET %s: expected 400 (1007) or 404, got %d: %.300s", paths[i], r.status,
                     r.body ? r.body : "");
        /* A path the server parsed must have been refused as a path. */
        if (r.status == 400 && r.json && code != 1007 && code != 1008)
            fail_msg("GET %s: 400 with code %d", paths[i], code);
        hc_resp_free(&r);
    }
    /* The same in raw request lines, where no client library tidies them. */
    {
        static const char *const raw[] = {
            "GET " V1 "/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET http://127.0.0.1/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET ../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET " V1
            "/units/\\..\\..\\etc\\passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET " V1 "/units/\xc0\xae\xc0\xae HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /etc/passwd HTTP/1.0\r\n\r\n",
            "GET " V1 "/units/T01\x00/../x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        };
        size_t lens[sizeof(raw) / sizeof(raw[0])];
        for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
            struct hc_resp r;
            lens[i] = strlen(raw[i]);
            if (i == 6)
                lens[i] = strlen(raw[i]) + 1 + strlen(raw[i] + strlen(raw[i]) + 1);
            hc_raw(port, raw[i], lens[i], 0, 10000, &r);
            if (served_a_file(&r))
                fail_msg("raw request %zu served a file", i);
            if (r.status == 200 && !web_shell(&r))
                fail_msg("raw request %zu answered 200: %.300s", i, r.raw);
            hc_resp_free(&r);
        }
    }
    assert_alive();
}

/* ---- header injection ----------------------------------------------------------------- */

/* No header of r is one the attacker named. */
static void assert_no_injected_header(const struct hc_resp *r, const char *what)
{
    char v[400];
    if (hc_header_count(r, "X-Injected"))
        fail_msg("%s: an injected X-Injected header came back", what);
    if (hc_header(r, "Set-Cookie", v, sizeof(v)) && strstr(v, "evil"))
        fail_msg("%s: an injected Set-Cookie came back: %s", what, v);
    if (r->headers && strstr(r->headers, "evil=1"))
        fail_msg("%s: \"evil=1\" is in the response headers", what);
}

static void test_header_injection_never_adds_a_header(void **state)
{
    struct hc_session admin;
    struct hc_resp r;
    char path[300], v[700];
    json_t *id;
    static const char *const queries[] = {
        V1 "/units?category=%0d%0aX-Injected:%201",
        V1 "/units?category=town%0d%0aSet-Cookie:%20evil=1",
        V1 "/units?category=%0aX-Injected:%201",
        V1 "/units?category=%e5%98%8a%e5%98%8dX-Injected:1", /* U+560A U+560D: "嘊嘍" */
        V1 "/units/T01%0d%0aX-Injected:%201",
        V1 "/evidence?name=a%0d%0aX-Injected:%201&unit=T01",
    };
    size_t i;
    (void)state;

    sign_in(&admin, "admin");
    for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        const char *method = strstr(queries[i], "/evidence") ? "POST" : "GET";
        hc_call(&admin, method, queries[i], "text/plain", NULL,
                !strcmp(method, "POST") ? "x" : NULL, !strcmp(method, "POST") ? 1 : 0, &r);
        assert_no_injected_header(&r, queries[i]);
        if (strstr(queries[i], "%0") && r.status != 400)
            fail_msg("%s: a control byte in the request was not refused (%d)", queries[i],
                     r.status);
        hc_resp_free(&r);
    }

    /* Raw CR/LF in the request line and obs-fold header lines. */
    {
        static const char *const raw[] = {
            "GET " V1 "/health?x=a\rX-Injected: 1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET " V1 "/health?x=a\nX-Injected: 1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET " V1 "/health HTTP/1.1\r\nHost: x\r\nIf-None-Match: a\r\n X-Injected: 1\r\n"
            "Connection: close\r\n\r\n",
            "GET " V1 "/health HTTP/1.1\r\nHost: x\r\nCookie: kh_session=a\rSet-Cookie: evil=1\r\n"
            "Connection: close\r\n\r\n",
        };
        for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
            hc_raw(port, raw[i], strlen(raw[i]), 0, 10000, &r);
            assert_no_injected_header(&r, "raw request");
            hc_resp_free(&r);
        }
    }

    /* An evidence file's name is echoed in Content-Disposition when it is
     * downloaded: quotes, semicolons and non-ASCII must stay inside it. */
    hc_call(&admin, "POST",
            V1 "/evidence?name=a%22%3B%20filename%3Devil.html%3B%20x%3D%22%E6%96%87.pdf&unit=T01",
            "application/pdf", NULL, "%PDF-1.4\n", 9, &r);
    assert_int_equal(r.status, 201);
    id = json_object_get(json_object_get(r.json, "data"), "id");
    assert_true(json_is_integer(id));
    snprintf(path, sizeof(path), V1 "/evidence/%lld", (long long)json_integer_value(id));
    hc_resp_free(&r);
    hc_send(&admin, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_no_injected_header(&r, "GET evidence");
    assert_int_equal(hc_header_count(&r, "Content-Disposition"), 1);
    assert_non_null(hc_header(&r, "Content-Disposition", v, sizeof(v)));
    /* The quote must not end the filename: no unescaped `"; filename=evil` in it. */
    if (strstr(v, "\"; filename=evil.html"))
        fail_msg("Content-Disposition lets the name add a parameter: %s", v);
    hc_resp_free(&r);

    /* An uploaded page or SVG never comes back as active content. */
    {
        static const char *const active[] = {"text/html", "image/svg+xml", "application/xhtml+xml",
                                             "text/html; charset=utf-8"};
        for (i = 0; i < sizeof(active) / sizeof(active[0]); i++) {
            char ct[200];
            hc_call(&admin, "POST", V1 "/evidence?name=x.html&unit=T01", active[i], NULL,
                    "<script>alert(1)</script>", 25, &r);
            assert_int_equal(r.status, 201);
            id = json_object_get(json_object_get(r.json, "data"), "id");
            snprintf(path, sizeof(path), V1 "/evidence/%lld", (long long)json_integer_value(id));
            hc_resp_free(&r);
            hc_send(&admin, "GET", path, NULL, &r);
            assert_int_equal(r.status, 200);
            assert_non_null(hc_header(&r, "Content-Type", ct, sizeof(ct)));
            if (strstr(ct, "html") || strstr(ct, "svg") || strstr(ct, "xml"))
                fail_msg("evidence uploaded as %s is served as %s", active[i], ct);
            assert_non_null(hc_header(&r, "Content-Disposition", v, sizeof(v)));
            assert_true(!strncmp(v, "attachment", 10));
            assert_non_null(hc_header(&r, "X-Content-Type-Options", ct, sizeof(ct)));
            hc_resp_free(&r);
        }
    }
    assert_alive();
}

/* ---- sessions ---------------------------------------------------------------------------- */

/* GET /session with token: the account name, or NULL (401). */
static int session_valid(const char *token)
{
    struct hc_session s;
    struct hc_resp r;
    int ok;

    hc_session_init(&s, port);
    snprintf(s.token, sizeof(s.token), "%s", token);
    hc_send(&s, "GET", V1 "/session", NULL, &r);
    ok = r.status == 200;
    if (!ok && (r.status != 401 || hc_error_code(&r) != 2001))
        fail_msg("GET /session with a dead token: %d %s", r.status, r.body);
    hc_resp_free(&r);
    return ok;
}

static void test_session_fixation_a_brought_session_id_is_never_adopted(void **state)
{
    static const char chosen[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct hc_session victim, attacker;
    struct hc_resp r;
    char planted[128];
    (void)state;

    /* An id the attacker made up. */
    hc_session_init(&victim, port);
    snprintf(victim.token, sizeof(victim.token), "%s", chosen);
    assert_int_equal(hc_login(&victim, "t02", SF_PASSWORD, &r), 0);
    assert_int_equal(hc_header_count(&r, "Set-Cookie"), 1);
    hc_resp_free(&r);
    assert_string_not_equal(victim.token, chosen);
    assert_int_equal(strlen(victim.token), 64);
    assert_false(session_valid(chosen));
    assert_true(session_valid(victim.token));

    /* An id of the attacker's own real session, planted in the victim's browser. */
    sign_in(&attacker, "t01");
    snprintf(planted, sizeof(planted), "%s", attacker.token);
    hc_session_init(&victim, port);
    snprintf(victim.token, sizeof(victim.token), "%s", planted);
    assert_int_equal(hc_login(&victim, "t02", SF_PASSWORD, NULL), 0);
    assert_string_not_equal(victim.token, planted);
    assert_false(session_valid(planted));
    hc_send(&victim, "GET", V1 "/session", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(r.json, "data"), "account"), "name")),
                        "t02");
    hc_resp_free(&r);

    /* Cookie attributes. */
    hc_session_init(&victim, port);
    assert_int_equal(hc_login(&victim, "t02", SF_PASSWORD, &r), 0);
    {
        char v[400];
        assert_non_null(hc_header(&r, "Set-Cookie", v, sizeof(v)));
        assert_non_null(strstr(v, "HttpOnly"));
        assert_non_null(strstr(v, "SameSite=Strict"));
        assert_non_null(strstr(v, "Path=/"));
    }
    hc_resp_free(&r);
}

static void test_old_session_is_dead_after_sign_out_and_password_change(void **state)
{
    struct hc_session admin, a, b, c;
    struct hc_resp r;
    char old_a[128], old_b[128];
    (void)state;

    /* Sign-out. */
    sign_in(&a, "t02");
    snprintf(old_a, sizeof(old_a), "%s", a.token);
    hc_send(&a, "DELETE", V1 "/session", NULL, &r);
    assert_int_equal(r.status, 200);
    hc_resp_free(&r);
    assert_false(session_valid(old_a));

    /* Password change ends every session of the account, this one included. */
    sign_in(&admin, "admin");
    hc_send(&admin, "POST", V1 "/accounts",
            "{\"name\": \"abuse-pw\", \"password\": \"first-password\", \"role\": \"leader\"}", &r);
    assert_int_equal(r.status, 201);
    hc_resp_free(&r);
    hc_session_init(&a, port);
    hc_session_init(&b, port);
    assert_int_equal(hc_login(&a, "abuse-pw", "first-password", NULL), 0);
    assert_int_equal(hc_login(&b, "abuse-pw", "first-password", NULL), 0);
    snprintf(old_a, sizeof(old_a), "%s", a.token);
    snprintf(old_b, sizeof(old_b), "%s", b.token);
    hc_send(&a, "PUT", V1 "/session/password",
            "{\"old\": \"first-password\", \"new\": \"second-password\"}", &r);
    assert_int_equal(r.status, 200);
    hc_resp_free(&r);
    assert_false(session_valid(old_a));
    assert_false(session_valid(old_b));
    hc_session_init(&c, port);
    assert_int_not_equal(hc_login(&c, "abuse-pw", "first-password", NULL), 0);
    assert_int_equal(hc_login(&c, "abuse-pw", "second-password", NULL), 0);

    /* Disabling an account ends its sessions and refuses its sign-in. */
    snprintf(old_a, sizeof(old_a), "%s", c.token);
    hc_send(&admin, "PATCH", V1 "/accounts/abuse-pw", "{\"disabled\": true}", &r);
    assert_int_equal(r.status, 200);
    hc_resp_free(&r);
    assert_false(session_valid(old_a));
    hc_session_init(&c, port);
    assert_int_not_equal(hc_login(&c, "abuse-pw", "second-password", &r), 0);
    assert_error(&r, 401, 2002, "signing in to a disabled account");
    hc_resp_free(&r);

    /* A token of the right shape that was never issued. */
    assert_false(session_valid("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
    assert_false(session_valid("short"));
    assert_false(session_valid("' OR 1=1 --"));
}

/* ---- CSRF -------------------------------------------------------------------------------- */

static void test_csrf_token_is_required_on_state_changing_requests(void **state)
{
    struct hc_session admin, t01;
    struct hc_resp r;
    static const char body[] = "{\"code\": \"2025-04\"}";
    const char *none[] = {"X-CSRF-Token: ", NULL};
    const char *wrong[] = {
        "X-CSRF-Token: 0000000000000000000000000000000000000000000000000000000000000000", NULL};
    char other[200];
    const char *others[] = {other, NULL};
    (void)state;

    sign_in(&admin, "admin");
    sign_in(&t01, "t01");
    snprintf(other, sizeof(other), "X-CSRF-Token: %s", t01.csrf);

    /* Without the header at all. */
    {
        char saved[128];
        snprintf(saved, sizeof(saved), "%s", admin.csrf);
        admin.csrf[0] = '\0';
        hc_send(&admin, "POST", V1 "/periods", body, &r);
        assert_error(&r, 403, 2004, "POST /periods without X-CSRF-Token");
        hc_resp_free(&r);
        hc_send(&admin, "DELETE", V1 "/session", NULL, &r);
        assert_error(&r, 403, 2004, "DELETE /session without X-CSRF-Token");
        hc_resp_free(&r);
        snprintf(admin.csrf, sizeof(admin.csrf), "%s", saved);
    }
    hc_call(&admin, "POST", V1 "/periods", NULL, none, body, strlen(body), &r);
    assert_error(&r, 403, 2004, "POST /periods with an empty X-CSRF-Token");
    hc_resp_free(&r);
    hc_call(&admin, "POST", V1 "/periods", NULL, wrong, body, strlen(body), &r);
    assert_error(&r, 403, 2004, "POST /periods with a wrong X-CSRF-Token");
    hc_resp_free(&r);
    hc_call(&admin, "POST", V1 "/periods", NULL, others, body, strlen(body), &r);
    assert_error(&r, 403, 2004, "POST /periods with another session's X-CSRF-Token");
    hc_resp_free(&r);
    hc_call(&admin, "PUT", V1 "/values", NULL, wrong, "{\"values\": []}", 14, &r);
    assert_error(&r, 403, 2004, "PUT /values with a wrong X-CSRF-Token");
    hc_resp_free(&r);
    /* The session survived all that, and with its token the request goes through. */
    assert_true(session_valid(admin.token));
    hc_send(&admin, "POST", V1 "/periods", body, &r);
    assert_true(r.status == 200 || r.status == 201);
    hc_resp_free(&r);

    /* A cross-site form cannot sign in. */
    {
        struct hc_session anon;
        static const char form[] = "name=admin&password=kaohe-demo";
        hc_session_init(&anon, port);
        hc_call(&anon, "POST", V1 "/session", "application/x-www-form-urlencoded", NULL, form,
                strlen(form), &r);
        assert_error(&r, 415, 1004, "a form-encoded sign-in");
        assert_int_equal(hc_header_count(&r, "Set-Cookie"), 0);
        hc_resp_free(&r);
        hc_call(&anon, "POST", V1 "/session", "text/plain", NULL,
                "{\"name\": \"admin\", \"password\": \"kaohe-demo\"}", 43, &r);
        assert_error(&r, 415, 1004, "a text/plain sign-in");
        hc_resp_free(&r);
        hc_call(&anon, "POST", V1 "/session", "multipart/form-data; boundary=b", NULL, "--b--\r\n",
                7, &r);
        assert_error(&r, 415, 1004, "a multipart sign-in");
        hc_resp_free(&r);
    }
}

/* ---- the login rate limiter ----------------------------------------------------------------- */

#define WINDOW_S 3

static void limiter_opts(struct kh_server_opts *o)
{
    o->login_failures = 5;
    o->login_window = WINDOW_S;
}

static void test_login_rate_limit_answers_429_with_retry_after(void **state)
{
    char ldb[1024], ra[32];
    struct kh_server *ls;
    struct hc_session s;
    struct hc_resp r;
    int i;
    long retry;
    (void)state;

    assert_int_equal(sf_fresh_store("limiter", ldb, sizeof(ldb)), 0);
    ls = sf_start(ldb, limiter_opts);
    assert_non_null(ls);
    hc_session_init(&s, kh_server_port(ls));
    for (i = 0; i < 5; i++) {
        assert_int_not_equal(hc_login(&s, "lingdao", "not-the-password", &r), 0);
        assert_error(&r, 401, 2002, "a wrong password");
        hc_resp_free(&r);
    }
    /* The sixth: paused, even with the right password. */
    assert_int_not_equal(hc_login(&s, "lingdao", "not-the-password", &r), 0);
    assert_error(&r, 429, 2003, "the sixth wrong password");
    assert_non_null(hc_header(&r, "Retry-After", ra, sizeof(ra)));
    retry = strtol(ra, NULL, 10);
    assert_true(retry >= 1 && retry <= WINDOW_S);
    hc_resp_free(&r);
    assert_int_not_equal(hc_login(&s, "lingdao", SF_PASSWORD, &r), 0);
    assert_error(&r, 429, 2003, "the right password during the pause");
    assert_int_equal(hc_header_count(&r, "Set-Cookie"), 0);
    hc_resp_free(&r);
    /* The address is paused too (docs/api.md: "for one name or from one address"). */
    assert_int_not_equal(hc_login(&s, "shenhe", SF_PASSWORD, &r), 0);
    assert_error(&r, 429, 2003, "another name from the same address");
    hc_resp_free(&r);
    /* After the window, signing in works again. */
    sleep((unsigned)retry + 1);
    assert_int_equal(hc_login(&s, "lingdao", SF_PASSWORD, &r), 0);
    hc_resp_free(&r);
    kh_server_stop(ls);
}

/* ---- a burst of garbage ------------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

/* Garbage request number i into buf (returns its length). */
static size_t garbage(int i, char *buf, size_t cap, const struct hc_session *admin)
{
    static const char *const templates[] = {
        "GET " V1 "/health HTTP/1.1\r\nHost: x\r\n\r\n",
        "FOO " V1 "/health HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET " V1 "/units HTTP/9.9\r\n\r\n",
        "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n"
        "Content-Type: application/json\r\n\r\n{}{}{}{}",
        "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: application/json\r\n\r\nffffffffffffffffff\r\n{}\r\n",
        "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "Content-Length: 3\r\nContent-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "GET " V1 "/health HTTP/1.1\r\nHost: x\r\n\r\nGET " V1 "/units HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET " V1 "/../x HTTP/1.1\r\n\r\n",
        "GET " V1 "/scores/2024?scheme=%ff&version=-1&version=99999999999999999999 HTTP/1.1\r\n"
        "Host: x\r\n\r\n",
        "DELETE " V1 "/events/-1 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET " V1 "/snapshots/1/diff/18446744073709551617 HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST " V1 "/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 40\r\n\r\n{\"name\": {\"a\": []}, \"password\": 1e999}",
        "GET " V1 "/health HTTP/1.1\r\nHost: x\r\nCookie: kh_session=" /* + junk */,
    };
    size_t n = 0, k;
    int kind = (int)(rnd() % 24);

    if (kind < (int)(sizeof(templates) / sizeof(templates[0]))) {
        n = (size_t)snprintf(buf, cap, "%s", templates[kind]);
        if (kind == 15) /* a cookie of junk */
            for (k = 0; k < 100; k++)
                buf[n++] = (char)(33 + rnd() % 90);
        if (kind == 15)
            n += (size_t)snprintf(buf + n, cap - n, "\r\n\r\n");
        /* Cut some short. */
        if (rnd() % 4 == 0)
            n = rnd() % (n + 1);
        return n;
    }
    switch (kind) {
    case 16: /* random bytes */
        n = 1 + rnd() % 600;
        for (k = 0; k < n; k++)
            buf[k] = (char)rnd();
        return n;
    case 17: /* a request line with random path bytes */
        n = (size_t)snprintf(buf, cap, "GET " V1 "/");
        for (k = 0; k < 1 + rnd() % 80; k++) {
            char c = (char)(33 + rnd() % 94);
            buf[n++] = c;
        }
        n += (size_t)snprintf(buf + n, cap - n, " HTTP/1.1\r\nHost: x\r\n\r\n");
        return n;
    case 18: /* a huge header (over the connection's memory limit) */
        n = (size_t)snprintf(buf, cap, "GET " V1 "/health HTTP/1.1\r\nHost: x\r\nX-Big: ");
        for (k = 0; k < 70000 && n < cap - 8; k++)
            buf[n++] = 'a';
        n += (size_t)snprintf(buf + n, cap - n, "\r\n\r\n");
        return n;
    case 19: /* many headers */
        n = (size_t)snprintf(buf, cap, "GET " V1 "/health HTTP/1.1\r\n");
        for (k = 0; k < 3000 && n < cap - 40; k++)
            n += (size_t)snprintf(buf + n, cap - n, "X-%zu: %zu\r\n", k, k);
        n += (size_t)snprintf(buf + n, cap - n, "\r\n");
        return n;
    case 20: /* a signed-in write with a random JSON-ish body */
    case 21: {
        size_t blen = 1 + rnd() % 200, start;
        static const char alphabet[] = "{}[]\":,0123456789.eE+-truefalsnl \\u\xe4\xb8\xad";
        n = (size_t)snprintf(buf, cap,
                             "PUT " V1 "/values HTTP/1.1\r\nHost: x\r\nCookie: kh_session=%s\r\n"
                             "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\n\r\n",
                             admin->token, admin->csrf, blen);
        start = n;
        for (k = 0; k < blen; k++)
            buf[start + k] = alphabet[rnd() % (sizeof(alphabet) - 1)];
        return start + blen;
    }
    case 22: /* a query of many parameters */
        n = (size_t)snprintf(buf, cap, "GET " V1 "/units?");
        for (k = 0; k < 200; k++)
            n += (size_t)snprintf(buf + n, cap - n, "a%zu=%%%02x&", k, (unsigned)(rnd() % 256));
        n += (size_t)snprintf(buf + n, cap - n, " HTTP/1.1\r\nHost: x\r\n\r\n");
        return n;
    default: /* a valid request with a random method */
    {
        static const char *const methods[] = {"GET",  "POST",    "PUT",   "PATCH",   "DELETE",
                                              "HEAD", "OPTIONS", "TRACE", "CONNECT", "get"};
        return (size_t)snprintf(buf, cap, "%s " V1 "/units/T01 HTTP/1.1\r\nHost: x\r\n\r\n",
                                methods[rnd() % 10]);
    }
    }
}

/* Non-zero if raw[0..n) holds a whole response (headers and, by
 * Content-Length, the body). */
static int complete(const char *raw, size_t n)
{
    const char *end = strstr(raw, "\r\n\r\n"), *cl; /* raw is NUL-terminated */
    size_t hlen;
    if (!end)
        return 0;
    hlen = (size_t)(end - raw) + 4;
    cl = strstr(raw, "Content-Length: ");
    if (!cl || cl > end)
        return 1;
    return n >= hlen + (size_t)strtoull(cl + 16, NULL, 10);
}

#define BURST 2000
#define LANES 100 /* connections open at once */

struct lane {
    int fd;
    double start;
    char *raw;
    size_t len, cap;
};

/* Finish lane l: judge what came back. */
static void lane_done(struct lane *l, int *answered, int *server_errors, int *lingered,
                      int timed_out)
{
    struct hc_resp r;

    memset(&r, 0, sizeof(r));
    r.raw = l->raw;
    r.raw_len = l->len;
    if (r.raw)
        hc_parse(&r);
    if (r.status)
        (*answered)++;
    if (r.status == 500 || hc_error_code(&r) == 9001) {
        (*server_errors)++;
        fprintf(stderr, "burst: a server error: %.300s\n", r.raw);
    }
    if (timed_out)
        (*lingered)++;
    hc_resp_free(&r); /* frees l->raw */
    close(l->fd);
    l->fd = -1;
    l->raw = NULL;
    l->len = l->cap = 0;
}

static void test_a_burst_of_garbage_leaves_the_server_answering(void **state)
{
    struct hc_session admin;
    static char buf[128 * 1024];
    static struct lane lanes[LANES];
    struct pollfd pfd[LANES];
    double t0 = now_s();
    int next = 0, open_lanes = 0, answered = 0, server_errors = 0, lingered = 0, i;
    (void)state;

    sign_in(&admin, "admin");
    for (i = 0; i < LANES; i++)
        lanes[i].fd = -1;
    while (next < BURST || open_lanes) {
        /* Fill free lanes with new connections. */
        for (i = 0; i < LANES && next < BURST; i++) {
            size_t n;
            if (lanes[i].fd >= 0)
                continue;
            n = garbage(next++, buf, sizeof(buf), &admin);
            lanes[i].fd = hc_connect(port);
            if (lanes[i].fd < 0)
                fail_msg("burst request %d: cannot connect (the server stopped accepting?)",
                         next - 1);
            lanes[i].start = now_s();
            if (send(lanes[i].fd, buf, n, MSG_NOSIGNAL) >= 0)
                shutdown(lanes[i].fd, SHUT_WR);
            open_lanes++;
        }
        for (i = 0; i < LANES; i++) {
            pfd[i].fd = lanes[i].fd;
            pfd[i].events = POLLIN;
            pfd[i].revents = 0;
        }
        if (poll(pfd, LANES, 50) < 0 && errno != EINTR)
            fail_msg("poll: %s", strerror(errno));
        for (i = 0; i < LANES; i++) {
            struct lane *l = &lanes[i];
            if (l->fd < 0)
                continue;
            if (pfd[i].revents) {
                ssize_t k;
                if (l->cap - l->len < 4097) {
                    char *more = realloc(l->raw, l->cap ? l->cap * 2 : 8192);
                    assert_non_null(more);
                    l->raw = more;
                    l->cap = l->cap ? l->cap * 2 : 8192;
                }
                k = recv(l->fd, l->raw + l->len, l->cap - l->len - 1, 0);
                if (k > 0) {
                    l->len += (size_t)k;
                    l->raw[l->len] = '\0';
                }
                if (k <= 0 || complete(l->raw, l->len)) {
                    lane_done(l, &answered, &server_errors, &lingered, 0);
                    open_lanes--;
                    continue;
                }
            }
            /* Requests cut short wait for the server's timeout; stop waiting. */
            if (now_s() - l->start > 0.5) {
                lane_done(l, &answered, &server_errors, &lingered, 1);
                open_lanes--;
            }
        }
    }
    printf("burst: %d connections in %.1f s, %d answered with a status, %d still open after "
           "0.5 s\n",
           BURST, now_s() - t0, answered, lingered);
    assert_alive();
    {
        struct hc_resp r;
        hc_send(&admin, "GET", V1 "/scores/2024/units/T01", NULL, &r);
        assert_int_equal(r.status, 200);
        hc_resp_free(&r);
    }
    assert_int_equal(server_errors, 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_over_the_limit_by_content_length_is_413_before_it_is_sent),
        cmocka_unit_test(test_body_over_the_limit_in_chunks_is_413),
        cmocka_unit_test(test_slow_client_is_dropped_after_the_timeout),
        cmocka_unit_test(test_malformed_json_is_400_with_1001),
        cmocka_unit_test(test_wrong_content_type_is_415_with_1004),
        cmocka_unit_test(test_odd_query_values_never_give_a_server_error),
        cmocka_unit_test(test_path_traversal_is_refused_and_never_serves_a_file),
        cmocka_unit_test(test_header_injection_never_adds_a_header),
        cmocka_unit_test(test_session_fixation_a_brought_session_id_is_never_adopted),
        cmocka_unit_test(test_old_session_is_dead_after_sign_out_and_password_change),
        cmocka_unit_test(test_csrf_token_is_required_on_state_changing_requests),
        cmocka_unit_test(test_login_rate_limit_answers_429_with_retry_after),
        cmocka_unit_test(test_a_burst_of_garbage_leaves_the_server_answering),
    };
    int rc;

    if (sf_init(argc > 1 ? argv[1] : NULL) != 0)
        return 1;
    if (argc > 2) /* a test name pattern, to run one while debugging */
        cmocka_set_test_filter(argv[2]);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    sf_done();
    return rc;
}
