/*
 * test_store_list.c — what the server lists and writes in bulk
 * (store_list.c, store_event.c, kh_store_snapshot_units): the generation,
 * periods, schemes and the active one, values with their state, bulk
 * writes all or nothing with the index of the refused record, targets,
 * events, evidence files (size cap, stored once), ballots, a snapshot read
 * back, the audit log as records, jurisdictions that never mix, and the
 * migration of a version-1 file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/db.h"
#include "store_fixture.h"

/* Collect listed rows as text lines. */
static int value_line(void *user, const struct kh_value_row *r)
{
    struct kh_buf *b = user;
    kh_buf_printf(b, "%s %s %s %g %d %s\n", r->unit, r->indicator, r->period, r->value, r->state,
                  r->by);
    return 0;
}

static int note_line(void *user, const struct kh_value_row *r)
{
    struct kh_buf *b = user;
    kh_buf_printf(b, "%s %s %s %d %s\n", r->unit, r->indicator, r->period, r->state,
                  r->note ? r->note : "-");
    return 0;
}

static int stop_at_first(void *user, const struct kh_value_row *r)
{
    (void)user;
    (void)r;
    return 42;
}

static int event_line(void *user, const struct kh_event_row *r)
{
    struct kh_buf *b = user;
    kh_buf_printf(b, "%s %s %s %g %s %s\n", r->unit, r->item, r->period, r->count,
                  r->level ? r->level : "-", r->by);
    return 0;
}

static int audit_line(void *user, const struct kh_audit_row *r)
{
    struct kh_buf *b = user;
    kh_buf_printf(b, "%s %s %s\n", r->action, r->entity, r->key);
    return 0;
}

static int unit_line(void *user, const struct kh_snapshot_unit *u)
{
    struct kh_buf *b = user;
    size_t i;
    kh_buf_printf(b, "%s %s %.2f %d/%d", u->unit, u->category, u->display, u->rank, u->rank_of);
    for (i = 0; i < u->nscores; i++)
        kh_buf_printf(b, " %s=%.2f", u->nodes[i], u->displays[i]);
    kh_buf_putc(b, '\n');
    return 0;
}

/* The values of f as listed with query q. */
static const char *list_values(struct fx *f, const struct kh_value_query *q, struct kh_buf *b)
{
    kh_buf_reset(b);
    if (kh_store_value_list(f->st, f->jid, q, value_line, b, &f->err))
        fail_msg("value list: %s", f->err.msg);
    return kh_buf_str(b);
}

static void test_generation_grows_with_each_change_of_its_jurisdiction_only(void **state)
{
    struct fx f;
    int64_t g0, g1, g2, other, go;
    (void)state;
    fx_start(&f);
    assert_int_equal(kh_store_jurisdiction(f.st, "other", NULL, 1, &other, &f.err), KH_OK);
    assert_int_equal(kh_store_generation(f.st, f.jid, &g0, &f.err), KH_OK);
    assert_true(g0 == 0);
    fx_load_all(&f);
    assert_int_equal(kh_store_generation(f.st, f.jid, &g1, &f.err), KH_OK);
    assert_true(g1 > g0);
    fx_import_ok(&f, "values", "values.csv"); /* unchanged: no batch */
    assert_int_equal(kh_store_generation(f.st, f.jid, &g2, &f.err), KH_OK);
    assert_true(g2 == g1);
    assert_int_equal(kh_store_period_open(f.st, other, "2030", &office, &f.err), KH_OK);
    assert_int_equal(kh_store_generation(f.st, f.jid, &g2, &f.err), KH_OK);
    assert_true(g2 == g1);
    assert_int_equal(kh_store_generation(f.st, other, &go, &f.err), KH_OK);
    assert_true(go > g1);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024", 51, &office, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_generation(f.st, f.jid, &g2, &f.err), KH_OK);
    assert_true(g2 > go);
    assert_int_equal(kh_store_generation(f.st, 999, &g2, &f.err), KH_ENOTFOUND);
    fx_done(&f);
}

