/*
 * test_store_account.c — accounts, passwords and sessions of the store
 * (kaohe/store.h, store_account.c): roles and their scope, argon2id
 * hashes only, one message for every failed sign-in taking about as long
 * for an unknown name, disabled accounts, password changes ending
 * sessions, session tokens kept only as hashes, expiry and tampering, and
 * jurisdictions that never see each other's accounts or sessions.
 *
 * Argon2id is slow under the sanitizers: the tests hash few passwords.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "store_fixture.h"

#define PW "correct horse"

/* An account of role `role` named name (unit or indicators as given). */
static struct kh_account acct(const char *name, int role, const char *unit, const char *inds)
{
    struct kh_account a;
    memset(&a, 0, sizeof(a));
    snprintf(a.name, sizeof(a.name), "%s", name);
    snprintf(a.display, sizeof(a.display), "显示 %s", name);
    a.role = role;
    snprintf(a.unit, sizeof(a.unit), "%s", unit ? unit : "");
    snprintf(a.indicators, sizeof(a.indicators), "%s", inds ? inds : "");
    return a;
}

/* Create account a with PW; returns its id. */
static int64_t make(struct fx *f, int64_t jid, const struct kh_account *a)
{
    int64_t id = 0;
    if (kh_store_account_create(f->st, jid, a, PW, &office, &id, &f->err))
        fail_msg("create %s: %s", a->name, f->err.msg);
    assert_true(id > 0);
    return id;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_role_names_round_trip(void **state)
{
    int r;
    (void)state;
    for (r = 1; r <= KH_ROLE_MAX; r++)
        assert_int_equal(kh_role_parse(kh_role_name(r)), r);
    assert_string_equal(kh_role_name(KH_ROLE_REPORTER), "reporter");
    assert_null(kh_role_name(0));
    assert_null(kh_role_name(KH_ROLE_MAX + 1));
    assert_int_equal(kh_role_parse("root"), 0);
    assert_int_equal(kh_role_parse(NULL), 0);
}

static void test_account_create_keeps_only_an_argon2id_hash_and_is_audited(void **state)
{
    struct fx f;
    struct kh_account a = acct("zhang.san", KH_ROLE_REPORTER, "A", NULL), got, *list;
    struct kh_account d = acct("tongji", KH_ROLE_DEPT, NULL, "res,energy");
    struct kh_buf b;
    size_t n;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    make(&f, f.jid, &a);
    make(&f, f.jid, &d);
    assert_int_equal(kh_store_account_get(f.st, f.jid, "zhang.san", &got, &f.err), KH_OK);
    assert_int_equal(got.role, KH_ROLE_REPORTER);
    assert_string_equal(got.unit, "A");
    assert_string_equal(got.display, "显示 zhang.san");
    assert_true(got.jid == f.jid && got.created_at[0] == '2' && !got.disabled);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM account WHERE pwhash LIKE "
                                    "'$argon2id$%' AND instr(pwhash, 'horse') = 0"),
                     2);
    assert_int_equal(kh_store_account_list(f.st, f.jid, &list, &n, &f.err), KH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "tongji"); /* by name */
    assert_string_equal(list[0].indicators, "res,energy");
    assert_string_equal(list[1].name, "zhang.san");
    free(list);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_audit(f.st, f.jid, 0, &b, &f.err), KH_OK);
    assert_non_null(strstr(kh_buf_str(&b), "新增 insert account zhang.san: role reporter, unit A"));
    assert_null(strstr(kh_buf_str(&b), "horse"));
    kh_buf_free(&b);
    assert_int_equal(kh_store_account_get(f.st, f.jid, "nobody", &got, &f.err), KH_ENOTFOUND);
    fx_done(&f);
}

