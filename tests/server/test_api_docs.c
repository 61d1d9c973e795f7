/*
 * test_api_docs.c — every request/response example of the API documents
 * (docs/api.md, docs/api/NAME.md) run against a live server: for each file
 * given, a fresh copy of the demo district and a fresh in-process server;
 * the examples run in their order.
 *
 * An example (docs/api.md "Examples") is a marker line
 *     <!-- api: NAME as=ACCOUNT -->          (as= optional: anonymous)
 * followed by a ```http block (a request line "METHOD PATH", optional
 * header lines, a blank line, the body) and a ```json block (the expected
 * status on its first line; then, optionally, JSON the response must
 * contain). The matching rules: every key given is present with an equal
 * value, numbers within 1e-9, arrays element by element, an array whose
 * last element is "…" may have more elements, the string "…" matches any
 * value. The runner signs in as ACCOUNT (password kaohe-demo) and sends the
 * session's CSRF token itself, unless the example's headers give an
 * X-CSRF-Token (or a Cookie) of their own; a body without a Content-Type
 * header is sent as application/json.
 *
 * A marker without both blocks, a block that does not parse, or a file
 * without any example is a failure, so that a typo cannot skip an example.
 *
 * Usage: test_api_docs [--expect-failures N] KAOHE_BINARY FILE.md...
 * Exit 0 when every example passed (with --expect-failures: when exactly N
 * failed; tests/server/docs/runner-selftest.md tests the runner itself).
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_client.h"
#include "kaohe/base.h"
#include "server_fixture.h"

#define MAX_HEADERS 16
#define ELLIPSIS    "\xe2\x80\xa6" /* "…" */

struct example {
    char name[128];
    char as[130]; /* "" for anonymous */
    int line;     /* of the marker */
    char method[16];
    char *path;
    char *headers[MAX_HEADERS + 1];
    int nheaders;
    char *body; /* NULL when none */
    int status;
    json_t *expect;    /* NULL: only the status is checked */
    char *expect_text; /* as written, for the report */
};

static void example_free(struct example *e)
{
    int i;
    free(e->path);
    for (i = 0; i < e->nheaders; i++)
        free(e->headers[i]);
    free(e->body);
    json_decref(e->expect);
    free(e->expect_text);
    memset(e, 0, sizeof(*e));
}

/* ---- reading a document ------------------------------------------------------------ */

struct lines {
    char **v;
    size_t n;
    char *text;
};

static int read_lines(const char *path, struct lines *L)
{
    FILE *f = fopen(path, "rb");
    long size;
    size_t cap = 256, i;
    char *p;

    memset(L, 0, sizeof(*L));
    if (!f)
        return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    L->text = malloc((size_t)size + 1);
    if (!L->text || fread(L->text, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        return -1;
    }
    fclose(f);
    L->text[size] = '\0';
    L->v = malloc(cap * sizeof(char *));
    if (!L->v)
        return -1;
    for (p = L->text; *p;) {
        char *nl = strchr(p, '\n');
        if (L->n == cap) {
            char **v2 = realloc(L->v, cap * 2 * sizeof(char *));
            if (!v2)
                return -1;
            L->v = v2;
            cap *= 2;
        }
        L->v[L->n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    for (i = 0; i < L->n; i++) {
        size_t len = strlen(L->v[i]);
        if (len && L->v[i][len - 1] == '\r')
            L->v[i][len - 1] = '\0';
    }
    return 0;
}

static int blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return !*s;
}

/* Trimmed copy of s[0..n). */
static char *trimmed(const char *s, size_t n)
{
    char *d;
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Non-zero if line is (meant to be) an example marker: "<!--" then "api". */
static int is_marker(const char *line)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "<!--", 4) != 0)
        return 0;
    p += 4;
    while (*p == ' ' || *p == '\t')
        p++;
    return !strncmp(p, "api", 3) && (p[3] == ':' || p[3] == ' ' || p[3] == '\t' || !p[3]);
}

