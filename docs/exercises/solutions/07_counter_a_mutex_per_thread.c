/* 07_counter_a_mutex_per_thread.c - exercise 7 (docs/exercises/README.md), solved.
 *
 * Start: samples/races/counter_mutex.c. Change: each thread locks its own mutex (locks[me])
 * instead of the one counter_lock.
 *
 * What lockhound says: data-race counter, with "T1 held {locks[0]}, T2 held {locks[1]}: no lock
 * was held at both accesses". Each thread holds a lock at every access, but never the same one,
 * so the locks keep nothing apart: a lock protects data only if every thread takes that lock.
 *
 * lockhound-expect: data-race counter
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 2
#define VISITS 100000

/* the change: each thread its own mutex instead of the one counter_lock */
static pthread_mutex_t locks[THREADS] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static long counter; /* "guarded", but by a different mutex in each thread */

static void count_visit(int me)
{
    pthread_mutex_lock(&locks[me]);
    counter++;
    pthread_mutex_unlock(&locks[me]);
}

static void *visitor(void *arg)
{
    int me = (int)(long)arg;
    for (int i = 0; i < VISITS; i++)
        count_visit(me);
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, visitor, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("counter = %ld (expected %d)\n", counter, THREADS * VISITS);
    return 0;
}
