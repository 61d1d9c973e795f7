/*
 * routes.c — THE route table: every path of the API, the method, the one
 * capability it needs, its flags and its handler. Nothing is reachable
 * that is not listed here, and nothing listed here runs before the
 * dispatcher has checked its capability (dispatch.c). docs/api.md lists
 * the same routes for people; tests/server/test_matrix.c walks every route
 * with every role and fails when a route is added here without being
 * added to its expected matrix.
 */
#include "srv.h"

/* clang-format off */
const struct srv_route srv_routes[] = {
    /* sessions and accounts */
    {"GET",    "/health",                                CAP_NONE,          0,            api_health,          "server and store status"},
    {"POST",   "/session",                               CAP_NONE,          SRV_NO_CSRF,  api_login,           "sign in"},
    {"GET",    "/session",                               CAP_SIGNED_IN,     0,            api_me,              "who is signed in, and the CSRF token"},
    {"DELETE", "/session",                               CAP_SIGNED_IN,     0,            api_logout,          "sign out"},
    {"PUT",    "/session/password",                      CAP_SIGNED_IN,     0,            api_password,        "change one's own password"},
    {"GET",    "/accounts",                              CAP_ACCOUNTS,      0,            api_accounts_list,   "list accounts"},
    {"POST",   "/accounts",                              CAP_ACCOUNTS,      0,            api_account_create,  "create an account"},
    {"GET",    "/accounts/{name}",                       CAP_ACCOUNTS,      0,            api_account_get,     "one account"},
    {"PATCH",  "/accounts/{name}",                       CAP_ACCOUNTS,      0,            api_account_update,  "change role, scope, disable, reset password"},

    /* units, periods, imports */
    {"GET",    "/units",                                 CAP_SIGNED_IN,     0,            api_units_list,      "list units"},
    {"GET",    "/units/{unit}",                          CAP_SIGNED_IN,     0,            api_unit_get,        "one unit"},
    {"GET",    "/periods",                               CAP_SIGNED_IN,     0,            api_periods_list,    "periods and their locks"},
    {"POST",   "/periods",                               CAP_PERIODS,       0,            api_period_open,     "open a period"},
    {"POST",   "/periods/{period}/lock",                 CAP_PERIODS,       0,            api_period_lock,     "lock a period"},
    {"POST",   "/periods/{period}/unlock",               CAP_PERIODS,       0,            api_period_unlock,   "unlock a period, with a reason"},
    {"POST",   "/imports/{kind}",                        CAP_IMPORT,        SRV_RAW_BODY, api_import,          "import a CSV or XLSX data file"},

    /* schemes */
    {"GET",    "/schemes",                               CAP_SIGNED_IN,     0,            api_schemes_list,    "list schemes"},
    {"POST",   "/schemes",                               CAP_SCHEMES,       SRV_RAW_BODY, api_scheme_upload,   "upload (or only validate) a YAML scheme"},
    {"GET",    "/schemes/{scheme}",                      CAP_SIGNED_IN,     0,            api_scheme_get,      "a scheme's inputs, indicator tree, categories, tiers"},
    {"GET",    "/schemes/{scheme}/text",                 CAP_SIGNED_IN,     0,            api_scheme_text,     "a scheme version's YAML text"},
    {"POST",   "/schemes/{scheme}/activate",             CAP_SCHEMES,       0,            api_scheme_activate, "make a version the active one"},

    /* values, review, targets */
    {"GET",    "/values",                                CAP_VALUES_READ,   0,            api_values_list,     "values with review states"},
    {"PUT",    "/values",                                CAP_VALUES_WRITE,  0,            api_values_put,      "write values in bulk (optionally submit)"},
    {"POST",   "/values/submit",                         CAP_VALUES_WRITE,  0,            api_values_submit,   "submit values for review"},
    {"POST",   "/values/review",                         CAP_VALUES_REVIEW, 0,            api_values_review,   "approve or return submitted values"},
    {"GET",    "/targets",                               CAP_VALUES_READ,   0,            api_targets_list,    "targets and baselines"},
    {"PUT",    "/targets",                               CAP_TARGETS,       0,            api_targets_put,     "write targets in bulk"},

    /* events, evidence, ballots */
    {"GET",    "/events",                                CAP_VALUES_READ,   0,            api_events_list,     "bonuses, deductions, honours"},
    {"POST",   "/events",                                CAP_EVENTS,        0,            api_event_add,       "add an event"},
    {"DELETE", "/events/{id}",                           CAP_EVENTS,        0,            api_event_delete,    "delete an event"},
    {"POST",   "/evidence",                              CAP_EVIDENCE,      SRV_RAW_BODY | SRV_BIG_BODY, api_evidence_upload, "upload an evidence file"},
    {"GET",    "/evidence/{id}",                         CAP_SIGNED_IN,     0,            api_evidence_get,    "download an evidence file"},
    {"GET",    "/ballots",                               CAP_BALLOTS_READ,  0,            api_ballots_list,    "ballots of evaluation meetings"},
    {"POST",   "/ballots",                               CAP_BALLOT,        0,            api_ballots_cast,    "cast one's ballots in a meeting"},

    /* live scores */
    {"GET",    "/scores/{period}",                       CAP_SCORES,        SRV_CACHE,    api_league,          "league tables per category"},
    {"GET",    "/scores/{period}/firsts",                CAP_SCORES,        SRV_CACHE,    api_firsts,          "first places per indicator"},
    {"GET",    "/scores/{period}/export",                CAP_SCORES,        SRV_CACHE,    api_league_export,   "the official score table as XLSX (or ?format=csv)"},
    {"GET",    "/scores/{period}/units/{unit}",          CAP_UNIT_SCORES,   SRV_CACHE,    api_card,            "a unit's report card"},
    {"GET",    "/scores/{period}/units/{unit}/explain",  CAP_UNIT_SCORES,   SRV_CACHE,    api_explain,         "how one score was computed"},
    {"GET",    "/scores/{period}/units/{unit}/weak",     CAP_UNIT_SCORES,   SRV_CACHE,    api_weak,            "a unit's weak points"},
    {"GET",    "/scores/{period}/units/{unit}/trend",    CAP_UNIT_SCORES,   SRV_CACHE,    api_trend,           "a unit's totals and ranks over periods"},

    /* snapshots and audit */
    {"GET",    "/snapshots",                             CAP_PUBLISHED,     0,            api_snapshots_list,  "published snapshots"},
    {"POST",   "/snapshots",                             CAP_PUBLISH,       0,            api_publish,         "publish a period's scores"},
    {"GET",    "/snapshots/{id}",                        CAP_PUBLISHED,     SRV_CACHE,    api_snapshot_get,    "a published league table"},
    {"GET",    "/snapshots/{id}/diff/{other}",           CAP_PUBLISHED,     SRV_CACHE,    api_snapshot_diff,   "what changed between two snapshots"},
    {"GET",    "/snapshots/{id}/verify",                 CAP_PUBLISH,       0,            api_snapshot_verify, "reproduce a snapshot and compare hashes"},
    {"GET",    "/audit",                                 CAP_AUDIT,         0,            api_audit,           "the audit log"},

    /* appeals */
    {"GET",    "/appeals",                               CAP_APPEAL_READ,   0,            api_appeals_list,    "appeals"},
    {"POST",   "/appeals",                               CAP_APPEAL_FILE,   0,            api_appeal_file,     "file an appeal against one scored item"},
    {"GET",    "/appeals/{id}",                          CAP_APPEAL_READ,   0,            api_appeal_get,      "one appeal and its decision"},
    {"POST",   "/appeals/{id}/decision",                 CAP_APPEAL_DECIDE, 0,            api_appeal_decide,   "accept (with corrections) or reject"},
};
/* clang-format on */

const size_t srv_nroutes = sizeof(srv_routes) / sizeof(srv_routes[0]);
