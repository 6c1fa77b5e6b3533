/* cond_uninitialised.c - a condition variable in heap memory that was never initialised.
 *
 * What it shows: conn_open() allocates a connection with malloc and initialises its mutex, but
 * forgets pthread_cond_init for `readable`. Heap memory is not zeroed: here it holds the pattern
 * a debugging allocator leaves (glibc's MALLOC_PERTURB_, set with mallopt so that every run has
 * the same bytes; memory freed by an earlier use of the heap is just as arbitrary). The broadcast
 * on that garbage never returns: glibc waits for waiters that do not exist (run natively, the
 * program hangs).
 *
 * What to look for: a `cond-misuse` (never initialised) on the connection's condition variable,
 * with the stack of the broadcast; then a `stall`: the only thread is blocked in the broadcast.
 * lockhound ends the program; it exits 66. Only some garbage can be told from a fresh condition
 * variable (docs/findings.md, cond-misuse): zeroed memory (calloc, a static) is a valid one.
 *
 * How to fix: pthread_cond_init every condition variable of a malloc'ed object (or allocate it
 * with calloc: all zeros is PTHREAD_COND_INITIALIZER in glibc, though POSIX does not promise it).
 *
 * lockhound-expect: cond-misuse "condition variable first used at cond_uninitialised.c:44"
 * lockhound-expect: stall "condition variable first used at cond_uninitialised.c:44"
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct conn {
    pthread_mutex_t lock;
    pthread_cond_t readable; /* never initialised: the bug */
    int bytes;
};

static struct conn *conn_open(void)
{
    struct conn *c = malloc(sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->bytes = 0;
    return c;
}

static void conn_received(struct conn *c, int n)
{
    pthread_mutex_lock(&c->lock);
    c->bytes += n;
    pthread_cond_broadcast(&c->readable); /* never returns on this garbage */
    pthread_mutex_unlock(&c->lock);
}

int main(void)
{
    mallopt(M_PERTURB, 0x5b); /* allocations come filled with 0xa4 bytes */
    struct conn *c = conn_open();
    conn_received(c, 100);
    printf("%d bytes\n", c->bytes);
    free(c);
    return 0;
}
