/*
 * store_appeal.c — appeals (申诉): a unit contests one scored item of one
 * period with a reason and evidence; the office accepts or rejects it
 * once (kaohe/store.h, docs/store.md "Appeals").
 *
 * Accepting runs in ONE transaction: the corrections are set as the office
 * through store_value.c's per-value step (approved at once, refused in a
 * locked period); when a snapshot of the appeal's scheme and period was
 * published, a new one is published (store_publish_in), the diff between
 * the newest earlier snapshot and the new one is kept as kh_store_diff
 * JSON, and the units whose published results changed — total, rank, tier
 * or any node's score, compared on the two snapshots' rows rather than by
 * reading the diff — are kept in appeal_unit, so that a unit sees the
 * appeals that moved it. A decided appeal cannot change (a trigger refuses
 * it), so deciding twice is refused by the schema as well as here.
 */
#include "base/common.h"

#include "base/utf8.h"
#include "store/store_int.h"

#define REASON_MAX 4000

void kh_appeal_clear(struct kh_appeal *a)
{
    if (!a)
        return;
    free(a->reason);
    free(a->decision);
    free(a->affected);
    free(a->diff);
    a->reason = a->decision = a->affected = a->diff = NULL;
}

/* Non-zero if s is 1..max bytes of UTF-8 text (line breaks and tabs
 * allowed, no other control characters) with something besides blanks. */
static int good_reason(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0, i = 0;
    int seen = 0;

    if (n == 0 || n > max)
        return 0;
    while (i < n) {
        uint32_t cp;
        size_t k = kh_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (!k || (cp < 0x20 && cp != '\n' && cp != '\r' && cp != '\t') || cp == 0x7F)
            return 0;
        seen |= cp != ' ' && cp != '\n' && cp != '\r' && cp != '\t';
        i += k;
    }
    return seen;
}

/* Check an evidence list: "" or ids joined with ',', each stored in jid. */
static int check_evidence(struct kh_store *st, int64_t jid, const char *list, struct kh_err *err)
{
    static const char sql[] = "SELECT 1 FROM evidence WHERE jurisdiction_id = ?1 AND id = ?2";
    const char *p = list;
    struct db_stmt *q;
    int rc;

    if (!list || !list[0])
        return KH_OK;
    if (strlen(list) >= sizeof(((struct kh_appeal *)0)->evidence))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "evidence: too many evidence ids");
    while (*p) {
        char num[24];
        size_t n = strcspn(p, ",");
        long id;
        if (n == 0 || n >= sizeof(num))
            return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                              "evidence: expected evidence ids joined with ',' (3,7)");
        memcpy(num, p, n);
        num[n] = 0;
        if (kh_parse_long(num, 1, LONG_MAX, &id) || strspn(num, "0123456789") != n)
            return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "evidence: \"%s\" is not an evidence id",
                              num);
        if ((rc = db_prepare(st->db, sql, &q, err)))
            return rc;
        db_bind_int(q, 1, jid);
        db_bind_int(q, 2, id);
        if ((rc = db_step(q, err)) == DB_DONE)
            return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                              "evidence: no evidence %ld in this jurisdiction", id);
        if (rc < 0)
            return rc;
        db_reset(q);
        p += n;
        if (*p == ',' && !*++p)
            return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                              "evidence: expected evidence ids joined with ',' (3,7)");
    }
    return KH_OK;
}

/* The id of scheme `code` of jid; KH_ENOTFOUND when missing. */
static int scheme_id_of(struct kh_store *st, int64_t jid, const char *code, int64_t *id,
                        struct kh_err *err)
{
    static const char sql[] = "SELECT id FROM scheme WHERE jurisdiction_id = ?1 AND code = ?2";
    struct db_stmt *q;
    int rc;