static void test_periods_are_listed_in_order_with_their_locks(void **state)
{
    struct fx f;
    struct kh_period_row *p;
    size_t n;
    int64_t audits;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024-03", 1, &office, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024q1", 1, &office, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_period_open(f.st, f.jid, "2025", &office, &f.err), KH_OK);
    assert_int_equal(kh_store_period_open(f.st, f.jid, "2024H2", &office, &f.err), KH_OK);
    audits = fx_query(f.db, "SELECT count(*) FROM audit");
    assert_int_equal(kh_store_period_open(f.st, f.jid, "2025", &office, &f.err), KH_OK);
    assert_int_equal(kh_store_period_open(f.st, f.jid, "2024", &office, &f.err), KH_OK);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit"), audits); /* known: nothing */
    assert_int_equal(kh_store_period_open(f.st, f.jid, "2024X", &office, &f.err), KH_EINVAL);
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 1, "定稿", &office, &f.err), KH_OK);
    assert_int_equal(kh_store_period_list(f.st, f.jid, &p, &n, &f.err), KH_OK);
    assert_int_equal(n, 5);
    assert_string_equal(p[0].code, "2024");
    assert_string_equal(p[1].code, "2024H2");
    assert_string_equal(p[2].code, "2024Q1");
    assert_string_equal(p[3].code, "2024-03");
    assert_string_equal(p[4].code, "2025");
    assert_true(p[0].locked && p[1].locked && p[3].locked && !p[4].locked);
    assert_string_equal(p[0].reason, "定稿");
    assert_string_equal(p[3].reason, "定稿"); /* locked through 2024 */
    assert_string_equal(p[4].reason, "");
    free(p);
    fx_done(&f);
}

static void test_period_locked_names_the_lock_that_contains_a_period(void **state)
{
    struct fx f;
    char lock[KH_PERIOD_TEXT];
    int locked = -1;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_period_locked(f.st, f.jid, "2024-03", &locked, lock, &f.err), KH_OK);
    assert_int_equal(locked, 0);
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 1, NULL, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_period_locked(f.st, f.jid, "2024-03", &locked, lock, &f.err), KH_OK);
    assert_int_equal(locked, 1);
    assert_string_equal(lock, "2024");
    assert_int_equal(kh_store_period_locked(f.st, f.jid, "2025-01", &locked, lock, &f.err), KH_OK);
    assert_int_equal(locked, 0);
    assert_int_equal(kh_store_period_locked(f.st, f.jid, "2024X", &locked, lock, &f.err),
                     KH_EINVAL);
    fx_done(&f);
}

