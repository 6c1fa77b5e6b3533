/* kept_tuples_of_many_sites - several tuples kept back on one edge of the lock graph, then written
 * when the edge joins a cycle.
 *
 * T1 takes item[0] and then item[1] under `table` at three call sites: site_a and site_b with only
 * `table` held, site_c with `table` and `extra` held. Each site's item[0] tuple is the first of its
 * (lock site, held site) pair and is written; each item[1] tuple repeats it and is kept back on
 * the edge table -> item[1]: site_a's as the edge's tagged shape, site_b's then in a list as a
 * one-word record of the edge, site_c's (two held locks) as a whole record. T2 then holds item[1]
 * while it takes `table`, which closes the cycle table -> item[1] -> table: the three kept-back
 * tuples must all be written. A semaphore hand-off lets the run end. Prints T1's rounds. */
#include <pthread.h>
#include <stdio.h>

#include "hand_off.h"

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t extra = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t item[2];

__attribute__((noinline)) static void site_a(int i) {
  pthread_mutex_lock(&table);
  pthread_mutex_lock(&item[i]);
  pthread_mutex_unlock(&item[i]);
  pthread_mutex_unlock(&table);
}

__attribute__((noinline)) static void site_b(int i) {
  pthread_mutex_lock(&table);
  pthread_mutex_lock(&item[i]);
  pthread_mutex_unlock(&item[i]);
  pthread_mutex_unlock(&table);
}

__attribute__((noinline)) static void site_c(int i) {
  pthread_mutex_lock(&table);
  pthread_mutex_lock(&extra);
  pthread_mutex_lock(&item[i]);
  pthread_mutex_unlock(&item[i]);
  pthread_mutex_unlock(&extra);
  pthread_mutex_unlock(&table);
}

static void *first(void *arg) {
  (void)arg;
  for (int i = 0; i < 2; i++) site_a(i);
  for (int i = 0; i < 2; i++) site_b(i);
  for (int i = 0; i < 2; i++) site_c(i);
  sem_post(&first_done);
  return NULL;
}

static void *second(void *arg) {
  (void)arg;
  sem_wait(&first_done); /* only so that this run cannot hang */
  pthread_mutex_lock(&item[1]);
  pthread_mutex_lock(&table); /* holds item[1], wants table: the other order */
  pthread_mutex_unlock(&table);
  pthread_mutex_unlock(&item[1]);
  return NULL;
}

int main(void) {
  for (int i = 0; i < 2; i++) pthread_mutex_init(&item[i], NULL);
  run_first_then_second(first, second);
  puts("6"); /* the rounds of T1: the test wants a number */
  return 0;
}
