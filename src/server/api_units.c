/*
 * api_units.c — the handlers of units, periods and data-file imports
 * (docs/api/data.md): listing the jurisdiction's units and one unit,
 * listing periods with their locks, opening, locking and unlocking a
 * period, and importing a CSV or XLSX file sent as the request body.
 *
 * Units are read from the store's dataset (kh_store_dataset); periods and
 * locks from kh_store_period_list. An import writes the body into a
 * private temporary directory (mode 0700) as a file named after ?name=
 * (mode 0600, so the store's provenance names the clerk's file), imports
 * it all or nothing as the office, and removes both in every path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srv.h"

/* ---- units ----------------------------------------------------------------------- */

/* Unit i of ds as JSON: id, name, category, parent, tags, attrs. */
static json_t *unit_json(const struct kh_dataset *ds, int i)
{
    const struct kh_unit *u = &ds->units[i];
    json_t *o = json_object(), *tags = json_array(), *attrs = json_object();
    int k;

    for (k = 0; k < u->ntags; k++)
        json_array_append_new(tags, srv_json_str(u->tags[k]));
    for (k = 0; k < u->nattrs; k++)
        json_object_set_new(attrs, u->attr_names[k], srv_json_num(u->attr_values[k]));
    json_object_set_new(o, "id", srv_json_str(u->id));
    json_object_set_new(o, "name", srv_json_str(u->name));
    json_object_set_new(o, "category", srv_json_str(u->category));
    json_object_set_new(o, "parent", srv_json_str(u->parent));
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "attrs", attrs);
    return o;
}

