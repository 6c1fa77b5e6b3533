/* io_bound_threads.c - I/O-bound work, one after another vs on threads
 * (course: basic concepts 1-3 - I/O-bound tasks and what suits them; multithreading 2;
 * async 2 - the same waiting is what an event loop overlaps on one thread).
 *
 * What it shows: four "requests", each of which mostly waits - here for a reply that a helper
 * thread sends through a pipe after 200 ms (a stand-in for a network server or a disk), then
 * the request's read() returns. Done sequentially the waits add up (about 0.8 s); on four
 * threads they overlap (about 0.2 s), even on a single core, because a thread blocked in read()
 * uses no CPU and the kernel runs the others meanwhile. This is why threads help I/O-bound
 * work even under Python's GIL (a blocked thread releases it), and why one event loop over
 * poll() can do the same without threads (async/event_loop.c). The timings are printed, never
 * checked.
 *
 * Each way prints its wall time and its CPU time (getrusage: what the cores spent on it): the CPU
 * time stays near zero, since waiting costs none, so the speed-up does not depend on how many
 * cores the machine has or how busy they are (it prints the cores it may use, as `nproc` does,
 * to show that the ideal, 4x with 4 threads, is not bounded by them).
 *
 * What to look for: sequential ~0.8 s, threads ~0.2 s, CPU time a few ms; and no finding from
 * lockhound (each request has its own pipe; no lock is shared).
 * Try: count the finished requests in a shared global from each thread without a lock.
 *
 * lockhound-expect: none
 * lockhound-soak: stdout varies (it prints timings)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define REQUESTS 4
#define REPLY_DELAY_NS 200000000L /* 200 ms: a slow server */

struct request {
    int id;
    int fds[2];        /* the "connection": the server writes, the request reads */
    pthread_t server;
    char reply[32];
};

/* The remote side: answers after a delay. */
static void *server(void *arg)
{
    struct request *r = arg;
    struct timespec delay = {0, REPLY_DELAY_NS};
    char msg[32];
    int n = snprintf(msg, sizeof msg, "reply %d", r->id);
    nanosleep(&delay, NULL);
    if (write(r->fds[1], msg, (size_t)n) != n)
        perror("write");
    return NULL;
}

static void start_server(struct request *r, int id)
{
    r->id = id;
    if (pipe(r->fds) != 0)
        perror("pipe");
    pthread_create(&r->server, NULL, server, r);
}

/* The I/O-bound task: almost all of its time is spent blocked in read(). */
static void *do_request(void *arg)
{
    struct request *r = arg;
    ssize_t n = read(r->fds[0], r->reply, sizeof r->reply - 1);
    r->reply[n > 0 ? n : 0] = '\0';
    pthread_join(r->server, NULL);
    close(r->fds[0]);
    close(r->fds[1]);
    return NULL;
}

static double seconds_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

/* The CPU time of the whole process so far, every thread included. */
static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/* The cores this process may run on (what `nproc` prints). */
static int usable_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
    return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

static double sequential(void)
{
    struct request reqs[REQUESTS];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < REQUESTS; i++) {
        start_server(&reqs[i], i); /* one request at a time: send it, wait for the reply */
        do_request(&reqs[i]);
    }
    return seconds_since(&t0);
}

static double on_threads(void)
{
    struct request reqs[REQUESTS];
    pthread_t t[REQUESTS];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < REQUESTS; i++) {
        start_server(&reqs[i], i);
        pthread_create(&t[i], NULL, do_request, &reqs[i]);
    }
    for (int i = 0; i < REQUESTS; i++)
        pthread_join(t[i], NULL);
    return seconds_since(&t0);
}

int main(void)
{
    double cpu0 = cpu_seconds();
    double seq = sequential();
    double cpu1 = cpu_seconds();
    double par = on_threads();
    double cpu2 = cpu_seconds();
    printf("I/O-bound work: %d requests, each waiting %ld ms for its reply; cores usable: %d\n",
           REQUESTS, REPLY_DELAY_NS / 1000000, usable_cores());
    printf("  sequential:  %.3f s wall, %.3f s CPU\n", seq, cpu1 - cpu0);
    printf("  %d threads:   %.3f s wall, %.3f s CPU (speed-up %.2fx, ideal %dx on any number of "
           "cores: waiting uses none)\n",
           REQUESTS, par, cpu2 - cpu1, seq / par, REQUESTS);
    return 0;
}
