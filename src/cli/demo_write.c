/*
 * demo_write.c — saves a dataset as the CSV files of a data folder
 * (docs/data-files.md: units.csv, values.csv, targets.csv, events.csv,
 * ballots.csv), for `kaohe demo --write DIR`, so that `kaohe score` on the
 * written folder reproduces the demo's tables exactly.
 *
 * Fields follow RFC 4180 through kh_buf_csv_field(); files are UTF-8 with a
 * byte-order mark (Excel on Chinese Windows otherwise reads them as GBK)
 * and CRLF line ends; numbers are written in the shortest form that reads
 * back to the same double (kh_buf_double), and records in the dataset's
 * order, so that loading the folder gives the same dataset. Every file is
 * saved atomically: a temporary file beside it, fsync, rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"

#define UTF8_BOM "\xEF\xBB\xBF"

/* ---- saving a file -------------------------------------------------------- */

/* fsync the folder that holds `path`, so that a rename in it is durable.
 * Best effort: some file systems refuse to open folders. */
static void sync_parent(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int fd;

    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int demo_save_file(const char *path, const void *data, size_t len, struct kh_err *err)
{
    char tmp[4200];
    const char *p = data;
    size_t done = 0;
    int fd, e;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof(tmp))
        return kh_err_set(err, KH_EIO, path, 0, 0, "the path is too long");
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return kh_err_set(err, KH_EIO, path, 0, 0, "cannot create %s: %s", tmp, strerror(errno));
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        done += (size_t)n;
    }
    if (fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    sync_parent(path);
    return KH_OK;
fail:
    e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return kh_err_set(err, KH_EIO, path, 0, 0, "cannot write: %s", strerror(e));
}

int demo_make_dir(const char *dir, struct kh_err *err)
{
    struct stat st;

    if (mkdir(dir, 0777) == 0)
        return KH_OK;
    if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return KH_OK;
    if (errno == EEXIST)
        return kh_err_set(err, KH_EIO, dir, 0, 0, "exists and is not a folder");
    return kh_err_set(err, KH_EIO, dir, 0, 0, "cannot make the folder: %s", strerror(errno));
}

/* ---- CSV ------------------------------------------------------------------- */

/* Append a text field (NULL as empty) and a separator (',' or CRLF when
 * `last`). */
static void field(struct kh_buf *b, const char *s, int last)
{
    kh_buf_csv_field(b, s ? s : "");
    kh_buf_puts(b, last ? "\r\n" : ",");
}

/* Append a number field (NaN as empty). */
static void number(struct kh_buf *b, double v, int last)
{
    kh_buf_double(b, v, "");
    kh_buf_puts(b, last ? "\r\n" : ",");
}

/* Append a period field in its canonical text (2024, 2024H1, 2024-07). */
static void period_field(struct kh_buf *b, const struct kh_period *p)
{
    char t[KH_PERIOD_TEXT];
    field(b, kh_period_format(p, t), 0);
}

/* The id of unit u, "" for a bad index. */
static const char *unit_id(const struct kh_dataset *ds, int u)
{
    return u >= 0 && u < ds->nunits ? ds->units[u].id : "";
}

/* The files' contents, one function per kind: a header row, then every
 * record of that kind in dataset order. */
static void units_csv(const struct kh_dataset *ds, struct kh_buf *b)
{
    int i, k;
    kh_buf_puts(b, UTF8_BOM "id,name,category,parent,tags\r\n");
    for (i = 0; i < ds->nunits; i++) {
        const struct kh_unit *u = &ds->units[i];
        struct kh_buf tags;
        kh_buf_init(&tags, 4096);
        for (k = 0; k < u->ntags; k++)
            kh_buf_printf(&tags, "%s%s", k ? ";" : "", u->tags[k]);
        field(b, u->id, 0);
        field(b, u->name, 0);
        field(b, u->category, 0);
        field(b, u->parent, 0);
        field(b, kh_buf_str(&tags), 1);
        if (kh_buf_failed(&tags))
            b->failed = kh_buf_failed(&tags);
        kh_buf_free(&tags);
    }
}

