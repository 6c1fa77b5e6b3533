/* unlock_unowned.c - a thread unlocks a mutex that another thread holds (course: Lock).
 *
 * What it shows: main takes config_lock while it loads the configuration and hands the rest of
 * the work to a worker, which "releases the lock for main" when it is done. In Python a Lock may
 * be released by any thread; a pthread mutex may not: only its owner may unlock it, anything
 * else is undefined behaviour (glibc's default mutex silently lets it happen; an error-checking
 * mutex returns EPERM). A semaphore is the tool for "one thread signals another".
 *
 * What to look for: an `unlock-unowned` on config_lock: the worker's unlock and where main took
 * the lock. The program goes on (lockhound does not stop it for misuse), and lockhound exits 66.
 *
 * How to fix: main unlocks what main locked; to let the worker tell main it is done, use a
 * semaphore or a condition variable.
 *
 * lockhound-expect: unlock-unowned config_lock
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static int config_version;

static void *finish_loading(void *arg)
{
    (void)arg;
    config_version = 2;
    pthread_mutex_unlock(&config_lock); /* the bug: main holds it, not this thread */
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&config_lock);
    config_version = 1;
    pthread_create(&t, NULL, finish_loading, NULL);
    pthread_join(t, NULL); /* the lock was "released for us" by the worker */
    printf("config version %d\n", config_version);
    return 0;
}
