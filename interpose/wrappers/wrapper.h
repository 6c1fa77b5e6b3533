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

#include "lockorder/blocking.h"
#include "base/call_counts.h"
#include "lockorder/misuse.h"
#include "race/race.h"
#include "base/real_functions.h"
#include "lockorder/recorder.h"
#include "registry/thread_state.h"

#define LH_EXPORT __attribute__((visibility("default")))

/* An unlock: the lock leaves the caller's held set, or the unlock is a misuse. */
#define LH_RELEASE(obj, kind)                                                                    \
  do {                                                                                         \
    if (!lh_pass()) {                                                                          \
      LH_RACE_EVENT(lh_race_lock_releasing((uintptr_t)(obj)));                                 \
      if (!lh_lock_released(obj))                                                              \
        lh_misuse_unlock((obj), (kind), LH_PC);                                                \
    }                                                                                          \
  } while (0)
#define LH_COUNT(name)                                                                           \
  do {                                                                                         \
    uint64_t *lh_calls_ = lh_self.calls;                                                       \
    if (__builtin_expect(lh_calls_ != NULL, 1))                                                \
      lh_calls_[LH_W_##name]++;                                                                \
  } while (0)
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

/* A blocking acquisition: recorded before the call, held after it succeeds. The lock is tried
 * first (same outcome, same cost when it is free); only when it is taken does the thread check
 * that it is not waiting for itself, publish its wait for the watchdog and block. Any other
 * outcome of the try goes to the real call, which decides. ok_expr and busy_expr may use rc. */
#define LH_ACQUIRE_BLOCKING(obj, kind, mode, flags, name, try_call, call, busy_expr, ok_expr)    \
  do {                                                                                         \
    struct lh_acquire acq_;                                                                    \
    lh_lock_request(&acq_, (obj), (kind), (mode), (flags), LH_PC);                             \
    if (__builtin_expect(acq_.again, 0) && !((flags) & LH_ACQ_TIMED))                          \
      lh_self_deadlock_check(&acq_, (obj), (kind), LH_W_##name, LH_PC);                        \
    int rc = (try_call);                                                                       \
    if (busy_expr) {                                                                           \
      lh_wait_lock_begin(&acq_, (kind), LH_W_##name, ((flags) & LH_ACQ_TIMED) != 0);           \
      rc = (call);                                                                             \
      lh_wait_done(&lh_self.cold->wait);                                                             \
      if (__builtin_expect(lh_contention_on, 0))                                               \
        lh_profile_waited(acq_.lock);                                                          \
    } else if (!(ok_expr)) {                                                                   \
      rc = (call);                                                                             \
    }                                                                                          \
    if (ok_expr) {                                                                             \
      lh_lock_acquired(&acq_);                                                                 \
      LH_RACE_EVENT(lh_race_lock_acquired((uintptr_t)(obj)));                                  \
    } else if (rc == EDEADLK || rc == EINVAL)                                                    \
      lh_misuse_api_error(LH_W_##name, rc, LH_PC);                                             \
    return rc;                                                                                 \
  } while (0)

/* A try acquisition: cannot block, so it is recorded only once it succeeded; a failure because
 * the lock is taken is counted for livelock detection. */
#define LH_ACQUIRE_TRY(obj, kind, mode, call, ok_expr, busy_expr)                                \
  do {                                                                                         \
    int rc = (call);                                                                           \
    if (ok_expr) {                                                                             \
      int saved_ = errno;                                                                      \
      struct lh_acquire acq_;                                                                  \
      lh_lock_request(&acq_, (obj), (kind), (mode), LH_ACQ_TRY, LH_PC);                        \
      lh_lock_acquired(&acq_);                                                                 \
      lh_try_succeeded(&acq_);                                                                 \
      LH_RACE_EVENT(lh_race_lock_acquired((uintptr_t)(obj)));                                  \
      errno = saved_;                                                                          \
    } else if (busy_expr) {                                                                    \
      lh_try_failed((obj), (kind), LH_PC);                                                     \
    }                                                                                          \
    return rc;                                                                                 \
  } while (0)

/* A condition-variable wait releases the mutex, waits (published for the watchdog), and takes
 * the mutex again before returning. The mutex must be the caller's, and the same for every
 * current waiter of the condvar (misuse.h). */
#define LH_COND_WAIT(cond, mutex, kind, name, timed, call, relocked_expr)                        \
  do {                                                                                         \
    if (!lh_lock_released(mutex))                                                              \
      lh_misuse_cond_unowned((cond), (mutex), (kind), LH_PC);                                  \
    LH_RACE_EVENT(lh_race_cond_waiting((uintptr_t)(cond), (uintptr_t)(mutex)));               \
    lh_misuse_cond_enter((cond), (mutex), LH_PC);                                              \
    lh_wait_cond_begin((cond), (mutex), (kind), LH_W_##name, (timed), LH_PC);                  \
    int rc = (call);                                                                           \
    lh_wait_done(&lh_self.cold->wait);                                                               \
    lh_misuse_cond_leave(cond);                                                                \
    LH_RACE_EVENT(lh_race_cond_woken((uintptr_t)(cond)));                                      \
    if (relocked_expr) {                                                                       \
      struct lh_acquire acq_;                                                                  \
      lh_lock_request(&acq_, (mutex), (kind), LH_MODE_WRITE, LH_ACQ_COND, LH_PC);              \
      lh_lock_acquired(&acq_);                                                                 \
      LH_RACE_EVENT(lh_race_lock_acquired((uintptr_t)(mutex)));                                \
    }                                                                                          \
    return rc;                                                                                 \
  } while (0)

/* Any other wait (semaphore, barrier, join): published around the real call, errno kept; `then`
 * runs after it (it may use rc). */
#define LH_WAIT_AROUND_THEN(begin, call, then)                                                   \
  do {                                                                                         \
    begin;                                                                                     \
    int rc = (call);                                                                           \
    int errno_ = errno;                                                                        \
    lh_wait_done(&lh_self.cold->wait);                                                               \
    then;                                                                                      \
    errno = errno_;                                                                            \
    return rc;                                                                                 \
  } while (0)

#endif
