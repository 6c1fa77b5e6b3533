/* wrapper.h - what every wrapper file shares.
 *
 * A wrapper counts its call (call_counts.h), passes straight through while lockhound is off or
 * while lockhound's own code is running on this thread, and otherwise brackets the real call
 * with recorder events. Wrappers return exactly what the real function returned and leave errno
 * as it set it. */
#ifndef LH_WRAPPER_H
#define LH_WRAPPER_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "call_counts.h"
#include "real_functions.h"
#include "recorder.h"
#include "thread_state.h"

#define LH_EXPORT __attribute__((visibility("default")))
#define LH_COUNT(name) (lh_self.calls[LH_W_##name]++)
/* The return address into the program: the call site that keys acquisition tuples. */
#define LH_PC ((uintptr_t)__builtin_return_address(0))

/* lh_enabled implies that the real-function table is filled (the constructor fills it before
 * enabling), so the common case costs one global and one thread-local load. */
static inline bool lh_pass(void) {
  if (__builtin_expect(!__atomic_load_n(&lh_enabled, __ATOMIC_RELAXED), 0)) {
    lh_real_ensure();
    return true;
  }
  return lh_self.in_runtime;
}

/* A blocking acquisition: recorded before the call, held after it succeeds. ok_expr may use rc. */
#define LH_ACQUIRE_BLOCKING(obj, kind, mode, flags, call, ok_expr)                               \
  do {                                                                                         \
    struct lh_acquire acq_;                                                                    \
    lh_lock_request(&acq_, (obj), (kind), (mode), (flags), LH_PC);                             \
    int rc = (call);                                                                           \
    if (ok_expr)                                                                               \
      lh_lock_acquired(&acq_);                                                                 \
    return rc;                                                                                 \
  } while (0)

/* A try acquisition: cannot block, so it is recorded only once it succeeded. */
#define LH_ACQUIRE_TRY(obj, kind, mode, call, ok_expr)                                           \
  do {                                                                                         \
    int rc = (call);                                                                           \
    if (ok_expr) {                                                                             \
      int saved_ = errno;                                                                      \
      struct lh_acquire acq_;                                                                  \
      lh_lock_request(&acq_, (obj), (kind), (mode), LH_ACQ_TRY, LH_PC);                        \
      lh_lock_acquired(&acq_);                                                                 \
      errno = saved_;                                                                          \
    }                                                                                          \
    return rc;                                                                                 \
  } while (0)

/* A condition-variable wait releases the mutex and takes it again before returning. */
#define LH_COND_WAIT(mutex, kind, call, relocked_expr)                                           \
  do {                                                                                         \
    lh_lock_released(mutex);                                                                   \
    int rc = (call);                                                                           \
    if (relocked_expr) {                                                                       \
      struct lh_acquire acq_;                                                                  \
      lh_lock_request(&acq_, (mutex), (kind), LH_MODE_WRITE, LH_ACQ_COND, LH_PC);              \
      lh_lock_acquired(&acq_);                                                                 \
    }                                                                                          \
    return rc;                                                                                 \
  } while (0)

#endif
