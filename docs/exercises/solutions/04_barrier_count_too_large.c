/* 04_barrier_count_too_large.c - exercise 4 (docs/exercises/README.md), solved.
 *
 * Start: samples/basics/barrier_phases.c. Change: the barrier is initialised for THREADS + 1 (4)
 * threads, while only the 3 workers call pthread_barrier_wait.
 *
 * What lockhound says: stall phase_done. The three workers wait for a fourth that never comes,
 * and main waits for them in pthread_join: every thread is blocked and none can wake the others.
 * After the stall timeout (2 s by default) lockhound reports "phase_done: 3 of 4 threads arrived;
 * no other thread can arrive" and ends the program.
 *
 * lockhound-expect: stall phase_done
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
    pthread_barrier_init(&phase_done, NULL, THREADS + 1); /* the change: 4, while 3 arrive */
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&phase_done);
    for (int i = 0; i < THREADS; i++)
        printf("thread %d saw a total of %d\n", i, total_seen[i]);
    return 0;
}
