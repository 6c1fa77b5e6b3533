/* semaphore_bounded_buffer.c - producer and consumer sharing a bounded buffer (course: Lock,
 * Semaphore).
 *
 * What it shows: the classic use of counting semaphores. `free_slots` counts empty slots (the
 * producer waits on it when the buffer is full), `filled_slots` counts items (the consumer waits
 * on it when the buffer is empty), and a mutex protects the buffer indices. The semaphores
 * limit how far one side can run ahead; the mutex makes each update atomic.
 *
 * What to look for: nothing - a correct program. Classic misuse to try: swap the order of
 * sem_wait(&free_slots) and pthread_mutex_lock(&buffer_lock) in the producer. Then the producer
 * can sleep on the semaphore while holding the mutex the consumer needs to make room: a deadlock
 * through a semaphore, which no lock-order tool sees (a semaphore has no owner).
 *
 * lockhound-expect: none
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
        sem_wait(&free_slots); /* wait for room before taking the lock */
        pthread_mutex_lock(&buffer_lock);
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
