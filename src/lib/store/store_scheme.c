/*
 * store_scheme.c — schemes in the store: every version of every scheme is
 * kept with its full source text and the SHA-256 of that text, numbered
 * 1, 2, 3 … per scheme id (the `scheme: id:` inside the YAML). Adding a
 * text that is already stored gives back its version and changes nothing,
 * so importing the same scheme file twice is harmless. A text is validated
 * by the scheme loader before it is stored: what the store holds always
 * loads.
 */
#include "base/common.h"

#include "store/store_int.h"

/* Largest scheme text accepted (the scheme loader's own limit). */
#define MAX_SCHEME_BYTES ((size_t)16 << 20)

void store_scheme_row_free(struct store_scheme_row *row)
{
    free(row->text);
    free(row->file);
    memset(row, 0, sizeof(*row));
}

int store_scheme_get(struct kh_store *st, int64_t jid, const char *code, int version, int64_t id,
                     struct store_scheme_row *row, struct kh_err *err)
{
    static const char by_code[] =
        "SELECT v.id, v.version, v.text, v.file, v.sha256 FROM scheme_version v"
        " JOIN scheme s ON s.id = v.scheme_id"
        " WHERE s.jurisdiction_id = ?1 AND s.code = ?2 AND (?3 = 0 OR v.version = ?3)"
        " ORDER BY v.version DESC LIMIT 1";
    static const char by_id[] = "SELECT id, version, text, file, sha256 FROM scheme_version"
                                " WHERE jurisdiction_id = ?1 AND id = ?2";
    struct db_stmt *q;
    const char *text;
    int rc;

