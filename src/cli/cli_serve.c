/*
 * cli_serve.c — `kaohe serve`: run the JSON API (kaohe/server.h) on a store
 * until SIGINT or SIGTERM, then stop cleanly (open requests finish, the
 * store handles close). The API is described in docs/api.md.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_store.h"
#include "kaohe/server.h"

/* Parse a whole number option into *out (min..max). */
static int number_opt(const struct cli_args *a, const char *name, unsigned long long min,
                      unsigned long long max, unsigned long long *out)
{
    const char *v = cli_opt(a, name, NULL);
    char *end;
    unsigned long long n;

    if (!v)
        return 0;
    n = strtoull(v, &end, 10);
    if (!*v || *end || n < min || n > max)
        return cli_usage("serve", "--%s 应为 %llu 到 %llu 的整数 expected a whole number from %llu "
                                  "to %llu",
                         name, min, max, min, max);
    *out = n;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "listen=",       "threads=", "timeout=",
                                       "max-body=",    "max-evidence=", "public",   NULL};
    struct kh_server_opts o;
    struct kh_server *srv;
    struct cli_args a;
    struct kh_err err;
    unsigned long long v;
    sigset_t set;
    int rc, sig;

    if ((rc = cli_parse(&a, "serve", spec, argc, argv)))
        return rc;
    if (a.help) {
        cli_help(cli_find("serve"), stdout);
        return EXIT_OK;
    }
    if (a.npos)
        return cli_usage("serve", "不需要位置参数 takes no positional arguments");
    kh_server_opts_init(&o);
    o.db = cli_opt(&a, "db", CLI_DEFAULT_DB);
    o.jurisdiction = cli_opt(&a, "jurisdiction", CLI_DEFAULT_JURISDICTION);
    o.listen = cli_opt(&a, "listen", o.listen);
    o.public_read = cli_flag(&a, "public");
    v = o.threads;
    if ((rc = number_opt(&a, "threads", 1, 256, &v)))
        return rc;
    o.threads = (unsigned)v;
    v = o.timeout;
    if ((rc = number_opt(&a, "timeout", 1, 3600, &v)))
        return rc;
    o.timeout = (unsigned)v;
    v = o.max_body;
    if ((rc = number_opt(&a, "max-body", 1024, (unsigned long long)1 << 32, &v)))
        return rc;
    o.max_body = (size_t)v;
    v = o.max_evidence;
    if ((rc = number_opt(&a, "max-evidence", 1024, (unsigned long long)1 << 32, &v)))
        return rc;
    o.max_evidence = (size_t)v;

    /* Block the stop signals before the worker threads start, so that only
     * sigwait below receives them. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    kh_err_clear(&err);
    if ((rc = kh_server_start(&o, &srv, &err)))
        return cli_fail(&err);
    printf("kaohe serve: http://%s (端口 port %u, 数据库 store %s, 辖区 jurisdiction %s)\n"
           "接口 API: http://%s/api/v1 (docs/api.md) · Ctrl-C 停止 stops\n",
           o.listen, kh_server_port(srv), o.db, o.jurisdiction, o.listen);
    fflush(stdout);
    sigwait(&set, &sig);
    printf("kaohe serve: 停止 stopping\n");
    kh_server_stop(srv);
    return EXIT_OK;
}
