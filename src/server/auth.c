/*
 * auth.c — who may do what: the capabilities each role grants (the table
 * docs/api.md "Roles" shows), the scope checks handlers make on top (a
 * reporter's own unit, a data department's indicators), the actor written
 * to the audit log, and the login rate limiter (failed sign-ins per name
 * and per address in a sliding window, shared by the worker threads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "srv.h"

static const char *const cap_names[CAP_COUNT] = {
    [CAP_NONE] = "none",
    [CAP_SIGNED_IN] = "signed-in",
    [CAP_PUBLISHED] = "published",
    [CAP_SCORES] = "scores",
    [CAP_UNIT_SCORES] = "unit-scores",
    [CAP_VALUES_READ] = "values.read",
    [CAP_VALUES_WRITE] = "values.write",
    [CAP_VALUES_REVIEW] = "values.review",
    [CAP_TARGETS] = "targets",
    [CAP_EVENTS] = "events",
    [CAP_EVIDENCE] = "evidence",
    [CAP_BALLOT] = "ballot",
    [CAP_BALLOTS_READ] = "ballots.read",
    [CAP_APPEAL_FILE] = "appeal.file",
    [CAP_APPEAL_READ] = "appeal.read",
    [CAP_APPEAL_DECIDE] = "appeal.decide",
    [CAP_SCHEMES] = "schemes",
    [CAP_PERIODS] = "periods",
    [CAP_IMPORT] = "import",
    [CAP_PUBLISH] = "publish",
    [CAP_AUDIT] = "audit",
    [CAP_ACCOUNTS] = "accounts",
};

const char *srv_cap_name(int cap)
{
    return cap >= 0 && cap < CAP_COUNT ? cap_names[cap] : "?";
}

#define C(x) (1u << (x))

/* What every signed-in account may do. */
#define BASE (C(CAP_SIGNED_IN) | C(CAP_PUBLISHED))

/* The capabilities of each role (index: enum kh_role). */
static const unsigned role_caps[KH_ROLE_MAX + 1] = {
    [KH_ROLE_ADMIN] = BASE | C(CAP_SCORES) | C(CAP_UNIT_SCORES) | C(CAP_VALUES_READ) |
                      C(CAP_VALUES_WRITE) | C(CAP_VALUES_REVIEW) | C(CAP_TARGETS) |
                      C(CAP_EVENTS) | C(CAP_EVIDENCE) | C(CAP_BALLOTS_READ) |
                      C(CAP_APPEAL_READ) | C(CAP_APPEAL_DECIDE) | C(CAP_SCHEMES) |
                      C(CAP_PERIODS) | C(CAP_IMPORT) | C(CAP_PUBLISH) | C(CAP_AUDIT) |
                      C(CAP_ACCOUNTS),
    [KH_ROLE_DEPT] = BASE | C(CAP_VALUES_READ) | C(CAP_VALUES_WRITE) | C(CAP_EVENTS) |
                     C(CAP_EVIDENCE),
    [KH_ROLE_REPORTER] = BASE | C(CAP_UNIT_SCORES) | C(CAP_VALUES_READ) | C(CAP_VALUES_WRITE) |
                         C(CAP_EVIDENCE) | C(CAP_APPEAL_FILE) | C(CAP_APPEAL_READ),
    [KH_ROLE_REVIEWER] = BASE | C(CAP_SCORES) | C(CAP_UNIT_SCORES) | C(CAP_VALUES_READ) |
                         C(CAP_VALUES_REVIEW) | C(CAP_APPEAL_READ),
    [KH_ROLE_EVALUATOR] = BASE | C(CAP_BALLOT) | C(CAP_BALLOTS_READ),
    [KH_ROLE_LEADER] = BASE | C(CAP_SCORES) | C(CAP_UNIT_SCORES) | C(CAP_VALUES_READ) |
                       C(CAP_BALLOTS_READ) | C(CAP_APPEAL_READ) | C(CAP_AUDIT),
};

int srv_role_has(int role, int cap, int public_read)
{
    if (cap == CAP_NONE)
        return 1;
    if (cap < 0 || cap >= CAP_COUNT)
        return 0;
    if (role <= 0 || role > KH_ROLE_MAX)
        return cap == CAP_PUBLISHED && public_read;
    return (role_caps[role] & C(cap)) != 0;
}

