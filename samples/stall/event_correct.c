/* event_correct.c - lost_wakeup.c fixed: the Event's flag is checked under the mutex, in a loop.
 *
 * What it shows: the same unlucky order as lost_wakeup.c is forced (the setter sets the flag and
 * signals before the waiter waits), and nothing is lost: the waiter takes the mutex, sees the flag
 * set, and never sleeps. The flag is the event; the condition variable only saves busy waiting.
 * The loop also makes spurious wake-ups harmless.
 *
 * What to look for: nothing - no stall, no finding.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t data_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t data_ready = PTHREAD_COND_INITIALIZER;
static int data_is_ready;
static sem_t setter_done; /* forces lost_wakeup.c's order: set before wait */

static void event_set(void)
{
    pthread_mutex_lock(&data_lock);
    data_is_ready = 1;
    pthread_cond_broadcast(&data_ready);
    pthread_mutex_unlock(&data_lock);
}

static void event_wait(void)
{
    pthread_mutex_lock(&data_lock);
    while (!data_is_ready) /* under the mutex, in a loop */
        pthread_cond_wait(&data_ready, &data_lock);
    pthread_mutex_unlock(&data_lock);
}

static void *waiter(void *arg)
{
    (void)arg;
    sem_wait(&setter_done);
    event_wait(); /* the flag is already set: returns at once */
    puts("the data is ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    sem_init(&setter_done, 0, 0);
    pthread_create(&t, NULL, waiter, NULL);
    event_set();
    sem_post(&setter_done);
    pthread_join(t, NULL);
    return 0;
}
