/*
 * req.c — turning what arrives on the wire into a request record, with no
 * I/O: splitting the path into decoded segments (RFC 3986 §2.1 percent
 * encoding), adding query parameters, finding a cookie in a Cookie header
 * (RFC 6265 §4.2.1). Everything a client controls passes through here
 * first, so it refuses rather than repairs: traversal segments, encoded
 * slashes and backslashes, control bytes, invalid UTF-8 and oversized
 * fields never reach a handler. tests/fuzz/fuzz_http.c fuzzes this file
 * together with the dispatcher.
 */
#include <stdlib.h>
#include <string.h>

#include "srv.h"

/* The value of hex digit c, or -1. */
static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Non-zero if s[0..n) is valid UTF-8 (no overlongs, no surrogates, at most
 * U+10FFFF) with no byte below 0x20 and no DEL. */
static int clean_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t len, k;
        unsigned cp;

        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                return 0;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

/*
 * Decode the percent escapes of s[0..n) into a new string (*out), refusing
 * bad escapes, NUL, control bytes, invalid UTF-8, results longer than
 * SRV_MAX_FIELD and, in a path segment, '/' and '\\'. In a query
 * (`in_query`), '+' stands for a space (HTML forms).
 */
static int decode(const char *s, size_t n, int in_query, const char *what, char **out,
                  struct kh_err *err)
{
    char *d;
    size_t i, j = 0;

    *out = NULL;
    if (n > 3 * (size_t)SRV_MAX_FIELD)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "%s is longer than %d bytes", what,
                          SRV_MAX_FIELD);
    d = malloc(n + 1);
    if (!d)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    for (i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
                free(d);
                return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                                  "%s has a %% that is not followed by two hex digits", what);
            }
            c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            i += 2;
        } else if (c == '+' && in_query) {
            c = ' ';
        }
        if (c == 0 || (!in_query && (c == '/' || c == '\\'))) {
            free(d);
            return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                              "%s may not contain NUL, '/' or '\\' (even encoded)", what);
        }
        d[j++] = (char)c;
    }
    d[j] = '\0';
    if (j > SRV_MAX_FIELD) {
        free(d);
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "%s is longer than %d bytes", what,
                          SRV_MAX_FIELD);
    }
    if (!clean_utf8((const unsigned char *)d, j)) {
        free(d);
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "%s is not valid UTF-8 text (or holds control characters)", what);
    }
    *out = d;
    return KH_OK;
}

int srv_req_path(struct srv_req *q, const char *path, struct kh_err *err)
{
    size_t plen = strlen(SRV_PREFIX);
    const char *p, *end;
    int rc;

    if (!path || strncmp(path, SRV_PREFIX, plen) != 0 || (path[plen] && path[plen] != '/'))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "API paths begin with %s/", SRV_PREFIX);
    p = path + plen;
    end = p + strlen(p);
    while (p < end) {
        const char *slash;
        size_t n;

        p++; /* the '/' */
        slash = memchr(p, '/', (size_t)(end - p));
        n = slash ? (size_t)(slash - p) : (size_t)(end - p);
        if (n == 0) {
            if (!slash && p == end)
                break; /* one final slash */
            return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "the path has an empty segment");
        }
        if (q->nseg == SRV_MAX_SEGS)
            return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "the path has more than %d segments",
                              SRV_MAX_SEGS);
        if ((rc = decode(p, n, 0, "a path segment", &q->seg[q->nseg], err)))
            return rc;
        if (!strcmp(q->seg[q->nseg], ".") || !strcmp(q->seg[q->nseg], "..")) {
            q->nseg++;
            return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                              "the path may not contain \".\" or \"..\" segments");
        }
        q->nseg++;
        p += n;
    }
    return KH_OK;
}

int srv_req_query_add(struct srv_req *q, const char *name, const char *value, struct kh_err *err)
{
    struct srv_kv *kv;
    int rc;

    if (!name || !name[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a query parameter has no name");
    if (q->nquery == SRV_MAX_QUERY)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "more than %d query parameters",
                          SRV_MAX_QUERY);
    if (strlen(name) > 64)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "a query parameter's name is too long");
    kv = &q->query[q->nquery];
    if ((rc = decode(name, strlen(name), 1, "a query parameter's name", &kv->name, err)))
        return rc;
    if ((rc = decode(value ? value : "", value ? strlen(value) : 0, 1, "a query parameter",
                     &kv->value, err))) {
        free(kv->name);
        kv->name = NULL;
        return rc;
    }
    q->nquery++;
    return KH_OK;
}

const char *srv_query(const struct srv_req *q, const char *name)
{
    int i;
    for (i = 0; i < q->nquery; i++)
        if (!strcmp(q->query[i].name, name))
            return q->query[i].value;
    return NULL;
}

const char *srv_query_filter(const struct srv_req *q, const char *name)
{
    const char *v = srv_query(q, name);
    return v && v[0] ? v : NULL;
}

int srv_cookie_get(const char *header, const char *name, char *out, size_t outsz)
{
    size_t nlen = strlen(name);
    const char *p = header;

    if (outsz)
        out[0] = '\0';
    if (!header || !outsz)
        return 0;
    while (*p) {
        const char *val, *end;
        size_t vlen;

        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        end = strchr(p, ';');
        if (!end)
            end = p + strlen(p);
        if ((size_t)(end - p) > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
            val = p + nlen + 1;
            vlen = (size_t)(end - val);
            while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
                vlen--;
            if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
                val++;
                vlen -= 2;
            }
            if (vlen >= outsz)
                return 0;
            memcpy(out, val, vlen);
            out[vlen] = '\0';
            return 1;
        }
        p = end;
    }
    return 0;
}

void srv_req_clear(struct srv_req *q)
{
    int i;
    for (i = 0; i < q->nseg; i++)
        free(q->seg[i]);
    for (i = 0; i < q->nquery; i++) {
        free(q->query[i].name);
        free(q->query[i].value);
    }
    q->nseg = q->nquery = 0;
}
