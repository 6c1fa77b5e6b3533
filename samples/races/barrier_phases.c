/* barrier_phases.c - threads share a grid in phases separated by a barrier, without locks
 * (course: MT 7, Barrier; basics/barrier_phases.c is the same idea without the race detector).
 *
 * What it shows: three threads smooth a row of cells, each owning one cell. In each round a thread
 * first reads its neighbours' cells (phase 1), then writes its own (phase 2). Reading a cell that
 * another thread writes is safe only if that write is finished, and writing a cell that others
 * read is safe only if their reads are finished: pthread_barrier_wait() between the phases
 * gives both, since every thread's work before a barrier comes before every thread's work after
 * it.
 *
 * What to look for: nothing. lockhound takes the barrier's ordering into account; no lock is
 * needed here and none is held.
 *
 * Classic mistake to try: remove the first pthread_barrier_wait(): a thread then writes its cell
 * while its neighbours may still be reading it, and lockhound reports data races on `cells`.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 3
#define ROUNDS 5

static int cells[THREADS] = {0, 300, 900}; /* cell i: written by thread i, read by all */
static pthread_barrier_t read_done, write_done;

static void *smoother(void *arg)
{
    int me = (int)(long)arg;
    for (int round = 0; round < ROUNDS; round++) {
        int left = cells[(me + THREADS - 1) % THREADS];
        int right = cells[(me + 1) % THREADS];
        int mine = cells[me];
        pthread_barrier_wait(&read_done);  /* everyone has read this round's values */
        cells[me] = (left + mine + right) / 3;
        pthread_barrier_wait(&write_done); /* everyone has written the next round's values */
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    pthread_barrier_init(&read_done, NULL, THREADS);
    pthread_barrier_init(&write_done, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, smoother, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&read_done);
    pthread_barrier_destroy(&write_done);
    printf("after %d rounds: %d %d %d\n", ROUNDS, cells[0], cells[1], cells[2]);
    return 0;
}
