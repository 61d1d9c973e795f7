/*
 * http_client.c — the blocking HTTP/1.1 test client (http_client.h): RFC
 * 9112 framing as far as the tests need it (a status line, header lines,
 * a body delimited by the connection's close, Content-Length or chunked
 * transfer coding), over one TCP connection per request to 127.0.0.1.
 */
#include "http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void hc_resp_free(struct hc_resp *r)
{
    if (!r)
        return;
    free(r->raw);
    free(r->headers);
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

int hc_connect(unsigned port)
{
    struct sockaddr_in a;
    int fd;

    signal(SIGPIPE, SIG_IGN);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send all of p[0..n); 0 or -1. */
static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Decode a chunked body in place-ish: a new malloc'ed copy; -1 when malformed
 * (the raw bytes are then kept as the body). */
static int dechunk(const char *p, size_t n, char **out, size_t *outlen)
{
    char *d = malloc(n + 1);
    size_t j = 0;
    const char *end = p + n;

    if (!d)
        return -1;
    for (;;) {
        char *e;
        unsigned long len;
        const char *crlf;

        len = strtoul(p, &e, 16);
        if (e == p)
            break;
        crlf = strstr(e, "\r\n");
        if (!crlf || crlf >= end)
            break;
        p = crlf + 2;
        if (len == 0) {
            d[j] = '\0';
            *out = d;
            *outlen = j;
            return 0;
        }
        if ((size_t)(end - p) < len)
            break;
        memcpy(d + j, p, len);
        j += len;
        p += len;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            break;
        p += 2;
    }
    free(d);
    return -1;
}

void hc_parse(struct hc_resp *r)
{
    const char *p = r->raw, *eol, *hend;
    char te[64], cl[32];
    size_t hlen, blen;
    const char *b;

    r->headers = strdup("");
    r->body = strdup("");
    r->body_len = 0;
    if (!p || strncmp(p, "HTTP/1.", 7) != 0)
        return;
    eol = strstr(p, "\r\n");
    if (!eol || eol - p < 12)
        return;
    r->status = (int)strtol(p + 9, NULL, 10);
    hend = strstr(eol, "\r\n\r\n");
    if (!hend)
        hend = r->raw + r->raw_len;
    hlen = (size_t)(hend - (eol + 2));
    free(r->headers);
    r->headers = malloc(hlen + 1);
    if (r->headers) {
        memcpy(r->headers, eol + 2, hlen);
        r->headers[hlen] = '\0';
    }
    if (hend == r->raw + r->raw_len)
        return;
    b = hend + 4;
    blen = r->raw_len - (size_t)(b - r->raw);
    if (hc_header(r, "Transfer-Encoding", te, sizeof(te)) && strstr(te, "chunked")) {
        char *d;
        size_t dl;
        if (dechunk(b, blen, &d, &dl) == 0) {
            free(r->body);
            r->body = d;
            r->body_len = dl;
            goto json;
        }
    }
    if (hc_header(r, "Content-Length", cl, sizeof(cl))) {
        size_t want = (size_t)strtoull(cl, NULL, 10);
        if (want < blen)
            blen = want;
    }
    free(r->body);
    r->body = malloc(blen + 1);
    if (r->body) {
        memcpy(r->body, b, blen);
        r->body[blen] = '\0';
        r->body_len = blen;
    }
json:
    if (r->body && r->body_len)
        r->json = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL);
}

void hc_read_all(int fd, int timeout_ms, struct hc_resp *r)
{
    double deadline = now_s() + (timeout_ms > 0 ? timeout_ms : HC_TIMEOUT_MS) / 1000.0;
    size_t cap = 8192;

    r->raw = malloc(cap);
    r->raw_len = 0;
    if (!r->raw)
        return;
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        double left = deadline - now_s();
        ssize_t k;
        int pr;

        if (left <= 0) {
            r->timed_out = 1;
            break;
        }
        pr = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            r->timed_out = 1;
            break;
        }
        if (r->raw_len + 4097 > cap) {
            char *n2 = realloc(r->raw, cap * 2);
            if (!n2)
                break;
            r->raw = n2;
            cap *= 2;
        }
        k = recv(fd, r->raw + r->raw_len, cap - r->raw_len - 1, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            r->closed = 1; /* EOF, or reset by the server */
            break;
        }
        r->raw_len += (size_t)k;
    }
    r->raw[r->raw_len] = '\0';
}

int hc_raw(unsigned port, const void *bytes, size_t n, int shut_wr, int timeout_ms,
           struct hc_resp *r)
{
    double t0 = now_s();
    int fd;

    memset(r, 0, sizeof(*r));
    fd = hc_connect(port);
    if (fd < 0) {
        hc_parse(r);
        return -1;
    }
    if (send_all(fd, bytes, n) != 0) {
        /* The server may have answered and closed already: read what came. */
        hc_read_all(fd, timeout_ms, r);
        close(fd);
        hc_parse(r);
        r->elapsed = now_s() - t0;
        return 0;
    }
    if (shut_wr)
        shutdown(fd, SHUT_WR);
    hc_read_all(fd, timeout_ms, r);
    close(fd);
    r->elapsed = now_s() - t0;
    hc_parse(r);
    return 0;
}

