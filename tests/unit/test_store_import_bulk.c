/*
 * test_store_import_bulk.c — the chunked path of value imports
 * (src/lib/store/store_bulk.c and "values" in store_import.c): every row
 * stored with its value, line and file, in file order, whatever the number
 * of rows against the statement sizes (64, 16, 4, 1); a re-import mixing new,
 * changed and unchanged rows across chunks counted, stored and audited row by
 * row as before; errors late in big files (parse errors, locked periods,
 * approved values) leaving the store as it was and naming the first refused
 * row in file order; foreign keys on again after every import; and the
 * SHA-256 of a big file, hashed on a second thread, recorded with the batch.
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
#include <sodium.h>

#include "store_fixture.h"

#include "store/store_int.h"

#define UNITS 80
#define INDS  20

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* One row of a values file the tests write, and what the store should say
 * about it afterwards. */
struct row {
    int unit, ind;
    char period[16];
    double value;
    int line;         /* in the file */
    const char *file; /* where the stored row should come from */
    int kind;         /* ROW_NEW, ROW_SAME or ROW_CHANGED */
    double old;       /* ROW_CHANGED: the value before */
};

enum { ROW_NEW, ROW_SAME, ROW_CHANGED };

/* A value no other (unit, indicator, generation) has, exact in binary. */
static double val(int u, int i, int g)
{
    return u * 1000 + i + g * 0.25;
}

/* A store with UNITS units (U000 …) and its handle in f. */
static void start(struct fx *f)
{
    struct kh_buf b;
    int u;
    fx_start(f);
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "id,name,category\n");
    for (u = 0; u < UNITS; u++)
        kh_buf_printf(&b, "U%03d,单位%d,county\n", u, u);
    fx_write(f, "units.csv", kh_buf_str(&b));
    kh_buf_free(&b);
    fx_import_ok(f, "units", "units.csv");
}

/* Write rows[0..n) as the values file `name`, numbering their lines. */
static void write_rows(struct fx *f, const char *name, struct row *rows, size_t n)
{
    struct kh_buf b;
    size_t k;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "unit,indicator,period,value\n");
    for (k = 0; k < n; k++) {
        kh_buf_printf(&b, "U%03d,x%02d,%s,", rows[k].unit, rows[k].ind, rows[k].period);
        if (!isnan(rows[k].value))
            kh_buf_printf(&b, "%.17g", rows[k].value);
        kh_buf_putc(&b, '\n');
        rows[k].line = (int)k + 2;
    }
    assert_false(kh_buf_failed(&b));
    fx_write(f, name, kh_buf_str(&b));
    kh_buf_free(&b);
}

/* Open the store file for reading with SQLite directly. */
static sqlite3 *open_ro(const struct fx *f)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

/* The stored row at the key of r: value (NaN for SQL NULL), line, file
 * and id. */
static void stored(sqlite3 *db, const struct row *r, double *v, int *line, char file[64],
                   long long *id)
{
    static const char sql[] =
        "SELECT v.value, v.line, s.name, v.id FROM value v JOIN unit u ON u.id = v.unit_id"
        " JOIN indicator i ON i.id = v.indicator_id LEFT JOIN source s ON s.id = v.source_id"
        " WHERE u.code = ?1 AND i.code = ?2 AND v.period = ?3";
    sqlite3_stmt *q;
    char unit[8], ind[8];
    snprintf(unit, sizeof(unit), "U%03d", r->unit);
    snprintf(ind, sizeof(ind), "x%02d", r->ind);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, ind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, r->period, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_ROW)
        fail_msg("no stored value for U%03d x%02d %s", r->unit, r->ind, r->period);
    *v = sqlite3_column_type(q, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 0);
    *line = sqlite3_column_int(q, 1);
    snprintf(file, 64, "%s", (const char *)sqlite3_column_text(q, 2));
    *id = sqlite3_column_int64(q, 3);
    sqlite3_finalize(q);
}

/* Every row of rows[0..n) is stored as expected (value, and the line and
 * file of the import that last wrote it), and the new ones have ids in
 * file order, above `above`. */
