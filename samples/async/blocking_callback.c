/* blocking_callback.c - one blocking callback freezes the whole event loop
 * (course: async 2, 4, 5 - what a blocking task is, and why it must not run on the loop).
 *
 * What it shows: the loop of event_loop.c (one thread, poll(), timers and a pipe), plus one task
 * that blocks: at 150 ms a callback calls sleep(1) - a stand-in for a synchronous database query,
 * a DNS lookup, a big file read or a long computation (in Python: time.sleep or requests.get
 * inside a coroutine). While it sleeps the loop cannot run anything: the 100 ms timer that was
 * due at 200 ms fires about 950 ms late, the messages in the pipe wait, and every tick due
 * during the second is run in one burst afterwards. Nothing is wrong with the locking (there is
 * none), so lockhound has nothing to say: this is a latency bug, not a deadlock.
 *
 * What to look for: the "fired ... late" column jumps to about 950 ms after the blocking task,
 * and the worst lateness printed at the end. The fix is in blocking_in_worker.c: run the
 * blocking call on a worker thread (loop.run_in_executor / asyncio.to_thread) and let the loop
 * hear about its end through a pipe.
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

static void tick(void)
{
    char msg[32];
    int n = snprintf(msg, sizeof msg, "tick %d", ++ticks);
    if (write(pipe_fds[1], msg, (size_t)n) != n)
        perror("write");
}

/* A blocking task run on the loop's own thread: for a second, nothing else can run. */
static void blocking_task(void)
{
    printf("  %6.1f ms  blocking task starts: sleep(1) on the loop's thread\n", now() * 1e3);
    sleep(1);
    printf("  %6.1f ms  blocking task done\n", now() * 1e3);
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
    call_later(0.15, 0, blocking_task, "blocking");
    call_later(1.45, 0, stop, "stop");
    printf("event loop with a blocking callback: watch the lateness\n");
    run_loop();
    printf("loop stopped after %.0f ms, %d ticks; worst timer lateness %.1f ms\n", now() * 1e3,
           ticks, worst_lateness * 1e3);
    return 0;
}
