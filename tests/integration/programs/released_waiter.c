/* released_waiter.c - a lock waiter whose lock is released, but who has not run yet.
 *
 * main takes a mutex; a thread blocks on it and the program prints "waiter PID TID". On a line
 * from stdin, main releases the mutex and joins the thread. The test stops the thread with ptrace
 * before it can take the freed mutex, and keeps it stopped for longer than the stall timeout: what
 * a loaded machine does by chance (deadlock/timed_wait_cycle was once ended as a stall that way).
 * Every thread then looks blocked in an untimed wait, but the lock is free: no stall. Prints
 * "done" and exits 0 once the thread took and released the mutex. */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *waiter(void *arg)
{
    (void)arg;
    printf("waiter %d %ld\n", getpid(), (long)syscall(SYS_gettid));
    fflush(stdout);
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t t;
    char line[16];
    pthread_mutex_lock(&m);
    if (pthread_create(&t, NULL, waiter, NULL) != 0)
        return 1;
    if (!fgets(line, sizeof line, stdin))
        return 2;
    pthread_mutex_unlock(&m);
    pthread_join(t, NULL);
    puts("done");
    return 0;
}
