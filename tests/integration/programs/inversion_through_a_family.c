/* inversion_through_a_family - T1 takes `lru` under each of 1,000 item locks, three rounds, from
 * one call site, but item[777] only at the end: by then the tuples of `lru` under the other item
 * locks fill its near window and form one family in T1's tuple cache (a bitmap over the item
 * locks' ids), and the tuple under item[777] is new, not a member. T2, running at the same time,
 * then holds `lru` while it takes item[777]: the inversion item[777] -> lru -> item[777] is found
 * only if that last tuple of T1 was recorded, not taken for one of its family's. A semaphore
 * hand-off lets the run end. */
#include <pthread.h>
#include <stdio.h>

#include "hand_off.h"

#define ITEMS 1000
#define LATE 777

static pthread_mutex_t lru = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t item[ITEMS];

static void lru_under_item(int i) {
  pthread_mutex_lock(&item[i]);
  pthread_mutex_lock(&lru);
  pthread_mutex_unlock(&lru);
  pthread_mutex_unlock(&item[i]);
}

static void *first(void *arg) {
  (void)arg;
  for (int round = 0; round < 3; round++)
    for (int i = 0; i < ITEMS; i++)
      if (i != LATE) lru_under_item(i);
  lru_under_item(LATE);
  sem_post(&first_done);
  return NULL;
}

static void *second(void *arg) {
  (void)arg;
  sem_wait(&first_done); /* only so that this run cannot hang */
  pthread_mutex_lock(&lru);
  pthread_mutex_lock(&item[LATE]); /* holds lru, wants item[777]: the other order */
  pthread_mutex_unlock(&item[LATE]);
  pthread_mutex_unlock(&lru);
  return NULL;
}

int main(void) {
  for (int i = 0; i < ITEMS; i++) pthread_mutex_init(&item[i], NULL);
  run_first_then_second(first, second);
  puts("done");
  return 0;
}
