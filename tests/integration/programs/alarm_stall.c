/* alarm_stall.c - a real stall (main waits on a semaphore nobody posts) with an alarm pending
 * whose signal wakes nobody: its action is the default (argv[1] "default": the alarm ends the
 * process, as it would without lockhound) or ignored ("ignore"). argv[2]: the alarm's seconds.
 * Natively: dies of SIGALRM after the alarm (default), or hangs for ever (ignore).
 * "exit": every thread is blocked (main joins a thread that waits on a condition variable nobody
 * signals), but the alarm's handler will end the program with _exit(3): natively it exits 3 when
 * the alarm rings. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_signalled = PTHREAD_COND_INITIALIZER;

static void on_alarm(int sig)
{
    (void)sig;
    _exit(3);
}

static void *waits_for_ever(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    for (;;)
        pthread_cond_wait(&never_signalled, &m);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *action = argc > 1 ? argv[1] : "default";
    unsigned seconds = argc > 2 ? (unsigned)atoi(argv[2]) : 30;
    if (strcmp(action, "exit") == 0) {
        signal(SIGALRM, on_alarm);
        alarm(seconds);
        pthread_t t;
        pthread_create(&t, NULL, waits_for_ever, NULL);
        pthread_join(t, NULL);
        return 0;
    }
    sem_t never_posted;
    sem_init(&never_posted, 0, 0);
    if (strcmp(action, "ignore") == 0)
        signal(SIGALRM, SIG_IGN);
    alarm(seconds);
    while (sem_wait(&never_posted) != 0)
        ;
    return 0;
}
