/* barrier_phases.c - threads working in phases, meeting at a barrier between phases (course:
 * Barrier).
 *
 * What it shows: three threads each fill their part of a table in phase 1; in phase 2 each
 * reads the parts of the others. pthread_barrier_wait makes every thread wait until all three
 * have finished phase 1, so nobody reads a part that is not written yet.
 *
 * What to look for: nothing - a correct program. Classic misuse to try: initialise the barrier
 * for 4 threads while only 3 arrive: every thread waits for ever at the barrier (a hang that is
 * not a lock-order problem, so lockhound's lock-order check does not report it).
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 3

static pthread_barrier_t phase_done;
static int part[THREADS];
static int total_seen[THREADS];

static void *worker(void *arg)
{
    int me = (int)(long)arg;
    part[me] = (me + 1) * 10; /* phase 1: write my part */
    pthread_barrier_wait(&phase_done);
    for (int i = 0; i < THREADS; i++) /* phase 2: read everyone's part */
        total_seen[me] += part[i];
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    pthread_barrier_init(&phase_done, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&phase_done);
    for (int i = 0; i < THREADS; i++)
        printf("thread %d saw a total of %d\n", i, total_seen[i]);
    return 0;
}
