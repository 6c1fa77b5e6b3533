/* wrap_mutex.c - pthread mutexes: every type (normal, recursive, error-checking, adaptive) and
 * robust ones. A robust mutex whose owner died is acquired with EOWNERDEAD, which counts as
 * acquired. */
#include <pthread.h>

#include "registry/lock_registry.h"
#include "wrappers/wrapper.h"

#define MUTEX_OK (rc == 0 || rc == EOWNERDEAD)

LH_EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) {
  LH_COUNT(pthread_mutex_init);
  int rc = (lh_real_ensure(), real_pthread_mutex_init(m, attr));
  if (rc == 0 && !lh_pass())
    lh_lock_initialised(m, LH_LOCK_MUTEX, LH_PC);
  return rc;
}

LH_EXPORT int pthread_mutex_destroy(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_destroy);
  lh_real_ensure();
  if (!lh_pass())
    lh_misuse_destroy_lock(m, LH_LOCK_MUTEX, LH_PC);
  int rc = real_pthread_mutex_destroy(m);
  if (rc == 0 && !lh_pass())
    lh_lock_destroyed(m);
  return rc;
}

LH_EXPORT int pthread_mutex_lock(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_lock);
  if (lh_pass())
    return real_pthread_mutex_lock(m);
  LH_ACQUIRE_BLOCKING(m, LH_LOCK_MUTEX, LH_MODE_WRITE, 0, pthread_mutex_lock,
                      real_pthread_mutex_trylock(m), real_pthread_mutex_lock(m), rc == EBUSY,
                      MUTEX_OK);
}

LH_EXPORT int pthread_mutex_trylock(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_trylock);
  if (lh_pass())
    return real_pthread_mutex_trylock(m);
  LH_ACQUIRE_TRY(m, LH_LOCK_MUTEX, LH_MODE_WRITE, real_pthread_mutex_trylock(m), MUTEX_OK,
                 rc == EBUSY);
}

LH_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t) {
  LH_COUNT(pthread_mutex_timedlock);
  if (lh_pass())
    return real_pthread_mutex_timedlock(m, t);
  LH_ACQUIRE_BLOCKING(m, LH_LOCK_MUTEX, LH_MODE_WRITE, LH_ACQ_TIMED, pthread_mutex_timedlock,
                      real_pthread_mutex_trylock(m), real_pthread_mutex_timedlock(m, t),
                      rc == EBUSY, MUTEX_OK);
}

LH_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t c, const struct timespec *t) {
  LH_COUNT(pthread_mutex_clocklock);
  if (lh_pass())
    return real_pthread_mutex_clocklock(m, c, t);
  LH_ACQUIRE_BLOCKING(m, LH_LOCK_MUTEX, LH_MODE_WRITE, LH_ACQ_TIMED, pthread_mutex_clocklock,
                      real_pthread_mutex_trylock(m), real_pthread_mutex_clocklock(m, c, t),
                      rc == EBUSY, MUTEX_OK);
}

LH_EXPORT int pthread_mutex_unlock(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_unlock);
  LH_RELEASE(m, LH_LOCK_MUTEX);
  return real_pthread_mutex_unlock(m);
}

LH_EXPORT int pthread_mutex_consistent(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_consistent);
  lh_real_ensure();
  return real_pthread_mutex_consistent(m);
}
