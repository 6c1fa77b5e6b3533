/* wrap_barrier.c - barriers. Init records how many threads a barrier waits for, and a wait is
 * published for the watchdog: a barrier sized for more threads than ever arrive is a stall. */
#include <pthread.h>

#include "race/race_clocks.h"
#include "registry/object_registry.h"
#include "wrappers/wrapper.h"

LH_EXPORT int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
                                   unsigned count) {
  LH_COUNT(pthread_barrier_init);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_barrier_init(b, count, LH_PC);
  int rc = real_pthread_barrier_init(b, attr, count);
  if (rc == 0 && !lh_pass()) {
    lh_object_init_event(b, LH_OBJECT_BARRIER, LH_PC, count, NULL);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)b, LH_PC));
    LH_RACE_EVENT(lh_race_barrier_init((uintptr_t)b, count));
  }
  return rc;
}

LH_EXPORT int pthread_barrier_destroy(pthread_barrier_t *b) {
  LH_COUNT(pthread_barrier_destroy);
  lh_real_ensure();
  if (!lh_pass()) {
    lh_misuse_barrier_destroy(b, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)b, LH_PC));
  }
  int rc = real_pthread_barrier_destroy(b);
  if (rc == 0 && !lh_pass()) lh_object_destroy_event(b);
  return rc;
}

LH_EXPORT int pthread_barrier_wait(pthread_barrier_t *b) {
  LH_COUNT(pthread_barrier_wait);
  if (lh_pass()) return real_pthread_barrier_wait(b);
  /* Everything each thread did before a round of the barrier happens before what any does after
   * that round (and only that round: each has its own clock). */
  uint64_t round = LH_SYNC_NO_ROUND;
  LH_RACE_EVENT(round = lh_race_barrier_arrive((uintptr_t)b, LH_PC));
  lh_wait_object_begin(LH_WAIT_BARRIER, b, LH_W_pthread_barrier_wait, false, LH_PC);
  int rc = real_pthread_barrier_wait(b);
  lh_wait_end();
  LH_RACE_EVENT(lh_race_barrier_leave((uintptr_t)b, round));
  return rc;
}
