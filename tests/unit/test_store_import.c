/*
 * test_store_import.c — kh_store_import: each kind of file in, all or
 * nothing (a bad row anywhere changes nothing and names its file, line and
 * column), repeated imports change nothing, changes audited old → new,
 * locked periods, events replaced by group, units below stored parents,
 * GB18030 files, the progress callback, jurisdictions that never mix, and
 * a process killed with SIGKILL in the middle of a big import leaving the
 * store exactly as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"

static void test_import_each_kind_and_score_as_from_files(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    (void)state;
    fx_start(&f);
    fx_write(&f, "scheme.yaml", fx_scheme);
    fx_write(&f, "units.csv", fx_units);
    fx_write(&f, "values.csv", fx_values);
    rep = fx_import_ok(&f, "scheme", "scheme.yaml");
    assert_string_equal(rep.scheme_id, "prop");
    assert_int_equal(rep.scheme_version, 1);
    rep = fx_import_ok(&f, "units", "units.csv");
    assert_int_equal(rep.rows, 3);
    assert_int_equal(rep.inserted, 3);
    rep = fx_import_ok(&f, "values", "values.csv");
    assert_int_equal(rep.rows, 6);
    assert_int_equal(rep.inserted, 6);
    assert_string_equal(rep.encoding, "UTF-8");
    assert_int_equal(kh_store_score(f.st, f.jid, "prop", 0, "2024", &s, &ds, &r, &f.err), KH_OK);
    /* the worked example of docs/scheme-language.md (proportional-first) */
    assert_true(fabs(kh_result_display(r, 0, 0) - 10.8) < 1e-9);
    assert_true(fabs(kh_result_display(r, 1, 0) - 10.8) < 1e-9);
    assert_true(fabs(kh_result_display(r, 2, 0) - 6.0) < 1e-9);
    /* provenance: the dataset cites the imported file and line */
    assert_string_equal(ds->files[ds->values[0].file], "values.csv");
    assert_int_equal(ds->values[0].line, 2);
    kh_result_free(r);
    kh_dataset_free(ds);
    kh_scheme_free(s);
    fx_done(&f);
}

