/* spread_locks N - N rounds, each initialising a mutex at a new place of a 64 MiB arena (64 bytes
 * further each time, wrapping around), taking it once and destroying it: up to a million
 * distinct lock addresses, one lock alive at a time. Prints the peak resident set in KiB; the
 * arena itself is touched alike with and without lockhound, so what lockhound adds must not grow
 * with N (tests/integration/test_resources.c). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#define ARENA (64L << 20)
#define STRIDE 64

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000;
  char *arena = malloc(ARENA);
  if (!arena)
    return 1;
  for (long i = 0; i < n; i++) {
    pthread_mutex_t *m = (pthread_mutex_t *)(arena + (i * STRIDE) % ARENA);
    pthread_mutex_init(m, NULL);
    pthread_mutex_lock(m);
    pthread_mutex_unlock(m);
    pthread_mutex_destroy(m);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%ld\n", ru.ru_maxrss);
  free(arena);
  return 0;
}
