/* stress_threads.c - soak: 1000 threads, 250 alive at a time, each taking a shared mutex and one of
 * eight others nested under it. Prints the total, which is the same on every run. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 1000
#define WAVE 250
#define ROUNDS 50

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner[8] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                   PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                   PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                   PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static long total;

static void *work(void *arg)
{
    long id = (long)arg;
    for (int r = 0; r < ROUNDS; r++) {
        pthread_mutex_lock(&outer);
        pthread_mutex_lock(&inner[(id + r) % 8]);
        total++;
        pthread_mutex_unlock(&inner[(id + r) % 8]);
        pthread_mutex_unlock(&outer);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[WAVE];
    for (long base = 0; base < THREADS; base += WAVE) {
        for (long i = 0; i < WAVE; i++)
            if (pthread_create(&t[i], NULL, work, (void *)(base + i)) != 0)
                return 1;
        for (long i = 0; i < WAVE; i++)
            pthread_join(t[i], NULL);
    }
    printf("total=%ld\n", total);
    return 0;
}
