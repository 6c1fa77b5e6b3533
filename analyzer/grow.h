/* grow.h - growing a heap array by doubling.
 *
 * The model keeps its records in plain arrays indexed by small integers (lock 3, thread 7), which
 * makes ids cheap to store and compare; this helper is the one place that grows them. Allocation
 * failure ends the program with a message: the analyzer cannot produce a partial report that
 * would be trusted, and a 64-bit address space makes it all but impossible in practice. */
#ifndef LH_GROW_H
#define LH_GROW_H

#include <stddef.h>

/* Makes room for at least `need` elements of `elem` bytes in *array (capacity *cap). */
void lh_grow(void *array_ptr, size_t *cap, size_t need, size_t elem);

/* Allocation wrappers that never return NULL. */
void *lh_xmalloc(size_t n);
void *lh_xcalloc(size_t count, size_t n);
char *lh_xstrdup(const char *s);

/* Appends one element: LH_PUSH(arr, len, cap) evaluates to a pointer to the new (zeroed) slot. */
#define LH_PUSH(arr, len, cap)                                                    \
  (lh_grow(&(arr), &(cap), (len) + 1, sizeof *(arr)),                             \
   memset(&(arr)[(len)], 0, sizeof *(arr)), &(arr)[(len)++])

#endif