    *id = 0;
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code ? code : "");
    if ((rc = db_step(q, err)) == DB_DONE)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "no scheme \"%s\" in this jurisdiction",
                          code ? code : "");
    if (rc < 0)
        return rc;
    *id = db_col_int(q, 0);
    db_reset(q);
    return KH_OK;
}

/* KH_EINVAL unless `node` is a node of the latest version of scheme `code`. */
static int check_node(struct kh_store *st, int64_t jid, const char *code, const char *node,
                      struct kh_err *err)
{
    struct kh_scheme *s = NULL;
    int rc, k, found = 0;

    if (!node || !node[0])
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "node: an appeal names the scored item");
    if ((rc = kh_store_scheme_load(st, jid, code, 0, &s, err)))
        return rc;
    for (k = 0; k < kh_scheme_node_count(s) && !found; k++)
        found = strcmp(kh_scheme_node_id(s, k), node) == 0;
    kh_scheme_free(s);
    if (!found)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "node: scheme %s has no item \"%s\"", code,
                          node);
    return KH_OK;
}

int kh_store_appeal_file(struct kh_store *st, int64_t jid, const struct kh_appeal *a,
                         const struct kh_actor *who, int64_t *id, struct kh_err *err)
{
    static const char ins[] =
        "INSERT INTO appeal (jurisdiction_id, unit_id, scheme_id, node, period, reason,"
        " evidence, state, batch_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)";
    struct store_batch b;
    struct kh_period p;
    struct db_stmt *q;
    struct kh_buf w;
    char pc[KH_PERIOD_TEXT], key[32];
    int64_t uid, sid;
    int rc, known;

    if (id)
        *id = 0;
    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!a || !good_reason(a->reason, REASON_MAX))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "reason: an appeal says why, in 1 to %d bytes of text", REASON_MAX);
    if ((rc = store_period(a->period, &p, pc, err)))
        return rc;
    kh_buf_init(&w, 0);
    if ((rc = db_begin(st->db, err)))
        goto out;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = store_unit_id(st, jid, a->unit, &uid, err)) ||
        (rc = store_period_known(st, jid, pc, &known, err)))
        goto fail;
    if (!known) {
        rc = kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "period: no period %s in this jurisdiction",
                        pc);
        goto fail;
    }
    if ((rc = scheme_id_of(st, jid, a->scheme_id, &sid, err)) ||
        (rc = check_node(st, jid, a->scheme_id, a->node, err)) ||
        (rc = check_evidence(st, jid, a->evidence, err)) ||
        (rc = store_batch_begin(st, jid, "appeal", who, NULL, NULL, &b, err)) ||
        (rc = db_prepare(st->db, ins, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, uid);
    db_bind_int(q, 3, sid);
    db_bind_text(q, 4, a->node);
    db_bind_text(q, 5, pc);
    db_bind_text(q, 6, a->reason);
    db_bind_text(q, 7, a->evidence);
    db_bind_int(q, 8, b.id);
    if ((rc = db_run(q, err)))
        goto fail;
    snprintf(key, sizeof(key), "#%lld", (long long)db_last_id(st->db));
    if (id)
        *id = db_last_id(st->db);
    kh_buf_printf(&w, "unit %s, %s %s, period %s: %s", a->unit, a->scheme_id, a->node, pc,
                  a->reason);
    if (kh_buf_failed(&w)) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    if ((rc = store_audit(st, &b, "file", "appeal", key, NULL, kh_buf_str(&w), err)))
        goto fail;
    rc = db_commit(st->db, err);
    goto out;
fail:
    db_rollback(st->db);
out:
    kh_buf_free(&w);
    return rc;
}

/* ---- reading appeals ------------------------------------------------------------- */

/* Read the affected units of appeal id into a->affected ("A,B"). */
static int read_affected(struct kh_store *st, int64_t id, struct kh_appeal *a, struct kh_err *err)
{
    static const char sql[] = "SELECT u.code FROM appeal_unit x JOIN unit u ON u.id = x.unit_id"
                              " WHERE x.appeal_id = ?1 ORDER BY u.code";
    struct db_stmt *q;
    struct kh_buf b;
    int rc, first = 1;

    kh_buf_init(&b, 0);
    if ((rc = db_prepare(st->db, sql, &q, err)))
        goto out;
    db_bind_int(q, 1, id);
    while ((rc = db_step(q, err)) == DB_ROW) {
        if (!first)
            kh_buf_putc(&b, ',');
        kh_buf_puts(&b, db_col_text(q, 0));
        first = 0;
    }
    if (rc < 0)
        goto out;
    a->affected = kh_strdup(kh_buf_str(&b));
    rc = a->affected ? KH_OK : kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
out:
    kh_buf_free(&b);
    return rc;
}

/* Read appeal id of jid into *out (inside the caller's read or write). */
static int appeal_read(struct kh_store *st, int64_t jid, int64_t id, struct kh_appeal *out,
                       struct kh_err *err)
{
    static const char sql[] =
        "SELECT a.id, u.code, s.code, a.node, a.period, a.reason, a.evidence, a.state,"
        " a.decision, fb.user, fb.at, db.user, db.at, a.snapshot_before, a.snapshot_after,"
        " a.diff FROM appeal a JOIN unit u ON u.id = a.unit_id JOIN scheme s ON s.id = a.scheme_id"
        " JOIN batch fb ON fb.id = a.batch_id LEFT JOIN batch db ON db.id = a.decided_batch_id"
        " WHERE a.jurisdiction_id = ?1 AND a.id = ?2";
    struct db_stmt *q;
    int rc, nomem = 0;

    memset(out, 0, sizeof(*out));
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, id);
    if ((rc = db_step(q, err)) != DB_ROW)
        return rc < 0 ? rc
                      : kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0,
                                   "no appeal %lld in this jurisdiction", (long long)id);
    out->id = db_col_int(q, 0);
    snprintf(out->unit, sizeof(out->unit), "%s", db_col_text(q, 1));
    snprintf(out->scheme_id, sizeof(out->scheme_id), "%s", db_col_text(q, 2));
    snprintf(out->node, sizeof(out->node), "%s", db_col_text(q, 3));
    snprintf(out->period, sizeof(out->period), "%s", db_col_text(q, 4));
    nomem |= !(out->reason = kh_strdup(db_col_text(q, 5)));
    snprintf(out->evidence, sizeof(out->evidence), "%s", db_col_text(q, 6));
    out->state = (int)db_col_int(q, 7);
    if (db_col_text(q, 8))
        nomem |= !(out->decision = kh_strdup(db_col_text(q, 8)));
    snprintf(out->filed_by, sizeof(out->filed_by), "%s", db_col_text(q, 9));
    snprintf(out->filed_at, sizeof(out->filed_at), "%s", db_col_text(q, 10));
    if (db_col_text(q, 11)) {
        snprintf(out->decided_by, sizeof(out->decided_by), "%s", db_col_text(q, 11));
        snprintf(out->decided_at, sizeof(out->decided_at), "%s", db_col_text(q, 12));
    }
    out->snapshot_before = db_col_int(q, 13);
    out->snapshot_after = db_col_int(q, 14);
    if (db_col_text(q, 15))
        nomem |= !(out->diff = kh_strdup(db_col_text(q, 15)));
    db_reset(q);
    if (nomem) {
        kh_appeal_clear(out);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory reading an appeal");
    }
    if (out->state == KH_APPEAL_ACCEPTED && (rc = read_affected(st, id, out, err))) {
        kh_appeal_clear(out);
        return rc;
    }
    return KH_OK;
}

