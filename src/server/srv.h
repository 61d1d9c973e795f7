/*
 * srv.h — what the files of the HTTP server share: the request and
 * response records, the one route table with the capability each route
 * needs, the roles' capabilities, JSON envelope and field helpers, scope
 * checks, and scoring over the store for the score routes.
 *
 * Files:
 *   server.c    libmicrohttpd glue: start/stop, thread pool, body limits,
 *               timeouts, the store handle pool, headers on every response
 *   req.c       pure request parsing (path segments, query, cookies); fuzzed
 *   dispatch.c  route matching, sessions, capabilities, CSRF, ETags, cache
 *   routes.c    THE route table
 *   auth.c      roles → capabilities, scope checks, the login rate limiter
 *   json.c      the envelope, error codes, body and field helpers
 *   api_*.c     the handlers, one file per resource
 *
 * A handler gets a request that has already been matched, authenticated
 * and authorised for the route's capability; it still checks scope (a
 * reporter's own unit, a department's indicators) with srv_may_unit /
 * srv_may_indicator, and writes exactly one success (srv_ok…) or error
 * (srv_fail…) into the response. Handlers never print, never exit, and
 * keep no state between requests except through the store.
 *
 * Internal to src/server. API description: docs/api.md.
 */
#ifndef KH_SRV_H
#define KH_SRV_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "kaohe/base.h"
#include "kaohe/data.h"
#include "kaohe/engine.h"
#include "kaohe/period.h"
#include "kaohe/scheme.h"
#include "kaohe/server.h"
#include "kaohe/store.h"

#define SRV_PREFIX     "/api/v1"
#define SRV_MAX_SEGS   12   /* path segments after the prefix */
#define SRV_MAX_PARAMS 4    /* {…} parameters of a route */
#define SRV_MAX_QUERY  32   /* query parameters */
#define SRV_MAX_FIELD  4096 /* bytes of one path segment or query value */
#define SRV_COOKIE     "kh_session"

/* ---- capabilities and roles (auth.c) -------------------------------------- */

/*
 * What a route needs. Roles grant capabilities (srv_role_caps in auth.c,
 * the table docs/api.md "Roles" shows); scope (own unit, own indicators)
 * is checked by the handler on top.
 */
enum srv_cap {
    CAP_NONE = 0,      /* anyone, signed in or not */
    CAP_SIGNED_IN,     /* any signed-in account */
    CAP_PUBLISHED,     /* published snapshots: every account; anyone with public_read */
    CAP_SCORES,        /* live scores of every unit */
    CAP_UNIT_SCORES,   /* live scores of one unit (reporter: its own) */
    CAP_VALUES_READ,   /* values, targets, events (dept: its indicators; reporter: own unit) */
    CAP_VALUES_WRITE,  /* write and submit values (dept: its indicators; reporter: own unit) */
    CAP_VALUES_REVIEW, /* approve or return submitted values */
    CAP_TARGETS,       /* write targets */
    CAP_EVENTS,        /* add and delete events (bonuses, deductions, honours) */
    CAP_EVIDENCE,      /* upload evidence files (reporter: about its own unit) */
    CAP_BALLOT,        /* cast ballots at evaluation meetings */
    CAP_BALLOTS_READ,  /* read ballots (evaluator: its own) */
    CAP_APPEAL_FILE,   /* file an appeal (reporter: for its own unit) */
    CAP_APPEAL_READ,   /* read appeals (reporter: its own and those that changed it) */
    CAP_APPEAL_DECIDE, /* accept or reject appeals */
    CAP_SCHEMES,       /* upload and activate schemes */
    CAP_PERIODS,       /* open, lock and unlock periods */
    CAP_IMPORT,        /* import data files */
    CAP_PUBLISH,       /* publish and verify snapshots */
    CAP_AUDIT,         /* read the audit log */
    CAP_ACCOUNTS,      /* create and change accounts */
    CAP_COUNT
};