int srv_may_unit(const struct srv_req *q, const char *unit)
{
    if (!q->signed_in)
        return 0;
    if (q->acct.role != KH_ROLE_REPORTER)
        return 1;
    return unit && !strcmp(unit, q->acct.unit);
}

int srv_may_indicator(const struct srv_req *q, const char *ind)
{
    const char *p;
    size_t n;

    if (!q->signed_in || !ind || !ind[0])
        return 0;
    if (q->acct.role != KH_ROLE_DEPT)
        return 1;
    n = strlen(ind);
    for (p = q->acct.indicators; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !memcmp(p, ind, n))
            return 1;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

void srv_actor(const struct srv_req *q, int office, struct kh_actor *a)
{
    a->user = q->signed_in ? q->acct.name : "anonymous";
    a->via = "api";
    a->office = q->signed_in && (q->acct.role == KH_ROLE_ADMIN || office);
}

/* ---- the login rate limiter ------------------------------------------------ */

#define LIMIT_SLOTS 1024 /* names and addresses remembered; the oldest go first */

struct slot {
    char key[160]; /* "n:name" or "a:address"; "" when free */
    unsigned count;
    time_t first; /* the first failure of the current window */
};

struct srv_limiter {
    pthread_mutex_t mu;
    unsigned failures, window;
    struct slot slots[LIMIT_SLOTS];
};

struct srv_limiter *srv_limiter_new(unsigned failures, unsigned window)
{
    struct srv_limiter *l = calloc(1, sizeof(*l));

    if (!l)
        return NULL;
    pthread_mutex_init(&l->mu, NULL);
    l->failures = failures ? failures : 5;
    l->window = window ? window : 900;
    return l;
}

void srv_limiter_free(struct srv_limiter *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->mu);
    free(l);
}

/* The slot of key (created when `create`, reusing the oldest), or NULL.
 * Expired windows are cleared on the way. Called with the mutex held. */
static struct slot *find(struct srv_limiter *l, const char *key, int create, time_t now)
{
    struct slot *oldest = NULL, *free_slot = NULL;
    size_t i;

    for (i = 0; i < LIMIT_SLOTS; i++) {
        struct slot *s = &l->slots[i];
        if (s->key[0] && now - s->first >= (time_t)l->window)
            s->key[0] = '\0';
        if (!s->key[0]) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        if (!strcmp(s->key, key))
            return s;
        if (!oldest || s->first < oldest->first)
            oldest = s;
    }
    if (!create)
        return NULL;
    if (!free_slot)
        free_slot = oldest;
    snprintf(free_slot->key, sizeof(free_slot->key), "%s", key);
    free_slot->count = 0;
    free_slot->first = now;
    return free_slot;
}

/* Keys for a name and an address. */
static void keys(const char *name, const char *addr, char kn[160], char ka[160])
{
    snprintf(kn, 160, "n:%.150s", name ? name : "");
    snprintf(ka, 160, "a:%.150s", addr ? addr : "");
}

int srv_login_allowed(struct srv_limiter *l, const char *name, const char *addr, unsigned *retry)
{
    char kn[160], ka[160];
    time_t now = time(NULL);
    struct slot *s[2];
    int i, ok = 1;

    keys(name, addr, kn, ka);
    *retry = 0;
    pthread_mutex_lock(&l->mu);
    s[0] = find(l, kn, 0, now);
    s[1] = find(l, ka, 0, now);
    for (i = 0; i < 2; i++) {
        if (s[i] && s[i]->count >= l->failures) {
            unsigned wait = (unsigned)(s[i]->first + (time_t)l->window - now);
            ok = 0;
            if (wait > *retry)
                *retry = wait ? wait : 1;
        }
    }
    pthread_mutex_unlock(&l->mu);
    return ok;
}

void srv_login_record(struct srv_limiter *l, const char *name, const char *addr, int ok)
{
    char kn[160], ka[160];
    time_t now = time(NULL);
    struct slot *s;

    keys(name, addr, kn, ka);
    pthread_mutex_lock(&l->mu);
    if (ok) {
        if ((s = find(l, kn, 0, now)))
            s->key[0] = '\0';
    } else {
        if ((s = find(l, kn, 1, now)))
            s->count++;
        if ((s = find(l, ka, 1, now)))
            s->count++;
    }
    pthread_mutex_unlock(&l->mu);
}
