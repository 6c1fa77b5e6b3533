/* 06_io_requests_counted_unlocked.c - exercise 6 (docs/exercises/README.md), solved.
 *
 * Start: samples/concepts/io_bound_threads.c. Change: a global `long finished`, incremented at the
 * end of do_request() with no lock, printed at the end.
 *
 * What lockhound says (built with `lockhound cc`, as `lockhound check` builds a program that
 * expects a data race): data-race finished. The four request threads each do finished++, a read
 * then a write, and nothing orders them. The count comes out right (8) in practice, since the
 * threads finish 200 ms apart, and the race is reported all the same: two unordered accesses are
 * enough, no collision is needed.
 *
 * lockhound-expect: data-race finished
 */
#include <pthread.h>
#include <stdio.h>
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

static long finished; /* the change: requests done, counted by every thread */

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
    finished++; /* the change: no lock */
    return NULL;
}

static double seconds_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
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
    double seq = sequential(), par = on_threads();
    printf("I/O-bound work: %d requests, each waiting %ld ms for its reply\n", REQUESTS,
           REPLY_DELAY_NS / 1000000);
    printf("  sequential:  %.3f s\n", seq);
    printf("  %d threads:   %.3f s (speed-up %.2fx)\n", REQUESTS, par, seq / par);
    printf("  requests finished: %ld\n", finished);
    return 0;
}