/* The capability's name as docs/api.md spells it ("values.write"). */
const char *srv_cap_name(int cap);

/* Non-zero if `role` (enum kh_role; 0 = not signed in) has capability cap.
 * `public_read` says whether anonymous readers get CAP_PUBLISHED. */
int srv_role_has(int role, int cap, int public_read);

/* ---- requests and responses --------------------------------------------- */

struct srv;
struct srv_route;

struct srv_kv {
    char *name, *value; /* decoded, NUL-free, valid UTF-8 */
};

/* One request, as the dispatcher hands it to a handler. */
struct srv_req {
    /* From the wire (server.c, req.c). */
    char method[8];
    char *seg[SRV_MAX_SEGS]; /* decoded path segments after /api/v1 */
    int nseg;
    struct srv_kv query[SRV_MAX_QUERY];
    int nquery;
    char token[65];            /* the session cookie's value, "" when none or malformed */
    const char *csrf;          /* X-CSRF-Token header, or NULL */
    const char *if_none_match; /* If-None-Match header, or NULL */
    const char *content_type;  /* Content-Type header, or NULL */
    const char *body;          /* the request body (NUL-terminated copy), or NULL */
    size_t body_len;
    char client[64]; /* the peer's address, for rate limiting */

    /* Set by the dispatcher. */
    struct srv *srv;
    struct kh_store *st; /* this thread's store handle */
    int64_t jid;         /* the served jurisdiction */
    const struct srv_route *route;
    const char *param[SRV_MAX_PARAMS]; /* values of the route's {…} segments, in order */
    int nparam;
    int signed_in;
    struct kh_account acct; /* valid when signed_in */
    struct kh_session sess; /* valid when signed_in */
};

/* One response. Handlers fill it through srv_ok… / srv_fail…. */
struct srv_resp {
    int status;               /* HTTP status; 0 until set */
    struct kh_buf body;       /* the body */
    const char *content_type; /* a static string; NULL: application/json */
    char etag[40];            /* set by the dispatcher for cacheable reads */
    char cookie[320];         /* a Set-Cookie value, "" for none */
    unsigned retry_after;     /* seconds for Retry-After, 0 for none */
    char disposition[600];    /* Content-Disposition, "" for none */
    char allow[64];           /* Allow header for 405, "" for none */
    int cacheable;            /* handler's result may be cached (set by handlers of SRV_CACHE routes) */
};

/* Route flags. */
enum {
    SRV_CACHE = 1,    /* GET whose body depends only on the path, query, the viewer's
                         scope and the data generation: cached and given an ETag */
    SRV_RAW_BODY = 2, /* the body is a file (YAML, CSV, XLSX, evidence), not JSON */
    SRV_NO_CSRF = 4,  /* state-changing but needs no CSRF token (signing in) */
    SRV_BIG_BODY = 8  /* body may be up to max_evidence instead of max_body */
};

typedef void (*srv_handler)(struct srv_req *q, struct srv_resp *r);

/* One route: METHOD and a pattern under /api/v1 whose {name} segments
 * match any one segment and become q->param[] in order. */
struct srv_route {
    const char *method;
    const char *pattern;
    int cap;
    unsigned flags;
    srv_handler handler;
    const char *summary;
};

/* THE route table (routes.c) and its length. */
extern const struct srv_route srv_routes[];
extern const size_t srv_nroutes;

/* ---- request parsing (req.c) ------------------------------------------------ */

/*
 * Split `path` (as received, without the query, percent-encoded) into
 * q->seg after the /api/v1 prefix, decoding each segment. Refused (KH_EINVAL,
 * message for the client): no prefix, an empty segment except a final
 * slash, "." or "..", a decoded '/', '\\' or control byte, invalid UTF-8,
 * a bad %-escape, more than SRV_MAX_SEGS segments or a segment over
 * SRV_MAX_FIELD bytes. Segments are malloc'ed; srv_req_clear frees them.
 */
