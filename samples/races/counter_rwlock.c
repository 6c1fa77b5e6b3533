/* counter_rwlock.c - a counter shared by readers and writers through a read-write lock (course:
 * MT 7, Lock).
 *
 * What it shows: two writer threads increment `counter` holding counter_lock for writing
 * (pthread_rwlock_wrlock); two reader threads read it holding the same lock for reading
 * (pthread_rwlock_rdlock). Readers may hold the lock together, since reads do not conflict; a
 * writer holds it alone, so no reader sees a half-done update and no increment is lost.
 *
 * What to look for: nothing. lockhound sees counter_lock held at every access, held for writing
 * at every write: two readers sharing the read lock never race, since neither writes.
 *
 * Classic mistake to try: increment under pthread_rwlock_rdlock (a "read" lock taken to write):
 * two writers can then hold it together, and lockhound reports a data race on counter.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define WRITERS 2
#define READERS 2
#define ROUNDS 20000

static pthread_rwlock_t counter_lock = PTHREAD_RWLOCK_INITIALIZER;
static long counter;                 /* guarded by counter_lock */
static long largest_seen[READERS];   /* one slot per reader, never shared */

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_rwlock_wrlock(&counter_lock);
        counter++;
        pthread_rwlock_unlock(&counter_lock);
    }
    return NULL;
}

static void *reader(void *arg)
{
    int me = (int)(long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_rwlock_rdlock(&counter_lock);
        long now = counter;
        pthread_rwlock_unlock(&counter_lock);
        if (now > largest_seen[me])
            largest_seen[me] = now;
    }
    return NULL;
}

int main(void)
{
    pthread_t w[WRITERS], r[READERS];
    for (int i = 0; i < WRITERS; i++)
        pthread_create(&w[i], NULL, writer, NULL);
    for (int i = 0; i < READERS; i++)
        pthread_create(&r[i], NULL, reader, (void *)(long)i);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(w[i], NULL);
    for (int i = 0; i < READERS; i++)
        pthread_join(r[i], NULL);
    printf("counter = %ld (expected %d); readers saw at most %ld and %ld\n", counter,
           WRITERS * ROUNDS, largest_seen[0], largest_seen[1]);
    return 0;
}
