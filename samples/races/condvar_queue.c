/* condvar_queue.c - a producer/consumer queue with a mutex and a condition variable; the jobs are
 * filled in and read outside the lock (course: MT 7, MT 9).
 *
 * What it shows: main (the producer) allocates each job and fills it in with no lock held, then
 * pushes it on the queue under queue_lock and signals queue_changed. Two consumers pop jobs under
 * queue_lock, waiting on queue_changed while the queue is empty, and read each job after
 * unlocking. That is correct: a job belongs to the producer until it is pushed and to one
 * consumer once popped, and the queue's lock, which both take in turn, orders the producer's
 * writes before the consumer's reads.
 *
 * What to look for: nothing. lockhound does not count a plain lock as ordering threads (only as
 * protection held at both accesses), but a mutex used with a condition variable is a monitor: its
 * unlock and the next lock are the hand-off, and lockhound orders them. So the job fields, written
 * and read with no lock held, are not reported.
 *
 * Main queues the first job only once both consumers wait on queue_changed, as a pool waits for
 * its workers to start; this also makes every run hand the jobs over the same way.
 *
 * Classic mistake to try: in consumer(), peek at `head` without the lock before locking (to skip
 * the lock when the queue looks empty): lockhound reports a data race on `head` in every run in
 * which a peek and a push are not kept apart by the lock.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define CONSUMERS 2
#define JOBS 20

struct job {
    int id;
    int numbers[4];
    struct job *next;
};

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_changed = PTHREAD_COND_INITIALIZER;
static struct job *head, *tail;   /* guarded by queue_lock */
static int consumers_waiting;     /* guarded by queue_lock */
static int finished;              /* guarded by queue_lock: no more jobs will come */
static long sum_by[CONSUMERS];    /* one slot per consumer, never shared */

static struct job *pop_job(void) /* with queue_lock held */
{
    struct job *j = head;
    head = j->next;
    if (head == NULL)
        tail = NULL;
    return j;
}

static void *consumer(void *arg)
{
    int me = (int)(long)arg;
    pthread_mutex_lock(&queue_lock);
    consumers_waiting++;
    pthread_cond_broadcast(&queue_changed);
    for (;;) {
        while (head == NULL && !finished)
            pthread_cond_wait(&queue_changed, &queue_lock);
        if (head == NULL)
            break;
        struct job *j = pop_job();
        pthread_mutex_unlock(&queue_lock);
        for (int i = 0; i < 4; i++) /* the job is ours now: read it without the lock */
            sum_by[me] += j->numbers[i];
        free(j);
        pthread_mutex_lock(&queue_lock);
    }
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

static void push_job(struct job *j)
{
    pthread_mutex_lock(&queue_lock);
    j->next = NULL;
    if (tail != NULL)
        tail->next = j;
    else
        head = j;
    tail = j;
    pthread_cond_signal(&queue_changed);
    pthread_mutex_unlock(&queue_lock);
}

static void wait_for_consumers(void)
{
    pthread_mutex_lock(&queue_lock);
    while (consumers_waiting < CONSUMERS)
        pthread_cond_wait(&queue_changed, &queue_lock);
    pthread_mutex_unlock(&queue_lock);
}

int main(void)
{
    pthread_t t[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++)
        pthread_create(&t[i], NULL, consumer, (void *)(long)i);
    wait_for_consumers();
    long expected = 0;
    for (int id = 0; id < JOBS; id++) {
        struct job *j = malloc(sizeof *j);
        if (j == NULL)
            abort();
        j->id = id; /* filled in with no lock held: the job is not shared yet */
        for (int i = 0; i < 4; i++) {
            j->numbers[i] = id * 4 + i;
            expected += j->numbers[i];
        }
        push_job(j);
    }
    pthread_mutex_lock(&queue_lock);
    finished = 1;
    pthread_cond_broadcast(&queue_changed);
    pthread_mutex_unlock(&queue_lock);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(t[i], NULL);
    printf("consumers summed %ld (expected %ld)\n", sum_by[0] + sum_by[1], expected);
    return 0;
}