int srv_req_path(struct srv_req *q, const char *path, struct kh_err *err);

/* Add one query parameter as received (percent-encoded; '+' is a space),
 * decoded and refused as srv_req_path refuses segments (but '/' is allowed),
 * and beyond SRV_MAX_QUERY parameters. */
int srv_req_query_add(struct srv_req *q, const char *name, const char *value, struct kh_err *err);

/*
 * Find cookie `name` in a Cookie header value (RFC 6265 "a=b; c=d") and
 * copy its value into out[outsz]. Returns 1 when found and it fits, 0
 * otherwise (out is then "").
 */
int srv_cookie_get(const char *header, const char *name, char *out, size_t outsz);

/* Free what srv_req_path and srv_req_query_add allocated. */
void srv_req_clear(struct srv_req *q);

/* The value of query parameter `name`, or NULL. */
const char *srv_query(const struct srv_req *q, const char *name);

/* A list filter: the value of query parameter `name`, or NULL when it is
 * absent or empty (`?unit=` filters nothing, as a form's empty field). */
const char *srv_query_filter(const struct srv_req *q, const char *name);

/* ---- dispatching (dispatch.c) ------------------------------------------------ */

/*
 * Answer q (method, segments, query, token, headers and body filled; st,
 * jid and srv set) into r: match the route (404, 405), resolve the
 * session, check the capability (401, 403) and CSRF (403), check the body's
 * media type (415), serve from the cache or call the handler, add ETags to
 * cacheable reads and answer 304 when If-None-Match matches.
 */
void srv_dispatch(struct srv_req *q, struct srv_resp *r);

/* The route matching method and the segments, or NULL; *path_known is set
 * when some route has this path under another method (405). Fills q->param. */
const struct srv_route *srv_route_match(struct srv_req *q, int *path_known);

/* ---- JSON envelope and errors (json.c) ------------------------------------- */

/*
 * Error codes (docs/api.md "Errors"): four digits, the first naming the
 * area. Each has a fixed HTTP status.
 */
enum srv_error {
    E_BAD_JSON = 1001,     /* 400 the body is not a JSON object */
    E_BAD_FIELD = 1002,    /* 400 a field is missing or has the wrong type or value */
    E_TOO_LARGE = 1003,    /* 413 the body is over the limit */
    E_MEDIA_TYPE = 1004,   /* 415 wrong Content-Type */
    E_NO_ROUTE = 1005,     /* 404 no such resource path */
    E_METHOD = 1006,       /* 405 the path exists, not with this method */
    E_BAD_PATH = 1007,     /* 400 malformed path (traversal, bad escapes, bad UTF-8) */
    E_BAD_QUERY = 1008,    /* 400 a query parameter is malformed */
    E_SIGN_IN = 2001,      /* 401 not signed in (or the session ended) */
    E_CREDENTIALS = 2002,  /* 401 wrong user name or password */
    E_RATE_LIMIT = 2003,   /* 429 too many failed sign-ins; see Retry-After */
    E_CSRF = 2004,         /* 403 missing or wrong X-CSRF-Token */
    E_FORBIDDEN = 2005,    /* 403 the role lacks the capability */
    E_SCOPE = 2006,        /* 403 outside the account's unit or indicators */
    E_PASSWORD = 2007,     /* 400 the new password is not acceptable */
    E_ACCOUNT = 2008,      /* 409 account name taken, or bad account fields */
    E_NOT_FOUND = 3001,    /* 404 a named unit, indicator, period, event, evidence … */
    E_INVALID = 3002,      /* 422 the data are refused (message says why) */
    E_LOCKED = 3003,       /* 409 the period is locked */
    E_REVIEW = 3004,       /* 409 the review step is not allowed from this state */
    E_IMPORT = 3005,       /* 422 an imported file is refused (file, row, column) */
    E_SCHEME = 4001,       /* 422 the scheme does not load (line, column) */
    E_NO_SCHEME = 4002,    /* 404 no such scheme or version, or none active */
    E_SCORE = 5001,        /* 422 the period cannot be scored (missing data …) */
    E_NO_SNAPSHOT = 5002,  /* 404 no such snapshot */
    E_APPEAL = 6001,       /* 409 the appeal cannot be decided (already decided …) */
    E_INTERNAL = 9001,     /* 500 a bug or a damaged store */
    E_BUSY = 9002          /* 503 the store is busy; retry */
};

