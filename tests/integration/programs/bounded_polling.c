/* bounded_polling.c - two threads poll each other's lock with trylock, in lockstep (a barrier), so
 * that every try fails, for a bounded time, and then stop: a polling phase that ends by itself,
 * not a livelock. Who ends it (argv[1]):
 *   self SECONDS   the threads themselves, after SECONDS by the clock (invisible to lockhound:
 *                  only the livelock timeout, longer than any plausible polling phase, lets it be)
 *   main SECONDS   main, which sleeps SECONDS and then sets a flag (main is not blocked, so it may
 *                  still make progress: never a certain livelock)
 * The first thread decides to stop and the barrier hands the decision to the other, so both stop
 * on the same round. Prints "polling ended" and exits 0. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t step;
static bool by_main;
static double seconds;
static struct timespec start;
static bool stop_flag; /* set by main (by_main), read by the leader */
static bool stop_now;  /* the leader's decision, handed over by the barrier */

struct poller {
    pthread_mutex_t *first, *second;
    bool leader;
};

static double elapsed(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
}

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
            stop_now = by_main ? __atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE) : elapsed() >= seconds;
        pthread_barrier_wait(&step); /* both released; the decision is seen by both */
        if (stop_now)
            return NULL;
    }
}

int main(int argc, char **argv)
{
    by_main = argc > 1 && strcmp(argv[1], "main") == 0;
    seconds = argc > 2 ? atof(argv[2]) : 3.0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct poller p1 = {&lock_a, &lock_b, true}, p2 = {&lock_b, &lock_a, false};
    pthread_t t1, t2;
    pthread_barrier_init(&step, NULL, 2);
    pthread_create(&t1, NULL, poll_other, &p1);
    pthread_create(&t2, NULL, poll_other, &p2);
    if (by_main) {
        struct timespec pause = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
        while (nanosleep(&pause, &pause) != 0)
            ;
        __atomic_store_n(&stop_flag, true, __ATOMIC_RELEASE);
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    puts("polling ended");
    return 0;
}
