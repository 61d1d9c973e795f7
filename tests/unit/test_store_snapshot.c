/*
 * test_store_snapshot.c — publishing and diffs: snapshots freeze inputs
 * and outputs with a SHA-256 that depends on content only (same content,
 * same hash, in any store), are immutable and reproduce from their frozen
 * records; diffs list changed units and inputs and link each unit to its
 * own changes or to other units' changes under relative rules; scoring
 * from the store takes only the units a scheme assesses.
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

#include "store_fixture.h"

/* Fail, showing the text, unless it contains `needle`. */
#define expect_in(text, needle)                                                                    \
    do {                                                                                           \
        if (!strstr((text), (needle)))                                                             \
            fail_msg("expected\n%s\nin\n%s", (needle), (text));                                    \
    } while (0)

/* Publish prop for 2024; must succeed. */
static struct kh_snapshot_info publish(struct fx *f)
{
    struct kh_snapshot_info info;
    kh_err_clear(&f->err);
    if (kh_store_publish(f->st, f->jid, "prop", 0, "2024", &office, &info, &f->err))
        fail_msg("publish: %s", f->err.msg);
    return info;
}

/* The diff of a → b as text (caller frees). */
static char *diff(struct fx *f, int64_t a, int64_t b, int json)
{
    struct kh_buf out;
    kh_buf_init(&out, 0);
    if (kh_store_diff(f->st, f->jid, a, b, json, &out, &f->err))
        fail_msg("diff: %s", f->err.msg);
    return kh_buf_steal(&out, NULL);
}

static void test_publish_scores_the_version_asked_for_or_the_latest(void **state)
{
    struct fx f;
    struct kh_snapshot_info v1, v2, latest;
    char text[sizeof(fx_scheme)];
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    /* version 2 gives res more points */
    memcpy(text, fx_scheme, sizeof(fx_scheme));
    memcpy(strstr(text, "points: 6"), "points: 9", 9);
    fx_write(&f, "scheme.yaml", text);
    fx_import_ok(&f, "scheme", "scheme.yaml");
    assert_int_equal(kh_store_publish(f.st, f.jid, "prop", 1, "2024", &office, &v1, &f.err), KH_OK);
    assert_int_equal(kh_store_publish(f.st, f.jid, "prop", 2, "2024", &office, &v2, &f.err), KH_OK);
    assert_int_equal(kh_store_publish(f.st, f.jid, "prop", 0, "2024", &office, &latest, &f.err),
                     KH_OK);
    assert_int_equal(v1.scheme_version, 1);
    assert_int_equal(v2.scheme_version, 2);
    assert_int_equal(latest.scheme_version, 2);
    assert_string_not_equal(v1.hash, v2.hash);
    assert_string_equal(v2.hash, latest.hash);
    assert_int_equal(kh_store_publish(f.st, f.jid, "prop", 3, "2024", &office, &v1, &f.err),
                     KH_ENOTFOUND);
    fx_done(&f);
}

static void test_publish_twice_without_changes_gives_the_same_hash(void **state)
{
    struct fx f;
    struct kh_snapshot_info a, b, c;
    struct kh_snapshot_info *list;
    size_t n;
    char *d;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    a = publish(&f);
    b = publish(&f);
    assert_true(a.id == 1 && b.id == 2);
    assert_int_equal(strlen(a.hash), 64);
    assert_string_equal(a.hash, b.hash);
    assert_string_equal(a.scheme_id, "prop");
    assert_int_equal(a.scheme_version, 1);
    assert_string_equal(a.period, "2024");
    assert_string_equal(a.published_by, "考核办");
    assert_int_equal(kh_store_snapshot(f.st, f.jid, 2, &c, &f.err), KH_OK);
    assert_string_equal(c.hash, a.hash);
    assert_int_equal(kh_store_snapshot_list(f.st, f.jid, &list, &n, &f.err), KH_OK);
    assert_true(n == 2 && list[0].id == 1 && list[1].id == 2);
    free(list);
    d = diff(&f, 1, 2, 0);
    expect_in(d, "(相同 identical)");
    expect_in(d, "units whose results changed: 0");
    expect_in(d, "inputs changed: 0");
    free(d);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM snapshot_input WHERE snapshot_id = 1"),
                     9); /* 3 units, 6 values */
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM snapshot_score WHERE snapshot_id = 1"),
                     6);
    fx_done(&f);
}

static void test_hash_depends_on_content_not_on_the_store(void **state)
{
    struct fx f, g;
    struct kh_snapshot_info a, b;
    (void)state;
    fx_start(&f);
    fx_start(&g);
    fx_load_all(&f);
    /* another store, other people, a later time, an extra jurisdiction */
    assert_int_equal(kh_store_jurisdiction(g.st, "zzz", NULL, 1, &g.jid, &g.err), KH_OK);
    fx_load_all(&g);
    a = publish(&f);
    b = publish(&g);
    assert_string_equal(a.hash, b.hash);
    /* and changes with the data */
    assert_int_equal(kh_store_value_set(g.st, g.jid, "C", "res", "2024", 26, &office, &g.err), 0);
    b = publish(&g);
    assert_string_not_equal(a.hash, b.hash);
    fx_done(&g);
    fx_done(&f);
}

