/*
 * sort.c — stable, reentrant merge sort with a comparator context (see
 * sort.h). Bottom-up, alternating between the array and one buffer.
 */
#include "base/common.h"
#include "base/sort.h"

int kh_sort(void *base, size_t n, size_t size, kh_cmp_fn cmp, void *ctx)
{
    unsigned char *a = base, *b, *src, *dst, *t;
    size_t width, i;

    if (n < 2)
        return KH_OK;
    if (size && n > SIZE_MAX / size)
        return KH_ENOMEM;
    b = malloc(n * size);
    if (!b)
        return KH_ENOMEM;
    /* Insertion-sort runs of 8 in place first: fewer passes for small n. */
    for (i = 0; i < n; i += 8) {
        size_t end = i + 8 < n ? i + 8 : n, j, k;
        for (j = i + 1; j < end; j++) {
            memcpy(b, a + j * size, size);
            for (k = j; k > i && cmp(a + (k - 1) * size, b, ctx) > 0; k--)
                memcpy(a + k * size, a + (k - 1) * size, size);
            memcpy(a + k * size, b, size);
        }
    }
    src = a;
    dst = b;
    for (width = 8; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t lo = i, mid = i + width < n ? i + width : n;
            size_t hi = i + 2 * width < n ? i + 2 * width : n;
            size_t l = lo, r = mid, o = lo;
            while (l < mid && r < hi) {
                if (cmp(src + r * size, src + l * size, ctx) < 0)
                    memcpy(dst + (o++) * size, src + (r++) * size, size);
                else
                    memcpy(dst + (o++) * size, src + (l++) * size, size);
            }
            if (l < mid)
                memcpy(dst + o * size, src + l * size, (mid - l) * size);
            o += mid - l;
            if (r < hi)
                memcpy(dst + o * size, src + r * size, (hi - r) * size);
        }
        t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * size);
    free(b);
    return KH_OK;
}