/* Parse "<!-- api: NAME as=ACCOUNT -->" into e; 0 or -1 with why[]. */
static int parse_marker(const char *line, struct example *e, char *why, size_t whysz)
{
    const char *p = strstr(line, "api:"), *end;
    char *inner, *tok, *save = NULL;
    int ntok = 0, rc = 0;

    end = strstr(line, "-->");
    if (!p || !end || end < p) {
        snprintf(why, whysz, "a marker must read <!-- api: NAME as=ACCOUNT -->");
        return -1;
    }
    inner = trimmed(p + 4, (size_t)(end - (p + 4)));
    if (!inner)
        return -1;
    for (tok = strtok_r(inner, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (ntok == 0) {
            if (strchr(tok, '=') || strlen(tok) >= sizeof(e->name)) {
                snprintf(why, whysz, "the example has no name (<!-- api: NAME … -->)");
                rc = -1;
                break;
            }
            snprintf(e->name, sizeof(e->name), "%s", tok);
        } else if (!strncmp(tok, "as=", 3) && tok[3] && strlen(tok + 3) < sizeof(e->as) &&
                   !e->as[0]) {
            snprintf(e->as, sizeof(e->as), "%s", tok + 3);
        } else {
            snprintf(why, whysz, "unknown word \"%s\" in the marker (only as=ACCOUNT is known)",
                     tok);
            rc = -1;
            break;
        }
        ntok++;
    }
    if (!rc && !ntok) {
        snprintf(why, whysz, "the example has no name");
        rc = -1;
    }
    free(inner);
    return rc;
}

/* Index of the next non-blank line from i, or L->n. */
static size_t skip_blank(const struct lines *L, size_t i)
{
    while (i < L->n && blank(L->v[i]))
        i++;
    return i;
}

/* The fenced block opened at line i with fence "```lang": lines (i, close)
 * into [*first, *close). -1 when not there or not closed. */
static int fenced(const struct lines *L, size_t i, const char *lang, size_t *first, size_t *close)
{
    char open[32];
    size_t j;
    char *t;

    if (i >= L->n)
        return -1;
    snprintf(open, sizeof(open), "```%s", lang);
    t = trimmed(L->v[i], strlen(L->v[i]));
    if (!t || strcmp(t, open) != 0) {
        free(t);
        return -1;
    }
    free(t);
    for (j = i + 1; j < L->n; j++) {
        t = trimmed(L->v[j], strlen(L->v[j]));
        if (t && !strcmp(t, "```")) {
            free(t);
            *first = i + 1;
            *close = j;
            return 0;
        }
        free(t);
    }
    return -1;
}

/* Join lines [a, b) with '\n'. */
static char *join(const struct lines *L, size_t a, size_t b)
{
    size_t len = 1, i;
    char *d, *p;
    for (i = a; i < b; i++)
        len += strlen(L->v[i]) + 1;
    d = malloc(len);
    if (!d)
        return NULL;
    p = d;
    for (i = a; i < b; i++) {
        size_t n = strlen(L->v[i]);
        memcpy(p, L->v[i], n);
        p += n;
        if (i + 1 < b)
            *p++ = '\n';
    }
    *p = '\0';
    return d;
}

/* Parse the example whose marker is line m; *next gets the line after it.
 * 0, or -1 with why[]. */
static int parse_example(const struct lines *L, size_t m, struct example *e, size_t *next,
                         char *why, size_t whysz)
{
    size_t i, a, b, ja, jb, k;
    const char *rl;
    char *sp;

    memset(e, 0, sizeof(*e));
    e->line = (int)m + 1;
    *next = m + 1;
    if (parse_marker(L->v[m], e, why, whysz))
        return -1;
    i = skip_blank(L, m + 1);
    if (fenced(L, i, "http", &a, &b)) {
        snprintf(why, whysz, "the marker is not followed by a closed ```http block");
        return -1;
    }
    *next = b + 1;
    i = skip_blank(L, b + 1);
    if (fenced(L, i, "json", &ja, &jb)) {
        snprintf(why, whysz,
                 "the ```http block (line %zu) is not followed by a closed ```json block", a);
        return -1;
    }
    *next = jb + 1;

    /* The request line. */
    if (a >= b || blank(L->v[a])) {
        snprintf(why, whysz, "the ```http block has no request line");
        return -1;
    }
    rl = L->v[a];
    sp = strchr(rl, ' ');
    if (!sp || (size_t)(sp - rl) >= sizeof(e->method) || sp == rl || sp[1] != '/' ||
        strchr(sp + 1, ' ')) {
        snprintf(why, whysz, "line %zu: the request line must be \"METHOD /path\", not \"%s\"",
                 a + 1, rl);
        return -1;
    }
    memcpy(e->method, rl, (size_t)(sp - rl));
    e->method[sp - rl] = '\0';
    for (k = 0; e->method[k]; k++)
        if (!isupper((unsigned char)e->method[k])) {
            snprintf(why, whysz, "line %zu: \"%s\" is not a method", a + 1, e->method);
            return -1;
        }
    e->path = strdup(sp + 1);

    /* Header lines up to a blank line, then the body. */
    for (i = a + 1; i < b && !blank(L->v[i]); i++) {
        const char *colon = strchr(L->v[i], ':');
        if (!colon || colon == L->v[i] || strchr(L->v[i], ' ') < colon) {
            snprintf(why, whysz,
                     "line %zu: \"%s\" is not a header line (a body must follow a blank line)",
                     i + 1, L->v[i]);
            return -1;
        }
        if (e->nheaders == MAX_HEADERS) {
            snprintf(why, whysz, "line %zu: more than %d header lines", i + 1, MAX_HEADERS);
            return -1;
        }
        e->headers[e->nheaders++] = strdup(L->v[i]);
    }
    if (i < b) {
        size_t bb = b;
        while (bb > i && blank(L->v[bb - 1]))
            bb--;
        if (bb > i + 1)
            e->body = join(L, i + 1, bb);
    }

    /* The status, then the expected JSON. */
    if (ja >= jb) {
        snprintf(why, whysz, "the ```json block is empty: its first line is the status");
        return -1;
    }
    {
        char *t = trimmed(L->v[ja], strlen(L->v[ja])), *end;
        long st = t ? strtol(t, &end, 10) : 0;
        if (!t || !*t || *end || st < 100 || st > 599) {
            snprintf(why, whysz, "line %zu: the ```json block must start with a status, not \"%s\"",
                     ja + 1, L->v[ja]);
            free(t);
            return -1;
        }
        free(t);
        e->status = (int)st;
    }
    e->expect_text = join(L, ja + 1, jb);
    if (e->expect_text && !blank(e->expect_text)) {
        json_error_t je;
        e->expect = json_loads(e->expect_text, 0, &je);
        if (!e->expect) {
            snprintf(why, whysz, "line %zu col %d: the expected JSON does not parse: %s",
                     ja + 1 + (size_t)je.line, je.column, je.text);
            return -1;
        }
    }
    return 0;
}

/* ---- matching ------------------------------------------------------------------------ */

static int is_ellipsis(const json_t *j)
{
    return json_is_string(j) && !strcmp(json_string_value(j), ELLIPSIS);
}

/* Non-zero if act contains exp by the documented rules; on a mismatch
 * where[] gets the path and the reason. */
static int contains(const json_t *exp, const json_t *act, char *path, size_t pathsz, char *why,
                    size_t whysz)
{
    size_t plen = strlen(path);

    if (is_ellipsis(exp))
        return 1;
    if (json_is_object(exp)) {
        const char *key;
        json_t *v;
        if (!json_is_object(act)) {
            snprintf(why, whysz, "expected an object");
            return 0;
        }
        json_object_foreach((json_t *)exp, key, v)
        {
            json_t *a = json_object_get(act, key);
            snprintf(path + plen, pathsz - plen, ".%s", key);
            if (!a) {
                snprintf(why, whysz, "the key is missing");
                return 0;
            }
            if (!contains(v, a, path, pathsz, why, whysz))
                return 0;
            path[plen] = '\0';
        }
        return 1;
    }
    if (json_is_array(exp)) {
        size_t n = json_array_size(exp), i, want;
        int open = n && is_ellipsis(json_array_get(exp, n - 1));
        if (!json_is_array(act)) {
            snprintf(why, whysz, "expected an array");
            return 0;
        }
        want = open ? n - 1 : n;
        if (open ? json_array_size(act) < want : json_array_size(act) != want) {
            snprintf(why, whysz, "expected %s%zu elements, got %zu", open ? "at least " : "", want,
                     json_array_size(act));
            return 0;
        }
        for (i = 0; i < want; i++) {
            snprintf(path + plen, pathsz - plen, "[%zu]", i);
            if (!contains(json_array_get(exp, i), json_array_get(act, i), path, pathsz, why, whysz))
                return 0;
            path[plen] = '\0';
        }
        return 1;
    }
    if (json_is_number(exp)) {
        double x = json_number_value(exp), y;
        if (!json_is_number(act)) {
            snprintf(why, whysz, "expected the number %.17g", x);
            return 0;
        }
        y = json_number_value(act);
        if (!(fabs(x - y) <= 1e-9)) {
            snprintf(why, whysz, "expected %.17g, got %.17g", x, y);
            return 0;
        }
        return 1;
    }
    if (json_is_string(exp)) {
        if (!json_is_string(act) || strcmp(json_string_value(exp), json_string_value(act))) {
            snprintf(why, whysz, "expected \"%.200s\"", json_string_value(exp));
            return 0;
        }
        return 1;
    }
    if (json_is_boolean(exp) || json_is_null(exp)) {
        if (json_typeof(exp) != json_typeof(act)) {
            snprintf(why, whysz, "expected %s",
                     json_is_null(exp)   ? "null"
                     : json_is_true(exp) ? "true"
                                         : "false");
            return 0;
        }
        return 1;
    }
    snprintf(why, whysz, "unexpected JSON type in the expectation");
    return 0;
}

/* Print JSON pretty, at most max bytes. */
static void show_json(const char *label, const json_t *j, const char *raw, size_t max)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    const char *s = text ? text : raw ? raw : "(none)";
    size_t n = strlen(s);

    fprintf(stderr, "  %s:\n", label);
    if (n > max)
        fprintf(stderr, "%.*s\n  … (%zu more bytes)\n", (int)max, s, n - max);
    else
        fprintf(stderr, "%s\n", s);
    free(text);
}