/* The store's dataset into *ds, or -1 with the error in r. */
static int load_dataset(struct srv_req *q, struct srv_resp *r, struct kh_dataset **ds)
{
    struct kh_err err;

    kh_err_clear(&err);
    if (kh_store_dataset(q->st, q->jid, ds, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return -1;
    }
    return 0;
}

/* GET /units: the units in stored order (?category= keeps one category), paged. */
void api_units_list(struct srv_req *q, struct srv_resp *r)
{
    const char *category = srv_query(q, "category");
    struct kh_dataset *ds;
    size_t limit, offset, total = 0;
    json_t *list;
    int i;

    if (srv_page(q, r, 100, 1000, &limit, &offset) || load_dataset(q, r, &ds))
        return;
    list = json_array();
    for (i = 0; i < ds->nunits; i++) {
        if (category && strcmp(ds->units[i].category, category))
            continue;
        if (total >= offset && total - offset < limit)
            json_array_append_new(list, unit_json(ds, i));
        total++;
    }
    kh_dataset_free(ds);
    srv_ok_page(r, list, total, limit, offset);
}

/* GET /units/{unit}: one unit, with the ids of the units directly below it. */
void api_unit_get(struct srv_req *q, struct srv_resp *r)
{
    const char *id = q->param[0];
    struct kh_dataset *ds;
    json_t *o, *children;
    int i, at;

    if (load_dataset(q, r, &ds))
        return;
    at = kh_dataset_unit(ds, id);
    if (at < 0) {
        kh_dataset_free(ds);
        srv_fail(r, E_NOT_FOUND, "unit",
                 "no unit \"%s\" in this jurisdiction (GET /api/v1/units "
                 "lists them)",
                 id);
        return;
    }
    o = unit_json(ds, at);
    children = json_array();
    for (i = 0; i < ds->nunits; i++)
        if (ds->units[i].parent && !strcmp(ds->units[i].parent, id))
            json_array_append_new(children, srv_json_str(ds->units[i].id));
    json_object_set_new(o, "children", children);
    kh_dataset_free(ds);
    srv_ok(r, o);
}

/* ---- periods ---------------------------------------------------------------------- */

/* A period row as JSON. */
static json_t *period_json(const struct kh_period_row *p)
{
    json_t *o = json_object();

    json_object_set_new(o, "code", srv_json_str(p->code));
    json_object_set_new(o, "locked", json_boolean(p->locked));
    json_object_set_new(o, "reason", p->reason[0] ? srv_json_str(p->reason) : json_null());
    return o;
}

/*
 * Find period `code` (canonical) among the stored ones: *found is set to
 * its row (copied) when known. Returns 0, or -1 with the error in r.
 */
static int period_find(struct srv_req *q, struct srv_resp *r, const char *code,
                       struct kh_period_row *row, int *found)
{
    struct kh_period_row *rows = NULL;
    struct kh_err err;
    size_t n = 0, i;

    kh_err_clear(&err);
    *found = 0;
    if (kh_store_period_list(q->st, q->jid, &rows, &n, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return -1;
    }
    for (i = 0; i < n && !*found; i++)
        if (!strcmp(rows[i].code, code)) {
            *row = rows[i];
            *found = 1;
        }
    free(rows);
    return 0;
}

/* Parse text as a period into canonical[]; -1 with E_BAD_FIELD (naming
 * `field`) in r when it is not one. */
static int period_arg(struct srv_resp *r, const char *text, const char *field,
                      char canonical[KH_PERIOD_TEXT])
{
    struct kh_period p;

    if (!text || kh_period_parse(text, &p)) {
        srv_fail(r, E_BAD_FIELD, field,
                 "\"%.64s\" is not a period: expected a year (2024), a half (2024H1), a quarter "
                 "(2024Q3) or a month (2024-07)",
                 text ? text : "");
        return -1;
    }
    kh_period_format(&p, canonical);
    return 0;
}

/* GET /periods: every period the store knows, in period order, with its lock. */
void api_periods_list(struct srv_req *q, struct srv_resp *r)
{
    struct kh_period_row *rows = NULL;
    struct kh_err err;
    size_t n = 0, i;
    json_t *list;

    kh_err_clear(&err);
    if (kh_store_period_list(q->st, q->jid, &rows, &n, &err) != KH_OK) {
        srv_fail_err(r, E_INTERNAL, &err);
        return;
    }
    list = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(list, period_json(&rows[i]));
    free(rows);
    srv_ok(r, list);
}

/* POST /periods {"code"}: open a period (201; 200 when it was already known). */
void api_period_open(struct srv_req *q, struct srv_resp *r)
{
    char code[KH_PERIOD_TEXT];
    struct kh_period_row row;
    struct kh_actor who;
    struct kh_err err;
    const char *text = NULL;
    json_t *body = srv_body_json(q, r);
    int known;

    if (!body)
        return;
    if (srv_field_str(r, body, "code", 1, &text) || period_arg(r, text, "code", code) ||
        period_find(q, r, code, &row, &known))
        goto done;
    srv_actor(q, 1, &who);
    kh_err_clear(&err);
    if (kh_store_period_open(q->st, q->jid, code, &who, &err) != KH_OK) {
        srv_fail_err(r, E_INVALID, &err);
        goto done;
    }
    if (!known) {
        memset(&row, 0, sizeof(row));
        snprintf(row.code, sizeof(row.code), "%s", code);
        r->status = 201;
    }
    srv_ok(r, period_json(&row));
done:
    json_decref(body);
}

/*
 * Lock (lock != 0) or unlock the period of the path with the body's
 * "reason" (required for unlocking; the body may be empty when locking).
 */
static void period_set_lock(struct srv_req *q, struct srv_resp *r, int lock)
{
    char code[KH_PERIOD_TEXT];
    struct kh_period_row row;
    struct kh_actor who;
    struct kh_err err;
    const char *reason = NULL;
    json_t *body = NULL;
    int known;

    if (!lock || (q->body && q->body_len)) {
        if (!(body = srv_body_json(q, r)))
            return;
        if (srv_field_str(r, body, "reason", !lock, &reason))
            goto done;
    }
    if (period_arg(r, q->param[0], "period", code))
        goto done;
    if (reason && strlen(reason) > 500) {
        srv_fail(r, E_BAD_FIELD, "reason", "the reason may be at most 500 bytes long");
        goto done;
    }
    if (!lock && !reason[strspn(reason, " \t\r\n")]) {
        srv_fail(r, E_BAD_FIELD, "reason",
                 "unlocking period %s needs a reason for the audit log (\"reason\": \"…\")", code);
        goto done;
    }
    srv_actor(q, 1, &who);
    kh_err_clear(&err);
    if (kh_store_period_lock(q->st, q->jid, code, lock, reason, &who, &err) != KH_OK) {
        srv_fail_err(r, E_INVALID, &err);
        goto done;
    }
    if (period_find(q, r, code, &row, &known))
        goto done;
    if (!known) { /* cannot happen after a successful lock; answer what was asked */
        memset(&row, 0, sizeof(row));
        snprintf(row.code, sizeof(row.code), "%s", code);
        row.locked = lock;
    }
    srv_ok(r, period_json(&row));
done:
    json_decref(body);
}

/* POST /periods/{period}/lock {"reason"?}. */
void api_period_lock(struct srv_req *q, struct srv_resp *r)
{
    period_set_lock(q, r, 1);
}

/* POST /periods/{period}/unlock {"reason"}. */
void api_period_unlock(struct srv_req *q, struct srv_resp *r)
{
    period_set_lock(q, r, 0);
}

/* ---- imports ---------------------------------------------------------------------- */

/*
 * The file name to use for an upload named `given` (may be NULL): its last
 * path component, without control bytes, at most 120 bytes (cut at a
 * UTF-8 boundary), not starting with '.'; `def` when nothing is left.
 */
static void upload_name(const char *given, const char *def, char *out, size_t outsz)
{
    const char *base = given, *s;
    size_t n = 0;

    for (s = given; s && *s; s++)
        if (*s == '/' || *s == '\\')
            base = s + 1;
    for (s = base; s && *s && n + 1 < outsz && n < 120; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            continue;
        if (n == 0 && c == '.')
            c = '_';
        out[n++] = (char)c;
    }
    if (s && ((unsigned char)*s & 0xC0) == 0x80) { /* cut inside a UTF-8 character: */
        while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
            n--; /* drop its continuation bytes … */
        if (n > 0)
            n--; /* … and its lead byte */
    }
    out[n] = '\0';
    if (!n)
        snprintf(out, outsz, "%s", def);
}

/* Write all of data to fd; 0 or -1. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Replace the first `tmp` in text[size] with `name`. */
static void replace_path(char *text, size_t size, const char *tmp, const char *name)
{
    char *at = strstr(text, tmp), rest[768];

    if (!at)
        return;
    snprintf(rest, sizeof(rest), "%s", at + strlen(tmp));
    snprintf(at, size - (size_t)(at - text), "%s%s", name, rest);
}

/* Name the upload by `name` instead of our temporary path in err's file
 * and message: the client knows the file by its name. */
static void err_rename(struct kh_err *err, const char *tmp, const char *name)
{
    replace_path(err->file, sizeof(err->file), tmp, name);
    replace_path(err->msg, sizeof(err->msg), tmp, name);
}

/* The import report as JSON. */
static json_t *report_json(const char *kind, const char *name, const struct kh_import_report *rep)
{
    json_t *o = json_object();

    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "file", srv_json_str(name));
    json_object_set_new(o, "rows", json_integer((json_int_t)rep->rows));
    json_object_set_new(o, "inserted", json_integer((json_int_t)rep->inserted));
    json_object_set_new(o, "updated", json_integer((json_int_t)rep->updated));
    json_object_set_new(o, "unchanged", json_integer((json_int_t)rep->unchanged));
    json_object_set_new(o, "removed", json_integer((json_int_t)rep->removed));
    json_object_set_new(o, "encoding", srv_json_str(rep->encoding[0] ? rep->encoding : NULL));
    return o;
}

/* POST /imports/{kind}?name=: import the body (a CSV or XLSX file) as the office. */
void api_import(struct srv_req *q, struct srv_resp *r)
{
    static const char *const kinds[] = {"units", "values", "targets", "events", "ballots"};
    const char *kind = q->param[0], *tmpdir = getenv("TMPDIR");
    char dir[512], path[768], name[128];
    struct kh_import_report rep;
    struct kh_actor who;
    struct kh_err err;
    size_t i;
    int fd, rc;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kinds[i], kind); i++)
        ;
    if (i == sizeof(kinds) / sizeof(kinds[0])) {
        srv_fail(r, E_NO_ROUTE, "kind",
                 "no import of \"%.64s\": expected /imports/units, values, targets, events or "
                 "ballots",
                 kind);
        return;
    }
    upload_name(srv_query(q, "name"), "upload.csv", name, sizeof(name));
    if (!q->body || !q->body_len) {
        srv_fail(r, E_IMPORT, NULL,
                 "%s: the file is empty: send the CSV or XLSX file's bytes as "
                 "the request body",
                 name);
        return;
    }
    if (!tmpdir || tmpdir[0] != '/' || strlen(tmpdir) > 256)
        tmpdir = "/tmp";
    snprintf(dir, sizeof(dir), "%s/kaohe-import-XXXXXX", tmpdir);
    if (!mkdtemp(dir)) {
        srv_fail(r, E_INTERNAL, NULL, "cannot make a temporary folder for the upload: %s",
                 strerror(errno));
        return;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, q->body, q->body_len) || close(fd)) {
        srv_fail(r, E_INTERNAL, NULL, "cannot write the upload to a temporary file: %s",
                 strerror(errno));
        if (fd >= 0)
            unlink(path);
        rmdir(dir);
        return;
    }
    srv_actor(q, 1, &who);
    memset(&rep, 0, sizeof(rep));
    kh_err_clear(&err);
    rc = kh_store_import(q->st, q->jid, kind, path, &who, NULL, NULL, &rep, &err);
    unlink(path);
    rmdir(dir);
    if (rc != KH_OK) {
        err_rename(&err, path, name);
        if (!err.file[0])
            snprintf(err.file, sizeof(err.file), "%s", name);
        /* The store refuses files touching a locked period with "… is locked (…": */
        srv_fail_err(r, rc == KH_EINVAL && strstr(err.msg, " is locked") ? E_LOCKED : E_IMPORT,
                     &err);
        return;
    }
    srv_ok(r, report_json(kind, name, &rep));
}
