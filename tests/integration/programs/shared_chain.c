/* shared_chain N MODE - N mutexes taken in nested pairs (i, i+1) by one thread, from one call
 * site, where MODE says: "private" (heap, default attributes), "pshared" (heap, the
 * process-shared attribute) or "map-shared" (a MAP_SHARED mapping, default attributes). Another
 * process could close a cycle through a shared lock, so lockhound writes every tuple of the
 * shared ones and keeps back the private chain's (tests/integration/test_resources.c). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 1000;
  const char *mode = argc > 2 ? argv[2] : "private";
  size_t size = (size_t)count * sizeof(pthread_mutex_t);
  pthread_mutex_t *locks;
  if (strcmp(mode, "map-shared") == 0) {
    locks = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (locks == MAP_FAILED)
      return 1;
  } else if (!(locks = malloc(size))) {
    return 1;
  }
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (strcmp(mode, "pshared") == 0)
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  for (long i = 0; i < count; i++)
    pthread_mutex_init(&locks[i], &attr);
  for (long i = 0; i + 1 < count; i++) {
    pthread_mutex_lock(&locks[i]);
    pthread_mutex_lock(&locks[i + 1]);
    pthread_mutex_unlock(&locks[i + 1]);
    pthread_mutex_unlock(&locks[i]);
  }
  printf("%ld\n", count);
  return 0;
}