static void test_import_same_files_twice_changes_nothing(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    char *before, *after;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    fx_write(&f, "targets.csv", "unit,indicator,period,target,baseline\nA,res,2024,45,40\n");
    fx_write(&f, "events.csv", "unit,item,period,level\nA,honour,2024,省级\nA,honour,2024,市级\n");
    fx_write(&f, "ballots.csv", "meeting,evaluator,unit,grade\nm1,e1,A,好\nm1,e1,B,较好\n");
    fx_import_ok(&f, "targets", "targets.csv");
    fx_import_ok(&f, "events", "events.csv");
    fx_import_ok(&f, "ballots", "ballots.csv");
    before = fx_dump_text(&f);
    rep = fx_import_ok(&f, "scheme", "scheme.yaml");
    assert_int_equal(rep.unchanged, 1);
    rep = fx_import_ok(&f, "units", "units.csv");
    assert_int_equal(rep.unchanged, 3);
    rep = fx_import_ok(&f, "values", "values.csv");
    assert_true(rep.unchanged == 6 && rep.inserted == 0 && rep.updated == 0);
    rep = fx_import_ok(&f, "targets", "targets.csv");
    assert_int_equal(rep.unchanged, 1);
    rep = fx_import_ok(&f, "events", "events.csv");
    assert_true(rep.unchanged == 2 && rep.removed == 0);
    rep = fx_import_ok(&f, "ballots", "ballots.csv");
    assert_int_equal(rep.unchanged, 2);
    after = fx_dump_text(&f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    fx_done(&f);
}

static void test_import_one_bad_row_changes_nothing_and_names_line_and_column(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    char *before, *after;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    before = fx_dump_text(&f);
    fx_write(&f, "fix.csv",
             "unit,indicator,period,value\n"
             "A,res,2024,51\n"
             "B,res,2024,41\n"
             "C,res,2024,2 6\n");
    assert_int_equal(fx_import(&f, "values", "fix.csv", &office, &rep), KH_EINVAL);
    assert_non_null(strstr(f.err.file, "fix.csv"));
    assert_int_equal(f.err.line, 4);
    assert_int_equal(f.err.col, 4);
    assert_non_null(strstr(f.err.msg, "value"));
    assert_int_equal(rep.inserted + rep.updated, 0);
    fx_write(&f, "ghost.csv", "unit,indicator,period,value\nA,res,2024,51\nZ9,res,2024,1\n");
    assert_int_equal(fx_import(&f, "values", "ghost.csv", &office, &rep), KH_EINVAL);
    assert_int_equal(f.err.line, 3);
    assert_int_equal(f.err.col, 1);
    assert_non_null(strstr(f.err.msg, "unknown unit \"Z9\""));
    after = fx_dump_text(&f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    fx_done(&f);
}

static void test_import_changed_value_is_updated_and_audited_old_to_new(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    struct kh_buf b;
    double v;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    fx_write(&f, "fix.csv",
             "unit,indicator,period,value\nA,res,2024,60\nB,res,2024,40\n"
             "C,res,2024,\n");
    rep = fx_import_ok(&f, "values", "fix.csv");
    assert_true(rep.updated == 2 && rep.unchanged == 1 && rep.inserted == 0);
    assert_int_equal(kh_store_value_get(f.st, f.jid, "A", "res", "2024", &v, NULL, &f.err), KH_OK);
    assert_true(v == 60);
    assert_int_equal(kh_store_value_get(f.st, f.jid, "C", "res", "2024", &v, NULL, &f.err), KH_OK);
    assert_true(isnan(v));
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_audit(f.st, f.jid, 0, &b, &f.err), KH_OK);
    assert_non_null(
        strstr(kh_buf_str(&b), "考核办 (test) · 修改 update value A res 2024: 50 → 60"));
    assert_non_null(strstr(kh_buf_str(&b), "update value C res 2024: 25 → —"));
    assert_non_null(strstr(kh_buf_str(&b), "导入 import values fix.csv: 3 rows: 0 new, 2 changed"));
    kh_buf_free(&b);
    /* provenance of the changed value now names the new file and row */
    assert_int_equal(fx_query(f.db, "SELECT v.line FROM value v JOIN source s ON s.id = "
                                    "v.source_id WHERE s.name = 'fix.csv' AND v.value = 60"),
                     2);
    fx_done(&f);
}

static void test_import_refuses_changes_in_a_locked_period_but_accepts_unchanged_rows(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    char *before, *after;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2024", 1, "年度考核定稿", &office, &f.err),
                     KH_OK);
    rep = fx_import_ok(&f, "values", "values.csv");
    assert_int_equal(rep.unchanged, 6);
    before = fx_dump_text(&f);
    fx_write(&f, "late.csv", "unit,indicator,period,value\nA,res,2024,50\nA,pop,2024-06,7\n");
    assert_int_equal(fx_import(&f, "values", "late.csv", &office, &rep), KH_EINVAL);
    assert_int_equal(f.err.line, 3);
    assert_non_null(strstr(f.err.msg, "period 2024 is locked"));
    fx_write(&f, "ev.csv", "unit,item,period\nA,honour,2024Q2\n");
    assert_int_equal(fx_import(&f, "events", "ev.csv", &office, &rep), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "locked"));
    after = fx_dump_text(&f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* another year is open */
    fx_write(&f, "next.csv", "unit,indicator,period,value\nA,res,2025,1\n");
    rep = fx_import_ok(&f, "values", "next.csv");
    assert_int_equal(rep.inserted, 1);
    fx_done(&f);
}