static void test_diff_links_own_inputs_and_moves_by_relative_rules(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    char *d, *a_line, *b_line;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    publish(&f);
    /* A's resources rise from 50 to 60: A's own score stays 6 (first),
     * B and C are measured against the new first place and fall */
    fx_write(&f, "fix.csv", "unit,indicator,period,value\nA,res,2024,60\n");
    assert_int_equal(fx_import(&f, "values", "fix.csv", &office, &rep), KH_OK);
    publish(&f);
    d = diff(&f, 1, 2, 0);
    expect_in(d, "units whose results changed: 2\n");
    assert_null(strstr(d, "  A 甲区"));
    b_line = strstr(d, "  B 乙区 (county): 总分 total 10.80 → 10.00 · 排名 rank 1 → 2\n"
                       "    res 资源配比: 4.80 → 4.00\n"
                       "    原因 cause: 其他单位数据变化 (相对评价规则)");
    assert_non_null(b_line);
    expect_in(d, "  C 丙县 (county): 总分 total 6.00 → 5.50\n"
                 "    res 资源配比: 3.00 → 2.50\n");
    a_line = strstr(d, "  #1 数值 value A res 2024: 50 → 60 · 考核办 (test) ");
    assert_non_null(a_line);
    assert_non_null(strstr(a_line, " · fix.csv:2\n"));
    free(d);
    /* A's own figures change when its energy value changes */
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "energy", "2024", 0.4, &office, &f.err),
                     KH_OK);
    publish(&f);
    d = diff(&f, 2, 3, 0);
    expect_in(d, "  A 甲区 (county): 总分 total 10.80 → 12.00\n"
                 "    energy 能耗: 4.80 → 6.00\n");
    expect_in(d, "units whose results changed: 1\n"); /* B stays second with 10 */
    expect_in(d, "    原因 cause: 本单位数据变化 its own inputs changed: #1\n");
    expect_in(d, "#1 数值 value A energy 2024: 0.5 → 0.4 · 考核办 (test)");
    free(d);
    fx_done(&f);
}

static void test_diff_json_names_causes_and_input_indexes(void **state)
{
    struct fx f;
    char *d;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    publish(&f);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024", 60, &office, &f.err), 0);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "C", "energy", "2024", 0.7, &office, &f.err),
                     0);
    publish(&f);
    d = diff(&f, 1, 2, 1);
    expect_in(d, "{\"from\":{\"id\":1,\"hash\":\"");
    expect_in(d, "\"same_hash\":false,\"scheme_changed\":false");
    expect_in(d, "{\"unit\":\"B\",\"name\":\"乙区\",\"category\":\"county\","
                 "\"status\":\"changed\",\"total\":[10.80,10.00],\"rank\":[1,2]");
    expect_in(d, "\"cause\":\"others\",\"inputs\":[]}");
    expect_in(d, "{\"unit\":\"C\"");
    expect_in(d, "\"cause\":\"own_inputs\",\"inputs\":[1]}");
    expect_in(d, "{\"kind\":\"value\",\"unit\":\"A\",\"key\":{\"unit\":\"A\","
                 "\"indicator\":\"res\",\"period\":\"2024\"},\"from\":{\"value\":"
                 "\"50\"},\"to\":{\"value\":\"60\"},\"by\":\"考核办\"");
    free(d);
    fx_done(&f);
}

static void test_diff_shows_added_units_and_removed_records(void **state)
{
    struct fx f;
    char *d;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    fx_write(&f, "ev.csv", "unit,item,period\nA,honour,2024\n");
    fx_import_ok(&f, "events", "ev.csv");
    publish(&f);
    fx_write(&f, "u.csv", "id,name,category\nD,丁区,county\n");
    fx_write(&f, "v.csv", "unit,indicator,period,value\nD,res,2024,10\nD,energy,2024,1\n");
    fx_import_ok(&f, "units", "u.csv");
    fx_import_ok(&f, "values", "v.csv");
    fx_write(&f, "ev2.csv", "unit,item,period,level\nA,honour,2024,省级\n");
    fx_import_ok(&f, "events", "ev2.csv");
    publish(&f);
    d = diff(&f, 1, 2, 0);
    expect_in(d, "  A 甲区 (county): 总分 total 10.80 → 10.80 · 排名 rank 1/3 → 1/4\n"
                 "    原因 cause: 本单位数据变化 its own inputs changed: #1\n");
    expect_in(d, "  B 乙区 (county): 总分 total 10.80 → 10.80 · 排名 rank 1/3 → 1/4\n"
                 "    原因 cause: 其他单位数据变化");
    expect_in(d, "  D 丁区 (county) 新增 added: 总分 total — → 3.60 · 排名 rank — → 4/4\n");
    expect_in(d, "单位 unit D: (无 none) → name 丁区, category county");
    expect_in(d, "事项 event A honour 2024: count 1 → level 省级, count 1");
    free(d);
    fx_done(&f);
}

