/* helper_for_three_callers - a lock helper, take_pair(), called in turn by three callers, each on
 * fresh mutexes: via_a() takes chain a in nested pairs (i, i+1), via_b() chain b, via_c() chain c,
 * and the calls alternate a, b, c, a, b, c... Every lock call makes a tuple the thread has not
 * seen (a new lock), yet there are only six chains of calls to the lock functions (two lock
 * calls in take_pair, three callers): lockhound must walk the stack about six times, not once
 * per new tuple, however the callers alternate (stack_capture.c remembers walks by call site).
 * Usage: helper_for_three_callers PAIRS MODE (MODE is ignored); prints PAIRS. One thread. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static __attribute__((noinline)) void take_pair(pthread_mutex_t *x, pthread_mutex_t *y) {
  pthread_mutex_lock(x);
  pthread_mutex_lock(y);
  pthread_mutex_unlock(y);
  pthread_mutex_unlock(x);
}

static __attribute__((noinline)) void via_a(pthread_mutex_t *x, pthread_mutex_t *y) {
  take_pair(x, y);
  __asm__ volatile("" ::: "memory"); /* not a tail call: this frame stays on the stack */
}

static __attribute__((noinline)) void via_b(pthread_mutex_t *x, pthread_mutex_t *y) {
  take_pair(x, y);
  __asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void via_c(pthread_mutex_t *x, pthread_mutex_t *y) {
  take_pair(x, y);
  __asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv) {
  long pairs = argc > 1 ? atol(argv[1]) : 1000;
  if (pairs < 1) pairs = 1;
  pthread_mutex_t *chain[3];
  for (int c = 0; c < 3; c++) {
    chain[c] = calloc((size_t)pairs + 1, sizeof **chain);
    if (!chain[c]) return 1;
    for (long i = 0; i <= pairs; i++) pthread_mutex_init(&chain[c][i], NULL);
  }
  for (long i = 0; i < pairs; i++) {
    via_a(&chain[0][i], &chain[0][i + 1]);
    via_b(&chain[1][i], &chain[1][i + 1]);
    via_c(&chain[2][i], &chain[2][i + 1]);
  }
  for (int c = 0; c < 3; c++) {
    for (long i = 0; i <= pairs; i++) pthread_mutex_destroy(&chain[c][i]);
    free(chain[c]);
  }
  printf("%ld\n", pairs);
  return 0;
}
