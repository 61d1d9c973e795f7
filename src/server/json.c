/*
 * json.c — the one response envelope of the API (docs/api.md
 * "Conventions"), the numbered error codes and their HTTP statuses, and
 * typed access to fields of a JSON request body (jansson). Every response
 * body the API sends, success or failure, is made here.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

/* Error codes and their HTTP statuses (docs/api.md "Errors"). */
static const struct {
    int code, status;
} errors[] = {
    {E_BAD_JSON, 400},   {E_BAD_FIELD, 400},   {E_TOO_LARGE, 413}, {E_MEDIA_TYPE, 415},
    {E_NO_ROUTE, 404},   {E_METHOD, 405},      {E_BAD_PATH, 400},  {E_BAD_QUERY, 400},
    {E_SIGN_IN, 401},    {E_CREDENTIALS, 401}, {E_RATE_LIMIT, 429}, {E_CSRF, 403},
    {E_FORBIDDEN, 403},  {E_SCOPE, 403},       {E_PASSWORD, 400},  {E_ACCOUNT, 409},
    {E_NOT_FOUND, 404},  {E_INVALID, 422},     {E_LOCKED, 409},    {E_REVIEW, 409},
    {E_IMPORT, 422},     {E_SCHEME, 422},      {E_NO_SCHEME, 404}, {E_SCORE, 422},
    {E_NO_SNAPSHOT, 404}, {E_APPEAL, 409},     {E_INTERNAL, 500},  {E_BUSY, 503},
};

int srv_error_status(int code)
{
    size_t i;
    for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        if (errors[i].code == code)
            return errors[i].status;
    return 500;
}

/* Serialise `root` (stolen) into r->body. */
static void put_json(struct srv_resp *r, json_t *root)
{
    char *text;

    kh_buf_reset(&r->body);
    r->content_type = NULL;
    text = root ? json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(root);
    if (!text) {
        r->status = 500;
        kh_buf_puts(&r->body, "{\"ok\":false,\"error\":{\"code\":9001,\"status\":500,"
                              "\"message\":\"out of memory\"}}");
        return;
    }
    kh_buf_puts(&r->body, text);
    free(text);
    if (kh_buf_failed(&r->body)) {
        kh_buf_reset(&r->body);
        r->status = 500;
        kh_buf_puts(&r->body, "{\"ok\":false,\"error\":{\"code\":9001,\"status\":500,"
                              "\"message\":\"the response is too large\"}}");
    }
}

void srv_ok(struct srv_resp *r, json_t *data)
{
    json_t *root = json_object();

    json_object_set_new(root, "ok", json_true());
    json_object_set_new(root, "data", data ? data : json_null());
    if (!r->status)
        r->status = 200;
    put_json(r, root);
}

void srv_ok_page(struct srv_resp *r, json_t *data, size_t total, size_t limit, size_t offset)
{
    json_t *root = json_object();

    json_object_set_new(root, "ok", json_true());
    json_object_set_new(root, "data", data ? data : json_null());
    json_object_set_new(root, "page", json_pack("{sIsIsI}", "total", (json_int_t)total, "limit",
                                                (json_int_t)limit, "offset", (json_int_t)offset));
    if (!r->status)
        r->status = 200;
    put_json(r, root);
}

/* msg as a JSON string; bytes that are not UTF-8 (a message quoting a
 * file in another encoding) become '?'. */
static json_t *safe_string(const char *msg)
{
    json_t *j = json_string(msg);
    char *copy;
    size_t i;

    if (j)
        return j;
    copy = strdup(msg);
    if (!copy)
        return json_string("?");
    for (i = 0; copy[i]; i++)
        if ((unsigned char)copy[i] >= 0x80)
            copy[i] = '?';
    j = json_string(copy);
    free(copy);
    return j ? j : json_string("?");
}

/* The error object of code with message msg (and field); status set. */
static json_t *error_object(struct srv_resp *r, int code, const char *field, const char *msg)
{
    json_t *e = json_object();

    r->status = srv_error_status(code);
    json_object_set_new(e, "code", json_integer(code));
    json_object_set_new(e, "status", json_integer(r->status));
    json_object_set_new(e, "message", safe_string(msg));
    if (field)
        json_object_set_new(e, "field", json_string(field));
    return e;
}

/* Wrap error object e into the envelope and write it. */
static void put_error(struct srv_resp *r, json_t *e)
{
    json_t *root = json_object();

    json_object_set_new(root, "ok", json_false());
    json_object_set_new(root, "error", e);
    put_json(r, root);
}

void srv_fail(struct srv_resp *r, int code, const char *field, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    put_error(r, error_object(r, code, field, msg));
}