int kh_store_appeal_get(struct kh_store *st, int64_t jid, int64_t id, struct kh_appeal *out,
                        struct kh_err *err)
{
    int rc, own = !db_in_transaction(st->db);

    memset(out, 0, sizeof(*out));
    if (own && (rc = db_begin_read(st->db, err)))
        return rc;
    rc = appeal_read(st, jid, id, out, err);
    if (own)
        db_rollback(st->db);
    return rc;
}

int kh_store_appeal_list(struct kh_store *st, int64_t jid, const char *unit, struct kh_appeal **out,
                         size_t *n, struct kh_err *err)
{
    static const char sql[] =
        "SELECT a.id FROM appeal a WHERE a.jurisdiction_id = ?1 AND (?2 = 0 OR a.unit_id = ?2"
        " OR EXISTS (SELECT 1 FROM appeal_unit x WHERE x.appeal_id = a.id AND x.unit_id = ?2))"
        " ORDER BY a.id DESC";
    struct kh_appeal *v = NULL;
    int64_t *ids = NULL, uid = 0;
    size_t cap = 0, cap_v = 0, k = 0, i, done = 0;
    struct db_stmt *q;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = db_begin_read(st->db, err)))
        return rc;
    if (unit && (rc = store_unit_id(st, jid, unit, &uid, err)))
        goto out;
    if ((rc = db_prepare(st->db, sql, &q, err)))
        goto out;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, uid);
    while ((rc = db_step(q, err)) == DB_ROW) {
        if (kh_grow(&ids, &cap, k + 1, sizeof(*ids))) {
            db_reset(q);
            rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        ids[k++] = db_col_int(q, 0);
    }
    if (rc < 0)
        goto out;
    if (k && kh_grow(&v, &cap_v, k, sizeof(*v))) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (i = 0; i < k; i++, done++)
        if ((rc = appeal_read(st, jid, ids[i], &v[i], err)))
            goto out;
    *out = v;
    *n = k;
    v = NULL;
    rc = KH_OK;
out:
    db_rollback(st->db);
    for (i = 0; v && i < done; i++)
        kh_appeal_clear(&v[i]);
    free(v);
    free(ids);
    return rc;
}

