/* timeout_absolute.c - timed waits with absolute deadlines: relative_timeout.c fixed.
 *
 * What it shows: each deadline is now + timeout on the wait's clock, with the nanoseconds carried
 * into seconds: pthread_cond_timedwait on a condition variable that uses CLOCK_MONOTONIC
 * (pthread_condattr_setclock; its deadlines are small numbers, seconds since boot, and still
 * absolute), sem_timedwait on CLOCK_REALTIME with a deadline whose tv_nsec needs the carry, and
 * pthread_mutex_timedlock. Every wait times out after its 100 ms, as meant.
 *
 * What to look for: nothing - no relative-timeout warning.
 *
 * lockhound-expect: none
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t reply_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reply_ready;
static sem_t slots;
static int replied;

static struct timespec deadline_in(clockid_t clock, long ms)
{
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000;
    if (t.tv_nsec >= 1000000000) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000;
    }
    return t;
}

static void *hold_busy_lock(void *arg)
{
    sem_t *taken = arg;
    pthread_mutex_lock(&busy_lock);
    sem_post(taken);
    struct timespec t = deadline_in(CLOCK_REALTIME, 300);
    sem_timedwait(&slots, &t); /* holds busy_lock for a while */
    pthread_mutex_unlock(&busy_lock);
    return NULL;
}

int main(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&reply_ready, &attr);
    sem_init(&slots, 0, 0);

    int rc = 0;
    struct timespec t = deadline_in(CLOCK_MONOTONIC, 100);
    pthread_mutex_lock(&reply_lock);
    while (!replied && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&reply_ready, &reply_lock, &t);
    pthread_mutex_unlock(&reply_lock);

    t = deadline_in(CLOCK_REALTIME, 900); /* tv_nsec carried into tv_sec 90% of the time */
    int slot = sem_timedwait(&slots, &t) == 0 ? 0 : errno;

    sem_t taken;
    pthread_t holder;
    sem_init(&taken, 0, 0);
    pthread_create(&holder, NULL, hold_busy_lock, &taken);
    sem_wait(&taken);
    t = deadline_in(CLOCK_REALTIME, 100);
    int locked = pthread_mutex_timedlock(&busy_lock, &t);
    if (locked == 0)
        pthread_mutex_unlock(&busy_lock);
    pthread_join(holder, NULL);

    printf("reply: %s, slot: %s, lock: %s\n", rc == ETIMEDOUT ? "timed out" : "?",
           slot == ETIMEDOUT ? "timed out" : "?", locked == ETIMEDOUT ? "timed out" : "?");
    return 0;
}
