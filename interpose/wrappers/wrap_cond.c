/* wrap_cond.c - pthread condition variables. A wait releases its mutex and takes it again
 * before returning (also on timeout), so the mutex leaves the held set for the duration of the
 * wait and its re-acquisition is an ordinary ordering event (flagged `cond`). */
#include <pthread.h>

#include "registry/lock_registry.h"
#include "registry/object_registry.h"
#include "wrappers/wrapper.h"

/* The mutex is held again after the wait unless the call was refused outright. */
static inline bool relocked(int rc) { return rc == 0 || rc == ETIMEDOUT || rc == EOWNERDEAD; }

LH_EXPORT int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr) {
  LH_COUNT(pthread_cond_init);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_cond_init(c, LH_PC);
  int rc = real_pthread_cond_init(c, attr);
  if (rc == 0 && !lh_pass()) {
    lh_misuse_initialised(c);
    lh_object_init_event(c, LH_OBJECT_COND, LH_PC, 0, NULL);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)c, LH_PC));
  }
  return rc;
}

LH_EXPORT int pthread_cond_destroy(pthread_cond_t *c) {
  LH_COUNT(pthread_cond_destroy);
  lh_real_ensure();
  bool waited = false;
  if (!lh_pass()) {
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)c, LH_PC));
    waited = lh_misuse_cond_destroy(c, LH_PC);
  }
  /* glibc's destroy waits for the waiters to be woken: published, so that the watchdog sees this
   * thread blocked (a stall when nobody is left to wake them) instead of running for ever. */
  if (waited) lh_wait_object_begin(LH_WAIT_COND, c, LH_W_pthread_cond_destroy, false, LH_PC);
  int rc = real_pthread_cond_destroy(c);
  if (waited) lh_wait_end();
  if (rc == 0 && !lh_pass())
    lh_object_destroy_event(c); /* forgotten: memory follows the live condvars */
  return rc;
}

LH_EXPORT int pthread_cond_signal(pthread_cond_t *c) {
  LH_COUNT(pthread_cond_signal);
  lh_real_ensure();
  bool marked = false;
  if (!lh_pass()) {
    marked = lh_misuse_cond_use(c, LH_PC);
    lh_misuse_signal(c, LH_PC);
    LH_RACE_EVENT(lh_race_cond_signalling((uintptr_t)c, LH_PC));
  }
  if (__builtin_expect(!marked, 1)) return real_pthread_cond_signal(c);
  lh_wait_object_begin(LH_WAIT_COND, c, LH_W_pthread_cond_signal, false,
                       LH_PC); /* may never return */
  int rc = real_pthread_cond_signal(c);
  lh_wait_end();
  return rc;
}

LH_EXPORT int pthread_cond_broadcast(pthread_cond_t *c) {
  LH_COUNT(pthread_cond_broadcast);
  lh_real_ensure();
  bool marked = false;
  if (!lh_pass()) {
    marked = lh_misuse_cond_use(c, LH_PC);
    lh_misuse_signal(c, LH_PC);
    LH_RACE_EVENT(lh_race_cond_signalling((uintptr_t)c, LH_PC));
  }
  if (__builtin_expect(!marked, 1)) return real_pthread_cond_broadcast(c);
  lh_wait_object_begin(LH_WAIT_COND, c, LH_W_pthread_cond_broadcast, false,
                       LH_PC); /* may never return */
  int rc = real_pthread_cond_broadcast(c);
  lh_wait_end();
  return rc;
}

LH_EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) {
  LH_COUNT(pthread_cond_wait);
  if (lh_pass()) return real_pthread_cond_wait(c, m);
  lh_misuse_cond_use(c, LH_PC);
  lh_cond_wait_begin(c, m, LH_LOCK_MUTEX, LH_W_pthread_cond_wait, false, LH_PC);
  int rc = real_pthread_cond_wait(c, m);
  lh_cond_wait_end(c, m, LH_LOCK_MUTEX, relocked(rc), LH_PC);
  return rc;
}

LH_EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                                     const struct timespec *t) {
  LH_COUNT(pthread_cond_timedwait);
  if (lh_pass()) return real_pthread_cond_timedwait(c, m, t);
  lh_misuse_cond_use(c, LH_PC);
  lh_misuse_deadline(t, lh_cond_clock(c), c, LH_OBJECT_COND, true, LH_PC);
  lh_cond_wait_begin(c, m, LH_LOCK_MUTEX, LH_W_pthread_cond_timedwait, true, LH_PC);
  int rc = real_pthread_cond_timedwait(c, m, t);
  lh_cond_wait_end(c, m, LH_LOCK_MUTEX, relocked(rc), LH_PC);
  return rc;
}

LH_EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
                                     const struct timespec *t) {
  LH_COUNT(pthread_cond_clockwait);
  if (lh_pass()) return real_pthread_cond_clockwait(c, m, clk, t);
  lh_misuse_cond_use(c, LH_PC);
  lh_misuse_deadline(t, clk, c, LH_OBJECT_COND, true, LH_PC);
  lh_cond_wait_begin(c, m, LH_LOCK_MUTEX, LH_W_pthread_cond_clockwait, true, LH_PC);
  int rc = real_pthread_cond_clockwait(c, m, clk, t);
  lh_cond_wait_end(c, m, LH_LOCK_MUTEX, relocked(rc), LH_PC);
  return rc;
}