static void test_import_events_replace_their_group_and_keep_other_groups(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    struct kh_buf b;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    fx_write(&f, "e1.csv",
             "unit,item,period,level,note\n"
             "A,honour,2024,省级,甲\n"
             "A,honour,2024,市级,乙\n"
             "B,accident,2024-05,,较大事故\n");
    rep = fx_import_ok(&f, "events", "e1.csv");
    assert_int_equal(rep.inserted, 3);
    /* the same events in another order are the same */
    fx_write(&f, "e2.csv",
             "unit,item,period,level,note\n"
             "A,honour,2024,市级,乙\n"
             "A,honour,2024,省级,甲\n");
    rep = fx_import_ok(&f, "events", "e2.csv");
    assert_int_equal(rep.unchanged, 2);
    /* a corrected list of A's honours replaces it; B's accident stays */
    fx_write(&f, "e3.csv", "unit,item,period,level,note\nA,honour,2024,国家级,甲\n");
    rep = fx_import_ok(&f, "events", "e3.csv");
    assert_true(rep.updated == 1 && rep.removed == 1 && rep.inserted == 0);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM event"), 2);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM event WHERE item = 'accident'"), 1);
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_audit(f.st, f.jid, 0, &b, &f.err), KH_OK);
    assert_non_null(strstr(kh_buf_str(&b), "删除 delete event A honour 2024: count 1, level 市级"));
    assert_non_null(
        strstr(kh_buf_str(&b), "新增 insert event A honour 2024: count 1, level 国家级"));
    kh_buf_free(&b);
    fx_done(&f);
}

static void test_import_ballots_and_targets_update_by_key(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    fx_write(&f, "b1.csv",
             "meeting,evaluator,group,unit,grade\nm,e1,领导,A,好\nm,e1,领导,B,一般\n");
    fx_write(&f, "b2.csv",
             "meeting,evaluator,group,unit,grade\nm,e1,领导,B,较好\nm,e2,领导,B,好\n");
    fx_write(&f, "t1.csv", "unit,indicator,period,target\nA,res,2024,45\n");
    fx_write(&f, "t2.csv", "unit,indicator,period,target,baseline\nA,res,2024,45,30\n");
    rep = fx_import_ok(&f, "ballots", "b1.csv");
    assert_int_equal(rep.inserted, 2);
    rep = fx_import_ok(&f, "ballots", "b2.csv");
    assert_true(rep.updated == 1 && rep.inserted == 1);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM ballot"), 3);
    rep = fx_import_ok(&f, "targets", "t1.csv");
    assert_int_equal(rep.inserted, 1);
    rep = fx_import_ok(&f, "targets", "t2.csv");
    assert_int_equal(rep.updated, 1);
    assert_int_equal(fx_query(f.db, "SELECT baseline FROM target"), 30);
    fx_done(&f);
}

static void test_import_units_update_and_add_below_stored_parents(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    struct kh_dataset *ds;
    (void)state;
    fx_start(&f);
    fx_write(&f, "u1.csv",
             "id,name,category,parent,tags,difficulty\n"
             "C1,片区,area,,,\n"
             "T1,甲镇,town,C1,山区;中心城区,1.2\n");
    rep = fx_import_ok(&f, "units", "u1.csv");
    assert_int_equal(rep.inserted, 2);
    /* new units whose parent is only in the store */
    fx_write(&f, "u2.csv", "id,name,category,parent\nV1,一村,village,T1\nV2,二村,village,T1\n");
    rep = fx_import_ok(&f, "units", "u2.csv");
    assert_int_equal(rep.inserted, 2);
    /* a child listed before its parent in one file */
    fx_write(&f, "u3.csv", "id,name,category,parent\nX2,下级,town,X1\nX1,上级,area,\n");
    rep = fx_import_ok(&f, "units", "u3.csv");
    assert_int_equal(rep.inserted, 2);
    /* renaming and re-tagging one unit */
    fx_write(&f, "u4.csv",
             "id,name,category,parent,tags,difficulty\n"
             "C1,片区,area,,,\n"
             "T1,甲街道,town,C1,中心城区,1.3\n");
    rep = fx_import_ok(&f, "units", "u4.csv");
    assert_true(rep.updated == 1 && rep.unchanged == 1);
    assert_int_equal(kh_store_dataset(f.st, f.jid, &ds, &f.err), KH_OK);
    assert_int_equal(ds->nunits, 6);
    {
        int t1 = kh_dataset_unit(ds, "T1"), v1 = kh_dataset_unit(ds, "V1"),
            x2 = kh_dataset_unit(ds, "X2"), x1 = kh_dataset_unit(ds, "X1");
        assert_string_equal(ds->units[t1].name, "甲街道");
        assert_int_equal(ds->units[t1].ntags, 1);
        assert_true(ds->units[t1].nattrs == 1 && ds->units[t1].attr_values[0] == 1.3);
        assert_string_equal(ds->units[v1].parent, "T1");
        assert_string_equal(ds->units[x2].parent, "X1");
        assert_true(x1 < x2); /* parents first */
    }
    kh_dataset_free(ds);
    /* a units file that repeats stored units but names a parent it lacks */
    fx_write(&f, "u5.csv", "id,name,category,parent\nV1,一村,village,T1\nV3,三村,village,T1\n");
    assert_int_equal(fx_import(&f, "units", "u5.csv", &office, &rep), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "must also list their parents"));
    fx_done(&f);
}

