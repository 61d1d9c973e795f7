/*
 * sort.h — a stable sort with a context pointer. C11's qsort() has no way
 * to pass context to the comparator, and a static variable in its place
 * would be shared between threads of the server; this one is reentrant.
 */
#ifndef KH_SORT_H
#define KH_SORT_H

#include <stddef.h>

typedef int (*kh_cmp_fn)(const void *a, const void *b, void *ctx);

/*
 * Sort n elements of `size` bytes at base, stably, by cmp (like qsort's,
 * plus ctx). Merge sort with one temporary buffer: O(n log n) time, n·size
 * bytes extra. Returns KH_OK or KH_ENOMEM (base is then unchanged).
 */
int kh_sort(void *base, size_t n, size_t size, kh_cmp_fn cmp, void *ctx);

#endif