static void test_schemes_list_activate_and_the_active_one(void **state)
{
    static const char other[] = "kaohe: 1\n"
                                "scheme: {id: second, name: 第二方案}\n"
                                "categories: {county: 区县}\n"
                                "inputs:\n"
                                "  res: {name: 资源}\n"
                                "indicators:\n"
                                "  - {id: res, name: 资源配比, points: 6, value: res, rule: "
                                "proportional}\n";
    struct fx f;
    struct kh_scheme_row *rows;
    char id[128], *text;
    size_t n, len;
    int version;
    (void)state;
    fx_start(&f);
    assert_int_equal(kh_store_scheme_active(f.st, f.jid, id, &version, &f.err), KH_ENOTFOUND);
    fx_load_all(&f);
    /* one scheme and none activated: that one, latest version */
    assert_int_equal(kh_store_scheme_active(f.st, f.jid, id, &version, &f.err), KH_OK);
    assert_string_equal(id, "prop");
    assert_int_equal(version, 1);
    assert_int_equal(kh_store_scheme_add(f.st, f.jid, "second.yaml", other, strlen(other), &office,
                                         &version, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_scheme_active(f.st, f.jid, id, &version, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_scheme_activate(f.st, f.jid, "second", 2, &office, &f.err),
                     KH_ENOTFOUND);
    assert_int_equal(kh_store_scheme_activate(f.st, f.jid, "nope", 1, &office, &f.err),
                     KH_ENOTFOUND);
    assert_int_equal(kh_store_scheme_activate(f.st, f.jid, "second", 1, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_scheme_activate(f.st, f.jid, "second", 1, &office, &f.err), KH_OK);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE action = 'activate'"), 1);
    assert_int_equal(kh_store_scheme_active(f.st, f.jid, id, &version, &f.err), KH_OK);
    assert_string_equal(id, "second");
    assert_int_equal(version, 1);
    assert_int_equal(kh_store_scheme_list(f.st, f.jid, &rows, &n, &f.err), KH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].id, "prop");
    assert_string_equal(rows[0].name, "按第一名比例");
    assert_int_equal(rows[0].versions, 1);
    assert_int_equal(rows[0].active, 0);
    assert_string_equal(rows[1].id, "second");
    assert_int_equal(rows[1].active, 1);
    assert_true(rows[1].updated_at[0] == '2');
    free(rows);
    assert_int_equal(kh_store_scheme_text(f.st, f.jid, "prop", 0, &text, &len, &f.err), KH_OK);
    assert_int_equal(len, strlen(fx_scheme));
    assert_string_equal(text, fx_scheme);
    free(text);
    assert_int_equal(kh_store_scheme_text(f.st, f.jid, "prop", 9, &text, &len, &f.err),
                     KH_ENOTFOUND);
    assert_null(text);
    fx_done(&f);
}

static void test_value_list_filters_and_says_who_changed_last(void **state)
{
    struct fx f;
    struct kh_buf b;
    struct kh_value_query q;
    const char *inds[] = {"energy"};
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "B", "res", "2025", 7, &dept, &f.err), KH_OK);
    memset(&q, 0, sizeof(q));
    q.state = -1;
    list_values(&f, &q, &b);
    assert_string_equal(kh_buf_str(&b), "A energy 2024 0.5 2 考核办\n"
                                        "A res 2024 50 2 考核办\n"
                                        "B energy 2024 0.4 2 考核办\n"
                                        "B res 2024 40 2 考核办\n"
                                        "B res 2025 7 0 统计局\n"
                                        "C energy 2024 0.8 2 考核办\n"
                                        "C res 2024 25 2 考核办\n");
    q.unit = "B";
    q.period = "2024";
    list_values(&f, &q, &b);
    assert_string_equal(kh_buf_str(&b), "B energy 2024 0.4 2 考核办\n"
                                        "B res 2024 40 2 考核办\n");
    q.unit = NULL;
    q.indicators = inds;
    q.n_indicators = 1;
    list_values(&f, &q, &b);
    assert_string_equal(kh_buf_str(&b), "A energy 2024 0.5 2 考核办\n"
                                        "B energy 2024 0.4 2 考核办\n"
                                        "C energy 2024 0.8 2 考核办\n");
    memset(&q, 0, sizeof(q));
    q.state = KH_REVIEW_DRAFT;
    list_values(&f, &q, &b);
    assert_string_equal(kh_buf_str(&b), "B res 2025 7 0 统计局\n");
    /* a review makes the reviewer the last to have changed it */
    assert_int_equal(kh_store_value_review(f.st, f.jid, "B", "res", "2025", KH_REVIEW_SUBMITTED,
                                           NULL, &dept, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_value_review(f.st, f.jid, "B", "res", "2025", KH_REVIEW_APPROVED,
                                           NULL, &office, &f.err),
                     KH_OK);
    q.state = -1;
    q.period = "2025";
    list_values(&f, &q, &b);
    assert_string_equal(kh_buf_str(&b), "B res 2025 7 2 考核办\n");
    assert_int_equal(kh_store_value_list(f.st, f.jid, NULL, stop_at_first, NULL, &f.err), 42);
    q.unit = "ZZ";
    assert_int_equal(kh_store_value_list(f.st, f.jid, &q, value_line, &b, &f.err), KH_ENOTFOUND);
    q.unit = NULL;
    q.state = 9;
    assert_int_equal(kh_store_value_list(f.st, f.jid, &q, value_line, &b, &f.err), KH_EINVAL);
    kh_buf_free(&b);
    fx_done(&f);
}

static void test_a_returned_value_carries_the_note_until_it_moves_on(void **state)
{
    struct fx f;
    struct kh_buf b;
    struct kh_value_query q = {"2025", "B", NULL, 0, -1};
    struct kh_value_in in[1] = {{"B", "res", "2025", 7}};
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 1, 1, &dept, NULL, &f.err), KH_OK);
    assert_int_equal(kh_store_values_review(f.st, f.jid, in, 1, KH_REVIEW_RETURNED,
                                            "与统计年鉴不符，请核对", &office, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_value_list(f.st, f.jid, &q, note_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "B res 2025 3 与统计年鉴不符，请核对\n");
    /* corrected and submitted again: the note is no longer shown */
    in[0].value = 8;
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 1, 1, &dept, NULL, &f.err), KH_OK);
    kh_buf_reset(&b);
    assert_int_equal(kh_store_value_list(f.st, f.jid, &q, note_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "B res 2025 1 -\n");
    /* returned again, with a new note: the new one is shown */
    assert_int_equal(kh_store_value_review(f.st, f.jid, "B", "res", "2025", KH_REVIEW_RETURNED,
                                           "单位应为万元", &office, &f.err),
                     KH_OK);
    kh_buf_reset(&b);
    assert_int_equal(kh_store_value_list(f.st, f.jid, &q, note_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "B res 2025 3 单位应为万元\n");
    kh_buf_free(&b);
    fx_done(&f);
}

static void test_bulk_values_are_all_or_nothing_with_the_index_in_the_message(void **state)
{
    struct fx f;
    struct kh_buf before, after;
    size_t changed = 99;
    double v;
    int st;
    struct kh_value_in in[3] = {
        {"A", "res", "2025", 1}, {"B", "res", "2025", 2}, {"C", "res", "2025", 3}};
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    kh_buf_init(&before, 0);
    kh_buf_init(&after, 0);
    fx_dump(f.db, &before);
    in[1].unit = "ZZ";
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 3, 1, &dept, &changed, &f.err),
                     KH_ENOTFOUND);
    assert_non_null(strstr(f.err.msg, "values[1]: "));
    assert_non_null(strstr(f.err.msg, "ZZ"));
    in[1].unit = "B";
    in[2].period = "2025X";
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 3, 1, &dept, &changed, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "values[2]: "));
    fx_dump(f.db, &after);
    assert_string_equal(kh_buf_str(&before), kh_buf_str(&after));
    in[2].period = "2025";
    /* a department's values, submitted at once */
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 3, 1, &dept, &changed, &f.err), KH_OK);
    assert_int_equal(changed, 3);
    assert_int_equal(kh_store_value_get(f.st, f.jid, "C", "res", "2025", &v, &st, &f.err), KH_OK);
    assert_true(v == 3 && st == KH_REVIEW_SUBMITTED);
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 3, 1, &dept, &changed, &f.err), KH_OK);
    assert_int_equal(changed, 0);
    /* reviewed in bulk by the office; the department cannot approve */
    assert_int_equal(
        kh_store_values_review(f.st, f.jid, in, 3, KH_REVIEW_APPROVED, NULL, &dept, &f.err),
        KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "values[0]: "));
    assert_int_equal(
        kh_store_values_review(f.st, f.jid, in, 3, KH_REVIEW_RETURNED, NULL, &office, &f.err),
        KH_EINVAL);
    assert_int_equal(
        kh_store_values_review(f.st, f.jid, in, 2, KH_REVIEW_APPROVED, "ok", &office, &f.err),
        KH_OK);
    in[0].value = 10; /* approved: only the office changes it */
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 3, 1, &dept, &changed, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "values[0]: value A res 2025 is approved"));
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 3, 0, &office, &changed, &f.err), KH_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(kh_store_value_get(f.st, f.jid, "A", "res", "2025", &v, &st, &f.err), KH_OK);
    assert_true(v == 10 && st == KH_REVIEW_APPROVED);
    /* a locked period refuses them (and their review) */
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2025", 1, NULL, &office, &f.err), KH_OK);
    in[2].value = 30;
    assert_int_equal(kh_store_values_set(f.st, f.jid, in, 3, 0, &office, &changed, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "values[2]: "));
    assert_non_null(strstr(f.err.msg, "locked"));
    assert_int_equal(
        kh_store_values_review(f.st, f.jid, in + 2, 1, KH_REVIEW_APPROVED, NULL, &office, &f.err),
        KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "locked"));
    kh_buf_free(&before);
    kh_buf_free(&after);
    fx_done(&f);
}

