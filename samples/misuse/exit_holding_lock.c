/* exit_holding_lock.c - a thread returns while it still holds a lock.
 *
 * What it shows: write_entry() takes log_lock and, on its error path, returns without unlocking
 * it. The thread then ends; the lock stays locked for ever, owned by a thread that no longer
 * exists. The next thread to call pthread_mutex_lock(&log_lock) would wait for ever; here main
 * only *tries* it and reports that it is stuck, so that the program ends.
 *
 * What to look for: an `exit-holding-lock` on log_lock: which thread ended holding it, and where
 * it took the lock (the thread's end itself has no stack: it is the return from logger()). The
 * program goes on; lockhound exits 66.
 *
 * How to fix: unlock on every path out of the function (one exit path, "goto out"), or keep
 * the lock's scope inside one function that cannot return early.
 *
 * lockhound-expect: exit-holding-lock log_lock
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int entries;

static int write_entry(const char *text)
{
    pthread_mutex_lock(&log_lock);
    if (!text)
        return -1; /* the bug: returns with log_lock held */
    entries++;
    pthread_mutex_unlock(&log_lock);
    return 0;
}

static void *logger(void *arg)
{
    (void)arg;
    write_entry("first");
    write_entry(NULL);
    return NULL; /* ends holding log_lock */
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, logger, NULL);
    pthread_join(t, NULL);
    if (pthread_mutex_trylock(&log_lock) != 0)
        printf("log_lock is still held by a thread that has ended (entries written: %d)\n", entries);
    else
        pthread_mutex_unlock(&log_lock);
    return 0;
}