static void test_account_create_refuses_bad_fields_naming_them(void **state)
{
    static const struct {
        const char *name;
        int role;
        const char *unit, *inds, *password, *field;
    } bad[] = {
        {"", KH_ROLE_ADMIN, NULL, NULL, PW, "name:"},
        {"张三", KH_ROLE_ADMIN, NULL, NULL, PW, "name:"},
        {"a b", KH_ROLE_ADMIN, NULL, NULL, PW, "name:"},
        {"x", 0, NULL, NULL, PW, "role:"},
        {"x", 7, NULL, NULL, PW, "role:"},
        {"x", KH_ROLE_REPORTER, NULL, NULL, PW, "unit:"},
        {"x", KH_ROLE_ADMIN, "A", NULL, PW, "unit:"},
        {"x", KH_ROLE_DEPT, NULL, NULL, PW, "indicators:"},
        {"x", KH_ROLE_DEPT, NULL, "res,,energy", PW, "indicators:"},
        {"x", KH_ROLE_LEADER, NULL, "res", PW, "indicators:"},
        {"x", KH_ROLE_ADMIN, NULL, NULL, "short", "password:"},
        {"x", KH_ROLE_REPORTER, "ZZ", NULL, PW, "unit:"}, /* no such unit */
    };
    struct fx f;
    struct kh_account a;
    size_t i;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        a = acct(bad[i].name, bad[i].role, bad[i].unit, bad[i].inds);
        assert_int_equal(
            kh_store_account_create(f.st, f.jid, &a, bad[i].password, &office, NULL, &f.err),
            KH_EINVAL);
        if (strncmp(f.err.msg, bad[i].field, strlen(bad[i].field)) != 0)
            fail_msg("case %zu: %s", i, f.err.msg);
    }
    a = acct("li", KH_ROLE_LEADER, NULL, NULL);
    make(&f, f.jid, &a);
    assert_int_equal(kh_store_account_create(f.st, f.jid, &a, PW, &office, NULL, &f.err),
                     KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "taken"));
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM account"), 1);
    fx_done(&f);
}

static void test_verify_gives_one_message_and_takes_as_long_for_an_unknown_name(void **state)
{
    struct fx f;
    struct kh_account a = acct("wang", KH_ROLE_ADMIN, NULL, NULL), out;
    char wrong[sizeof(f.err.msg)];
    double t0, known, unknown;
    (void)state;
    fx_start(&f);
    make(&f, f.jid, &a);
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "wang", PW, &out, &f.err), KH_OK);
    assert_string_equal(out.name, "wang");
    t0 = seconds();
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "wang", "not the one", &out, &f.err),
                     KH_EINVAL);
    known = seconds() - t0;
    snprintf(wrong, sizeof(wrong), "%s", f.err.msg);
    assert_string_equal(wrong, "wrong user name or password");
    t0 = seconds();
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "nobody", PW, &out, &f.err), KH_EINVAL);
    unknown = seconds() - t0;
    assert_string_equal(f.err.msg, wrong);
    /* an unknown name runs the same argon2id verification (loose bound:
     * sanitizers and busy machines make timings noisy) */
    assert_true(unknown > known / 3);
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "", PW, &out, &f.err), KH_EINVAL);
    assert_string_equal(f.err.msg, wrong);
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "wang", NULL, &out, &f.err), KH_EINVAL);
    assert_string_equal(f.err.msg, wrong);
    fx_done(&f);
}

static void test_disabled_account_cannot_sign_in_and_loses_its_sessions(void **state)
{
    struct fx f;
    struct kh_account a = acct("zhao", KH_ROLE_REPORTER, "A", NULL), out;
    char token[65], csrf[65];
    struct kh_buf b;
    int64_t id;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    id = make(&f, f.jid, &a);
    assert_int_equal(kh_store_session_create(f.st, id, 3600, token, csrf, &f.err), KH_OK);
    a.disabled = 1;
    a.role = KH_ROLE_REVIEWER;
    a.unit[0] = 0;
    assert_int_equal(kh_store_account_update(f.st, f.jid, &a, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_session_get(f.st, token, NULL, NULL, &f.err), KH_ENOTFOUND);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM session"), 0);
    /* "account disabled" only for the right password */
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "zhao", PW, &out, &f.err), KH_EINVAL);
    assert_string_equal(f.err.msg, "account disabled");
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "zhao", "guessing!", &out, &f.err),
                     KH_EINVAL);
    assert_string_equal(f.err.msg, "wrong user name or password");
    assert_int_equal(kh_store_session_create(f.st, id, 3600, token, csrf, &f.err), KH_EINVAL);
    /* the same fields again change nothing (no audit entry) */
    assert_int_equal(kh_store_account_update(f.st, f.jid, &a, &office, &f.err), KH_OK);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_audit(f.st, f.jid, 0, &b, &f.err), KH_OK);
    assert_non_null(strstr(kh_buf_str(&b),
                           "修改 update account zhao: role reporter, unit A, display 显示 zhao → "
                           "role reviewer, display 显示 zhao, disabled\n"));
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE entity = 'account'"), 2);
    kh_buf_free(&b);
    a.role = KH_ROLE_DEPT; /* checked as for create */
    assert_int_equal(kh_store_account_update(f.st, f.jid, &a, &office, &f.err), KH_EINVAL);
    a = acct("ghost", KH_ROLE_LEADER, NULL, NULL);
    assert_int_equal(kh_store_account_update(f.st, f.jid, &a, &office, &f.err), KH_ENOTFOUND);
    fx_done(&f);
}

