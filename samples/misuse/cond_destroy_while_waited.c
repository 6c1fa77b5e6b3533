/* cond_destroy_while_waited.c - a condition variable destroyed while a thread waits on it.
 *
 * What it shows: at shutdown main destroys `work_ready` while the worker still sleeps in
 * pthread_cond_wait on it: main forgot to set `stopping` and broadcast first. POSIX: undefined.
 * glibc's pthread_cond_destroy waits until every waiter has been woken, and nobody will wake this
 * one: the program hangs in the destroy (run it natively: it never ends). The worker tells main
 * that it is about to wait (a semaphore posted under the mutex), and main takes the mutex before
 * the destroy: the mutex is free only once the worker sleeps in the wait, so the bug happens on
 * every schedule.
 *
 * What to look for: a `cond-misuse` (destroyed while threads wait on it) on work_ready, with the
 * stack of the destroy; then a `stall`: main blocked in pthread_cond_destroy and the worker in
 * pthread_cond_wait, nobody left to wake either. lockhound ends the program; it exits 66.
 *
 * How to fix: set the flag the worker checks and broadcast under the mutex, join the worker, and
 * only then destroy the condition variable.
 *
 * lockhound-expect: cond-misuse work_ready
 * lockhound-expect: stall work_ready
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready;
static sem_t worker_waiting;
static int stopping, jobs;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&queue_lock);
    sem_post(&worker_waiting); /* under the mutex: main gets it only once the wait released it */
    while (!stopping && jobs == 0)
        pthread_cond_wait(&work_ready, &queue_lock); /* sleeps here when main destroys it */
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_cond_init(&work_ready, NULL);
    sem_init(&worker_waiting, 0, 0);
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&worker_waiting);
    pthread_mutex_lock(&queue_lock); /* free again only while the worker waits */
    pthread_mutex_unlock(&queue_lock);
    pthread_cond_destroy(&work_ready); /* the bug: the worker still waits; glibc blocks here */
    pthread_join(t, NULL);
    printf("worker stopped\n");
    return 0;
}