/* ---- deciding ------------------------------------------------------------------------- */

/* The newest snapshot of scheme sid and period of jid (0 when none), and
 * the scheme version it was scored with. */
static int newest_snapshot(struct kh_store *st, int64_t jid, int64_t sid, const char *period,
                           int64_t *snap, int *version, struct kh_err *err)
{
    static const char sql[] =
        "SELECT s.id, v.version FROM snapshot s JOIN scheme_version v ON v.id = s.scheme_version_id"
        " WHERE s.jurisdiction_id = ?1 AND v.scheme_id = ?2 AND s.period = ?3"
        " ORDER BY s.id DESC LIMIT 1";
    struct db_stmt *q;
    int rc;

    *snap = 0;
    *version = 0;
    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, sid);
    db_bind_text(q, 3, period);
    if ((rc = db_step(q, err)) == DB_ROW) {
        *snap = db_col_int(q, 0);
        *version = (int)db_col_int(q, 1);
        db_reset(q);
    }
    return rc < 0 ? rc : KH_OK;
}

/*
 * Record in appeal_unit the units whose published results differ between
 * snapshots a and b: total, rank, tier or any node's score (as displayed,
 * full precision where nothing is displayed), or present in one only.
 * Their codes, joined with ',', go to *words.
 */
static int note_affected(struct kh_store *st, int64_t jid, int64_t appeal, int64_t a, int64_t b,
                         struct kh_buf *words, struct kh_err *err)
{
    static const char sql[] =
        "SELECT unit FROM ("
        " SELECT x.unit FROM snapshot_unit x LEFT JOIN snapshot_unit y"
        "  ON y.snapshot_id = ?2 AND y.unit = x.unit WHERE x.snapshot_id = ?1"
        "  AND (y.unit IS NULL OR coalesce(x.display, x.total) IS NOT coalesce(y.display, y.total)"
        "  OR x.rank IS NOT y.rank OR x.tier IS NOT y.tier)"
        " UNION SELECT y.unit FROM snapshot_unit y WHERE y.snapshot_id = ?2 AND NOT EXISTS"
        "  (SELECT 1 FROM snapshot_unit x WHERE x.snapshot_id = ?1 AND x.unit = y.unit)"
        " UNION SELECT x.unit FROM snapshot_score x LEFT JOIN snapshot_score y"
        "  ON y.snapshot_id = ?2 AND y.unit = x.unit AND y.node = x.node WHERE x.snapshot_id = ?1"
        "  AND (y.unit IS NULL OR coalesce(x.display, x.score) IS NOT coalesce(y.display, y.score))"
        " UNION SELECT y.unit FROM snapshot_score y WHERE y.snapshot_id = ?2 AND NOT EXISTS"
        "  (SELECT 1 FROM snapshot_score x WHERE x.snapshot_id = ?1 AND x.unit = y.unit"
        "  AND x.node = y.node)) ORDER BY unit";
    static const char ins[] =
        "INSERT OR IGNORE INTO appeal_unit (appeal_id, jurisdiction_id, unit_id)"
        " VALUES (?1, ?2, (SELECT id FROM unit WHERE jurisdiction_id = ?2 AND code = ?3))";
    char **codes = NULL;
    size_t n = 0, cap = 0, i;
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(st->db, sql, &q, err)))
        return rc;
    db_bind_int(q, 1, a);
    db_bind_int(q, 2, b);
    while ((rc = db_step(q, err)) == DB_ROW) {
        if (kh_grow(&codes, &cap, n + 1, sizeof(*codes)) ||
            !(codes[n] = kh_strdup(db_col_text(q, 0)))) {
            db_reset(q);
            rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        n++;
    }
    for (i = 0; rc >= 0 && i < n; i++) {
        if ((rc = db_prepare(st->db, ins, &q, err)))
            break;
        db_bind_int(q, 1, appeal);
        db_bind_int(q, 2, jid);
        db_bind_text(q, 3, codes[i]);
        if ((rc = db_run(q, err)))
            break;
        kh_buf_printf(words, "%s%s", i ? "," : "", codes[i]);
    }
    for (i = 0; i < n; i++)
        free(codes[i]);
    free(codes);
    return rc < 0 ? rc : KH_OK;
}

