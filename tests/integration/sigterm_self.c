/* sigterm_self.c - test program: does a little locking in a thread, then kills itself with
 * SIGTERM. Used to check that `lockhound run` reports a death by signal as 128 + signal, like a
 * shell, and that the plain preload leaves the signal death as it is. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *work(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    pthread_join(t, NULL);
    printf("counter=%d, now dying of SIGTERM\n", counter);
    fflush(stdout);
    raise(SIGTERM);
    return 0; /* not reached */
}
