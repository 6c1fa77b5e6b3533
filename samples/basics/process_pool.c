/* process_pool.c - a pool of worker processes fed through pipes (course: MP 4-5,
 * multiprocessing.Pool, how many processes run at once).
 *
 * What it shows: Python's multiprocessing.Pool starts a few worker processes once and sends them
 * tasks, so CPU-bound work runs in parallel without sharing memory (and without a GIL). Here the
 * parent forks one worker per online CPU (at most 4): as many processes can *run* at the same time
 * as there are CPUs; more can exist (up to the RLIMIT_NPROC limit and memory), but they take
 * turns. Each worker gets its tasks through its own pipe, computes, and sends its results back
 * through a shared result pipe (writes of at most PIPE_BUF bytes are atomic, so results from
 * different workers never interleave). Closing the task pipe tells a worker to stop.
 *
 * What to look for: nothing - processes share no locks here. lockhound follows every worker (one
 * run file per process).
 *
 * lockhound-expect: none
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 4
#define TASKS 40

struct result {
    int task;
    long value;
};

static long work(int task)
{
    long sum = 0;
    for (int i = 1; i <= task * 1000; i++)
        sum += i % 7;
    return sum;
}

static void worker_main(int tasks_in, int results_out)
{
    int task;
    while (read(tasks_in, &task, sizeof task) == (ssize_t)sizeof task) {
        struct result r = {task, work(task)};
        if (write(results_out, &r, sizeof r) != (ssize_t)sizeof r)
            _exit(1);
    }
    _exit(0); /* end-of-file: the pool is closing */
}

int main(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int workers = cpus < 1 ? 1 : cpus > MAX_WORKERS ? MAX_WORKERS : (int)cpus;
    int task_pipe[MAX_WORKERS][2], results[2];
    pid_t pids[MAX_WORKERS];
    if (pipe(results) != 0) {
        perror("pipe");
        return 1;
    }
    fflush(stdout);
    for (int w = 0; w < workers; w++) {
        if (pipe(task_pipe[w]) != 0 || (pids[w] = fork()) < 0) {
            perror("pool");
            return 1;
        }
        if (pids[w] == 0) {
            for (int other = 0; other < w; other++)
                close(task_pipe[other][1]); /* or those workers would never see end-of-file */
            close(task_pipe[w][1]);
            close(results[0]);
            worker_main(task_pipe[w][0], results[1]);
        }
        close(task_pipe[w][0]);
    }
    close(results[1]);
    for (int task = 1; task <= TASKS; task++) /* round robin, like Pool.map with chunksize 1 */
        if (write(task_pipe[task % workers][1], &task, sizeof task) != (ssize_t)sizeof task)
            perror("write");
    for (int w = 0; w < workers; w++)
        close(task_pipe[w][1]);
    long total = 0;
    int received = 0;
    struct result r;
    while (read(results[0], &r, sizeof r) == (ssize_t)sizeof r) {
        total += r.value;
        received++;
    }
    for (int w = 0; w < workers; w++)
        waitpid(pids[w], NULL, 0);
    printf("%d worker process(es) on %ld CPU(s) computed %d tasks, total %ld\n", workers, cpus,
           received, total);
    return 0;
}
