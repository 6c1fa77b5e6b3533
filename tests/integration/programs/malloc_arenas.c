/* malloc_arenas - a thread that allocates (so that it has a malloc arena of its own natively),
 * locks a mutex and waits for the main thread, which idles for three of the watchdog's periods and
 * prints how many malloc arenas the process has (malloc_info's <heap> elements). The thread lives
 * on meanwhile: the arena of a thread that ended would be free for the next thread's malloc. Under lockhound the count
 * must be the native one: the watchdog's scans never call malloc, whose first call in its thread
 * would create an arena (tests/integration/test_resources.c). */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *kept;
static int go_on[2]; /* a pipe: the main thread's word that the allocating thread may end */

static void *allocate(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  kept = malloc(1000);
  pthread_mutex_unlock(&lock);
  char c;
  while (read(go_on[0], &c, 1) < 0)
    ;
  return NULL;
}

static int arenas(void) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f || malloc_info(0, f) != 0) return -1;
  fclose(f);
  int n = 0;
  for (const char *p = text; (p = strstr(p, "<heap nr=")); p++) n++;
  free(text);
  return n;
}

int main(void) {
  pthread_t t;
  if (pipe(go_on) != 0 || pthread_create(&t, NULL, allocate, NULL) != 0) return 1;
  struct timespec idle = {0, 350 * 1000 * 1000}; /* the watchdog scans every 100 ms */
  while (nanosleep(&idle, &idle) != 0)
    ;
  int n = arenas();
  if (write(go_on[1], "x", 1) != 1 || pthread_join(t, NULL) != 0) return 1;
  printf("%d\n", n);
  free(kept);
  return 0;
}
