/* cpu_bound_threads_processes.c - CPU-bound work on 1 thread, 2 threads and 2 processes
 * (course: basic concepts 1-3 - concurrency vs parallelism, CPU-bound tasks, which tool suits
 * them; multithreading 2, multiprocessing 2 - threads vs processes).
 *
 * What it shows: the same fixed amount of pure computation (no I/O, no waiting) done three ways,
 * each timed:
 *   - 1 thread: the baseline;
 *   - 2 threads, each doing half: in C the kernel runs them on two cores at once (parallelism),
 *     so on an idle 2-core machine this takes about half the time. (In CPython the GIL lets only
 *     one of them compute at a time, so there it is no faster: see basics/global_lock_cpu_bound.c);
 *   - 2 processes (fork), each doing half: also parallel, and the way Python gets CPU-bound work
 *     onto several cores (multiprocessing, ProcessPoolExecutor). A process has its own memory,
 *     so each child sends its result back through a pipe; starting it costs a little more than a
 *     thread.
 * On one core, or a busy machine, nothing can be faster than 1 thread: two tasks then only take
 * turns (concurrency without parallelism). The timings are printed, never checked.
 *
 * What to look for: the speed-up column (about 2x for threads and processes with two free
 * cores), and no finding from lockhound - the workers share no data and take no lock.
 * Try: make both threads add into one shared global total without a lock (a lost update).
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOTAL_STEPS 200000000L /* about 0.2 s of work on one core of a 2020s machine */

struct job {
    long steps;
    unsigned long seed;
    unsigned long result; /* each worker has its own: they share nothing */
};

static unsigned long compute(unsigned long x, long steps)
{
    for (long i = 0; i < steps; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    return x;
}

static double seconds_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static void *thread_worker(void *arg)
{
    struct job *job = arg;
    job->result = compute(job->seed, job->steps);
    return NULL;
}

static unsigned long on_threads(int n)
{
    pthread_t t[2];
    struct job jobs[2];
    unsigned long sum = 0;
    for (int i = 0; i < n; i++) {
        jobs[i] = (struct job){TOTAL_STEPS / n, (unsigned long)i + 1, 0};
        pthread_create(&t[i], NULL, thread_worker, &jobs[i]);
    }
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        sum += jobs[i].result;
    }
    return sum;
}

/* Each child computes its half and writes the result into its pipe: the parent cannot see the
 * child's memory. */
static unsigned long on_processes(int n)
{
    int fds[2][2];
    pid_t pids[2];
    unsigned long sum = 0;
    for (int i = 0; i < n; i++) {
        if (pipe(fds[i]) != 0 || (pids[i] = fork()) < 0) {
            perror("pipe/fork");
            exit(1);
        }
        if (pids[i] == 0) {
            unsigned long r = compute((unsigned long)i + 1, TOTAL_STEPS / n);
            exit(write(fds[i][1], &r, sizeof r) == sizeof r ? 0 : 1);
        }
        close(fds[i][1]);
    }
    for (int i = 0; i < n; i++) {
        unsigned long r = 0;
        if (read(fds[i][0], &r, sizeof r) != sizeof r)
            fprintf(stderr, "child %d sent no result\n", i);
        close(fds[i][0]);
        waitpid(pids[i], NULL, 0);
        sum += r;
    }
    return sum;
}

int main(void)
{
    struct timespec t0;
    unsigned long check = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check += on_threads(1);
    double one = seconds_since(&t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check += on_threads(2);
    double threads = seconds_since(&t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check += on_processes(2);
    double processes = seconds_since(&t0);
    printf("CPU-bound work, %ld steps in all (%ld CPUs online)\n", TOTAL_STEPS,
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("  1 thread:    %.3f s\n", one);
    printf("  2 threads:   %.3f s (speed-up %.2fx)\n", threads, one / threads);
    printf("  2 processes: %.3f s (speed-up %.2fx)\n", processes, one / processes);
    printf("checksum %lx\n", check); /* used, so the compiler keeps the work */
    return 0;
}
