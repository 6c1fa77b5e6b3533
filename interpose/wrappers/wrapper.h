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

#include "base/call_counts.h"
#include "base/real_functions.h"
#include "lockorder/blocking.h"
#include "lockorder/misuse.h"
#include "lockorder/recorder.h"
#include "race/race.h"
#include "registry/thread_state.h"

#define LH_EXPORT __attribute__((visibility("default")))

/* Never NULL: lh_calls_discard when the thread has no counters (thread_state.h). */
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

/* ---- the steps a wrapper takes, in plain sight ----
 * A wrapper makes the real calls itself and calls these steps around them:
 *   blocking lock   lh_acquire_begin; rc = its trylock; if the lock was taken: lh_acquire_wait,
 *                   rc = its blocking call, lh_acquire_waited; else if the try did not succeed:
 *                   rc = its blocking call (which decides); lh_acquire_end
 *   trylock         rc = its trylock; lh_acquire_tried
 *   unlock          lh_release; its unlock
 *   condition wait  lh_cond_wait_begin; rc = its wait; lh_cond_wait_end
 *   other waits     lh_wait_*_begin (blocking.h); rc = its wait; lh_wait_end
 * The lock is tried first (same outcome, same cost when it is free): only when it is taken does
 * the thread publish its wait for the watchdog and block.
 * The errno rule: the program sees errno as the real call left it. These steps never change it:
 * their fast paths never touch it, their slow paths (a new tuple, a misuse, a finding) run inside
 * lockhound's runtime, which puts errno back as it leaves (registry/recorder_lock.c), and race
 * events keep it (LH_RACE_EVENT, race.h). Whatever else a wrapper does after its real call that
 * may change errno - lifecycle's fork and failed-exec steps, the malloc family's heap tracking, a
 * real call the program did not make (sem_wait's first try) - the wrapper brackets with a saved
 * errno itself. Wrappers return the real call's result. */

/* Steps are inlined into the wrapper: a call of their own would put another frame on the
 * program's stack (own_stack.h: the wrapper's frame is all lockhound may take there). */
#define LH_STEP __attribute__((always_inline)) static inline

LH_STEP void lh_acquire_begin(struct lh_acquire *a, const void *obj, uint8_t kind, uint8_t mode,
                              uint8_t flags, uint16_t call, uintptr_t pc) {
  lh_lock_request(a, obj, kind, mode, flags, pc);
  if (__builtin_expect(a->again, 0) && !(flags & LH_ACQ_TIMED))
    lh_self_deadlock_check(a, obj, kind, call, pc);
}

LH_STEP void lh_acquire_wait(const struct lh_acquire *a, uint8_t kind, uint16_t call, bool timed) {
  lh_wait_lock_begin(a, kind, call, timed);
}

LH_STEP void lh_acquire_waited(const struct lh_acquire *a) {
  lh_wait_done(&lh_self.cold->wait);
  if (__builtin_expect(lh_contention_on, 0)) lh_profile_waited(a->lock);
}

/* A lock call that failed, counted in the thread's counters (call_counts.h): off the fast path. */
LH_STEP void lh_count_failed_lock(void) { lh_self.calls[LH_CALLS_FAILED_LOCKS]++; }

/* ok: the lock is the caller's now; else rc, when an error the program made (EDEADLK, EINVAL),
 * is reported as an api-error. */
LH_STEP void lh_acquire_end(const struct lh_acquire *a, const void *obj, bool ok, int rc,
                            uint16_t call, uintptr_t pc) {
  if (ok) {
    lh_lock_acquired(a);
    LH_RACE_EVENT(lh_race_lock_acquired((uintptr_t)obj, pc));
  } else {
    lh_count_failed_lock();
    if (rc == EDEADLK || rc == EINVAL) lh_misuse_api_error(call, rc, pc);
  }
}

/* A trylock cannot block, so it is recorded only once it succeeded (ok); a failure because the
 * lock is taken (busy) is counted for livelock detection. */
