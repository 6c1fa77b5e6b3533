/* 09_message_flag_relaxed.c - exercise 9 (docs/exercises/README.md), solved.
 *
 * Start: samples/races/atomic_message_passing.c. Change: the store and the load of `ready` use
 * memory_order_relaxed.
 *
 * What lockhound says: data-race message.id and data-race message.text[0]. The flag is still
 * atomic, so `ready` itself is no race, but a relaxed store publishes nothing: the receiver may
 * see ready == 1 and still read the message as it was before the sender wrote it. Only a release
 * store read by an acquire load orders the plain writes before it with the reads after it.
 *
 * lockhound-expect: data-race message.id
 * lockhound-expect: data-race message.text[0]
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

struct note {
    int id;
    char text[24];
};

static struct note message; /* written by the sender before `ready`, read by the receiver after */
static atomic_int ready;

static void *sender(void *arg)
{
    (void)arg;
    message.id = 42;
    strcpy(message.text, "the answer");
    atomic_store_explicit(&ready, 1, memory_order_relaxed); /* the change: relaxed */
    return NULL;
}

static void *receiver(void *arg)
{
    int *length = arg;
    while (atomic_load_explicit(&ready, memory_order_relaxed) == 0) /* the change */
        sched_yield();
    *length = message.id + (int)strlen(message.text); /* the message is complete here */
    return NULL;
}

int main(void)
{
    pthread_t s, r;
    int result = 0;
    pthread_create(&r, NULL, receiver, &result);
    pthread_create(&s, NULL, sender, NULL);
    pthread_join(s, NULL);
    pthread_join(r, NULL);
    printf("received message %d, \"%s\" (id + length = %d)\n", message.id, message.text, result);
    return 0;
}
