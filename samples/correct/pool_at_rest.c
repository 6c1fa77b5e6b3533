/* pool_at_rest.c - a thread pool idles between jobs while main sleeps (course: ThreadPoolExecutor).
 *
 * What it shows: four workers wait on a condition variable for jobs. Main submits a batch, waits
 * until it is done, then sleeps for 3 seconds - longer than lockhound's stall timeout - before
 * the next batch. During the sleep every worker is blocked in pthread_cond_wait, but main is not
 * blocked on anything lockhound sees: it is sleeping, and a sleeping thread will wake up and may
 * submit more work. So this is not a stall. At the end main tells the workers to leave.
 *
 * What to look for: nothing. (Compare stall/stall_semaphore.c, where the thread that could have
 * posted is gone.)
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define WORKERS 4
#define JOBS_PER_BATCH 8

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_available = PTHREAD_COND_INITIALIZER;
static pthread_cond_t batch_done = PTHREAD_COND_INITIALIZER;
static int queued, unfinished, shutting_down;
static long results;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pool_lock);
    for (;;) {
        while (queued == 0 && !shutting_down)
            pthread_cond_wait(&work_available, &pool_lock); /* at rest */
        if (queued == 0)
            break;
        int job = queued--;
        pthread_mutex_unlock(&pool_lock);
        long r = (long)job * job; /* the job */
        pthread_mutex_lock(&pool_lock);
        results += r;
        if (--unfinished == 0)
            pthread_cond_signal(&batch_done);
    }
    pthread_mutex_unlock(&pool_lock);
    return NULL;
}

static void run_batch(void)
{
    pthread_mutex_lock(&pool_lock);
    queued = unfinished = JOBS_PER_BATCH;
    pthread_cond_broadcast(&work_available);
    while (unfinished > 0)
        pthread_cond_wait(&batch_done, &pool_lock);
    pthread_mutex_unlock(&pool_lock);
}

int main(void)
{
    pthread_t t[WORKERS];
    struct timespec rest = {3, 0};
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    run_batch();
    nanosleep(&rest, NULL); /* the pool is idle; main is busy elsewhere */
    run_batch();
    pthread_mutex_lock(&pool_lock);
    shutting_down = 1;
    pthread_cond_broadcast(&work_available);
    pthread_mutex_unlock(&pool_lock);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    printf("results %ld\n", results);
    return 0;
}
