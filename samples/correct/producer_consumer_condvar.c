/* producer_consumer_condvar.c - a bounded queue between producers and consumers, with condvars.
 *
 * What it shows: the classic monitor. One mutex guards the queue; producers wait on not_full
 * while it is full, consumers on not_empty while it is empty, each in a loop under the mutex.
 * The queue holds 4 items and 2 producers push 20,000 items each, so both sides spend much of
 * their time waiting - and every wait ends, because the other side is running.
 *
 * What to look for: nothing - no stall (some thread can always make progress), no deadlock.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define CAPACITY 4
#define PRODUCERS 2
#define CONSUMERS 2
#define ITEMS_EACH 20000
#define DONE (-1)

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int queue[CAPACITY], head, count;

static void put(int item)
{
    pthread_mutex_lock(&queue_lock);
    while (count == CAPACITY)
        pthread_cond_wait(&not_full, &queue_lock);
    queue[(head + count++) % CAPACITY] = item;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&queue_lock);
}

static int take(void)
{
    pthread_mutex_lock(&queue_lock);
    while (count == 0)
        pthread_cond_wait(&not_empty, &queue_lock);
    int item = queue[head];
    head = (head + 1) % CAPACITY;
    count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&queue_lock);
    return item;
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS_EACH; i++)
        put(i);
    return NULL;
}

static void *consumer(void *arg)
{
    long *sum = arg;
    for (int item; (item = take()) != DONE;)
        *sum += item;
    return NULL;
}

int main(void)
{
    pthread_t p[PRODUCERS], c[CONSUMERS];
    long sums[CONSUMERS] = {0}, total = 0;
    for (int i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, consumer, &sums[i]);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, producer, NULL);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    for (int i = 0; i < CONSUMERS; i++)
        put(DONE); /* one "no more work" item per consumer */
    for (int i = 0; i < CONSUMERS; i++) {
        pthread_join(c[i], NULL);
        total += sums[i];
    }
    printf("sum %ld (expected %ld)\n", total, (long)PRODUCERS * ITEMS_EACH * (ITEMS_EACH + 1) / 2);
    return 0;
}
