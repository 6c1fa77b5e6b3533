/* crowded_window - one lock taken again and again under a held set whose tuple the thread's
 * tuple cache keeps where the lock fast path does not look at first (tuple_cache.h):
 *   deep: the inner lock taken once under each of seven outer locks, then COUNT times under an
 *         eighth: its tuple is the eighth of the inner lock's window of 8, beyond the 4 slots the
 *         fast path takes a hit in. lockhound must move it forward once, not at every call.
 *   far:  the inner lock taken once under each of 99 outer locks, then COUNT times under a
 *         hundredth: its tuple is in the far table. lockhound must move it near once or twice
 *         (a promotion, then perhaps a move forward), not at every call.
 * The `calls` record's `tuple_moves` counts the moves. One thread; no finding. The inner lock
 * has a 1 KiB-aligned block to itself, so that the outer locks' tuples stay out of its window.
 * Between two takes of the inner lock another lock is taken at its depth: a lock taken again at
 * once at the same depth reuses its held entry and looks nothing up (recorder.h), which would
 * leave nothing to move here.
 * Usage: crowded_window COUNT MODE; prints COUNT. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTER 100

static struct {
  pthread_mutex_t inner;
  char pad[512 - sizeof(pthread_mutex_t)];
  pthread_mutex_t outer[OUTER];
  pthread_mutex_t between;
} locks __attribute__((aligned(1024)));

static void take_inner_under(int i) {
  pthread_mutex_lock(&locks.outer[i]);
  pthread_mutex_lock(&locks.inner);
  pthread_mutex_unlock(&locks.inner);
  pthread_mutex_lock(&locks.between);
  pthread_mutex_unlock(&locks.between);
  pthread_mutex_unlock(&locks.outer[i]);
}

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 1000;
  int others = argc > 2 && strcmp(argv[2], "far") == 0 ? OUTER - 1 : 7;
  pthread_mutex_init(&locks.inner, NULL);
  pthread_mutex_init(&locks.between, NULL);
  for (int i = 0; i < OUTER; i++) pthread_mutex_init(&locks.outer[i], NULL);
  for (int i = 0; i < others; i++) take_inner_under(i);
  for (long n = 0; n < count; n++) take_inner_under(others);
  printf("%ld\n", count);
  return 0;
}
