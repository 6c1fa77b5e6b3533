/* destroy_locked.c - a mutex destroyed while another thread holds it.
 *
 * What it shows: main shuts the cache down and destroys cache_lock while a worker is still
 * inside its critical section. Destroying a locked mutex is undefined behaviour: glibc happens to
 * refuse with EBUSY (which the program ignores); elsewhere the memory may be reused under the
 * worker's feet. Semaphores force the order: the worker holds the lock when main destroys it.
 *
 * What to look for: a `destroy-locked` on cache_lock: where main destroys it, and where the
 * worker took it. The program goes on; lockhound exits 66.
 *
 * How to fix: stop and join every thread that may use the lock before destroying it.
 *
 * lockhound-expect: destroy-locked cache_lock
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t cache_lock;
static sem_t worker_holds_lock, main_destroyed;
static int cache_entries;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cache_lock);
    sem_post(&worker_holds_lock);
    sem_wait(&main_destroyed); /* forced: main destroys the lock while we hold it */
    cache_entries++;
    pthread_mutex_unlock(&cache_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_init(&cache_lock, NULL);
    sem_init(&worker_holds_lock, 0, 0);
    sem_init(&main_destroyed, 0, 0);
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&worker_holds_lock);
    pthread_mutex_destroy(&cache_lock); /* the bug: the worker still holds it */
    sem_post(&main_destroyed);
    pthread_join(t, NULL);
    printf("entries %d\n", cache_entries);
    return 0;
}
