/*
 * store_event.c — events, evidence files and ballots written one at a
 * time through the API (kaohe/store.h), next to the files kh_store_import
 * takes in bulk.
 *
 * An event (a bonus, a deduction, an honour …) is added or deleted one by
 * one, each change audited with the event's fields and refused in a locked
 * period; the fields follow the same rules as an events file
 * (kh_dataset_add_event_ex). Evidence files are kept in the store itself
 * (a BLOB, at most the caller's size cap), once per unit and content
 * (SHA-256), and never change or go: an event or an appeal cites them as
 * "evidence:ID". A ballot is one evaluator's mark on one unit at one
 * meeting; casting it again replaces it (audited old → new).
 */
#include "base/common.h"

#include "base/utf8.h"
#include "store/store_int.h"

/* "" for NULL. */
static const char *nz(const char *s)
{
    return s ? s : "";
}

/* NULL for NULL or "" (how optional event fields are stored). */
static const char *opt(const char *s)
{
    return s && s[0] ? s : NULL;
}

/* ---- events ---------------------------------------------------------------------- */

/* Check an event's fields as an events file would. */
static int check_event(const struct kh_event_row *e, struct kh_err *err)
{
    if (!e || !e->item || !e->item[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "event: the item (event type) is empty");
    if (!isfinite(e->count) || e->count < 0)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "event: the count must be a number of 0 or more");
    if (e->shares < 1)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "event: shares must be 1 or more");
    if (isinf(e->points))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "event: points must be a finite number");
    return KH_OK;
}

/* The kh_event of a row, for store_event_words. */
static void as_event(const struct kh_event_row *r, struct kh_event *e)
{
    memset(e, 0, sizeof(*e));
    e->item = (char *)r->item;
    e->level = (char *)opt(r->level);
    e->count = r->count;
    e->matter = (char *)opt(r->matter);
    e->points = r->points;
    e->shares = r->shares;
    e->exempt = r->exempt != 0;
    e->evidence = (char *)opt(r->evidence);
    e->note = (char *)opt(r->note);
}

/* KH_EINVAL when period p lies in a locked period of jid. */
static int check_unlocked(struct kh_store *st, int64_t jid, const struct kh_period *p,
                          const char *what, struct kh_err *err)
{
    struct store_locks locks;
    const char *lock;
    int rc;

    if ((rc = store_locks_load(st, jid, &locks, err)))
        return rc;
    if ((lock = store_locked(&locks, p)))
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                        "%s cannot change: period %s is locked (kaohe unlock %s --reason …)", what,
                        lock, lock);
    store_locks_free(&locks);
    return rc;
}

int kh_store_event_add(struct kh_store *st, int64_t jid, const struct kh_event_row *e,
                       const struct kh_actor *who, int64_t *id, struct kh_err *err)
{
    static const char ins[] =
        "INSERT INTO event (jurisdiction_id, unit_id, item, period, level, count, matter,"
        " points, shares, exempt, evidence, note, batch_id, line)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0)";
    struct store_batch b;
    struct kh_period p;
    struct kh_event ev;
    struct db_stmt *q;
    struct kh_buf w;
    char pc[KH_PERIOD_TEXT], key[600];
    int64_t uid;
    int rc;

    if (id)
        *id = 0;
    if ((rc = store_check_actor(who, err)) || (rc = check_event(e, err)) ||
        (rc = store_period(e->period, &p, pc, err)))
        return rc;
    snprintf(key, sizeof(key), "%s %s %s", nz(e->unit), e->item, pc);
    kh_buf_init(&w, 0);
    if ((rc = db_begin(st->db, err)))
        goto out;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_unit_id(st, jid, e->unit, &uid, err)) ||
        (rc = check_unlocked(st, jid, &p, "an event", err)) ||
        (rc = store_batch_begin(st, jid, "edit", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, ins, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, uid);
    db_bind_text(q, 3, e->item);
    db_bind_text(q, 4, pc);
    db_bind_text(q, 5, opt(e->level));
    db_bind_double(q, 6, e->count);
    db_bind_text(q, 7, opt(e->matter));
    db_bind_double(q, 8, e->points);
    db_bind_int(q, 9, e->shares);
    db_bind_int(q, 10, e->exempt ? 1 : 0);
    db_bind_text(q, 11, opt(e->evidence));
    db_bind_text(q, 12, opt(e->note));
    db_bind_int(q, 13, b.id);
    if ((rc = db_run(q, err)))
        goto fail;
    if (id)
        *id = db_last_id(st->db);
    as_event(e, &ev);
    if ((rc = store_audit(st, &b, "insert", "event", key, NULL, store_event_words(&w, &ev), err)))
        goto fail;
    rc = db_commit(st->db, err);
    goto out;
fail:
    db_rollback(st->db);
out:
    kh_buf_free(&w);
    return rc;
}