static void test_targets_are_set_by_the_office_all_or_nothing(void **state)
{
    struct fx f;
    struct kh_dataset *ds;
    struct kh_target_in in[2] = {{"A", "res", "2024", 60, 45}, {"B", "res", "2024", 50, NAN}};
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_targets_set(f.st, f.jid, in, 2, &dept, &f.err), KH_EINVAL);
    in[1].unit = "ZZ";
    assert_int_equal(kh_store_targets_set(f.st, f.jid, in, 2, &office, &f.err), KH_ENOTFOUND);
    assert_non_null(strstr(f.err.msg, "targets[1]: "));
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM target"), 0);
    in[1].unit = "B";
    assert_int_equal(kh_store_targets_set(f.st, f.jid, in, 2, &office, &f.err), KH_OK);
    in[0].target = 61;
    assert_int_equal(kh_store_targets_set(f.st, f.jid, in, 2, &office, &f.err), KH_OK);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE entity = 'target' AND "
                                    "old = 'target 60, baseline 45' AND new = 'target 61, "
                                    "baseline 45'"),
                     1);
    assert_int_equal(kh_store_dataset(f.st, f.jid, &ds, &f.err), KH_OK);
    assert_int_equal(ds->ntargets, 2);
    assert_true(ds->targets[0].target == 61 && isnan(ds->targets[1].baseline));
    kh_dataset_free(ds);
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 1, NULL, &office, &f.err), KH_OK);
    in[1].target = 51;
    assert_int_equal(kh_store_targets_set(f.st, f.jid, in, 2, &office, &f.err), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "targets[1]: target B res 2024 cannot change"));
    fx_done(&f);
}