static void test_import_reads_gb18030_files(void **state)
{
    /* "id,name,category\nA,甲区,county\n" with 甲区 in GB18030 (bc d7 c7 f8) */
    static const char gb[] = "id,name,category\nA,\xbc\xd7\xc7\xf8,county\n";
    struct fx f;
    struct kh_import_report rep;
    struct kh_dataset *ds;
    (void)state;
    fx_start(&f);
    fx_write(&f, "units-gbk.csv", gb);
    rep = fx_import_ok(&f, "units", "units-gbk.csv");
    assert_string_equal(rep.encoding, "GB18030");
    assert_int_equal(kh_store_dataset(f.st, f.jid, &ds, &f.err), KH_OK);
    assert_string_equal(ds->units[0].name, "甲区");
    kh_dataset_free(ds);
    fx_done(&f);
}

/* Progress calls seen. */
struct seen {
    size_t calls, last_done, total;
};

static void on_progress(void *user, size_t done, size_t total)
{
    struct seen *s = user;
    s->calls++;
    s->last_done = done;
    s->total = total;
}

static void test_import_reports_progress_up_to_the_total(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    struct kh_buf b;
    struct seen s = {0, 0, 0};
    int i;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "unit,indicator,period,value\n");
    for (i = 0; i < 9000; i++)
        kh_buf_printf(&b, "A,x%d,2024,%d\n", i, i);
    fx_write(&f, "many.csv", kh_buf_str(&b));
    kh_buf_free(&b);
    assert_int_equal(kh_store_import(f.st, f.jid, "values", fx_path(&f, "many.csv"), &office,
                                     on_progress, &s, &rep, &f.err),
                     KH_OK);
    assert_int_equal(s.calls, 3); /* at 4096, 8192 and the end */
    assert_int_equal(s.last_done, 9000);
    assert_int_equal(s.total, 9000);
    fx_done(&f);
}

static void test_import_by_a_department_is_submitted_and_cannot_change_approved(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    int st;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    fx_write(&f, "d1.csv", "unit,indicator,period,value\nA,res,2025,10\n");
    assert_int_equal(fx_import(&f, "values", "d1.csv", &dept, &rep), KH_OK);
    assert_int_equal(kh_store_value_get(f.st, f.jid, "A", "res", "2025", NULL, &st, &f.err), KH_OK);
    assert_int_equal(st, KH_REVIEW_SUBMITTED);
    fx_write(&f, "d2.csv", "unit,indicator,period,value\nA,res,2024,99\n");
    assert_int_equal(fx_import(&f, "values", "d2.csv", &dept, &rep), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "only the office"));
    fx_done(&f);
}