#define EVENT_SQL                                                                                  \
    "SELECT e.id, u.code, e.item, e.period, e.level, e.matter, e.evidence, e.note, e.count,"       \
    " e.points, e.shares, e.exempt, b.user, b.at FROM event e JOIN unit u ON u.id = e.unit_id"     \
    " JOIN batch b ON b.id = e.batch_id"

/* Fill *r from the current row of an EVENT_SQL query (pointers valid
 * until the next step). */
static void read_event(struct db_stmt *q, struct kh_event_row *r)
{
    r->id = db_col_int(q, 0);
    r->unit = db_col_text(q, 1);
    r->item = db_col_text(q, 2);
    r->period = db_col_text(q, 3);
    r->level = db_col_text(q, 4);
    r->matter = db_col_text(q, 5);
    r->evidence = db_col_text(q, 6);
    r->note = db_col_text(q, 7);
    r->count = db_col_double(q, 8);
    r->points = db_col_double(q, 9);
    r->shares = (int)db_col_int(q, 10);
    r->exempt = (int)db_col_int(q, 11);
    r->by = db_col_text(q, 12);
    r->at = db_col_text(q, 13);
}

int kh_store_event_delete(struct kh_store *st, int64_t jid, int64_t id, const struct kh_actor *who,
                          struct kh_err *err)
{
    static const char get[] = EVENT_SQL " WHERE e.jurisdiction_id = ?1 AND e.id = ?2";
    static const char del[] = "DELETE FROM event WHERE id = ?1";
    struct store_batch b;
    struct kh_event_row r;
    struct kh_event ev;
    struct kh_period p;
    struct db_stmt *q;
    struct kh_buf w;
    char key[600];
    int rc;

    if ((rc = store_check_actor(who, err)))
        return rc;
    kh_buf_init(&w, 0);
    if ((rc = db_begin(st->db, err)))
        goto out;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_prepare(st->db, get, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, id);
    if ((rc = db_step(q, err)) != DB_ROW) {
        if (rc == DB_DONE)
            rc = kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no event %lld in this jurisdiction",
                            (long long)id);
        goto fail;
    }
    read_event(q, &r);
    snprintf(key, sizeof(key), "%s %s %s", r.unit, r.item, r.period);
    as_event(&r, &ev);
    store_event_words(&w, &ev);
    rc = kh_period_parse(r.period, &p);
    db_reset(q);
    if (rc) {
        rc = kh_err_set(err, KH_EIO, db_path(st->db), 0, 0, "event %lld has a damaged period",
                        (long long)id);
        goto fail;
    }
    if ((rc = check_unlocked(st, jid, &p, "an event", err)) ||
        (rc = store_batch_begin(st, jid, "edit", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, del, &q, err)))
        goto fail;
    db_bind_int(q, 1, id);
    if ((rc = db_run(q, err)) ||
        (rc = store_audit(st, &b, "delete", "event", key, kh_buf_str(&w), NULL, err)))
        goto fail;
    rc = db_commit(st->db, err);
    goto out;
fail:
    db_rollback(st->db);
out:
    kh_buf_free(&w);
    return rc;
}

