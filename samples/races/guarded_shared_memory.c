/* guarded_shared_memory.c - the fix of unguarded_shared_memory.c: a process-shared mutex, kept in
 * the shared segment itself, guards its header (course: MP 3, MT 7).
 *
 * What it shows: the same segment and the same two workers; the header's count is now updated
 * while holding `segment.guard`. Between processes a guard must live in the shared memory it
 * guards (each process sees the same mutex there) and be initialised as process-shared
 * (pthread_mutexattr_setpshared with PTHREAD_PROCESS_SHARED), or it only works inside one
 * process. Here the workers are threads, so that lockhound can watch them all in one process; the
 * attribute changes nothing for threads.
 *
 * What to look for: nothing: segment.guard is held at every access to segment.records_written.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define WORKERS 2

struct record {
    int worker;
    double value;
};

struct shared_segment {
    pthread_mutex_t guard;          /* process-shared; guards records_written */
    int records_written;
    struct record records[WORKERS]; /* slot i is written by worker i only */
};

static struct shared_segment segment;

static void count_record(void)
{
    pthread_mutex_lock(&segment.guard);
    segment.records_written++;
    pthread_mutex_unlock(&segment.guard);
}

static void *worker(void *arg)
{
    int me = (int)(long)arg;
    segment.records[me].worker = me;
    segment.records[me].value = 1.5 * (me + 1);
    count_record();
    return NULL;
}

static void init_segment(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&segment.guard, &attr);
    pthread_mutexattr_destroy(&attr);
}

int main(void)
{
    pthread_t t[WORKERS];
    init_segment();
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_destroy(&segment.guard);
    printf("records written: %d (expected %d); values %.1f and %.1f\n", segment.records_written,
           WORKERS, segment.records[0].value, segment.records[1].value);
    return 0;
}
