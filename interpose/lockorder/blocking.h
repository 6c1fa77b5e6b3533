/* blocking.h - the events around calls that may block: published waits (wait_state.h), the
 * self-deadlock check before a thread blocks on a lock it holds, and failed trylocks (for
 * livelock detection). Used by the wrappers; the out-of-line parts are in blocking.c. */
#ifndef LH_BLOCKING_H
#define LH_BLOCKING_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lockorder/recorder.h"
#include "registry/lock_registry.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "registry/wait_state.h"
#include "watch/watchdog.h"

/* Before blocking on a lock the caller believes it holds (a->again): first asks glibc whether it
 * really does (a mutex's owner field, an rwlock's readers or writer, a spinlock's word). When it
 * does not (the lock was initialised again, or unlocked by another thread), the belief was stale:
 * the entry leaves the held set, a is made again as a first acquisition, and nothing is reported.
 * When it does, reports a self-deadlock if the call can never return (a non-recursive mutex, a
 * spinlock, a write lock over one's own read lock) and ends the run as the options say. */
void lh_self_deadlock_check(struct lh_acquire *a, const void *obj, uint8_t kind, uint16_t call,
                            uintptr_t pc);
/* A trylock failed: the lock is held by someone else. */
void lh_try_failed(const void *obj, uint8_t kind, uintptr_t pc);
/* The stack of a wait site that is not a lock acquisition (first one seen at that pc). */
uint32_t lh_wait_site_stack(uintptr_t pc);
/* The thread id of a joinable thread's handle, or -1. */
int32_t lh_join_target(pthread_t handle);

/* Publishes a wait, starting the watchdog first if the process has none yet: its one thread may
 * be about to block for ever (watchdog.h). */
static inline void lh_wait_publish_watched(struct lh_wait *w, uint16_t call, uint32_t stack,
                                           bool timed) {
  lh_watchdog_ensure();
  lh_wait_publish(w, call, stack, timed);
}

static inline void lh_wait_lock_begin(const struct lh_acquire *a, uint8_t kind, uint16_t call,
                                      bool timed) {
  struct lh_wait *w = &lh_self.cold->wait;
  LH_WSET(w, on, LH_WAIT_LOCK);
  LH_WSET(w, mode, a->mode);
  LH_WSET(w, kind, kind);
  LH_WSET(w, lock, a->lock);
  LH_WSET(w, addr, a->addr);
  lh_wait_publish_watched(w, call, a->stack, timed);
}

/* Waits that are not lock acquisitions: condvars, semaphores, barriers, joins. The stack is the
 * wait site's (first seen at pc), or the one given (LH_NO_STACK: the site's). */
static inline void lh_wait_object_begin_at(uint8_t on, const void *obj, uint16_t call, bool timed,
                                           uintptr_t pc, uint32_t stack) {
  lh_thread_ensure(); /* registering replaces `cold`: before the wait is written there */
  struct lh_wait *w = &lh_self.cold->wait;
  LH_WSET(w, on, on);
  LH_WSET(w, addr, (uintptr_t)obj);
  LH_WSET(w, lock, UINT32_MAX);
  lh_wait_publish_watched(w, call, stack != LH_NO_STACK ? stack : lh_wait_site_stack(pc), timed);
}
static inline void lh_wait_object_begin(uint8_t on, const void *obj, uint16_t call, bool timed,
                                        uintptr_t pc) {
  lh_wait_object_begin_at(on, obj, call, timed, pc, LH_NO_STACK);
}

static inline void lh_wait_cond_begin(const void *cond, const void *mutex, uint8_t kind,
                                      uint16_t call, bool timed, uintptr_t pc) {
  lh_thread_ensure();
  uint32_t lock = lh_lock_id(mutex, kind, pc);
  struct lh_wait *w = &lh_self.cold->wait;
  LH_WSET(w, on, LH_WAIT_COND);
  LH_WSET(w, addr, (uintptr_t)cond);
  LH_WSET(w, mutex, (uintptr_t)mutex);
  LH_WSET(w, lock, lock);
  lh_wait_publish_watched(w, call, lh_wait_site_stack(pc), timed);
}

static inline void lh_wait_join_begin(pthread_t handle, uint16_t call, bool timed, uintptr_t pc) {
  lh_thread_ensure();
  struct lh_wait *w = &lh_self.cold->wait;
  LH_WSET(w, on, LH_WAIT_JOIN);
  LH_WSET(w, joins, lh_join_target(handle));
  LH_WSET(w, addr, 0);
  LH_WSET(w, lock, UINT32_MAX);
  lh_wait_publish_watched(w, call, lh_wait_site_stack(pc), timed);
}

static inline void lh_try_succeeded_on(uint32_t lock) {
  if (__builtin_expect(lh_self.cold->try_failures != 0, 0) && lock == lh_self.cold->try_fail_lock)
    __atomic_store_n(&lh_self.cold->try_failures, 0, __ATOMIC_RELAXED);
}
static inline void lh_try_succeeded(const struct lh_acquire *a) { lh_try_succeeded_on(a->lock); }

#endif