int kh_store_event_list(struct kh_store *st, int64_t jid, const char *period, const char *unit,
                        int (*cb)(void *user, const struct kh_event_row *row), void *user,
                        struct kh_err *err)
{
    static const char sql[] =
        EVENT_SQL " WHERE e.jurisdiction_id = ?1 AND (?2 IS NULL OR e.period = ?2)"
                  " AND (?3 = 0 OR e.unit_id = ?3) ORDER BY u.id, e.item, e.period, e.id";
    struct kh_period p;
    struct db_stmt *q;
    char pc[KH_PERIOD_TEXT];
    int64_t uid = 0;
    int rc;

    if (period && (rc = store_period(period, &p, pc, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_begin_read(st->db, err)))
        return rc;
    if (unit && (rc = store_unit_id(st, jid, unit, &uid, err)))
        goto out;
    if ((rc = db_prepare(st->db, sql, &q, err)))
        goto out;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, period ? pc : NULL);
    db_bind_int(q, 3, uid);
    while ((rc = db_step(q, err)) == DB_ROW) {
        struct kh_event_row r;
        read_event(q, &r);
        if ((rc = cb(user, &r))) {
            db_reset(q);
            goto out;
        }
    }
out:
    db_rollback(st->db);
    return rc;
}

/* ---- evidence -------------------------------------------------------------------------- */

/* The file name as given, made safe to show and to offer as a download
 * name: '/', '\\', control characters and bytes that are not UTF-8 become
 * '_', at most 255 bytes (whole characters), "file" when empty. */
static void clean_name(const char *name, char out[256])
{
    size_t n = name ? strlen(name) : 0, i = 0, o = 0;

    while (i < n) {
        uint32_t cp;
        size_t k = kh_utf8_decode((const unsigned char *)name + i, n - i, &cp);
        if (!k || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == '/' || cp == '\\') {
            if (o + 1 > 255)
                break;
            out[o++] = '_';
            i += k ? k : 1;
            continue;
        }
        if (o + k > 255)
            break;
        memcpy(out + o, name + i, k);
        o += k;
        i += k;
    }
    out[o] = 0;
    if (!o)
        snprintf(out, 256, "file");
}

/* Non-zero if m is a usable media type: 1..127 printable ASCII bytes. */
static int good_mime(const char *m)
{
    size_t n = strlen(m), i;
    if (n == 0 || n > 127)
        return 0;
    for (i = 0; i < n; i++)
        if (m[i] < 0x20 || m[i] > 0x7E)
            return 0;
    return 1;
}

#define EVIDENCE_SQL                                                                               \
    "SELECT e.id, e.name, e.mime, e.size, e.sha256, coalesce(u.code, ''), b.user, b.at, e.data"    \
    " FROM evidence e LEFT JOIN unit u ON u.id = e.unit_id JOIN batch b ON b.id = e.batch_id"

/* Fill *out from the current row of an EVIDENCE_SQL query. */
static void read_evidence(struct db_stmt *q, struct kh_evidence *out)
{
    memset(out, 0, sizeof(*out));
    out->id = db_col_int(q, 0);
    snprintf(out->name, sizeof(out->name), "%s", db_col_text(q, 1));
    snprintf(out->mime, sizeof(out->mime), "%s", db_col_text(q, 2));
    out->size = (size_t)db_col_int(q, 3);
    snprintf(out->sha256, sizeof(out->sha256), "%s", db_col_text(q, 4));
    snprintf(out->unit, sizeof(out->unit), "%s", db_col_text(q, 5));
    snprintf(out->by, sizeof(out->by), "%s", db_col_text(q, 6));
    snprintf(out->at, sizeof(out->at), "%s", db_col_text(q, 7));
}

