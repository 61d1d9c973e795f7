/*
 * store_bulk.c — the mechanics of fast imports (see store_bulk.h): values in
 * chunks, units checked once each, an import's distinct periods, and the
 * file's SHA-256 on a second thread.
 *
 * One INSERT or SELECT a row costs SQLite a whole statement each time
 * (reset, bindings, opening and closing every cursor, halting); one a
 * chunk of 64 rows costs that once. The statements are constant texts with
 * `?` parameters, 64, 16, 4 and 1 rows long, built by the macros below, so
 * that any number of rows is written with a few of them and each is
 * prepared once per connection (db.c's cache). Rows are inserted in the
 * order given: a VALUES list is inserted row after row, so the new rows'
 * ids follow the file, which the store's "order first stored" relies on.
 */
#include "base/common.h"

#include <sodium.h>
#include <sys/stat.h>

#include "base/sort.h"
#include "store/store_bulk.h"

/* ---- the statements ------------------------------------------------------------ */

#define ROWS4(r)  r "," r "," r "," r
#define ROWS16(r) ROWS4(r) "," ROWS4(r) "," ROWS4(r) "," ROWS4(r)
#define ROWS64(r) ROWS16(r) "," ROWS16(r) "," ROWS16(r) "," ROWS16(r)

/*
 * Insert: ?1 jurisdiction, ?2 state and ?3 batch are the same in every row;
 * each row then has six parameters of its own (a bare `?` is numbered one
 * past the largest number so far: 4–9 in the first row, 10–15 in the
 * second …). OR IGNORE skips a row whose key is stored (the only constraint
 * a row of the import can meet: the others hold by construction, and a row
 * skipped for any reason is caught by the caller as not inserted and not
 * found). It also spares SQLite a statement journal: no row can make the
 * statement abort half way.
 */
#define INS_HEAD                                                                                   \
    "INSERT OR IGNORE INTO value (jurisdiction_id, state, batch_id, unit_id, indicator_id,"        \
    " period, value, source_id, line) VALUES "
#define INS_ROW  "(?1,?2,?3,?,?,?,?,?,?)"
#define INS_COLS 6

static const char ins_1[] = INS_HEAD INS_ROW;
static const char ins_4[] = INS_HEAD ROWS4(INS_ROW);
static const char ins_16[] = INS_HEAD ROWS16(INS_ROW);
static const char ins_64[] = INS_HEAD ROWS64(INS_ROW);

/* Find: four parameters a row (the row's place in the statement, then its
 * key); one result row per key that is stored. */
#define FIND_HEAD "SELECT k.column1, v.id, v.value, v.state, v.batch_id FROM (VALUES "
#define FIND_ROW  "(?,?,?,?)"
#define FIND_TAIL                                                                                  \
    ") AS k JOIN value AS v ON v.unit_id = k.column2 AND v.indicator_id = k.column3"               \
    " AND v.period = k.column4"
#define FIND_COLS 4

static const char find_1[] = FIND_HEAD FIND_ROW FIND_TAIL;
static const char find_4[] = FIND_HEAD ROWS4(FIND_ROW) FIND_TAIL;
static const char find_16[] = FIND_HEAD ROWS16(FIND_ROW) FIND_TAIL;
static const char find_64[] = FIND_HEAD ROWS64(FIND_ROW) FIND_TAIL;

/* The statement sizes, largest first (a chunk), and their texts. */
_Static_assert(STORE_BULK_ROWS == 64, "the largest statement is a chunk");
static const struct {
    size_t rows;
    const char *ins, *find;
} sizes[] = {{64, ins_64, find_64}, {16, ins_16, find_16}, {4, ins_4, find_4}, {1, ins_1, find_1}};

/* The largest statement size not above n (n > 0). */
static size_t size_for(size_t n)
{
    size_t k = 0;
    while (sizes[k].rows > n)
        k++;
    return k;
}

int store_bulk_insert(struct kh_store *st, int64_t jid, const char *state, int64_t batch_id,
                      const struct store_bulk_value *rows, size_t n, size_t *inserted,
                      struct kh_err *err)
{
    struct db_stmt *q;
    size_t done = 0, i;
    int rc;

