/* semaphore_handoff.c - data handed from thread to thread by a semaphore, with no lock (course:
 * MT 7, Semaphore).
 *
 * What it shows: a client fills in `request` and posts request_ready; the server waits on
 * request_ready, reads the request, fills in `reply` and posts reply_ready; the client waits on
 * reply_ready and reads the reply. Neither struct is ever guarded by a lock, and that is correct:
 * sem_post() in one thread and the sem_wait() it wakes in another order everything before the
 * post before everything after the wait. Each struct has one owner at a time, and the semaphores
 * pass ownership back and forth.
 *
 * What to look for: nothing. lockhound takes the post -> wait order into account (as it does for
 * join, barriers, condition variables, atomics and pthread_once), so the two threads' accesses
 * are ordered, although no lock is held at any of them.
 *
 * Classic mistake to try: read the reply before sem_wait(&reply_ready): lockhound reports a data
 * race on reply.total, since nothing orders that read after the server's write.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define ITEMS 4

struct order {
    int quantities[ITEMS];
};

struct bill {
    int total;
};

static struct order request; /* written by the client, then read by the server */
static struct bill reply;    /* written by the server, then read by the client */
static sem_t request_ready, reply_ready;

static void *server(void *arg)
{
    (void)arg;
    sem_wait(&request_ready); /* after this, the request is the server's to read */
    int total = 0;
    for (int i = 0; i < ITEMS; i++)
        total += request.quantities[i] * (i + 1) * 10;
    reply.total = total;
    sem_post(&reply_ready); /* hands the reply back */
    return NULL;
}

static void *client(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++)
        request.quantities[i] = i + 1;
    sem_post(&request_ready); /* hands the request over */
    sem_wait(&reply_ready);
    printf("the bill is %d\n", reply.total);
    return NULL;
}

int main(void)
{
    pthread_t s, c;
    sem_init(&request_ready, 0, 0);
    sem_init(&reply_ready, 0, 0);
    pthread_create(&s, NULL, server, NULL);
    pthread_create(&c, NULL, client, NULL);
    pthread_join(s, NULL);
    pthread_join(c, NULL);
    sem_destroy(&request_ready);
    sem_destroy(&reply_ready);
    return 0;
}
