/* livelock_polite.c - a livelock: two polite threads keep stepping aside for each other.
 *
 * What it shows: thread 1 needs lock_a then lock_b, thread 2 needs lock_b then lock_a. Both
 * avoid the deadlock of ab_ba.c by politeness: take the first lock, only *try* the second, and on
 * failure release the first and start again. If the two threads move in lockstep, every try
 * fails, both release, both retry... for ever: nobody is blocked, both burn CPU, nothing
 * progresses. That is a livelock. Here a barrier forces the lockstep for a few rounds (so the
 * livelock really happens, deterministically); then thread 2 gives up its turn until thread 1 is
 * done, and the program ends.
 *
 * What to look for: nothing. A trylock never waits, so there is no lock-order cycle and no
 * deadlock to report; lockhound does not detect livelocks (no tool that only watches lock order
 * can: the threads are never stuck, only unlucky). Watch the "failed tries" count instead.
 *
 * How to fix: take the locks in one global order (no back-off needed at all), or back off for a
 * random time so that the two threads fall out of step.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define LOCKSTEP_ROUNDS 5

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t step;  /* keeps the two threads in lockstep */
static sem_t thread1_done;
static int failed_tries[2];

struct polite {
    int me;
    pthread_mutex_t *first, *second;
};

/* One polite attempt in lockstep with the other thread: both hold their first lock when both
 * try their second, so both tries fail. */
static void lockstep_round(struct polite *p)
{
    pthread_mutex_lock(p->first);
    pthread_barrier_wait(&step); /* both hold their first lock now */
    if (pthread_mutex_trylock(p->second) == 0)
        pthread_mutex_unlock(p->second); /* cannot happen in lockstep */
    else
        failed_tries[p->me]++;
    pthread_barrier_wait(&step); /* both have tried */
    pthread_mutex_unlock(p->first); /* step aside, politely */
    pthread_barrier_wait(&step); /* both have stepped aside: retry */
}

static void *polite_worker(void *arg)
{
    struct polite *p = arg;
    for (int round = 0; round < LOCKSTEP_ROUNDS; round++)
        lockstep_round(p); /* the livelock: a real program would loop here for ever */
    if (p->me == 1)
        sem_wait(&thread1_done); /* thread 2 gives up its turn: the livelock ends */
    for (;;) {
        pthread_mutex_lock(p->first);
        if (pthread_mutex_trylock(p->second) == 0)
            break;
        pthread_mutex_unlock(p->first);
        failed_tries[p->me]++;
    }
    pthread_mutex_unlock(p->second);
    pthread_mutex_unlock(p->first);
    if (p->me == 0)
        sem_post(&thread1_done);
    return NULL;
}

int main(void)
{
    struct polite p1 = {0, &lock_a, &lock_b}, p2 = {1, &lock_b, &lock_a};
    pthread_t t1, t2;
    pthread_barrier_init(&step, NULL, 2);
    sem_init(&thread1_done, 0, 0);
    pthread_create(&t1, NULL, polite_worker, &p1);
    pthread_create(&t2, NULL, polite_worker, &p2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("failed tries: thread 1 %d, thread 2 %d\n", failed_tries[0], failed_tries[1]);
    return 0;
}