static void check_rows(const struct fx *f, const struct row *rows, size_t n, long long above)
{
    sqlite3 *db = open_ro(f);
    long long last = above, id;
    char file[64];
    double v;
    size_t k;
    int line;
    for (k = 0; k < n; k++) {
        stored(db, &rows[k], &v, &line, file, &id);
        if (!(isnan(v) ? isnan(rows[k].value) : v == rows[k].value) || line != rows[k].line ||
            strcmp(file, rows[k].file) != 0)
            fail_msg("row %zu (U%03d x%02d %s): stored %g from %s:%d, expected %g from %s:%d", k,
                     rows[k].unit, rows[k].ind, rows[k].period, v, file, line, rows[k].value,
                     rows[k].file, rows[k].line);
        if (rows[k].kind == ROW_NEW) {
            if (id <= last)
                fail_msg("row %zu: id %lld is not after %lld: new rows must follow the file", k, id,
                         last);
            last = id;
        }
    }
    sqlite3_close(db);
}

/* The rows one import audited as updates, "key: old → new" one a line. */
static char *updates(const struct fx *f)
{
    static const char sql[] =
        "SELECT key, old, new FROM audit WHERE action = 'update' AND entity = 'value'"
        " AND batch_id = (SELECT max(id) FROM batch) ORDER BY id";
    sqlite3 *db = open_ro(f);
    sqlite3_stmt *q;
    struct kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW)
        kh_buf_printf(&b, "%s: %s → %s\n", (const char *)sqlite3_column_text(q, 0),
                      (const char *)sqlite3_column_text(q, 1),
                      (const char *)sqlite3_column_text(q, 2));
    sqlite3_finalize(q);
    sqlite3_close(db);
    return kh_buf_steal(&b, NULL);
}

/* The largest value id now (0 for none). */
static long long max_id(const struct fx *f)
{
    long long n = fx_query(f->db, "SELECT coalesce(max(id), 0) FROM value");
    return n;
}

/* ---- chunks and remainders ------------------------------------------------------ */

static void test_bulk_rows_stored_in_file_order_for_any_number_of_rows(void **state)
{
    /* Around and between the statement sizes 64, 16, 4 and 1. */
    static const size_t sizes[] = {1, 3, 4, 5, 16, 21, 63, 64, 65, 85, 128, 239, 1000};
    struct fx f;
    size_t s, k;
    (void)state;
    start(&f);
    for (s = 0; s < NELEM(sizes); s++) {
        size_t n = sizes[s];
        struct row *rows = calloc(n, sizeof(*rows));
        struct kh_import_report rep;
        char name[32];
        long long before = max_id(&f);
        assert_non_null(rows);
        snprintf(name, sizeof(name), "v%zu.csv", n);
        for (k = 0; k < n; k++) {
            /* units before indicators: not the key's order, as in real files */
            rows[k].unit = (int)(k % UNITS);
            rows[k].ind = (int)(k / UNITS);
            snprintf(rows[k].period, sizeof(rows[k].period), "%d", 2001 + (int)s);
            rows[k].value = val(rows[k].unit, rows[k].ind, (int)s);
            rows[k].file = "";
            rows[k].kind = ROW_NEW;
        }
        rows[n / 2].value = NAN; /* a missing value in the middle */
        write_rows(&f, name, rows, n);
        for (k = 0; k < n; k++)
            rows[k].file = name;
        rep = fx_import_ok(&f, "values", name);
        assert_int_equal(rep.rows, n);
        assert_int_equal(rep.inserted, n);
        assert_int_equal(rep.updated + rep.unchanged, 0);
        check_rows(&f, rows, n, before);
        assert_int_equal(max_id(&f) - before, (long long)n);
        free(rows);
    }
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM value WHERE value IS NULL"),
                     (long long)NELEM(sizes));
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM value WHERE state <> 'approved'"), 0);
    assert_int_equal(kh_store_check(f.st, &f.err), KH_OK);
    fx_done(&f);
}

/* ---- a re-import of new, changed and unchanged rows ----------------------------------- */

