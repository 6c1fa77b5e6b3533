/* counter_mutex.c - the fix of lost_update_counter.c: every access to the counter holds one mutex
 * (course: MT 6-7, Lock).
 *
 * What it shows: the same two threads and the same counter++, now between
 * pthread_mutex_lock(&counter_lock) and pthread_mutex_unlock(&counter_lock). Only one thread at a
 * time can be between the read and the write, so no increment is lost: the total is always
 * 200000.
 *
 * What to look for: nothing. lockhound sees that both threads held counter_lock at every access
 * to counter. Note that the lock does not order the threads (either may go first); it only
 * keeps their increments apart, which is all that is needed.
 *
 * Classic mistake to try: lock in one thread only, or use two different mutexes: lockhound then
 * reports a data race on counter, since no common lock was held at both accesses.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 2
#define VISITS 100000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter; /* guarded by counter_lock */

static void count_visit(void)
{
    pthread_mutex_lock(&counter_lock);
    counter++;
    pthread_mutex_unlock(&counter_lock);
}

static void *visitor(void *arg)
{
    (void)arg;
    for (int i = 0; i < VISITS; i++)
        count_visit();
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, visitor, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("counter = %ld (expected %d)\n", counter, THREADS * VISITS);
    return 0;
}
