/*
 * dispatch.c — from a parsed request to a response, in the order that
 * keeps handlers simple and safe: match the route in the one table
 * (routes.c); resolve the session cookie; check the route's capability
 * against the account's role (401 without a session, 403 without the
 * capability); check the CSRF token of state-changing requests; check the
 * body's media type; then answer from the response cache or call the
 * handler, and give cacheable reads an ETag (304 when the client has it).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "srv.h"

/* Non-zero for methods that change nothing. */
static int safe_method(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

/* Match pattern against q's segments; fill q->param on success. */
static int match(const char *pattern, struct srv_req *q)
{
    const char *p = pattern;
    int i = 0, nparam = 0;

    while (*p == '/') {
        const char *end;
        size_t n;

        p++;
        end = strchr(p, '/');
        n = end ? (size_t)(end - p) : strlen(p);
        if (i >= q->nseg)
            return 0;
        if (n >= 2 && p[0] == '{' && p[n - 1] == '}') {
            if (nparam == SRV_MAX_PARAMS)
                return 0;
            q->param[nparam++] = q->seg[i];
        } else if (strlen(q->seg[i]) != n || memcmp(p, q->seg[i], n) != 0) {
            return 0;
        }
        i++;
        p += n;
    }
    if (i != q->nseg)
        return 0;
    q->nparam = nparam;
    return 1;
}

const struct srv_route *srv_route_match(struct srv_req *q, int *path_known)
{
    const struct srv_route *found = NULL;
    size_t i;

    *path_known = 0;
    for (i = 0; i < srv_nroutes; i++) {
        if (!match(srv_routes[i].pattern, q))
            continue;
        if (!strcmp(srv_routes[i].method, q->method) ||
            (!strcmp(q->method, "HEAD") && !strcmp(srv_routes[i].method, "GET"))) {
            found = &srv_routes[i];
            break;
        }
        *path_known = 1;
    }
    if (found)
        match(found->pattern, q); /* params of the chosen route */
    return found;
}

/* The methods of every route matching q's path, for Allow. */
static void allowed(struct srv_req *q, char *out, size_t outsz)
{
    size_t i, len = 0;

    out[0] = '\0';
    for (i = 0; i < srv_nroutes; i++) {
        if (!match(srv_routes[i].pattern, q))
            continue;
        len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? ", " : "",
                                srv_routes[i].method);
        if (len >= outsz)
            break;
    }
}

/* Non-zero if ct is application/json (parameters such as charset allowed). */
static int is_json(const char *ct)
{
    size_t n = strlen("application/json");
    return ct && !strncasecmp(ct, "application/json", n) && (ct[n] == '\0' || ct[n] == ';' ||
                                                               ct[n] == ' ');
}

/* The cache key of q: method, path, query in the order given, and the
 * viewer's scope (a reporter sees only its unit: its own key). Parts are
 * separated by 0x01, a byte decoded segments and values never hold. */
static void cache_key(const struct srv_req *q, struct kh_buf *k)
{
    int i;

    kh_buf_puts(k, q->method);
    for (i = 0; i < q->nseg; i++)
        kh_buf_printf(k, "/%s\x01", q->seg[i]);
    for (i = 0; i < q->nquery; i++)
        kh_buf_printf(k, "?%s\x01%s\x01", q->query[i].name, q->query[i].value);
    if (q->signed_in && q->acct.role == KH_ROLE_REPORTER)
        kh_buf_printf(k, "|u:%s", q->acct.unit);
    else
        kh_buf_puts(k, q->signed_in ? "|all" : "|public");
}

