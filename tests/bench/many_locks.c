/* many_locks.c - benchmark generator: a run with 100,000 distinct locks and as many tuples.
 *
 * Two threads share the work: lock number i is a heap-allocated mutex, taken nested under
 * outer[i % 4] and released. No lock is ever taken the other way round, so nothing is to be
 * found; the point is the size of the run file (100,000 `lock` and `acq` records) and the time
 * `lockhound report` needs to load and analyse it. ThreadSanitizer's lock graph holds 4096 locks;
 * Helgrind's search grows with the square of the number of locks.
 *
 * Usage: many_locks [LOCKS]   (default 100000) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define OUTER 4
#define THREADS 2

static pthread_mutex_t outer[OUTER];
static pthread_mutex_t *inner;
static long lock_count;

static void *take_my_share(void *arg)
{
    long first = (long)arg;
    for (long i = first; i < lock_count; i += THREADS) {
        pthread_mutex_lock(&outer[i % OUTER]);
        pthread_mutex_lock(&inner[i]);
        pthread_mutex_unlock(&inner[i]);
        pthread_mutex_unlock(&outer[i % OUTER]);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[THREADS];
    lock_count = argc > 1 ? atol(argv[1]) : 100000;
    inner = calloc((size_t)lock_count, sizeof *inner);
    if (!inner) {
        perror("many_locks");
        return 1;
    }
    for (int i = 0; i < OUTER; i++)
        pthread_mutex_init(&outer[i], NULL);
    for (long i = 0; i < lock_count; i++)
        pthread_mutex_init(&inner[i], NULL);
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, take_my_share, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (long i = 0; i < lock_count; i++)
        pthread_mutex_destroy(&inner[i]);
    free(inner);
    printf("many_locks: %ld inner locks under %d outer locks in %d threads\n", lock_count, OUTER,
           THREADS);
    return 0;
}