int kh_store_evidence_add(struct kh_store *st, int64_t jid, const char *name, const char *mime,
                          const char *unit, const void *data, size_t len, size_t max,
                          const struct kh_actor *who, struct kh_evidence *out, struct kh_err *err)
{
    static const char same[] =
        EVIDENCE_SQL " WHERE e.jurisdiction_id = ?1 AND ifnull(e.unit_id, 0) = ?2"
                     " AND e.sha256 = ?3";
    static const char ins[] =
        "INSERT INTO evidence (jurisdiction_id, name, mime, size, sha256, unit_id, data,"
        " batch_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    struct kh_evidence ev;
    struct store_batch b;
    struct db_stmt *q;
    char what[600];
    int64_t uid = 0;
    int rc;

    memset(&ev, 0, sizeof(ev));
    if ((rc = store_check_actor(who, err)))
        return rc;
    if (len > max)
        return kh_err_set(err, KH_ELIMIT, NULL, 0, 0,
                          "the evidence file has %zu bytes; at most %zu are accepted", len, max);
    if (!len || !data)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "the evidence file is empty");
    mime = mime && mime[0] ? mime : "application/octet-stream";
    if (!good_mime(mime))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "mime: a media type is 1 to 127 printable ASCII characters "
                          "(application/pdf)");
    clean_name(name, ev.name);
    snprintf(ev.mime, sizeof(ev.mime), "%s", mime);
    ev.size = len;
    store_sha256_hex(data, len, ev.sha256);
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (unit && unit[0] && (rc = store_unit_id(st, jid, unit, &uid, err))) ||
        (rc = db_prepare(st->db, same, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, uid);
    db_bind_text(q, 3, ev.sha256);
    if ((rc = db_step(q, err)) == DB_ROW) {
        if (out)
            read_evidence(q, out);
        db_reset(q);
        db_rollback(st->db); /* stored already: the same bytes about the same unit */
        return KH_OK;
    }
    if (rc < 0 || (rc = store_batch_begin(st, jid, "evidence", who, NULL, ev.sha256, &b, err)) ||
        (rc = db_prepare(st->db, ins, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, ev.name);
    db_bind_text(q, 3, ev.mime);
    db_bind_int(q, 4, (int64_t)len);
    db_bind_text(q, 5, ev.sha256);
    if (uid)
        db_bind_int(q, 6, uid);
    db_bind_blob(q, 7, data, len);
    db_bind_int(q, 8, b.id);
    if ((rc = db_run(q, err)))
        goto fail;
    ev.id = db_last_id(st->db);
    snprintf(ev.unit, sizeof(ev.unit), "%s", uid ? unit : "");
    snprintf(ev.by, sizeof(ev.by), "%s", who->user);
    snprintf(ev.at, sizeof(ev.at), "%s", b.at);
    snprintf(what, sizeof(what), "%s (%s, %zu bytes, sha256 %.12s%s%s)", ev.name, ev.mime, len,
             ev.sha256, uid ? ", unit " : "", uid ? unit : "");
    {
        char key[32];
        snprintf(key, sizeof(key), "evidence:%lld", (long long)ev.id);
        if ((rc = store_audit(st, &b, "insert", "evidence", key, NULL, what, err)))
            goto fail;
    }
    if ((rc = db_commit(st->db, err)))
        return rc;
    if (out)
        *out = ev;
    return KH_OK;
fail:
    db_rollback(st->db);
    return rc;
}

int kh_store_evidence_get(struct kh_store *st, int64_t jid, int64_t id, struct kh_evidence *out,
                          void **data, struct kh_err *err)
{
    static const char sql[] = EVIDENCE_SQL " WHERE e.jurisdiction_id = ?1 AND e.id = ?2";
    struct kh_evidence ev;
    struct db_stmt *q;
    const void *p;
    size_t n;
    int rc;

    if (data)
        *data = NULL;
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, id);
    if ((rc = db_step(q, err)) != DB_ROW)
        return rc < 0 ? rc
                      : kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0,
                                   "no evidence %lld in this jurisdiction", (long long)id);
    read_evidence(q, &ev);
    if (data) {
        p = db_col_blob(q, 8, &n);
        if (!(*data = malloc(n ? n : 1))) {
            db_reset(q);
            return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory reading evidence");
        }
        if (n)
            memcpy(*data, p, n);
        ev.size = n;
    }
    db_reset(q);
    if (out)
        *out = ev;
    return KH_OK;
}

