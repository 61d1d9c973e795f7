/*
 * main.c — the kaohe command: dispatches to one subcommand per file
 * (cli_<name>.c) through the table in commands.h. Uses only the public API
 * in include/kaohe/.
 */
#include <stdio.h>
#include <string.h>

#include "kaohe/base.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "version") == 0) {
        printf("kaohe 0.1.0\n");
        return 0;
    }
    fprintf(stderr, "usage: kaohe <command> [options]\n");
    return 1;
}
