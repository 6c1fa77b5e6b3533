/* recorder_scenarios.c - small programs, one per scenario, that the recorder tests run under
 * the preload library and whose run files they inspect. `recorder_scenarios NAME` runs one.
 * Each scenario is deterministic: threads are sequenced with semaphores and joins, so no test
 * depends on a lucky schedule. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEPTH 1000

/* An outer lock: acquisitions are written only when something is held (no edge otherwise). */
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;

/* A thread takes 1000 locks nested, then releases them. */
static int hold_a_thousand(void) {
  static pthread_mutex_t locks[DEPTH];
  for (int i = 0; i < DEPTH; i++)
    pthread_mutex_init(&locks[i], NULL);
  for (int i = 0; i < DEPTH; i++)
    pthread_mutex_lock(&locks[i]);
  for (int i = DEPTH - 1; i >= 0; i--)
    pthread_mutex_unlock(&locks[i]);
  return 0;
}

__attribute__((noinline)) static void take_outer_then_slot(pthread_mutex_t *slot) {
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(slot);
  pthread_mutex_unlock(slot);
  pthread_mutex_unlock(&outer);
}

/* One address, two locks: `slot` is initialised, used under `outer` (twice, so that the second
 * push leaves a held entry that a push of the same tuple may reuse: recorder.h), destroyed,
 * initialised again and used again the same way. */
static int reuse_address(void) {
  static pthread_mutex_t slot;
  for (int round = 0; round < 2; round++) {
    pthread_mutex_init(&slot, NULL);
    take_outer_then_slot(&slot);
    take_outer_then_slot(&slot);
    pthread_mutex_destroy(&slot);
  }
  return 0;
}

/* One address, two locks, each taken as the outer lock of `outer` from the same call site: the
 * second (slot, gen 1) must make a held set of its own, else taking `outer` under it would look
 * like the tuple recorded under the first and its edge would be lost. Then the other way round,
 * `outer` before slot: a cycle through the second lock, which writes every tuple on it. */
__attribute__((noinline)) static void take_slot_then_outer(pthread_mutex_t *slot) {
  pthread_mutex_lock(slot);
  pthread_mutex_lock(&outer);
  pthread_mutex_unlock(&outer);
  pthread_mutex_unlock(slot);
}

static int reuse_outer_address(void) {
  static pthread_mutex_t slot;
  for (volatile int round = 0; round < 2; round++) { /* one loop body: the same call sites */
    pthread_mutex_init(&slot, NULL);
    take_slot_then_outer(&slot);
    if (round == 1)
      take_outer_then_slot(&slot);
    pthread_mutex_destroy(&slot);
  }
  return 0;
}

/* A global mutex initialised, used alone and destroyed five times (nothing is recorded for
 * those), then a sixth time taken under `outer`: its generation still counts the five. */
static int reinit_global(void) {
  static pthread_mutex_t slot;
  for (volatile int round = 0; round < 6; round++) {
    pthread_mutex_init(&slot, NULL);
    if (round == 5)
      pthread_mutex_lock(&outer);
    pthread_mutex_lock(&slot);
    pthread_mutex_unlock(&slot);
    if (round == 5)
      pthread_mutex_unlock(&outer);
    pthread_mutex_destroy(&slot);
  }
  return 0;
}

/* A statically initialised mutex is registered at its first use (taken under `outer`, so that
 * the acquisition orders something and is written). */
static int static_initialiser(void) {
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(&m);
  pthread_mutex_unlock(&m);
  pthread_mutex_unlock(&outer);
  return 0;
}

/* Nested locks are recorded as they happen: killed with SIGKILL, the run keeps them. */
static int killed_while_holding(void) {
  static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&a);
  pthread_mutex_lock(&b);
  raise(SIGKILL);
  return 1;
}

/* The child of a fork records into its own file, keeping the lock it held at the fork. */
static int fork_child_records(void) {
  static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER, later = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&held);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(&later); /* ordered after `held`, which the child still holds */
    pthread_mutex_unlock(&later);
    pthread_mutex_unlock(&held);
    exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  pthread_mutex_unlock(&held);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* The parent takes `inner` under `first` (twice: the second push reuses the held entry, recorder.h),
 * then its child takes it the same way: the child's own file must have that acquisition. */
