/* blocking_in_worker.c - the blocking task moved off the event loop, onto a worker thread
 * (course: async 4, 5, 9 - when threads are needed besides asynchrony, how to run a blocking
 * task from asynchronous code, and a Future as "a result that will arrive").
 *
 * What it shows: blocking_callback.c, fixed the way asyncio's loop.run_in_executor (or
 * asyncio.to_thread) fixes it: the callback does not call sleep(1) itself, it starts a worker
 * thread that does, and returns to the loop at once. When the worker is done it writes its
 * result into a completion pipe that the loop watches, so the result comes back as one more
 * event, on the loop's thread - the loop never waits for it. The 100 ms timer keeps firing on
 * time (lateness under a few ms) while the worker sleeps. The worker and the loop share nothing
 * but the pipe, so no lock is needed and lockhound reports nothing.
 *
 * What to look for: the lateness column stays small through the second the task takes, and the
 * "worker done" line arrives through the pipe about 1 s after the start. Try: make the worker
 * also update a variable the loop reads, without a lock - that is a data race, the price of
 * bringing threads back.
 *
 * The loop itself (timers, watched fds, poll) is in mini_loop.h, shared by the async samples.
 *
 * lockhound-expect: none
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mini_loop.h"

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
