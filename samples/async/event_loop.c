/* event_loop.c - an event loop built by hand: one thread, poll(), and callbacks
 * (course: async 1-3, 7-9, 12 - asynchronous code, how the focus of execution moves, what an
 * event loop is, how to start one and add a task to it while it runs, futures and timeouts).
 *
 * What it shows: asyncio's loop is, at heart, this: a list of timers (run this callback at time
 * T) and a list of watched file descriptors (run this callback when fd is readable), and a loop
 * that asks the kernel with poll() "wake me at the next deadline or when an fd is ready", then
 * runs the callbacks that are due, one after another, on the one thread. A callback is the
 * coroutine's "rest of the work after an await": nothing runs in parallel, the focus moves only
 * when a callback returns to the loop (cooperative multitasking, where threads are switched by
 * the kernel at any instruction).
 *   - a repeating timer every 100 ms writes a message into a pipe (a stand-in for a socket);
 *   - the pipe's read callback prints each message as it arrives;
 *   - the first tick adds a new one-shot timer to the running loop (asyncio.create_task /
 *     loop.call_later), and a last timer at 450 ms stops the loop (a timeout: a timer that
 *     cancels what has not finished).
 * The loop prints how late each timer fired: a few tenths of a millisecond, because every
 * callback returns quickly. Compare blocking_callback.c (one callback that blocks freezes
 * everything) and blocking_in_worker.c (the fix).
 *
 * What to look for: the lateness column, and no finding from lockhound (one thread, no lock).
 * Try: make the read callback loop forever waiting for more data (a blocking read) and watch
 * the timers stop.
 *
 * The loop itself (timers, watched fds, poll) is in mini_loop.h, shared by the async samples.
 *
 * lockhound-expect: none
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mini_loop.h"

/* This program's own state, beside the loop's (mini_loop.h). */
static int pipe_fds[2];
static int ticks;

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

static void added_task(void)
{
    printf("  %6.1f ms  the task added to the running loop ran\n", now() * 1e3);
}

static void tick(void)
{
    char msg[32];
    int n = snprintf(msg, sizeof msg, "tick %d", ++ticks);
    if (write(pipe_fds[1], msg, (size_t)n) != n)
        perror("write");
    if (ticks == 1)
        call_later(0.05, 0, added_task, "added");
}

static void stop(void)
{
    running = 0; /* a timeout: whatever has not happened by now is cancelled */
}

int main(void)
{
    start = now();
    if (pipe(pipe_fds) != 0) {
        perror("pipe");
        return 1;
    }
    watch(pipe_fds[0], read_message);
    call_later(0.1, 0.1, tick, "tick");
    call_later(0.45, 0, stop, "stop");
    printf("event loop: one thread, poll() and callbacks\n");
    run_loop();
    printf("loop stopped after %.0f ms, %d ticks; worst timer lateness %.1f ms\n", now() * 1e3,
           ticks, worst_lateness * 1e3);
    return 0;
}
