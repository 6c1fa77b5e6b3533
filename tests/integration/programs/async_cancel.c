/* async_cancel.c - threads in asynchronous cancellation mode, cancelled while they take new locks
 * in a loop. Usage: async_cancel [THREADS] (200 by default). Each thread switches to
 * PTHREAD_CANCEL_ASYNCHRONOUS, says it runs, and loops: initialise two mutexes of its own, take
 * them nested, release and destroy them. Every round is new to lockhound (a new lock, a new
 * acquisition: the slow paths, with their allocations and records), so the cancel lands in
 * lockhound's code as often as in the program's. Natively each cancel ends its thread; the main
 * thread joins it and checks PTHREAD_CANCELED. Prints "async_cancel: N threads cancelled" and
 * exits 0. (The loop calls only lock functions, which glibc implements without allocating, so it
 * is sound natively even though POSIX promises nothing for them in this mode.) */
#include <pthread.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>

static int started;

static void *spin_on_new_locks(void *arg) {
  (void)arg;
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
  __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
  for (;;) {
    pthread_mutex_t a, b;
    pthread_mutex_init(&a, NULL);
    pthread_mutex_init(&b, NULL);
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    pthread_mutex_destroy(&b);
    pthread_mutex_destroy(&a);
  }
  return NULL;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200;
  for (int i = 0; i < n; i++) {
    pthread_t t;
    __atomic_store_n(&started, 0, __ATOMIC_RELAXED);
    if (pthread_create(&t, NULL, spin_on_new_locks, NULL) != 0) {
      fprintf(stderr, "async_cancel: cannot create thread %d\n", i);
      return 1;
    }
    while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
      sched_yield();
    pthread_cancel(t);
    void *res = NULL;
    int rc = pthread_join(t, &res);
    if (rc != 0 || res != PTHREAD_CANCELED) {
      fprintf(stderr, "async_cancel: thread %d was not cancelled (join: %d)\n", i, rc);
      return 1;
    }
  }
  printf("async_cancel: %d threads cancelled\n", n);
  return 0;
}
