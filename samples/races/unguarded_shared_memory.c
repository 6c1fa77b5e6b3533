/* unguarded_shared_memory.c - a shared-memory segment written by two workers without a guard
 * (course: MP 3, how processes exchange data; MT 6).
 *
 * What it shows: `segment` is laid out as a shared-memory segment would be: a header (how many
 * records were written) and one record slot per worker. Each worker fills its own slot, which is
 * safe, then counts it in the header with `segment.records_written++`, which is not: both
 * workers read and write the same header field with nothing guarding it, and one count can be
 * lost. Shared memory between processes (mmap with MAP_SHARED, or shm_open) has exactly this
 * problem, and the same fix: a guard that lives in the segment itself. lockhound watches one
 * process at a time, so here the two workers are threads sharing the segment.
 *
 * What to look for: lockhound reports a data race on `segment.records_written`, in
 * count_record(), with no lock held by either worker. The slots (segment.records[0] and [1]) are
 * not reported: each is written by one worker only, and main reads them after pthread_join.
 *
 * How to fix: guarded_shared_memory.c - a process-shared mutex stored in the segment, held
 * around the update of the header (a process-shared semaphore would do as well).
 *
 * lockhound-expect: data-race segment.records_written
 */
#include <pthread.h>
#include <stdio.h>

#define WORKERS 2

struct record {
    int worker;
    double value;
};

struct shared_segment {
    int records_written;            /* shared by the workers, guarded by nothing */
    struct record records[WORKERS]; /* slot i is written by worker i only */
};

struct shared_segment segment;

static void count_record(void)
{
    segment.records_written++;
}

static void *worker(void *arg)
{
    int me = (int)(long)arg;
    segment.records[me].worker = me;
    segment.records[me].value = 1.5 * (me + 1);
    count_record();
    return NULL;
}

int main(void)
{
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    printf("records written: %d (expected %d); values %.1f and %.1f\n", segment.records_written,
           WORKERS, segment.records[0].value, segment.records[1].value);
    return 0;
}