static void test_snapshot_reproduces_and_tampering_is_found(void **state)
{
    struct fx f;
    struct kh_snapshot_info a;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    fx_write(&f, "t.csv", "unit,indicator,period,target,baseline\nA,res,2024,45,\n");
    fx_write(&f, "e.csv", "unit,item,period,level,note\nA,honour,2024,省级,\"有\ttab\"\n");
    fx_write(&f, "b.csv", "meeting,evaluator,unit,score\nm,e,A,90\n");
    fx_import_ok(&f, "targets", "t.csv");
    fx_import_ok(&f, "events", "e.csv");
    fx_import_ok(&f, "ballots", "b.csv");
    a = publish(&f);
    assert_int_equal(kh_store_snapshot_verify(f.st, f.jid, a.id, &f.err), KH_OK);
    /* later changes to the live data do not affect the snapshot */
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024", 1, &office, &f.err), 0);
    assert_int_equal(kh_store_snapshot_verify(f.st, f.jid, a.id, &f.err), KH_OK);
    /* the frozen records cannot be changed … */
    assert_int_not_equal(fx_exec(f.db, "UPDATE snapshot_input SET data = '1'"), SQLITE_OK);
    assert_int_not_equal(fx_exec(f.db, "DELETE FROM snapshot_score"), SQLITE_OK);
    assert_int_not_equal(fx_exec(f.db, "UPDATE snapshot SET hash = 'x'"), SQLITE_OK);
    /* … and if someone forces it, verification notices */
    assert_int_equal(fx_exec(f.db, "DROP TRIGGER snapshot_input_frozen_u; UPDATE snapshot_input "
                                   "SET data = '49' WHERE kind = 'value' AND key LIKE 'A\tres%'"),
                     SQLITE_OK);
    assert_int_equal(kh_store_snapshot_verify(f.st, f.jid, a.id, &f.err), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "does not reproduce"));
    assert_int_equal(kh_store_snapshot_verify(f.st, f.jid, 99, &f.err), KH_ENOTFOUND);
    fx_done(&f);
}

static void test_score_from_store_takes_only_the_units_the_scheme_assesses(void **state)
{
    struct fx f;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    /* villages, assessed by another scheme, live in the same jurisdiction */
    fx_write(&f, "villages.csv", "id,name,category,parent\nV1,一村,village,A\n");
    fx_write(&f, "vv.csv", "unit,indicator,period,value\nV1,res,2024,1000\n");
    fx_import_ok(&f, "units", "villages.csv");
    fx_import_ok(&f, "values", "vv.csv");
    assert_int_equal(kh_store_score(f.st, f.jid, "prop", 0, "2024", &s, &ds, &r, &f.err), KH_OK);
    assert_int_equal(ds->nunits, 3);
    assert_true(fabs(kh_result_display(r, 0, 0) - 10.8) < 1e-9);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
    assert_int_equal(kh_store_dataset(f.st, f.jid, &ds, &f.err), KH_OK);
    assert_int_equal(ds->nunits, 4);
    kh_dataset_free(ds);
    assert_int_equal(kh_store_score(f.st, f.jid, "prop", 0, "20x4", &s, &ds, &r, &f.err),
                     KH_EINVAL);
    assert_true(s == NULL && ds == NULL && r == NULL);
    fx_done(&f);
}

static void test_snapshots_of_another_jurisdiction_are_not_visible(void **state)
{
    struct fx f;
    struct kh_snapshot_info info;
    struct kh_buf out;
    int64_t other;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    publish(&f);
    assert_int_equal(kh_store_jurisdiction(f.st, "other", NULL, 1, &other, &f.err), KH_OK);
    assert_int_equal(kh_store_snapshot(f.st, other, 1, &info, &f.err), KH_ENOTFOUND);
    kh_buf_init(&out, 0);
    assert_int_equal(kh_store_diff(f.st, other, 1, 1, 0, &out, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_publish(f.st, other, "prop", 0, "2024", &office, &info, &f.err),
                     KH_ENOTFOUND);
    kh_buf_free(&out);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_scores_the_version_asked_for_or_the_latest),
        cmocka_unit_test(test_publish_twice_without_changes_gives_the_same_hash),
        cmocka_unit_test(test_hash_depends_on_content_not_on_the_store),
        cmocka_unit_test(test_diff_links_own_inputs_and_moves_by_relative_rules),
        cmocka_unit_test(test_diff_json_names_causes_and_input_indexes),
        cmocka_unit_test(test_diff_shows_added_units_and_removed_records),
        cmocka_unit_test(test_snapshot_reproduces_and_tampering_is_found),
        cmocka_unit_test(test_score_from_store_takes_only_the_units_the_scheme_assesses),
        cmocka_unit_test(test_snapshots_of_another_jurisdiction_are_not_visible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
