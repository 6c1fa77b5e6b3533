/* livelock_random_backoff.c - livelock.c fixed by a random back-off: the threads fall out of step.
 *
 * What it shows: the same two polite threads (lock the first, try the second, on failure release
 * and retry), without the barrier, and with a short random pause after each failure. Collisions
 * still happen, but two random pauses are rarely equal, so one thread soon gets both locks. Each
 * thread does 2000 transfers; every one of them eventually succeeds.
 *
 * What to look for: nothing - failed tries that end in a success are not a livelock.
 *
 * How to do better still: one lock order, and no trylock at all.
 *
 * lockhound-expect: none
 * lockhound-soak: stdout varies (it prints its failed tries)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TRANSFERS 2000

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long balance_a = 1000000, balance_b = 1000000;

struct polite {
    pthread_mutex_t *first, *second;
    long amount, failed_tries;
    unsigned seed;
};

static void random_pause(unsigned *seed)
{
    struct timespec pause = {0, 1000 + rand_r(seed) % 50000}; /* 1 to 51 microseconds */
    nanosleep(&pause, NULL);
}

static void *polite_worker(void *arg)
{
    struct polite *p = arg;
    for (int i = 0; i < TRANSFERS; i++) {
        for (;;) {
            pthread_mutex_lock(p->first);
            if (pthread_mutex_trylock(p->second) == 0)
                break;
            pthread_mutex_unlock(p->first);
            p->failed_tries++;
            random_pause(&p->seed); /* out of step with the other thread */
        }
        balance_a -= p->amount;
        balance_b += p->amount;
        pthread_mutex_unlock(p->second);
        pthread_mutex_unlock(p->first);
    }
    return NULL;
}

int main(void)
{
    struct polite p1 = {&lock_a, &lock_b, 1, 0, 1}, p2 = {&lock_b, &lock_a, -1, 0, 2};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, polite_worker, &p1);
    pthread_create(&t2, NULL, polite_worker, &p2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("a=%ld b=%ld, failed tries %ld and %ld\n", balance_a, balance_b, p1.failed_tries,
           p2.failed_tries);
    return 0;
}
