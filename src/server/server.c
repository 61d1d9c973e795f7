/*
 * server.c — kaohe serve on libmicrohttpd: starting a daemon with a pool of
 * worker threads on one address, reading each request (path, query,
 * headers, a body capped before it is read: 413 when Content-Length says
 * too much, and again while a chunked body grows), handing it to the
 * dispatcher with a store handle of its own, and sending the response with
 * the headers every response carries (docs/api.md "Conventions").
 *
 * The store serves one thread at a time, so the server keeps a pool of
 * store handles, one per worker thread; a request borrows one for its
 * duration. Readers never wait for a writer (WAL); writers take turns.
 * Slow clients are dropped after `timeout` seconds of silence (libmicrohttpd
 * MHD_OPTION_CONNECTION_TIMEOUT); oversized headers are refused by
 * libmicrohttpd itself (431, from its per-connection memory limit).
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "srv.h"

#define CACHE_SLOTS 256

struct cache_entry {
    char *key;
    int64_t gen;
    char *body;
    size_t len;
    char etag[40];
    const char *content_type; /* static, NULL for JSON */
    char disposition[600];
    uint64_t used; /* clock of the last use, for eviction */
};

struct srv {
    struct kh_server_opts o;
    char db[4096], jurisdiction[129];
    int64_t jid;
    struct MHD_Daemon *d;
    unsigned port;

    /* the store handle pool */
    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    struct kh_store **pool;
    unsigned npool, nfree;
    struct kh_store **free_list;

    struct srv_limiter *limiter;

    /* the response cache */
    pthread_mutex_t cache_mu;
    struct cache_entry cache[CACHE_SLOTS];
    uint64_t clock;
};

/* The public handle is the server itself. */
struct kh_server {
    struct srv s;
};

void kh_server_opts_init(struct kh_server_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->jurisdiction = "default";
    o->listen = "127.0.0.1:8080";
    o->threads = 4;
    o->timeout = 30;
    o->max_body = (size_t)16 << 20;
    o->max_evidence = (size_t)10 << 20;
    o->session_ttl = 8 * 3600;
    o->login_failures = 5;
    o->login_window = 900;
}

struct srv *srv_of(struct kh_server *ks)
{
    return &ks->s;
}

const struct kh_server_opts *srv_opts(const struct srv *s)
{
    return &s->o;
}

struct srv_limiter *srv_limiter(struct srv *s)
{
    return s->limiter;
}

/* ---- the store handle pool -------------------------------------------------- */

static struct kh_store *pool_take(struct srv *s)
{
    struct kh_store *st;

    pthread_mutex_lock(&s->pool_mu);
    while (!s->nfree)
        pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    st = s->free_list[--s->nfree];
    pthread_mutex_unlock(&s->pool_mu);
    return st;
}

static void pool_give(struct srv *s, struct kh_store *st)
{
    pthread_mutex_lock(&s->pool_mu);
    s->free_list[s->nfree++] = st;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
}

/* ---- the response cache -------------------------------------------------------- */

int srv_cache_get(struct srv *s, const char *key, int64_t gen, struct srv_resp *r)
{
    int hit = 0;
    size_t i;

    pthread_mutex_lock(&s->cache_mu);
    for (i = 0; i < CACHE_SLOTS; i++) {
        struct cache_entry *e = &s->cache[i];
        if (e->key && e->gen == gen && !strcmp(e->key, key)) {
            kh_buf_reset(&r->body);
            if (kh_buf_add(&r->body, e->body, e->len) == KH_OK) {
                memcpy(r->etag, e->etag, sizeof(r->etag));
                memcpy(r->disposition, e->disposition, sizeof(r->disposition));
                r->content_type = e->content_type;
                r->status = 200;
                e->used = ++s->clock;
                hit = 1;
            }
            break;
        }
    }
    pthread_mutex_unlock(&s->cache_mu);
    return hit;
}

