/* fork_ordered_shared_locks.c - opposite orders on two process-shared mutexes, before and after
 * a fork: ordered by the fork, so no deadlock.
 *
 * What it shows: two PTHREAD_PROCESS_SHARED mutexes in a MAP_SHARED mapping, one lock in two
 * processes. The parent takes lock_a then lock_b, releases both, and only then forks; the child
 * takes lock_b then lock_a. The child did not exist while the parent held its locks, so it can
 * never wait for them: everything the parent did before fork() comes before everything the child
 * does (as a thread's creation orders what its creator did before).
 *
 * What to look for: nothing. lockhound knows the locks are the same in both processes (by their
 * shared mapping), so it sees both orders; and it knows the fork point, so it does not pair the
 * parent's acquisitions before the fork with the child's. Had the parent taken lock_a then
 * lock_b again after the fork, while the child ran, that would be a real inversion (see
 * deadlock/process_shared_inversion.c).
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
    pthread_mutex_t lock_a;
    pthread_mutex_t lock_b;
    int counter;
};

static void both(pthread_mutex_t *first, pthread_mutex_t *second, int *counter)
{
    pthread_mutex_lock(first);
    pthread_mutex_lock(second);
    ++*counter;
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
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
    both(&s->lock_a, &s->lock_b, &s->counter); /* before the fork: a, then b */
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        both(&s->lock_b, &s->lock_a, &s->counter); /* the child: b, then a */
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("counter=%d, child exited with %d\n", s->counter,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
