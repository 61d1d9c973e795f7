/*
 * test_store_appeal.c — appeals (store_appeal.c): filing checks the unit,
 * period, scored item, reason and evidence; the office decides once;
 * rejecting needs a reason; accepting applies corrections as the office
 * and, when the scheme and period were published, publishes a new
 * snapshot in the same transaction with the diff and the units whose
 * results changed, which then see the appeal; a refused correction leaves
 * everything as it was; jurisdictions never see each other's appeals.
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

/* An appeal of unit on node of prop for 2024. */
static struct kh_appeal appeal(const char *unit, const char *node, char *reason)
{
    struct kh_appeal a;
    memset(&a, 0, sizeof(a));
    snprintf(a.unit, sizeof(a.unit), "%s", unit);
    snprintf(a.scheme_id, sizeof(a.scheme_id), "prop");
    snprintf(a.node, sizeof(a.node), "%s", node);
    snprintf(a.period, sizeof(a.period), "2024");
    a.reason = reason;
    return a;
}

static char reason_text[] = "甲区资源数据填报有误，\n应为 60。";

static void test_filing_checks_unit_period_item_reason_and_evidence(void **state)
{
    struct fx f;
    struct kh_appeal a = appeal("C", "res", reason_text), got;
    struct kh_evidence ev;
    int64_t id, other;
    char empty[] = "  \n", *big;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_jurisdiction(f.st, "other", NULL, 1, &other, &f.err), KH_OK);
    snprintf(a.unit, sizeof(a.unit), "ZZ");
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_ENOTFOUND);
    snprintf(a.unit, sizeof(a.unit), "C");
    snprintf(a.period, sizeof(a.period), "2023");
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_ENOTFOUND);
    assert_non_null(strstr(f.err.msg, "period"));
    snprintf(a.period, sizeof(a.period), "2024");
    snprintf(a.node, sizeof(a.node), "nothing");
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "node:"));
    snprintf(a.node, sizeof(a.node), "res");
    snprintf(a.scheme_id, sizeof(a.scheme_id), "none");
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_ENOTFOUND);
    snprintf(a.scheme_id, sizeof(a.scheme_id), "prop");
    a.reason = empty;
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "reason:"));
    big = malloc(4002);
    memset(big, 'x', 4001);
    big[4001] = 0;
    a.reason = big;
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_EINVAL);
    free(big);
    a.reason = reason_text;
    /* evidence of another jurisdiction is not evidence here */
    assert_int_equal(
        kh_store_evidence_add(f.st, other, "x.pdf", NULL, NULL, "x", 1, 10, &office, &ev, &f.err),
        KH_OK);
    snprintf(a.evidence, sizeof(a.evidence), "%lld", (long long)ev.id);
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "evidence:"));
    assert_int_equal(
        kh_store_evidence_add(f.st, f.jid, "y.pdf", NULL, "C", "y", 1, 10, &dept, &ev, &f.err),
        KH_OK);
    snprintf(a.evidence, sizeof(a.evidence), "%lld,", (long long)ev.id);
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_EINVAL);
    snprintf(a.evidence, sizeof(a.evidence), "%lld", (long long)ev.id);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM appeal"), 0);
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_OK);
    assert_int_equal(kh_store_appeal_get(f.st, f.jid, id, &got, &f.err), KH_OK);
    assert_string_equal(got.unit, "C");
    assert_string_equal(got.node, "res");
    assert_string_equal(got.reason, reason_text);
    assert_int_equal(got.state, KH_APPEAL_OPEN);
    assert_null(got.decision);
    assert_null(got.affected);
    assert_string_equal(got.filed_by, "统计局");
    assert_string_equal(got.decided_by, "");
    kh_appeal_clear(&got);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE action = 'file'"), 1);
    /* invisible from the other jurisdiction */
    assert_int_equal(kh_store_appeal_get(f.st, other, id, &got, &f.err), KH_ENOTFOUND);
    fx_done(&f);
}

