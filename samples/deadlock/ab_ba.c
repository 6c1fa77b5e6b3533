/* ab_ba.c - the classic deadlock: two threads take the same two locks in opposite orders.
 *
 * What it shows: thread 1 takes lock_a then lock_b, thread 2 takes lock_b then lock_a. If thread
 * 1 holds lock_a while thread 2 holds lock_b, each waits for the other for ever. Here the
 * threads are sequenced with a semaphore so the program never hangs: thread 2 starts only after
 * thread 1 has let go of both locks. The deadlock did not happen in this run, but it could have:
 * nothing in the program's logic stops the two threads from running at the same time.
 *
 * What to look for: lockhound reports a lock-order inversion between lock_a and lock_b, with the
 * place where each thread held one lock and asked for the other. It finds it although the run
 * went fine, because it checks the order in which locks are taken, not whether a thread waited.
 *
 * How to fix: pick one global order (for example "lock_a before lock_b") and take the locks in
 * that order everywhere. The semaphore does not fix it: it only makes this run harmless.
 *
 * lockhound-expect: lock-order-inversion lock_a lock_b
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static sem_t first_done; /* posted when thread 1 has released both locks */
static int balance_a = 100, balance_b = 100;

static void *move_a_to_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_a);
    pthread_mutex_lock(&lock_b); /* holds lock_a, wants lock_b */
    balance_a -= 10;
    balance_b += 10;
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    sem_post(&first_done);
    return NULL;
}

static void *move_b_to_a(void *arg)
{
    (void)arg;
    sem_wait(&first_done); /* only so that this run cannot hang */
    pthread_mutex_lock(&lock_b);
    pthread_mutex_lock(&lock_a); /* holds lock_b, wants lock_a: the opposite order */
    balance_b -= 5;
    balance_a += 5;
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    sem_init(&first_done, 0, 0);
    /* Both threads exist at the same time: neither is joined before both are created. */
    pthread_create(&t1, NULL, move_a_to_b, NULL);
    pthread_create(&t2, NULL, move_b_to_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    sem_destroy(&first_done);
    printf("a=%d b=%d\n", balance_a, balance_b);
    return 0;
}
