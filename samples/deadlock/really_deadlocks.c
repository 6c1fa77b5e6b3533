/* really_deadlocks.c - the AB/BA deadlock of ab_ba.c, this time for real, every time.
 *
 * What it shows: thread 1 takes lock_a then lock_b, thread 2 takes lock_b then lock_a. A barrier
 * makes both threads hold their first lock before either asks for its second, so each waits for
 * the other for ever: a real deadlock on every run, not just a possible one. Without lockhound
 * the program hangs (under Helgrind, DRD or ThreadSanitizer too, until someone kills it).
 *
 * What to look for: lockhound sees both threads blocked in pthread_mutex_lock, each on a lock the
 * other holds, and reports a `deadlock` within a second: for each thread, the lock it waits for,
 * where it blocks, and where the holder took that lock. Then it ends the program (exit code 66;
 * `--on-deadlock=abort` aborts it for a debugger instead, `--on-deadlock=wait` leaves it hanging).
 * The lock-order inversion is reported as well, as for ab_ba.c: it is the cause, the deadlock is
 * what the cause did in this run.
 *
 * How to fix: one global lock order, as for ab_ba.c: both threads take lock_a first.
 *
 * lockhound-expect: deadlock lock_a lock_b
 * lockhound-expect: lock-order-inversion lock_a lock_b
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one; /* forces the worst interleaving */
static int balance_a = 100, balance_b = 100;

static void *move_a_to_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_a);
    pthread_barrier_wait(&both_hold_one); /* thread 2 now holds lock_b */
    pthread_mutex_lock(&lock_b);          /* waits for thread 2, for ever */
    balance_a -= 10;
    balance_b += 10;
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    return NULL;
}

static void *move_b_to_a(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_b);
    pthread_barrier_wait(&both_hold_one); /* thread 1 now holds lock_a */
    pthread_mutex_lock(&lock_a);          /* waits for thread 1, for ever */
    balance_b -= 5;
    balance_a += 5;
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_barrier_init(&both_hold_one, NULL, 2);
    pthread_create(&t1, NULL, move_a_to_b, NULL);
    pthread_create(&t2, NULL, move_b_to_a, NULL);
    pthread_join(t1, NULL); /* never returns: lockhound ends the run */
    pthread_join(t2, NULL);
    printf("a=%d b=%d\n", balance_a, balance_b);
    return 0;
}
