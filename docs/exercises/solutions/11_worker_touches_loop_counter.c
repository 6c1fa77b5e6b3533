/* 11_worker_touches_loop_counter.c - exercise 11 (docs/exercises/README.md), solved.
 *
 * Start: samples/async/blocking_in_worker.c (it includes samples/async/mini_loop.h). Change: the
 * worker does `ticks += 100;` after its sleep(1).
 *
 * What lockhound says: data-race ticks, the worker thread against the loop's tick() on the main
 * thread. On one thread the loop's callbacks need no lock; once a worker thread touches the same
 * variable, they do. The original keeps the two apart: the worker's only output is the completion
 * pipe, which the loop reads.
 *
 * lockhound-expect: data-race ticks
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../../samples/async/mini_loop.h"

/* This program's own state, beside the loop's (mini_loop.h). */
static int pipe_fds[2];
static int ticks;
static int done_fds[2];   /* the completion pipe: worker -> loop */
static pthread_t worker;
static int worker_joined;

/* ---- the program's callbacks ---- */

static void read_message(void)
{
    char buf[64];
    ssize_t n = read(pipe_fds[0], buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = '\0';
        printf("  %6.1f ms  pipe readable: \"%s\"\n", now() * 1e3, buf);
    }
}

static void tick(void)
{
    char msg[32];
    int n = snprintf(msg, sizeof msg, "tick %d", ++ticks);
    if (write(pipe_fds[1], msg, (size_t)n) != n)
        perror("write");
}

/* The blocking call, on the worker thread; its result goes back to the loop through a pipe. */
static void *blocking_work(void *arg)
{
    static const char result[] = "worker done";
    (void)arg;
    sleep(1);
    ticks += 100; /* the change: the worker touches the loop's own counter */
    if (write(done_fds[1], result, sizeof result - 1) < 0)
        perror("write");
    return NULL;
}

/* Run on the loop: hand the blocking call to a worker and return at once (run_in_executor). */
static void start_blocking_task(void)
{
    printf("  %6.1f ms  blocking task handed to a worker thread\n", now() * 1e3);
    if (pthread_create(&worker, NULL, blocking_work, NULL) != 0)
        perror("pthread_create");
}

/* The completion event: the "future" is resolved, on the loop's thread. */
static void task_completed(void)
{
    char buf[32];
    ssize_t n = read(done_fds[0], buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = '\0';
        printf("  %6.1f ms  completion pipe: \"%s\"\n", now() * 1e3, buf);
    }
    pthread_join(worker, NULL); /* already finished: returns at once */
    worker_joined = 1;
}

static void stop(void)
{
    running = 0; /* a timeout: whatever has not happened by now is cancelled */
}

int main(void)
{
    start = now();
    if (pipe(pipe_fds) != 0 || pipe(done_fds) != 0) {
        perror("pipe");
        return 1;
    }
    watch(pipe_fds[0], read_message);
    watch(done_fds[0], task_completed);
    call_later(0.1, 0.1, tick, "tick");
    call_later(0.15, 0, start_blocking_task, "blocking");
    call_later(1.45, 0, stop, "stop");
    printf("event loop with the blocking task on a worker thread: watch the lateness\n");
    run_loop();
    if (!worker_joined) /* a very slow machine: the loop stopped before the worker was done */
        pthread_join(worker, NULL);
    printf("loop stopped after %.0f ms, %d ticks; worst timer lateness %.1f ms\n", now() * 1e3,
           ticks, worst_lateness * 1e3);
    return 0;
}
