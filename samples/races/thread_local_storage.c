/* thread_local_storage.c - per-thread data with _Thread_local: each thread has its own copy, so
 * nothing is shared (course: MT 1, MT 6; Python's threading.local).
 *
 * What it shows: `calls` and `scratch` look like globals, but they are declared _Thread_local:
 * every thread gets its own copy, created when the thread starts. Both threads increment
 * `calls` and write `scratch` without any lock, and there is no race: they never touch the same
 * bytes. Each thread hands its result to main through its own slot of `totals`.
 *
 * What to look for: nothing. lockhound compares accesses to the same bytes only, so each
 * thread's copy is its own.
 *
 * Classic mistake to try: remove _Thread_local from `calls`: the two threads then share one
 * counter, and lockhound reports a data race on `calls`.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 2
#define CALLS 1000

static _Thread_local long calls;       /* one per thread */
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