/* ---- running ------------------------------------------------------------------------- */

#define MAX_ACCOUNTS 32

struct runner {
    unsigned port;
    struct hc_session sess[MAX_ACCOUNTS];
    int nsess;
};

/* The session of account `as` (signed in when not yet), or NULL. */
static struct hc_session *session_for(struct runner *R, const char *as, char *why, size_t whysz)
{
    struct hc_resp r;
    int i;

    for (i = 0; i < R->nsess; i++)
        if (!strcmp(R->sess[i].name, as))
            break;
    if (i == R->nsess) {
        if (R->nsess == MAX_ACCOUNTS) {
            snprintf(why, whysz, "too many accounts");
            return NULL;
        }
        hc_session_init(&R->sess[i], R->port);
        snprintf(R->sess[i].name, sizeof(R->sess[i].name), "%s", as);
        R->nsess++;
    }
    if (as[0] && !R->sess[i].token[0]) {
        if (hc_login(&R->sess[i], as, SF_PASSWORD, &r) != 0) {
            snprintf(why, whysz, "cannot sign in as %s (password %s): HTTP %d %.300s", as,
                     SF_PASSWORD, r.status, r.body ? r.body : "");
            hc_resp_free(&r);
            return NULL;
        }
        hc_resp_free(&r);
    }
    return &R->sess[i];
}

