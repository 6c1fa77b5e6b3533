/* stall_semaphore.c - a semaphore that is never posted (course: Semaphore).
 *
 * What it shows: a producer prepares a job and should post job_ready once per job; on one path
 * (here, the only one taken) it returns early and forgets. The consumer waits in sem_wait for a
 * job that never comes, and main waits in pthread_join for both threads. The producer has ended,
 * nobody else posts: every thread left is blocked for ever.
 *
 * What to look for: after the stall timeout, a `stall`: the consumer in sem_wait on job_ready
 * (its value, 0, and that no thread is left that could post it), main in pthread_join. Then
 * lockhound ends the program.
 *
 * How to fix: post on every path that makes a job ready (and, for shutdown, post once more per
 * consumer with a "no more work" job so that the consumers can leave).
 *
 * lockhound-expect: stall job_ready
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t job_ready;
static int job;

static void *producer(void *arg)
{
    int cached = *(int *)arg;
    if (cached) {
        job = 7;
        return NULL; /* the bug: the early return skips sem_post(&job_ready) */
    }
    job = 8;
    sem_post(&job_ready);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    sem_wait(&job_ready); /* never posted */
    printf("job %d\n", job);
    return NULL;
}

int main(void)
{
    pthread_t p, c;
    int cached = 1;
    sem_init(&job_ready, 0, 0);
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, &cached);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    sem_destroy(&job_ready);
    return 0;
}
