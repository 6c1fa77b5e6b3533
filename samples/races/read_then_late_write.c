/* read_then_late_write.c - a read in one thread, then a read and a write of the same variable in
 * another thread that nothing orders after it (course: MT 6).
 *
 * What it shows: main fills two counters that sit side by side (`slots[0]` and `slots[1]`, one
 * 8-byte word) and starts two workers, each given one slot. After joining only the first worker,
 * main reads both slots: `slots[0]` is safe (its worker has ended and was joined), `slots[1]` is
 * not - its worker is still running and updates it. Here the second worker is made to update its
 * slot only after main has read it (it waits for a relaxed atomic flag, which orders nothing), so
 * main's read comes first and the worker's read-then-write comes last: the read that races is the
 * OLD one, and a detector that remembered only the latest read of those bytes (the worker's own)
 * would miss it.
 *
 * What to look for: lockhound reports a data race on slots[1]: main's read in main(), the
 * worker's write in bump_late(). Nothing on slots[0].
 *
 * How to fix: join the second worker before reading its slot, as for the first.
 *
 * lockhound-expect: data-race slots[1]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static int slots[2];        /* slots[i] belongs to worker i until it is joined */
static atomic_int main_read; /* relaxed: it schedules, it does not synchronise */

static void *bump_early(void *arg)
{
    int *slot = arg;
    *slot += 44;
    *slot *= 2;
    return NULL;
}

static void *bump_late(void *arg)
{
    int *slot = arg;
    while (!atomic_load_explicit(&main_read, memory_order_relaxed))
        ;
    *slot += 88; /* races with main's read of slots[1] */
    *slot *= 3;
    return NULL;
}

int main(void)
{
    pthread_t early, late;
    slots[0] = 22;
    slots[1] = 77;
    pthread_create(&early, NULL, bump_early, &slots[0]);
    pthread_create(&late, NULL, bump_late, &slots[1]);
    pthread_join(early, NULL);
    int sum = slots[0]; /* fine: its worker was joined */
    sum += slots[1];    /* the race: the late worker has not been joined */
    atomic_store_explicit(&main_read, 1, memory_order_relaxed);
    pthread_join(late, NULL);
    printf("sum before the late update: %d, slots now %d %d\n", sum, slots[0], slots[1]);
    return 0;
}
