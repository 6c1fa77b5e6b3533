/* cycle_of_three.c - a deadlock that needs three threads: no two of them conflict on their own.
 *
 * What it shows: thread 1 takes lock_a then lock_b, thread 2 takes lock_b then lock_c, thread 3
 * takes lock_c then lock_a. Any two of these threads can run together safely, but if all three
 * hold their first lock at once, each waits for the next one round the circle. The threads are
 * sequenced with semaphores (1, then 2, then 3) so this run never hangs.
 *
 * What to look for: one lock-order inversion naming all three locks, with one step per thread.
 * A tool that only compares pairs of threads, or only shows two locks of a cycle, misses or
 * truncates this one.
 *
 * How to fix: a global order (a before b before c): thread 3 must take lock_a before lock_c.
 *
 * lockhound-expect: lock-order-inversion lock_a lock_b lock_c
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;

struct step {
    pthread_mutex_t *first, *second;
    sem_t *wait_for; /* NULL for the first thread */
    sem_t *done;
};

static sem_t done1, done2, done3;
static int work_done;

static void *take_two(void *arg)
{
    struct step *s = arg;
    if (s->wait_for)
        sem_wait(s->wait_for); /* only so that this run cannot hang */
    pthread_mutex_lock(s->first);
    pthread_mutex_lock(s->second); /* holds first, wants second */
    work_done++;
    pthread_mutex_unlock(s->second);
    pthread_mutex_unlock(s->first);
    sem_post(s->done);
    return NULL;
}

int main(void)
{
    struct step steps[3] = {
        {&lock_a, &lock_b, NULL, &done1},
        {&lock_b, &lock_c, &done1, &done2},
        {&lock_c, &lock_a, &done2, &done3},
    };
    pthread_t t[3];
    sem_init(&done1, 0, 0);
    sem_init(&done2, 0, 0);
    sem_init(&done3, 0, 0);
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, take_two, &steps[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("%d steps done\n", work_done);
    return 0;
}
