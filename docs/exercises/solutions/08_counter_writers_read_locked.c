/* 08_counter_writers_read_locked.c - exercise 8 (docs/exercises/README.md), solved.
 *
 * Start: samples/races/counter_rwlock.c. Change: the writers take pthread_rwlock_rdlock instead of
 * pthread_rwlock_wrlock.
 *
 * What lockhound says: data-race counter, writer against writer: both held counter_lock, but only
 * for reading, which lets them in together. In most runs a second data-race counter follows,
 * reader against writer. Four threads share counter's 8 bytes, more than lockhound remembers at
 * once, so the second one can be missed on a busy machine: hence "at least" one.
 *
 * lockhound-expect-at-least: data-race counter
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
        pthread_rwlock_rdlock(&counter_lock); /* the change: a writer takes the read lock */
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
