/* signal_sites.c - a producer hands 1000 items one by one to a consumer through a condition
 * variable, signalling from one call site:
 *   after-unlock  the count is changed under the mutex, the signal comes after the unlock (legal,
 *                 and right; lockhound still notes the site, once: cond-signal-unlocked)
 *   under-lock    the signal comes before the unlock (no note)
 * Before each item the consumer posts `waiting` under the mutex and then waits; the producer takes
 * the mutex after that post, so it gets it only once the consumer sleeps in the wait: every
 * signal of after-unlock finds the mutex free, on every schedule. Prints "done" and exits 0. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

#define ITEMS 1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t more = PTHREAD_COND_INITIALIZER;
static sem_t waiting;
static int available, taken;

static void *consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&lock);
        sem_post(&waiting);
        while (available == 0)
            pthread_cond_wait(&more, &lock);
        available--;
        taken++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int after_unlock = argc > 1 && strcmp(argv[1], "after-unlock") == 0;
    pthread_t t;
    sem_init(&waiting, 0, 0);
    pthread_create(&t, NULL, consumer, NULL);
    for (int i = 0; i < ITEMS; i++) {
        sem_wait(&waiting);
        pthread_mutex_lock(&lock);
        available++;
        if (!after_unlock)
            pthread_cond_signal(&more);
        pthread_mutex_unlock(&lock);
        if (after_unlock)
            pthread_cond_signal(&more);
    }
    pthread_join(t, NULL);
    printf(taken == ITEMS ? "done\n" : "lost items\n");
    return 0;
}
