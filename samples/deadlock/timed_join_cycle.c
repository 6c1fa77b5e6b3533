/* timed_join_cycle.c - main holds a lock and waits, with a timeout, for a thread that needs it.
 *
 * What it shows: the deadlock of join_holding_lock.c, but main joins with
 * pthread_timedjoin_np and a 3 second deadline. For 3 seconds main waits for the worker and the
 * worker for main's lock; then main's join times out, main releases the lock, the worker
 * finishes, and main joins it for good. Only one lock, so no lock-order inversion.
 *
 * What to look for: a `timed-wait-cycle` *warning* naming reports_lock: a cycle of waits that
 * will end by a timeout. A warning does not change lockhound's exit code: the program's own 0.
 *
 * How to fix: join before taking the lock, as for join_holding_lock.c; the timeout only turns
 * a hang into a delay.
 *
 * lockhound-expect: none
 * lockhound-expect-warning: timed-wait-cycle reports_lock
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t reports_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t main_holds_lock;
static int reports;

static void *worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&main_holds_lock);
    pthread_mutex_lock(&reports_lock); /* main holds it while it waits for us */
    reports++;
    pthread_mutex_unlock(&reports_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    struct timespec deadline;
    pthread_barrier_init(&main_holds_lock, NULL, 2);
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&reports_lock);
    pthread_barrier_wait(&main_holds_lock);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 3;
    int timed_out = pthread_timedjoin_np(t, NULL, &deadline) != 0; /* always times out */
    pthread_mutex_unlock(&reports_lock);
    if (timed_out)
        pthread_join(t, NULL); /* the worker can finish now */
    printf("main's first join %s; reports=%d\n", timed_out ? "timed out" : "succeeded", reports);
    return 0;
}
