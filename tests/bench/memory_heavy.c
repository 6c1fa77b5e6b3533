/* memory_heavy.c - benchmark program: the cost of race detection on a program that mostly
 * computes on its own memory.
 *
 * Four threads each own two heap arrays of 64-bit integers (8 MiB each by default: 64 MiB of
 * arrays in all, so that a race detector's shadow memory shows in the peak RSS). Each thread
 * fills its arrays, then makes PASSES passes over them: every element is read twice and written
 * twice, with some integer arithmetic between (gcc instruments all four accesses; clang 14 only
 * the two writes, since each read is followed by a write of the same element in the same basic
 * block, which conflicts with everything the read would). Every UPDATE_EVERY elements the
 * thread takes one mutex and adds what it computed since the last update to a shared structure.
 * This is the shape of most real parallel code - private work, occasional locked sharing - and
 * the path a race detector must make cheap: accesses that nobody else makes.
 *
 * The program is race-free: the arrays are private to their thread (main reads them only after
 * the joins), the shared structure is only touched under its mutex (and by main after the
 * joins). Integer arithmetic with commutative shared updates makes the checksum independent of
 * the schedule, so every build of the same size must print the same one: run-bench compares it.
 *
 * Usage: memory_heavy [PASSES [ELEMENTS_PER_ARRAY]]
 * Prints the size, the checksum, the time between the first create and the last join (measured
 * inside the program, so a tool's start-up and final report are left out), and that time divided
 * by the element visits of all threads (threads x elements x (passes + 1), the filling counting
 * as a pass): a cost per element that can be compared between runs with fewer passes (slow tools
 * run fewer). The default size takes about a second natively on the 2-core machine of
 * docs/benchmarks.md. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define THREADS 4
#define DEFAULT_PASSES 400L
#define DEFAULT_ELEMENTS (1L << 20) /* per array: 8 MiB */
#define UPDATE_EVERY 4096           /* elements between two locked shared updates */
#define BUCKETS 64

struct worker {
    pthread_t thread;
    int index;
    long passes;
    size_t elements;
    uint64_t *a, *b; /* private to the thread until it is joined */
    uint64_t folded; /* the thread's own result, read by main after the join */
};

/* The shared structure: its fields are only touched with lock held, or by main once every
 * worker is joined. */
static struct {
    pthread_mutex_t lock;
    uint64_t sum;
    uint64_t buckets[BUCKETS];
    long updates;
} shared = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void publish(uint64_t partial)
{
    pthread_mutex_lock(&shared.lock);
    shared.sum += partial;
    shared.buckets[partial % BUCKETS]++;
    shared.updates++;
    pthread_mutex_unlock(&shared.lock);
}

static void fill(struct worker *w)
{
    uint64_t seed = 0x243F6A8885A308D3ull * (uint64_t)(w->index + 1), *a = w->a, *b = w->b;
    size_t n = w->elements;
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        a[i] = seed;
        b[i] = seed >> 11;
    }
}

/* One pass: two reads and two writes per element, and a shared update now and then. */
static uint64_t run_pass(struct worker *w, uint64_t pass)
{
    /* n in a local: the stores to a and b could alias w->elements (also an unsigned long), so
     * the compiler would otherwise load it, an instrumented read, at every element */
    uint64_t *a = w->a, *b = w->b, partial = 0, folded = 0;
    size_t n = w->elements;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = a[i], y = b[i];
        y = (y ^ (x >> 7)) * 0x9E3779B97F4A7C15ull + pass;
        a[i] = x + (y >> 31);
        b[i] = y;
        partial += y;
        if (i % UPDATE_EVERY == UPDATE_EVERY - 1) {
            publish(partial);
            folded ^= partial;
            partial = 0;
        }
    }
    return folded + partial;
}

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    uint64_t folded = 0;
    fill(w);
    for (long p = 0; p < w->passes; p++)
        folded = folded * 31 + run_pass(w, (uint64_t)p);
    w->folded = folded;
    return NULL;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Everything the run computed, in one number that does not depend on the schedule. */
static uint64_t checksum(const struct worker *workers)
{
    uint64_t c = shared.sum ^ (uint64_t)shared.updates;
    for (int k = 0; k < BUCKETS; k++)
        c = c * 1099511628211ull + shared.buckets[k];
    for (int t = 0; t < THREADS; t++) {
        const struct worker *w = &workers[t];
        c = c * 1099511628211ull + w->folded;
        for (size_t i = 0; i < w->elements; i++)
            c += w->a[i] ^ (w->b[i] << 1);
    }
    return c;
}

int main(int argc, char **argv)
{
    static struct worker workers[THREADS];
    long passes = argc > 1 ? atol(argv[1]) : DEFAULT_PASSES;
    long elements = argc > 2 ? atol(argv[2]) : DEFAULT_ELEMENTS;
    if (passes < 0 || elements < 1) {
        fprintf(stderr, "usage: memory_heavy [PASSES [ELEMENTS_PER_ARRAY]]\n");
        return 2;
    }
    for (int t = 0; t < THREADS; t++) {
        struct worker *w = &workers[t];
        w->index = t;
        w->passes = passes;
        w->elements = (size_t)elements;
        w->a = malloc(w->elements * sizeof *w->a);
        w->b = malloc(w->elements * sizeof *w->b);
        if (!w->a || !w->b) {
            fprintf(stderr, "memory_heavy: out of memory\n");
            return 1;
        }
    }
    double start = now_seconds();
    for (int t = 0; t < THREADS; t++)
        pthread_create(&workers[t].thread, NULL, run_worker, &workers[t]);
    for (int t = 0; t < THREADS; t++)
        pthread_join(workers[t].thread, NULL);
    double elapsed = now_seconds() - start;
    double visits = (double)THREADS * (double)(passes + 1) * (double)elements;
    printf("memory_heavy: threads=%d passes=%ld elements=%ld arrays_mib=%.0f updates=%ld "
           "checksum=%016llx elapsed=%.3f ns_per_element=%.3f\n",
           THREADS, passes, elements, 2.0 * THREADS * (double)elements * 8 / (1 << 20),
           shared.updates, (unsigned long long)checksum(workers), elapsed,
           elapsed * 1e9 / visits);
    for (int t = 0; t < THREADS; t++) {
        free(workers[t].a);
        free(workers[t].b);
    }
    return 0;
}
