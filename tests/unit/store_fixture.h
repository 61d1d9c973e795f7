/*
 * store_fixture.h — what the store tests share: a scratch folder per test,
 * writing small files into it, opening a fresh store with one
 * jurisdiction, the actors, and a full dump of a store file's content (all
 * tables, all rows, read with SQLite directly) to compare a store before
 * and after something that must not change it.
 *
 * Header-only (static functions) so that each test_store*.c stays one
 * executable; included after cmocka.h.
 */
#ifndef KH_TEST_STORE_FIXTURE_H
#define KH_TEST_STORE_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaohe/base.h"
#include "kaohe/store.h"

/* The office (approves on import), a department (submits), via the API. */
static const struct kh_actor office = {"考核办", "test", 1};
static const struct kh_actor dept = {"统计局", "test", 0};

/* A scratch folder for one test, removed by fx_done. */
struct fx {
    char dir[256];
    char db[300];
    struct kh_store *st;
    int64_t jid;
    struct kh_err err;
};

/* The path dir/name in a static rotating buffer (four at a time). */
static const char *fx_path(const struct fx *f, const char *name)
{
    static char bufs[4][512];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, 512, "%s/%s", f->dir, name);
    return b;
}

/* Write text into dir/name. */
static inline void fx_write(const struct fx *f, const char *name, const char *text)
{
    FILE *fp = fopen(fx_path(f, name), "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

/* Make the folder, create the store dir/kaohe.db with jurisdiction
 * "default" and keep it open in f->st. */
static inline void fx_start(struct fx *f)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "%s/kh-store-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/kaohe.db", f->dir);
    kh_err_clear(&f->err);
    if (kh_store_open(f->db, 1, &f->st, &f->err))
        fail_msg("open: %s", f->err.msg);
    if (kh_store_jurisdiction(f->st, "default", "测试区", 1, &f->jid, &f->err))
        fail_msg("jurisdiction: %s", f->err.msg);
}

/* Close the store and remove the folder. */
static inline void fx_done(struct fx *f)
{
    char cmd[400];
    kh_store_close(f->st);
    f->st = NULL;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
}

/* Import dir/name as `kind`; returns the status, the error in f->err. */
static inline int fx_import(struct fx *f, const char *kind, const char *name,
                            const struct kh_actor *who, struct kh_import_report *rep)
{
    kh_err_clear(&f->err);
    return kh_store_import(f->st, f->jid, kind, fx_path(f, name), who, NULL, NULL, rep, &f->err);
}

/* Import that must succeed. */
static inline struct kh_import_report fx_import_ok(struct fx *f, const char *kind, const char *name)
{
    struct kh_import_report rep;
    if (fx_import(f, kind, name, &office, &rep))
        fail_msg("import %s %s: %s:%d:%d: %s", kind, name, f->err.file, f->err.line, f->err.col,
                 f->err.msg);
    return rep;
}

/* Append every row of every table of the SQLite file at path, as text, to
 * out (tables by name, rows in key order). */
static inline void fx_dump(const char *path, struct kh_buf *out)
{
    sqlite3 *db;
    sqlite3_stmt *t, *r;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                        "ORDER BY name",
                                        -1, &t, NULL),
                     SQLITE_OK);
    while (sqlite3_step(t) == SQLITE_ROW) {
        char sql[600];
        int c, n;
        size_t o;
        o = (size_t)snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"",
                             (const char *)sqlite3_column_text(t, 0));
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &r, NULL), SQLITE_OK);
        n = sqlite3_column_count(r);
        sqlite3_finalize(r);
        for (c = 1; c <= n && o + 8 < sizeof(sql); c++)
            o +=
                (size_t)snprintf(sql + o, sizeof(sql) - o, "%s%d", c == 1 ? " ORDER BY " : ", ", c);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &r, NULL), SQLITE_OK);
        kh_buf_printf(out, "[%s]\n", (const char *)sqlite3_column_text(t, 0));
        while (sqlite3_step(r) == SQLITE_ROW) {
            for (c = 0; c < sqlite3_column_count(r); c++) {
                const unsigned char *v = sqlite3_column_text(r, c);
                kh_buf_printf(out, "%s%s", c ? "|" : "", v ? (const char *)v : "NULL");
            }
            kh_buf_putc(out, '\n');
        }
        sqlite3_finalize(r);
    }
    sqlite3_finalize(t);
    sqlite3_close(db);
}

/* The whole content of the store now, as fx_dump writes it (caller frees). */
static inline char *fx_dump_text(const struct fx *f)
{
    struct kh_buf b;
    kh_buf_init(&b, 0);
    fx_dump(f->db, &b);
    assert_false(kh_buf_failed(&b));
    return kh_buf_steal(&b, NULL);
}

/* One integer from a query on the store file (read-only, directly). */
static inline long long fx_query(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    long long v = -1;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* Run a statement on the store file directly; returns SQLite's code. */
static inline int fx_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* The scheme of the tests: two leaves proportional to the first place (a
 * relative rule: one unit's value moves the others' scores), in one
 * category; tiers by total. */
static const char fx_scheme[] =
    "kaohe: 1\n"
    "scheme: {id: prop, name: 按第一名比例}\n"
    "categories: {county: 区县}\n"
    "inputs:\n"
    "  res: {name: 资源}\n"
    "  energy: {name: 能耗}\n"
    "indicators:\n"
    "  - {id: res, name: 资源配比, points: 6, value: res, rule: proportional}\n"
    "  - {id: energy, name: 能耗, points: 6, value: energy, direction: lower, rule: "
    "proportional}\n";

static const char fx_units[] = "id,name,category\n"
                               "A,甲区,county\n"
                               "B,乙区,county\n"
                               "C,丙县,county\n";

static const char fx_values[] = "unit,indicator,period,value\n"
                                "A,res,2024,50\n"
                                "B,res,2024,40\n"
                                "C,res,2024,25\n"
                                "A,energy,2024,0.5\n"
                                "B,energy,2024,0.4\n"
                                "C,energy,2024,0.8\n";

/* Store the scheme, units and values above. */
static inline void fx_load_all(struct fx *f)
{
    fx_write(f, "scheme.yaml", fx_scheme);
    fx_write(f, "units.csv", fx_units);
    fx_write(f, "values.csv", fx_values);
    fx_import_ok(f, "scheme", "scheme.yaml");
    fx_import_ok(f, "units", "units.csv");
    fx_import_ok(f, "values", "values.csv");
}

#endif
