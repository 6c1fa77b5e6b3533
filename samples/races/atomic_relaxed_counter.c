/* atomic_relaxed_counter.c - the other fix of lost_update_counter.c: an atomic counter, with
 * relaxed memory order (course: MT 6).
 *
 * What it shows: atomic_fetch_add_explicit() reads, adds and writes in one indivisible step, so
 * two threads can never both read the same old value: the total is always 200000, without a
 * lock. memory_order_relaxed is enough for a pure counter: it makes the increment atomic but
 * orders nothing else, and nothing else needs ordering here (main reads the total after
 * pthread_join, which orders everything the threads did before it).
 *
 * What to look for: nothing. Two atomic accesses never race, whatever their memory order.
 *
 * Classic mistake to try: make it a plain `long hits` incremented with `hits++`: lockhound reports
 * a data race on hits, the lost update of lost_update_counter.c. (Reading an atomic_long by its
 * name alone is still an atomic load; only a non-atomic type makes the accesses plain.)
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define THREADS 2
#define VISITS 100000

static atomic_long hits; /* only ever touched atomically while the threads run */

static void *visitor(void *arg)
{
    (void)arg;
    for (int i = 0; i < VISITS; i++)
        atomic_fetch_add_explicit(&hits, 1, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, visitor, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("hits = %ld (expected %d)\n", atomic_load(&hits), THREADS * VISITS);
    return 0;
}
