/* reader_left_behind.c - two threads read a variable that nothing orders, then the first one
 * writes it (course: MT 6).
 *
 * What it shows: main reads `mode`, a worker reads it too, and then main changes it - while the
 * worker's read is not ordered before main's write (relaxed atomic flags make the order of the
 * three accesses certain, and order nothing). The race is between the worker's read and
 * main's write. A detector that kept only one read of `mode` (main's own, which cannot race with
 * main's write) would miss it.
 *
 * What to look for: a data race on mode: main's write in main() against the worker's read in
 * read_mode().
 *
 * How to fix: join the worker before changing mode, or guard mode with a mutex in both threads.
 *
 * lockhound-expect: data-race mode
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

long mode = 1;               /* read by both threads, then written by main: guarded by nothing */
static atomic_int main_read, worker_read; /* relaxed: they schedule, they do not synchronise */
static long seen_by_worker;

static void *read_mode(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&main_read, memory_order_relaxed))
        ;
    seen_by_worker = mode; /* races with main's write below */
    atomic_store_explicit(&worker_read, 1, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, read_mode, NULL);
    long before = mode; /* main's own read: no race with its own write */
    atomic_store_explicit(&main_read, 1, memory_order_relaxed);
    while (!atomic_load_explicit(&worker_read, memory_order_relaxed))
        ;
    mode = 2;
    pthread_join(t, NULL);
    printf("mode was %ld (the worker saw %ld), now %ld\n", before, seen_by_worker, mode);
    return 0;
}
