/*
 * cli_account.c — `kaohe account add | list | password`: accounts of the
 * server (docs/api.md "Roles") from the command line, above all the first
 * administrator of a new store. Passwords are read as one line from
 * standard input (or $KAOHE_PASSWORD), never from the command line where
 * other users could see them in the process list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_store.h"

/* Read the password into buf: $KAOHE_PASSWORD, else one line of stdin. */
static int read_password(char *buf, size_t n)
{
    const char *env = getenv("KAOHE_PASSWORD");
    size_t len;

    if (env && env[0]) {
        if (strlen(env) >= n)
            return -1;
        memcpy(buf, env, strlen(env) + 1);
        return 0;
    }
    fprintf(stderr, "密码 password: ");
    if (!fgets(buf, (int)n, stdin))
        return -1;
    len = strlen(buf);
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    return 0;
}

static int account_add(const struct cli_args *a, struct kh_store *st, int64_t jid,
                       const struct kh_actor *who, struct kh_err *err)
{
    struct kh_account acc;
    char pw[512];

    memset(&acc, 0, sizeof(acc));
    if (a->npos != 2)
        return cli_usage("account", "add 需要账号名 add needs an account name");
    acc.role = kh_role_parse(cli_opt(a, "role", ""));
    if (!acc.role)
        return cli_usage("account", "--role 应为 admin dept reporter reviewer evaluator leader");
    snprintf(acc.name, sizeof(acc.name), "%s", a->pos[1]);
    snprintf(acc.display, sizeof(acc.display), "%s", cli_opt(a, "display", ""));
    snprintf(acc.unit, sizeof(acc.unit), "%s", cli_opt(a, "unit", ""));
    snprintf(acc.indicators, sizeof(acc.indicators), "%s", cli_opt(a, "indicators", ""));
    if (read_password(pw, sizeof(pw)))
        return cli_usage("account", "读不到密码 no password on standard input");
    if (kh_store_account_create(st, jid, &acc, pw, who, NULL, err))
        return cli_fail(err);
    printf("已创建账号 account created: %s (%s)\n", acc.name, kh_role_name(acc.role));
    return EXIT_OK;
}

static int account_list(struct kh_store *st, int64_t jid, struct kh_err *err)
{
    struct kh_account *list = NULL;
    size_t n = 0, i;

    if (kh_store_account_list(st, jid, &list, &n, err))
        return cli_fail(err);
    for (i = 0; i < n; i++)
        printf("%-16s %-10s %-8s %s%s\n", list[i].name, kh_role_name(list[i].role),
               list[i].unit[0] ? list[i].unit : "-", list[i].display,
               list[i].disabled ? " (停用 disabled)" : "");
    free(list);
    return EXIT_OK;
}

int cmd_account(int argc, char **argv)
{
    static const char *const spec[] = {CLI_STORE_SPEC, "role=", "unit=", "indicators=",
                                       "display=",     NULL};
    struct kh_actor who;
    struct kh_store *st;
    struct cli_args a;
    struct kh_err err;
    int64_t jid;
    int rc;

    if ((rc = cli_parse(&a, "account", spec, argc, argv)))
        return rc;
    if (a.help || a.npos == 0) {
        cli_help(cli_find("account"), a.help ? stdout : stderr);
        return a.help ? EXIT_OK : EXIT_USAGE;
    }
    if ((rc = cli_store_open(&a, 0, &st, &jid)))
        return rc;
    cli_store_actor(&a, &who);
    kh_err_clear(&err);
    if (!strcmp(a.pos[0], "add")) {
        rc = account_add(&a, st, jid, &who, &err);
    } else if (!strcmp(a.pos[0], "list")) {
        rc = account_list(st, jid, &err);
    } else if (!strcmp(a.pos[0], "password") && a.npos == 2) {
        char pw[512];
        if (read_password(pw, sizeof(pw)))
            rc = cli_usage("account", "读不到密码 no password on standard input");
        else if (kh_store_account_password(st, jid, a.pos[1], NULL, pw, &who, &err))
            rc = cli_fail(&err);
        else
            printf("已重置密码 password reset: %s\n", a.pos[1]);
    } else {
        rc = cli_usage("account", "应为 add、list 或 password expected add, list or password");
    }
    kh_store_close(st);
    if (!rc && fflush(stdout))
        rc = EXIT_IO;
    return rc;
}
