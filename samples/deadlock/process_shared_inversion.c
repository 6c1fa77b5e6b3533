/* process_shared_inversion.c - two processes take two process-shared mutexes in opposite orders.
 *
 * What it shows: two mutexes made PTHREAD_PROCESS_SHARED and placed in memory that both
 * processes map (mmap MAP_SHARED), the way processes share a lock. A first child process takes
 * lock_a then lock_b; a second one takes lock_b then lock_a. Here the parent starts the second
 * child only after the first has ended (waitpid), so this run cannot hang; but nothing in the
 * children themselves orders them: started together, or with the first one slower, each can hold
 * its first lock while waiting for the other's, and both processes hang for ever.
 *
 * What to look for: one `lock-order-inversion` naming both locks, whose two steps name different
 * processes (pid and thread). Each process writes its own run file, and the mutexes sit at
 * different addresses in each (each maps the memory where it likes): lockhound knows them as the
 * same locks by the shared mapping they live in (its object, and the offset in it), not by
 * address.
 *
 * How to fix: one lock order for every process, as for threads: lock_a first, everywhere.
 *
 * The locks live in no variable of their own, so the report names them by where they were
 * initialised (the lines of the two pthread_mutex_init calls in main).
 *
 * lockhound-expect: lock-order-inversion "mutex initialised at process_shared_inversion.c:75" "mutex initialised at process_shared_inversion.c:76"
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
    pthread_mutex_t lock_a;
    pthread_mutex_t lock_b;
    int balance_a, balance_b;
};

static void transfer(pthread_mutex_t *first, pthread_mutex_t *second, int *from, int *to)
{
    pthread_mutex_lock(first);
    pthread_mutex_lock(second);
    *from -= 10;
    *to += 10;
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
}

/* Runs one child process: moves money between the two shared accounts. */
static void run_child(struct shared *s, int a_first)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        _exit(1);
    }
    if (pid == 0) {
        if (a_first)
            transfer(&s->lock_a, &s->lock_b, &s->balance_a, &s->balance_b);
        else
            transfer(&s->lock_b, &s->lock_a, &s->balance_b, &s->balance_a);
        _exit(0);
    }
    waitpid(pid, NULL, 0); /* the next child starts after this one ended */
}

int main(void)
{
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                            -1, 0);
    if (s == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->lock_a, &attr);
    pthread_mutex_init(&s->lock_b, &attr);
    pthread_mutexattr_destroy(&attr);
    s->balance_a = s->balance_b = 100;
    run_child(s, 1); /* lock_a, then lock_b */
    run_child(s, 0); /* lock_b, then lock_a */
    printf("balances: %d %d\n", s->balance_a, s->balance_b);
    return 0;
}