void srv_cache_put(struct srv *s, const char *key, int64_t gen, const struct srv_resp *r)
{
    const struct kh_buf *body = &r->body;
    struct cache_entry *victim = NULL;
    char *k, *b;
    size_t i;

    if (body->len > ((size_t)4 << 20))
        return; /* not worth keeping */
    k = strdup(key);
    b = malloc(body->len ? body->len : 1);
    if (!k || !b) {
        free(k);
        free(b);
        return;
    }
    memcpy(b, body->data ? body->data : "", body->len);
    pthread_mutex_lock(&s->cache_mu);
    for (i = 0; i < CACHE_SLOTS; i++) {
        struct cache_entry *e = &s->cache[i];
        if (!e->key || e->gen != gen || !strcmp(e->key, key)) {
            victim = e; /* free, stale or the same key: take it */
            break;
        }
        if (!victim || e->used < victim->used)
            victim = e;
    }
    free(victim->key);
    free(victim->body);
    victim->key = k;
    victim->body = b;
    victim->len = body->len;
    victim->gen = gen;
    memcpy(victim->etag, r->etag, sizeof(victim->etag));
    memcpy(victim->disposition, r->disposition, sizeof(victim->disposition));
    victim->content_type = r->content_type;
    victim->used = ++s->clock;
    pthread_mutex_unlock(&s->cache_mu);
}

/* ---- one connection's request ---------------------------------------------------- */

struct conn {
    struct srv_req q;
    struct kh_buf body;
    size_t cap;
    int path_error; /* the path was refused: answer 400 at the end */
    struct kh_err err;
    int too_large;  /* 1: refused by Content-Length (answered); 2: a chunked body grew too large */
    size_t drained; /* bytes of a too large chunked body read and dropped */
};

/* How much of a too large chunked body is read and dropped before the
 * connection is simply closed. */
#define DRAIN_MAX ((size_t)1 << 20)