/* Accept appeal ap (open, read inside the transaction) with its batch b. */
static int accept_in(struct kh_store *st, int64_t jid, const struct kh_appeal *ap,
                     const char *reason, const struct kh_value_in *in, size_t n,
                     const struct kh_actor *office, struct store_batch *b, struct kh_err *err)
{
    static const char upd[] =
        "UPDATE appeal SET state = 1, decision = ?2, decided_batch_id = ?3,"
        " snapshot_before = ?4, snapshot_after = ?5, diff = ?6 WHERE id = ?1 AND state = 0";
    struct kh_snapshot_info after;
    struct store_values run;
    struct kh_buf diff, words;
    struct db_stmt *q;
    int64_t sid, before = 0;
    char key[32];
    size_t i;
    int rc, version = 0;

    memset(&after, 0, sizeof(after));
    kh_buf_init(&diff, 0);
    kh_buf_init(&words, 0);
    store_values_init(&run, st, jid, office, "appeal", b);
    for (i = 0; i < n; i++)
        if ((rc = store_value_set_in(&run, in[i].unit, in[i].indicator, in[i].period, in[i].value,
                                     NULL, NULL, err))) {
            store_err_index(err, "corrections", i);
            goto out;
        }
    if ((rc = scheme_id_of(st, jid, ap->scheme_id, &sid, err)) ||
        (rc = newest_snapshot(st, jid, sid, ap->period, &before, &version, err)))
        goto out;
    kh_buf_printf(&words, "accepted%s%s", reason && reason[0] ? ": " : "", reason ? reason : "");
    if (before) {
        /* republished with the version the correction is about */
        if ((rc = store_publish_in(st, jid, ap->scheme_id, version, ap->period, office, &after,
                                   err)) ||
            (rc = kh_store_diff(st, jid, before, after.id, 1, &diff, err)))
            goto out;
        kh_buf_printf(&words, "; snapshot %lld → %lld; units changed: ", (long long)before,
                      (long long)after.id);
        if ((rc = note_affected(st, jid, ap->id, before, after.id, &words, err)))
            goto out;
    }
    if (kh_buf_failed(&words) || kh_buf_failed(&diff)) {
        rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory deciding an appeal");
        goto out;
    }
    if ((rc = db_prepare(st->db, upd, &q, err)))
        goto out;
    db_bind_int(q, 1, ap->id);
    db_bind_text(q, 2, reason && reason[0] ? reason : NULL);
    db_bind_int(q, 3, b->id);
    if (before) {
        db_bind_int(q, 4, before);
        db_bind_int(q, 5, after.id);
        db_bind_textn(q, 6, diff.data, diff.len);
    }
    snprintf(key, sizeof(key), "#%lld", (long long)ap->id);
    if ((rc = db_run(q, err)) ||
        (rc = store_audit(st, b, "accept", "appeal", key, "open", kh_buf_str(&words), err)))
        goto out;
out:
    store_values_release(&run);
    kh_buf_free(&diff);
    kh_buf_free(&words);
    return rc;
}

