/* 10_calls_not_thread_local.c - exercise 10 (docs/exercises/README.md), solved.
 *
 * Start: samples/races/thread_local_storage.c. Change: `calls` loses its _Thread_local.
 *
 * What lockhound says: data-race calls. The two threads now share one `calls` and both increment
 * it with no lock. `scratch` stays _Thread_local: one copy per thread, so no race on it.
 *
 * lockhound-expect: data-race calls
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 2
#define CALLS 1000

static long calls; /* the change: _Thread_local removed, one for all threads */
static _Thread_local char scratch[32]; /* one per thread */
static long totals[THREADS];           /* one slot per thread, read by main after join */

static void handle_call(int me)
{
    calls++;
    scratch[calls % sizeof scratch] = (char)('a' + me);
}

static void *worker(void *arg)
{
    int me = (int)(long)arg;
    for (int i = 0; i < CALLS; i++)
        handle_call(me);
    totals[me] = calls;
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("calls per thread: %ld and %ld; main's own copy: %ld\n", totals[0], totals[1], calls);
    return 0;
}
