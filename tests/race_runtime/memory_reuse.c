/* memory_reuse.c - the stack of an ended thread starts with no history in the next thread.
 *
 * A detached thread writes a variable on its own stack and ends; a thread created later gets the
 * same stack from glibc's cache and writes its own variable at the same address. Nothing orders
 * the two threads (the first is never joined), so unless lockhound forgets the stack's history
 * when a thread starts, this is a false race. The reuse itself is checked (exit 3 if the second
 * thread got another stack), so a pass proves the history was forgotten.
 *
 * lockhound-expect: none
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>


static void *stack_writer(void *arg) {
  long local = 1;
  local++;
  /* relaxed: tells main where the stack was, without ordering anything */
  atomic_store_explicit((_Atomic long *)arg, (long)&local, memory_order_relaxed);
  return NULL;
}

static int tasks(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/task");
  for (struct dirent *e; d && (e = readdir(d));)
    n += e->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

int main(void) {
  pthread_t t;
  _Atomic long first = 0, second = 0;
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  pthread_create(&t, &a, stack_writer, &first);
  while (tasks() > 2 || first == 0) /* main, lockhound's watchdog: the writer has ended */
    usleep(1000);
  usleep(20000); /* its stack goes back to glibc's cache after the task is gone */
  pthread_create(&t, &a, stack_writer, &second);
  while (tasks() > 2 || second == 0)
    usleep(1000);
  if (first != second) {
    fprintf(stderr, "memory_reuse: the second thread got another stack\n");
    return 3;
  }
  puts("reused");
  return 0;
}
