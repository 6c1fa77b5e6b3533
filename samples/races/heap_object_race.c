/* heap_object_race.c - a race on a malloc'ed struct that two threads share through a pointer
 * (course: MT 6).
 *
 * What it shows: main allocates a `struct stats` with stats_new() and hands the same pointer to
 * two threads, which both count requests in it with `s->requests++` and no lock. The memory has
 * no name of its own, but it is shared all the same: a pointer handed to two threads shares what
 * it points to.
 *
 * What to look for: lockhound reports a data race on the heap block, named after the function
 * that allocated it (`heap:stats_new`). The report gives the block's size, the offset of the
 * racing bytes in it (`requests` is at offset 0), the stack that allocated it, and both accesses
 * in count_request().
 *
 * How to fix: put a mutex in the struct and hold it around every access to its counters, or make
 * the counters atomic, or give each thread its own struct and add them up after pthread_join.
 *
 * lockhound-expect: data-race heap:stats_new
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 2
#define REQUESTS 1000

struct stats {
    long requests; /* shared through the pointer, guarded by nothing */
    long bytes;
};

static struct stats *stats_new(void)
{
    struct stats *s = malloc(sizeof *s);
    if (s == NULL)
        abort();
    s->requests = 0;
    s->bytes = 0;
    return s;
}

static void count_request(struct stats *s)
{
    s->requests++;
}

static void *server(void *arg)
{
    struct stats *s = arg;
    for (int i = 0; i < REQUESTS; i++)
        count_request(s);
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    struct stats *s = stats_new();
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, server, s);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("requests = %ld (expected %d)\n", s->requests, THREADS * REQUESTS);
    free(s);
    return 0;
}