/* Run one example; 0 when it passed. */
static int run_example(struct runner *R, const char *file, struct example *e)
{
    struct hc_session *s, anon;
    struct hc_resp r;
    char why[600] = "", path[1024] = "$";
    const char *extra[MAX_HEADERS + 1];
    int i, own_cookie = 0, ok = 1;

    for (i = 0; i < e->nheaders; i++) {
        extra[i] = e->headers[i];
        if (!strncasecmp(e->headers[i], "Cookie:", 7))
            own_cookie = 1;
    }
    extra[e->nheaders] = NULL;
    s = session_for(R, e->as, why, sizeof(why));
    if (!s) {
        fprintf(stderr, "FAIL %s (%s:%d): %s\n", e->name, file, e->line, why);
        return -1;
    }
    if (own_cookie) { /* the example brings its own cookie: send no other */
        hc_session_init(&anon, R->port);
        snprintf(anon.csrf, sizeof(anon.csrf), "%s", s->csrf);
        s = &anon;
    }
    hc_call(s, e->method, e->path, NULL, extra, e->body, e->body ? strlen(e->body) : 0, &r);
    if (r.status != e->status) {
        snprintf(why, sizeof(why), "expected status %d, got %d", e->status, r.status);
        ok = 0;
    } else if (e->expect) {
        if (!r.json) {
            snprintf(why, sizeof(why), "the response body is not JSON");
            ok = 0;
        } else if (!contains(e->expect, r.json, path, sizeof(path), why, sizeof(why))) {
            ok = 0;
        }
    }
    if (ok) {
        printf("ok   %s (%s %s as %s)\n", e->name, e->method, e->path,
               e->as[0] ? e->as : "anonymous");
    } else {
        fprintf(stderr, "FAIL %s (%s:%d) %s %s as %s\n", e->name, file, e->line, e->method, e->path,
                e->as[0] ? e->as : "anonymous");
        if (path[1])
            fprintf(stderr, "  at %s: %s\n", path, why);
        else
            fprintf(stderr, "  %s\n", why);
        fprintf(stderr, "  expected status %d:\n%s\n", e->status,
                e->expect_text && !blank(e->expect_text) ? e->expect_text : "  (any body)");
        fprintf(stderr, "  actual status %d, headers:\n%s\n", r.status, r.headers ? r.headers : "");
        show_json("actual body", r.json, r.body, 6000);
    }
    hc_resp_free(&r);
    return ok ? 0 : -1;
}

