/* 05_semaphore_wait_under_lock.c - exercise 5 (docs/exercises/README.md), solved.
 *
 * Start: samples/basics/semaphore_bounded_buffer.c. Change: the producer takes buffer_lock first
 * and only then waits for a free slot (sem_wait(&free_slots)).
 *
 * What lockhound says: stall buffer_lock free_slots - both names, because the finding is about
 * both: the producer sleeps in sem_wait(free_slots) on the full buffer while holding buffer_lock,
 * and the consumer, which would post free_slots, waits for buffer_lock. A semaphore has no owner,
 * so this is no lock-order cycle that could be predicted: it is caught when it happens, which is
 * on every run here (the producer fills the 4 slots long before 100 items are consumed).
 *
 * lockhound-expect: stall buffer_lock free_slots
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define SLOTS 4
#define ITEMS 100

static int buffer[SLOTS];
static int head, tail;
static pthread_mutex_t buffer_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t free_slots, filled_slots;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&buffer_lock);
        sem_wait(&free_slots); /* the change: waits for room while holding the lock */
        buffer[tail] = i;
        tail = (tail + 1) % SLOTS;
        pthread_mutex_unlock(&buffer_lock);
        sem_post(&filled_slots);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long *sum = arg;
    for (int i = 1; i <= ITEMS; i++) {
        sem_wait(&filled_slots);
        pthread_mutex_lock(&buffer_lock);
        *sum += buffer[head];
        head = (head + 1) % SLOTS;
        pthread_mutex_unlock(&buffer_lock);
        sem_post(&free_slots);
    }
    return NULL;
}

int main(void)
{
    pthread_t p, c;
    long sum = 0;
    sem_init(&free_slots, 0, SLOTS);
    sem_init(&filled_slots, 0, 0);
    pthread_create(&p, NULL, producer, NULL);
    pthread_create(&c, NULL, consumer, &sum);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    printf("sum of 1..%d = %ld\n", ITEMS, sum);
    return 0;
}
