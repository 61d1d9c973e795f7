/*
 * demo_accounts.c — the demo district as a server sees it: one synthetic
 * account for every role (docs/api.md "Roles"), the active scheme, and an
 * open month for data entry, so that `make run` can be tried with curl or
 * a browser at once. The accounts and their password are printed by
 * `kaohe demo --db` and listed in README.md; they are demo data, not
 * defaults: a real store has no accounts until an administrator makes them
 * (kaohe account add).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

/* clang-format off */
const struct demo_account demo_accounts[] = {
    {"admin",   "考核办管理员（示例）",       "admin",     NULL,  NULL},
    {"tongji",  "区统计局（示例）",           "dept",      NULL,
     "gdp_growth,ind_growth,fai_growth,retail_growth,income,unemployment"},
    {"t01",     "城关街道填报员（示例）",     "reporter",  "T01", NULL},
    {"t02",     "西城街道填报员（示例）",     "reporter",  "T02", NULL},
    {"shenhe",  "考核办审核员（示例）",       "reviewer",  NULL,  NULL},
    {"pingyi",  "评议代表（示例）",           "evaluator", NULL,  NULL},
    {"lingdao", "区领导（示例）",             "leader",    NULL,  NULL},
};
/* clang-format on */
const size_t demo_naccounts = sizeof(demo_accounts) / sizeof(demo_accounts[0]);

/* Non-zero if `code` is one of the comma-separated codes of `list`. */
static int in_list(const char *list, const char *code)
{
    size_t n = strlen(code);
    const char *p;
    for (p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, code, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

int demo_entered(const char *unit, const char *indicator)
{
    int reporter = 0;
    size_t i;
    for (i = 0; i < demo_naccounts; i++) {
        if (demo_accounts[i].indicators && in_list(demo_accounts[i].indicators, indicator))
            return 1; /* a department's series: it files it for every unit */
        if (demo_accounts[i].unit && strcmp(demo_accounts[i].unit, unit) == 0)
            reporter = 1;
    }
    return reporter;
}

int demo_serve_setup(struct kh_store *st, int64_t jid, const struct kh_actor *who,
                     struct kh_err *err)
{
    struct kh_scheme_row *schemes = NULL;
    char active[128];
    int version, rc;
    size_t i, n = 0;

    if (kh_store_scheme_active(st, jid, active, &version, NULL) != KH_OK ||
        strcmp(active, "shiliqu_2024") != 0) {
        if ((rc = kh_store_scheme_list(st, jid, &schemes, &n, err)))
            return rc;
        for (i = 0; i < n && strcmp(schemes[i].id, "shiliqu_2024"); i++)
            ;
        version = i < n ? schemes[i].versions : 0;
        free(schemes);
        if ((rc = kh_store_scheme_activate(st, jid, "shiliqu_2024", version, who, err)))
            return rc;
    }
    if ((rc = kh_store_period_open(st, jid, DEMO_OPEN_PERIOD, who, err)))
        return rc;
    for (i = 0; i < demo_naccounts; i++) {
        const struct demo_account *d = &demo_accounts[i];
        struct kh_account a;

        if (kh_store_account_get(st, jid, d->name, &a, NULL) == KH_OK)
            continue;
        memset(&a, 0, sizeof(a));
        snprintf(a.name, sizeof(a.name), "%s", d->name);
        snprintf(a.display, sizeof(a.display), "%s", d->display);
        a.role = kh_role_parse(d->role);
        snprintf(a.unit, sizeof(a.unit), "%s", d->unit ? d->unit : "");
        snprintf(a.indicators, sizeof(a.indicators), "%s", d->indicators ? d->indicators : "");
        if ((rc = kh_store_account_create(st, jid, &a, DEMO_PASSWORD, who, NULL, err)))
            return rc;
    }
    return KH_OK;
}
