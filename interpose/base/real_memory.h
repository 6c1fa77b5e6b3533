/* real_memory.h - the real libc memory and string functions behind wrap_memory.c.
 *
 * The pointers are listed with X_MEMORY() in the last block of wrapped_functions.def and filled by
 * lh_real_resolve() (real_functions.c) like every other real_ pointer. Unlike the others they
 * are not counted and have no tests/wrappers test (see the block's comment). A wrapper may run
 * before they are set (another library's constructor, or lh_real_resolve itself calling strncmp),
 * so every user must check for NULL and fall back to code of its own, never to the wrapper. */
#ifndef LH_REAL_MEMORY_H
#define LH_REAL_MEMORY_H

#include <string.h>
#include <strings.h>
#include <unistd.h>

#define X(name)
#define X_MEMORY(name) extern __typeof__(name) *real_##name;
#include "base/wrapped_functions.def"
#undef X_MEMORY
#undef X

/* The real function, or NULL while the table is not filled yet: one relaxed load. */
#define LH_REAL_MEMORY(name) __atomic_load_n(&real_##name, __ATOMIC_RELAXED)

#endif
