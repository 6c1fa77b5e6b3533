/* signal_waiter.c - test program for signals sent to `lockhound run` (test_run_signals.c).
 *
 * signal_waiter inversion|quiet die|count FD
 *   inversion: two threads first take lock_a and lock_b in opposite orders (sequenced, so that
 *   this run cannot hang); quiet: no locking at all.
 *   Then it writes "ready PID\n" to descriptor FD (a pipe the test reads), and waits:
 *   die: for a signal that ends it (SIGTERM's default action);
 *   count: counting the SIGINTs it gets (writing "int\n" to FD at the first) until SIGTERM, then
 *   prints "SIGINT received N times" and exits 0.
 *   Either way an alarm ends it after 60 s, so that an orphan (lockhound killed) does not linger. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static sem_t first_done;
static volatile sig_atomic_t interrupts, terminated;

static void *a_then_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_a);
    pthread_mutex_lock(&lock_b);
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    sem_post(&first_done);
    return NULL;
}

static void *b_then_a(void *arg)
{
    (void)arg;
    sem_wait(&first_done);
    pthread_mutex_lock(&lock_b);
    pthread_mutex_lock(&lock_a);
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

static void on_int(int sig)
{
    (void)sig;
    interrupts++;
}

static void on_term(int sig)
{
    (void)sig;
    terminated = 1;
}

static void say(int fd, const char *text)
{
    if (write(fd, text, strlen(text)) < 0)
        _exit(3);
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    int fd = atoi(argv[3]);
    if (strcmp(argv[1], "inversion") == 0) {
        pthread_t t1, t2;
        sem_init(&first_done, 0, 0);
        pthread_create(&t1, NULL, a_then_b, NULL);
        pthread_create(&t2, NULL, b_then_a, NULL);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
    }
    sigset_t waiting, blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    bool counting = strcmp(argv[2], "count") == 0;
    if (counting) {
        /* Handlers only run inside sigsuspend: none is lost between the checks. */
        sigprocmask(SIG_BLOCK, &blocked, &waiting);
        struct sigaction sa = {.sa_handler = on_int};
        sigaction(SIGINT, &sa, NULL);
        sa.sa_handler = on_term;
        sigaction(SIGTERM, &sa, NULL);
    }
    char ready[64];
    snprintf(ready, sizeof ready, "ready %d\n", (int)getpid());
    say(fd, ready);
    alarm(60); /* an orphan (lockhound killed) does not linger */
    if (!counting) {
        for (;;)
            pause();
    }
    bool told = false;
    while (!terminated) {
        sigsuspend(&waiting);
        if (interrupts && !told) {
            say(fd, "int\n");
            told = true;
        }
    }
    printf("SIGINT received %d time%s\n", (int)interrupts, interrupts == 1 ? "" : "s");
    return 0;
}
