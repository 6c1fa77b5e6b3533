/* byte_neighbours.c - two threads update alternate bytes of one char array, then one thread
 * strays onto a byte of the other's (course: MT 6).
 *
 * What it shows: a worker increments the even bytes of `flags` (0, 2, 4, 6, 8) and main the odd
 * ones (1, 3, 5, 7, 9): no byte is shared, so this part is fine, although the two threads write
 * into the same 8-byte words all the time. Then main increments bytes 1, 4 and 7 - and 4 is the
 * worker's. Nothing orders the two threads (main waits for the worker's relaxed atomic flag,
 * which only makes the worker's updates come first).
 *
 * What to look for: exactly one data race, on flags[4]: the worker's increment in mark_evens()
 * against main's in main(). Neighbouring bytes written by different threads are not a race in C:
 * a detector must follow each byte, not each word.
 *
 * How to fix: give byte 4 to one thread only, or use a lock for the bytes both update.
 *
 * lockhound-expect: data-race flags[4]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static char flags[10];
static atomic_int evens_done; /* relaxed: it schedules, it does not synchronise */

static void *mark_evens(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++)
        flags[2 * i]++; /* the worker's bytes: 0 2 4 6 8 */
    atomic_store_explicit(&evens_done, 1, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    pthread_t worker;
    pthread_create(&worker, NULL, mark_evens, NULL);
    while (!atomic_load_explicit(&evens_done, memory_order_relaxed))
        ;
    for (int i = 0; i < 5; i++)
        flags[2 * i + 1]++; /* main's bytes: 1 3 5 7 9, no race */
    for (int i = 0; i < 3; i++)
        flags[3 * i + 1]++; /* bytes 1 4 7: 4 is the worker's */
    pthread_join(worker, NULL);
    int sum = 0;
    for (int i = 0; i < 10; i++)
        sum += flags[i];
    printf("sum of the flags: %d\n", sum);
    return 0;
}
