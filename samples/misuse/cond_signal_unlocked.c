/* cond_signal_unlocked.c - a condition variable signalled while nobody holds its mutex, after the
 * condition was changed without the mutex: the shape of the lost wake-up.
 *
 * What it shows: finish() sets `done` and signals `finished` without taking `state_lock`, the
 * mutex the waiter checks `done` under. Signalling without the mutex is legal, and fine when the
 * condition was changed under it; changed without it, the waiter can check `done` (still 0), be
 * preempted before it sleeps, miss the signal, and sleep for ever (samples/stall/lost_wakeup.c
 * forces that). Here the waiter is already asleep when finish() runs (it tells main it is about to
 * wait, under the mutex, and main takes the mutex before finish()), so this run ends well.
 *
 * What to look for: a `cond-signal-unlocked` note on finished and state_lock, with the stack of
 * the signal (`lockhound run -v` shows notes; --json lists them). Notes do not fail the run, and
 * the expectation lines state errors and warnings only: tests/integration/test_misuse_notes.c
 * checks the note.
 *
 * How to fix: set `done` under state_lock; the signal may then come before or after the unlock.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static sem_t waiter_ready;
static volatile int done;

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&state_lock);
    sem_post(&waiter_ready);
    while (!done)
        pthread_cond_wait(&finished, &state_lock);
    pthread_mutex_unlock(&state_lock);
    return NULL;
}

static void finish(void)
{
    done = 1;                        /* the bug: without state_lock */
    pthread_cond_signal(&finished); /* nobody holds state_lock here */
}

int main(void)
{
    pthread_t t;
    sem_init(&waiter_ready, 0, 0);
    pthread_create(&t, NULL, waiter, NULL);
    sem_wait(&waiter_ready);
    pthread_mutex_lock(&state_lock); /* free again only once the waiter sleeps */
    pthread_mutex_unlock(&state_lock);
    finish();
    pthread_join(t, NULL);
    printf("finished\n");
    return 0;
}
