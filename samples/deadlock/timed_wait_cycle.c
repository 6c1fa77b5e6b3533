/* timed_wait_cycle.c - the AB/BA cycle of really_deadlocks.c, but one side gives up after 3 s.
 *
 * What it shows: thread 1 takes lock_a then lock_b; thread 2 takes lock_b then tries lock_a with
 * pthread_mutex_timedlock and a 3 second deadline. A barrier makes both hold their first lock
 * first, so for 3 seconds each waits for the other. Then thread 2's wait times out, it releases
 * lock_b (the "rollback"), thread 1 goes on, and the program ends by itself - after a pause.
 *
 * What to look for: a `timed-wait-cycle` *warning* on lock_a and lock_b (a cycle that will end,
 * since one wait has a timeout: the program is slow, not stuck), and the lock-order inversion
 * itself, which is an error: on another day the timeout could hide a real deadlock, or fire
 * too often. lockhound does not end the program here.
 *
 * How to fix: one lock order removes both the wait and the need for a timeout. Timeouts are a
 * way to recover from a cycle, not to avoid one.
 *
 * lockhound-expect: lock-order-inversion lock_a lock_b
 * lockhound-expect-warning: timed-wait-cycle lock_a lock_b
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;
static int gave_up;

static void *move_a_to_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_a);
    pthread_barrier_wait(&both_hold_one);
    pthread_mutex_lock(&lock_b); /* waits until thread 2 gives up */
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    return NULL;
}

static void *move_b_to_a(void *arg)
{
    (void)arg;
    struct timespec deadline;
    pthread_mutex_lock(&lock_b);
    pthread_barrier_wait(&both_hold_one);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 3;
    if (pthread_mutex_timedlock(&lock_a, &deadline) == ETIMEDOUT) {
        gave_up = 1; /* back out: release lock_b so that thread 1 can go on */
    } else {
        pthread_mutex_unlock(&lock_a);
    }
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_barrier_init(&both_hold_one, NULL, 2);
    pthread_create(&t1, NULL, move_a_to_b, NULL);
    pthread_create(&t2, NULL, move_b_to_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("thread 2 %s\n", gave_up ? "timed out and backed off" : "got both locks");
    return 0;
}
