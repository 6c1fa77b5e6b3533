/* lock_heavy.c - benchmark program: the cost of recording on the path where nothing new happens.
 *
 * Four threads each take their own outer lock, then their own inner lock, and release both, in a
 * loop: nested, uncontended lock/unlock pairs, the commonest pattern in real programs, and the
 * one where a checker must add almost nothing (every acquisition is a tuple it has already
 * seen). The default size makes a native run take about a second on the 2-core machine the
 * figures in docs/benchmarks.md come from.
 *
 * With --shared, the contended variant: the four threads share four mutexes, thread t taking the
 * pair (t, t + 1 mod 4) in one consistent order (the lower-numbered first), so neighbours wait for
 * each other and the wrappers' waiting path is measured too.
 *
 * Usage: lock_heavy [--shared] [ITERATIONS_PER_THREAD]
 * Prints the iterations, the time between the first create and the last join (measured inside
 * the program, so a tool's start-up and final report are left out) and that time divided by the
 * number of lock+unlock pairs of all threads together: a whole-program cost per pair, which can
 * be compared between runs of different sizes (slow tools run a smaller loop). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define THREADS 4
#define DEFAULT_ITERATIONS 12000000L

struct worker {
    pthread_t thread;
    pthread_mutex_t own_outer, own_inner;
    pthread_mutex_t *outer, *inner; /* its own pair, or two of the shared ones */
    long iterations;
    long work; /* something to do under the inner lock */
};

static pthread_mutex_t shared[THREADS];

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    for (long i = 0; i < w->iterations; i++) {
        pthread_mutex_lock(w->outer);
        pthread_mutex_lock(w->inner);
        w->work++;
        pthread_mutex_unlock(w->inner);
        pthread_mutex_unlock(w->outer);
    }
    return NULL;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static struct worker workers[THREADS];
    int contended = argc > 1 && strcmp(argv[1], "--shared") == 0;
    long iterations = argc > 1 + contended ? atol(argv[1 + contended]) : DEFAULT_ITERATIONS;
    long total = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_mutex_init(&shared[i], NULL);
        pthread_mutex_init(&workers[i].own_outer, NULL);
        pthread_mutex_init(&workers[i].own_inner, NULL);
        int a = i, b = (i + 1) % THREADS, lo = a < b ? a : b, hi = a < b ? b : a;
        workers[i].outer = contended ? &shared[lo] : &workers[i].own_outer;
        workers[i].inner = contended ? &shared[hi] : &workers[i].own_inner;
        workers[i].iterations = iterations;
    }
    double start = now_seconds();
    for (int i = 0; i < THREADS; i++)
        pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
    for (int i = 0; i < THREADS; i++)
        pthread_join(workers[i].thread, NULL);
    double elapsed = now_seconds() - start;
    for (int i = 0; i < THREADS; i++)
        total += workers[i].work;
    long pairs = 2 * total; /* two lock+unlock pairs per iteration */
    printf("lock_heavy: threads=%d locks=%s iterations=%ld pairs=%ld elapsed=%.3f "
           "ns_per_pair=%.2f\n",
           THREADS, contended ? "shared" : "own", iterations, pairs, elapsed,
           pairs ? elapsed * 1e9 / (double)pairs : 0.0);
    return 0;
}
