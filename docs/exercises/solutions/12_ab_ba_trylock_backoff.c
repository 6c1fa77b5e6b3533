/* 12_ab_ba_trylock_backoff.c - exercise 12 (docs/exercises/README.md), solved.
 *
 * Start: samples/deadlock/ab_ba.c. Change: the second thread takes lock_b, then only tries
 * lock_a (pthread_mutex_trylock); when the try fails it releases lock_b, yields and starts again.
 *
 * What lockhound says: nothing. The opposite orders are still in the code, but a trylock never
 * waits: a thread that holds lock_b and fails to get lock_a lets go of lock_b instead of waiting,
 * so "hold and wait", one of the four conditions of a deadlock, no longer holds, and no cycle of
 * waiting threads can form (course guide, MT 8). lockhound therefore draws no lock-order edge for
 * a trylock. The price is a possible livelock if both threads retried in lockstep
 * (samples/livelock/livelock.c); here only one side tries, so one always gets through.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static sem_t first_done; /* posted when thread 1 has released both locks */
static int balance_a = 100, balance_b = 100;

static void *move_a_to_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_a);
    pthread_mutex_lock(&lock_b); /* holds lock_a, wants lock_b */
    balance_a -= 10;
    balance_b += 10;
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    sem_post(&first_done);
    return NULL;
}

static void *move_b_to_a(void *arg)
{
    (void)arg;
    sem_wait(&first_done); /* only so that this run cannot hang */
    for (;;) { /* the change: the second lock only tried; on failure, let go and retry */
        pthread_mutex_lock(&lock_b);
        if (pthread_mutex_trylock(&lock_a) == 0)
            break;
        pthread_mutex_unlock(&lock_b);
        sched_yield();
    }
    balance_b -= 5;
    balance_a += 5;
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    sem_init(&first_done, 0, 0);
    /* Both threads exist at the same time: neither is joined before both are created. */
    pthread_create(&t1, NULL, move_a_to_b, NULL);
    pthread_create(&t2, NULL, move_b_to_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    sem_destroy(&first_done);
    printf("a=%d b=%d\n", balance_a, balance_b);
    return 0;
}