int kh_store_appeal_decide(struct kh_store *st, int64_t jid, int64_t id, int accept,
                           const char *reason, const struct kh_value_in *corrections, size_t n,
                           const struct kh_actor *who, struct kh_err *err)
{
    static const char reject[] = "UPDATE appeal SET state = 2, decision = ?2, decided_batch_id = ?3"
                                 " WHERE id = ?1 AND state = 0";
    static const char *const state_names[] = {"open", "accepted", "rejected"};
    struct kh_actor office;
    struct kh_appeal ap;
    struct store_batch b;
    struct db_stmt *q;
    char key[32];
    int rc;

    memset(&ap, 0, sizeof(ap));
    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!who->office)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "only the office decides appeals");
    if (!accept && !good_reason(reason, REASON_MAX))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "reason: rejecting an appeal needs a reason (1 to %d bytes)", REASON_MAX);
    if (accept && reason && reason[0] && !good_reason(reason, REASON_MAX))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "reason: a decision's reason is 1 to %d bytes of text", REASON_MAX);
    if (accept && n && !corrections)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "corrections: none given");
    office = *who;
    office.office = 1;
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) || (rc = appeal_read(st, jid, id, &ap, err)))
        goto fail;
    if (ap.state != KH_APPEAL_OPEN) {
        rc = kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                        "appeal %lld is already decided (%s by %s at %s)", (long long)id,
                        state_names[ap.state >= 0 && ap.state <= 2 ? ap.state : 0], ap.decided_by,
                        ap.decided_at);
        goto fail;
    }
    if ((rc = store_batch_begin(st, jid, "appeal", who, NULL, NULL, &b, err)))
        goto fail;
    if (accept) {
        if ((rc = accept_in(st, jid, &ap, reason, corrections, n, &office, &b, err)))
            goto fail;
    } else {
        snprintf(key, sizeof(key), "#%lld", (long long)id);
        if ((rc = db_prepare(st->db, reject, &q, err)))
            goto fail;
        db_bind_int(q, 1, id);
        db_bind_text(q, 2, reason);
        db_bind_int(q, 3, b.id);
        if ((rc = db_run(q, err)) ||
            (rc = store_audit(st, &b, "reject", "appeal", key, "open", reason, err)))
            goto fail;
    }
    kh_appeal_clear(&ap);
    return db_commit(st->db, err);
fail:
    kh_appeal_clear(&ap);
    db_rollback(st->db);
    return rc;
}
