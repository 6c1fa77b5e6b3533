/* lock_pairs.c - benchmark program: many locks, each tuple new once, then seen again and again.
 *
 * 100,000 heap mutexes; two threads each lock them in nested pairs (i, i + 1), from the first to
 * the last, ROUNDS times. The first round makes 200,000 new tuples per thread (a new lock under
 * a new held lock at every step): it measures the slow path, the stack walks and the tables'
 * growth; the other rounds measure the fast path over tables far larger than the caches. The
 * threads walk the same locks in the same order, so they also meet on them (some contention).
 * Nothing is ever taken the other way round: no finding.
 *
 * Usage: lock_pairs [ROUNDS]   (default 100)
 * Prints the time between the first create and the last join and that time per lock+unlock pair
 * of both threads together (comparable between runs of different sizes). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define LOCKS 100000
#define THREADS 2

static pthread_mutex_t *locks;
static long rounds;

static void *walk_pairs(void *arg)
{
    (void)arg;
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i + 1 < LOCKS; i++) {
            pthread_mutex_lock(&locks[i]);
            pthread_mutex_lock(&locks[i + 1]);
            pthread_mutex_unlock(&locks[i + 1]);
            pthread_mutex_unlock(&locks[i]);
        }
    return NULL;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    rounds = argc > 1 ? atol(argv[1]) : 100;
    locks = calloc(LOCKS, sizeof *locks);
    if (!locks)
        return 1;
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_init(&locks[i], NULL);
    pthread_t t[THREADS];
    double start = now_seconds();
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, walk_pairs, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    double elapsed = now_seconds() - start;
    long pairs = 2L * THREADS * rounds * (LOCKS - 1);
    printf("lock_pairs: threads=%d locks=%d rounds=%ld pairs=%ld elapsed=%.3f ns_per_pair=%.2f\n",
           THREADS, LOCKS, rounds, pairs, elapsed, pairs ? elapsed * 1e9 / (double)pairs : 0.0);
    free(locks);
    return 0;
}
