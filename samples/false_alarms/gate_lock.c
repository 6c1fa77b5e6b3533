/* gate_lock.c - opposite lock orders made safe by a common outer "gate" lock.
 *
 * What it shows: thread 1 takes gate, then lock_a, then lock_b; thread 2 takes gate, then
 * lock_b, then lock_a. The inner orders are opposite, but both threads must hold gate first, so
 * only one of them can be inside at a time and the circular wait can never form - whatever the
 * schedule. Simple lock-graph checkers (Helgrind, ThreadSanitizer, lockdep) still report the
 * a/b cycle.
 *
 * What to look for: nothing. lockhound drops a cycle when the threads held a common lock (the
 * gate) at each of its steps.
 *
 * Note: the gate makes lock_a and lock_b useless for parallelism here. It is a fix when you cannot
 * change the inner order, not a design goal.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int a = 100, b = 100;

struct order {
    pthread_mutex_t *first, *second;
};

static void *move_under_gate(void *arg)
{
    struct order *o = arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&gate);
        pthread_mutex_lock(o->first);
        pthread_mutex_lock(o->second);
        a += (o->first == &lock_a) ? -1 : 1;
        b += (o->first == &lock_a) ? 1 : -1;
        pthread_mutex_unlock(o->second);
        pthread_mutex_unlock(o->first);
        pthread_mutex_unlock(&gate);
    }
    return NULL;
}

int main(void)
{
    struct order a_b = {&lock_a, &lock_b}, b_a = {&lock_b, &lock_a};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, move_under_gate, &a_b);
    pthread_create(&t2, NULL, move_under_gate, &b_a);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("a=%d b=%d\n", a, b);
    return 0;
}
