/* deadlock_on_known_acquisitions.c - the AB/BA deadlock of samples/deadlock/really_deadlocks.c, on
 * acquisitions both threads have made before.
 *
 * Each thread first moves money once while the other waits (thread 1 takes lock_a then lock_b,
 * thread 2 lock_b then lock_a, one after the other: no deadlock), then both move again, from the
 * same call sites, with a barrier between their first and second lock: each waits for the other
 * for ever. The second round's lock calls are tuples the threads have already recorded, so they
 * take the wrappers' fast path, which pushes the held entry before trying the lock (recorder.h,
 * lh_lock_push_near): the try finds the lock taken, the entry is taken back and the slow path
 * publishes the wait. lockhound must report the deadlock and end the program.
 *
 * main prints a line first, which stays in stdout's buffer (a pipe under test: fully buffered):
 * natively the program would hang with it there; ended by lockhound, it must be flushed. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t first_done, second_done, both_hold_one;
static int balance_a = 100, balance_b = 100;

/* The same call sites in both rounds (not inlined into each): the second round's tuples are the
 * first round's. */
__attribute__((noinline)) static void move(pthread_mutex_t *from, pthread_mutex_t *to,
                                           int *from_balance, int *to_balance, int deadlock) {
  pthread_mutex_lock(from);
  if (deadlock) pthread_barrier_wait(&both_hold_one);
  pthread_mutex_lock(to); /* in the second round: waits for the other thread, for ever */
  *from_balance -= 1;
  *to_balance += 1;
  pthread_mutex_unlock(to);
  pthread_mutex_unlock(from);
}

static void *move_a_to_b(void *arg) {
  (void)arg;
  move(&lock_a, &lock_b, &balance_a, &balance_b, 0);
  pthread_barrier_wait(&first_done);
  pthread_barrier_wait(&second_done);
  move(&lock_a, &lock_b, &balance_a, &balance_b, 1);
  return NULL;
}

static void *move_b_to_a(void *arg) {
  (void)arg;
  pthread_barrier_wait(&first_done);
  move(&lock_b, &lock_a, &balance_b, &balance_a, 0);
  pthread_barrier_wait(&second_done);
  move(&lock_b, &lock_a, &balance_b, &balance_a, 1);
  return NULL;
}

int main(void) {
  pthread_t t1, t2;
  printf("moving money\n");
  pthread_barrier_init(&first_done, NULL, 2);
  pthread_barrier_init(&second_done, NULL, 2);
  pthread_barrier_init(&both_hold_one, NULL, 2);
  pthread_create(&t1, NULL, move_a_to_b, NULL);
  pthread_create(&t2, NULL, move_b_to_a, NULL);
  pthread_join(t1, NULL); /* never returns: lockhound ends the run */
  pthread_join(t2, NULL);
  printf("a=%d b=%d\n", balance_a, balance_b);
  return 0;
}
