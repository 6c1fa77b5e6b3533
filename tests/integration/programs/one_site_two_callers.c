/* one_site_two_callers - the same lock call reached from two callers at the same stack depth.
 *
 * take_pair() is called by via_first() and via_second(), which have the same frame layout, so the
 * return addresses of the chain lie at the same places of the stack and only their values differ.
 * T2 first takes a pair of fresh locks through via_first(), then lock_b and lock_a through
 * via_second(); T1 took lock_a and lock_b through via_first(). The inversion's T2 step must show
 * via_second: the library remembers walks by call site (stack_capture.c) and must see that the
 * caller changed. Semaphores order the threads, so the run cannot deadlock. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t fresh[2];
static sem_t first_done;

static __attribute__((noinline)) void take_pair(pthread_mutex_t *x, pthread_mutex_t *y) {
  pthread_mutex_lock(x);
  pthread_mutex_lock(y);
  pthread_mutex_unlock(y);
  pthread_mutex_unlock(x);
}

static __attribute__((noinline)) void via_first(pthread_mutex_t *x, pthread_mutex_t *y) {
  take_pair(x, y);
  __asm__ volatile("" ::: "memory"); /* not a tail call: this frame stays on the stack */
}

static __attribute__((noinline)) void via_second(pthread_mutex_t *x, pthread_mutex_t *y) {
  take_pair(x, y);
  __asm__ volatile("" ::: "memory");
}

static void *first(void *arg) {
  (void)arg;
  via_first(&lock_a, &lock_b);
  sem_post(&first_done);
  return NULL;
}

static void *second(void *arg) {
  (void)arg;
  sem_wait(&first_done);
  via_first(&fresh[0], &fresh[1]); /* the walks from take_pair's sites now go through via_first */
  via_second(&lock_b, &lock_a);
  return NULL;
}

int main(void) {
  pthread_t t1, t2;
  pthread_mutex_init(&fresh[0], NULL);
  pthread_mutex_init(&fresh[1], NULL);
  sem_init(&first_done, 0, 0);
  pthread_create(&t1, NULL, first, NULL);
  pthread_create(&t2, NULL, second, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  puts("done");
  return 0;
}