/* libmicrohttpd's unescaping is switched off: req.c decodes paths and
 * query values itself, so that an encoded '/' can be told from a real one. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    struct conn *cn = cls;
    (void)kind;
    if (cn->path_error)
        return MHD_NO;
    if (srv_req_query_add(&cn->q, key, value, &cn->err) != KH_OK) {
        cn->path_error = 2;
        return MHD_NO;
    }
    return MHD_YES;
}

/* Send r on c with the headers of every response. */
static enum MHD_Result respond(struct MHD_Connection *c, struct srv_resp *r, int close)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    size_t len = 0;
    char *data = kh_buf_steal(&r->body, &len);
    const char *ct = r->content_type ? r->content_type : "application/json; charset=utf-8";

    resp = MHD_create_response_from_buffer(len, data ? data : (void *)"",
                                           data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    if (r->status != 304)
        MHD_add_response_header(resp, "Content-Type", ct);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (!r->content_type || !strncmp(ct, "application/json", 16))
        MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'");
    if (r->etag[0]) {
        MHD_add_response_header(resp, "ETag", r->etag);
        MHD_add_response_header(resp, "Cache-Control", "private, no-cache");
    } else {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    }
    if (r->cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->cookie);
    if (r->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    if (r->allow[0])
        MHD_add_response_header(resp, "Allow", r->allow);
    if (r->retry_after) {
        char ra[16];
        snprintf(ra, sizeof(ra), "%u", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    if (close)
        MHD_add_response_header(resp, "Connection", "close");
    ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Answer with an error at once (before or instead of dispatching). */
static enum MHD_Result send_error(struct MHD_Connection *c, int code, const char *field,
                                  const char *msg, int close)
{
    struct srv_resp r;
    enum MHD_Result ret;

    memset(&r, 0, sizeof(r));
    kh_buf_init(&r.body, 0);
    srv_fail(&r, code, field, "%s", msg);
    ret = respond(c, &r, close);
    kh_buf_free(&r.body);
    return ret;
}

/*
 * Answer a request outside /api/v1 from the web app's embedded files: GET
 * and HEAD only; a path without an extension that names no file is a page
 * of the app (client-side routing) and gets index.html; anything else
 * unknown is 404. Nothing is ever read from the file system.
 */
static enum MHD_Result serve_asset(struct MHD_Connection *c, const char *url, const char *method)
{
    const struct srv_asset *a;
    struct MHD_Response *resp;
    const char *inm, *slash;
    enum MHD_Result ret;
    int status = 200;

    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_error(c, E_METHOD, NULL, "only GET and HEAD are served outside /api/v1", 1);
    a = srv_asset_find(url);
    slash = strrchr(url, '/');
    if (!a && slash && !strchr(slash, '.'))
        a = srv_asset_find("/index.html");
    if (!a)
        return send_error(c, E_NO_ROUTE, NULL, "no such file", 0);
    inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    if (inm && a->etag && strstr(inm, a->etag))
        status = 304;
    resp = MHD_create_response_from_buffer(status == 304 ? 0 : a->len, (void *)a->data,
                                           MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", a->type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' "
                            "'unsafe-inline'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    if (a->etag)
        MHD_add_response_header(resp, "ETag", a->etag);
    ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Parse what is known at the first call: method, path, query, body cap. */
static void begin(struct srv *s, struct conn *cn, struct MHD_Connection *c, const char *url,
                  const char *method)
{
    int known;
    const struct srv_route *rt;

    kh_err_clear(&cn->err);
    snprintf(cn->q.method, sizeof(cn->q.method), "%s", method);
    if (srv_req_path(&cn->q, url, &cn->err) != KH_OK) {
        cn->path_error = 1;
        return;
    }
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, cn);
    cn->cap = s->o.max_body;
    rt = srv_route_match(&cn->q, &known);
    if (rt && (rt->flags & SRV_BIG_BODY) && s->o.max_evidence > cn->cap)
        cn->cap = s->o.max_evidence;
    kh_buf_init(&cn->body, cn->cap + 1);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct srv *s = cls;
    struct conn *cn = *con_cls;
    struct srv_resp r;
    const union MHD_ConnectionInfo *ci;
    const char *h;
    enum MHD_Result ret;
    (void)version;

    if (!cn) {
        const char *cl;
        cn = calloc(1, sizeof(*cn));
        if (!cn)
            return MHD_NO;
        *con_cls = cn;
        if (strncmp(url, SRV_PREFIX, strlen(SRV_PREFIX)) != 0)
            return serve_asset(c, url, method);
        begin(s, cn, c, url, method);
        if (cn->path_error)
            return send_error(c, cn->path_error == 1 ? E_BAD_PATH : E_BAD_QUERY, NULL,
                              cn->err.msg, 1);
        cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > cn->cap) {
            char msg[160];
            cn->too_large = 1;
            snprintf(msg, sizeof(msg), "the body is larger than the limit of %zu bytes", cn->cap);
            return send_error(c, E_TOO_LARGE, NULL, msg, 1);
        }
        return MHD_YES;
    }
    if (cn->path_error || cn->too_large == 1) {
        *upload_data_size = 0; /* the answer is queued already */
        return MHD_YES;
    }
    if (cn->too_large == 2) {
        /* libmicrohttpd takes a response only before the body or after all
         * of it, so the rest of a chunked body that grew too large is read
         * and dropped (up to DRAIN_MAX; beyond that the connection is
         * closed), and 413 goes out at the end. */
        char msg[160];
        if (*upload_data_size) {
            cn->drained += *upload_data_size;
            *upload_data_size = 0;
            return cn->drained > DRAIN_MAX ? MHD_NO : MHD_YES;
        }
        snprintf(msg, sizeof(msg), "the body is larger than the limit of %zu bytes", cn->cap);
        return send_error(c, E_TOO_LARGE, NULL, msg, 1);
    }
    if (*upload_data_size) {
        if (cn->body.len + *upload_data_size > cn->cap) {
            cn->too_large = 2;
            cn->drained = *upload_data_size;
            *upload_data_size = 0;
            kh_buf_free(&cn->body);
            return MHD_YES;
        }
        if (kh_buf_add(&cn->body, upload_data, *upload_data_size) != KH_OK)
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }

    /* The whole request is here. */
    kh_buf_putc(&cn->body, '\0'); /* a NUL-terminated copy … */
    cn->q.body = cn->body.data;
    cn->q.body_len = cn->body.len ? cn->body.len - 1 : 0; /* … whose length excludes it */
    if (!cn->q.body_len)
        cn->q.body = NULL;
    h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
    if (h && srv_cookie_get(h, SRV_COOKIE, cn->q.token, sizeof(cn->q.token)) &&
        strlen(cn->q.token) != 64)
        cn->q.token[0] = '\0';
    cn->q.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
    cn->q.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    cn->q.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                      cn->q.client, sizeof(cn->q.client));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                      cn->q.client, sizeof(cn->q.client));
    }
    cn->q.srv = s;
    cn->q.jid = s->jid;
    memset(&r, 0, sizeof(r));
    kh_buf_init(&r.body, 0);
    cn->q.st = pool_take(s);
    srv_dispatch(&cn->q, &r);
    pool_give(s, cn->q.st);
    cn->q.st = NULL;
    if (r.status >= 500)
        fprintf(stderr, "kaohe serve: %s %s: %d %.300s\n", method, url, r.status,
                kh_buf_str(&r.body));
    ret = respond(c, &r, 0);
    kh_buf_free(&r.body);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn *cn = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (!cn)
        return;
    srv_req_clear(&cn->q);
    kh_buf_free(&cn->body);
    free(cn);
    *con_cls = NULL;
}

/* ---- starting and stopping ----------------------------------------------------------- */

/* Parse "host:port", "[v6]:port", ":port" into *ss. */
static int parse_listen(const char *addr, struct sockaddr_storage *ss, socklen_t *len,
                        struct kh_err *err)
{
    char host[128];
    const char *colon, *hs = addr;
    size_t hn;
    char *end;
    unsigned long port;

    memset(ss, 0, sizeof(*ss));
    if (!addr || !*addr)
        goto bad;
    if (addr[0] == '[') {
        const char *rb = strchr(addr, ']');
        if (!rb || rb[1] != ':')
            goto bad;
        hs = addr + 1;
        hn = (size_t)(rb - hs);
        colon = rb + 1;
    } else {
        colon = strrchr(addr, ':');
        if (!colon)
            goto bad;
        hn = (size_t)(colon - addr);
    }
    if (hn >= sizeof(host))
        goto bad;
    memcpy(host, hs, hn);
    host[hn] = '\0';
    port = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || port > 65535)
        goto bad;
    if (!host[0] || strchr(host, ':') == NULL) {
        struct sockaddr_in *in = (struct sockaddr_in *)(void *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((unsigned short)port);
        if (!host[0])
            in->sin_addr.s_addr = htonl(INADDR_ANY);
        else if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
            goto bad;
        *len = sizeof(*in);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((unsigned short)port);
        if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
            goto bad;
        *len = sizeof(*in6);
    }
    return KH_OK;
bad:
    return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                      "--listen \"%s\": expected HOST:PORT, such as 127.0.0.1:8080, [::1]:8080 "
                      "or :8080 (every address)",
                      addr ? addr : "");
}

