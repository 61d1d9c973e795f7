/*
 * atomic.c — replacing a file atomically (POSIX): write a temporary file in
 * the target's folder, fsync it, rename(2) it over the target, fsync the
 * folder. rename within one file system is atomic, so a reader sees either
 * the old file or the complete new one, and a failure at any step leaves
 * the target as it was (the temporary file is removed).
 *
 * Two ways in: kh_report_write_atomic for bytes in memory (CSV), and the
 * rep_tmp_* steps for libxlsxwriter, which opens the file by name itself.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report_int.h"
#include "base/common.h"

/* The folder part of path ("." when it has none), malloc'ed. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return kh_strdup(".");
    if (slash == path)
        return kh_strdup("/");
    return kh_strndup(path, (size_t)(slash - path));
}

int rep_tmp_open(struct rep_tmp *t, const char *path, struct kh_err *err)
{
    const char *slash, *base;
    struct timespec ts;
    size_t dirlen, n;
    int attempt, fd = -1;

    t->path = NULL;
    t->tmp = NULL;
    if (!path || !*path)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no output file given");
    slash = strrchr(path, '/');
    base = slash ? slash + 1 : path;
    if (!*base)
        return kh_err_set(err, KH_EINVAL, path, 0, 0, "the output is a folder, not a file name");
    dirlen = (size_t)(base - path);
    t->path = kh_strdup(path);
    n = strlen(path) + 64;
    t->tmp = malloc(n);
    if (!t->path || !t->tmp) {
        free(t->path);
        free(t->tmp);
        t->path = t->tmp = NULL;
        return kh_err_set(err, KH_ENOMEM, path, 0, 0, "out of memory");
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    for (attempt = 0; attempt < 100; attempt++) {
        snprintf(t->tmp, n, "%.*s.%s.%ld-%ld-%d.tmp", (int)dirlen, path, base, (long)getpid(),
                 (long)(ts.tv_nsec % 1000000), attempt);
        fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0 || errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        free(t->path);
        free(t->tmp);
        t->path = t->tmp = NULL;
        return kh_err_set(err, KH_EIO, path, 0, 0, "cannot create a file in its folder: %s",
                          strerror(e));
    }
    close(fd);
    return KH_OK;
}

void rep_tmp_abort(struct rep_tmp *t)
{
    if (t->tmp)
        unlink(t->tmp);
    free(t->tmp);
    free(t->path);
    t->tmp = t->path = NULL;
}

int rep_tmp_commit(struct rep_tmp *t, struct kh_err *err)
{
    char *dir;
    int fd, rc = KH_OK;

    if (!t->tmp)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "no temporary file to commit");
    fd = open(t->tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        rc = kh_err_set(err, KH_EIO, t->path, 0, 0, "cannot flush the file to disk: %s",
                        strerror(errno));
        if (fd >= 0)
            close(fd);
        rep_tmp_abort(t);
        return rc;
    }
    close(fd);
    if (rename(t->tmp, t->path) != 0) {
        rc = kh_err_set(err, KH_EIO, t->path, 0, 0, "cannot replace the file: %s", strerror(errno));
        rep_tmp_abort(t);
        return rc;
    }
    /* The rename itself reaches the disk when the folder is flushed. Some
     * file systems refuse fsync on folders; the file is complete anyway. */
    dir = dir_of(t->path);
    if (dir) {
        fd = open(dir, O_RDONLY);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
        free(dir);
    }
    free(t->tmp);
    free(t->path);
    t->tmp = t->path = NULL;
    return KH_OK;
}

int kh_report_write_atomic(const char *path, const void *data, size_t len, struct kh_err *err)
{
    struct rep_tmp t;
    const char *p = data;
    int fd, rc;

    if ((rc = rep_tmp_open(&t, path, err)))
        return rc;
    fd = open(t.tmp, O_WRONLY | O_TRUNC);
    if (fd < 0) {
        rc = kh_err_set(err, KH_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        rep_tmp_abort(&t);
        return rc;
    }
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = kh_err_set(err, KH_EIO, path, 0, 0, "cannot write: %s",
                            w < 0 ? strerror(errno) : "no space written");
            close(fd);
            rep_tmp_abort(&t);
            return rc;
        }
        p += w;
        len -= (size_t)w;
    }
    if (close(fd) != 0) {
        rc = kh_err_set(err, KH_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        rep_tmp_abort(&t);
        return rc;
    }
    return rep_tmp_commit(&t, err);
}