static void test_jurisdictions_in_one_file_never_mix(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    struct kh_dataset *d1, *d2;
    struct kh_scheme *s;
    struct kh_dataset *ds;
    struct kh_result *r;
    int64_t other, mine = 0;
    double v;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    mine = f.jid;
    assert_int_equal(kh_store_jurisdiction(f.st, "city", "市本级", 1, &other, &f.err), KH_OK);
    /* the other jurisdiction sees no units, schemes or values yet */
    f.jid = other;
    fx_write(&f, "v.csv", "unit,indicator,period,value\nA,res,2024,1\n");
    assert_int_equal(fx_import(&f, "values", "v.csv", &office, &rep), KH_EINVAL);
    assert_non_null(strstr(f.err.msg, "unknown unit \"A\""));
    assert_int_equal(kh_store_score(f.st, other, "prop", 0, "2024", &s, &ds, &r, &f.err),
                     KH_ENOTFOUND);
    /* same unit ids and indicator names, other numbers */
    fx_write(&f, "u.csv", "id,name,category\nA,市甲,county\nB,市乙,county\n");
    fx_import_ok(&f, "units", "u.csv");
    fx_write(&f, "v2.csv", "unit,indicator,period,value\nA,res,2024,7\n");
    fx_import_ok(&f, "values", "v2.csv");
    assert_int_equal(kh_store_period_lock(f.st, other, "2024", 1, NULL, &office, &f.err), KH_OK);
    f.jid = mine;
    assert_int_equal(kh_store_dataset(f.st, mine, &d1, &f.err), KH_OK);
    assert_int_equal(kh_store_dataset(f.st, other, &d2, &f.err), KH_OK);
    assert_int_equal(d1->nunits, 3);
    assert_int_equal(d2->nunits, 2);
    assert_int_equal(d1->nvalues, 6);
    assert_int_equal(d2->nvalues, 1);
    assert_string_equal(d2->units[0].name, "市甲");
    assert_int_equal(kh_store_value_get(f.st, mine, "A", "res", "2024", &v, NULL, &f.err), KH_OK);
    assert_true(v == 50);
    assert_int_equal(kh_store_value_get(f.st, other, "A", "res", "2024", &v, NULL, &f.err), KH_OK);
    assert_true(v == 7);
    /* the other one's lock does not lock mine */
    assert_int_equal(kh_store_value_set(f.st, mine, "A", "res", "2024", 51, &office, &f.err),
                     KH_OK);
    kh_dataset_free(d1);
    kh_dataset_free(d2);
    /* and the schema itself refuses a value pointing across */
    assert_int_not_equal(fx_exec(f.db, "PRAGMA foreign_keys = ON; INSERT INTO value "
                                       "(jurisdiction_id, unit_id, indicator_id, period, value, "
                                       "state, batch_id) SELECT 2, u.id, i.id, '2030', 1, "
                                       "'approved', 1 FROM unit u, indicator i WHERE "
                                       "u.jurisdiction_id = 1 AND i.jurisdiction_id = 2 LIMIT 1"),
                         SQLITE_OK);
    fx_done(&f);
}

/* ---- killed in the middle ----------------------------------------------------- */

#define KILL_UNITS      600
#define KILL_INDICATORS 100

/* Write a values file of KILL_UNITS × KILL_INDICATORS rows (and the units). */
static void write_big(struct fx *f)
{
    struct kh_buf b;
    int u, i;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "id,name,category\n");
    for (u = 0; u < KILL_UNITS; u++)
        kh_buf_printf(&b, "U%04d,单位%d,county\n", u, u);
    fx_write(f, "big-units.csv", kh_buf_str(&b));
    kh_buf_reset(&b);
    kh_buf_puts(&b, "unit,indicator,period,value\n");
    for (u = 0; u < KILL_UNITS; u++)
        for (i = 0; i < KILL_INDICATORS; i++)
            kh_buf_printf(&b, "U%04d,ind%03d,2024,%d.%02d\n", u, i, (u * 7 + i * 13) % 1000,
                          (u + i) % 100);
    fx_write(f, "big-values.csv", kh_buf_str(&b));
    kh_buf_free(&b);
}

/* In the child: tell the parent through the pipe once half the rows are
 * written, then wait to be killed. */
struct halfway {
    int fd;
    int told;
};

static void at_halfway(void *user, size_t done, size_t total)
{
    struct halfway *h = user;
    if (!h->told && done * 2 >= total) {
        h->told = 1;
        if (write(h->fd, "x", 1) != 1)
            _exit(3);
        for (;;)
            pause();
    }
}

