/* free_while_in_use.c - a heap object freed while another thread may still be using it
 * (course: MT 6).
 *
 * What it shows: a session (a counter and the mutex that guards it) is allocated by main and
 * handed to a worker, which counts a hit under the session's mutex and then raises a flag. main
 * sees the flag and frees the session without joining the worker. The flag is a relaxed atomic:
 * it orders nothing, so the worker's use of the session's memory (its lock, unlock and counter)
 * is not ordered before the free. On another schedule the worker still touches freed memory,
 * which malloc may already have given to someone else.
 *
 * What to look for: a data race on the session's heap block (`heap:session_new`): the free in
 * main() - free writes the whole block - against the worker's last use of it in
 * count_hit(). lockhound reports the first byte of the block where the two meet.
 *
 * How to fix: join the worker before freeing what it uses (or count references with an atomic
 * that the last user decrements with acquire-release order, and let it free the block).
 *
 * lockhound-expect: data-race heap:session_new
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct session {
    pthread_mutex_t lock;
    long hits; /* guarded by lock */
};

static atomic_int worker_done; /* relaxed: it says "done", it orders nothing */

static struct session *session_new(void)
{
    struct session *s = malloc(sizeof *s);
    if (s == NULL)
        abort();
    pthread_mutex_init(&s->lock, NULL);
    s->hits = 0;
    return s;
}

static void count_hit(struct session *s)
{
    pthread_mutex_lock(&s->lock);
    s->hits++;
    pthread_mutex_unlock(&s->lock);
}

static void *worker(void *arg)
{
    count_hit(arg);
    atomic_store_explicit(&worker_done, 1, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    pthread_t t;
    struct session *s = session_new();
    pthread_create(&t, NULL, worker, s);
    while (!atomic_load_explicit(&worker_done, memory_order_relaxed))
        ;
    free(s); /* too early: the worker was not joined */
    pthread_join(t, NULL);
    printf("the worker is done\n");
    return 0;
}
