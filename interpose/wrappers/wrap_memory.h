/* wrap_memory.h - the bodies of the memcpy, memmove and memset wrappers (wrap_memory.c), with the
 * program's call site as a parameter, so that clang's __tsan_memcpy/__tsan_memmove/__tsan_memset
 * (tsan_entry_points.c) report exactly as the plain calls do. */
#ifndef LH_WRAP_MEMORY_H
#define LH_WRAP_MEMORY_H

#include <stddef.h>
#include <stdint.h>

void *lh_memory_copy(void *dst, const void *src, size_t n, uintptr_t pc);
void *lh_memory_move(void *dst, const void *src, size_t n, uintptr_t pc);
void *lh_memory_set(void *dst, int c, size_t n, uintptr_t pc);

/* Points each exported memory function at libc's own or, once race detection is on (or while the
 * real functions are unknown), at its checking wrapper (wrap_memory.c, routes). Called once the
 * real functions are known and after __tsan_init. */
void lh_memory_route(void);

#endif