/* Run the big import in a child process; with `pipe_fd` >= 0 the child
 * stops halfway (see at_halfway). Returns the child's pid. */
static pid_t spawn_import(const struct fx *f, int pipe_fd)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct kh_store *st = NULL;
        struct kh_err err;
        struct halfway h = {pipe_fd, 0};
        int rc;
        kh_err_clear(&err);
        if (kh_store_open(f->db, 0, &st, &err))
            _exit(2);
        rc = kh_store_import(st, f->jid, "values", fx_path(f, "big-values.csv"), &office,
                             pipe_fd >= 0 ? at_halfway : NULL, &h, NULL, &err);
        kh_store_close(st);
        _exit(rc ? 1 : 0);
    }
    return pid;
}

static void test_import_killed_with_sigkill_leaves_the_store_as_before(void **state)
{
    struct fx f;
    char *before, *after, c;
    int fds[2], status, round;
    pid_t pid;
    (void)state;
    fx_start(&f);
    fx_load_all(&f);
    write_big(&f);
    fx_import_ok(&f, "units", "big-units.csv");
    kh_store_close(f.st); /* the child is the only writer */
    f.st = NULL;
    before = fx_dump_text(&f);

    /* 1. Killed for sure in the middle of the transaction: halfway through
     *    writing the rows. */
    assert_int_equal(pipe(fds), 0);
    pid = spawn_import(&f, fds[1]);
    assert_int_equal(read(fds[0], &c, 1), 1);
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(fds[0]);
    close(fds[1]);
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM pragma_integrity_check WHERE "
                                    "integrity_check = 'ok'"),
                     1);
    after = fx_dump_text(&f);
    assert_string_equal(before, after);
    free(after);

    /* 2. Killed after a few delays, wherever it is (reading, writing,
     *    committing): the store holds either nothing of the file or all of
     *    it, never a part. */
    for (round = 0; round < 4; round++) {
        struct timespec ts = {0, (long)(20 + round * 60) * 1000000L};
        long long n;
        pid = spawn_import(&f, -1);
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(fx_query(f.db, "SELECT count(*) FROM pragma_integrity_check WHERE "
                                        "integrity_check = 'ok'"),
                         1);
        n = fx_query(f.db, "SELECT count(*) FROM value");
        if (n == 6) {
            after = fx_dump_text(&f);
            assert_string_equal(before, after);
            free(after);
        } else {
            assert_int_equal(n, 6 + KILL_UNITS * KILL_INDICATORS);
            assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE action = 'import' "
                                            "AND key = 'big-values.csv'"),
                             1);
            break; /* it finished before the kill: nothing more to try */
        }
    }

    /* 3. The store still works: the import completes. */
    assert_int_equal(kh_store_open(f.db, 0, &f.st, &f.err), KH_OK);
    fx_import_ok(&f, "values", "big-values.csv");
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM value"),
                     6 + KILL_UNITS * KILL_INDICATORS);
    assert_int_equal(kh_store_check(f.st, &f.err), KH_OK);
    free(before);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_each_kind_and_score_as_from_files),
        cmocka_unit_test(test_import_same_files_twice_changes_nothing),
        cmocka_unit_test(test_import_one_bad_row_changes_nothing_and_names_line_and_column),
        cmocka_unit_test(test_import_changed_value_is_updated_and_audited_old_to_new),
        cmocka_unit_test(test_import_refuses_changes_in_a_locked_period_but_accepts_unchanged_rows),
        cmocka_unit_test(test_import_events_replace_their_group_and_keep_other_groups),
        cmocka_unit_test(test_import_ballots_and_targets_update_by_key),
        cmocka_unit_test(test_import_units_update_and_add_below_stored_parents),
        cmocka_unit_test(test_import_reads_gb18030_files),
        cmocka_unit_test(test_import_reports_progress_up_to_the_total),
        cmocka_unit_test(test_import_by_a_department_is_submitted_and_cannot_change_approved),
        cmocka_unit_test(test_jurisdictions_in_one_file_never_mix),
        cmocka_unit_test(test_import_killed_with_sigkill_leaves_the_store_as_before),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
