/* 03_event_flag_if_unlocked.c - exercise 3 (docs/exercises/README.md), solved.
 *
 * Start: samples/basics/event_flag.c. Change: event_wait() checks the flag once (`if`, not
 * `while`) and without the mutex, then locks and waits.
 *
 * What lockhound says: a `cond-wait-not-in-loop` warning on ready.changed whenever a reader
 * waited (every run here: the `if` lets the wait return without the flag checked again, which
 * lockhound reads from the source), and on an unlucky schedule a stall on ready.changed.
 * The bug is a lost wake-up: if event_set() runs between a reader's check and its
 * pthread_cond_wait, the broadcast finds nobody waiting, and the reader sleeps for ever although
 * the flag is set. lockhound sees only what happens, and the window is a few instructions wide:
 * in 15 runs here it never opened. samples/stall/lost_wakeup.c forces that schedule with two
 * semaphores, and there lockhound reports `stall data_ready` on every run. This is why a wait
 * must check its condition under the mutex, in a loop.
 *
 * lockhound-expect-one-of: stall ready.changed | none
 * lockhound-expect-one-of: cond-wait-not-in-loop ready.changed | none
 */
#include <pthread.h>
#include <stdio.h>

struct event {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int is_set;
};

static struct event ready = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
static int config_value;

static void event_set(struct event *e)
{
    pthread_mutex_lock(&e->lock);
    e->is_set = 1;
    pthread_cond_broadcast(&e->changed);
    pthread_mutex_unlock(&e->lock);
}

static void event_wait(struct event *e)
{
    if (!e->is_set) { /* the change: an if, and the flag checked without the mutex */
        pthread_mutex_lock(&e->lock);
        pthread_cond_wait(&e->changed, &e->lock);
        pthread_mutex_unlock(&e->lock);
    }
}

static void *reader(void *arg)
{
    int *seen = arg;
    event_wait(&ready);
    *seen = config_value;
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    int seen[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, reader, &seen[i]);
    config_value = 42; /* published by event_set: the mutex orders it before the readers */
    event_set(&ready);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("readers saw %d %d %d\n", seen[0], seen[1], seen[2]);
    return 0;
}