/* The segments of the second file: how many rows, and of which kinds (a
 * pattern repeated along the segment). */
static const struct {
    size_t n;
    const char *pattern; /* n: new, s: same, c: changed */
} segments[] = {
    {70, "n"},    /* more than a chunk of new rows: inserted first */
    {130, "s"},   /* stored rows: the next chunks are looked up first */
    {150, "nsc"}, /* all three, mixed inside chunks, in both modes */
    {64, "c"},    /* a whole chunk of changes */
    {40, "nnns"}, /* mostly new again */
    {6, "sccn"},  /* a remainder */
};

static void test_bulk_reimport_counts_stores_and_audits_each_row_as_before(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    struct row *first, *second;
    size_t nfirst = 0, nsecond = 0, k, s, next_old = 0, next_new = 0;
    size_t want[3] = {0, 0, 0};
    long long before;
    struct kh_buf audit;
    char *before_dump, *after_dump, *got;
    (void)state;
    start(&f);
    /* First: every unit × indicators x00–x09 of 2024, unit by unit. */
    first = calloc(UNITS * 10, sizeof(*first));
    assert_non_null(first);
    for (k = 0; k < UNITS * 10; k++) {
        first[k].unit = (int)(k / 10);
        first[k].ind = (int)(k % 10);
        snprintf(first[k].period, sizeof(first[k].period), "2024");
        first[k].value = val(first[k].unit, first[k].ind, 0);
        first[k].file = "first.csv";
        first[k].kind = ROW_NEW;
    }
    nfirst = UNITS * 10;
    write_rows(&f, "first.csv", first, nfirst);
    rep = fx_import_ok(&f, "values", "first.csv");
    assert_int_equal(rep.inserted, nfirst);

    /* Second: the segments above; stored keys taken in a scattered order,
     * new keys from 2025. */
    for (s = 0; s < NELEM(segments); s++)
        nsecond += segments[s].n;
    second = calloc(nsecond, sizeof(*second));
    assert_non_null(second);
    kh_buf_init(&audit, 0);
    for (s = 0, k = 0; s < NELEM(segments); s++) {
        size_t j, plen = strlen(segments[s].pattern);
        for (j = 0; j < segments[s].n; j++, k++) {
            struct row *r = &second[k];
            char c = segments[s].pattern[j % plen];
            if (c == 'n') {
                r->unit = (int)(next_new % UNITS);
                r->ind = 10 + (int)(next_new / UNITS);
                snprintf(r->period, sizeof(r->period), "2025");
                r->value = val(r->unit, r->ind, 1);
                r->kind = ROW_NEW;
                next_new++;
            } else {
                const struct row *o = &first[(next_old * 37) % nfirst];
                next_old++;
                r->unit = o->unit;
                r->ind = o->ind;
                snprintf(r->period, sizeof(r->period), "%s", o->period);
                r->value = c == 's' ? o->value : o->value + 0.5;
                r->kind = c == 's' ? ROW_SAME : ROW_CHANGED;
                r->old = o->value;
            }
            want[r->kind]++;
        }
    }
    assert_true(next_old <= nfirst);
    write_rows(&f, "second.csv", second, nsecond);
    for (k = 0; k < nsecond; k++) {
        struct row *r = &second[k];
        char o[40], n[40];
        if (r->kind == ROW_SAME) {
            /* an unchanged row keeps the provenance of the first file */
            size_t j;
            for (j = 0; j < nfirst; j++)
                if (first[j].unit == r->unit && first[j].ind == r->ind &&
                    strcmp(first[j].period, r->period) == 0)
                    break;
            r->file = "first.csv";
            r->line = first[j].line;
        } else {
            r->file = "second.csv";
        }
        if (r->kind == ROW_CHANGED)
            kh_buf_printf(&audit, "U%03d x%02d %s: %s → %s\n", r->unit, r->ind, r->period,
                          store_num(r->old, o), store_num(r->value, n));
    }
    before = max_id(&f);
    rep = fx_import_ok(&f, "values", "second.csv");
    assert_int_equal(rep.rows, nsecond);
    assert_int_equal(rep.inserted, want[ROW_NEW]);
    assert_int_equal(rep.unchanged, want[ROW_SAME]);
    assert_int_equal(rep.updated, want[ROW_CHANGED]);
    assert_int_equal(rep.removed, 0);
    check_rows(&f, second, nsecond, before);
    /* the first file's other rows are as they were */
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM value"),
                     (long long)(nfirst + want[ROW_NEW]));
    assert_int_equal(fx_query(f.db, "SELECT count(*) FROM value v JOIN source s ON s.id = "
                                    "v.source_id WHERE s.name = 'first.csv'"),
                     (long long)(nfirst - want[ROW_CHANGED]));
    /* one update entry per changed row, in file order, old → new */
    got = updates(&f);
    assert_string_equal(got, kh_buf_str(&audit));
    free(got);
    {
        char summary[160];
        snprintf(summary, sizeof(summary), "%zu rows: %zu new, %zu changed, %zu unchanged", nsecond,
                 want[ROW_NEW], want[ROW_CHANGED], want[ROW_SAME]);
        assert_int_equal(fx_query(f.db, "SELECT count(*) FROM audit WHERE action = 'import' AND "
                                        "key = 'second.csv'"),
                         1);
        kh_buf_reset(&audit);
        kh_buf_printf(&audit,
                      "SELECT count(*) FROM audit WHERE action = 'import' AND new LIKE '%s%%'",
                      summary);
        assert_int_equal(fx_query(f.db, kh_buf_str(&audit)), 1);
    }
    kh_buf_free(&audit);

    /* Once more: all unchanged, and nothing written at all. */
    before_dump = fx_dump_text(&f);
    rep = fx_import_ok(&f, "values", "second.csv");
    assert_int_equal(rep.unchanged, nsecond);
    assert_int_equal(rep.inserted + rep.updated, 0);
    after_dump = fx_dump_text(&f);
    assert_string_equal(before_dump, after_dump);
    free(before_dump);
    free(after_dump);
    assert_int_equal(kh_store_check(f.st, &f.err), KH_OK);
    free(first);
    free(second);
    fx_done(&f);
}

