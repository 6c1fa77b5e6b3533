/* stress_cancel.c - soak: 200 threads in asynchronous cancellation mode initialise, take and destroy
 * mutexes of their own in a loop (each new lock is lockhound's slow path: a new lock, a new tuple, a
 * stack walk, allocation) and are cancelled at an arbitrary moment. The locks are the thread's own, so
 * a cancel that lands while one is held harms nobody natively; lockhound must not hang or crash
 * when the cancel lands inside its own code. Prints how many were cancelled and joined.
 *
 * A cancel that lands while the thread holds one of its locks is a true exit-holding-lock, at a
 * point that varies from run to run: the soak test suppresses it (@SOAK@ is tests/soak).
 * lockhound-options: --suppressions=@SOAK@/stress_cancel.supp
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 200

static volatile unsigned long spins;

static void *work(void *arg)
{
    (void)arg;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
    for (;;) {
        pthread_mutex_t a, b;
        pthread_mutex_init(&a, NULL);
        pthread_mutex_init(&b, NULL);
        pthread_mutex_lock(&a);
        pthread_mutex_lock(&b);
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
        pthread_mutex_destroy(&b);
        pthread_mutex_destroy(&a);
        for (int i = 0; i < 100; i++)
            spins++;
    }
    return NULL;
}

int main(void)
{
    int joined = 0;
    for (long i = 0; i < THREADS; i++) {
        pthread_t t;
        void *res;
        if (pthread_create(&t, NULL, work, NULL) != 0)
            return 1;
        for (volatile int d = 0; d < (int)(i % 7) * 20000; d++) {}
        pthread_cancel(t);
        if (pthread_join(t, &res) == 0 && res == PTHREAD_CANCELED)
            joined++;
    }
    printf("cancelled and joined: %d\n", joined);
    return 0;
}