/* The HTTP status of an error code. */
int srv_error_status(int code);

/* Success: {"ok": true, "data": data}. Takes ownership of data (NULL: null).
 * Status 200 unless the handler set r->status (201 for a creation). */
void srv_ok(struct srv_resp *r, json_t *data);

/* Success with pagination: adds "page": {"total", "limit", "offset"}. */
void srv_ok_page(struct srv_resp *r, json_t *data, size_t total, size_t limit, size_t offset);

/*
 * Failure: {"ok": false, "error": {"code", "status", "message", "field"?}}
 * with the code's HTTP status. `field` (may be NULL) names the offending
 * field ("values[3].value", "name").
 */
void srv_fail(struct srv_resp *r, int code, const char *field, const char *fmt, ...)
    KH_PRINTF(4, 5);

/*
 * Failure from a library error: `code` is the API code to use for
 * KH_EINVAL (E_INVALID, E_SCHEME, E_IMPORT …); KH_ENOTFOUND becomes
 * E_NOT_FOUND (or `code` when that is itself a 404 code), KH_ELIMIT
 * E_TOO_LARGE, KH_ENOMEM and KH_EIO E_INTERNAL (E_BUSY when the store says
 * busy). err's file, line and column are added as "file", "line", "col".
 */
void srv_fail_err(struct srv_resp *r, int code, const struct kh_err *err);

/* Parse the body as a JSON object. NULL (with E_BAD_JSON in r) when it is
 * not one. Caller json_decref's the result. */
json_t *srv_body_json(const struct srv_req *q, struct srv_resp *r);

/*
 * Typed fields of a JSON object. Each returns 0 and sets *out, or -1 with
 * E_BAD_FIELD in r naming `name` and what was expected. A missing or null
 * field is an error when `required`, else leaves *out unchanged and
 * returns 0.
 */
int srv_field_str(struct srv_resp *r, json_t *o, const char *name, int required,
                  const char **out);
int srv_field_num(struct srv_resp *r, json_t *o, const char *name, int required, double *out);
int srv_field_int(struct srv_resp *r, json_t *o, const char *name, int required, int64_t *out);
int srv_field_bool(struct srv_resp *r, json_t *o, const char *name, int required, int *out);

/* A number for JSON: NaN and infinities become null. */
json_t *srv_json_num(double v);

/* A string for JSON (NULL becomes null). */
json_t *srv_json_str(const char *s);

/* A whole number 0..max written with decimal digits only (no sign, no
 * blanks, at most 18 digits), from a path or query value; -1 if it is not
 * one. */
int64_t srv_parse_count(const char *s, int64_t max);

/* An id in a path (1 or more, as srv_parse_count); -1 if it is not one. */
int64_t srv_parse_id(const char *s);

/* Query parameter `name` as a whole number lo..hi (lo >= 0) into *out,
 * left unchanged when absent. Returns 0, or -1 with E_BAD_QUERY in r. */
int srv_query_count(const struct srv_req *q, struct srv_resp *r, const char *name, int64_t lo,
                    int64_t hi, int64_t *out);

/*
 * Pagination from ?limit= (1..max, default def) and ?offset= (>= 0,
 * default 0). Returns 0, or -1 with E_BAD_QUERY in r.
 */
int srv_page(const struct srv_req *q, struct srv_resp *r, size_t def, size_t max, size_t *limit,
             size_t *offset);

/* ---- scope and actors (auth.c) ------------------------------------------------ */

