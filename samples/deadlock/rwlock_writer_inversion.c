/* rwlock_writer_inversion.c - a reader-writer lock in a lock-order inversion: a reader waits
 * for a writer.
 *
 * What it shows: thread 1 takes table_lock for writing and then log_mutex; thread 2 takes
 * log_mutex and then table_lock for reading. Reading looks harmless ("readers do not block"),
 * but a reader does wait while a writer holds the lock. If thread 1 holds table_lock (write)
 * while thread 2 holds log_mutex, each waits for the other. A semaphore sequences the threads so
 * that this run never hangs.
 *
 * What to look for: a lock-order inversion between table_lock and log_mutex; the step of
 * thread 1 shows table_lock held in write mode, the step of thread 2 wants it in read mode.
 * Compare with false_alarms/rwlock_readers.c, where both threads only read and nothing is wrong.
 *
 * How to fix: take log_mutex and table_lock in the same order in both threads, or release
 * table_lock before logging.
 *
 * lockhound-expect: lock-order-inversion table_lock log_mutex
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
static sem_t writer_done; /* posted when thread 1 has released both locks */
static int table[4];
static int log_lines;

static void *update_and_log(void *arg)
{
    (void)arg;
    pthread_rwlock_wrlock(&table_lock);
    table[0] = 42;
    pthread_mutex_lock(&log_mutex); /* holds table_lock (write), wants log_mutex */
    log_lines++;
    pthread_mutex_unlock(&log_mutex);
    pthread_rwlock_unlock(&table_lock);
    sem_post(&writer_done);
    return NULL;
}

static void *log_and_read(void *arg)
{
    (void)arg;
    int seen;
    sem_wait(&writer_done); /* only so that this run cannot hang */
    pthread_mutex_lock(&log_mutex);
    pthread_rwlock_rdlock(&table_lock); /* holds log_mutex, wants table_lock (read) */
    seen = table[0];
    pthread_rwlock_unlock(&table_lock);
    log_lines++;
    pthread_mutex_unlock(&log_mutex);
    printf("reader saw %d\n", seen);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    sem_init(&writer_done, 0, 0);
    pthread_create(&t1, NULL, update_and_log, NULL);
    pthread_create(&t2, NULL, log_and_read, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("%d log line(s)\n", log_lines);
    return 0;
}
