/* joined_threads_then_inversion [N] - N threads (900 by default), each created and joined before
 * the next starts, take lock_a and lock_b in turn in one order and the other: they are ordered by
 * create/join, so none of them can deadlock with another. Then two threads that do run at the
 * same time take the locks in opposite orders (a semaphore hand-off lets the run end, as in
 * samples/deadlock/ab_ba): a potential deadlock that must be reported, once, however many
 * ordered threads took the same edges before. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "hand_off.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void a_then_b(void) {
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  counter++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
}

static void b_then_a(void) {
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  counter++;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
}

static void *ordered_worker(void *arg) {
  if ((long)arg % 2)
    b_then_a();
  else
    a_then_b();
  return NULL;
}

static void *first(void *arg) {
  (void)arg;
  a_then_b();
  sem_post(&first_done);
  return NULL;
}

static void *second(void *arg) {
  (void)arg;
  sem_wait(&first_done); /* only so that this run cannot hang */
  b_then_a();
  return NULL;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 900;
  for (long i = 0; i < n; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, ordered_worker, (void *)i) != 0)
      return 1;
    pthread_join(t, NULL);
  }
  run_first_then_second(first, second);
  printf("%ld\n", counter);
  return 0;
}
