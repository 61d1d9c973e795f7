/*
 * server_fixture.c — the demo store template, its fresh copies and
 * in-process servers for the server tests (server_fixture.h).
 */
#include "server_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char g_dir[512];
static char g_kaohe[1024];
static char g_template[700];

const char *sf_dir(void)
{
    return g_dir;
}

const char *sf_kaohe(void)
{
    return g_kaohe;
}

/* Copy file src to dst (if src exists; a missing src is fine when optional). */
static int copy_file(const char *src, const char *dst, int optional)
{
    FILE *in = fopen(src, "rb"), *out;
    char buf[65536];
    size_t n;
    int rc = 0;

    if (!in)
        return optional ? 0 : -1;
    out = fopen(dst, "wb");
    if (!out) {
        fclose(in);
        return -1;
    }
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (ferror(in))
        rc = -1;
    fclose(in);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

/* Run a shell command quietly (output into the scratch folder's log). */
static int run(const char *cmd)
{
    char full[5000];
    int rc;

    snprintf(full, sizeof(full), "( %s ) >>'%s/setup.log' 2>&1", cmd, g_dir);
    rc = system(full);
    if (rc != 0) {
        char show[700];
        fprintf(stderr, "setup failed (%d): %s\n", rc, cmd);
        snprintf(show, sizeof(show), "tail -20 '%s/setup.log' >&2", g_dir);
        if (system(show) != 0)
            fprintf(stderr, "(no log)\n");
    }
    return rc == 0 ? 0 : -1;
}

int sf_init(const char *kaohe)
{
    const char *env = getenv("KH_KAOHE"), *tmp = getenv("TMPDIR");
    char cmd[4096];

    if (env && env[0])
        kaohe = env;
    if (!kaohe || access(kaohe, X_OK) != 0) {
        fprintf(stderr, "the kaohe binary is needed (argument or $KH_KAOHE): %s\n",
                kaohe ? kaohe : "(none)");
        return -1;
    }
    snprintf(g_kaohe, sizeof(g_kaohe), "%s", kaohe);
    snprintf(g_dir, sizeof(g_dir), "%s/kh-srvtest-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return -1;
    }
    snprintf(g_template, sizeof(g_template), "%s/template.db", g_dir);
    snprintf(cmd, sizeof(cmd), "'%s' init --db '%s' && '%s' demo --db '%s'", g_kaohe, g_template,
             g_kaohe, g_template);
    return run(cmd);
}

void sf_done(void)
{
    char cmd[700];

    if (!g_dir[0] || getenv("KH_KEEP_TMP"))
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", g_dir);
    g_dir[0] = '\0';
}

int sf_fresh_store(const char *name, char *out, size_t outsz)
{
    char src[800], dst[800];

    snprintf(out, outsz, "%s/%s.db", g_dir, name);
    unlink(out);
    snprintf(dst, sizeof(dst), "%s-wal", out);
    unlink(dst);
    snprintf(dst, sizeof(dst), "%s-shm", out);
    unlink(dst);
    if (copy_file(g_template, out, 0) != 0) {
        fprintf(stderr, "cannot copy %s to %s\n", g_template, out);
        return -1;
    }
    snprintf(src, sizeof(src), "%s-wal", g_template);
    snprintf(dst, sizeof(dst), "%s-wal", out);
    return copy_file(src, dst, 1);
}

struct kh_server *sf_start(const char *db, void (*tweak)(struct kh_server_opts *o))
{
    struct kh_server_opts o;
    struct kh_server *s = NULL;
    struct kh_err err;

    kh_server_opts_init(&o);
    o.db = db;
    o.listen = "127.0.0.1:0";
    o.threads = 4;
    if (tweak)
        tweak(&o);
    kh_err_clear(&err);
    if (kh_server_start(&o, &s, &err) != KH_OK) {
        fprintf(stderr, "kh_server_start: %s\n", err.msg);
        return NULL;
    }
    if (!kh_server_port(s)) {
        fprintf(stderr, "kh_server_port is 0\n");
        kh_server_stop(s);
        return NULL;
    }
    return s;
}
