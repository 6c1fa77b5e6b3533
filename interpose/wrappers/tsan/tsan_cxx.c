/* tsan_cxx.c - what C++ code built with `lockhound cc --cc=g++` (or clang++) needs of the race
 * runtime beyond C's (docs/race-runtime.md, "C++").
 *
 * - __tsan_vptr_update(vptr_p, new_vptr): a constructor or destructor is about to store the
 *   object's virtual-table pointer. A store of the value already there is nothing (each base's
 *   constructor and destructor stores its own in turn, in one thread); a store that changes it
 *   is a write of those 8 bytes, which races with another thread's unordered virtual call (a
 *   virtual call during destruction).
 * - __tsan_vptr_read(vptr_p): a virtual call reads the pointer: a read of 8 bytes.
 * - __cxa_guard_acquire/release/abort (libstdc++'s, interposed): a function-local static is
 *   initialised once, and every thread that uses it after is ordered after the initialisation.
 *   The compiler checks the guard inline with an acquire load (instrumented: an acquire of the
 *   guard's address in tsan_atomics.c), so the release must come from __cxa_guard_release,
 *   before the real one publishes the guard; a thread that waited in __cxa_guard_acquire for
 *   another's initialisation (it returns 0) acquires there.
 *
 * The real guard functions are libstdc++'s (or libc++abi's), looked up with dlsym(RTLD_NEXT) at
 * the first call, not in the real-function table: that table is libc's, and a C program never
 * calls these (then libstdc++ is not even loaded). */
#include <dlfcn.h>
#include <stdint.h>

#include "race/race.h"
#include "wrappers/tsan/tsan_runtime.h"

LH_EXPORT void __tsan_vptr_update(void **vptr_p, void *new_vptr) {
  if (__builtin_expect(lh_race_active(), 1) && *vptr_p != new_vptr)
    lh_race_access((uintptr_t)vptr_p, sizeof *vptr_p, LH_RACE_WRITE, LH_TSAN_PC);
}

LH_EXPORT void __tsan_vptr_read(void **vptr_p) {
  if (__builtin_expect(lh_race_active(), 1))
    lh_race_access((uintptr_t)vptr_p, sizeof *vptr_p, LH_RACE_READ, LH_TSAN_PC);
}

/* The guard is 64 bits in the Itanium C++ ABI that gcc and clang follow on Linux. */
typedef int guard_acquire_fn(int64_t *);
typedef void guard_release_fn(int64_t *);

/* Looked up once per process; racing lookups store the same value. */
static void *real_guard(void **slot, const char *name) {
  void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (!f) {
    f = dlsym(RTLD_NEXT, name);
    __atomic_store_n(slot, f, __ATOMIC_RELEASE);
  }
  return f;
}

static void *guard_acquire_real, *guard_release_real, *guard_abort_real;

LH_EXPORT int __cxa_guard_acquire(int64_t *g) {
  guard_acquire_fn *f = (guard_acquire_fn *)real_guard(&guard_acquire_real, "__cxa_guard_acquire");
  int rc = f ? f(g) : 0;
  if (rc == 0 && lh_race_active()) /* initialised (by another thread, maybe while we waited) */
    LH_RACE_EVENT(lh_race_acquire((uintptr_t)g));
  return rc;
}

LH_EXPORT void __cxa_guard_release(int64_t *g) {
  if (lh_race_active()) /* the initialisation happens before every later use */
    LH_RACE_EVENT(lh_race_release((uintptr_t)g));
  guard_release_fn *f = (guard_release_fn *)real_guard(&guard_release_real, "__cxa_guard_release");
  if (f) f(g);
}

LH_EXPORT void __cxa_guard_abort(int64_t *g) {
  guard_release_fn *f = (guard_release_fn *)real_guard(&guard_abort_real, "__cxa_guard_abort");
  if (f) f(g);
}
