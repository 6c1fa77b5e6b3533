/* cond_wait_while.c - the twin of samples/misuse/cond_wait_if.c: the consumer waits in a loop.
 *
 * What it shows: the same program, with `while` where cond_wait_if.c has `if`. After main's
 * broadcast both consumers wake; one takes the item, the other finds the queue empty again and
 * goes back to sleep until main puts the second item. Each consumer gets an item, every run.
 *
 * What to look for: nothing - lockhound reads the wait's source and sees the loop that checks the
 * condition again.
 *
 * lockhound-expect: none
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
    while (count == 0) { /* checked again after every wake-up */
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
