/* unlock_unlocked.c - a mutex unlocked twice: the second unlock finds it unlocked.
 *
 * What it shows: record() takes stats_lock, and on its error path unlocks it early and then
 * falls through to the common exit, which unlocks it again. The second unlock is of a mutex that
 * nobody holds: undefined behaviour (glibc's default mutex lets it pass; an error-checking mutex
 * returns EPERM; with other implementations it may free a lock someone else just took).
 *
 * What to look for: an `unlock-unlocked` on stats_lock, with the stack of the second unlock. The
 * program goes on; lockhound exits 66.
 *
 * How to fix: one unlock per lock, on one path out (the "goto out" pattern), so that no path
 * can unlock twice.
 *
 * lockhound-expect: unlock-unlocked stats_lock
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long total, rejected;

static void record(long value)
{
    pthread_mutex_lock(&stats_lock);
    if (value < 0) {
        rejected++;
        pthread_mutex_unlock(&stats_lock); /* early unlock on the error path... */
    } else {
        total += value;
    }
    pthread_mutex_unlock(&stats_lock); /* ...and again here: unlocked twice for value < 0 */
}

static void *worker(void *arg)
{
    (void)arg;
    record(5);
    record(-1);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    printf("total %ld, rejected %ld\n", total, rejected);
    return 0;
}