int hc_request(unsigned port, const char *method, const char *path, const char *const *headers,
               const char *body, size_t body_len, int timeout_ms, struct hc_resp *r)
{
    char *req;
    size_t len = 0, cap;
    int i, rc;

    memset(r, 0, sizeof(*r));
    cap = strlen(method) + strlen(path) + body_len + 256;
    for (i = 0; headers && headers[i]; i++)
        cap += strlen(headers[i]) + 2;
    req = malloc(cap);
    if (!req)
        return -1;
    len += (size_t)snprintf(req + len, cap - len, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n",
                            method, path, port);
    for (i = 0; headers && headers[i]; i++)
        len += (size_t)snprintf(req + len, cap - len, "%s\r\n", headers[i]);
    if (body)
        len += (size_t)snprintf(req + len, cap - len, "Content-Length: %zu\r\n", body_len);
    len += (size_t)snprintf(req + len, cap - len, "Connection: close\r\n\r\n");
    if (body) {
        memcpy(req + len, body, body_len);
        len += body_len;
    }
    rc = hc_raw(port, req, len, 0, timeout_ms, r);
    free(req);
    return rc == 0 && r->status ? 0 : -1;
}

const char *hc_header(const struct hc_resp *r, const char *name, char *out, size_t outsz)
{
    const char *p = r->headers;
    size_t n = strlen(name);

    if (outsz)
        out[0] = '\0';
    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > n && p[n] == ':' && !strncasecmp(p, name, n)) {
            const char *v = p + n + 1;
            size_t vl;
            while (*v == ' ' || *v == '\t')
                v++;
            vl = (size_t)(p + ll - v);
            if (vl >= outsz)
                vl = outsz ? outsz - 1 : 0;
            if (outsz) {
                memcpy(out, v, vl);
                out[vl] = '\0';
            }
            return out;
        }
        if (!eol)
            break;
        p = eol + 2;
    }
    return NULL;
}

int hc_header_count(const struct hc_resp *r, const char *name)
{
    const char *p = r->headers;
    size_t n = strlen(name);
    int count = 0;

    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > n && p[n] == ':' && !strncasecmp(p, name, n))
            count++;
        if (!eol)
            break;
        p = eol + 2;
    }
    return count;
}

int hc_error_code(const struct hc_resp *r)
{
    json_t *e = r->json ? json_object_get(r->json, "error") : NULL;
    json_t *c = e ? json_object_get(e, "code") : NULL;
    return c && json_is_integer(c) ? (int)json_integer_value(c) : 0;
}

/* ---- sessions ---------------------------------------------------------------------- */

void hc_session_init(struct hc_session *s, unsigned port)
{
    memset(s, 0, sizeof(*s));
    s->port = port;
}

/* Follow a Set-Cookie of kh_session in r. */
static void absorb_cookie(struct hc_session *s, const struct hc_resp *r)
{
    const char *p = r->headers;

    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > 11 && !strncasecmp(p, "Set-Cookie:", 11)) {
            const char *v = p + 11;
            while (*v == ' ')
                v++;
            if (!strncmp(v, "kh_session=", 11)) {
                const char *t = v + 11;
                size_t tl = strcspn(t, ";\r\n");
                if (tl == 0 || tl >= sizeof(s->token)) {
                    s->token[0] = '\0';
                    s->csrf[0] = '\0';
                } else {
                    memcpy(s->token, t, tl);
                    s->token[tl] = '\0';
                }
            }
        }
        if (!eol)
            break;
        p = eol + 2;
    }
}

int hc_call(struct hc_session *s, const char *method, const char *path, const char *content_type,
            const char *const *extra, const char *body, size_t body_len, struct hc_resp *r)
{
    const char *h[40];
    char cookie[200], csrf[200], ct[200];
    int n = 0, i, has_csrf = 0, has_ct = 0, rc;
    unsigned port = s->port;

    for (i = 0; extra && extra[i] && i < 30; i++) {
        if (!strncasecmp(extra[i], "X-CSRF-Token:", 13))
            has_csrf = 1;
        if (!strncasecmp(extra[i], "Content-Type:", 13))
            has_ct = 1;
        h[n++] = extra[i];
    }
    if (s->token[0]) {
        snprintf(cookie, sizeof(cookie), "Cookie: kh_session=%s", s->token);
        h[n++] = cookie;
    }
    if (s->csrf[0] && !has_csrf && strcmp(method, "GET") && strcmp(method, "HEAD")) {
        snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", s->csrf);
        h[n++] = csrf;
    }
    if (!has_ct && (content_type || body)) {
        snprintf(ct, sizeof(ct), "Content-Type: %s",
                 content_type ? content_type : "application/json");
        h[n++] = ct;
    }
    h[n] = NULL;
    rc = hc_request(port, method, path, h, body, body_len, 0, r);
    absorb_cookie(s, r);
    return rc;
}

int hc_send(struct hc_session *s, const char *method, const char *path, const char *body,
            struct hc_resp *r)
{
    return hc_call(s, method, path, NULL, NULL, body, body ? strlen(body) : 0, r);
}

int hc_login(struct hc_session *s, const char *name, const char *password, struct hc_resp *r)
{
    struct hc_resp own;
    json_t *b;
    char *text;
    int ok = -1;

    if (!r)
        r = &own;
    b = json_pack("{ssss}", "name", name, "password", password);
    text = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    s->csrf[0] = '\0'; /* signing in needs no token */
    hc_send(s, "POST", "/api/v1/session", text, r);
    free(text);
    if (r->status == 200 && r->json) {
        json_t *c = json_object_get(json_object_get(r->json, "data"), "csrf");
        if (json_is_string(c) && s->token[0]) {
            snprintf(s->csrf, sizeof(s->csrf), "%s", json_string_value(c));
            snprintf(s->name, sizeof(s->name), "%s", name);
            ok = 0;
        }
    }
    if (r == &own)
        hc_resp_free(&own);
    return ok;
}