__attribute__((noinline)) static void take_inner_under_first(void) {
  static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, inner = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&first);
  pthread_mutex_lock(&inner);
  pthread_mutex_unlock(&inner);
  pthread_mutex_unlock(&first);
}

static int fork_child_takes_again(void) {
  take_inner_under_first();
  take_inner_under_first();
  pid_t pid = fork();
  if (pid == 0) {
    take_inner_under_first();
    exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* A trylock is recorded as such; a condvar wait gives the mutex back and takes it again (under
 * `outer`, still held, so the re-acquisition is written). */
static int trylock_and_cond(void) {
  static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
  static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(&a);
  if (pthread_mutex_trylock(&b) == 0)
    pthread_mutex_unlock(&b);
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  pthread_cond_timedwait(&c, &a, &t); /* times out at once, re-locking a */
  pthread_mutex_lock(&b);             /* held: {outer, a} again */
  pthread_mutex_unlock(&b);
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&outer);
  return 0;
}

/* Read and write modes of an rwlock are kept apart; a read lock taken twice is one hold. */
static int rwlock_modes(void) {
  static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_rwlock_rdlock(&rw);
  pthread_rwlock_rdlock(&rw);
  pthread_mutex_lock(&m);
  pthread_mutex_unlock(&m);
  pthread_rwlock_unlock(&rw);
  pthread_rwlock_unlock(&rw);
  pthread_rwlock_wrlock(&rw);
  pthread_mutex_lock(&m);
  pthread_mutex_unlock(&m);
  pthread_rwlock_unlock(&rw);
  return 0;
}

/* A recursive mutex taken again by its holder adds no tuple and stays held until the last
 * unlock. */
static int recursive_relock(void) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  static pthread_mutex_t r, inner = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_init(&r, &attr);
  pthread_mutex_lock(&r);
  pthread_mutex_lock(&r);
  pthread_mutex_unlock(&r);
  pthread_mutex_lock(&inner); /* r is still held once */
  pthread_mutex_unlock(&inner);
  pthread_mutex_unlock(&r);
  return 0;
}

static sem_t go;
static pthread_mutex_t shared = PTHREAD_MUTEX_INITIALIZER;

static void nested(void) {
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(&shared);
  pthread_mutex_unlock(&shared);
  pthread_mutex_unlock(&outer);
}

static void *child_thread(void *arg) {
  (void)arg;
  sem_wait(&go);
  nested();
  return NULL;
}

/* Create and join cut the main thread into segments; the thread record names its creator. */
static int create_and_join(void) {
  sem_init(&go, 0, 0);
  nested();
  pthread_t t;
  pthread_create(&t, NULL, child_thread, NULL);
  sem_post(&go);
  pthread_join(t, NULL);
  nested();
  return 0;
}

/* Wrappers leave errno as the real call set it. */
static int errno_preserved(void) {
  sem_t s;
  sem_init(&s, 0, 0);
  errno = 0;
  if (sem_trywait(&s) != -1 || errno != EAGAIN)
    return 2;
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  errno = 1234;
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(&m); /* first use under outer: the slow path writes the run file */
  pthread_mutex_unlock(&m);
  pthread_mutex_unlock(&outer);
  return errno == 1234 ? 0 : 3;
}

static void *pause_for_ever(void *arg) {
  (void)arg;
  for (;;)
    pause();
  return NULL;
}

/* Threads cancelled at once, while lockhound may still be registering them: a cancellation must
 * never fire inside lockhound's own code (it would leave its lock taken and hang everyone). */
static int cancel_at_start(void) {
  for (int i = 0; i < 200; i++) {
    pthread_t t;
    void *res;
    if (pthread_create(&t, NULL, pause_for_ever, NULL) != 0 || pthread_cancel(t) != 0 ||
        pthread_join(t, &res) != 0 || res != PTHREAD_CANCELED)
      return 2;
  }
  nested();
  return 0;
}

/* Like xz and coreutils: stderr is closed before exit. */
static int closes_stderr(void) {
  static_initialiser();
  close(2);
  return 0;
}

/* Two threads that really deadlock: each takes one lock, meets the other at a barrier, then
 * wants the other's lock. */
