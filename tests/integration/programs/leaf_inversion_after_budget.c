/* leaf_inversion_after_budget - first T1 walks a chain of 30,000 mutexes in nested pairs from one
 * call site and then closes it (the last link, then the first: a cycle of one thread, no
 * deadlock): the search for that cycle runs past lockhound's budget, so lockhound falls back to
 * keeping back leaves' tuples only. Then the inversion of inversion_through_kept_back_leaf: T1
 * takes item[0] and item[1] under `table` from one site (item[1]'s tuple kept back as a leaf's),
 * T2 holds item[1] while it takes `table`: item[1] is a leaf no more, and its tuple must be
 * written. Semaphores order the threads so that the run cannot hang. */
#include <pthread.h>
#include <stdio.h>

#include "hand_off.h"

#define LINKS 30000

static pthread_mutex_t chain[LINKS];
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t item[2];

static void take_pair(pthread_mutex_t *outer, pthread_mutex_t *inner) {
  pthread_mutex_lock(outer);
  pthread_mutex_lock(inner);
  pthread_mutex_unlock(inner);
  pthread_mutex_unlock(outer);
}

static void *first(void *arg) {
  (void)arg;
  for (int i = 0; i + 1 < LINKS; i++)
    take_pair(&chain[i], &chain[i + 1]);
  pthread_mutex_lock(&chain[LINKS - 1]);
  pthread_mutex_lock(&chain[0]);
  pthread_mutex_unlock(&chain[0]);
  pthread_mutex_unlock(&chain[LINKS - 1]);
  for (int i = 0; i < 2; i++)
    take_pair(&table, &item[i]);
  sem_post(&first_done);
  return NULL;
}

static void *second(void *arg) {
  (void)arg;
  sem_wait(&first_done);
  take_pair(&item[1], &table); /* holds item[1], wants table: the other order */
  return NULL;
}

int main(void) {
  for (int i = 0; i < LINKS; i++)
    pthread_mutex_init(&chain[i], NULL);
  for (int i = 0; i < 2; i++)
    pthread_mutex_init(&item[i], NULL);
  run_first_then_second(first, second);
  puts("done");
  return 0;
}
