/* semaphore_destroy_while_waited.c - a semaphore destroyed while a thread waits on it.
 *
 * What it shows: at shutdown main destroys the semaphore `requests` while a worker still sleeps in
 * sem_wait on it. POSIX: undefined. glibc's sem_destroy happens to do nothing, so main's post
 * after it still wakes the worker here; elsewhere the memory may be freed or reused under the
 * waiting thread, which then never wakes or crashes. To destroy while the worker *really* waits,
 * main first watches the worker's state in /proc until the kernel shows it asleep (a test trick,
 * not something a real program does).
 *
 * What to look for: a `semaphore-misuse` (destroyed while waited on) on requests, with the stack
 * of the destroy, and a second one (used after it was destroyed) with the stack of the post that
 * follows. The program goes on; lockhound exits 66.
 *
 * How to fix: wake and join every thread that may wait on a semaphore (post once per waiter,
 * with a "stop" flag they check) before destroying it.
 *
 * lockhound-expect: semaphore-misuse requests
 * lockhound-expect: semaphore-misuse requests
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static sem_t requests;
static sem_t worker_started;
static pid_t worker_tid;
static int stop, handled;

/* The kernel's state letter for a thread of this process: 'S' while it sleeps (here: in the
 * futex wait inside sem_wait), 'R' while it runs. */
static char thread_state(pid_t tid)
{
    char path[64], state = '?';
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
            state = '?';
        fclose(f);
    }
    return state;
}

static void *worker(void *arg)
{
    (void)arg;
    worker_tid = gettid();
    sem_post(&worker_started);
    for (;;) {
        sem_wait(&requests); /* sleeps here when main destroys `requests` */
        if (stop)            /* set by main before its post: the post orders it */
            break;
        handled++;
    }
    return NULL;
}

int main(void)
{
    pthread_t t;
    struct timespec a_moment = {0, 1000000};
    sem_init(&requests, 0, 0);
    sem_init(&worker_started, 0, 0);
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&worker_started);
    while (thread_state(worker_tid) != 'S') /* until the worker sleeps in sem_wait */
        nanosleep(&a_moment, NULL);
    stop = 1;
    sem_destroy(&requests); /* the bug: the worker still waits on it */
    sem_post(&requests);    /* works with glibc only because its sem_destroy does nothing: a
                               use after the destroy */
    pthread_join(t, NULL);
    printf("worker stopped after %d requests\n", handled);
    return 0;
}