    *inserted = 0;
    while (done < n) {
        size_t k = size_for(n - done);
        if ((rc = db_prepare(st->db, sizes[k].ins, &q, err)))
            return rc;
        db_bind_int(q, 1, jid);
        db_bind_text_static(q, 2, state);
        db_bind_int(q, 3, batch_id);
        for (i = 0; i < sizes[k].rows; i++) {
            const struct store_bulk_value *r = &rows[done + i];
            int b = 3 + (int)i * INS_COLS;
            db_bind_int(q, b + 1, r->unit_id);
            db_bind_int(q, b + 2, r->indicator_id);
            db_bind_text_static(q, b + 3, r->period);
            db_bind_double(q, b + 4, r->value);
            if (r->source_id)
                db_bind_int(q, b + 5, r->source_id);
            else
                db_bind_null(q, b + 5);
            db_bind_int(q, b + 6, r->line);
        }
        if ((rc = db_run(q, err)))
            return rc;
        *inserted += (size_t)db_changes(st->db);
        done += sizes[k].rows;
    }
    return KH_OK;
}

int store_bulk_find(struct kh_store *st, const struct store_bulk_value *rows, size_t n,
                    struct store_bulk_stored *out, struct kh_err *err)
{
    struct db_stmt *q;
    size_t done = 0, i;
    int rc;

    for (i = 0; i < n; i++)
        out[i].found = 0;
    while (done < n) {
        size_t k = size_for(n - done);
        if ((rc = db_prepare(st->db, sizes[k].find, &q, err)))
            return rc;
        for (i = 0; i < sizes[k].rows; i++) {
            const struct store_bulk_value *r = &rows[done + i];
            int b = (int)i * FIND_COLS;
            db_bind_int(q, b + 1, (int64_t)i);
            db_bind_int(q, b + 2, r->unit_id);
            db_bind_int(q, b + 3, r->indicator_id);
            db_bind_text_static(q, b + 4, r->period);
        }
        while ((rc = db_step(q, err)) == DB_ROW) {
            int64_t at = db_col_int(q, 0);
            struct store_bulk_stored *o;
            const char *s;
            if (at < 0 || (size_t)at >= sizes[k].rows) {
                db_reset(q);
                return kh_err_set(err, KH_EIO, db_path(st->db), 0, 0,
                                  "the store answered a lookup of values with a row it was not "
                                  "asked for");
            }
            o = &out[done + (size_t)at];
            o->found = 1;
            o->id = db_col_int(q, 1);
            o->value = db_col_double(q, 2);
            s = db_col_text(q, 3);
            snprintf(o->state, sizeof(o->state), "%s", s ? s : "");
            o->batch_id = db_col_int(q, 4);
        }
        if (rc < 0)
            return rc;
        done += sizes[k].rows;
    }
    return KH_OK;
}

/* ---- the units named ------------------------------------------------------------ */

/* Order of ids, for kh_sort. */
static int id_cmp(const void *a, const void *b, void *ctx)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    (void)ctx;
    return (x > y) - (x < y);
}

int store_bulk_units(struct kh_store *st, int64_t jid, int64_t *ids, size_t n, int64_t *missing,
                     struct kh_err *err)
{
    static const char sql[] = "SELECT id FROM unit WHERE jurisdiction_id = ?1 ORDER BY id";
    struct db_stmt *q;
    size_t k = 0;
    int rc = DB_DONE;

    *missing = 0;
    if (n == 0)
        return KH_OK;
    if (kh_sort(ids, n, sizeof(*ids), id_cmp, NULL))
        return kh_err_set(err, KH_ENOMEM, db_path(st->db), 0, 0, "out of memory");
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    while (k < n && (rc = db_step(q, err)) == DB_ROW) {
        int64_t id = db_col_int(q, 0);
        if (ids[k] < id)
            break; /* ids[k] is not stored */
        while (k < n && ids[k] == id)
            k++;
    }
    if (rc == DB_ROW)
        db_reset(q);
    if (rc < 0)
        return rc;
    if (k < n)
        *missing = ids[k];
    return KH_OK;
}

/* ---- the periods of an import ---------------------------------------------------- */

struct store_period_slot {
    struct kh_period p;
    const char *lock; /* the locked period containing p (in the locks), or NULL */
    char text[KH_PERIOD_TEXT];
};

