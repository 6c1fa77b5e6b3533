/* destroy_while_in_use.c - a mutex destroyed while another thread may still be using it
 * (course: MT 6-7).
 *
 * What it shows: a worker counts requests under `stats_lock`, then raises a flag to say it is
 * done. main sees the flag and destroys the mutex, before joining the worker. But the flag is a
 * relaxed atomic: it orders nothing, so nothing makes the worker's last use of the mutex (its
 * lock and unlock) come before the destroy. On another schedule, or another machine, the worker
 * may still be inside pthread_mutex_unlock() - or about to lock again - when the mutex is gone:
 * undefined behaviour, which glibc does not detect.
 *
 * What to look for: a data race on stats_lock itself: the destroy in main() (a write of the
 * mutex's memory) against the worker's lock in count_request() (a read of it). lockhound, like
 * ThreadSanitizer, treats init and destroy of a mutex, rwlock, spinlock, condition variable,
 * barrier or semaphore as writes of its memory and each use as a read: uses never race with each
 * other, but a destroy or a free does with any use that nothing orders before it.
 *
 * How to fix: join the worker before destroying the mutex (or hand the "done" over with a
 * release store and an acquire load, a semaphore, or a condition variable).
 *
 * lockhound-expect: data-race stats_lock
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

pthread_mutex_t stats_lock;
long requests;               /* guarded by stats_lock */
static atomic_int worker_done; /* relaxed: it says "done", it orders nothing */

static void count_request(void)
{
    pthread_mutex_lock(&stats_lock);
    requests++;
    pthread_mutex_unlock(&stats_lock);
}

static void *worker(void *arg)
{
    (void)arg;
    count_request();
    atomic_store_explicit(&worker_done, 1, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_init(&stats_lock, NULL);
    pthread_create(&t, NULL, worker, NULL);
    while (!atomic_load_explicit(&worker_done, memory_order_relaxed))
        ;
    pthread_mutex_destroy(&stats_lock); /* too early: the worker was not joined */
    pthread_join(t, NULL);
    printf("requests: %ld\n", requests);
    return 0;
}
