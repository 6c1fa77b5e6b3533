/* lost_update_counter.c - the lost update: two threads do counter++ on one shared counter
 * (course: MT 5-6, what makes multithreading unsafe).
 *
 * What it shows: `counter++` is not one step but three: read counter, add 1, write it back. When
 * both threads read the same old value, both write old + 1, and one of the two increments is
 * lost. Run it without lockhound a few times: the total is often short of 200000 (how often
 * depends on the machine).
 *
 * What to look for: lockhound reports a data race on `counter`, with both accesses in
 * count_visit(): neither thread held a lock, and nothing (a join, a semaphore, an atomic) orders
 * them. It reports it on every run, also on a run whose total came out right: it does not need
 * the two threads to collide, only two unordered accesses, one of them a write.
 *
 * How to fix: hold one mutex around every access (counter_mutex.c), or make the counter atomic
 * (atomic_relaxed_counter.c).
 *
 * lockhound-expect: data-race counter
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 2
#define VISITS 100000

long counter; /* shared by both threads, guarded by nothing */

/* noinline keeps the compiler from merging the loop's increments into one addition, which would
 * hide the lost updates in a native run (lockhound reports the race either way). */
__attribute__((noinline)) static void count_visit(void)
{
    counter++; /* read, add, write: the other thread can run between the read and the write */
}

static void *visitor(void *arg)
{
    (void)arg;
    for (int i = 0; i < VISITS; i++)
        count_visit();
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, visitor, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("counter = %ld (expected %d)\n", counter, THREADS * VISITS);
    return 0;
}