static void free_server(struct kh_server *ks)
{
    struct srv *s;
    unsigned i;

    if (!ks)
        return;
    s = &ks->s;
    for (i = 0; i < s->npool; i++)
        kh_store_close(s->pool[i]);
    free(s->pool);
    free(s->free_list);
    for (i = 0; i < CACHE_SLOTS; i++) {
        free(s->cache[i].key);
        free(s->cache[i].body);
    }
    srv_limiter_free(s->limiter);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->cache_mu);
    free(ks);
}

int kh_server_start(const struct kh_server_opts *o, struct kh_server **out, struct kh_err *err)
{
    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    struct kh_server *ks;
    struct srv *s;
    const union MHD_DaemonInfo *di;
    unsigned i;
    int rc;

    *out = NULL;
    if (!o->db)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "kaohe serve needs --db FILE");
    if (o->threads < 1 || o->threads > 256)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "--threads must be from 1 to 256");
    if ((rc = parse_listen(o->listen, &ss, &sslen, err)))
        return rc;
    ks = calloc(1, sizeof(*ks));
    if (!ks)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    s = &ks->s;
    s->o = *o;
    snprintf(s->db, sizeof(s->db), "%s", o->db);
    snprintf(s->jurisdiction, sizeof(s->jurisdiction), "%s",
             o->jurisdiction ? o->jurisdiction : "default");
    s->o.db = s->db;
    s->o.jurisdiction = s->jurisdiction;
    s->o.listen = NULL;
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->cache_mu, NULL);
    s->limiter = srv_limiter_new(o->login_failures, o->login_window);
    s->pool = calloc(o->threads, sizeof(*s->pool));
    s->free_list = calloc(o->threads, sizeof(*s->free_list));
    if (!s->limiter || !s->pool || !s->free_list) {
        free_server(ks);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (i = 0; i < o->threads; i++) {
        if ((rc = kh_store_open(s->db, 0, &s->pool[i], err))) {
            free_server(ks);
            return rc;
        }
        s->npool++;
        s->free_list[s->nfree++] = s->pool[i];
    }
    if ((rc = kh_store_jurisdiction(s->pool[0], s->jurisdiction, NULL, 0, &s->jid, err))) {
        free_server(ks);
        return rc;
    }
    s->d = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned int)o->threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->timeout,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_UNESCAPE_CALLBACK,
        no_unescape, NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1, MHD_OPTION_END);
    if (!s->d) {
        free_server(ks);
        return kh_err_set(err, KH_EIO, NULL, 0, 0,
                          "cannot listen on %s (is another server using the port?)", o->listen);
    }
    di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : 0;
    *out = ks;
    return KH_OK;
}

unsigned kh_server_port(const struct kh_server *ks)
{
    return ks ? ks->s.port : 0;
}

void kh_server_stop(struct kh_server *ks)
{
    if (!ks)
        return;
    if (ks->s.d)
        MHD_stop_daemon(ks->s.d);
    free_server(ks);
}
