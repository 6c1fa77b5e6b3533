/* ended_by_main.c - two threads fail their trylocks in lockstep, but main is still running and
 * will stop them: a possible livelock, not a livelock (course: deadlock and livelock).
 *
 * What it shows: the polite threads of livelock.c (take the first lock, try the second, on
 * failure release and retry), kept in lockstep by a barrier so that every try fails. Here main
 * does not wait for them: it sleeps 3 s and then raises a stop flag, which the pollers read after
 * each round. While they poll, no one gets anywhere - but main is not blocked, so it may still
 * make progress and end the polling. lockhound cannot tell a bounded polling phase from a
 * livelock, so it warns and lets the program run, and the flag ends it.
 *
 * What to look for: after the livelock timeout (1 s here), a warning `possible-livelock` on
 * lock_a and lock_b, "lockhound is not certain, and let the program run"; then "polling ended"
 * and exit code 0. Compare livelock.c, where main only joins: nothing outside the pollers can end
 * them, and lockhound reports a `livelock` and ends the program.
 *
 * lockhound-options: --livelock-timeout=1
 * lockhound-expect: none
 * lockhound-expect-warning: possible-livelock lock_a lock_b
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t step;
static bool stop_flag; /* set by main; read by the leader, handed to the other by the barrier */
static bool stop_now;

struct poller {
    pthread_mutex_t *first, *second;
    bool leader;
};

static void *poll_other(void *arg)
{
    struct poller *p = arg;
    for (;;) {
        pthread_mutex_lock(p->first);
        pthread_barrier_wait(&step); /* both hold their first lock */
        bool got = pthread_mutex_trylock(p->second) == 0; /* fails: the other holds it */
        pthread_barrier_wait(&step); /* both have tried */
        if (got)
            pthread_mutex_unlock(p->second);
        pthread_mutex_unlock(p->first);
        if (p->leader)
            stop_now = __atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE);
        pthread_barrier_wait(&step); /* both released; both see the leader's decision */
        if (stop_now)
            return NULL;
    }
}

int main(void)
{
    struct poller p1 = {&lock_a, &lock_b, true}, p2 = {&lock_b, &lock_a, false};
    pthread_t t1, t2;
    pthread_barrier_init(&step, NULL, 2);
    pthread_create(&t1, NULL, poll_other, &p1);
    pthread_create(&t2, NULL, poll_other, &p2);
    struct timespec pause = {3, 0};
    while (nanosleep(&pause, &pause) != 0)
        ;
    __atomic_store_n(&stop_flag, true, __ATOMIC_RELEASE);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    puts("polling ended");
    return 0;
}
