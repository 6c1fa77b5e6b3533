/* thread_churn.c - what the race detector keeps per thread goes back when the thread ends.
 *
 * 6000 short-lived threads are created and joined one after another, each running a few nested
 * instrumented functions (the shadow call stack) and touching shared memory under a lock. The
 * resident memory after the first 1000 and after all of them must be about the same: a few KiB kept
 * per ended thread would add tens of MiB (exit 3 says how much it grew).
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define THREADS 6000
#define WARM_UP 1000
#define MAX_GROWTH_KIB (8 * 1024) /* 500 MiB before */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long shared[64];

static long leaf(long i) {
  pthread_mutex_lock(&lock);
  shared[i % 64] += i;
  long v = shared[(i + 1) % 64];
  pthread_mutex_unlock(&lock);
  return v;
}

static long middle(long i) { return leaf(i) + leaf(i + 1); }

static void *work(void *arg) {
  long i = (long)arg;
  return (void *)(middle(i) & 1);
}

static long resident_kib(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f)
    return -1;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  fclose(f);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(void) {
  long after_warm_up = 0;
  for (long i = 0; i < THREADS; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, work, (void *)i) != 0)
      return 1;
    pthread_join(t, NULL);
    if (i + 1 == WARM_UP)
      after_warm_up = resident_kib();
  }
  long at_end = resident_kib();
  if (after_warm_up < 0 || at_end < 0)
    return 1;
  if (at_end - after_warm_up > MAX_GROWTH_KIB) {
    fprintf(stderr, "thread_churn: resident memory grew by %ld KiB over %d threads\n",
            at_end - after_warm_up, THREADS - WARM_UP);
    return 3;
  }
  printf("ok\n");
  return 0;
}
