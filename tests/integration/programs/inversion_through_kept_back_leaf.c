/* inversion_through_kept_back_leaf - T1 takes item[0] and then item[1] under `table` (the same
 * site: item[1]'s tuple is the same as item[0]'s, so lockhound keeps it back while item[1] is a
 * leaf). T2, running at the same time, then holds item[1] while it takes `table`: item[1] is no
 * leaf any more and its kept-back tuple must be written, or the inversion table -> item[1] ->
 * table would be missed. A semaphore hand-off lets the run end. */
#include <pthread.h>
#include <stdio.h>

#include "hand_off.h"

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t item[2];

static void take_under_table(int i) {
  pthread_mutex_lock(&table);
  pthread_mutex_lock(&item[i]);
  pthread_mutex_unlock(&item[i]);
  pthread_mutex_unlock(&table);
}

static void *first(void *arg) {
  (void)arg;
  for (int i = 0; i < 2; i++) /* one call site: the two tuples differ only by their lock */
    take_under_table(i);
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
  for (int i = 0; i < 2; i++)
    pthread_mutex_init(&item[i], NULL);
  run_first_then_second(first, second);
  puts("done");
  return 0;
}