/* Run every example of one file on a fresh store and server. Returns the
 * number of failures (parse errors included). */
static int run_file(const char *file, int index)
{
    struct lines L;
    struct runner R;
    struct kh_server *srv;
    char db[1024], name[64], why[600];
    size_t i, next;
    int failures = 0, nexamples = 0;

    if (read_lines(file, &L) != 0) {
        fprintf(stderr, "FAIL cannot read %s\n", file);
        return 1;
    }
    snprintf(name, sizeof(name), "docs-%d", index);
    if (sf_fresh_store(name, db, sizeof(db)) != 0 || !(srv = sf_start(db, NULL))) {
        fprintf(stderr, "FAIL %s: cannot start a server on a fresh demo store\n", file);
        free(L.v);
        free(L.text);
        return 1;
    }
    memset(&R, 0, sizeof(R));
    R.port = kh_server_port(srv);
    printf("# %s (server on port %u, store %s)\n", file, R.port, db);
    for (i = 0; i < L.n; i = next) {
        struct example e;
        next = i + 1;
        if (!is_marker(L.v[i]))
            continue;
        nexamples++;
        if (parse_example(&L, i, &e, &next, why, sizeof(why)) != 0) {
            fprintf(stderr, "FAIL %s:%zu: example %s: %s\n", file, i + 1,
                    e.name[0] ? e.name : "(unnamed)", why);
            failures++;
        } else if (run_example(&R, file, &e) != 0) {
            failures++;
        }
        example_free(&e);
    }
    kh_server_stop(srv);
    if (!nexamples) {
        fprintf(stderr, "FAIL %s has no <!-- api: … --> example\n", file);
        failures++;
    }
    printf("# %s: %d examples, %d failed\n", file, nexamples, failures);
    free(L.v);
    free(L.text);
    return failures;
}

int main(int argc, char **argv)
{
    int i, first = 1, failures = 0;
    long expect = 0;

    if (argc > 2 && !strcmp(argv[1], "--expect-failures")) {
        char *end;
        expect = strtol(argv[2], &end, 10);
        if (*end || expect < 1) {
            fprintf(stderr, "--expect-failures needs a positive number\n");
            return 2;
        }
        first = 3;
    }
    if (argc < first + 2) {
        fprintf(stderr, "usage: %s [--expect-failures N] KAOHE_BINARY FILE.md...\n", argv[0]);
        return 2;
    }
    if (sf_init(argv[first]) != 0)
        return 1;
    for (i = first + 1; i < argc; i++)
        failures += run_file(argv[i], i - first);
    sf_done();
    if (expect) {
        printf("# %d failures, %ld expected\n", failures, expect);
        return failures == expect ? 0 : 1;
    }
    return failures ? 1 : 0;
}
