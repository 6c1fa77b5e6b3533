/* grow.h - growing a heap array by doubling.
 *
 * The model keeps its records in plain arrays indexed by small integers (lock 3, thread 7), which
 * makes ids cheap to store and compare; this helper is the one place that grows them. Allocation
 * failure ends the program with a message: the analyzer cannot produce a partial report that
 * would be trusted, and a 64-bit address space makes it all but impossible in practice. */
#ifndef LH_GROW_H
#define LH_GROW_H

#include <stddef.h>
#include <stdlib.h>

/* Makes room for at least `need` elements of `elem` bytes in *array (capacity *cap). */
void lh_grow(void *array_ptr, size_t *cap, size_t need, size_t elem);

/* Allocation wrappers that never return NULL. */
void *lh_xmalloc(size_t n);
void *lh_xcalloc(size_t count, size_t n);
char *lh_xstrdup(const char *s);

/* Appends one element: LH_PUSH(arr, len, cap) evaluates to a pointer to the new (zeroed) slot. */
#define LH_PUSH(arr, len, cap)                                                                     \
  (lh_grow(&(arr), &(cap), (len) + 1, sizeof *(arr)), memset(&(arr)[(len)], 0, sizeof *(arr)),     \
   &(arr)[(len)++])

/* qsort and qsort_r for arrays that may be empty. An empty array is often a NULL pointer here (a
 * list nothing was pushed on), and the C library declares qsort's base nonnull: qsort(NULL, 0, ...)
 * is undefined behaviour (UBSan reports it) although it sorts nothing. Every sort of the analyzer
 * goes through these; tests/unit/CMakeLists.txt's lint.no_bare_qsort keeps it so. */
static inline void lh_sort(void *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *)) {
  if (n > 1) qsort(base, n, size, cmp);
}
static inline void lh_sort_r(void *base, size_t n, size_t size,
                             int (*cmp)(const void *, const void *, void *), void *arg) {
  if (n > 1) qsort_r(base, n, size, cmp, arg);
}

#endif
