/* reinit_same_address.c - one piece of memory used as two different locks, one after the other.
 *
 * What it shows: the variable `slot` is initialised as a mutex and used by thread 1 (slot, then
 * lock_a), then destroyed. Thread 2 initialises the same memory again and uses it as a new lock
 * the other way round (lock_a, then slot). The two threads are alive at the same time (a
 * semaphore makes thread 2 wait until thread 1 has destroyed the first lock). Since the first
 * lock no longer exists when the second one is created, they cannot wait for each other: no
 * deadlock. The same happens with locks inside malloc'ed objects whose memory is reused. A tool
 * that names a lock by its address alone sees "slot->lock_a" and "lock_a->slot" and raises a
 * false alarm.
 *
 * What to look for: nothing. lockhound gives a lock a new identity each time its memory is
 * initialised again after a destroy.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t slot; /* reused storage: two different locks over time */
static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static sem_t slot_free; /* posted once the first lock in `slot` is destroyed */
static int uses;

static void *first_user(void *arg)
{
    (void)arg;
    pthread_mutex_init(&slot, NULL);
    pthread_mutex_lock(&slot);
    pthread_mutex_lock(&lock_a); /* first lock in slot, then lock_a */
    uses++;
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&slot);
    pthread_mutex_destroy(&slot); /* the first lock ends here */
    sem_post(&slot_free);
    return NULL;
}

static void *second_user(void *arg)
{
    (void)arg;
    sem_wait(&slot_free);
    pthread_mutex_init(&slot, NULL); /* a new lock at the same address */
    pthread_mutex_lock(&lock_a);
    pthread_mutex_lock(&slot); /* lock_a, then the second lock in slot */
    uses++;
    pthread_mutex_unlock(&slot);
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_destroy(&slot);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    sem_init(&slot_free, 0, 0);
    pthread_create(&t1, NULL, first_user, NULL);
    pthread_create(&t2, NULL, second_user, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("uses=%d\n", uses);
    return 0;
}