/* ---- errors late in big files ----------------------------------------------------- */

#define BIG 3000

/* BIG new rows of `year` (units first, then indicators, then months). */
static struct row *big_rows(int year, int gen)
{
    struct row *rows = calloc(BIG, sizeof(*rows));
    size_t k;
    assert_non_null(rows);
    for (k = 0; k < BIG; k++) {
        rows[k].unit = (int)(k % UNITS);
        rows[k].ind = (int)((k / UNITS) % INDS);
        snprintf(rows[k].period, sizeof(rows[k].period), "%d-%02d", year,
                 1 + (int)(k / (UNITS * INDS)));
        rows[k].value = val(rows[k].unit, rows[k].ind, gen);
        rows[k].kind = ROW_NEW;
    }
    return rows;
}

/* Import `name` as `who`: it must fail at `line` with `words` in the
 * message and leave the store exactly as it was. */
static void refused(struct fx *f, const char *name, const struct kh_actor *who, int line,
                    const char *words)
{
    struct kh_import_report rep;
    char *before = fx_dump_text(f), *after;
    assert_int_equal(fx_import(f, "values", name, who, &rep), KH_EINVAL);
    if (f->err.line != line || !strstr(f->err.msg, words) || !strstr(f->err.file, name))
        fail_msg("expected %s:%d: …%s…, got %s:%d: %s", name, line, words, f->err.file, f->err.line,
                 f->err.msg);
    assert_int_equal(rep.inserted + rep.updated + rep.unchanged, 0);
    after = fx_dump_text(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_bulk_error_late_in_a_big_file_changes_nothing_and_names_the_row(void **state)
{
    struct fx f;
    struct row *rows;
    (void)state;
    start(&f);

    /* A bad number near the end: the parser's error, with its column. */
    rows = big_rows(2030, 0);
    write_rows(&f, "bad.csv", rows, BIG);
    {
        FILE *fp = fopen(fx_path(&f, "bad.csv"), "ab");
        assert_non_null(fp);
        fputs("U001,x01,2031-01,1 2\n", fp);
        fclose(fp);
    }
    refused(&f, "bad.csv", &office, BIG + 2, "value");
    assert_int_equal(f.err.col, 4);

    /* A new row of a locked period after many chunks of new rows. */
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2031", 1, NULL, &office, &f.err), KH_OK);
    snprintf(rows[2498].period, sizeof(rows[2498].period), "2031-03");
    write_rows(&f, "late-lock.csv", rows, BIG);
    refused(&f, "late-lock.csv", &office, 2500, "period 2031 is locked");

    /* The same file without it goes in; its rows are then stored, so the
     * next import of them is looked up chunk by chunk. */
    snprintf(rows[2498].period, sizeof(rows[2498].period), "2030-02");
    rows[2498].ind = INDS - 1;
    rows[2498].unit = UNITS - 1;
    write_rows(&f, "ok.csv", rows, BIG);
    fx_import_ok(&f, "values", "ok.csv");
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2030", 1, NULL, &office, &f.err), KH_OK);
    /* unchanged rows of a locked period are fine … */
    assert_int_equal(fx_import_ok(&f, "values", "ok.csv").unchanged, BIG);
    /* … a changed one is not */
    rows[2220].value += 1;
    write_rows(&f, "late-change.csv", rows, BIG);
    refused(&f, "late-change.csv", &office, 2222, "period 2030 is locked");
    rows[2220].value -= 1;

    /* A department changing an approved value late in a file of new rows. */
    free(rows);
    rows = big_rows(2032, 0);
    write_rows(&f, "approved.csv", rows, BIG);
    fx_import_ok(&f, "values", "approved.csv");
    free(rows);
    rows = big_rows(2033, 1);
    rows[2798].unit = 5;
    rows[2798].ind = 3;
    snprintf(rows[2798].period, sizeof(rows[2798].period), "2032-01");
    rows[2798].value = -1;
    write_rows(&f, "dept.csv", rows, BIG);
    refused(&f, "dept.csv", &dept, 2800, "only the office");

    /* The first refused row in file order is the one named, whichever
     * check refuses it: an approved value changed at line 10, a new row of
     * a locked period at line 20 (in a chunk of its own), and the other way
     * round. */
    rows[8] = rows[2798];
    snprintf(rows[18].period, sizeof(rows[18].period), "2031-05");
    snprintf(rows[2798].period, sizeof(rows[2798].period), "2033-12");
    write_rows(&f, "first-wins.csv", rows, BIG);
    refused(&f, "first-wins.csv", &dept, 10, "only the office");
    {
        struct row t = rows[8];
        rows[8] = rows[18];
        rows[18] = t;
    }
    write_rows(&f, "first-wins2.csv", rows, BIG);
    refused(&f, "first-wins2.csv", &dept, 10, "period 2031 is locked");

    free(rows);
    assert_int_equal(kh_store_check(f.st, &f.err), KH_OK);
    fx_done(&f);
}

/* ---- foreign keys -------------------------------------------------------------------- */

/* The store handle's foreign key enforcement, as SQLite reports it. */
static long long foreign_keys(struct fx *f)
{
    struct db_stmt *q;
    long long on;
    assert_int_equal(db_prepare(f->st->db, "PRAGMA foreign_keys", &q, &f->err), KH_OK);
    assert_int_equal(db_step(q, &f->err), DB_ROW);
    on = db_col_int(q, 0);
    db_reset(q);
    return on;
}

static void test_bulk_foreign_keys_are_on_again_after_every_import(void **state)
{
    struct fx f;
    struct kh_import_report rep;
    struct row *rows;
    (void)state;
    start(&f);
    assert_int_equal(foreign_keys(&f), 1);
    rows = big_rows(2040, 0);
    write_rows(&f, "v.csv", rows, BIG);
    fx_import_ok(&f, "values", "v.csv");
    assert_int_equal(foreign_keys(&f), 1);
    /* nothing changed (the transaction is rolled back) */
    fx_import_ok(&f, "values", "v.csv");
    assert_int_equal(foreign_keys(&f), 1);
    /* refused while applying */
    assert_int_equal(kh_store_period_lock(f.st, f.jid, "2040", 1, NULL, &office, &f.err), KH_OK);
    rows[7].value += 1;
    write_rows(&f, "v2.csv", rows, BIG);
    assert_int_equal(fx_import(&f, "values", "v2.csv", &office, &rep), KH_EINVAL);
    assert_int_equal(foreign_keys(&f), 1);
    /* and the handle enforces them: a value of a unit that does not exist */
    {
        struct db_stmt *q;
        assert_int_equal(db_begin(f.st->db, &f.err), KH_OK);
        assert_int_equal(db_prepare(f.st->db,
                                    "INSERT INTO value (jurisdiction_id, unit_id, indicator_id,"
                                    " period, value, state, batch_id) SELECT ?1, 999999, id,"
                                    " '2041', 1, 'approved', 1 FROM indicator LIMIT 1",
                                    &q, &f.err),
                         KH_OK);
        db_bind_int(q, 1, f.jid);
        assert_int_equal(db_run(q, &f.err), KH_EINVAL);
        db_rollback(f.st->db);
    }
    /* switching inside a transaction is refused */
    assert_int_equal(db_begin(f.st->db, &f.err), KH_OK);
    assert_int_equal(db_foreign_keys(f.st->db, 0, &f.err), KH_EINVAL);
    db_rollback(f.st->db);
    assert_int_equal(foreign_keys(&f), 1);
    assert_int_equal(kh_store_check(f.st, &f.err), KH_OK);
    free(rows);
    fx_done(&f);
}

/* ---- the hash of a big file ------------------------------------------------------------ */

static void test_bulk_big_file_hash_is_recorded_with_its_batch(void **state)
{
    struct fx f;
    struct kh_buf b;
    struct kh_import_report rep;
    unsigned char md[crypto_hash_sha256_BYTES];
    char hex[65], sql[200];
    size_t n = 0;
    int u, i, m;
    (void)state;
    start(&f);
    /* over 4 MiB: hashed on a thread of its own while it is parsed */
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "unit,indicator,period,value\n");
    for (m = 0; m < 144; m++)
        for (u = 0; u < UNITS; u++)
            for (i = 0; i < INDS; i++, n++)
                kh_buf_printf(&b, "U%03d,x%02d,%d-%02d,%.17g\n", u, i, 2001 + m / 12, 1 + m % 12,
                              val(u, i, m));
    assert_false(kh_buf_failed(&b));
    assert_true(b.len > (4u << 20));
    fx_write(&f, "huge.csv", kh_buf_str(&b));
    crypto_hash_sha256(md, (const unsigned char *)kh_buf_str(&b), b.len);
    sodium_bin2hex(hex, sizeof(hex), md, sizeof(md));
    rep = fx_import_ok(&f, "values", "huge.csv");
    assert_int_equal(rep.inserted, n);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM batch WHERE file LIKE '%%huge.csv' AND sha256 = '%s'", hex);
    assert_int_equal(fx_query(f.db, sql), 1);
    /* a parse error at its last line is still the parser's */
    kh_buf_puts(&b, "U000,x00,2001-01,oops\n");
    fx_write(&f, "huge-bad.csv", kh_buf_str(&b));
    assert_int_equal(fx_import(&f, "values", "huge-bad.csv", &office, &rep), KH_EINVAL);
    assert_int_equal(f.err.line, (int)n + 2);
    kh_buf_free(&b);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bulk_rows_stored_in_file_order_for_any_number_of_rows),
        cmocka_unit_test(test_bulk_reimport_counts_stores_and_audits_each_row_as_before),
        cmocka_unit_test(test_bulk_error_late_in_a_big_file_changes_nothing_and_names_the_row),
        cmocka_unit_test(test_bulk_foreign_keys_are_on_again_after_every_import),
        cmocka_unit_test(test_bulk_big_file_hash_is_recorded_with_its_batch),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