/* Non-zero if the signed-in account may see or change unit `unit`: every
 * role but a reporter may; a reporter only its own unit. */
int srv_may_unit(const struct srv_req *q, const char *unit);

/* Non-zero if the account may write indicator `ind`: a dept only its
 * indicators; the other roles with CAP_VALUES_WRITE any. */
int srv_may_indicator(const struct srv_req *q, const char *ind);

/* The actor for the store's audit log: the account's name, via "api";
 * `office` when the account acts as the assessment office (an
 * administrator always; a reviewer when reviewing). */
void srv_actor(const struct srv_req *q, int office, struct kh_actor *a);

/*
 * The login rate limiter: one table per server, shared by the threads.
 * srv_login_allowed returns 0 when the name or the address has had
 * `failures` failed sign-ins within `window` seconds (then *retry gets the
 * seconds to wait); srv_login_record records a failure (ok == 0) or
 * clears the name's record (ok != 0).
 */
struct srv_limiter;
struct srv_limiter *srv_limiter_new(unsigned failures, unsigned window);
void srv_limiter_free(struct srv_limiter *l);
int srv_login_allowed(struct srv_limiter *l, const char *name, const char *addr, unsigned *retry);
void srv_login_record(struct srv_limiter *l, const char *name, const char *addr, int ok);

/* ---- the server's shared state (server.c) ---------------------------------------- */

/* The shared state of a running server (for tests that call srv_dispatch
 * directly, such as the fuzz target). */
struct srv *srv_of(struct kh_server *ks);

/* What handlers may read of the server. */
const struct kh_server_opts *srv_opts(const struct srv *s);
struct srv_limiter *srv_limiter(struct srv *s);

/*
 * The response cache of SRV_CACHE routes: whole responses (body, ETag,
 * media type, Content-Disposition) keyed by text, valid for one data
 * generation. srv_cache_get fills r (status 200) from a hit and returns 1;
 * srv_cache_put stores a copy of r. r->content_type must be a static
 * string. Thread-safe; bounded (the least recently used entries go).
 */
int srv_cache_get(struct srv *s, const char *key, int64_t gen, struct srv_resp *r);
void srv_cache_put(struct srv *s, const char *key, int64_t gen, const struct srv_resp *r);

/* ---- the web app's files (assets.c) ---------------------------------------------- */

/* One file of the web app, compiled into the binary. */
struct srv_asset {
    const char *path;          /* "/index.html", "/app/main.js" … */
    const char *type;          /* its media type */
    const unsigned char *data;
    size_t len;
    const char *etag;          /* a quoted hash of the bytes */
};

/* The embedded file at `path` (as requested, without the query), or NULL.
 * "/" means "/index.html". */
const struct srv_asset *srv_asset_find(const char *path);

/* ---- scoring over the store (score.c) --------------------------------------------- */

/* A scored period: the scheme, dataset and result, owned together. */
struct srv_scored {
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    char scheme_id[128];
    int version;
};

/*
 * Score `period` with the scheme named by ?scheme= (and ?version=), or the
 * active one. Returns 0 with *out filled (free with srv_scored_free), or
 * -1 with the error in r (E_NO_SCHEME, E_SCORE, E_BAD_QUERY …).
 */
int srv_score(struct srv_req *q, struct srv_resp *r, const char *period, struct srv_scored *out);

void srv_scored_free(struct srv_scored *sc);

/* Non-zero if `period` lies inside a locked period (2024-03 inside a
 * locked 2024); its code goes to lock[]. 0 when it does not, or when the
 * period or the store cannot be read (the store then refuses the write). */
int srv_period_locked(struct srv_req *q, const char *period, char lock[KH_PERIOD_TEXT]);

/* ---- handlers (api_*.c), in the order of the route table ------------------------- */

/* The JSON of an account (api_session.c): name, display, role, unit,
 * indicators (a list), disabled, created_at — never a password hash. */
json_t *srv_account_json(const struct kh_account *a);

