/* process_shared_deadlock.c - two processes deadlock for real on two process-shared mutexes.
 *
 * What it shows: the AB/BA deadlock of really_deadlocks.c, between two processes instead of two
 * threads. Two PTHREAD_PROCESS_SHARED mutexes live in a MAP_SHARED mapping; a first child process
 * takes lock_a, a second one lock_b, and pipes make each wait until the other holds its first
 * lock before it asks for its second: each process then waits for the other's lock, for ever.
 * Without lockhound both children hang, and the parent with them in waitpid.
 *
 * What to look for: one `deadlock` across the two processes, each step naming its process and
 * thread (T0@PID), the lock it waits for and where the other process took it - not two separate
 * stalls, one per process. Each process sees only its own half (one thread waiting for a lock
 * held by someone it does not know); lockhound's watchdog in each process publishes its half
 * beside the run files, finds the cycle in both halves, and ends each process (exit code 66); the
 * parent's waitpid then returns. The lock-order inversion, the cause, is reported as well.
 *
 * How to fix: one lock order for every process: lock_a first, everywhere.
 *
 * The locks live in no variable of their own, so the report names them by where they were
 * initialised (the lines of the two pthread_mutex_init calls in main).
 *
 * lockhound-expect: deadlock "mutex initialised at process_shared_deadlock.c:83" "mutex initialised at process_shared_deadlock.c:84"
 * lockhound-expect: lock-order-inversion "mutex initialised at process_shared_deadlock.c:83" "mutex initialised at process_shared_deadlock.c:84"
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

/* Takes first, tells the other process so (mine), waits until the other holds its own first lock
 * (theirs), then takes second: with the other doing the same the other way round, neither gets
 * its second lock. */
static void transfer(pthread_mutex_t *first, pthread_mutex_t *second, int mine, int theirs,
                     int *from, int *to)
{
    char c = 'x';
    pthread_mutex_lock(first);
    if (write(mine, &c, 1) != 1 || read(theirs, &c, 1) != 1)
        _exit(1);
    pthread_mutex_lock(second); /* waits for the other process, for ever */
    *from -= 10;
    *to += 10;
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
}

static pid_t start(struct shared *s, int a_first, int mine, int theirs)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        _exit(1);
    }
    if (pid == 0) {
        if (a_first)
            transfer(&s->lock_a, &s->lock_b, mine, theirs, &s->balance_a, &s->balance_b);
        else
            transfer(&s->lock_b, &s->lock_a, mine, theirs, &s->balance_b, &s->balance_a);
        _exit(0);
    }
    return pid;
}

int main(void)
{
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                            -1, 0);
    int first_holds[2], second_holds[2];
    if (s == MAP_FAILED || pipe(first_holds) != 0 || pipe(second_holds) != 0) {
        perror("setup");
        return 1;
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->lock_a, &attr);
    pthread_mutex_init(&s->lock_b, &attr);
    pthread_mutexattr_destroy(&attr);
    s->balance_a = s->balance_b = 100;
    pid_t one = start(s, 1, first_holds[1], second_holds[0]);  /* lock_a, then lock_b */
    pid_t two = start(s, 0, second_holds[1], first_holds[0]);  /* lock_b, then lock_a */
    int status_one, status_two;
    waitpid(one, &status_one, 0);
    waitpid(two, &status_two, 0);
    printf("children ended with %d and %d\n", WIFEXITED(status_one) ? WEXITSTATUS(status_one) : -1,
           WIFEXITED(status_two) ? WEXITSTATUS(status_two) : -1);
    return 0;
}
