/* stale_holder.c - a lock that lockhound could believe still held by a thread that no longer holds
 * it, and which that thread then takes again: natively the lock is free, and the call returns.
 *   reinit-self    main locks a normal mutex, initialises it again with pthread_mutex_init, locks it
 *   reinit-other   a thread locks it, main initialises it again, the thread locks it again
 *   unlock-mutex   a thread locks a normal mutex, another unlocks it (undefined, but it happens),
 *                  the first locks it again
 *   unlock-rwlock  the same with a read lock, then a write lock over it
 *   unlock-spin    the same with a spinlock
 *   unlock-trylock the unlock-mutex case, where the first thread takes the mutex again with trylock
 * The hand-overs go through semaphores: the order is the same on every schedule. Prints "done"
 * and exits 0. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;
static sem_t taken, released;
static const char *what;

static void take(void)
{
    if (strcmp(what, "unlock-rwlock") == 0)
        pthread_rwlock_rdlock(&rwlock);
    else if (strcmp(what, "unlock-spin") == 0)
        pthread_spin_lock(&spin);
    else
        pthread_mutex_lock(&mutex);
}

static void take_again_and_release(void)
{
    if (strcmp(what, "unlock-rwlock") == 0) {
        pthread_rwlock_wrlock(&rwlock);
        pthread_rwlock_unlock(&rwlock);
    } else if (strcmp(what, "unlock-spin") == 0) {
        pthread_spin_lock(&spin);
        pthread_spin_unlock(&spin);
    } else if (strcmp(what, "unlock-trylock") == 0) {
        if (pthread_mutex_trylock(&mutex) == 0)
            pthread_mutex_unlock(&mutex);
    } else {
        pthread_mutex_lock(&mutex);
        pthread_mutex_unlock(&mutex);
    }
}

static void release_for_the_other(void)
{
    if (strcmp(what, "unlock-rwlock") == 0)
        pthread_rwlock_unlock(&rwlock);
    else if (strcmp(what, "unlock-spin") == 0)
        pthread_spin_unlock(&spin);
    else if (strcmp(what, "reinit-other") == 0)
        pthread_mutex_init(&mutex, NULL);
    else
        pthread_mutex_unlock(&mutex);
}

static void *holder(void *arg)
{
    (void)arg;
    take();
    sem_post(&taken);
    while (sem_wait(&released) != 0)
        ;
    take_again_and_release();
    return NULL;
}

int main(int argc, char **argv)
{
    what = argc > 1 ? argv[1] : "reinit-self";
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    sem_init(&taken, 0, 0);
    sem_init(&released, 0, 0);
    if (strcmp(what, "reinit-self") == 0) {
        pthread_mutex_lock(&mutex);
        pthread_mutex_init(&mutex, NULL);
        take_again_and_release();
    } else {
        pthread_t t;
        pthread_create(&t, NULL, holder, NULL);
        while (sem_wait(&taken) != 0)
            ;
        release_for_the_other();
        sem_post(&released);
        pthread_join(t, NULL);
    }
    puts("done");
    return 0;
}
