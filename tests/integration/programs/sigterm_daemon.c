/* sigterm_daemon.c - the textbook shutdown: workers wait on a condition variable for work, main
 * waits in sem_wait for its SIGTERM handler's sem_post (sem_post is async-signal-safe), then tells
 * the workers to stop, joins them and exits 0. Idle, every thread is blocked for as long as no
 * SIGTERM comes: that is no stall, the signal is the wake-up. Prints "ready <pid>" once the
 * handler is installed (the test sends SIGTERM to that pid) and "clean shutdown" at the end. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define WORKERS 2

static sem_t shutdown_requested;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_changed = PTHREAD_COND_INITIALIZER;
static bool quitting;

static void on_sigterm(int sig)
{
    (void)sig;
    sem_post(&shutdown_requested);
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&queue_lock);
    while (!quitting) /* no work ever comes in this test: only the quit */
        pthread_cond_wait(&queue_changed, &queue_lock);
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

int main(void)
{
    pthread_t workers[WORKERS];
    sem_init(&shutdown_requested, 0, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigterm;
    sigaction(SIGTERM, &sa, NULL);
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&workers[i], NULL, worker, NULL);
    printf("ready %d\n", (int)getpid());
    fflush(stdout);
    while (sem_wait(&shutdown_requested) != 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&queue_lock);
    quitting = true;
    pthread_cond_broadcast(&queue_changed);
    pthread_mutex_unlock(&queue_lock);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(workers[i], NULL);
    puts("clean shutdown");
    return 0;
}
