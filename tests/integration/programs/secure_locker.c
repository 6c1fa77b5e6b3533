/* secure_locker.c - a correct program, built with `lockhound cc`, that test_library_security runs
 * as a setuid program: two threads add to a counter under a mutex and to an atomic counter, and
 * main prints both and exits with 3. Every lock call and atomic goes through liblockhound, which
 * is one of its DT_NEEDED libraries (loaded even in a secure process). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define ROUNDS 100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_count;
static atomic_long atomic_count;

static void *add(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        locked_count++;
        pthread_mutex_unlock(&lock);
        atomic_fetch_add_explicit(&atomic_count, 1, memory_order_relaxed);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, add, NULL) != 0)
            return 1;
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("locked %ld atomic %ld\n", locked_count, atomic_load(&atomic_count));
    return 3;
}