static void test_password_change_needs_the_old_one_and_ends_sessions(void **state)
{
    struct fx f;
    struct kh_account a = acct("qian", KH_ROLE_LEADER, NULL, NULL), out;
    char token[65], csrf[65];
    int64_t id;
    (void)state;
    fx_start(&f);
    id = make(&f, f.jid, &a);
    assert_int_equal(kh_store_session_create(f.st, id, 3600, token, csrf, &f.err), KH_OK);
    assert_int_equal(kh_store_account_password(f.st, f.jid, "qian", "not it at all", "new secret 1",
                                               &office, &f.err),
                     KH_EINVAL);
    assert_int_equal(kh_store_session_get(f.st, token, NULL, NULL, &f.err), KH_OK);
    assert_int_equal(kh_store_account_password(f.st, f.jid, "qian", PW, "short", &office, &f.err),
                     KH_EINVAL);
    assert_int_equal(
        kh_store_account_password(f.st, f.jid, "qian", PW, "new secret 1", &office, &f.err), KH_OK);
    assert_int_equal(kh_store_session_get(f.st, token, NULL, NULL, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "qian", PW, &out, &f.err), KH_EINVAL);
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "qian", "new secret 1", &out, &f.err),
                     KH_OK);
    /* an administrator's reset needs no old password */
    assert_int_equal(
        kh_store_account_password(f.st, f.jid, "qian", NULL, "reset secret", &office, &f.err),
        KH_OK);
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "qian", "reset secret", &out, &f.err),
                     KH_OK);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE entity = 'account' AND "
                                    "(new = 'password changed' OR new = 'password reset')"),
                     2);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE instr(new, 'secret') > 0"),
                     0);
    assert_int_equal(
        kh_store_account_password(f.st, f.jid, "ghost", NULL, "reset secret", &office, &f.err),
        KH_ENOTFOUND);
    fx_done(&f);
}