static void values_csv(const struct kh_dataset *ds, struct kh_buf *b)
{
    size_t i;
    kh_buf_puts(b, UTF8_BOM "unit,indicator,period,value\r\n");
    for (i = 0; i < ds->nvalues; i++) {
        const struct kh_value *v = &ds->values[i];
        field(b, unit_id(ds, v->unit), 0);
        field(b, ds->indicators[v->indicator], 0);
        period_field(b, &v->period);
        number(b, v->value, 1);
    }
}

static void targets_csv(const struct kh_dataset *ds, struct kh_buf *b)
{
    size_t i;
    kh_buf_puts(b, UTF8_BOM "unit,indicator,period,target,baseline\r\n");
    for (i = 0; i < ds->ntargets; i++) {
        const struct kh_target *t = &ds->targets[i];
        field(b, unit_id(ds, t->unit), 0);
        field(b, ds->indicators[t->indicator], 0);
        period_field(b, &t->period);
        number(b, t->target, 0);
        number(b, t->baseline, 1);
    }
}

static void events_csv(const struct kh_dataset *ds, struct kh_buf *b)
{
    size_t i;
    kh_buf_puts(b, UTF8_BOM
                "unit,item,period,level,count,matter,points,shares,exempt,evidence,note\r\n");
    for (i = 0; i < ds->nevents; i++) {
        const struct kh_event *e = &ds->events[i];
        field(b, unit_id(ds, e->unit), 0);
        field(b, e->item, 0);
        period_field(b, &e->period);
        field(b, e->level, 0);
        number(b, e->count, 0);
        field(b, e->matter, 0);
        number(b, e->points, 0);
        kh_buf_printf(b, "%d,%d,", e->shares, e->exempt ? 1 : 0);
        field(b, e->evidence, 0);
        field(b, e->note, 1);
    }
}

static void ballots_csv(const struct kh_dataset *ds, struct kh_buf *b)
{
    size_t i;
    kh_buf_puts(b, UTF8_BOM "meeting,evaluator,group,unit,grade,score\r\n");
    for (i = 0; i < ds->nballots; i++) {
        const struct kh_ballot *x = &ds->ballots[i];
        field(b, x->meeting, 0);
        field(b, x->evaluator, 0);
        field(b, x->group, 0);
        field(b, unit_id(ds, x->unit), 0);
        field(b, x->grade, 0);
        number(b, x->score, 1);
    }
}

/* Render one file with `fill` into a buffer and save it as dir/name. */
static int write_csv(const struct kh_dataset *ds, const char *dir, const char *name,
                     void (*fill)(const struct kh_dataset *, struct kh_buf *), int *nfiles,
                     struct kh_err *err)
{
    char path[4096];
    struct kh_buf b;
    int rc;

    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
        return kh_err_set(err, KH_EIO, dir, 0, 0, "the path is too long");
    kh_buf_init(&b, 0);
    fill(ds, &b);
    if (kh_buf_failed(&b)) {
        kh_buf_free(&b);
        return kh_err_set(err, KH_ENOMEM, path, 0, 0, "out of memory");
    }
    rc = demo_save_file(path, b.data, b.len, err);
    kh_buf_free(&b);
    if (rc == KH_OK && nfiles)
        (*nfiles)++;
    return rc;
}

int demo_write_dataset(const struct kh_dataset *ds, const char *dir, int *nfiles,
                       struct kh_err *err)
{
    int i, rc;

    for (i = 0; i < ds->nunits; i++)
        if (ds->units[i].nattrs)
            return kh_err_set(err, KH_EINVAL, dir, 0, 0,
                              "unit %s has attributes, which this writer does not save",
                              ds->units[i].id);
    if ((rc = write_csv(ds, dir, "units.csv", units_csv, nfiles, err)))
        return rc;
    if (ds->nvalues && (rc = write_csv(ds, dir, "values.csv", values_csv, nfiles, err)))
        return rc;
    if (ds->ntargets && (rc = write_csv(ds, dir, "targets.csv", targets_csv, nfiles, err)))
        return rc;
    if (ds->nevents && (rc = write_csv(ds, dir, "events.csv", events_csv, nfiles, err)))
        return rc;
    if (ds->nballots && (rc = write_csv(ds, dir, "ballots.csv", ballots_csv, nfiles, err)))
        return rc;
    return KH_OK;
}