/* ---- ballots ------------------------------------------------------------------------------ */

int kh_store_ballot_set(struct kh_store *st, int64_t jid, const char *meeting, const char *group,
                        const char *unit, const char *grade, double score,
                        const struct kh_actor *who, struct kh_err *err)
{
    static const char get[] =
        "SELECT id, grp, grade, score FROM ballot WHERE jurisdiction_id = ?1 AND meeting = ?2"
        " AND evaluator = ?3 AND unit_id = ?4";
    static const char ins[] =
        "INSERT INTO ballot (jurisdiction_id, meeting, evaluator, grp, unit_id, grade, score,"
        " batch_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)";
    static const char upd[] = "UPDATE ballot SET grp = ?2, grade = ?3, score = ?4, batch_id = ?5,"
                              " source_id = NULL, line = 0 WHERE id = ?1";
    struct store_batch b;
    struct db_stmt *q;
    struct kh_buf o, w;
    char key[800];
    int64_t uid, id = 0;
    int rc;

    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!store_good_text(meeting, 256))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "meeting: a ballot names its meeting (one line, at most 256 bytes)");
    group = opt(group);
    grade = opt(grade);
    if (group && !store_good_text(group, 256))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "group: an evaluator group is one line of at most 256 bytes");
    if ((grade != NULL) == !isnan(score) || isinf(score) || (grade && !store_good_text(grade, 256)))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "a ballot gives either a grade (好, 较好, 一般, 差 …) or a numeric "
                          "score, not both and not neither");
    snprintf(key, sizeof(key), "%s %s %s", meeting, who->user, nz(unit));
    kh_buf_init(&o, 0);
    kh_buf_init(&w, 0);
    if ((rc = db_begin(st->db, err)))
        goto out;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_unit_id(st, jid, unit, &uid, err)) || (rc = db_prepare(st->db, get, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, meeting);
    db_bind_text(q, 3, who->user);
    db_bind_int(q, 4, uid);
    if ((rc = db_step(q, err)) == DB_ROW) {
        double os = db_col_double(q, 3);
        int same = kh_streq(db_col_text(q, 1), group) && kh_streq(db_col_text(q, 2), grade) &&
                   (isnan(os) ? isnan(score) : os == score);
        id = db_col_int(q, 0);
        store_ballot_words(&o, db_col_text(q, 1), db_col_text(q, 2), os);
        db_reset(q);
        if (same) {
            db_rollback(st->db); /* cast already */
            rc = KH_OK;
            goto out;
        }
    } else if (rc < 0) {
        goto fail;
    }
    if ((rc = store_batch_begin(st, jid, "ballot", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, id ? upd : ins, &q, err)))
        goto fail;
    if (id) {
        db_bind_int(q, 1, id);
        db_bind_text(q, 2, group);
        db_bind_text(q, 3, grade);
        db_bind_double(q, 4, score);
        db_bind_int(q, 5, b.id);
    } else {
        db_bind_int(q, 1, jid);
        db_bind_text(q, 2, meeting);
        db_bind_text(q, 3, who->user);
        db_bind_text(q, 4, group);
        db_bind_int(q, 5, uid);
        db_bind_text(q, 6, grade);
        db_bind_double(q, 7, score);
        db_bind_int(q, 8, b.id);
    }
    if ((rc = db_run(q, err)) ||
        (rc = store_audit(st, &b, id ? "update" : "insert", "ballot", key,
                          id ? kh_buf_str(&o) : NULL, store_ballot_words(&w, group, grade, score),
                          err)))
        goto fail;
    rc = db_commit(st->db, err);
    goto out;
fail:
    db_rollback(st->db);
out:
    kh_buf_free(&o);
    kh_buf_free(&w);
    return rc;
}
