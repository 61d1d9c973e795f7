/*
 * test_store.c — the store's foundations (kaohe/store.h): creating and
 * opening files (WAL, foreign keys, schema version, refusing files that
 * are not kaohe stores or come from a newer kaohe), jurisdictions, scheme
 * versions, period locks, single values and their review, the audit log
 * (append-only, written with each change) and scoring from the store.
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

static void test_store_open_missing_file_says_run_init(void **state)
{
    struct kh_store *st = NULL;
    struct kh_err err;
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_store_open("/nonexistent-dir/kaohe.db", 0, &st, &err), KH_ENOTFOUND);
    assert_null(st);
    assert_non_null(strstr(err.msg, "kaohe init"));
}

static void test_store_init_creates_wal_file_with_foreign_keys_and_schema_version(void **state)
{
    struct fx f;
    (void)state;
    fx_start(&f);
    assert_int_equal(kh_store_schema_version(f.st), 3);
    assert_int_equal(fx_query(f.db, "SELECT version FROM schema_version"), 3);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM pragma_journal_mode WHERE "
                                    "journal_mode = 'wal'"),
                     1);
    assert_int_equal(fx_query(f.db, "PRAGMA application_id"), 0x6B686462);
    assert_int_equal(kh_store_check(f.st, &f.err), KH_OK);
    fx_done(&f);
}

static void test_store_reopen_keeps_data_and_does_not_migrate_again(void **state)
{
    struct fx f;
    int64_t jid;
    (void)state;
    fx_start(&f);
    kh_store_close(f.st);
    assert_int_equal(kh_store_open(f.db, 0, &f.st, &f.err), KH_OK);
    assert_int_equal(kh_store_jurisdiction(f.st, "default", NULL, 0, &jid, &f.err), KH_OK);
    assert_true(jid == f.jid);
    fx_done(&f);
}

static void test_store_refuses_other_sqlite_files_and_plain_files(void **state)
{
    struct fx f;
    struct kh_store *st = NULL;
    (void)state;
    fx_start(&f);
    assert_int_equal(fx_exec(fx_path(&f, "other.db"), "CREATE TABLE t (x)"), SQLITE_OK);
    assert_int_equal(kh_store_open(fx_path(&f, "other.db"), 0, &st, &f.err), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "not a kaohe store"));
    fx_write(&f, "notes.txt", "this is not a database, just some text that is long enough\n");
    assert_int_equal(kh_store_open(fx_path(&f, "notes.txt"), 0, &st, &f.err), KH_EIO);
    assert_non_null(strstr(f.err.msg, "damaged or not a kaohe store"));
    assert_null(st);
    fx_done(&f);
}

static void test_store_refuses_a_newer_schema(void **state)
{
    struct fx f;
    struct kh_store *st = NULL;
    (void)state;
    fx_start(&f);
    kh_store_close(f.st);
    f.st = NULL;
    assert_int_equal(fx_exec(f.db, "UPDATE schema_version SET version = 99"), SQLITE_OK);
    assert_int_equal(kh_store_open(f.db, 0, &st, &f.err), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "schema version 99"));
    fx_done(&f);
}

static void test_jurisdiction_codes_are_found_created_and_checked(void **state)
{
    struct fx f;
    int64_t a, b;
    (void)state;
    fx_start(&f);
    assert_int_equal(kh_store_jurisdiction(f.st, "city", NULL, 0, &a, &f.err), KH_ENOTFOUND);
    assert_non_null(strstr(f.err.msg, "kaohe init --jurisdiction city"));
    assert_int_equal(kh_store_jurisdiction(f.st, "city", "市", 1, &a, &f.err), KH_OK);
    assert_int_equal(kh_store_jurisdiction(f.st, "city", NULL, 1, &b, &f.err), KH_OK);
    assert_true(a == b && a != f.jid);
    assert_int_equal(kh_store_jurisdiction(f.st, "has space", NULL, 1, &b, &f.err), KH_EINVAL);
    assert_int_equal(kh_store_jurisdiction(f.st, "", NULL, 1, &b, &f.err), KH_EINVAL);
    fx_done(&f);
}

static void test_scheme_same_text_keeps_its_version_and_a_new_text_gets_the_next(void **state)
{
    struct fx f;
    struct kh_scheme *s = NULL;
    char *v2;
    int version;
    (void)state;
    fx_start(&f);
    assert_int_equal(kh_store_scheme_add(f.st, f.jid, "scheme.yaml", fx_scheme, strlen(fx_scheme),
                                         &office, &version, &f.err),
                     KH_OK);
    assert_int_equal(version, 1);
    assert_int_equal(kh_store_scheme_add(f.st, f.jid, "again.yaml", fx_scheme, strlen(fx_scheme),
                                         &office, &version, &f.err),
                     KH_OK);
    assert_int_equal(version, 1);
    v2 = malloc(strlen(fx_scheme) + 40);
    assert_non_null(v2);
    snprintf(v2, strlen(fx_scheme) + 40, "%s", fx_scheme);
    memcpy(strstr(v2, "按第一名比例"), "按第二名比例", strlen("按第二名比例"));
    assert_int_equal(
        kh_store_scheme_add(f.st, f.jid, "v2.yaml", v2, strlen(v2), &office, &version, &f.err),
        KH_OK);
    assert_int_equal(version, 2);
    assert_int_equal(kh_store_scheme_load(f.st, f.jid, "prop", 0, &s, &f.err), KH_OK);
    assert_string_equal(kh_scheme_name(s), "按第二名比例");
    kh_scheme_free(s);
    assert_int_equal(kh_store_scheme_load(f.st, f.jid, "prop", 1, &s, &f.err), KH_OK);
    assert_string_equal(kh_scheme_name(s), "按第一名比例");
    kh_scheme_free(s);
    assert_int_equal(kh_store_scheme_load(f.st, f.jid, "prop", 3, &s, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_scheme_load(f.st, f.jid, "nope", 0, &s, &f.err), KH_ENOTFOUND);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM scheme_version"), 2);
    free(v2);
    fx_done(&f);
}

static void test_scheme_with_an_error_is_refused_with_its_position(void **state)
{
    static const char bad[] = "kaohe: 1\nscheme: {id: x, name: y}\ncategories: {a: A}\n"
                              "indicators:\n  - {id: n, name: N, points: 5, rule: nonsense}\n";
    struct fx f;
    int version;
    (void)state;
    fx_start(&f);
    assert_int_equal(
        kh_store_scheme_add(f.st, f.jid, "bad.yaml", bad, strlen(bad), &office, &version, &f.err),
        KH_EINVAL);
    assert_string_equal(f.err.file, "bad.yaml");
    assert_int_equal(f.err.line, 5);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM scheme_version"), 0);
    fx_done(&f);
}

static void test_value_set_is_audited_and_refused_in_a_locked_period(void **state)
{
    struct fx f;
    struct kh_buf b;
    double v;
    int st;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024", 55, &office, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_value_get(f.st, f.jid, "A", "res", "2024", &v, &st, &f.err), KH_OK);
    assert_true(v == 55 && st == KH_REVIEW_APPROVED);
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 1, NULL, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024", 56, &office, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "period 2024 is locked"));
    /* a month inside the locked year is locked too */
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024-03", 1, &office, &f.err),
                     KH_EINVAL);
    /* unlocking needs a reason */
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 0, "", &office, &f.err), KH_EINVAL);
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 0, "更正统计口径", &office, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024", 56, &office, &f.err),
                     KH_OK);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_audit(f.st, f.jid, 0, &b, &f.err), KH_OK);
    assert_non_null(strstr(kh_buf_str(&b), "修改 update value A res 2024: 50 → 55"));
    assert_non_null(strstr(kh_buf_str(&b), "锁定 lock period 2024"));
    assert_non_null(strstr(kh_buf_str(&b), "解锁 unlock period 2024: locked → 更正统计口径"));
    assert_non_null(strstr(kh_buf_str(&b), "修改 update value A res 2024: 55 → 56"));
    assert_null(strstr(kh_buf_str(&b), "→ 1\n"));
    kh_buf_free(&b);
    fx_done(&f);
}

