/* spinlock_inversion.c - the AB/BA deadlock with spinlocks: it would burn two CPUs for ever.
 *
 * What it shows: spinlocks order like mutexes. Thread 1 takes spin_a then spin_b, thread 2 takes
 * spin_b then spin_a. A deadlocked spinlock does not sleep: both threads spin at 100 % CPU. A
 * semaphore sequences the threads so this run never hangs.
 *
 * What to look for: a lock-order inversion between spin_a and spin_b, of kind spinlock.
 *
 * How to fix: one order for both threads. (And hold a spinlock only for a few instructions:
 * never take another lock while holding one if you can avoid it.)
 *
 * lockhound-expect: lock-order-inversion spin_a spin_b
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_spinlock_t spin_a, spin_b;
static sem_t first_done; /* posted when thread 1 has released both locks */
static long hits;

static void *a_then_b(void *arg)
{
    (void)arg;
    pthread_spin_lock(&spin_a);
    pthread_spin_lock(&spin_b); /* holds spin_a, wants spin_b */
    hits++;
    pthread_spin_unlock(&spin_b);
    pthread_spin_unlock(&spin_a);
    sem_post(&first_done);
    return NULL;
}

static void *b_then_a(void *arg)
{
    (void)arg;
    sem_wait(&first_done); /* only so that this run cannot hang */
    pthread_spin_lock(&spin_b);
    pthread_spin_lock(&spin_a); /* holds spin_b, wants spin_a */
    hits++;
    pthread_spin_unlock(&spin_a);
    pthread_spin_unlock(&spin_b);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_spin_init(&spin_a, PTHREAD_PROCESS_PRIVATE);
    pthread_spin_init(&spin_b, PTHREAD_PROCESS_PRIVATE);
    sem_init(&first_done, 0, 0);
    pthread_create(&t1, NULL, a_then_b, NULL);
    pthread_create(&t2, NULL, b_then_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("hits=%ld\n", hits);
    pthread_spin_destroy(&spin_b);
    pthread_spin_destroy(&spin_a);
    return 0;
}
