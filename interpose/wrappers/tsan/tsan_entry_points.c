/* tsan_entry_points.c - the plain-access half of the `__tsan_*` runtime ABI that gcc and clang
 * call in a program compiled with -fsanitize=thread (docs/race-runtime.md).
 *
 * - __tsan_init switches race detection on; __tsan_func_entry/__tsan_func_exit keep the shadow
 *   call stack that gives every access its stack without unwinding.
 * - Reads and writes only observe: the compiler still performs the access inline, after the call.
 *   Every variant (aligned, unaligned, volatile, range, and clang's compound read-write) becomes
 *   one lh_race_access with its address, size and the call's return address as its site.
 *   Alignment is not assumed anywhere (gcc calls __tsan_read4 for a packed field too). Volatile
 *   accesses are ordinary accesses (volatile is not synchronisation), and a compound
 *   read-then-write is reported as the write, which conflicts with everything the read would.
 * - __tsan_memcpy/memmove/memset (clang 16 and later) go to the memory wrappers' bodies, so
 *   they report exactly as a call of memcpy/memmove/memset does.
 *
 * Limits: the per-pc variants (__tsan_read1_pc ...) are not provided: no compiler emits them by
 * default. The C++ ones (__tsan_vptr_*) are in tsan_cxx.c. */
#include <stddef.h>
#include <stdint.h>

#include "race/race.h"
#include "wrappers/tsan/tsan_runtime.h"
#include "wrappers/wrap_memory.h"

LH_EXPORT void __tsan_init(void) {
  lh_race_init();
  lh_memory_route(); /* the memory functions now check what they touch */
}

/* Always, even before lh_race_on and inside lockhound's code: entries and exits must pair up, and
 * they touch only the thread's own frame array. */
LH_EXPORT void __tsan_func_entry(void *caller_pc) { lh_race_func_entry((uintptr_t)caller_pc); }
LH_EXPORT void __tsan_func_exit(void) { lh_race_func_exit(); }

#if defined(__GNUC__) && !defined(__clang__)
#define LH_TSAN_ONE_COPY __attribute__((noinline, noclone))
#else
#define LH_TSAN_ONE_COPY __attribute__((noinline))
#endif

/* Everything after the inline first test: one copy, out of line, so that each entry point stays
 * a few instructions and its own frame is set up only here. */
LH_TSAN_ONE_COPY static void observe(const void *addr, size_t size, unsigned flags, uintptr_t pc) {
  if (__builtin_expect(lh_race_active(), 1)) lh_race_access((uintptr_t)addr, size, flags, pc);
}

/* The entry points need no frame of their own: the common case returns after a dozen
 * instructions (lh_race_known_inline), and the others tail-call observe, which makes its own.
 * gcc's -fno-omit-frame-pointer (the library's flags) would otherwise push and pop %rbp around
 * every access; clang sets the frame up only on the path that calls. */
#if defined(__GNUC__) && !defined(__clang__)
#define LH_TSAN_NO_FRAME __attribute__((optimize("omit-frame-pointer")))
#else
#define LH_TSAN_NO_FRAME
#endif

#define LH_TSAN_ACCESS(name, size, flags)                                                          \
  LH_EXPORT LH_TSAN_NO_FRAME void name(void *addr) {                                               \
    if (__builtin_expect(lh_race_known_inline((uintptr_t)addr, (size), (flags)), 1)) return;       \
    observe(addr, (size), (flags), LH_TSAN_PC);                                                    \
  }

/* Every size the compilers use, for one kind of access. */
#define LH_TSAN_SIZES(prefix, flags)                                                               \
  LH_TSAN_ACCESS(prefix##2, 2, flags)                                                              \
  LH_TSAN_ACCESS(prefix##4, 4, flags)                                                              \
  LH_TSAN_ACCESS(prefix##8, 8, flags)                                                              \
  LH_TSAN_ACCESS(prefix##16, 16, flags)

LH_TSAN_ACCESS(__tsan_read1, 1, LH_RACE_READ)
LH_TSAN_SIZES(__tsan_read, LH_RACE_READ)
LH_TSAN_ACCESS(__tsan_write1, 1, LH_RACE_WRITE)
LH_TSAN_SIZES(__tsan_write, LH_RACE_WRITE)
LH_TSAN_SIZES(__tsan_unaligned_read, LH_RACE_READ)
LH_TSAN_SIZES(__tsan_unaligned_write, LH_RACE_WRITE)

LH_TSAN_ACCESS(__tsan_volatile_read1, 1, LH_RACE_READ)
LH_TSAN_SIZES(__tsan_volatile_read, LH_RACE_READ)
LH_TSAN_ACCESS(__tsan_volatile_write1, 1, LH_RACE_WRITE)
LH_TSAN_SIZES(__tsan_volatile_write, LH_RACE_WRITE)
LH_TSAN_SIZES(__tsan_unaligned_volatile_read, LH_RACE_READ)
LH_TSAN_SIZES(__tsan_unaligned_volatile_write, LH_RACE_WRITE)

LH_TSAN_ACCESS(__tsan_read_write1, 1, LH_RACE_WRITE)
LH_TSAN_SIZES(__tsan_read_write, LH_RACE_WRITE)
LH_TSAN_SIZES(__tsan_unaligned_read_write, LH_RACE_WRITE)

LH_EXPORT void __tsan_read_range(void *addr, unsigned long size) {
  if (size) observe(addr, size, LH_RACE_READ, LH_TSAN_PC);
}

LH_EXPORT void __tsan_write_range(void *addr, unsigned long size) {
  if (size) observe(addr, size, LH_RACE_WRITE, LH_TSAN_PC);
}

LH_EXPORT void *__tsan_memcpy(void *dst, const void *src, size_t size) {
  return lh_memory_copy(dst, src, size, LH_TSAN_PC);
}

LH_EXPORT void *__tsan_memmove(void *dst, const void *src, size_t size) {
  return lh_memory_move(dst, src, size, LH_TSAN_PC);
}

LH_EXPORT void *__tsan_memset(void *dst, int c, size_t size) {
  return lh_memory_set(dst, c, size, LH_TSAN_PC);
}
