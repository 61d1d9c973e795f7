/*
 * api_export.c — the official score table as a file: GET
 * /scores/{period}/export gives the same XLSX workbook `kaohe export`
 * writes (merged multi-level headers, frozen panes, A4 print setup; one
 * sheet per category, or only ?category=), or with ?format=csv the CSV of
 * `kaohe score --format csv` with a byte-order mark for Excel. The bytes
 * depend only on the data (the workbook's creation time is fixed), so the
 * response is cached and tagged like any score read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaohe/report.h"
#include "srv.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Non-zero if s is a safe file name: only ASCII letters, digits, '-', '_'
 * and '.' (a category or scheme id in Chinese falls back to "scores"). */
static int plain(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* Read the whole file at path into b. KH_OK or KH_EIO. */
static int slurp(const char *path, struct kh_buf *b, struct kh_err *err)
{
    char chunk[65536];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f)
        return kh_err_set(err, KH_EIO, NULL, 0, 0, "the workbook was not written");
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (kh_buf_add(b, chunk, n) != KH_OK)
            break;
    if (ferror(f) || kh_buf_failed(b)) {
        fclose(f);
        return kh_err_set(err, KH_EIO, NULL, 0, 0, "the workbook could not be read back");
    }
    fclose(f);
    return KH_OK;
}

/* Write the XLSX workbook of sc into r->body through a private temporary
 * folder that is removed on every path. */
static void xlsx(struct srv_resp *r, const struct srv_scored *sc, int category)
{
    const char *tmpdir = getenv("TMPDIR");
    char dir[4096], path[4200];
    struct kh_report_opts o;
    struct kh_err err;

    kh_err_clear(&err);
    snprintf(dir, sizeof(dir), "%s/kaohe-export-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir)) {
        srv_fail(r, E_INTERNAL, NULL, "cannot make a temporary folder for the workbook");
        return;
    }
    snprintf(path, sizeof(path), "%s/scores.xlsx", dir);
    kh_report_opts_init(&o);
    o.category = category;
    kh_buf_reset(&r->body);
    if (kh_report_score_xlsx(sc->s, sc->ds, sc->r, &o, path, NULL, &err) != KH_OK ||
        slurp(path, &r->body, &err) != KH_OK)
        srv_fail_err(r, E_INTERNAL, &err);
    else
        r->status = 200;
    unlink(path);
    rmdir(dir);
}

void api_league_export(struct srv_req *q, struct srv_resp *r)
{
    const char *format = srv_query_filter(q, "format"), *want = srv_query_filter(q, "category");
    const char *period = q->param[0];
    struct srv_scored sc;
    int category = -1, i;

    if (format && strcmp(format, "xlsx") != 0 && strcmp(format, "csv") != 0) {
        srv_fail(r, E_BAD_QUERY, "format", "format must be xlsx (the default) or csv");
        return;
    }
    if (srv_score(q, r, period, &sc))
        return;
    if (want) {
        for (i = 0; i < kh_scheme_category_count(sc.s); i++)
            if (!strcmp(kh_scheme_category_id(sc.s, i), want))
                category = i;
        if (category < 0) {
            srv_fail(r, E_NOT_FOUND, "category", "scheme %s has no category \"%s\"", sc.scheme_id,
                     want);
            srv_scored_free(&sc);
            return;
        }
    }
    if (format && !strcmp(format, "csv")) {
        kh_buf_reset(&r->body);
        if (kh_report_score_csv(sc.s, sc.ds, sc.r, category, 1, &r->body) != KH_OK) {
            srv_fail(r, E_INTERNAL, NULL, "the table is too large");
        } else {
            r->status = 200;
            r->content_type = "text/csv; charset=utf-8";
        }
    } else {
        xlsx(r, &sc, category);
        if (r->status == 200)
            r->content_type = XLSX_TYPE;
    }
    if (r->status == 200) {
        const char *ext = format && !strcmp(format, "csv") ? "csv" : "xlsx";
        char name[300];
        snprintf(name, sizeof(name), "%s-%s%s%s", sc.scheme_id, period, want ? "-" : "",
                 want ? want : "");
        if (!plain(name))
            snprintf(name, sizeof(name), "scores");
        snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s.%s\"", name,
                 ext);
        r->cacheable = 1;
    }
    srv_scored_free(&sc);
}
