/* clock.h - the monotonic clock lockhound measures waits and stalls with (vDSO: no system call,
 * no cancellation point). */
#ifndef LH_CLOCK_H
#define LH_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t lh_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
