/* rwlock_readers.c - opposite orders with a reader-writer lock taken only for reading: safe.
 *
 * What it shows: thread 1 takes table_lock for reading and then log_mutex; thread 2 takes
 * log_mutex and then table_lock for reading. For a deadlock, thread 2 would have to wait for
 * table_lock while thread 1 holds it - but both only read, and two readers never block each other
 * (glibc's default rwlock prefers readers: a reader gets in even when a writer is queued).
 * ThreadSanitizer treats the read lock like a mutex and reports a cycle here. A semaphore
 * sequences the threads anyway, to keep the run identical every time.
 *
 * What to look for: nothing. Compare with ../deadlock/rwlock_writer_inversion.c, where thread 1
 * writes: then the reader really can wait for the writer, and lockhound reports it.
 *
 * Beware: with a writer-preferring rwlock (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP), a reader
 * waits behind a queued writer, and this pattern can deadlock as soon as a third thread writes.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
static sem_t first_done;
static int table[4] = {1, 2, 3, 4};
static int log_lines;

static void *read_then_log(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&table_lock);
    pthread_mutex_lock(&log_mutex); /* holds table_lock (read), wants log_mutex */
    log_lines += table[0];
    pthread_mutex_unlock(&log_mutex);
    pthread_rwlock_unlock(&table_lock);
    sem_post(&first_done);
    return NULL;
}

static void *log_then_read(void *arg)
{
    (void)arg;
    sem_wait(&first_done);
    pthread_mutex_lock(&log_mutex);
    pthread_rwlock_rdlock(&table_lock); /* holds log_mutex, wants table_lock (read): never waits
                                           for thread 1, which also only reads */
    log_lines += table[1];
    pthread_rwlock_unlock(&table_lock);
    pthread_mutex_unlock(&log_mutex);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    sem_init(&first_done, 0, 0);
    pthread_create(&t1, NULL, read_then_log, NULL);
    pthread_create(&t2, NULL, log_then_read, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("log_lines=%d\n", log_lines);
    return 0;
}
