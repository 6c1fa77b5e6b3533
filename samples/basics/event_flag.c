/* event_flag.c - an "Event" (like Python's threading.Event) built from a flag, a mutex and a
 * condition variable (course: Event).
 *
 * What it shows: event_wait() sleeps until another thread calls event_set(). The flag is what
 * matters; the condition variable only saves busy waiting. The waiter re-checks the flag in a
 * loop under the mutex, which makes the event immune to the two classic bugs: a lost wake-up
 * (the setter signals before the waiter sleeps: the waiter then sees the flag and never
 * sleeps) and spurious wake-ups (the loop goes back to sleep).
 *
 * What to look for: nothing - a correct program. Misuse to try: replace the `while` with an
 * `if`, or signal without setting the flag under the mutex; the program may then sleep for ever
 * on some schedules.
 *
 * lockhound-expect: none
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
    pthread_mutex_lock(&e->lock);
    while (!e->is_set) /* a loop, not an if */
        pthread_cond_wait(&e->changed, &e->lock);
    pthread_mutex_unlock(&e->lock);
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
