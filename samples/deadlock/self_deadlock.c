/* self_deadlock.c - a thread locks a mutex it already holds, and waits for itself for ever.
 *
 * What it shows: log_line() takes log_lock to print one line. flush_all() takes log_lock too,
 * and - in the middle - calls log_line() to say what it is doing. The thread now asks for a lock
 * it holds itself. A normal (default) mutex does not count its owner's locks: the thread blocks
 * until it releases the lock, which it never will.
 *
 * What to look for: a `self-deadlock` on log_lock, reported at once, before the thread blocks:
 * where it took log_lock the first time and where it asks for it again. Then lockhound ends the
 * program.
 *
 * How to fix: split each function into a locked wrapper and an unlocked body
 * (log_line_locked() called with the lock held), so that no path takes the lock twice. A
 * recursive mutex (PTHREAD_MUTEX_RECURSIVE) also "works", but hides who holds what.
 *
 * lockhound-expect: self-deadlock log_lock
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int pending_lines = 3;

static void log_line(const char *text)
{
    pthread_mutex_lock(&log_lock); /* second time round: the caller already holds it */
    printf("log: %s\n", text);
    pthread_mutex_unlock(&log_lock);
}

static void flush_all(void)
{
    pthread_mutex_lock(&log_lock);
    if (pending_lines > 0)
        log_line("flushing"); /* the bug: log_line() takes log_lock again */
    pending_lines = 0;
    pthread_mutex_unlock(&log_lock);
}

static void *worker(void *arg)
{
    (void)arg;
    log_line("worker started");
    flush_all();
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
