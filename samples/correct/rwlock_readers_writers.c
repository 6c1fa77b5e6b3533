/* rwlock_readers_writers.c - readers and writers share a table through a reader-writer lock.
 *
 * What it shows: four readers look up entries under the lock in read mode, at the same time as
 * each other; two writers update entries in write mode, alone. Writers wait for readers, readers
 * wait for writers, thousands of times, and everyone finishes.
 *
 * What to look for: nothing - no deadlock, no stall.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define READERS 4
#define WRITERS 2
#define OPS 20000
#define ENTRIES 16

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static long table[ENTRIES];

static void *reader(void *arg)
{
    long *seen = arg;
    for (int i = 0; i < OPS; i++) {
        pthread_rwlock_rdlock(&table_lock);
        *seen += table[i % ENTRIES];
        pthread_rwlock_unlock(&table_lock);
    }
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < OPS; i++) {
        pthread_rwlock_wrlock(&table_lock);
        table[i % ENTRIES]++;
        pthread_rwlock_unlock(&table_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t r[READERS], w[WRITERS];
    long seen[READERS] = {0};
    for (int i = 0; i < READERS; i++)
        pthread_create(&r[i], NULL, reader, &seen[i]);
    for (int i = 0; i < WRITERS; i++)
        pthread_create(&w[i], NULL, writer, NULL);
    for (int i = 0; i < READERS; i++)
        pthread_join(r[i], NULL);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(w[i], NULL);
    long total = 0;
    for (int i = 0; i < ENTRIES; i++)
        total += table[i];
    printf("%ld updates\n", total);
    return 0;
}