static void test_rejecting_needs_a_reason_and_an_appeal_is_decided_once(void **state)
{
    struct fx f;
    struct kh_appeal a = appeal("C", "res", reason_text), got;
    int64_t id, other;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_jurisdiction(f.st, "other", NULL, 1, &other, &f.err), KH_OK);
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_OK);
    assert_int_equal(kh_store_appeal_decide(f.st, f.jid, id, 0, "", NULL, 0, &office, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "reason"));
    assert_int_equal(kh_store_appeal_decide(f.st, f.jid, id, 0, "不成立", NULL, 0, &dept, &f.err),
                     KH_EINVAL); /* the office decides */
    assert_int_equal(kh_store_appeal_decide(f.st, other, id, 0, "不成立", NULL, 0, &office, &f.err),
                     KH_ENOTFOUND);
    assert_int_equal(
        kh_store_appeal_decide(f.st, f.jid, id, 0, "数据核实无误", NULL, 0, &office, &f.err),
        KH_OK);
    assert_int_equal(kh_store_appeal_get(f.st, f.jid, id, &got, &f.err), KH_OK);
    assert_int_equal(got.state, KH_APPEAL_REJECTED);
    assert_string_equal(got.decision, "数据核实无误");
    assert_string_equal(got.decided_by, "考核办");
    assert_true(got.decided_at[0] == '2' && got.snapshot_after == 0);
    assert_null(got.affected);
    kh_appeal_clear(&got);
    assert_int_equal(kh_store_appeal_decide(f.st, f.jid, id, 1, NULL, NULL, 0, &office, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "already decided"));
    assert_int_equal(kh_store_appeal_decide(f.st, f.jid, id, 0, "再次", NULL, 0, &office, &f.err),
                     KH_EINVAL);
    /* and the schema itself keeps a decided appeal */
    assert_int_not_equal(fx_exec(f.db, "UPDATE appeal SET state = 0"), SQLITE_OK);
    assert_int_not_equal(fx_exec(f.db, "DELETE FROM appeal"), SQLITE_OK);
    fx_done(&f);
}

static void test_accepting_corrects_publishes_and_lists_the_units_it_moved(void **state)
{
    struct fx f;
    struct kh_appeal a = appeal("C", "res", reason_text), got, *list;
    struct kh_snapshot_info s1, *snaps;
    struct kh_value_in fix = {"A", "res", "2024", 60};
    struct kh_buf b;
    int64_t id, id2, gen0, gen1;
    size_t n;
    double v;
    int st;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_publish(f.st, f.jid, "prop", 0, "2024", &office, &s1, &f.err), KH_OK);
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_OK);
    a = appeal("A", "energy", reason_text);
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id2, &f.err), KH_OK);
    assert_int_equal(kh_store_generation(f.st, f.jid, &gen0, &f.err), KH_OK);
    assert_int_equal(kh_store_appeal_decide(f.st, f.jid, id, 1, "情况属实", &fix, 1, &dept, &f.err),
                     KH_EINVAL);
    assert_int_equal(
        kh_store_appeal_decide(f.st, f.jid, id, 1, "情况属实", &fix, 1, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_generation(f.st, f.jid, &gen1, &f.err), KH_OK);
    assert_true(gen1 > gen0);
    /* the correction, approved, as the office */
    assert_int_equal(kh_store_value_get(f.st, f.jid, "A", "res", "2024", &v, &st, &f.err), KH_OK);
    assert_true(v == 60 && st == KH_REVIEW_APPROVED);
    assert_int_equal(kh_store_appeal_get(f.st, f.jid, id, &got, &f.err), KH_OK);
    assert_int_equal(got.state, KH_APPEAL_ACCEPTED);
    assert_string_equal(got.decision, "情况属实");
    assert_true(got.snapshot_before == s1.id && got.snapshot_after > s1.id);
    /* A keeps first place on res (6 points); B and C move: 6 × 40/60, 6 × 25/60 */
    assert_string_equal(got.affected, "B,C");
    assert_non_null(got.diff);
    assert_non_null(strstr(got.diff, "\"units\""));
    assert_non_null(strstr(got.diff, "\"B\""));
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_diff(f.st, f.jid, s1.id, got.snapshot_after, 1, &b, &f.err), KH_OK);
    assert_string_equal(got.diff, kh_buf_str(&b));
    kh_buf_free(&b);
    assert_int_equal(kh_store_snapshot_verify(f.st, f.jid, got.snapshot_after, &f.err), KH_OK);
    kh_appeal_clear(&got);
    assert_int_equal(kh_store_snapshot_list(f.st, f.jid, &snaps, &n, &f.err), KH_OK);
    assert_int_equal(n, 2);
    free(snaps);
    /* who sees it: all; the filer C; B, which it moved; not A */
    assert_int_equal(kh_store_appeal_list(f.st, f.jid, NULL, &list, &n, &f.err), KH_OK);
    assert_int_equal(n, 2);
    assert_true(list[0].id == id2 && list[1].id == id); /* newest first */
    assert_string_equal(list[1].affected, "B,C");
    kh_appeal_clear(&list[0]);
    kh_appeal_clear(&list[1]);
    free(list);
    assert_int_equal(kh_store_appeal_list(f.st, f.jid, "B", &list, &n, &f.err), KH_OK);
    assert_int_equal(n, 1);
    assert_true(list[0].id == id);
    kh_appeal_clear(&list[0]);
    free(list);
    assert_int_equal(kh_store_appeal_list(f.st, f.jid, "A", &list, &n, &f.err), KH_OK);
    assert_int_equal(n, 1);
    assert_true(list[0].id == id2); /* only the one A filed */
    kh_appeal_clear(&list[0]);
    free(list);
    assert_int_equal(kh_store_appeal_list(f.st, f.jid, "ZZ", &list, &n, &f.err), KH_ENOTFOUND);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE action = 'accept' AND "
                                    "instr(new, 'units changed: B,C') > 0"),
                     1);
    if (kh_store_check(f.st, &f.err))
        fail_msg("check: %s", f.err.msg);
    fx_done(&f);
}

