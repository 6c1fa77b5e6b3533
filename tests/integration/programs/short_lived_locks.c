/* short_lived_locks N [nested] - N rounds, each initialising one of every kind of lock and
 * synchronisation object in a fresh heap block (mutex, rwlock, spinlock, C11 mutex, condvar, C11
 * condvar, semaphore, barrier), using it once and destroying it. With "nested" every lock is
 * taken under one long-lived mutex (the nesting the run file must record). Prints the process's
 * peak resident set in KiB: lockhound's memory must not grow with N (tests/integration/
 * test_resources.c runs it with two N). */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <threads.h>

struct objects {
  pthread_mutex_t mutex;
  pthread_rwlock_t rwlock;
  pthread_spinlock_t spin;
  mtx_t mtx;
  pthread_cond_t cond;
  cnd_t cnd;
  sem_t sem;
  pthread_barrier_t barrier;
};

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;

static void round_of(struct objects *o, int nested) {
  pthread_mutex_init(&o->mutex, NULL);
  pthread_rwlock_init(&o->rwlock, NULL);
  pthread_spin_init(&o->spin, PTHREAD_PROCESS_PRIVATE);
  mtx_init(&o->mtx, mtx_plain);
  pthread_cond_init(&o->cond, NULL);
  cnd_init(&o->cnd);
  sem_init(&o->sem, 0, 1);
  pthread_barrier_init(&o->barrier, NULL, 1);
  if (nested)
    pthread_mutex_lock(&outer);
  pthread_mutex_lock(&o->mutex);
  pthread_cond_signal(&o->cond);
  pthread_mutex_unlock(&o->mutex);
  pthread_rwlock_rdlock(&o->rwlock);
  pthread_rwlock_unlock(&o->rwlock);
  pthread_spin_lock(&o->spin);
  pthread_spin_unlock(&o->spin);
  mtx_lock(&o->mtx);
  cnd_signal(&o->cnd);
  mtx_unlock(&o->mtx);
  if (nested)
    pthread_mutex_unlock(&outer);
  sem_wait(&o->sem);
  sem_post(&o->sem);
  pthread_barrier_wait(&o->barrier);
  pthread_barrier_destroy(&o->barrier);
  sem_destroy(&o->sem);
  cnd_destroy(&o->cnd);
  pthread_cond_destroy(&o->cond);
  mtx_destroy(&o->mtx);
  pthread_spin_destroy(&o->spin);
  pthread_rwlock_destroy(&o->rwlock);
  pthread_mutex_destroy(&o->mutex);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: short_lived_locks N [nested]\n");
    return 2;
  }
  long n = atol(argv[1]);
  int nested = argc > 2 && strcmp(argv[2], "nested") == 0;
  /* Blocks of 64 rounds' objects at a time: locks at many addresses, each reused later. */
  enum { BATCH = 64 };
  for (long i = 0; i < n; i += BATCH) {
    struct objects *batch = malloc(BATCH * sizeof *batch);
    if (!batch)
      return 1;
    for (int k = 0; k < BATCH && i + k < n; k++)
      round_of(&batch[k], nested);
    free(batch);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%ld\n", ru.ru_maxrss);
  return 0;
}