static void test_events_are_added_listed_deleted_and_locked_periods_refuse_them(void **state)
{
    struct fx f;
    struct kh_event_row e;
    struct kh_buf b;
    int64_t id, id2, other;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_jurisdiction(f.st, "other", NULL, 1, &other, &f.err), KH_OK);
    kh_buf_init(&b, 0);
    memset(&e, 0, sizeof(e));
    e.unit = "B";
    e.item = "honour";
    e.period = "2024";
    e.level = "省级";
    e.count = 1;
    e.points = NAN;
    e.shares = 1;
    assert_int_equal(kh_store_event_add(f.st, f.jid, &e, &dept, &id, &f.err), KH_OK);
    e.unit = "A";
    e.level = "";
    e.count = 2;
    assert_int_equal(kh_store_event_add(f.st, f.jid, &e, &dept, &id2, &f.err), KH_OK);
    assert_true(id2 > id);
    assert_int_equal(kh_store_event_list(f.st, f.jid, NULL, NULL, event_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "A honour 2024 2 - 统计局\nB honour 2024 1 省级 统计局\n");
    kh_buf_reset(&b);
    assert_int_equal(kh_store_event_list(f.st, f.jid, "2024", "B", event_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "B honour 2024 1 省级 统计局\n");
    kh_buf_reset(&b);
    assert_int_equal(kh_store_event_list(f.st, other, NULL, NULL, event_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "");
    /* bad fields, as in an events file */
    e.shares = 0;
    assert_int_equal(kh_store_event_add(f.st, f.jid, &e, &dept, NULL, &f.err), KH_EINVAL);
    e.shares = 1;
    e.count = -1;
    assert_int_equal(kh_store_event_add(f.st, f.jid, &e, &dept, NULL, &f.err), KH_EINVAL);
    e.count = 1;
    e.unit = "ZZ";
    assert_int_equal(kh_store_event_add(f.st, f.jid, &e, &dept, NULL, &f.err), KH_ENOTFOUND);
    e.unit = "A";
    assert_int_equal(kh_store_event_add(f.st, other, &e, &dept, NULL, &f.err), KH_ENOTFOUND);
    /* one jurisdiction cannot delete another's event */
    assert_int_equal(kh_store_event_delete(f.st, other, id, &office, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 1, NULL, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_event_add(f.st, f.jid, &e, &dept, NULL, &f.err), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "locked"));
    assert_int_equal(kh_store_event_delete(f.st, f.jid, id, &office, &f.err), KH_EINVAL);
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 0, "更正", &office, &f.err), KH_OK);
    assert_int_equal(kh_store_event_delete(f.st, f.jid, id, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_event_delete(f.st, f.jid, id, &office, &f.err), KH_ENOTFOUND);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE entity = 'event' AND "
                                    "action = 'delete' AND key = 'B honour 2024' AND "
                                    "old = 'count 1, level 省级'"),
                     1);
    kh_buf_free(&b);
    fx_done(&f);
}