    memset(row, 0, sizeof(*row));
    if ((rc = db_prepare(st->db, id > 0 ? by_id : by_code, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    if (id > 0) {
        db_bind_int(q, 2, id);
    } else {
        db_bind_text(q, 2, code);
        db_bind_int(q, 3, version);
    }
    rc = db_step(q, err);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE) {
        if (version > 0)
            return kh_err_set(err, KH_ENOTFOUND, db_path(st->db), 0, 0,
                              "scheme \"%s\" has no version %d in the store", code ? code : "",
                              version);
        return kh_err_set(err, KH_ENOTFOUND, db_path(st->db), 0, 0,
                          "no scheme \"%s\" in the store: import it first with kaohe import "
                          "SCHEME.yaml",
                          code ? code : "");
    }
    row->id = db_col_int(q, 0);
    row->version = (int)db_col_int(q, 1);
    text = db_col_text(q, 2);
    row->len = text ? strlen(text) : 0;
    row->text = kh_strndup(text ? text : "", row->len);
    row->file = kh_strdup(db_col_text(q, 3) ? db_col_text(q, 3) : "");
    snprintf(row->sha256, sizeof(row->sha256), "%s", db_col_text(q, 4) ? db_col_text(q, 4) : "");
    db_reset(q);
    if (!row->text || !row->file) {
        store_scheme_row_free(row);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return KH_OK;
}

/* The id of scheme `code` of jid, added when missing. */
static int scheme_row(struct kh_store *st, int64_t jid, const char *code, int64_t *id,
                      struct kh_err *err)
{
    static const char find[] = "SELECT id FROM scheme WHERE jurisdiction_id = ?1 AND code = ?2";
    static const char add[] = "INSERT INTO scheme (jurisdiction_id, code) VALUES (?1, ?2)";
    struct db_stmt *q;
    int rc;

    if ((rc = db_prepare(st->db, find, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code);
    rc = db_step(q, err);
    if (rc == DB_ROW) {
        *id = db_col_int(q, 0);
        db_reset(q);
        return KH_OK;
    }
    if (rc < 0 || (rc = db_prepare(st->db, add, &q, err)))
        return rc;
    db_bind_int(q, 1, jid);
    db_bind_text(q, 2, code);
    if ((rc = db_run(q, err)))
        return rc;
    *id = db_last_id(st->db);
    return KH_OK;
}

/*
 * Store the validated text as the next version of its scheme unless it is
 * stored already. *added is 1 when a version was added. Runs in its own
 * transaction.
 */
static int scheme_store(struct kh_store *st, int64_t jid, const char *name, const char *text,
                        size_t len, const struct kh_scheme *s, const struct kh_actor *who,
                        int *version, int *added, struct kh_err *err)
{
    static const char same[] =
        "SELECT version FROM scheme_version WHERE scheme_id = ?1 AND sha256 = ?2";
    static const char last[] =
        "SELECT coalesce(max(version), 0) FROM scheme_version WHERE scheme_id = ?1";
    static const char add[] =
        "INSERT INTO scheme_version (jurisdiction_id, scheme_id, version, name, label, file, "
        "text, sha256, batch_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    struct store_batch b;
    struct db_stmt *q;
    char sha[65], what[400];
    int64_t sid = 0;
    int rc;

    *added = 0;
    store_sha256_hex(text, len, sha);
    if ((rc = db_begin(st->db, err)))
        return rc;
    if ((rc = store_check_jurisdiction(st, jid, err)) ||
        (rc = scheme_row(st, jid, kh_scheme_id(s), &sid, err)) ||
        (rc = db_prepare(st->db, same, &q, err)))
        goto fail;
    db_bind_int(q, 1, sid);
    db_bind_text(q, 2, sha);
    rc = db_step(q, err);
    if (rc == DB_ROW) {
        *version = (int)db_col_int(q, 0);
        db_reset(q);
        db_rollback(st->db); /* the same text is stored: nothing to do */
        return KH_OK;
    }
    if (rc < 0 || (rc = db_prepare(st->db, last, &q, err)))
        goto fail;
    db_bind_int(q, 1, sid);
    if ((rc = db_step(q, err)) != DB_ROW)
        goto fail;
    *version = (int)db_col_int(q, 0) + 1;
    db_reset(q);
    if ((rc = store_batch_begin(st, jid, "scheme", who, name, sha, &b, err)) ||
        (rc = db_prepare(st->db, add, &q, err)))
        goto fail;
    db_bind_int(q, 1, jid);
    db_bind_int(q, 2, sid);
    db_bind_int(q, 3, *version);
    db_bind_text(q, 4, kh_scheme_name(s));
    db_bind_text(q, 5, kh_scheme_version(s));
    db_bind_text(q, 6, store_basename(name));
    db_bind_textn(q, 7, text, len);
    db_bind_text(q, 8, sha);
    db_bind_int(q, 9, b.id);
    if ((rc = db_run(q, err)))
        goto fail;
    snprintf(what, sizeof(what), "v%d %s (%s, sha256 %.12s)", *version, kh_scheme_name(s),
             store_basename(name), sha);
    if ((rc = store_audit(st, &b, "add", "scheme", kh_scheme_id(s), NULL, what, err)) ||
        (rc = db_commit(st->db, err)))
        goto fail;
    *added = 1;
    return KH_OK;
fail:
    if (rc == DB_DONE)
        rc = kh_err_set(err, KH_EIO, db_path(st->db), 0, 0, "the store gave no scheme version");
    db_rollback(st->db);
    return rc;
}

/* kh_store_scheme_add, also telling whether a version was added. */
static int scheme_add(struct kh_store *st, int64_t jid, const char *name, const char *text,
                      size_t len, const struct kh_actor *who, int *version, int *added,
                      struct kh_import_report *rep, struct kh_err *err)
{
    struct kh_scheme *s = NULL;
    int rc;

    *version = 0;
    *added = 0;
    if ((rc = store_check_actor(who, err)))
        return rc;
    if (!text || len > MAX_SCHEME_BYTES)
        return kh_err_set(err, KH_ELIMIT, name, 0, 0, "a scheme may have at most 16 MiB");
    if (memchr(text, 0, len))
        return kh_err_set(err, KH_EINVAL, name, 0, 0,
                          "the scheme holds a NUL byte: expected a YAML text file");
    if ((rc = kh_scheme_load_mem(name ? name : "scheme", text, len, &s, err)))
        return rc;
    rc = scheme_store(st, jid, name ? name : "scheme", text, len, s, who, version, added, err);
    if (rep) {
        snprintf(rep->scheme_id, sizeof(rep->scheme_id), "%s", kh_scheme_id(s));
        rep->scheme_version = *version;
    }
    kh_scheme_free(s);
    return rc;
}

int kh_store_scheme_add(struct kh_store *st, int64_t jid, const char *name, const char *text,
                        size_t len, const struct kh_actor *who, int *version, struct kh_err *err)
{
    int added;
    return scheme_add(st, jid, name, text, len, who, version, &added, NULL, err);
}

int kh_store_scheme_load(struct kh_store *st, int64_t jid, const char *scheme_id, int version,
                         struct kh_scheme **out, struct kh_err *err)
{
    struct store_scheme_row row;
    int rc;

    *out = NULL;
    if ((rc = store_scheme_get(st, jid, scheme_id, version, 0, &row, err)))
        return rc;
    rc = kh_scheme_load_mem(row.file, row.text, row.len, out, err);
    store_scheme_row_free(&row);
    return rc;
}

/* Read the file at path whole (at most MAX_SCHEME_BYTES). */
static int read_text(const char *path, char **out, size_t *len, struct kh_err *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = KH_OK;

    *out = NULL;
    *len = 0;
    if (!f)
        return kh_err_set(err, KH_EIO, path, 0, 0, "cannot open the scheme: %s", strerror(errno));
    for (;;) {
        size_t got;
        if (kh_grow(&buf, &cap, n + 65536 + 1, 1)) {
            rc = kh_err_set(err, KH_ENOMEM, path, 0, 0, "out of memory");
            goto out;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > MAX_SCHEME_BYTES) {
            rc = kh_err_set(err, KH_ELIMIT, path, 0, 0, "a scheme may have at most 16 MiB");
            goto out;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = kh_err_set(err, KH_EIO, path, 0, 0, "cannot read the scheme: %s", strerror(errno));
        goto out;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}

int store_import_scheme(struct kh_store *st, int64_t jid, const char *path,
                        const struct kh_actor *who, struct kh_import_report *rep,
                        struct kh_err *err)
{
    char *text = NULL;
    size_t len;
    int rc, version, added;

    if ((rc = read_text(path, &text, &len, err)))
        return rc;
    rep->rows = 1;
    snprintf(rep->encoding, sizeof(rep->encoding), "UTF-8");
    rc = scheme_add(st, jid, path, text, len, who, &version, &added, rep, err);
    if (rc == KH_OK) {
        rep->inserted = (size_t)added;
        rep->unchanged = (size_t)!added;
    }
    free(text);
    return rc;
}