void srv_fail_err(struct srv_resp *r, int code, const struct kh_err *err)
{
    const char *msg = err && err->msg[0] ? err->msg : "unknown error";
    json_t *e;
    int api;

    switch (err ? err->code : KH_EIO) {
    case KH_ENOTFOUND:
        api = srv_error_status(code) == 404 ? code : E_NOT_FOUND;
        break;
    case KH_ELIMIT:
        api = E_TOO_LARGE;
        break;
    case KH_ENOMEM:
        api = E_INTERNAL;
        break;
    case KH_EIO:
        api = strstr(msg, "busy") || strstr(msg, "locked") ? E_BUSY : E_INTERNAL;
        break;
    default:
        api = code;
    }
    e = error_object(r, api, NULL, msg);
    /* Only the file a client sent is named: a store error's file is the
     * server's own database path, which is not the client's business. */
    if (err && err->file[0] && (api == E_IMPORT || api == E_SCHEME))
        json_object_set_new(e, "file", safe_string(err->file));
    if (err && err->line)
        json_object_set_new(e, "line", json_integer(err->line));
    if (err && err->col)
        json_object_set_new(e, "col", json_integer(err->col));
    put_error(r, e);
}

json_t *srv_body_json(const struct srv_req *q, struct srv_resp *r)
{
    json_error_t je;
    json_t *o;

    if (!q->body || !q->body_len) {
        srv_fail(r, E_BAD_JSON, NULL, "the request needs a JSON object as its body");
        return NULL;
    }
    o = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        srv_fail(r, E_BAD_JSON, NULL, "the body is not valid JSON: %s (line %d, column %d)",
                 je.text, je.line, je.column);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        srv_fail(r, E_BAD_JSON, NULL, "the body must be a JSON object ({…})");
        return NULL;
    }
    return o;
}

/* Common start of the srv_field_* functions: the field, or NULL when
 * missing (error set in r when required: *bad = 1). */
static json_t *field(struct srv_resp *r, json_t *o, const char *name, int required, int *bad)
{
    json_t *v = o ? json_object_get(o, name) : NULL;

    *bad = 0;
    if (!v || json_is_null(v)) {
        if (required) {
            srv_fail(r, E_BAD_FIELD, name, "field \"%s\" is required", name);
            *bad = 1;
        }
        return NULL;
    }
    return v;
}

int srv_field_str(struct srv_resp *r, json_t *o, const char *name, int required, const char **out)
{
    int bad;
    json_t *v = field(r, o, name, required, &bad);

    if (!v)
        return bad ? -1 : 0;
    if (!json_is_string(v)) {
        srv_fail(r, E_BAD_FIELD, name, "field \"%s\" must be a string", name);
        return -1;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        srv_fail(r, E_BAD_FIELD, name, "field \"%s\" may not contain NUL characters", name);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int srv_field_num(struct srv_resp *r, json_t *o, const char *name, int required, double *out)
{
    int bad;
    json_t *v = field(r, o, name, required, &bad);

    if (!v)
        return bad ? -1 : 0;
    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        srv_fail(r, E_BAD_FIELD, name, "field \"%s\" must be a number", name);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

int srv_field_int(struct srv_resp *r, json_t *o, const char *name, int required, int64_t *out)
{
    int bad;
    json_t *v = field(r, o, name, required, &bad);

    if (!v)
        return bad ? -1 : 0;
    if (!json_is_integer(v)) {
        srv_fail(r, E_BAD_FIELD, name, "field \"%s\" must be a whole number", name);
        return -1;
    }
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int srv_field_bool(struct srv_resp *r, json_t *o, const char *name, int required, int *out)
{
    int bad;
    json_t *v = field(r, o, name, required, &bad);

    if (!v)
        return bad ? -1 : 0;
    if (!json_is_boolean(v)) {
        srv_fail(r, E_BAD_FIELD, name, "field \"%s\" must be true or false", name);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

json_t *srv_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *srv_json_str(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

int64_t srv_parse_count(const char *s, int64_t max)
{
    int64_t v = 0;
    size_t n;

    if (!s || !*s)
        return -1;
    for (n = 0; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 18)
            return -1;
        v = v * 10 + (s[n] - '0');
    }
    return v <= max ? v : -1;
}

int64_t srv_parse_id(const char *s)
{
    int64_t v = srv_parse_count(s, INT64_MAX);
    return v > 0 ? v : -1;
}

int srv_query_count(const struct srv_req *q, struct srv_resp *r, const char *name, int64_t lo,
                    int64_t hi, int64_t *out)
{
    const char *v = srv_query(q, name);
    int64_t n;

    if (!v)
        return 0;
    n = srv_parse_count(v, hi);
    if (n < lo) {
        srv_fail(r, E_BAD_QUERY, name, "?%s= must be a whole number from %lld to %lld", name,
                 (long long)lo, (long long)hi);
        return -1;
    }
    *out = n;
    return 0;
}

int srv_page(const struct srv_req *q, struct srv_resp *r, size_t def, size_t max, size_t *limit,
             size_t *offset)
{
    const char *l = srv_query(q, "limit"), *o = srv_query(q, "offset");
    int64_t lv = l ? srv_parse_count(l, (int64_t)max) : (int64_t)def;
    int64_t ov = o ? srv_parse_count(o, 999999999) : 0;

    if (lv < 1) {
        srv_fail(r, E_BAD_QUERY, "limit", "limit must be a whole number from 1 to %zu", max);
        return -1;
    }
    if (ov < 0) {
        srv_fail(r, E_BAD_QUERY, "offset", "offset must be a whole number, 0 or more");
        return -1;
    }
    *limit = (size_t)lv;
    *offset = (size_t)ov;
    return 0;
}