static void test_evidence_is_capped_stored_once_and_kept_per_jurisdiction(void **state)
{
    static const char pdf[] = "%PDF-1.4 pretend";
    struct fx f;
    struct kh_evidence a, b, c, got;
    void *data;
    int64_t other;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_jurisdiction(f.st, "other", NULL, 1, &other, &f.err), KH_OK);
    assert_int_equal(kh_store_evidence_add(f.st, f.jid, "r.pdf", "application/pdf", "A", pdf,
                                           sizeof(pdf), sizeof(pdf) - 1, &dept, &a, &f.err),
                     KH_ELIMIT);
    assert_int_equal(kh_store_evidence_add(f.st, f.jid, "r.pdf", "application/pdf", "A", pdf, 0,
                                           100, &dept, &a, &f.err),
                     KH_EINVAL);
    assert_int_equal(kh_store_evidence_add(f.st, f.jid, "../../etc/\x01passwd", "application/pdf",
                                           "A", pdf, sizeof(pdf), sizeof(pdf), &dept, &a, &f.err),
                     KH_OK);
    assert_string_equal(a.name, ".._.._etc__passwd");
    assert_string_equal(a.unit, "A");
    assert_int_equal(a.size, sizeof(pdf));
    assert_int_equal(strlen(a.sha256), 64);
    assert_string_equal(a.by, "统计局");
    /* the same bytes about the same unit: stored once */
    assert_int_equal(kh_store_evidence_add(f.st, f.jid, "again.pdf", NULL, "A", pdf, sizeof(pdf),
                                           1000, &office, &b, &f.err),
                     KH_OK);
    assert_true(b.id == a.id);
    assert_string_equal(b.name, a.name);
    /* about another unit, or none: another file */
    assert_int_equal(kh_store_evidence_add(f.st, f.jid, "x.pdf", NULL, NULL, pdf, sizeof(pdf), 1000,
                                           &office, &c, &f.err),
                     KH_OK);
    assert_true(c.id != a.id);
    assert_string_equal(c.unit, "");
    assert_string_equal(c.mime, "application/octet-stream");
    assert_int_equal(kh_store_evidence_add(f.st, f.jid, "x.pdf", NULL, "", pdf, sizeof(pdf), 1000,
                                           &office, &b, &f.err),
                     KH_OK);
    assert_true(b.id == c.id);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM evidence"), 2);
    assert_int_equal(kh_store_evidence_get(f.st, f.jid, a.id, &got, &data, &f.err), KH_OK);
    assert_memory_equal(data, pdf, sizeof(pdf));
    assert_string_equal(got.sha256, a.sha256);
    free(data);
    assert_int_equal(kh_store_evidence_get(f.st, other, a.id, &got, &data, &f.err), KH_ENOTFOUND);
    assert_null(data);
    assert_int_equal(kh_store_evidence_add(f.st, other, "r.pdf", NULL, "A", pdf, sizeof(pdf), 1000,
                                           &office, &b, &f.err),
                     KH_ENOTFOUND); /* unit A is not other's */
    assert_int_equal(kh_store_evidence_add(f.st, f.jid, "r.pdf", "bad\nmime", NULL, "z", 1, 1000,
                                           &office, &b, &f.err),
                     KH_EINVAL);
    /* evidence never changes or goes */
    assert_int_not_equal(fx_exec(f.db, "DELETE FROM evidence"), SQLITE_OK);
    assert_int_not_equal(fx_exec(f.db, "UPDATE evidence SET name = 'x'"), SQLITE_OK);
    fx_done(&f);
}

