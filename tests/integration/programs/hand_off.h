/* hand_off.h - two threads that run at the same time (both created before either is joined, so
 * lockhound sees them as parallel), the second waiting for the first to post `first_done` before
 * it takes its locks the other way round: an inversion made one side after the other, which never
 * deadlocks. */
#ifndef LH_TEST_HAND_OFF_H
#define LH_TEST_HAND_OFF_H

#include <pthread.h>
#include <semaphore.h>

static sem_t first_done;

static void run_first_then_second(void *(*first)(void *), void *(*second)(void *)) {
  sem_init(&first_done, 0, 0);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, first, NULL);
  pthread_create(&t2, NULL, second, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
}

#endif
