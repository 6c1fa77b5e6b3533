/* cond_two_mutexes.c - one condition variable used with two different mutexes at the same time.
 *
 * What it shows: two waiters share the condition variable `changed`, but each protects its own
 * flag with its own mutex (lock_one, lock_two). POSIX says that all threads waiting on a condition
 * variable at the same time must use the same mutex; with two, the "release the mutex and wait"
 * step is atomic only with respect to one of them, so a wake-up for the other can be lost.
 * Semaphores and the mutexes themselves make sure both really wait at the same time: main can
 * take a waiter's mutex only once that waiter sleeps in pthread_cond_wait.
 *
 * What to look for: a `cond-multiple-mutexes` naming changed, lock_one and lock_two: the two
 * waits and their stacks. The program goes on; lockhound exits 66.
 *
 * How to fix: one condition variable per mutex (the usual pattern: the mutex protects the state,
 * the condvar signals changes of *that* state), or one mutex for both flags.
 *
 * lockhound-expect: cond-multiple-mutexes changed lock_one lock_two
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t lock_one = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_two = PTHREAD_MUTEX_INITIALIZER;
static int go_one, go_two;
static sem_t about_to_wait;

struct waiter {
    pthread_mutex_t *lock;
    int *go;
};

static void *waiter(void *arg)
{
    struct waiter *w = arg;
    pthread_mutex_lock(w->lock);
    sem_post(&about_to_wait);
    while (!*w->go)
        pthread_cond_wait(&changed, w->lock); /* the same condvar, another mutex */
    pthread_mutex_unlock(w->lock);
    return NULL;
}

int main(void)
{
    struct waiter one = {&lock_one, &go_one}, two = {&lock_two, &go_two};
    pthread_t t1, t2;
    sem_init(&about_to_wait, 0, 0);
    pthread_create(&t1, NULL, waiter, &one);
    pthread_create(&t2, NULL, waiter, &two);
    sem_wait(&about_to_wait);
    sem_wait(&about_to_wait);
    /* Each waiter holds its mutex until it sleeps in pthread_cond_wait: once main has both
     * mutexes, both waiters are waiting on `changed`. */
    pthread_mutex_lock(&lock_one);
    pthread_mutex_lock(&lock_two);
    go_one = go_two = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock_two);
    pthread_mutex_unlock(&lock_one);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    puts("both woke up");
    return 0;
}