static void test_ballots_are_cast_replaced_and_scored(void **state)
{
    struct fx f;
    struct kh_dataset *ds;
    const struct kh_actor judge = {"评委1", "test", 0};
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_ballot_set(f.st, f.jid, "m1", "领导", "A", "好", NAN, &judge, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_ballot_set(f.st, f.jid, "m1", "领导", "A", "好", NAN, &judge, &f.err),
                     KH_OK);
    assert_int_equal(
        kh_store_ballot_set(f.st, f.jid, "m1", "领导", "A", "较好", NAN, &judge, &f.err), KH_OK);
    assert_int_equal(kh_store_ballot_set(f.st, f.jid, "m1", NULL, "B", NULL, 88, &judge, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_ballot_set(f.st, f.jid, "m1", NULL, "B", "好", 88, &judge, &f.err),
                     KH_EINVAL);
    assert_int_equal(kh_store_ballot_set(f.st, f.jid, "m1", NULL, "B", NULL, NAN, &judge, &f.err),
                     KH_EINVAL);
    assert_int_equal(kh_store_ballot_set(f.st, f.jid, "", NULL, "B", NULL, 1, &judge, &f.err),
                     KH_EINVAL);
    assert_int_equal(kh_store_ballot_set(f.st, f.jid, "m1", NULL, "ZZ", NULL, 1, &judge, &f.err),
                     KH_ENOTFOUND);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE entity = 'ballot'"), 3);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE entity = 'ballot' AND "
                                    "old = '好 (领导)' AND new = '较好 (领导)'"),
                     1);
    assert_int_equal(kh_store_dataset(f.st, f.jid, &ds, &f.err), KH_OK);
    assert_int_equal(ds->nballots, 2);
    assert_string_equal(ds->ballots[0].evaluator, "评委1");
    assert_string_equal(ds->ballots[0].grade, "较好");
    assert_true(ds->ballots[1].score == 88);
    kh_dataset_free(ds);
    fx_done(&f);
}

static void test_snapshot_units_come_back_in_published_order(void **state)
{
    struct fx f;
    struct kh_snapshot_info info;
    struct kh_buf b;
    int64_t other;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_publish(f.st, f.jid, "prop", 0, "2024", &office, &info, &f.err), KH_OK);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_snapshot_units(f.st, f.jid, info.id, unit_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "A county 10.80 1/3 res=6.00 energy=4.80\n"
                                        "B county 10.80 1/3 res=4.80 energy=6.00\n"
                                        "C county 6.00 3/3 res=3.00 energy=3.00\n");
    assert_int_equal(kh_store_jurisdiction(f.st, "other", NULL, 1, &other, &f.err), KH_OK);
    assert_int_equal(kh_store_snapshot_units(f.st, other, info.id, unit_line, &b, &f.err),
                     KH_ENOTFOUND);
    assert_int_equal(kh_store_snapshot_units(f.st, f.jid, info.id + 1, unit_line, &b, &f.err),
                     KH_ENOTFOUND);
    kh_buf_free(&b);
    fx_done(&f);
}

