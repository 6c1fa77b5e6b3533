/* distinct_nested_locks N - N distinct mutexes (one heap array, never destroyed), each taken
 * once under one of four outer mutexes by one of two threads: N lock instances, but only eight
 * distinct (lock site, tuple) pairs. lockhound's run file must not grow with N
 * (tests/integration/test_resources.c). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define OUTER 4
#define THREADS 2

static pthread_mutex_t outer[OUTER] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                       PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static pthread_mutex_t *inner;
static long count;

static void *worker(void *arg) {
  for (long i = (long)arg; i < count; i += THREADS) {
    pthread_mutex_lock(&outer[i % OUTER]);
    pthread_mutex_lock(&inner[i]);
    pthread_mutex_unlock(&inner[i]);
    pthread_mutex_unlock(&outer[i % OUTER]);
  }
  return NULL;
}

int main(int argc, char **argv) {
  count = argc > 1 ? atol(argv[1]) : 1000;
  inner = malloc((size_t)count * sizeof *inner);
  if (!inner)
    return 1;
  for (long i = 0; i < count; i++)
    pthread_mutex_init(&inner[i], NULL);
  pthread_t t[THREADS];
  for (long k = 0; k < THREADS; k++)
    pthread_create(&t[k], NULL, worker, (void *)k);
  for (long k = 0; k < THREADS; k++)
    pthread_join(t[k], NULL);
  printf("%ld\n", count);
  return 0;
}
