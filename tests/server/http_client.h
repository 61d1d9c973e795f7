/*
 * http_client.h — a tiny blocking HTTP/1.1 client for the server tests
 * (tests/server/test_*.c): one request per TCP connection to
 * 127.0.0.1:port with Content-Length and "Connection: close", the answer
 * read until the server closes (or a receive timeout), split into status,
 * headers and body (a chunked body is decoded). A raw mode sends exact
 * bytes and reports whatever comes back and whether the server closed
 * the connection, for the abuse tests. A session signs in as an account
 * (POST /api/v1/session), keeps the kh_session cookie and the CSRF token,
 * sends the token on every state-changing request, and follows the
 * server's Set-Cookie like a browser would.
 *
 * Not thread-safe per session; responses are malloc'ed (hc_resp_free).
 */
#ifndef KH_TEST_HTTP_CLIENT_H
#define KH_TEST_HTTP_CLIENT_H

#include <jansson.h>
#include <stddef.h>

/* The default receive timeout in milliseconds. */
#define HC_TIMEOUT_MS 30000

/* One response. */
struct hc_resp {
    int status; /* HTTP status; 0 when no status line arrived */
    char *raw;  /* every byte received, NUL-terminated */
    size_t raw_len;
    char *headers; /* the header lines after the status line ("\r\n"-separated), or "" */
    char *body;    /* the body (dechunked), NUL-terminated; "" when none */
    size_t body_len;
    int closed;     /* the server closed the connection (EOF or reset) */
    int timed_out;  /* the receive timeout passed first */
    double elapsed; /* seconds from connecting to the end of reading */
    json_t *json;   /* the body as JSON, or NULL when it is not JSON */
};

/* Free what r holds and zero it (a zeroed r is fine). */
void hc_resp_free(struct hc_resp *r);

/*
 * Send METHOD path (with its query, as is) to 127.0.0.1:port with the
 * header lines in `headers` (a NULL-terminated array of "Name: value",
 * may be NULL), Host, Connection: close and, when body is non-NULL,
 * Content-Length; read the answer. Returns 0 when a status line arrived,
 * -1 otherwise (connection refused, timeout before any answer: r->status
 * is 0). timeout_ms 0 means HC_TIMEOUT_MS.
 */
int hc_request(unsigned port, const char *method, const char *path, const char *const *headers,
               const char *body, size_t body_len, int timeout_ms, struct hc_resp *r);

/*
 * Raw mode: connect, send bytes[0..n) exactly, then read whatever comes back
 * until the server closes or timeout_ms passes (r->closed, r->timed_out);
 * a status line, if one arrived, is parsed as hc_request does. With
 * shut_wr the write side is shut down after sending. Returns 0 when
 * connected and sent, -1 otherwise.
 */
int hc_raw(unsigned port, const void *bytes, size_t n, int shut_wr, int timeout_ms,
           struct hc_resp *r);

/* Connect to 127.0.0.1:port; the socket, or -1. */
int hc_connect(unsigned port);

/* Read from fd until EOF or timeout_ms into r->raw (as hc_raw does after
 * sending), then hc_parse splits r->raw into status, headers, body, json. */
void hc_read_all(int fd, int timeout_ms, struct hc_resp *r);
void hc_parse(struct hc_resp *r);

/*
 * The value of the first header `name` (case-insensitive) of r copied into
 * out[outsz], or NULL when there is none. hc_header_count counts them.
 */
const char *hc_header(const struct hc_resp *r, const char *name, char *out, size_t outsz);
int hc_header_count(const struct hc_resp *r, const char *name);

/* The error code of an error envelope ({"ok": false, "error": {"code"}}), or 0. */
int hc_error_code(const struct hc_resp *r);

/* ---- sessions ------------------------------------------------------------------ */

struct hc_session {
    unsigned port;
    char name[130];  /* the account signed in, "" for anonymous */
    char token[128]; /* the kh_session cookie, "" for none */
    char csrf[128];  /* the CSRF token, "" for none */
};

/* An anonymous session on port. */
void hc_session_init(struct hc_session *s, unsigned port);

/*
 * Sign in as name/password (POST /api/v1/session with a JSON body, sending
 * the current cookie if any). On 200 keeps the new cookie and CSRF token and
 * returns 0; otherwise -1. The response goes to *r when r is non-NULL
 * (caller frees), else it is freed.
 */
int hc_login(struct hc_session *s, const char *name, const char *password, struct hc_resp *r);

/*
 * Send a request as session s (one without a cookie is anonymous): the cookie when
 * there is one, X-CSRF-Token on POST, PUT, PATCH and DELETE when there is a
 * token, Content-Type (content_type, or application/json when there is a
 * body and content_type is NULL). `extra` are more header lines (may be
 * NULL); if they hold an X-CSRF-Token or Content-Type it replaces the
 * automatic one. A Set-Cookie for kh_session in the answer updates s
 * (an empty value drops the cookie and the token). Returns as hc_request.
 */
int hc_call(struct hc_session *s, const char *method, const char *path, const char *content_type,
            const char *const *extra, const char *body, size_t body_len, struct hc_resp *r);

/* hc_call with a NUL-terminated body (or NULL) and no extra headers. */
int hc_send(struct hc_session *s, const char *method, const char *path, const char *body,
            struct hc_resp *r);

#endif
