/* mini_loop.h - the small event loop the async samples share: timers and watched file
 * descriptors, run by one thread with poll() (what asyncio's loop is underneath).
 *
 * call_later(delay, every, fn, name) schedules a callback (every > 0: it repeats), watch(fd, fn)
 * calls fn when fd has data, run_loop() runs until a callback sets `running` to 0. Each timer
 * prints how late it fired: a callback that blocks makes every timer after it late, which is
 * what the samples measure (worst_lateness). One loop per program, on main's thread.
 *
 * A header of static functions, so that each sample still builds from its one .c file. */
#ifndef MINI_LOOP_H
#define MINI_LOOP_H

#include <poll.h>
#include <stdio.h>
#include <time.h>

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

#endif
