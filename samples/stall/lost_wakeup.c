/* lost_wakeup.c - an "Event" (flag + condition variable) that loses its wake-up (course: Event).
 *
 * What it shows: event_wait() looks at the flag *without the mutex*, sees it clear, and only
 * then locks the mutex and waits on the condition variable - without looking at the flag again.
 * If event_set() runs in between (sets the flag, signals, nobody is waiting yet), the signal is
 * lost: a condition variable has no memory. The waiter sleeps for ever although the event is
 * set. Two semaphores force that unlucky interleaving on every run; a real program hits it once
 * in a million runs, which is worse.
 *
 * What to look for: after the stall timeout, a `stall`: the waiter in pthread_cond_wait on
 * data_ready with nobody left to signal it, main in pthread_join. Then lockhound ends the program.
 * Also a `cond-wait-not-in-loop` warning on data_ready: the wait sits under an `if`, and nothing
 * checks the flag again after it returns - the other half of the same bug.
 *
 * How to fix: check the flag under the mutex, in a loop around the wait:
 *     pthread_mutex_lock(&data_lock);
 *     while (!data_is_ready) pthread_cond_wait(&data_ready, &data_lock);
 *     pthread_mutex_unlock(&data_lock);
 * event_correct.c is this program, fixed, with the same unlucky order forced.
 *
 * lockhound-expect: stall data_ready
 * lockhound-expect-warning: cond-wait-not-in-loop data_ready
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t data_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t data_ready = PTHREAD_COND_INITIALIZER;
static int data_is_ready;
/* These two only force the bad interleaving; they are not part of the Event. */
static sem_t waiter_looked, setter_done;

static void event_set(void)
{
    pthread_mutex_lock(&data_lock);
    data_is_ready = 1;
    pthread_cond_signal(&data_ready); /* nobody waits yet: the signal is lost */
    pthread_mutex_unlock(&data_lock);
}

static void event_wait(void)
{
    if (!data_is_ready) { /* the bug: looked at without the mutex, and only once */
        sem_post(&waiter_looked);
        sem_wait(&setter_done); /* the scheduler's worst choice, forced */
        pthread_mutex_lock(&data_lock);
        pthread_cond_wait(&data_ready, &data_lock); /* waits for a signal already sent */
        pthread_mutex_unlock(&data_lock);
    }
}

static void *waiter(void *arg)
{
    (void)arg;
    event_wait();
    puts("the data is ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    sem_init(&waiter_looked, 0, 0);
    sem_init(&setter_done, 0, 0);
    pthread_create(&t, NULL, waiter, NULL);
    sem_wait(&waiter_looked);
    event_set();
    sem_post(&setter_done);
    pthread_join(t, NULL);
    return 0;
}
