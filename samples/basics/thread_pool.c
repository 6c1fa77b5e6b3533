/* thread_pool.c - a fixed pool of worker threads fed through a work queue (course:
 * ThreadPoolExecutor).
 *
 * What it shows: creating a thread per task is expensive and unbounded; a pool starts a few
 * workers once and hands them tasks through a queue. The queue is shared, so a mutex protects
 * it, and a condition variable lets idle workers sleep until a task (or the order to stop)
 * arrives. pool_submit() and the workers never hold the queue lock while running a task, so a
 * slow task does not block the others.
 *
 * What to look for: nothing - a correct program. Misuse to try: run the task while still
 * holding queue_lock - the pool then runs one task at a time, and a task that submits another
 * task deadlocks on the queue lock.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define WORKERS 3
#define TASKS 20
#define QUEUE_SIZE TASKS

struct pool {
    pthread_mutex_t queue_lock;
    pthread_cond_t queue_changed;
    int tasks[QUEUE_SIZE]; /* a task is a number to square */
    int head, count;
    int stopping;
    pthread_mutex_t result_lock;
    long result;
    pthread_t workers[WORKERS];
};

static struct pool pool = {
    .queue_lock = PTHREAD_MUTEX_INITIALIZER,
    .queue_changed = PTHREAD_COND_INITIALIZER,
    .result_lock = PTHREAD_MUTEX_INITIALIZER,
};

static void run_task(int n)
{
    long square = (long)n * n;
    pthread_mutex_lock(&pool.result_lock);
    pool.result += square;
    pthread_mutex_unlock(&pool.result_lock);
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&pool.queue_lock);
        while (pool.count == 0 && !pool.stopping)
            pthread_cond_wait(&pool.queue_changed, &pool.queue_lock);
        if (pool.count == 0) { /* stopping, and nothing left to do */
            pthread_mutex_unlock(&pool.queue_lock);
            return NULL;
        }
        int task = pool.tasks[pool.head];
        pool.head = (pool.head + 1) % QUEUE_SIZE;
        pool.count--;
        pthread_mutex_unlock(&pool.queue_lock);
        run_task(task); /* outside the queue lock */
    }
}

static void pool_submit(int task)
{
    pthread_mutex_lock(&pool.queue_lock);
    pool.tasks[(pool.head + pool.count) % QUEUE_SIZE] = task;
    pool.count++;
    pthread_cond_signal(&pool.queue_changed);
    pthread_mutex_unlock(&pool.queue_lock);
}

static void pool_shutdown(void)
{
    pthread_mutex_lock(&pool.queue_lock);
    pool.stopping = 1;
    pthread_cond_broadcast(&pool.queue_changed);
    pthread_mutex_unlock(&pool.queue_lock);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(pool.workers[i], NULL);
}

int main(void)
{
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&pool.workers[i], NULL, worker, NULL);
    for (int i = 1; i <= TASKS; i++)
        pool_submit(i);
    pool_shutdown(); /* the workers finish the queue before they stop */
    printf("sum of squares 1..%d = %ld\n", TASKS, pool.result);
    return 0;
}
