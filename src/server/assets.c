/*
 * assets.c — the web app's files, compiled into the binary (issue 5). Until
 * the web app exists there are none, and everything outside /api/v1 is 404.
 */
#include <string.h>

#include "srv.h"

const struct srv_asset *srv_asset_find(const char *path)
{
    (void)path;
    return NULL;
}
