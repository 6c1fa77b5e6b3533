/* reinit_waited_cond.c - a condition variable initialised again while a thread waits on it.
 *
 * What it shows: main "resets" the queue, pthread_cond_init included, while the consumer sleeps
 * in pthread_cond_wait on `item_ready`. The init zeroes the condition variable: it no longer
 * knows its waiter, so main's broadcast after the reset wakes nobody, and the consumer sleeps for
 * ever (run natively, the program never ends). The consumer tells main it is about to wait (a
 * semaphore posted under the mutex), and main takes the mutex before the reset, which it gets
 * only once the consumer sleeps in the wait: the same on every schedule.
 *
 * What to look for: a `reinit-in-use` (initialised again while threads wait on it) on
 * item_ready, with the stack of the init; then a `stall`: main joins the consumer, which waits on
 * item_ready for a broadcast that came and went. lockhound ends the program; it exits 66.
 *
 * How to fix: initialise the condition variable once; a reset changes the data under the mutex
 * and broadcasts, it does not initialise the synchronisation objects again.
 *
 * lockhound-expect: reinit-in-use item_ready
 * lockhound-expect: stall item_ready
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t item_ready = PTHREAD_COND_INITIALIZER;
static sem_t consumer_waiting;
static int items;

static void *consumer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&queue_lock);
    sem_post(&consumer_waiting);
    while (items == 0)
        pthread_cond_wait(&item_ready, &queue_lock);
    items--;
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

static void reset_queue(void)
{
    pthread_mutex_lock(&queue_lock);
    items = 0;
    pthread_cond_init(&item_ready, NULL); /* the bug: the consumer waits on it */
    pthread_mutex_unlock(&queue_lock);
}

int main(void)
{
    pthread_t t;
    sem_init(&consumer_waiting, 0, 0);
    pthread_create(&t, NULL, consumer, NULL);
    sem_wait(&consumer_waiting);
    reset_queue(); /* its lock is free only once the consumer sleeps in the wait */
    pthread_mutex_lock(&queue_lock);
    items = 1;
    pthread_cond_broadcast(&item_ready); /* wakes nobody: the init forgot the waiter */
    pthread_mutex_unlock(&queue_lock);
    pthread_join(t, NULL);
    printf("item consumed\n");
    return 0;
}
