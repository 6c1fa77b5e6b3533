/* cond_wait_if.c - a consumer that waits on a condition variable under `if` instead of `while`.
 *
 * What it shows: take() checks "queue empty?" once, waits, and then takes the item as if the wait
 * had promised one. It did not: a broadcast wakes every waiter, the first to get the mutex takes
 * the one item, and the second goes on with an empty queue (a spurious wake-up, which POSIX
 * allows, does the same with no signal at all). Here two consumers are made to wait first (main
 * waits until both have said so, under the mutex), then main puts ONE item and broadcasts, and
 * puts a second only once both have woken: every run, one consumer takes an item that is not
 * there, and the program prints WRONG RESULT. Every access is made under the mutex and every
 * lock is taken in one order, so no race detector and no lock-order checker sees anything: the
 * bug is in what the code does after the wait returns.
 *
 * What to look for: a `cond-wait-not-in-loop` warning on not_empty, with the stack of the wait
 * (take, cond_wait_if.c). lockhound reads the program's source around each place it waited and
 * sees that nothing checks the condition again. Warnings do not fail the run.
 *
 * How to fix: `while (count == 0) pthread_cond_wait(&not_empty, &queue_lock);` - the twin,
 * samples/correct/cond_wait_while.c, differs in that one word and prints the right result.
 *
 * lockhound-expect: none
 * lockhound-expect-warning: cond-wait-not-in-loop not_empty
 */
#include <pthread.h>
#include <stdio.h>

#define CONSUMERS 2
#define EMPTY 0

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t progress = PTHREAD_COND_INITIALIZER; /* for main: who waits, who woke */
static int slot = EMPTY, count, waiting, wakeups;

static void put(int item)
{
    slot = item;
    count++;
}

static int take(void)
{
    pthread_mutex_lock(&queue_lock);
    waiting++;
    pthread_cond_signal(&progress);
    if (count == 0) { /* BUG: if, not while */
        pthread_cond_wait(&not_empty, &queue_lock);
        wakeups++;
        pthread_cond_signal(&progress);
    }
    int item = slot; /* believes there is an item */
    slot = EMPTY;
    count--;
    pthread_mutex_unlock(&queue_lock);
    return item;
}

static void *consumer(void *arg)
{
    *(int *)arg = take();
    return NULL;
}

int main(void)
{
    pthread_t c[CONSUMERS];
    int got[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, consumer, &got[i]);
    pthread_mutex_lock(&queue_lock);
    while (waiting < CONSUMERS) /* both consumers are asleep in take() */
        pthread_cond_wait(&progress, &queue_lock);
    put(1);
    pthread_cond_broadcast(&not_empty); /* wakes both; one item */
    while (wakeups < CONSUMERS) /* both returned from the wait once */
        pthread_cond_wait(&progress, &queue_lock);
    put(2);
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&queue_lock);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(c[i], NULL);
    int sum = got[0] + got[1];
    int low = got[0] < got[1] ? got[0] : got[1]; /* which consumer got which item varies */
    printf("%s: items 1 and 2 put, consumers got %d and %d\n", sum == 3 ? "ok" : "WRONG RESULT",
           low, sum - low);
    return 0;
}
