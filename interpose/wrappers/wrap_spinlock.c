/* wrap_spinlock.c - spinlocks: ordered like mutexes (a spinning thread waits just the same). */
#include <pthread.h>

#include "registry/lock_registry.h"
#include "wrappers/wrapper.h"

LH_EXPORT int pthread_spin_init(pthread_spinlock_t *l, int pshared) {
  LH_COUNT(pthread_spin_init);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_lock_init((const void *)l, LH_LOCK_SPINLOCK, LH_PC);
  int rc = real_pthread_spin_init(l, pshared);
  if (rc == 0 && !lh_pass()) {
    lh_lock_initialised((const void *)l, LH_LOCK_SPINLOCK, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)l, LH_PC));
  }
  return rc;
}

LH_EXPORT int pthread_spin_destroy(pthread_spinlock_t *l) {
  LH_COUNT(pthread_spin_destroy);
  lh_real_ensure();
  if (!lh_pass()) {
    lh_misuse_destroy_lock((const void *)l, LH_LOCK_SPINLOCK, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)l, LH_PC));
  }
  int rc = real_pthread_spin_destroy(l);
  if (rc == 0 && !lh_pass()) lh_lock_destroyed((const void *)l, LH_PC);
  return rc;
}

LH_EXPORT int pthread_spin_lock(pthread_spinlock_t *l) {
  LH_COUNT(pthread_spin_lock);
  if (lh_pass()) return real_pthread_spin_lock(l);
  struct lh_acquire a;
  lh_acquire_begin(&a, (const void *)l, LH_LOCK_SPINLOCK, LH_MODE_WRITE, 0, LH_W_pthread_spin_lock,
                   LH_PC);
  int rc = real_pthread_spin_trylock(l);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, LH_LOCK_SPINLOCK, LH_W_pthread_spin_lock, false);
    rc = real_pthread_spin_lock(l);
    lh_acquire_waited(&a);
  } else if (rc != 0) {
    rc = real_pthread_spin_lock(l);
  }
  lh_acquire_end(&a, (const void *)l, rc == 0, rc, LH_W_pthread_spin_lock, LH_PC);
  return rc;
}

LH_EXPORT int pthread_spin_trylock(pthread_spinlock_t *l) {
  LH_COUNT(pthread_spin_trylock);
  if (lh_pass()) return real_pthread_spin_trylock(l);
  int rc = real_pthread_spin_trylock(l);
  lh_acquire_tried((const void *)l, LH_LOCK_SPINLOCK, LH_MODE_WRITE, rc == 0, rc == EBUSY, LH_PC);
  return rc;
}

LH_EXPORT int pthread_spin_unlock(pthread_spinlock_t *l) {
  LH_COUNT(pthread_spin_unlock);
  lh_release((const void *)l, LH_LOCK_SPINLOCK, LH_PC);
  return real_pthread_spin_unlock(l);
}
