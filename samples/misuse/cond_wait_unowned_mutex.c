/* cond_wait_unowned_mutex.c - waiting on a condition variable without holding its mutex.
 *
 * What it shows: pthread_cond_wait(&cond, &mutex) must be called with mutex locked: it releases
 * the mutex and starts waiting in one atomic step, which is what makes a wake-up impossible to
 * miss. The worker here forgot to lock ready_lock before waiting: undefined behaviour, and the
 * atomicity is gone (the wake-up can come between its check of `ready` and its wait). It waits
 * with a short timeout in a loop, so this run ends anyway. Note that the wait returns with
 * ready_lock *locked*, which is why the worker unlocks it at the end.
 *
 * What to look for: a `cond-wait-unowned-mutex` naming ready_cond and ready_lock, with the
 * stack of the wait. The program goes on; lockhound exits 66.
 *
 * How to fix: lock the mutex, check the condition in a loop around the wait, unlock:
 * basics/event_flag.c.
 *
 * lockhound-expect: cond-wait-unowned-mutex ready_cond ready_lock
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready;
static sem_t worker_waits;

static void *worker(void *arg)
{
    (void)arg;
    struct timespec deadline;
    sem_post(&worker_waits);
    do {
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 20 * 1000 * 1000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
        /* the bug: ready_lock is not held here (the first time round) */
        pthread_cond_timedwait(&ready_cond, &ready_lock, &deadline);
    } while (!ready);
    pthread_mutex_unlock(&ready_lock); /* the wait returned with it locked */
    puts("ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    sem_init(&worker_waits, 0, 0);
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&worker_waits);
    pthread_mutex_lock(&ready_lock);
    ready = 1;
    pthread_cond_broadcast(&ready_cond);
    pthread_mutex_unlock(&ready_lock);
    pthread_join(t, NULL);
    return 0;
}
