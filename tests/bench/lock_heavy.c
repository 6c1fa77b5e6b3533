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
 * With --threads=N (1 to 4), only the first N threads run: one thread alone measures the wrappers'
 * cost without another core in the way (docs/benchmarks.md: the variants of the library timed
 * against each other).
 *
 * With --try, the inner lock is taken by pthread_mutex_trylock (by pthread_mutex_lock after it when
 * the try finds it taken, which only --shared can make happen): a trylock's own path, measured
 * with tests/bench/instruction-count (docs/benchmarks.md, section 1).
 *
 * Usage: lock_heavy [--shared] [--threads=N] [--try] [ITERATIONS_PER_THREAD]
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

/* Each worker's locks and counter on cache lines of their own (128 bytes: two lines, which the
 * adjacent-line prefetcher fetches together): threads that share no lock share no cache line
 * either. Packed, neighbouring workers' locks shared lines, and the native time moved between 5
 * and 8 ns a pair with how the threads were placed on the CPUs (docs/benchmarks.md). */
struct __attribute__((aligned(128))) worker {
    pthread_t thread;
    pthread_mutex_t own_outer, own_inner;
    pthread_mutex_t *outer, *inner; /* its own pair, or two of the shared ones */
    long iterations;
    long work; /* something to do under the inner lock */
};

static pthread_mutex_t shared[THREADS];
static int try_inner; /* --try: set by main before the threads start */

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    for (long i = 0; i < w->iterations; i++) {
        pthread_mutex_lock(w->outer);
        if (!try_inner || pthread_mutex_trylock(w->inner) != 0)
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
    int contended = 0, threads = THREADS, arg = 1;
    for (; arg < argc && strncmp(argv[arg], "--", 2) == 0; arg++) {
        if (strcmp(argv[arg], "--shared") == 0)
            contended = 1;
        else if (strncmp(argv[arg], "--threads=", 10) == 0 && atoi(argv[arg] + 10) >= 1 &&
                 atoi(argv[arg] + 10) <= THREADS)
            threads = atoi(argv[arg] + 10);
        else if (strcmp(argv[arg], "--try") == 0)
            try_inner = 1;
        else {
            fprintf(stderr, "usage: lock_heavy [--shared] [--threads=1..%d] [--try] [ITERATIONS]\n",
                    THREADS);
            return 2;
        }
    }
    long iterations = arg < argc ? atol(argv[arg]) : DEFAULT_ITERATIONS;
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
    for (int i = 0; i < threads; i++)
        pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
    for (int i = 0; i < threads; i++)
        pthread_join(workers[i].thread, NULL);
    double elapsed = now_seconds() - start;
    for (int i = 0; i < THREADS; i++)
        total += workers[i].work;
    long pairs = 2 * total; /* two lock+unlock pairs per iteration */
    printf("lock_heavy: threads=%d locks=%s iterations=%ld pairs=%ld elapsed=%.3f "
           "ns_per_pair=%.2f\n",
           threads, contended ? "shared" : "own", iterations, pairs, elapsed,
           pairs ? elapsed * 1e9 / (double)pairs : 0.0);
    return 0;
}