static void test_review_moves_submitted_values_and_only_approved_ones_score(void **state)
{
    struct fx f;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    int st;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    /* an approved value changes only through the office */
    assert_int_equal(kh_store_value_set(f.st, f.jid, "C", "res", "2024", 50, &dept, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "only the office"));
    /* returning needs a note, and is for the office */
    assert_int_equal(kh_store_value_review(f.st, f.jid, "C", "res", "2024", KH_REVIEW_RETURNED,
                                           NULL, &office, &f.err),
                     KH_EINVAL);
    assert_int_equal(kh_store_value_review(f.st, f.jid, "C", "res", "2024", KH_REVIEW_RETURNED,
                                           "请核实", &dept, &f.err),
                     KH_EINVAL);
    assert_int_equal(kh_store_value_review(f.st, f.jid, "C", "res", "2024", KH_REVIEW_RETURNED,
                                           "请核实", &office, &f.err),
                     KH_OK);
    /* a returned value does not count: C has no resource value now */
    assert_int_equal(kh_store_score(f.st, f.jid, "prop", 0, "2024", &s, &ds, &r, &f.err),
                     KH_EINVAL);
    assert_null(s);
    assert_non_null(strstr(f.err.msg, "C"));
    /* the department corrects it (a draft), submits, the office approves */
    assert_int_equal(kh_store_value_set(f.st, f.jid, "C", "res", "2024", 50, &dept, &f.err), KH_OK);
    assert_int_equal(kh_store_value_get(f.st, f.jid, "C", "res", "2024", NULL, &st, &f.err), KH_OK);
    assert_int_equal(st, KH_REVIEW_DRAFT);
    assert_int_equal(kh_store_value_review(f.st, f.jid, "C", "res", "2024", KH_REVIEW_SUBMITTED,
                                           NULL, &dept, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_value_review(f.st, f.jid, "C", "res", "2024", KH_REVIEW_APPROVED,
                                           NULL, &dept, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "for the office"));
    assert_int_equal(kh_store_value_review(f.st, f.jid, "C", "res", "2024", KH_REVIEW_APPROVED,
                                           "核实无误", &office, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_score(f.st, f.jid, "prop", 0, "2024", &s, &ds, &r, &f.err), KH_OK);
    assert_true(kh_result_score(r, kh_dataset_unit(ds, "C"), 1) == 6.0);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
    fx_done(&f);
}

static void test_audit_log_batches_and_snapshots_refuse_update_and_delete(void **state)
{
    struct fx f;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_not_equal(fx_exec(f.db, "UPDATE audit SET new = 'forged'"), SQLITE_OK);
    assert_int_not_equal(fx_exec(f.db, "DELETE FROM audit"), SQLITE_OK);
    assert_int_not_equal(fx_exec(f.db, "DELETE FROM batch"), SQLITE_OK);
    assert_true(fx_query(f.db, "SELECT count(*) FROM audit") > 0);
    fx_done(&f);
}

static void test_audit_limit_keeps_the_newest_entries_in_order(void **state)
{
    struct fx f;
    struct kh_buf b;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024", 1, &office, &f.err), 0);
    assert_int_equal(kh_store_value_set(f.st, f.jid, "A", "res", "2024", 2, &office, &f.err), 0);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_audit(f.st, f.jid, 2, &b, &f.err), KH_OK);
    assert_non_null(strstr(kh_buf_str(&b), "50 → 1\n"));
    assert_true(strstr(kh_buf_str(&b), "50 → 1\n") < strstr(kh_buf_str(&b), "1 → 2\n"));
    assert_null(strstr(kh_buf_str(&b), "导入"));
    kh_buf_free(&b);
    fx_done(&f);
}

static void test_changes_need_a_named_actor(void **state)
{
    static const struct kh_actor nobody = {"", "cli", 1};
    struct fx f;
    struct kh_import_report rep;
    (void)state;
    fx_start(&f);
    fx_write(&f, "units.csv", fx_units);
    assert_int_equal(fx_import(&f, "units", "units.csv", &nobody, &rep), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "who"));
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 1, NULL, NULL, &f.err), KH_EINVAL);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_open_missing_file_says_run_init),
        cmocka_unit_test(test_store_init_creates_wal_file_with_foreign_keys_and_schema_version),
        cmocka_unit_test(test_store_reopen_keeps_data_and_does_not_migrate_again),
        cmocka_unit_test(test_store_refuses_other_sqlite_files_and_plain_files),
        cmocka_unit_test(test_store_refuses_a_newer_schema),
        cmocka_unit_test(test_jurisdiction_codes_are_found_created_and_checked),
        cmocka_unit_test(test_scheme_same_text_keeps_its_version_and_a_new_text_gets_the_next),
        cmocka_unit_test(test_scheme_with_an_error_is_refused_with_its_position),
        cmocka_unit_test(test_value_set_is_audited_and_refused_in_a_locked_period),
        cmocka_unit_test(test_review_moves_submitted_values_and_only_approved_ones_score),
        cmocka_unit_test(test_audit_log_batches_and_snapshots_refuse_update_and_delete),
        cmocka_unit_test(test_audit_limit_keeps_the_newest_entries_in_order),
        cmocka_unit_test(test_changes_need_a_named_actor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
