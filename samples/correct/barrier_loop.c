/* barrier_loop.c - four threads meet at one barrier, 100 times over.
 *
 * What it shows: a barrier is reusable: once all four have arrived, it opens and resets for the
 * next phase. Every thread spends time blocked in pthread_barrier_wait, often all but one of them
 * at once, and the last one to arrive always lets everybody go.
 *
 * What to look for: nothing - waiting at a barrier that everyone reaches is not a stall.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define PHASES 100

static pthread_barrier_t phase_done;
static long work[THREADS];

static void *worker(void *arg)
{
    int me = *(int *)arg;
    for (int phase = 0; phase < PHASES; phase++) {
        for (int i = 0; i < 1000 * (me + 1); i++) /* uneven work: the fast ones wait */
            work[me] += i % 7;
        pthread_barrier_wait(&phase_done);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    int ids[THREADS];
    pthread_barrier_init(&phase_done, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        ids[i] = i;
        pthread_create(&t[i], NULL, worker, &ids[i]);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&phase_done);
    printf("%d phases done\n", PHASES);
    return 0;
}