static void test_accepting_without_a_snapshot_only_corrects(void **state)
{
    struct fx f;
    struct kh_appeal a = appeal("C", "res", reason_text), got;
    struct kh_value_in fix = {"C", "res", "2024", 30};
    int64_t id;
    double v;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_OK);
    assert_int_equal(kh_store_appeal_decide(f.st, f.jid, id, 1, NULL, &fix, 1, &office, &f.err),
                     KH_OK);
    assert_int_equal(kh_store_value_get(f.st, f.jid, "C", "res", "2024", &v, NULL, &f.err), KH_OK);
    assert_true(v == 30);
    assert_int_equal(kh_store_appeal_get(f.st, f.jid, id, &got, &f.err), KH_OK);
    assert_int_equal(got.state, KH_APPEAL_ACCEPTED);
    assert_null(got.decision);
    assert_null(got.diff);
    assert_string_equal(got.affected, "");
    assert_true(got.snapshot_before == 0 && got.snapshot_after == 0);
    kh_appeal_clear(&got);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM snapshot"), 0);
    fx_done(&f);
}

static void test_a_refused_correction_leaves_everything_as_it_was(void **state)
{
    struct fx f;
    struct kh_appeal a = appeal("C", "res", reason_text), got;
    struct kh_snapshot_info s1;
    struct kh_value_in fix[2] = {{"C", "res", "2024", 30}, {"ZZ", "res", "2024", 1}};
    struct kh_buf before, after;
    int64_t id;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_publish(f.st, f.jid, "prop", 0, "2024", &office, &s1, &f.err), KH_OK);
    assert_int_equal(kh_store_appeal_file(f.st, f.jid, &a, &dept, &id, &f.err), KH_OK);
    kh_buf_init(&before, 0);
    kh_buf_init(&after, 0);
    fx_dump(f.db, &before);
    assert_int_equal(kh_store_appeal_decide(f.st, f.jid, id, 1, "属实", fix, 2, &office, &f.err),
                     KH_ENOTFOUND);
    assert_non_null(strstr(f.err.msg, "corrections[1]: "));
    fx_dump(f.db, &after);
    assert_string_equal(kh_buf_str(&before), kh_buf_str(&after));
    kh_buf_reset(&before);
    kh_buf_reset(&after);
    /* in a locked period, the correction is refused */
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 1, NULL, &office, &f.err), KH_OK);
    fx_dump(f.db, &before);
    assert_int_equal(kh_store_appeal_decide(f.st, f.jid, id, 1, "属实", fix, 1, &office, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "corrections[0]: "));
    assert_non_null(strstr(f.err.msg, "locked"));
    fx_dump(f.db, &after);
    assert_string_equal(kh_buf_str(&before), kh_buf_str(&after));
    assert_int_equal(kh_store_appeal_get(f.st, f.jid, id, &got, &f.err), KH_OK);
    assert_int_equal(got.state, KH_APPEAL_OPEN);
    kh_appeal_clear(&got);
    kh_buf_free(&before);
    kh_buf_free(&after);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filing_checks_unit_period_item_reason_and_evidence),
        cmocka_unit_test(test_rejecting_needs_a_reason_and_an_appeal_is_decided_once),
        cmocka_unit_test(test_accepting_corrects_publishes_and_lists_the_units_it_moved),
        cmocka_unit_test(test_accepting_without_a_snapshot_only_corrects),
        cmocka_unit_test(test_a_refused_correction_leaves_everything_as_it_was),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
