/* shadow_footprint.c - memory that only one thread uses at a time costs one shadow cell per 8
 * bytes, not two (race_shadow.h's planes, race_detector.c's rule that an access replaces what it
 * makes needless before it takes an empty cell).
 *
 * A worker writes a 32 MiB array in four passes, taking and releasing a mutex between passes (each
 * release starts a new epoch, so every pass is a new access of every granule); main joins it and
 * then reads the whole array (the worker's writes happen before those reads, and no other thread
 * is left: race_detector.c's `alone`). The program's resident memory must grow by the array and
 * at most about as much shadow again: it exits 3 when it grew by more than 2.5 times the array
 * (two cells per granule, as before, made it 3 times: the array, then a second plane for the
 * passes, a third cell's worth for main's reads). Memory is read from /proc/self/status, which
 * does not depend on the schedule.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_BYTES ((size_t)32 << 20)
#define PASSES 4

static long *array;
static pthread_mutex_t pass_lock = PTHREAD_MUTEX_INITIALIZER;
static long passes_done;

static long resident_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0)
      kib = strtol(line + 6, NULL, 10);
  if (f)
    fclose(f);
  return kib;
}

static void *worker(void *arg) {
  (void)arg;
  size_t n = ARRAY_BYTES / sizeof *array;
  for (int pass = 0; pass < PASSES; pass++) {
    for (size_t i = 0; i < n; i++)
      array[i] = (long)i * pass;
    pthread_mutex_lock(&pass_lock);
    passes_done++;
    pthread_mutex_unlock(&pass_lock);
  }
  return NULL;
}

int main(void) {
  array = malloc(ARRAY_BYTES);
  if (!array)
    return 2;
  long before = resident_kib();
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
  long sum = 0;
  for (size_t i = 0; i < ARRAY_BYTES / sizeof *array; i++)
    sum += array[i];
  long grown = resident_kib() - before, limit = (long)(ARRAY_BYTES / 1024) * 5 / 2;
  printf("shadow_footprint: %d passes, sum %ld, resident memory grew by %ld MiB for a %zu MiB "
         "array (limit %ld MiB)\n",
         (int)passes_done, sum, grown / 1024, ARRAY_BYTES >> 20, limit / 1024);
  free(array);
  return grown <= limit ? 0 : 3;
}