static void test_audit_list_pages_after_an_id(void **state)
{
    struct fx f;
    struct kh_buf b;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_audit_list(f.st, f.jid, 0, 2, audit_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "add scheme prop\ninsert unit A\n");
    kh_buf_reset(&b);
    assert_int_equal(kh_store_audit_list(f.st, f.jid, 2, 0, audit_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "insert unit B\ninsert unit C\nimport units units.csv\n"
                                        "import values values.csv\n");
    kh_buf_free(&b);
    fx_done(&f);
}

static void test_a_version_1_file_is_migrated_with_its_data(void **state)
{
    struct fx f;
    struct kh_store *st;
    struct kh_account a;
    struct kh_buf b;
    sqlite3 *db;
    char path[400];
    double v;
    int s;
    (void)state;
    fx_start(&f);
    snprintf(path, sizeof(path), "%s/v1.db", f.dir);
    assert_non_null(db_migration(0));
    assert_non_null(db_migration(1));
    assert_non_null(db_migration(2));
    assert_null(db_migration(3));
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, db_migration(0), NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(
            db,
            "UPDATE schema_version SET version = 1;"
            "PRAGMA application_id = 1802003554;"
            "INSERT INTO jurisdiction VALUES (1, 'default', '旧区', '2024-01-01T00:00:00Z');"
            "INSERT INTO batch VALUES (1, 1, 'edit', '老王', 'cli', "
            "'2024-01-01T00:00:00Z', NULL, NULL);"
            "INSERT INTO category VALUES (1, 1, 'county');"
            "INSERT INTO unit (id, jurisdiction_id, code, name, category_id, batch_id) "
            "VALUES (1, 1, 'A', '甲区', 1, 1);"
            "INSERT INTO indicator VALUES (1, 1, 'res');"
            "INSERT INTO value (jurisdiction_id, unit_id, indicator_id, period, value, "
            "state, batch_id) VALUES (1, 1, 1, '2024', 50, 'approved', 1);",
            NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(kh_store_open(path, 0, &st, &f.err), KH_OK);
    assert_int_equal(kh_store_schema_version(st), 3);
    assert_int_equal(kh_store_value_get(st, 1, "A", "res", "2024", &v, &s, &f.err), KH_OK);
    assert_true(v == 50 && s == KH_REVIEW_APPROVED);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_value_list(st, 1, NULL, value_line, &b, &f.err), KH_OK);
    assert_string_equal(kh_buf_str(&b), "A res 2024 50 2 老王\n");
    kh_buf_free(&b);
    memset(&a, 0, sizeof(a));
    snprintf(a.name, sizeof(a.name), "a1");
    snprintf(a.unit, sizeof(a.unit), "A");
    a.role = KH_ROLE_REPORTER;
    assert_int_equal(kh_store_account_create(st, 1, &a, "password1", &office, NULL, &f.err), KH_OK);
    assert_int_equal(kh_store_value_set(st, 1, "A", "res", "2024", 51, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_check(st, &f.err), KH_OK);
    kh_store_close(st);
    assert_int_equal(fx_query(path, "SELECT version FROM schema_version"), 3);
    assert_int_equal(fx_query(path, "SELECT count(*) FROM account"), 1);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generation_grows_with_each_change_of_its_jurisdiction_only),
        cmocka_unit_test(test_periods_are_listed_in_order_with_their_locks),
        cmocka_unit_test(test_period_locked_names_the_lock_that_contains_a_period),
        cmocka_unit_test(test_schemes_list_activate_and_the_active_one),
        cmocka_unit_test(test_value_list_filters_and_says_who_changed_last),
        cmocka_unit_test(test_a_returned_value_carries_the_note_until_it_moves_on),
        cmocka_unit_test(test_bulk_values_are_all_or_nothing_with_the_index_in_the_message),
        cmocka_unit_test(test_targets_are_set_by_the_office_all_or_nothing),
        cmocka_unit_test(test_events_are_added_listed_deleted_and_locked_periods_refuse_them),
        cmocka_unit_test(test_evidence_is_capped_stored_once_and_kept_per_jurisdiction),
        cmocka_unit_test(test_ballots_are_cast_replaced_and_scored),
        cmocka_unit_test(test_snapshot_units_come_back_in_published_order),
        cmocka_unit_test(test_audit_list_pages_after_an_id),
        cmocka_unit_test(test_a_version_1_file_is_migrated_with_its_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
