/* joined_writer_live_reader.c - an access that happens before the current thread's is kept while
 * another thread that is not ordered after it may still run.
 *
 * The reader is created first and waits on a relaxed flag (which orders nothing). The writer is
 * created, writes `result` and is joined; main reads `result` (ordered after the write by the
 * join), then lets the reader go, and the reader reads `result` too: nothing orders the reader
 * after the write, a data race. race_detector.c drops an access that happens before the current
 * one only when no other thread is left (`alone`); were the reader not counted as alive, main's
 * read would replace the writer's write in the shadow and the race would be missed.
 *
 * lockhound-expect: data-race result
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static long result;
static atomic_int go;

static void *writer(void *arg) {
  (void)arg;
  result = 42;
  return NULL;
}

static void *reader(void *arg) {
  while (!atomic_load_explicit(&go, memory_order_relaxed))
    ;
  *(long *)arg = result;
  return NULL;
}

int main(void) {
  pthread_t r, w;
  long seen = 0;
  pthread_create(&r, NULL, reader, &seen);
  pthread_create(&w, NULL, writer, NULL);
  pthread_join(w, NULL);
  long mine = result;
  atomic_store_explicit(&go, 1, memory_order_relaxed);
  pthread_join(r, NULL);
  printf("main read %ld, the reader read %ld\n", mine, seen);
  return 0;
}