static pthread_mutex_t dl_a = PTHREAD_MUTEX_INITIALIZER, dl_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t dl_meet;

static void *dl_first(void *arg) {
  (void)arg;
  pthread_mutex_lock(&dl_a);
  pthread_barrier_wait(&dl_meet);
  pthread_mutex_lock(&dl_b);
  return NULL;
}

static void *dl_second(void *arg) {
  (void)arg;
  pthread_mutex_lock(&dl_b);
  pthread_barrier_wait(&dl_meet);
  pthread_mutex_lock(&dl_a);
  return NULL;
}

static int really_deadlock(void) {
  pthread_barrier_init(&dl_meet, NULL, 2);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, dl_first, NULL);
  pthread_create(&t2, NULL, dl_second, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}

/* The deadlock happens in a fork child, whose own watchdog must end it. */
static int deadlock_in_child(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(really_deadlock());
  int status;
  waitpid(pid, &status, 0);
  printf("child %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}

/* Process-directed signals go to a program thread, never to lockhound's watchdog. */
static volatile pid_t handled_by;
static void on_usr1(int sig) {
  (void)sig;
  handled_by = gettid();
}

static int signals_reach_program_threads(void) {
  signal(SIGUSR1, on_usr1);
  for (int i = 0; i < 50; i++) {
    handled_by = 0;
    kill(getpid(), SIGUSR1);
    while (!handled_by)
      ;
    char comm[64] = "";
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)handled_by);
    FILE *f = fopen(path, "r");
    if (f) {
      if (!fgets(comm, sizeof comm, f))
        comm[0] = 0;
      fclose(f);
    }
    if (strncmp(comm, "lockhound", 9) == 0)
      return 3;
    usleep(2000);
  }
  return 0;
}

/* Every thread blocked, but an alarm will wake the semaphore from its signal handler: not a
 * stall (LOCKHOUND_OPTIONS stall_timeout=0.5 in the test, the alarm rings after 2 s). */
static sem_t rung;
static void on_alarm(int sig) {
  (void)sig;
  sem_post(&rung);
}

static int woken_by_alarm(void) {
  sem_init(&rung, 0, 0);
  signal(SIGALRM, on_alarm);
  alarm(2);
  while (sem_wait(&rung) != 0)
    ;
  puts("woken");
  return 0;
}

/* Four threads take one lock 1000 times each (the contention profile's scenario). */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_up(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&counter_lock);
    counter++;
    pthread_mutex_unlock(&counter_lock);
  }
  return NULL;
}

static int contended_counter(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, count_up, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  return counter == 4000 ? 0 : 1;
}

/* A program that never touches a lock. */
static int no_locks(void) {
  puts("hello");
  return 0;
}

int main(int argc, char **argv) {
  static const struct {
    const char *name;
    int (*run)(void);
  } scenarios[] = {
      {"hold_a_thousand", hold_a_thousand},   {"reuse_address", reuse_address}, {"reinit_global", reinit_global},
      {"reuse_outer_address", reuse_outer_address},
      {"static_initialiser", static_initialiser}, {"killed_while_holding", killed_while_holding},
      {"fork_child_records", fork_child_records}, {"trylock_and_cond", trylock_and_cond},
      {"fork_child_takes_again", fork_child_takes_again},
      {"rwlock_modes", rwlock_modes},         {"recursive_relock", recursive_relock},
      {"create_and_join", create_and_join},   {"errno_preserved", errno_preserved},
      {"closes_stderr", closes_stderr},       {"cancel_at_start", cancel_at_start},
      {"really_deadlock", really_deadlock},   {"deadlock_in_child", deadlock_in_child},
      {"signals_reach_program_threads", signals_reach_program_threads},
      {"woken_by_alarm", woken_by_alarm},     {"contended_counter", contended_counter},       {"no_locks", no_locks},
  };
  for (size_t i = 0; argc > 1 && i < sizeof scenarios / sizeof *scenarios; i++)
    if (strcmp(argv[1], scenarios[i].name) == 0)
      return scenarios[i].run();
  fprintf(stderr, "usage: %s SCENARIO\n", argv[0]);
  return 64;
}
