/* inversion.h - a lock-order inversion that never deadlocks, for the robustness programs: two
 * threads, both created before either is joined (so lockhound sees them as parallel), take
 * lock_a then lock_b, and lock_b then lock_a, one after the other (a semaphore orders them).
 * lockhound reports a lock-order-inversion between lock_a and lock_b. */
#ifndef LH_TEST_INVERSION_H
#define LH_TEST_INVERSION_H

#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static sem_t first_done;

static void *a_then_b(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  sem_post(&first_done);
  return NULL;
}

static void *b_then_a(void *arg) {
  (void)arg;
  sem_wait(&first_done);
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return NULL;
}

static void take_inverted_locks(void) {
  pthread_t t1, t2;
  sem_init(&first_done, 0, 0);
  pthread_create(&t1, NULL, a_then_b, NULL);
  pthread_create(&t2, NULL, b_then_a, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
}

#endif
