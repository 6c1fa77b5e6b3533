/* wrap_barrier.c - barriers. They order no locks; counted here for the stall detector and the
 * race runtime to build on. */
#include <pthread.h>

#include "wrapper.h"

LH_EXPORT int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
                                   unsigned count) {
  LH_COUNT(pthread_barrier_init);
  lh_real_ensure();
  return real_pthread_barrier_init(b, attr, count);
}

LH_EXPORT int pthread_barrier_destroy(pthread_barrier_t *b) {
  LH_COUNT(pthread_barrier_destroy);
  lh_real_ensure();
  return real_pthread_barrier_destroy(b);
}

LH_EXPORT int pthread_barrier_wait(pthread_barrier_t *b) {
  LH_COUNT(pthread_barrier_wait);
  lh_real_ensure();
  return real_pthread_barrier_wait(b);
}
