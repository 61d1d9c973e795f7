/*
 * kaohe/server.h — the multi-user kaohe: a JSON API over HTTP on the store
 * (libmicrohttpd with a thread pool, jansson for JSON). Conventions,
 * routes, roles and error codes are in docs/api.md; the code is in
 * src/server/.
 *
 * One server serves one jurisdiction of one store file. Every request is
 * answered from the store as it is at that moment: scores are computed by
 * the engine over the store's approved data (cached only while the data
 * are unchanged), so they are never stale after a write.
 */
#ifndef KAOHE_SERVER_H
#define KAOHE_SERVER_H

#include <stddef.h>

#include "kaohe/base.h"

struct kh_server; /* opaque */

/* How to run a server. Initialise with kh_server_opts_init, then change. */
struct kh_server_opts {
    const char *db;           /* the store file (must exist: kaohe init) */
    const char *jurisdiction; /* its code (default "default") */
    const char *listen;       /* "127.0.0.1:8080", "[::1]:8080", ":8080"; port 0 picks one */
    unsigned threads;         /* worker threads (default 4) */
    unsigned timeout;         /* seconds of silence before a connection is dropped (default 30) */
    size_t max_body;          /* largest JSON or data-file body in bytes (default 16 MiB) */
    size_t max_evidence;      /* largest evidence upload in bytes (default 10 MiB) */
    long session_ttl;         /* seconds a session lives (default 8 hours) */
    int public_read;          /* non-zero: published snapshots readable without signing in */
    unsigned login_failures;  /* failed logins per name or address before a pause (default 5) */
    unsigned login_window;    /* seconds those failures are counted over (default 900) */
};

/* Fill *o with the defaults above (db NULL: the caller must set it). */
void kh_server_opts_init(struct kh_server_opts *o);

/*
 * Open the store, check the jurisdiction, bind the address and start
 * serving on a thread pool. Returns at once; *out is the running server.
 * KH_EINVAL for a bad address or option, KH_EIO when the port cannot be
 * bound, store errors as kh_store_open reports them.
 */
int kh_server_start(const struct kh_server_opts *o, struct kh_server **out, struct kh_err *err);

/* The TCP port the server listens on (useful after port 0). */
unsigned kh_server_port(const struct kh_server *srv);

/* Stop accepting, finish or drop open connections, close the store handles
 * and free the server (NULL is fine). */
void kh_server_stop(struct kh_server *srv);

#endif
