/* nested_chain N - N distinct mutexes (one heap array) taken in nested pairs (i, i+1) by two
 * threads, each along its own half (the order is consistent: nothing to report), then
 * destroyed: every lock but the ends is held *and* taken under another, so none is a leaf, yet
 * there are only two distinct (lock site, held site) pairs. lockhound's run file must not grow
 * with N (tests/integration/test_resources.c); tests/soak/stress_many_locks is the same with a
 * million locks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t *locks;
static long count;

static void *walk(void *arg) {
  long half = (long)arg, first = half * (count / 2), last = first + count / 2 - 1;
  for (long i = first; i < last; i++) {
    pthread_mutex_lock(&locks[i]);
    pthread_mutex_lock(&locks[i + 1]);
    pthread_mutex_unlock(&locks[i + 1]);
    pthread_mutex_unlock(&locks[i]);
  }
  return NULL;
}

int main(int argc, char **argv) {
  count = argc > 1 ? atol(argv[1]) : 1000;
  locks = malloc((size_t)count * sizeof *locks);
  if (!locks)
    return 1;
  for (long i = 0; i < count; i++)
    pthread_mutex_init(&locks[i], NULL);
  pthread_t t[2];
  for (long h = 0; h < 2; h++)
    pthread_create(&t[h], NULL, walk, (void *)h);
  for (int h = 0; h < 2; h++)
    pthread_join(t[h], NULL);
  for (long i = 0; i < count; i++)
    pthread_mutex_destroy(&locks[i]);
  free(locks);
  printf("%ld\n", count);
  return 0;
}