/* The ETag of a body: a quoted hash. */
static void etag_of(const struct kh_buf *b, char out[40])
{
    unsigned char h[16];
    char hex[33];

    crypto_generichash(h, sizeof(h), (const unsigned char *)(b->data ? b->data : ""), b->len,
                       NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    snprintf(out, 40, "\"%s\"", hex);
}

/* Answer 304 instead when the client's If-None-Match names r's ETag. */
static void not_modified(const struct srv_req *q, struct srv_resp *r)
{
    if (!r->etag[0] || !q->if_none_match)
        return;
    if (strstr(q->if_none_match, r->etag) || !strcmp(q->if_none_match, "*")) {
        r->status = 304;
        kh_buf_reset(&r->body);
    }
}

/* Resolve q->token into a session of the served jurisdiction. Returns 0,
 * or -1 with an error in r (a store failure). A token that is unknown,
 * expired or of another jurisdiction leaves q signed out and asks the
 * client to drop the cookie. */
static int resolve_session(struct srv_req *q, struct srv_resp *r)
{
    struct kh_err err;
    int rc;

    if (!q->token[0])
        return 0;
    kh_err_clear(&err);
    rc = kh_store_session_get(q->st, q->token, &q->sess, &q->acct, &err);
    if (rc == KH_OK && q->acct.jid == q->jid) {
        q->signed_in = 1;
        return 0;
    }
    if (rc != KH_OK && rc != KH_ENOTFOUND) {
        srv_fail_err(r, E_INTERNAL, &err);
        return -1;
    }
    memset(&q->acct, 0, sizeof(q->acct));
    snprintf(r->cookie, sizeof(r->cookie),
             SRV_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return 0;
}

void srv_dispatch(struct srv_req *q, struct srv_resp *r)
{
    const struct srv_route *rt;
    const struct kh_server_opts *o = srv_opts(q->srv);
    struct kh_buf key;
    int known, cached = 0;
    int64_t gen = 0;

    rt = srv_route_match(q, &known);
    if (!rt) {
        if (known) {
            allowed(q, r->allow, sizeof(r->allow));
            srv_fail(r, E_METHOD, NULL, "%s is not allowed here; allowed: %s", q->method,
                     r->allow);
        } else {
            srv_fail(r, E_NO_ROUTE, NULL, "no such resource; the routes are listed in "
                                          "docs/api.md");
        }
        return;
    }
    q->route = rt;
    if (resolve_session(q, r))
        return;
    if (!srv_role_has(q->signed_in ? q->acct.role : 0, rt->cap, o->public_read)) {
        if (!q->signed_in)
            srv_fail(r, E_SIGN_IN, NULL, "sign in first (POST %s/session)", SRV_PREFIX);
        else
            srv_fail(r, E_FORBIDDEN, NULL,
                     "the role %s does not have the capability \"%s\" this needs",
                     kh_role_name(q->acct.role), srv_cap_name(rt->cap));
        return;
    }
    if (!safe_method(q->method) && q->signed_in && !(rt->flags & SRV_NO_CSRF)) {
        if (!q->csrf || strlen(q->csrf) != strlen(q->sess.csrf) ||
            sodium_memcmp(q->csrf, q->sess.csrf, strlen(q->sess.csrf)) != 0) {
            srv_fail(r, E_CSRF, "X-CSRF-Token",
                     "send the session's CSRF token in the X-CSRF-Token header (GET %s/session "
                     "returns it)",
                     SRV_PREFIX);
            return;
        }
    }
    if (!safe_method(q->method) && !(rt->flags & SRV_RAW_BODY) && q->body_len &&
        !is_json(q->content_type)) {
        srv_fail(r, E_MEDIA_TYPE, "Content-Type", "the body must be sent as application/json");
        return;
    }

    kh_buf_init(&key, 1 << 16);
    if ((rt->flags & SRV_CACHE) && safe_method(q->method)) {
        struct kh_err err;
        kh_err_clear(&err);
        cache_key(q, &key);
        if (kh_buf_failed(&key) || kh_store_generation(q->st, q->jid, &gen, &err) != KH_OK)
            gen = -1; /* no caching for this one */
        else if (srv_cache_get(q->srv, kh_buf_str(&key), gen, r))
            cached = 1;
    }
    if (!cached) {
        rt->handler(q, r);
        if (!r->status)
            srv_fail(r, E_INTERNAL, NULL, "the handler gave no answer (a bug)");
        if ((rt->flags & SRV_CACHE) && r->status == 200) {
            etag_of(&r->body, r->etag);
            if (r->cacheable && gen >= 0 && key.len)
                srv_cache_put(q->srv, kh_buf_str(&key), gen, r);
        }
    }
    kh_buf_free(&key);
    not_modified(q, r);
}