/* api_session.c, api_accounts.c */
void api_health(struct srv_req *q, struct srv_resp *r);
void api_login(struct srv_req *q, struct srv_resp *r);
void api_me(struct srv_req *q, struct srv_resp *r);
void api_logout(struct srv_req *q, struct srv_resp *r);
void api_password(struct srv_req *q, struct srv_resp *r);
void api_accounts_list(struct srv_req *q, struct srv_resp *r);
void api_account_create(struct srv_req *q, struct srv_resp *r);
void api_account_get(struct srv_req *q, struct srv_resp *r);
void api_account_update(struct srv_req *q, struct srv_resp *r);

/* api_units.c (units, periods, imports) */
void api_units_list(struct srv_req *q, struct srv_resp *r);
void api_unit_get(struct srv_req *q, struct srv_resp *r);
void api_periods_list(struct srv_req *q, struct srv_resp *r);
void api_period_open(struct srv_req *q, struct srv_resp *r);
void api_period_lock(struct srv_req *q, struct srv_resp *r);
void api_period_unlock(struct srv_req *q, struct srv_resp *r);
void api_import(struct srv_req *q, struct srv_resp *r);

/* api_schemes.c */
void api_schemes_list(struct srv_req *q, struct srv_resp *r);
void api_scheme_upload(struct srv_req *q, struct srv_resp *r);
void api_scheme_get(struct srv_req *q, struct srv_resp *r);
void api_scheme_text(struct srv_req *q, struct srv_resp *r);
void api_scheme_activate(struct srv_req *q, struct srv_resp *r);

/* api_values.c (values, review, targets) */
void api_values_list(struct srv_req *q, struct srv_resp *r);
void api_values_put(struct srv_req *q, struct srv_resp *r);
void api_values_submit(struct srv_req *q, struct srv_resp *r);
void api_values_review(struct srv_req *q, struct srv_resp *r);
void api_targets_list(struct srv_req *q, struct srv_resp *r);
void api_targets_put(struct srv_req *q, struct srv_resp *r);

/* api_events.c (events, evidence, ballots) */
void api_events_list(struct srv_req *q, struct srv_resp *r);
void api_event_add(struct srv_req *q, struct srv_resp *r);
void api_event_delete(struct srv_req *q, struct srv_resp *r);
void api_evidence_upload(struct srv_req *q, struct srv_resp *r);
void api_evidence_get(struct srv_req *q, struct srv_resp *r);
void api_ballots_list(struct srv_req *q, struct srv_resp *r);
void api_ballots_cast(struct srv_req *q, struct srv_resp *r);

/* api_scores.c */
void api_league(struct srv_req *q, struct srv_resp *r);
void api_firsts(struct srv_req *q, struct srv_resp *r);
void api_card(struct srv_req *q, struct srv_resp *r);
void api_explain(struct srv_req *q, struct srv_resp *r);
void api_weak(struct srv_req *q, struct srv_resp *r);
void api_trend(struct srv_req *q, struct srv_resp *r);

/* api_export.c */
void api_league_export(struct srv_req *q, struct srv_resp *r);

/* api_snapshots.c (snapshots, audit) */
void api_snapshots_list(struct srv_req *q, struct srv_resp *r);
void api_publish(struct srv_req *q, struct srv_resp *r);
void api_snapshot_get(struct srv_req *q, struct srv_resp *r);
void api_snapshot_diff(struct srv_req *q, struct srv_resp *r);
void api_snapshot_verify(struct srv_req *q, struct srv_resp *r);
void api_audit(struct srv_req *q, struct srv_resp *r);

/* api_appeals.c */
void api_appeals_list(struct srv_req *q, struct srv_resp *r);
void api_appeal_file(struct srv_req *q, struct srv_resp *r);
void api_appeal_get(struct srv_req *q, struct srv_resp *r);
void api_appeal_decide(struct srv_req *q, struct srv_resp *r);

#endif
