/* join_holding_lock.c - a thread joins another while holding the lock that the other needs.
 *
 * What it shows: the main thread takes results_lock, then waits (pthread_join) for a worker to
 * finish; the worker, to finish, must take results_lock to store its result. Main waits for the
 * worker, the worker waits for main: a deadlock made of one lock and one join. It happens on every
 * run because the worker starts only once main holds the lock (a barrier sees to that).
 *
 * What to look for: a `deadlock` with two threads: main in pthread_join waiting for the worker,
 * the worker in pthread_mutex_lock waiting for results_lock, which main holds (and where main
 * took it).
 *
 * How to fix: never wait for a thread (join, or a condition it must signal) while holding a lock
 * that thread may need: join first, then lock.
 *
 * lockhound-expect: deadlock results_lock
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t results_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t main_holds_lock;
static int results[1];

static void *worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&main_holds_lock);
    pthread_mutex_lock(&results_lock); /* main holds it and waits for us: for ever */
    results[0] = 42;
    pthread_mutex_unlock(&results_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_barrier_init(&main_holds_lock, NULL, 2);
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&results_lock);
    pthread_barrier_wait(&main_holds_lock);
    pthread_join(t, NULL); /* the bug: joining while holding results_lock */
    printf("result %d\n", results[0]);
    pthread_mutex_unlock(&results_lock);
    return 0;
}
