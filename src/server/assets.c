/*
 * assets.c — the web app's files, compiled into the binary (issue 5). The
 * table kh_web_assets is generated at build time by cmake/embed_web.cmake
 * from every file under web/ and ECharts' ES module (/vendor/echarts.js), sorted by path;
 * srv_asset_find is a binary search over it. Nothing is read from the file
 * system at run time.
 */
#include <string.h>

#include "srv.h"

extern const struct srv_asset kh_web_assets[];
extern const size_t kh_web_assets_n;

const struct srv_asset *srv_asset_find(const char *path)
{
    size_t lo = 0, hi = kh_web_assets_n;

    if (!path || !*path || strcmp(path, "/") == 0)
        path = "/index.html";
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(path, kh_web_assets[mid].path);

        if (c == 0)
            return &kh_web_assets[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
