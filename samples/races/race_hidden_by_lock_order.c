/* race_hidden_by_lock_order.c - a race that a lucky lock order hides from ThreadSanitizer, and
 * that lockhound finds on every run (course: MT 6).
 *
 * What it shows: two threads write `last_error` without any lock. Each also takes stats_lock for
 * an unrelated counter. In this run thread 1 always writes first and takes the lock afterwards;
 * thread 2 takes the lock and only then writes. A detector that learns "happens before" from
 * every lock (ThreadSanitizer, Helgrind) concludes that thread 1's unlock came before thread 2's
 * lock, hence that the two writes are ordered, and stays silent. They are ordered only by luck:
 * had thread 2 taken the lock first, nothing would have separated the writes.
 *
 * Here the luck is forced, so that every run is the lucky one: thread 2 polls `reports_sent`,
 * under the lock, until thread 1 has counted its report. That loop stands for timing (in a real
 * program thread 2 would simply have been slower); take it away and the two writes can meet.
 *
 * What to look for: lockhound reports a data race on `last_error`, written by record_error() in
 * thread 1 and by clear_error() in thread 2, each holding no lock. lockhound counts a plain lock
 * as protection only when it is held at both accesses, never as an ordering between threads, so
 * the order in which the lock happened to be taken does not matter. ThreadSanitizer built from
 * the same source reports nothing.
 *
 * How to fix: write last_error under stats_lock too (held at both writes), or make it atomic.
 *
 * lockhound-expect: data-race last_error
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int reports_sent; /* guarded by stats_lock */
long last_error;         /* shared, guarded by nothing */

static void record_error(long code)
{
    last_error = code; /* no lock held */
}

static void clear_error(void)
{
    last_error = 0; /* no lock held */
}

static void *reporter(void *arg)
{
    (void)arg;
    record_error(404);
    pthread_mutex_lock(&stats_lock);
    reports_sent++;
    pthread_mutex_unlock(&stats_lock);
    return NULL;
}

static int reports_so_far(void)
{
    pthread_mutex_lock(&stats_lock);
    int n = reports_sent;
    pthread_mutex_unlock(&stats_lock);
    return n;
}

static void *cleaner(void *arg)
{
    (void)arg;
    while (reports_so_far() == 0) /* forces the lucky order; stands for thread 2 being slow */
        sched_yield();
    clear_error();
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, reporter, NULL);
    pthread_create(&t2, NULL, cleaner, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("last_error = %ld, reports sent = %d\n", last_error, reports_sent);
    return 0;
}
