/* trylock_backoff.c - taking locks "the wrong way round" safely, with trylock and back-off.
 *
 * What it shows: thread 1 takes lock_a then lock_b. Thread 2 needs them the other way round: it
 * holds lock_b and only *tries* lock_a; when that fails it releases lock_b and starts again. A
 * trylock never waits, so thread 2 can never be part of a circular wait. In this run the
 * threads are sequenced with semaphores so that thread 2's first try really fails (thread 1 holds
 * lock_a at that moment) and the back-off path runs; its second try succeeds.
 *
 * What to look for: nothing. lockhound records the trylock as "held afterwards" but adds no
 * ordering edge for it. (Helgrind counts a trylock as an ordinary lock and reports a cycle.)
 *
 * Beware: back-off done by many threads in a tight loop can turn into a livelock, where every
 * thread keeps backing off and nobody progresses. A short random sleep before retrying helps.
 *
 * lockhound-expect: none
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static sem_t a_taken;    /* thread 1 holds lock_a */
static sem_t first_try;  /* thread 2 has tried lock_a once */
static sem_t t1_done;    /* thread 1 has released both locks */
static int backoffs;

static void *a_then_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_a);
    sem_post(&a_taken);
    sem_wait(&first_try); /* only to make the back-off happen in this run */
    pthread_mutex_lock(&lock_b);
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    sem_post(&t1_done);
    return NULL;
}

static void *b_then_try_a(void *arg)
{
    (void)arg;
    sem_wait(&a_taken);
    for (;;) {
        pthread_mutex_lock(&lock_b);
        if (pthread_mutex_trylock(&lock_a) == 0)
            break; /* got both */
        pthread_mutex_unlock(&lock_b); /* back off: never wait for lock_a while holding lock_b */
        if (backoffs++ == 0) {
            sem_post(&first_try);
            sem_wait(&t1_done); /* a real program would sleep a little and retry */
        }
    }
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    sem_init(&a_taken, 0, 0);
    sem_init(&first_try, 0, 0);
    sem_init(&t1_done, 0, 0);
    pthread_create(&t1, NULL, a_then_b, NULL);
    pthread_create(&t2, NULL, b_then_try_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("thread 2 backed off %d time(s)\n", backoffs);
    return 0;
}
