/* wrap_rwlock.c - reader-writer locks. Read acquisitions are recorded in shared mode, so that
 * the analyzer can tell that two readers never block each other. */
#include <pthread.h>

#include "registry/lock_registry.h"
#include "wrappers/wrapper.h"

#define RW LH_LOCK_RWLOCK

LH_EXPORT int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr) {
  LH_COUNT(pthread_rwlock_init);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_lock_init(l, RW, LH_PC);
  int rc = real_pthread_rwlock_init(l, attr);
  if (rc == 0 && !lh_pass()) {
    lh_lock_initialised(l, RW, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)l, LH_PC));
  }
  return rc;
}

LH_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_destroy);
  lh_real_ensure();
  if (!lh_pass()) {
    lh_misuse_destroy_lock(l, RW, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)l, LH_PC));
  }
  int rc = real_pthread_rwlock_destroy(l);
  if (rc == 0 && !lh_pass()) lh_lock_destroyed(l, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_rdlock);
  if (lh_pass()) return real_pthread_rwlock_rdlock(l);
  struct lh_acquire a;
  lh_acquire_begin(&a, l, RW, LH_MODE_READ, 0, LH_W_pthread_rwlock_rdlock, LH_PC);
  int rc = real_pthread_rwlock_tryrdlock(l);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, RW, LH_W_pthread_rwlock_rdlock, false);
    rc = real_pthread_rwlock_rdlock(l);
    lh_acquire_waited(&a);
  } else if (rc != 0) {
    rc = real_pthread_rwlock_rdlock(l);
  }
  lh_acquire_end(&a, l, rc == 0, rc, LH_W_pthread_rwlock_rdlock, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_tryrdlock);
  if (lh_pass()) return real_pthread_rwlock_tryrdlock(l);
  int rc = real_pthread_rwlock_tryrdlock(l);
  lh_acquire_tried(l, RW, LH_MODE_READ, rc == 0, rc == EBUSY, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *t) {
  LH_COUNT(pthread_rwlock_timedrdlock);
  if (lh_pass()) return real_pthread_rwlock_timedrdlock(l, t);
  lh_misuse_deadline(t, CLOCK_REALTIME, l, RW, false, LH_PC);
  struct lh_acquire a;
  lh_acquire_begin(&a, l, RW, LH_MODE_READ, LH_ACQ_TIMED, LH_W_pthread_rwlock_timedrdlock, LH_PC);
  int rc = real_pthread_rwlock_tryrdlock(l);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, RW, LH_W_pthread_rwlock_timedrdlock, true);
    rc = real_pthread_rwlock_timedrdlock(l, t);
    lh_acquire_waited(&a);
  } else if (rc != 0) {
    rc = real_pthread_rwlock_timedrdlock(l, t);
  }
  lh_acquire_end(&a, l, rc == 0, rc, LH_W_pthread_rwlock_timedrdlock, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t c,
                                         const struct timespec *t) {
  LH_COUNT(pthread_rwlock_clockrdlock);
  if (lh_pass()) return real_pthread_rwlock_clockrdlock(l, c, t);
  lh_misuse_deadline(t, c, l, RW, false, LH_PC);
  struct lh_acquire a;
  lh_acquire_begin(&a, l, RW, LH_MODE_READ, LH_ACQ_TIMED, LH_W_pthread_rwlock_clockrdlock, LH_PC);
  int rc = real_pthread_rwlock_tryrdlock(l);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, RW, LH_W_pthread_rwlock_clockrdlock, true);
    rc = real_pthread_rwlock_clockrdlock(l, c, t);
    lh_acquire_waited(&a);
  } else if (rc != 0) {
    rc = real_pthread_rwlock_clockrdlock(l, c, t);
  }
  lh_acquire_end(&a, l, rc == 0, rc, LH_W_pthread_rwlock_clockrdlock, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_wrlock);
  if (lh_pass()) return real_pthread_rwlock_wrlock(l);
  struct lh_acquire a;
  lh_acquire_begin(&a, l, RW, LH_MODE_WRITE, 0, LH_W_pthread_rwlock_wrlock, LH_PC);
  int rc = real_pthread_rwlock_trywrlock(l);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, RW, LH_W_pthread_rwlock_wrlock, false);
    rc = real_pthread_rwlock_wrlock(l);
    lh_acquire_waited(&a);
  } else if (rc != 0) {
    rc = real_pthread_rwlock_wrlock(l);
  }
  lh_acquire_end(&a, l, rc == 0, rc, LH_W_pthread_rwlock_wrlock, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_trywrlock);
  if (lh_pass()) return real_pthread_rwlock_trywrlock(l);
  int rc = real_pthread_rwlock_trywrlock(l);
  lh_acquire_tried(l, RW, LH_MODE_WRITE, rc == 0, rc == EBUSY, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *t) {
  LH_COUNT(pthread_rwlock_timedwrlock);
  if (lh_pass()) return real_pthread_rwlock_timedwrlock(l, t);
  lh_misuse_deadline(t, CLOCK_REALTIME, l, RW, false, LH_PC);
  struct lh_acquire a;
  lh_acquire_begin(&a, l, RW, LH_MODE_WRITE, LH_ACQ_TIMED, LH_W_pthread_rwlock_timedwrlock, LH_PC);
  int rc = real_pthread_rwlock_trywrlock(l);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, RW, LH_W_pthread_rwlock_timedwrlock, true);
    rc = real_pthread_rwlock_timedwrlock(l, t);
    lh_acquire_waited(&a);
  } else if (rc != 0) {
    rc = real_pthread_rwlock_timedwrlock(l, t);
  }
  lh_acquire_end(&a, l, rc == 0, rc, LH_W_pthread_rwlock_timedwrlock, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t c,
                                         const struct timespec *t) {
  LH_COUNT(pthread_rwlock_clockwrlock);
  if (lh_pass()) return real_pthread_rwlock_clockwrlock(l, c, t);
  lh_misuse_deadline(t, c, l, RW, false, LH_PC);
  struct lh_acquire a;
  lh_acquire_begin(&a, l, RW, LH_MODE_WRITE, LH_ACQ_TIMED, LH_W_pthread_rwlock_clockwrlock, LH_PC);
  int rc = real_pthread_rwlock_trywrlock(l);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, RW, LH_W_pthread_rwlock_clockwrlock, true);
    rc = real_pthread_rwlock_clockwrlock(l, c, t);
    lh_acquire_waited(&a);
  } else if (rc != 0) {
    rc = real_pthread_rwlock_clockwrlock(l, c, t);
  }
  lh_acquire_end(&a, l, rc == 0, rc, LH_W_pthread_rwlock_clockwrlock, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_unlock);
  lh_release(l, RW, LH_PC);
  return real_pthread_rwlock_unlock(l);
}
