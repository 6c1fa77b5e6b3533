/* atomic_message_passing.c - a message handed over through an atomic flag with release and
 * acquire memory orders, with no lock (course: MT 6-7).
 *
 * What it shows: the sender writes an ordinary struct, `message`, then sets the atomic flag
 * `ready` with memory_order_release. The receiver spins until it loads `ready` as 1 with
 * memory_order_acquire, then reads the message. The release store and the acquire load that sees
 * it order everything the sender did before the store before everything the receiver does after
 * the load: the message is complete when the receiver reads it, on any CPU.
 *
 * What to look for: nothing. lockhound orders a release store before an acquire load that reads
 * it, so the plain accesses to `message` are not reported; `ready` itself is only accessed
 * atomically, and atomic accesses never race with each other.
 *
 * Classic mistake to try: make both orders memory_order_relaxed. The flag is still atomic, but it
 * orders nothing: lockhound reports data races on the fields of `message` (and on a weakly
 * ordered CPU, such as ARM, the receiver can really see the flag before the message).
 *
 * lockhound-expect: none
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
    atomic_store_explicit(&ready, 1, memory_order_release); /* publishes the message */
    return NULL;
}

static void *receiver(void *arg)
{
    int *length = arg;
    while (atomic_load_explicit(&ready, memory_order_acquire) == 0)
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
