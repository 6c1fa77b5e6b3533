/* global_lock_cpu_bound.c - why a global interpreter lock (GIL) stops CPU-bound threads from
 * running faster (course: MT 3-4, the GIL).
 *
 * What it shows: CPython lets a thread run Python code only while it holds one global lock, the
 * GIL. This program imitates it: `gil` is a global mutex, and every worker must hold it while it
 * computes (it lets go between chunks of work, as CPython does every few milliseconds). The same
 * total amount of CPU work is done twice, by 1 thread and then by 2 threads: without the GIL two
 * threads take about half the time on two idle cores; with it they take as long as one, or
 * longer, because only one thread computes at any moment and they also fight over the lock.
 * The GIL exists because it made the interpreter's own data (reference counts, allocator)
 * safe with one lock, and it stayed because removing it slows single-threaded code and breaks C
 * extensions; threads still help for I/O-bound work, which releases the GIL while it waits.
 *
 * What to look for: the printed times, and no finding from lockhound - a single lock can never
 * be part of a lock-order cycle. Then run `lockhound run --contention -- <this program>`: the
 * profile shows `gil` held for most of the run - whoever does not hold it cannot compute. Few of
 * its acquisitions "had to wait": glibc's mutex is not fair, so the thread that lets it go often
 * takes it straight back, and the other thread waits long stretches instead of many short ones.
 *
 * lockhound-expect: none
 * lockhound-soak: stdout varies (it prints timings)
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define TOTAL_CHUNKS 1000
#define CHUNK_WORK 100000

static pthread_mutex_t gil = PTHREAD_MUTEX_INITIALIZER;
static int use_gil;
static unsigned long checksum;

struct job {
    long chunks;
    unsigned long result; /* per thread: the threads share nothing but the GIL */
};

static unsigned long compute_chunk(unsigned long x)
{
    for (int i = 0; i < CHUNK_WORK; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    return x;
}

static void *worker(void *arg)
{
    struct job *job = arg;
    for (long c = 0; c < job->chunks; c++) {
        if (use_gil)
            pthread_mutex_lock(&gil); /* "acquire the GIL" */
        job->result = compute_chunk(job->result);
        if (use_gil)
            pthread_mutex_unlock(&gil); /* "release it between bytecodes" */
    }
    return NULL;
}

static double run(int threads)
{
    pthread_t t[2];
    struct job jobs[2];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job){TOTAL_CHUNKS / threads, (unsigned long)i + 1};
        pthread_create(&t[i], NULL, worker, &jobs[i]);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    for (int i = 0; i < threads; i++)
        checksum += jobs[i].result; /* used, so the compiler keeps the work */
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

int main(void)
{
    for (use_gil = 0; use_gil <= 1; use_gil++) {
        double one = run(1), two = run(2);
        printf("%-11s 1 thread: %.3f s, 2 threads: %.3f s (speed-up %.2fx)\n",
               use_gil ? "with GIL:" : "no GIL:", one, two, one / two);
    }
    printf("checksum %lx\n", checksum);
    return 0;
}
