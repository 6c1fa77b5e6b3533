/* plain_mutex_fields - a plain mutex taken on lockhound's fast path is glibc's mutex as glibc
 * would leave it (wrap_mutex.c tries plain mutexes inline, the way glibc's trylock does).
 *
 * A thread takes a plain mutex three times from one call site (the first acquisition is recorded,
 * the next ones take the fast path) and checks glibc's fields while it holds it: locked, owned by
 * its kernel id, one user; and free, unowned, no user after the unlock. An error-checking mutex
 * taken again by its holder still fails with EDEADLK. A fork child does the same with its own
 * kernel id. An unlock (lockhound releases a plain mutex inline too) wakes a thread asleep on the
 * mutex, and leaves errno as it was. Then four threads add to a counter under one plain mutex,
 * 200,000 times each, by turns that make them wait on each other: the total must be exact. Prints
 * "ok" and exits 0, or says what was wrong and exits 1 (never hangs: a waiter not woken is given
 * ten seconds). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void fail(const char *what) {
  printf("%s\n", what);
  exit(1);
}

__attribute__((noinline)) static void take_and_check(void) {
  pthread_mutex_lock(&outer);
  if (pthread_mutex_lock(&plain) != 0) fail("lock failed");
  if (plain.__data.__lock != 1) fail("held: lock word not 1");
  if (plain.__data.__owner != gettid()) fail("held: owner is not the holder's kernel id");
  if (plain.__data.__nusers != 1) fail("held: users not 1");
  if (pthread_mutex_trylock(&plain) != EBUSY) fail("held: trylock did not say EBUSY");
  if (pthread_mutex_unlock(&plain) != 0) fail("unlock failed");
  pthread_mutex_unlock(&outer);
  if (plain.__data.__lock != 0 || plain.__data.__owner != 0 || plain.__data.__nusers != 0)
    fail("released: fields not cleared");
}

static void *fields(void *arg) {
  (void)arg;
  for (int i = 0; i < 3; i++) take_and_check();
  pthread_mutexattr_t a;
  pthread_mutex_t checked;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&checked, &a);
  for (int i = 0; i < 3; i++) {
    if (pthread_mutex_lock(&checked) != 0) fail("error-checking mutex: lock failed");
    if (pthread_mutex_lock(&checked) != EDEADLK) fail("error-checking mutex: no EDEADLK");
    pthread_mutex_unlock(&checked);
  }
  return NULL;
}

static void *add(void *arg) {
  (void)arg;
  for (int i = 0; i < 200000; i++) {
    pthread_mutex_lock(&plain);
    counter++;
    if (i % 1000 == 0) sched_yield(); /* holding it: the others wait on it */
    pthread_mutex_unlock(&plain);
  }
  return NULL;
}

static void *take_plain(void *arg) {
  (void)arg;
  pthread_mutex_lock(&plain); /* sleeps: main holds it */
  pthread_mutex_unlock(&plain);
  return NULL;
}

/* main holds the mutex until a second thread sleeps on it (glibc marks the lock word 2 before it
 * sleeps), then releases it: the sleeper must wake. */
static void check_wake(void) {
  pthread_t t;
  pthread_mutex_lock(&plain);
  pthread_create(&t, NULL, take_plain, NULL);
  while (__atomic_load_n(&plain.__data.__lock, __ATOMIC_ACQUIRE) != 2) usleep(1000);
  usleep(20000); /* well into its sleep */
  errno = 1234;
  pthread_mutex_unlock(&plain);
  if (errno != 1234) fail("unlock: errno changed");
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  if (pthread_timedjoin_np(t, NULL, &deadline) != 0)
    fail("unlock: the sleeping waiter was not woken");
}

int main(void) {
  pthread_t t[4];
  pthread_create(&t[0], NULL, fields, NULL);
  pthread_join(t[0], NULL);
  pid_t child = fork();
  if (child == 0) {
    for (int i = 0; i < 3; i++) take_and_check();
    _exit(0);
  }
  int status;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail("the fork child found something wrong");
  check_wake();
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, add, NULL);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  if (counter != 4 * 200000) fail("the counter is wrong");
  puts("ok");
  return 0;
}