static void test_session_tokens_are_hashed_and_tampering_finds_nothing(void **state)
{
    struct fx f;
    struct kh_account a = acct("sun", KH_ROLE_EVALUATOR, NULL, NULL), got;
    struct kh_session s;
    char token[65], csrf[65], bad[80], sql[200];
    int64_t id;
    (void)state;
    fx_start(&f);
    id = make(&f, f.jid, &a);
    assert_int_equal(kh_store_session_create(f.st, id, 3600, token, csrf, &f.err), KH_OK);
    assert_int_equal(strlen(token), 64);
    assert_int_equal(strlen(csrf), 64);
    assert_int_equal(strspn(token, "0123456789abcdef"), 64);
    assert_string_not_equal(token, csrf);
    assert_int_equal(kh_store_session_get(f.st, token, &s, &got, &f.err), KH_OK);
    assert_true(s.account == id && got.id == id && got.jid == f.jid);
    assert_string_equal(s.csrf, csrf);
    assert_string_equal(got.name, "sun");
    assert_true(s.expires_at[0] == '2');
    /* the file holds neither the token nor anything equal to it */
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM session WHERE token_hash = '%s'", token);
    assert_int_equal(fx_query(f.db, sql), 0);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM session"), 1);
    assert_int_equal(kh_store_check(f.st, &f.err), KH_OK);
    /* one changed digit, a wrong length, non-hex, NULL: no session */
    snprintf(bad, sizeof(bad), "%s", token);
    bad[10] = bad[10] == '0' ? '1' : '0';
    assert_int_equal(kh_store_session_get(f.st, bad, &s, &got, &f.err), KH_ENOTFOUND);
    bad[10] = token[10];
    bad[63] = 0;
    assert_int_equal(kh_store_session_get(f.st, bad, &s, &got, &f.err), KH_ENOTFOUND);
    snprintf(bad, sizeof(bad), "%s0", token);
    assert_int_equal(kh_store_session_get(f.st, bad, &s, &got, &f.err), KH_ENOTFOUND);
    snprintf(bad, sizeof(bad), "%s", token);
    bad[0] = 'g';
    assert_int_equal(kh_store_session_get(f.st, bad, &s, &got, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_session_get(f.st, NULL, &s, &got, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_session_get(f.st, csrf, &s, &got, &f.err), KH_ENOTFOUND);
    /* ending it (twice, or a junk token) is fine */
    assert_int_equal(kh_store_session_end(f.st, token, &f.err), KH_OK);
    assert_int_equal(kh_store_session_get(f.st, token, &s, &got, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_session_end(f.st, token, &f.err), KH_OK);
    assert_int_equal(kh_store_session_end(f.st, "junk", &f.err), KH_OK);
    assert_int_equal(kh_store_session_create(f.st, 9999, 60, token, csrf, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_session_create(f.st, id, -1, token, csrf, &f.err), KH_EINVAL);
    /* sessions are not data: no batch, no audit entry */
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM batch"), 1);
    fx_done(&f);
}

static void test_sessions_expire(void **state)
{
    struct fx f;
    struct kh_account a = acct("zhou", KH_ROLE_LEADER, NULL, NULL);
    char t0[65], t2[65], csrf[65];
    int64_t id;
    (void)state;
    fx_start(&f);
    id = make(&f, f.jid, &a);
    assert_int_equal(kh_store_session_create(f.st, id, 0, t0, csrf, &f.err), KH_OK);
    assert_int_equal(kh_store_session_get(f.st, t0, NULL, NULL, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_session_create(f.st, id, 2, t2, csrf, &f.err), KH_OK);
    assert_int_equal(kh_store_session_get(f.st, t2, NULL, NULL, &f.err), KH_OK);
    sleep(2);
    assert_int_equal(kh_store_session_get(f.st, t2, NULL, NULL, &f.err), KH_ENOTFOUND);
    /* a new session clears the expired ones from the file */
    assert_int_equal(kh_store_session_create(f.st, id, 60, t0, csrf, &f.err), KH_OK);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM session"), 1);
    fx_done(&f);
}

static void test_jurisdictions_never_see_each_others_accounts(void **state)
{
    struct fx f;
    struct kh_account a = acct("wu", KH_ROLE_ADMIN, NULL, NULL), got, *list;
    char token[65], csrf[65];
    int64_t other, id;
    size_t n;
    (void)state;
    fx_start(&f);
    assert_int_equal(kh_store_jurisdiction(f.st, "other", "另一区", 1, &other, &f.err), KH_OK);
    id = make(&f, f.jid, &a);
    assert_int_equal(kh_store_account_get(f.st, other, "wu", &got, &f.err), KH_ENOTFOUND);
    assert_int_equal(kh_store_account_list(f.st, other, &list, &n, &f.err), KH_OK);
    assert_int_equal(n, 0);
    free(list);
    assert_int_equal(kh_store_account_verify(f.st, other, "wu", PW, &got, &f.err), KH_EINVAL);
    assert_int_equal(
        kh_store_account_password(f.st, other, "wu", NULL, "taken over!", &office, &f.err),
        KH_ENOTFOUND);
    /* the same name in another jurisdiction is another account */
    assert_true(make(&f, other, &a) != id);
    a.disabled = 1;
    assert_int_equal(kh_store_account_update(f.st, other, &a, &office, &f.err), KH_OK);
    assert_int_equal(kh_store_account_verify(f.st, f.jid, "wu", PW, &got, &f.err), KH_OK);
    assert_true(got.jid == f.jid && got.id == id);
    /* a session tells which jurisdiction its account belongs to */
    assert_int_equal(kh_store_session_create(f.st, id, 60, token, csrf, &f.err), KH_OK);
    assert_int_equal(kh_store_session_get(f.st, token, NULL, &got, &f.err), KH_OK);
    assert_true(got.jid == f.jid);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names_round_trip),
        cmocka_unit_test(test_account_create_keeps_only_an_argon2id_hash_and_is_audited),
        cmocka_unit_test(test_account_create_refuses_bad_fields_naming_them),
        cmocka_unit_test(test_verify_gives_one_message_and_takes_as_long_for_an_unknown_name),
        cmocka_unit_test(test_disabled_account_cannot_sign_in_and_loses_its_sessions),
        cmocka_unit_test(test_password_change_needs_the_old_one_and_ends_sessions),
        cmocka_unit_test(test_session_tokens_are_hashed_and_tampering_finds_nothing),
        cmocka_unit_test(test_sessions_expire),
        cmocka_unit_test(test_jurisdictions_never_see_each_others_accounts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
