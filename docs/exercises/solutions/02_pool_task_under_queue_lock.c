/* 02_pool_task_under_queue_lock.c - exercise 2 (docs/exercises/README.md), solved.
 *
 * Start: samples/basics/thread_pool.c. Change: the worker runs the task before it unlocks
 * queue_lock, and task 5 submits another task (pool_submit(100)).
 *
 * What lockhound says: self-deadlock pool.queue_lock, at once: the worker running task 5 holds
 * pool.queue_lock and pool_submit() locks it again. A default mutex is not recursive, so the
 * thread waits for itself for ever; lockhound reports it at the second lock, before the thread
 * blocks, and ends the program. Even without the nested submit, running tasks under the queue
 * lock makes the pool run one task at a time.
 *
 * lockhound-expect: self-deadlock pool.queue_lock
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

static void pool_submit(int task);

static void run_task(int n)
{
    if (n == 5)
        pool_submit(100); /* the change: one task submits another */
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
        run_task(task); /* the change: the task runs under queue_lock */
        pthread_mutex_unlock(&pool.queue_lock);
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
