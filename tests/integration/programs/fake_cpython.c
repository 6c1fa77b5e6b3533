/* fake_cpython.c - a C program that looks like CPython to lockhound: it exports the interpreter's
 * lock functions (PyThread_allocate_lock and friends, built with -rdynamic as python3 is) and
 * builds them on a sem_t as Python/thread_pthread.h does, so that the library's recognition of
 * Python's locks can be tested without an interpreter and on any schedule.
 * Built twice: fake_cpython (3.8-3.12: locks are semaphores) and fake_cpython313 (it also exports
 * PyMutex_Lock, as CPython 3.13 does, whose locks lockhound cannot see).
 * It has none of the C API for stacks (PyEval_GetFrame...): its stacks are C stacks.
 *
 * usage: fake_cpython abba      two threads take two locks in opposite orders, one after the other
 *                               (a semaphore hands the turn over): a lock-order inversion
 *        fake_cpython handover  main takes a lock, a thread releases it (legal in Python), main
 *                               takes it again and frees it while held: no finding
 *        fake_cpython self      a thread takes a lock it holds and nobody else can release it:
 *                               a self-deadlock once every thread is stuck (lockhound ends it)
 *        fake_cpython exit      a thread ends holding a lock, which main then releases (legal in
 *                               Python, as is a daemon thread stopped holding one): no finding
 *        fake_cpython wake      main takes and releases a lock three times (the later ones on the
 *                               library's fast path: the value must be 0 while held, 1 after),
 *                               then holds it until a thread sleeps in
 *                               sem_wait on it (glibc counts sleepers in the high half of its
 *                               first word) and releases it: the sleeper must wake (ten seconds)
 *                               and errno must not change. Prints "done" or what was wrong. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef void *PyThread_type_lock;

PyThread_type_lock PyThread_allocate_lock(void) {
  sem_t *s = malloc(sizeof *s);
  if (s && sem_init(s, 0, 1) != 0) {
    free(s);
    return NULL;
  }
  return s;
}

void PyThread_free_lock(PyThread_type_lock lock) {
  sem_destroy(lock);
  free(lock);
}

/* As CPython: a try first (with the GIL), then the blocking wait (without it). */
int PyThread_acquire_lock(PyThread_type_lock lock, int waitflag) {
  if (sem_trywait(lock) == 0) return 1;
  if (!waitflag) return 0;
  while (sem_wait(lock) != 0) {
  }
  return 1;
}

void PyThread_release_lock(PyThread_type_lock lock) { sem_post(lock); }

#ifdef FAKE_CPYTHON_313
void PyMutex_Lock(void *m) { (void)m; }
#endif

static PyThread_type_lock lock_a, lock_b;
static sem_t turn; /* a plain semaphore: hands the turn from one thread to the next */

static void *a_then_b(void *arg) {
  (void)arg;
  PyThread_acquire_lock(lock_a, 1);
  PyThread_acquire_lock(lock_b, 1);
  PyThread_release_lock(lock_b);
  PyThread_release_lock(lock_a);
  sem_post(&turn);
  return NULL;
}

static void *b_then_a(void *arg) {
  (void)arg;
  sem_wait(&turn);
  PyThread_acquire_lock(lock_b, 1);
  PyThread_acquire_lock(lock_a, 1);
  PyThread_release_lock(lock_a);
  PyThread_release_lock(lock_b);
  return NULL;
}

static void *release_a(void *arg) {
  (void)arg;
  PyThread_release_lock(lock_a); /* main took it: a hand-over, legal for a Python lock */
  return NULL;
}

static void *take_a_and_end(void *arg) {
  (void)arg;
  PyThread_acquire_lock(lock_a, 1);
  return NULL; /* holding lock_a */
}

static void *take_a_twice(void *arg) {
  (void)arg;
  PyThread_acquire_lock(lock_a, 1);
  PyThread_acquire_lock(lock_a, 1); /* nobody will release it */
  return NULL;
}

static int value_of(PyThread_type_lock lock) {
  int v = -1;
  sem_getvalue(lock, &v);
  return v;
}

static void *take_a_once(void *arg) {
  (void)arg;
  PyThread_acquire_lock(lock_a, 1); /* sleeps: main holds it */
  PyThread_release_lock(lock_a);
  return NULL;
}

static const char *check_wake(void) {
  for (int i = 0; i < 3; i++) {
    PyThread_acquire_lock(lock_a, 1);
    if (value_of(lock_a) != 0) return "held: value not 0";
    PyThread_release_lock(lock_a);
    if (value_of(lock_a) != 1) return "released: value not 1";
  }
  PyThread_acquire_lock(lock_a, 1);
  pthread_t t;
  pthread_create(&t, NULL, take_a_once, NULL);
  for (;;) {
    uint64_t word;
    memcpy(&word, lock_a, sizeof word);
    if (word >> 32) break; /* a sleeper */
    usleep(1000);
  }
  usleep(20000); /* well into its sleep */
  errno = 1234;
  PyThread_release_lock(lock_a);
  if (errno != 1234) return "release: errno changed";
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  if (pthread_timedjoin_np(t, NULL, &deadline) != 0) return "release: the sleeper was not woken";
  if (value_of(lock_a) != 1) return "after the sleeper: value not 1";
  return NULL;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "abba";
  lock_a = PyThread_allocate_lock();
  lock_b = PyThread_allocate_lock();
  sem_init(&turn, 0, 0);
  pthread_t t1, t2;
  if (strcmp(mode, "abba") == 0) {
    pthread_create(&t1, NULL, a_then_b, NULL);
    pthread_create(&t2, NULL, b_then_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
  } else if (strcmp(mode, "handover") == 0) {
    PyThread_acquire_lock(lock_a, 1);
    pthread_create(&t1, NULL, release_a, NULL);
    pthread_join(t1, NULL);
    PyThread_acquire_lock(lock_a, 1); /* free again: taken at once */
    PyThread_free_lock(lock_a);       /* freed while held: legal too */
    lock_a = NULL;
  } else if (strcmp(mode, "exit") == 0) {
    pthread_create(&t1, NULL, take_a_and_end, NULL);
    pthread_join(t1, NULL);
    PyThread_release_lock(lock_a);
  } else if (strcmp(mode, "wake") == 0) {
    const char *wrong = check_wake();
    if (wrong) {
      puts(wrong);
      return 1;
    }
  } else if (strcmp(mode, "self") == 0) {
    pthread_create(&t1, NULL, take_a_twice, NULL);
    pthread_join(t1, NULL);
  } else {
    fprintf(stderr, "usage: fake_cpython abba|handover|self|exit|wake\n");
    return 2;
  }
  puts("done");
  return 0;
}
