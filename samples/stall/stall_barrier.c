/* stall_barrier.c - a barrier sized for three threads, and only two ever arrive (course: Barrier).
 *
 * What it shows: the program was written for three workers, and start_line is a barrier for
 * three: nobody starts the race until all three are ready. Someone changed WORKERS to 2 and
 * forgot the barrier. Two workers arrive and wait for a third that does not exist; main waits
 * for the workers in pthread_join. Every thread is blocked and nothing can wake any of them: a
 * stall (no cycle of waits, so not a deadlock - just nobody left to do the waking).
 *
 * What to look for: after the stall timeout (2 s; `--stall-timeout=SEC`), a `stall` that lists
 * every thread and what it waits on: two in pthread_barrier_wait on start_line ("2 of 3
 * arrived; no other thread can arrive"), main in pthread_join. Then lockhound ends the program.
 *
 * How to fix: size the barrier from the same constant that sizes the thread array
 * (pthread_barrier_init(&start_line, NULL, WORKERS)); basics/barrier_phases.c does.
 *
 * lockhound-expect: stall start_line
 */
#include <pthread.h>
#include <stdio.h>

#define WORKERS 2 /* was 3 */

static pthread_barrier_t start_line;

static void *runner(void *arg)
{
    int me = *(int *)arg;
    pthread_barrier_wait(&start_line); /* waits for a third runner that never comes */
    printf("runner %d is off\n", me);
    return NULL;
}

int main(void)
{
    pthread_t t[WORKERS];
    int ids[WORKERS];
    pthread_barrier_init(&start_line, NULL, 3); /* the bug: not WORKERS */
    for (int i = 0; i < WORKERS; i++) {
        ids[i] = i;
        pthread_create(&t[i], NULL, runner, &ids[i]);
    }
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    return 0;
}
