/* race_alloc.h - memory for the race detector's own tables.
 *
 * The detector wraps malloc to track the program's heap blocks (wrap_malloc.c), so its own
 * allocations go straight to glibc's allocator under its internal names: no tracking, no
 * recursion into the wrapper. uthash tables of the race modules use these too. */
#ifndef LH_RACE_ALLOC_H
#define LH_RACE_ALLOC_H

#include <stddef.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

#undef uthash_malloc
#undef uthash_free
#define uthash_malloc(sz) __libc_malloc(sz)
#define uthash_free(ptr, sz) __libc_free(ptr)
#define HASH_NONFATAL_OOM 1

#endif
