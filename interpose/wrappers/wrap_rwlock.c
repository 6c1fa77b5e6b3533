/* wrap_rwlock.c - reader-writer locks. Read acquisitions are recorded in shared mode, so that
 * the analyzer can tell that two readers never block each other. */
#include <pthread.h>

#include "registry/lock_registry.h"
#include "wrappers/wrapper.h"

#define RW LH_LOCK_RWLOCK

LH_EXPORT int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr) {
  LH_COUNT(pthread_rwlock_init);
  int rc = (lh_real_ensure(), real_pthread_rwlock_init(l, attr));
  if (rc == 0 && !lh_pass())
    lh_lock_initialised(l, RW, LH_PC);
  return rc;
}

LH_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_destroy);
  lh_real_ensure();
  if (!lh_pass())
    lh_misuse_destroy_lock(l, RW, LH_PC);
  int rc = real_pthread_rwlock_destroy(l);
  if (rc == 0 && !lh_pass())
    lh_lock_destroyed(l);
  return rc;
}

LH_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_rdlock);
  if (lh_pass())
    return real_pthread_rwlock_rdlock(l);
  LH_ACQUIRE_BLOCKING(l, RW, LH_MODE_READ, 0, pthread_rwlock_rdlock, real_pthread_rwlock_tryrdlock(l), real_pthread_rwlock_rdlock(l),
                      rc == EBUSY, rc == 0);
}

LH_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_tryrdlock);
  if (lh_pass())
    return real_pthread_rwlock_tryrdlock(l);
  LH_ACQUIRE_TRY(l, RW, LH_MODE_READ, real_pthread_rwlock_tryrdlock(l), rc == 0, rc == EBUSY);
}

LH_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *t) {
  LH_COUNT(pthread_rwlock_timedrdlock);
  if (lh_pass())
    return real_pthread_rwlock_timedrdlock(l, t);
  LH_ACQUIRE_BLOCKING(l, RW, LH_MODE_READ, LH_ACQ_TIMED, pthread_rwlock_timedrdlock, real_pthread_rwlock_tryrdlock(l), real_pthread_rwlock_timedrdlock(l, t),
                      rc == EBUSY, rc == 0);
}

LH_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t c,
                                         const struct timespec *t) {
  LH_COUNT(pthread_rwlock_clockrdlock);
  if (lh_pass())
    return real_pthread_rwlock_clockrdlock(l, c, t);
  LH_ACQUIRE_BLOCKING(l, RW, LH_MODE_READ, LH_ACQ_TIMED, pthread_rwlock_clockrdlock, real_pthread_rwlock_tryrdlock(l), real_pthread_rwlock_clockrdlock(l, c, t),
                      rc == EBUSY, rc == 0);
}

LH_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_wrlock);
  if (lh_pass())
    return real_pthread_rwlock_wrlock(l);
  LH_ACQUIRE_BLOCKING(l, RW, LH_MODE_WRITE, 0, pthread_rwlock_wrlock, real_pthread_rwlock_trywrlock(l), real_pthread_rwlock_wrlock(l),
                      rc == EBUSY, rc == 0);
}

LH_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_trywrlock);
  if (lh_pass())
    return real_pthread_rwlock_trywrlock(l);
  LH_ACQUIRE_TRY(l, RW, LH_MODE_WRITE, real_pthread_rwlock_trywrlock(l), rc == 0, rc == EBUSY);
}

LH_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *t) {
  LH_COUNT(pthread_rwlock_timedwrlock);
  if (lh_pass())
    return real_pthread_rwlock_timedwrlock(l, t);
  LH_ACQUIRE_BLOCKING(l, RW, LH_MODE_WRITE, LH_ACQ_TIMED, pthread_rwlock_timedwrlock, real_pthread_rwlock_trywrlock(l), real_pthread_rwlock_timedwrlock(l, t),
                      rc == EBUSY, rc == 0);
}

LH_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t c,
                                         const struct timespec *t) {
  LH_COUNT(pthread_rwlock_clockwrlock);
  if (lh_pass())
    return real_pthread_rwlock_clockwrlock(l, c, t);
  LH_ACQUIRE_BLOCKING(l, RW, LH_MODE_WRITE, LH_ACQ_TIMED, pthread_rwlock_clockwrlock, real_pthread_rwlock_trywrlock(l), real_pthread_rwlock_clockwrlock(l, c, t),
                      rc == EBUSY, rc == 0);
}

LH_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l) {
  LH_COUNT(pthread_rwlock_unlock);
  LH_RELEASE(l, RW);
  return real_pthread_rwlock_unlock(l);
}
