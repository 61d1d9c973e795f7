/*
 * score.c — scoring over the store for the score routes: which scheme
 * (?scheme= and ?version=, or the active one), which period (checked
 * before the store is asked), and the engine's result, owned together in
 * a srv_scored. Every call scores the store as it is now; the dispatcher's
 * cache keeps bodies only while the data generation is unchanged. Also
 * the one check of whether a period is locked, for handlers that answer
 * 409 rather than the store's generic refusal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/period.h"
#include "srv.h"

int srv_score(struct srv_req *q, struct srv_resp *r, const char *period, struct srv_scored *out)
{
    const char *scheme = srv_query(q, "scheme"), *ver = srv_query(q, "version");
    struct kh_period p;
    struct kh_err err;
    int64_t v = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    kh_err_clear(&err);
    if (!period || kh_period_parse(period, &p)) {
        srv_fail(r, E_BAD_PATH, "period",
                 "\"%s\" is not a period: expected a year (2024), a half (2024H1), a quarter "
                 "(2024Q3) or a month (2024-07)",
                 period ? period : "");
        return -1;
    }
    if (srv_query_count(q, r, "version", 1, 1000000, &v))
        return -1;
    out->version = (int)v;
    if (scheme && scheme[0]) {
        snprintf(out->scheme_id, sizeof(out->scheme_id), "%s", scheme);
    } else {
        int active = 0;
        if (kh_store_scheme_active(q->st, q->jid, out->scheme_id, &active, &err) != KH_OK) {
            srv_fail_err(r, E_NO_SCHEME, &err);
            return -1;
        }
        if (!ver)
            out->version = active;
    }
    rc = kh_store_score(q->st, q->jid, out->scheme_id, out->version, period, &out->s, &out->ds,
                        &out->r, &err);
    if (rc != KH_OK) {
        srv_fail_err(r, rc == KH_ENOTFOUND && !out->s ? E_NO_SCHEME : E_SCORE, &err);
        return -1;
    }
    if (!out->version) {
        /* "The latest": say which version that was. */
        struct kh_scheme_row *rows = NULL;
        size_t n = 0, i;
        if (kh_store_scheme_list(q->st, q->jid, &rows, &n, &err) == KH_OK)
            for (i = 0; i < n; i++)
                if (!strcmp(rows[i].id, out->scheme_id))
                    out->version = rows[i].versions;
        free(rows);
    }
    return 0;
}

void srv_scored_free(struct srv_scored *sc)
{
    kh_result_free(sc->r);
    kh_dataset_free(sc->ds);
    kh_scheme_free(sc->s);
    memset(sc, 0, sizeof(*sc));
}

int srv_period_locked(struct srv_req *q, const char *period, char lock[KH_PERIOD_TEXT])
{
    int locked = 0;
    return kh_store_period_locked(q->st, q->jid, period, &locked, lock, NULL) == KH_OK && locked;
}
