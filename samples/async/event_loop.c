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
