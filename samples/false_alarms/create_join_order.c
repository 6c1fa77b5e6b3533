/* create_join_order.c - opposite lock orders in two threads that can never run at the same time.
 *
 * What it shows: the main thread takes lock_a then lock_b, and only afterwards creates a worker
 * that takes lock_b then lock_a; main then joins the worker. Everything main did before
 * pthread_create happens before everything the worker does, so the two sequences can never
 * overlap and no deadlock is possible. Helgrind and ThreadSanitizer report the cycle anyway.
 *
 * What to look for: no error. lockhound sees that the two halves of the cycle are ordered by the
 * thread creation; with -v it shows the cycle as a note, because the code is fragile: move the
 * first sequence after pthread_create and the deadlock becomes real.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int setup_done, worker_done;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_b);
    pthread_mutex_lock(&lock_a); /* b then a, but main's a-then-b is already over */
    worker_done = setup_done + 1;
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&lock_a);
    pthread_mutex_lock(&lock_b);
    setup_done = 1;
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);

    pthread_create(&t, NULL, worker, NULL); /* orders main's past before the worker */
    pthread_join(t, NULL);
    printf("worker_done=%d\n", worker_done);
    return 0;
}
