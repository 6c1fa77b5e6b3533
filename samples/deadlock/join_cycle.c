/* join_cycle.c - threads that wait for each other to finish: a deadlock without any lock.
 *
 * What it shows: three threads each join the next one (1 joins 2, 2 joins 3, 3 joins 1). They
 * learn each other's pthread_t through a shared array, and a barrier makes sure every id is
 * known before anyone joins. No thread can finish before the one it joins has finished: a ring,
 * and nobody ever ends. (Two threads joining each other would be the smallest join cycle, but
 * POSIX lets pthread_join return EDEADLK when it notices that one - a "may" error that glibc 2.36
 * does not raise in practice, yet could. No implementation looks further than the pair, so a ring
 * of three deadlocks everywhere.)
 *
 * What to look for: a `deadlock` whose three threads each wait in pthread_join for the next; the
 * report has no lock in it. The main thread waits on a semaphore and is not part of the cycle.
 *
 * How to fix: decide who waits for whom as a tree, never a ring - usually only the thread that
 * created a thread joins it.
 *
 * lockhound-expect: deadlock
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define THREADS 3

static pthread_t ids[THREADS];
static pthread_barrier_t ids_known;
static sem_t finished; /* posted by each thread at its end: never, here */

static void *join_next(void *arg)
{
    int me = *(int *)arg;
    ids[me] = pthread_self();
    pthread_barrier_wait(&ids_known);
    pthread_join(ids[(me + 1) % THREADS], NULL); /* the next thread joins its own next... */
    sem_post(&finished);
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    int who[THREADS];
    sem_init(&finished, 0, 0);
    pthread_barrier_init(&ids_known, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        who[i] = i;
        pthread_create(&t[i], NULL, join_next, &who[i]);
    }
    for (int i = 0; i < THREADS; i++)
        sem_wait(&finished); /* the threads join each other, so main must not join them too */
    puts("done");
    return 0;
}
