/* tsan_runtime.h - what the `__tsan_*` entry points (tsan_entry_points.c, tsan_atomics.c) and the
 * memory wrappers (wrap_memory.c) share: when to report, and which program address to report.
 *
 * An access is reported only when the program is instrumented (lh_race_on, set by __tsan_init)
 * and the calling thread is not running lockhound's own code (lh_self.in_runtime: the detector,
 * the recorder and the wrappers copy memory and must not report themselves). One relaxed load of
 * a global and one of a thread-local: this is the whole cost of an entry point when it reports
 * nothing. */
#ifndef LH_TSAN_RUNTIME_H
#define LH_TSAN_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "race/race.h"
#include "registry/thread_state.h"

#ifndef LH_EXPORT
#define LH_EXPORT __attribute__((visibility("default"))) /* as in wrapper.h */
#endif

/* The return address of the entry point: the program's instruction after the access. Must be
 * taken in the exported function itself, not in a helper it inlines. */
#define LH_TSAN_PC ((uintptr_t)__builtin_return_address(0))

static inline bool lh_race_active(void) {
  return __atomic_load_n(&lh_race_on, __ATOMIC_RELAXED) && !lh_self.in_runtime;
}

#endif
