/* unprotected_pool_queue.c - a worker pool whose job queue has no lock (course: MT 9, thread
 * pools; the correct pool is basics/thread_pool.c).
 *
 * What it shows: main fills a queue with 16 jobs, then starts three workers that each take jobs
 * with take_job() until the queue is empty. take_job() reads `queue.next` and writes it back
 * incremented, with no lock: two workers can read the same index, both run the same job, and
 * the increment of one of them is lost: some jobs run twice (the program prints the sum of the
 * jobs done against the sum of the jobs queued).
 *
 * What to look for: lockhound reports a data race on `queue.next`, read and written by the
 * workers in take_job(). The jobs themselves (queue.jobs[]) are not reported: main wrote them
 * before it created the workers, and the workers only read them. Nor is done_by[]: each worker
 * writes its own slot.
 *
 * How to fix: hold a mutex over the whole of take_job() (and, for a queue that is filled while
 * the workers run, wait on a condition variable while it is empty: basics/thread_pool.c and
 * condvar_queue.c).
 *
 * lockhound-expect: data-race queue.next
 */
#include <pthread.h>
#include <stdio.h>

#define JOBS 16
#define WORKERS 3

struct job_queue {
    int jobs[JOBS];
    size_t count; /* jobs queued; written before the workers start */
    size_t next;  /* the next job to take: shared by the workers, guarded by nothing */
};

struct job_queue queue;
static long done_by[WORKERS]; /* one slot per worker, never shared */

/* The next job, or -1 when none is left. */
static int take_job(void)
{
    size_t i = queue.next++; /* read the index, then write it: another worker can come between */
    return i < queue.count ? queue.jobs[i] : -1;
}

static void *worker(void *arg)
{
    int me = (int)(long)arg;
    int job;
    while ((job = take_job()) >= 0)
        done_by[me] += job;
    return NULL;
}

int main(void)
{
    pthread_t t[WORKERS];
    long queued = 0;
    for (int i = 0; i < JOBS; i++) {
        queue.jobs[i] = i + 1;
        queued += i + 1;
    }
    queue.count = JOBS;
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    long done = 0;
    for (int i = 0; i < WORKERS; i++)
        done += done_by[i];
    printf("jobs done add up to %ld (queued: %ld)\n", done, queued);
    return 0;
}
