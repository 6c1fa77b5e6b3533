/* relative_timeout.c - timed waits given a relative timeout, and a deadline with bad nanoseconds.
 *
 * What it shows: wait_for_reply() means "wait at most 2 seconds", but passes {2, 0} to
 * pthread_cond_timedwait, which takes an absolute time: 2 seconds after 1970, long past, so the
 * wait times out at once and the reply is never waited for. wait_for_slot() computes an absolute
 * deadline but adds 500 ms to tv_nsec without carrying into tv_sec: when tv_nsec passes
 * 999999999, sem_timedwait fails with EINVAL (forced here by starting from a tv_nsec of
 * 600000000, as the clock gives 40% of the time).
 *
 * What to look for: two `relative-timeout` warnings, on reply_ready (a relative deadline) and on
 * slots (tv_nsec out of range), each with the stack of the call. Warnings do not fail the run:
 * lockhound exits 0.
 *
 * How to fix: deadline = now + timeout, from clock_gettime on the wait's clock (CLOCK_REALTIME
 * here), carrying: if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }.
 * samples/correct/timeout_absolute.c is the correct twin.
 *
 * lockhound-expect: none
 * lockhound-expect-warning: relative-timeout reply_ready
 * lockhound-expect-warning: relative-timeout slots
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t reply_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reply_ready = PTHREAD_COND_INITIALIZER;
static sem_t slots;
static int replied;

static int wait_for_reply(void)
{
    struct timespec two_seconds = {2, 0};
    int rc = 0;
    pthread_mutex_lock(&reply_lock);
    while (!replied && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&reply_ready, &reply_lock, &two_seconds); /* the bug */
    pthread_mutex_unlock(&reply_lock);
    return rc;
}

static int wait_for_slot(void)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec = 600000000; /* what the clock gives 40% of the time */
    deadline.tv_nsec += 500000000; /* the bug: no carry into tv_sec */
    return sem_timedwait(&slots, &deadline) == 0 ? 0 : errno;
}

int main(void)
{
    sem_init(&slots, 0, 0);
    int reply = wait_for_reply();
    int slot = wait_for_slot();
    printf("reply: %s, slot: %s\n", reply == ETIMEDOUT ? "timed out at once" : "?",
           slot == EINVAL ? "EINVAL" : "?");
    return 0;
}
