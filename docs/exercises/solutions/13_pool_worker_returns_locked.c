/* 13_pool_worker_returns_locked.c - exercise 13 (docs/exercises/README.md), solved.
 *
 * Start: samples/basics/thread_pool.c. Change: on its way out (stopping, queue empty) the worker
 * returns without unlocking queue_lock.
 *
 * What lockhound says: exit-holding-lock pool.queue_lock, for the first worker that leaves, and
 * then a stall: the other workers can never take queue_lock again, main waits for them in
 * pthread_join, and nobody is left to release anything. What the stall names depends on where
 * each other worker was when the lock was lost: blocked in pthread_mutex_lock(queue_lock) at the
 * top of its loop, or woken by the broadcast inside pthread_cond_wait(queue_changed), which must
 * take queue_lock again before it returns. Hence one line for the certain finding and a one-of
 * line for the three forms the stall takes (all seen in 10 runs here).
 *
 * lockhound-expect: exit-holding-lock pool.queue_lock
 * lockhound-expect-one-of: stall pool.queue_lock | stall pool.queue_changed | stall pool.queue_changed pool.queue_lock
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
        if (pool.count == 0) /* stopping, and nothing left to do */
            return NULL;     /* the change: the unlock forgotten on this early return */
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
