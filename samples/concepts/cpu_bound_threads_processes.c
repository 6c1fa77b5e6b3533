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
 * Each way prints its wall time (what a clock on the wall measures) and its CPU time (what the
 * cores spent computing, summed over threads and children: getrusage), and CPU / wall, the number
 * of cores that were busy with this work on average. The CPU time is about the same three times:
 * the work is the same. Two workers can only halve the wall time if two cores are free for them,
 * so the program also prints how many cores it may use (sched_getaffinity: `nproc`, or fewer under
 * taskset or a container) and the ideal speed-up, min(2, cores). A speed-up below the ideal with
 * CPU / wall below 2 means the cores were busy with other programs, not that threads do not help.
 *
 * What to look for: the speed-up column (close to the ideal it prints for threads and processes
 * when the cores are free), and no finding from lockhound - the workers share no data and take no
 * lock.
 * Try: make both threads add into one shared global total without a lock (a lost update).
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
#include <stdlib.h>
#include <sys/resource.h>
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

/* Wall time and CPU time (this process's threads plus its children that were waited for). */
struct stamp {
    double wall, cpu;
};

static double seconds(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static struct stamp now(void)
{
    struct timespec w;
    struct rusage self, children;
    clock_gettime(CLOCK_MONOTONIC, &w);
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return (struct stamp){(double)w.tv_sec + (double)w.tv_nsec / 1e9,
                          seconds(self.ru_utime) + seconds(self.ru_stime) +
                              seconds(children.ru_utime) + seconds(children.ru_stime)};
}

static struct stamp since(struct stamp a)
{
    struct stamp b = now();
    return (struct stamp){b.wall - a.wall, b.cpu - a.cpu};
}

/* The cores this process may run on (what `nproc` prints): fewer than online under taskset. */
static int usable_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
    return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

static void print_row(const char *what, struct stamp t, const struct stamp *baseline, int ideal)
{
    printf("  %-12s %6.3f s  %6.3f s  %8.2f", what, t.wall, t.cpu, t.cpu / t.wall);
    if (baseline)
        printf("  %.2fx (ideal %dx)", baseline->wall / t.wall, ideal);
    putchar('\n');
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
    unsigned long check = 0;
    int cores = usable_cores(), ideal = cores < 2 ? 1 : 2;
    struct stamp t0 = now();
    check += on_threads(1);
    struct stamp one = since(t0);
    t0 = now();
    check += on_threads(2);
    struct stamp threads = since(t0);
    t0 = now();
    check += on_processes(2);
    struct stamp processes = since(t0);
    printf("CPU-bound work, %ld steps in all; cores usable: %d (online: %ld)\n", TOTAL_STEPS, cores,
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("  %-12s %8s  %8s  %8s  %s\n", "", "wall", "CPU", "CPU/wall", "speed-up");
    print_row("1 thread:", one, NULL, 1);
    print_row("2 threads:", threads, &one, ideal);
    print_row("2 processes:", processes, &one, ideal);
    printf("  (CPU/wall: cores kept busy on average; speed-up = its growth over the 1-thread row)\n");
    printf("checksum %lx\n", check); /* used, so the compiler keeps the work */
    return 0;
}
