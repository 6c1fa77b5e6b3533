/* stress_many_locks.c - soak: one million mutexes, initialised, taken in nested pairs (i, i+1) by two
 * threads (each its own half, so the order is consistent: no finding), destroyed. Prints a sum. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define LOCKS 1000000L

static pthread_mutex_t *locks;
static long sums[2];

static void *walk(void *arg)
{
    long half = (long)arg, first = half * (LOCKS / 2), last = first + LOCKS / 2 - 1;
    for (long i = first; i < last; i++) {
        pthread_mutex_lock(&locks[i]);
        pthread_mutex_lock(&locks[i + 1]);
        sums[half] += i % 7;
        pthread_mutex_unlock(&locks[i + 1]);
        pthread_mutex_unlock(&locks[i]);
    }
    return NULL;
}

int main(void)
{
    locks = malloc(LOCKS * sizeof *locks);
    if (!locks)
        return 1;
    for (long i = 0; i < LOCKS; i++)
        pthread_mutex_init(&locks[i], NULL);
    pthread_t t[2];
    for (long h = 0; h < 2; h++)
        pthread_create(&t[h], NULL, walk, (void *)h);
    for (int h = 0; h < 2; h++)
        pthread_join(t[h], NULL);
    for (long i = 0; i < LOCKS; i++)
        pthread_mutex_destroy(&locks[i]);
    free(locks);
    printf("sum=%ld\n", sums[0] + sums[1]);
    return 0;
}
