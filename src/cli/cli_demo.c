/*
 * cli_demo.c — `kaohe demo`: placeholder until the demo district lands.
 */
#include <stdio.h>

#include "cli.h"

int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "kaohe demo: the demo district is being built\n");
    return EXIT_INTERNAL;
}
