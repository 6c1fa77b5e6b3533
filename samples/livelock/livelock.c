/* livelock.c - two polite threads step aside for each other for ever (course: livelock).
 *
 * What it shows: thread 1 needs lock_a then lock_b, thread 2 lock_b then lock_a. To avoid the
 * deadlock of really_deadlocks.c each takes its first lock, only *tries* the second, and on
 * failure releases the first and starts again. A barrier keeps the two in lockstep, so every try
 * fails, both release, both retry... Nobody is blocked, both are busy, nothing ever progresses:
 * a livelock, forced here on every round. Without lockhound this program never ends
 * (deadlock/livelock_polite.c is the same dance for five rounds only).
 *
 * What to look for: after the livelock timeout (10 s by default, 2 s as this sample's tests run
 * it: `--livelock-timeout=SEC`), a `livelock` on
 * lock_a and lock_b: each thread's failed trylocks since its last success and the lock it keeps
 * failing on, held by the other. Then lockhound ends the program. There is no lock-order
 * inversion: a trylock never waits, so it orders nothing.
 *
 * How to fix: one lock order (no back-off needed at all), or a random back-off that lets the
 * threads fall out of step: livelock_random_backoff.c.
 *
 * lockhound-expect: livelock lock_a lock_b
 * lockhound-options: --livelock-timeout=2
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t step; /* keeps the two threads in lockstep: the unlucky schedule */

struct polite {
    pthread_mutex_t *first, *second;
    long failed_tries;
};

static void *polite_worker(void *arg)
{
    struct polite *p = arg;
    for (;;) {
        pthread_mutex_lock(p->first);
        pthread_barrier_wait(&step); /* both hold their first lock */
        int got = pthread_mutex_trylock(p->second) == 0; /* fails: the other holds it */
        pthread_barrier_wait(&step); /* both have tried */
        if (got)
            break;
        p->failed_tries++;
        pthread_mutex_unlock(p->first); /* step aside, politely... */
        pthread_barrier_wait(&step);    /* ...at the same moment as the other: retry */
    }
    pthread_mutex_unlock(p->second);
    pthread_mutex_unlock(p->first);
    return NULL;
}

int main(void)
{
    struct polite p1 = {&lock_a, &lock_b, 0}, p2 = {&lock_b, &lock_a, 0};
    pthread_t t1, t2;
    pthread_barrier_init(&step, NULL, 2);
    pthread_create(&t1, NULL, polite_worker, &p1);
    pthread_create(&t2, NULL, polite_worker, &p2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("failed tries: %ld and %ld\n", p1.failed_tries, p2.failed_tries);
    return 0;
}
