/* stress_signals.c - soak: a signal storm answered by sem_post from the handler. A thread sends
 * SIGUSR1 to the process 20,000 times, each time waiting until main has consumed the previous one
 * (so no signal is merged with another); the handler posts a semaphore, main waits on it and posts
 * back. Workers meanwhile take locks. Prints the number of round trips. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#define ROUNDS 20000

static sem_t got, ack;
static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER, m2 = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;
static long work_done;

static void on_usr1(int sig)
{
    (void)sig;
    sem_post(&got);
}

static void *sender(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        kill(getpid(), SIGUSR1);
        while (sem_wait(&ack) != 0) {}
    }
    return NULL;
}

static void *worker(void *arg)
{
    (void)arg;
    while (!stop) {
        pthread_mutex_lock(&m1);
        pthread_mutex_lock(&m2);
        work_done++;
        pthread_mutex_unlock(&m2);
        pthread_mutex_unlock(&m1);
    }
    return NULL;
}

int main(void)
{
    struct sigaction sa = {.sa_handler = on_usr1};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sem_init(&got, 0, 0);
    sem_init(&ack, 0, 0);
    /* only main takes the signal: the others block it */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    pthread_t s, w;
    pthread_create(&w, NULL, worker, NULL);
    pthread_create(&s, NULL, sender, NULL);
    pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
    int rounds = 0;
    for (int i = 0; i < ROUNDS; i++) {
        while (sem_wait(&got) != 0) {}
        rounds++;
        sem_post(&ack);
    }
    pthread_join(s, NULL);
    stop = 1;
    pthread_join(w, NULL);
    printf("round trips: %d\n", rounds);
    return 0;
}
