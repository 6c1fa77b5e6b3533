/* mapped_libraries - a thread takes two mutexes, one inside the other (new tuples: under
 * lockhound, stacks are walked), and returns; the main thread joins it and prints how many
 * shared objects the process has mapped (distinct paths in /proc/self/maps with ".so" in their
 * name). Under lockhound the count must be the native one plus lockhound's library: the stack
 * walks load no unwinder library (libgcc_s: 128 KB of a small program's memory) and nothing
 * else is loaded (tests/integration/test_resources.c). The thread returns rather than calling
 * pthread_exit, whose unwinding loads libgcc_s natively too. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER, inner = PTHREAD_MUTEX_INITIALIZER;

static void *nest(void *arg) {
  (void)arg;
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(&inner);
  pthread_mutex_unlock(&inner);
  pthread_mutex_unlock(&outer);
  return NULL;
}

static int shared_objects(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return -1;
  char line[4352], seen[64][4096];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    char *path = strchr(line, '/');
    if (!path || !strstr(path, ".so")) continue;
    path[strcspn(path, "\n")] = '\0';
    int i = 0;
    while (i < n && strcmp(seen[i], path) != 0) i++;
    if (i == n && n < 64) snprintf(seen[n++], sizeof seen[0], "%s", path);
  }
  fclose(f);
  return n;
}

int main(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, nest, NULL) != 0 || pthread_join(t, NULL) != 0) return 1;
  printf("%d\n", shared_objects());
  return 0;
}
