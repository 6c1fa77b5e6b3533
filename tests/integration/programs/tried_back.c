/* tried_back N - memcached's way round an inversion: a worker takes each of N item locks and,
 * under it, the one LRU lock; then a maintainer holds the LRU lock and only *tries* the item
 * locks (pthread_mutex_trylock, backing off when one is busy). A try never waits, so the order
 * LRU -> item closes no cycle and there is nothing to report; lockhound's run file must then
 * follow the distinct (lock site, held site) pairs, not the N item locks
 * (tests/integration/test_resources.c). The two threads run one after the other: the program
 * is the same under any schedule. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t *items, lru = PTHREAD_MUTEX_INITIALIZER;
static long count;

static void *worker(void *arg) {
  (void)arg;
  for (long i = 0; i < count; i++) {
    pthread_mutex_lock(&items[i]);
    pthread_mutex_lock(&lru);
    pthread_mutex_unlock(&lru);
    pthread_mutex_unlock(&items[i]);
  }
  return NULL;
}

static void *maintainer(void *arg) {
  long *tried = arg;
  for (long i = 0; i < count; i++) {
    pthread_mutex_lock(&lru);
    if (pthread_mutex_trylock(&items[i]) == 0) {
      ++*tried;
      pthread_mutex_unlock(&items[i]);
    }
    pthread_mutex_unlock(&lru);
  }
  return NULL;
}

int main(int argc, char **argv) {
  count = argc > 1 ? atol(argv[1]) : 1000;
  items = malloc((size_t)count * sizeof *items);
  if (!items)
    return 1;
  for (long i = 0; i < count; i++)
    pthread_mutex_init(&items[i], NULL);
  long tried = 0;
  pthread_t t;
  if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, NULL) ||
      pthread_create(&t, NULL, maintainer, &tried) || pthread_join(t, NULL))
    return 1;
  printf("%ld\n", tried);
  return 0;
}
