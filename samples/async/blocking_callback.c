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
 * lockhound-expect: none
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TIMERS 8
#define MAX_WATCHES 4

typedef void callback(void);

struct timer {
    double due;     /* seconds on the loop's clock; 0: a free slot */
    double every;   /* repeat period, or 0 for a one-shot timer */
    callback *fn;
    const char *name;
};

struct watch {
    int fd;
    callback *on_readable;
};

/* The loop (main's only, like asyncio's loop of a thread): its timers, the fds it watches,
 * whether it goes on, and the worst lateness of a timer so far. */
static struct timer timers[MAX_TIMERS];
static struct watch watches[MAX_WATCHES];
static int nwatches;
static int running;
static double worst_lateness;
static double start;
static int pipe_fds[2];
static int ticks;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - start;
}

static void watch(int fd, callback *on_readable)
{
    watches[nwatches++] = (struct watch){fd, on_readable};
}

static void call_later(double delay, double every, callback *fn, const char *name)
{
    for (int i = 0; i < MAX_TIMERS; i++)
        if (timers[i].due == 0) {
            timers[i] = (struct timer){now() + delay, every, fn, name};
            return;
        }
}

/* Run every due timer; return the milliseconds until the next one (for poll's timeout). */
static int run_due_timers(void)
{
    double next = 1e9;
    for (int i = 0; i < MAX_TIMERS; i++) {
        struct timer *t = &timers[i];
        if (t->due == 0)
            continue;
        if (t->due <= now()) {
            if (now() - t->due > worst_lateness)
                worst_lateness = now() - t->due;
            printf("  %6.1f ms  timer %-8s fired %5.2f ms late\n", now() * 1e3,
                   t->name, (now() - t->due) * 1e3);
            struct timer fired = *t;
            t->due = fired.every > 0 ? fired.due + fired.every : 0;
            fired.fn();
        }
        if (t->due != 0 && t->due < next)
            next = t->due;
    }
    double wait_ms = (next - now()) * 1e3;
    return wait_ms < 0 ? 0 : (int)wait_ms + 1;
}

static void run_loop(void)
{
    for (running = 1; running;) {
        int timeout = run_due_timers();
        if (!running)
            break;
        struct pollfd p[MAX_WATCHES];
        for (int i = 0; i < nwatches; i++)
            p[i] = (struct pollfd){.fd = watches[i].fd, .events = POLLIN};
        if (poll(p, (nfds_t)nwatches, timeout) <= 0)
            continue;
        for (int i = 0; i < nwatches; i++)
            if (p[i].revents & POLLIN)
                watches[i].on_readable(); /* the fd is ready: a read will not block */
    }
}

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