/* A hash of p for the open-addressing table. */
static size_t period_hash(const struct kh_period *p)
{
    uint64_t h = ((uint64_t)(uint32_t)p->year << 16) ^ ((uint64_t)(uint32_t)p->kind << 8) ^
                 (uint64_t)(uint32_t)p->index;
    return (size_t)((h * UINT64_C(0x9E3779B97F4A7C15)) >> 32);
}

/* The place of p in slots (cap a power of two): its slot or an empty one. */
static size_t period_probe(struct store_period_slot **slots, size_t cap, const struct kh_period *p)
{
    size_t i = period_hash(p) & (cap - 1);
    while (slots[i] && !kh_period_equal(&slots[i]->p, p))
        i = (i + 1) & (cap - 1);
    return i;
}

/* Double the table (or make the first one). */
static int periods_grow(struct store_periods *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64, i;
    struct store_period_slot **slots = calloc(cap, sizeof(*slots));

    if (!slots)
        return KH_ENOMEM;
    for (i = 0; i < t->cap; i++)
        if (t->slots[i])
            slots[period_probe(slots, cap, &t->slots[i]->p)] = t->slots[i];
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return KH_OK;
}

int store_periods_get(struct store_periods *t, const struct store_locks *locks,
                      const struct kh_period *p, const char **text, const char **lock)
{
    struct store_period_slot *s = t->last;
    size_t i;

    if (!s || !kh_period_equal(&s->p, p)) {
        if ((t->n + 1) * 2 > t->cap && periods_grow(t))
            return KH_ENOMEM;
        i = period_probe(t->slots, t->cap, p);
        if (!(s = t->slots[i])) {
            if (!(s = malloc(sizeof(*s))))
                return KH_ENOMEM;
            s->p = *p;
            kh_period_format(p, s->text);
            s->lock = store_locked(locks, p);
            t->slots[i] = s;
            t->n++;
        }
        t->last = s;
    }
    *text = s->text;
    *lock = s->lock;
    return KH_OK;
}

void store_periods_free(struct store_periods *t)
{
    size_t i;

    for (i = 0; i < t->cap; i++)
        free(t->slots[i]);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

/* ---- the file's SHA-256 ------------------------------------------------------------- */

/* SHA-256 of the file at path, for the batch record; *zip is set when the
 * file is a zip archive (a workbook). */
static int file_sha256(const char *path, char out[65], int *zip, struct kh_err *err)
{
    crypto_hash_sha256_state h;
    unsigned char buf[65536], md[crypto_hash_sha256_BYTES];
    FILE *f = fopen(path, "rb");
    size_t n;
    int first = 1;

    *zip = 0;
    if (!f)
        return kh_err_set(err, KH_EIO, path, 0, 0, "cannot open the file: %s", strerror(errno));
    crypto_hash_sha256_init(&h);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (first && n >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0)
            *zip = 1;
        first = 0;
        crypto_hash_sha256_update(&h, buf, n);
    }
    if (ferror(f)) {
        fclose(f);
        return kh_err_set(err, KH_EIO, path, 0, 0, "cannot read the file: %s", strerror(errno));
    }
    fclose(f);
    crypto_hash_sha256_final(&h, md);
    sodium_bin2hex(out, 65, md, sizeof(md));
    return KH_OK;
}

/* Files smaller than this are hashed on the caller's thread. */
#define HASH_THREAD_BYTES (4 << 20)

static void *hasher_main(void *arg)
{
    struct store_hasher *h = arg;
    h->rc = file_sha256(h->path, h->sha, &h->zip, &h->err);
    return NULL;
}

void store_hasher_start(struct store_hasher *h, const char *path)
{
    struct stat sb;

    memset(h, 0, sizeof(*h));
    h->path = path;
    kh_err_clear(&h->err);
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= HASH_THREAD_BYTES)
        h->started = pthread_create(&h->thread, NULL, hasher_main, h) == 0;
}

void store_hasher_join(struct store_hasher *h)
{
    if (h->started && !h->done) {
        pthread_join(h->thread, NULL);
        h->done = 1;
    }
}

int store_hasher_finish(struct store_hasher *h, struct kh_err *err)
{
    store_hasher_join(h);
    if (!h->started)
        h->rc = file_sha256(h->path, h->sha, &h->zip, &h->err);
    if (h->rc)
        *err = h->err;
    return h->rc;
}