LH_STEP void lh_acquire_tried(const void *obj, uint8_t kind, uint8_t mode, bool ok, bool busy,
                              uintptr_t pc) {
  if (ok) {
    struct lh_acquire a;
    lh_lock_request(&a, obj, kind, mode, LH_ACQ_TRY, pc);
    lh_lock_acquired(&a);
    lh_try_succeeded(&a);
    LH_RACE_EVENT(lh_race_lock_acquired((uintptr_t)obj, pc));
  } else {
    lh_count_failed_lock();
    if (busy) lh_try_failed(obj, kind, pc);
  }
}

/* Whether a lock wrapper may take its fast path (lh_lock_push_near, recorder.h): lockhound is on,
 * not running its own code on this thread, and neither race mode nor the contention profile (which
 * have events of their own at every acquisition and release) is on. */
LH_STEP bool lh_fast_path_open(void) {
  return !(__builtin_expect(__atomic_load_n(&lh_fast_off, __ATOMIC_RELAXED), 0) ||
           __builtin_expect(lh_self.in_runtime, 0));
}

/* The common unlock, whole: the lock is the caller's latest, taken once, and neither race mode nor
 * the contention profile is on; its held entry is popped. False when anything else must happen
 * (then lh_release). Inline and without calls, so that an unlock wrapper built as "if this,
 * tail-call the real unlock, else a slow function of its own" saves and restores no registers on
 * its fast path (measured: 91 instructions per pthread_mutex_unlock before, issue 11). */
LH_STEP bool lh_release_fast(const void *obj) {
  if (!lh_fast_path_open()) return false;
  struct lh_held_set *h = &lh_self.held;
  uint32_t n = h->n;
  if (__builtin_expect(n == 0, 0)) return false;
  struct lh_held_entry *e = &h->v[n - 1];
  if (__builtin_expect(e->addr != (uintptr_t)obj || e->count != 1, 0)) return false;
  h->hash -= e->hash;
  h->n = n - 1;
  return true;
}

/* Before an unlock: the lock leaves the caller's held set, or the unlock is a misuse. */
LH_STEP void lh_release(const void *obj, uint8_t kind, uintptr_t pc) {
  if (lh_pass()) return;
  LH_RACE_EVENT(lh_race_lock_releasing((uintptr_t)obj, pc));
  if (!lh_lock_released(obj)) lh_misuse_unlock(obj, kind, pc);
}

/* A condition wait releases the mutex, waits (published for the watchdog), and takes the mutex
 * again before returning (relocked). The mutex must be the caller's, and the same for every
 * current waiter of the condvar (misuse.h). */
LH_STEP void lh_cond_wait_begin(const void *cond, const void *mutex, uint8_t kind, uint16_t call,
                                bool timed, uintptr_t pc) {
  if (!lh_lock_released(mutex)) lh_misuse_cond_unowned(cond, mutex, kind, pc);
  LH_RACE_EVENT(lh_race_cond_waiting((uintptr_t)cond, (uintptr_t)mutex, pc));
  lh_misuse_cond_enter(cond, mutex, pc);
  lh_wait_cond_begin(cond, mutex, kind, call, timed, pc);
}

LH_STEP void lh_cond_wait_end(const void *cond, const void *mutex, uint8_t kind, bool relocked,
                              uintptr_t pc) {
  lh_wait_done(&lh_self.cold->wait);
  lh_misuse_cond_leave(cond);
  LH_RACE_EVENT(lh_race_cond_woken((uintptr_t)cond));
  if (relocked) {
    struct lh_acquire a;
    lh_lock_request(&a, mutex, kind, LH_MODE_WRITE, LH_ACQ_COND, pc);
    lh_lock_acquired(&a);
    LH_RACE_EVENT(lh_race_lock_acquired((uintptr_t)mutex, pc));
  }
}

/* After any other wait (semaphore, barrier, join): the wait is over. */
LH_STEP void lh_wait_end(void) { lh_wait_done(&lh_self.cold->wait); }

#endif
