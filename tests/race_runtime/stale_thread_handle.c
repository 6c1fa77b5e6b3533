/* stale_thread_handle.c - a thread created while another is being joined gets the joined one's
 * pthread_t (glibc reuses the descriptor of a joined thread, most recent first): lockhound must
 * not take the new thread for the old one.
 *
 * Each round: a writer sets `shared`; main joins it and then writes `shared` itself (ordered by
 * the join: no race). Run with join_window_shim.so preloaded after the library, the next thread
 * (`waiter`) is created right inside main's join of the writer, after the real join and before
 * lockhound's bookkeeping of it; the round stops when the waiter got the writer's pthread_t. main
 * then lets the waiter end and joins it: a correct join.
 *
 * Before lockhound identified the joined thread at the call (by its lockhound id, a generation
 * of the pthread_t), the join of the writer was recorded as a join of the waiter: a false data
 * race on `shared` (the writer's write was not ordered before main's), and the correct join of
 * the waiter then a false `api-error` join-joined. Without the shim (natively, or preloaded
 * alone) the program runs the same rounds and the window is never hit; its test sets
 * LH_JOIN_WINDOW=1, with which a missing shim is an error (exit 4), not a pass.
 *
 * lockhound-expect: none
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROUNDS 50

long shared;
static sem_t started, go;
static pthread_t waiter_handle;

static void *writer(void *arg)
{
    (void)arg;
    shared = 1;
    return NULL;
}

static void *waiter(void *arg)
{
    (void)arg;
    sem_post(&started);
    sem_wait(&go);
    return NULL;
}

/* Called by the shim inside main's join of the writer. */
static void create_waiter(void)
{
    pthread_create(&waiter_handle, NULL, waiter, NULL);
    sem_wait(&started); /* it has begun: lockhound knows it by its handle */
}

/* ---- the same after a detach: a thread that has ended gives its descriptor back when it is
 * detached, and the next thread (created inside the detach by the shim) gets it. Before, the
 * detach was recorded for the new thread, whose correct join was then a false api-error
 * join-detached (and no join, for the race detector). ---- */

static atomic_int ended_tid;

static void *short_lived(void *arg)
{
    (void)arg;
    atomic_store(&ended_tid, (int)gettid());
    return NULL;
}

/* Until the kernel has removed the thread: then its descriptor only waits for the detach. */
static void wait_until_gone(int tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", tid);
    struct stat st;
    while (stat(path, &st) == 0)
        sched_yield();
}

static int detach_rounds(void)
{
    void (**hook)(void) = (void (**)(void))dlsym(RTLD_DEFAULT, "detach_window_hook");
    int reused = 0;
    for (int round = 0; round < ROUNDS && !reused; round++) {
        pthread_t d;
        waiter_handle = 0;
        atomic_store(&ended_tid, 0);
        pthread_create(&d, NULL, short_lived, NULL);
        int tid;
        while ((tid = atomic_load(&ended_tid)) == 0)
            sched_yield();
        wait_until_gone(tid);
        if (hook)
            *hook = create_waiter;
        pthread_detach(d);
        if (!hook)
            create_waiter();
        reused = pthread_equal(d, waiter_handle);
        sem_post(&go);
        pthread_join(waiter_handle, NULL); /* a correct join of the new thread */
    }
    printf("%s\n", hook ? (reused ? "a new thread got the detached thread's handle" : "no reuse")
                        : "no shim");
    return hook && !reused ? 3 : 0;
}

int main(void)
{
    void (**hook)(void) = (void (**)(void))dlsym(RTLD_DEFAULT, "join_window_hook");
    if (!hook && getenv("LH_JOIN_WINDOW")) {
        fprintf(stderr, "stale_thread_handle: LH_JOIN_WINDOW is set but join_window_shim.so is "
                        "not preloaded\n");
        return 4;
    }
    sem_init(&started, 0, 0);
    sem_init(&go, 0, 0);
    int reused = 0;
    for (int round = 0; round < ROUNDS && !reused; round++) {
        pthread_t w;
        waiter_handle = 0;
        pthread_create(&w, NULL, writer, NULL);
        if (hook)
            *hook = create_waiter;
        pthread_join(w, NULL);
        shared = 2; /* after the join: ordered after the writer's write */
        if (!hook)
            create_waiter();
        reused = pthread_equal(w, waiter_handle);
        sem_post(&go);
        pthread_join(waiter_handle, NULL); /* a correct join of the new thread */
    }
    printf("%s\n", hook ? (reused ? "a new thread got the joined thread's handle" : "no reuse")
                        : "no shim");
    if (hook && !reused)
        return 3;
    return detach_rounds();
}
