/* cycle_of_three_real.c - three threads, three locks, one real deadlock.
 *
 * What it shows: thread i takes lock i and then lock i+1 (the last one wraps round to lock_a).
 * No two threads take the same pair of locks, yet after a barrier each thread holds its first
 * lock and waits for the next thread's: a ring of three waits, a deadlock on every run.
 *
 * What to look for: a `deadlock` with all three threads in the cycle, each waiting for the lock
 * the next one holds; and the lock-order inversion a -> b -> c -> a that caused it (the same as
 * cycle_of_three.c, where the threads take turns and nothing hangs).
 *
 * How to fix: number the locks and always take the lower-numbered first: the third thread then
 * takes lock_a before lock_c, and the ring cannot close.
 *
 * Its test runs it with --on-deadlock=abort, as you would to get a core dump of the three
 * blocked threads for a debugger (`ulimit -c unlimited` first): the report is the same, the
 * program dies of SIGABRT, and `lockhound run` still exits 66.
 *
 * lockhound-options: --on-deadlock=abort
 * lockhound-expect: deadlock lock_a lock_b lock_c
 * lockhound-expect: lock-order-inversion lock_a lock_b lock_c
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 3

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t *const ring[THREADS] = {&lock_a, &lock_b, &lock_c};
static pthread_barrier_t all_hold_one; /* forces the worst interleaving */

static void *take_two(void *arg)
{
    int me = *(int *)arg;
    pthread_mutex_t *first = ring[me], *second = ring[(me + 1) % THREADS];
    pthread_mutex_lock(first);
    pthread_barrier_wait(&all_hold_one); /* every lock is held now */
    pthread_mutex_lock(second);          /* the next thread holds it: waits for ever */
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    int ids[THREADS];
    pthread_barrier_init(&all_hold_one, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        ids[i] = i;
        pthread_create(&t[i], NULL, take_two, &ids[i]);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    puts("done");
    return 0;
}
