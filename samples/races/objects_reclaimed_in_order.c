/* objects_reclaimed_in_order.c - the twin of destroy_while_in_use.c and free_while_in_use.c:
 * synchronisation objects used by several threads, destroyed and freed only once their last use
 * is ordered before (course: MT 6-7).
 *
 * What it shows: four ways a program correctly gets rid of what its threads synchronise with:
 * - a job queue (mutex and condition variable, in a heap block) used by a producer and a
 *   consumer, destroyed and freed by main after joining both;
 * - a barrier and a semaphore used by workers, destroyed by main after the joins;
 * - a shared object whose reference count is an atomic decremented with acquire-release order:
 *   the last worker to drop its reference destroys the object's mutex and frees it, after every
 *   other worker's use (the decrements order them);
 * - every thread prints with printf and puts: stdio's FILE has a lock of its own.
 *
 * What to look for: nothing. A destroy or a free is a write of the object's memory, each use a
 * read; here every use happens before the destroy or the free (a join, a semaphore, the
 * acquire-release count), so none races.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define WORKERS 3

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t nonempty;
    int items; /* guarded by lock */
};

struct shared_object {
    pthread_mutex_t lock;
    long uses;        /* guarded by lock */
    atomic_int refs;  /* one per worker; the last one out frees */
};

static pthread_barrier_t start_line;
static sem_t tokens;

static void *producer(void *arg)
{
    struct queue *q = arg;
    pthread_mutex_lock(&q->lock);
    q->items++;
    pthread_cond_signal(&q->nonempty);
    pthread_mutex_unlock(&q->lock);
    puts("produced one item");
    return NULL;
}

static void *consumer(void *arg)
{
    struct queue *q = arg;
    pthread_mutex_lock(&q->lock);
    while (q->items == 0)
        pthread_cond_wait(&q->nonempty, &q->lock);
    q->items--;
    pthread_mutex_unlock(&q->lock);
    printf("consumed one item\n");
    return NULL;
}

static void release(struct shared_object *o)
{
    if (atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1) {
        pthread_mutex_destroy(&o->lock); /* every other user's last use comes before */
        free(o);
    }
}

static void *worker(void *arg)
{
    struct shared_object *o = arg;
    pthread_barrier_wait(&start_line);
    sem_wait(&tokens);
    pthread_mutex_lock(&o->lock);
    o->uses++;
    pthread_mutex_unlock(&o->lock);
    sem_post(&tokens);
    printf("a worker used the object\n");
    release(o);
    return NULL;
}

int main(void)
{
    struct queue *q = malloc(sizeof *q);
    if (q == NULL)
        return 1;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->nonempty, NULL);
    q->items = 0;
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, q);
    pthread_create(&p, NULL, producer, q);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    pthread_cond_destroy(&q->nonempty);
    pthread_mutex_destroy(&q->lock);
    free(q);

    struct shared_object *o = malloc(sizeof *o);
    if (o == NULL)
        return 1;
    pthread_mutex_init(&o->lock, NULL);
    o->uses = 0;
    atomic_init(&o->refs, WORKERS);
    pthread_barrier_init(&start_line, NULL, WORKERS);
    sem_init(&tokens, 0, 1);
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, o);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start_line);
    sem_destroy(&tokens);
    printf("done\n");
    return 0;
}
