/* fork_separate_copies.c - opposite lock orders in two processes: no deadlock, the locks are
 * different objects.
 *
 * What it shows: after fork(), the child has its own copies of lock_a and lock_b (ordinary
 * mutexes in private memory). The parent's thread takes lock_a then lock_b while the child
 * takes lock_b then lock_a, at the same time. The addresses are the same in both processes, but
 * the locks are not: neither process can ever wait for a lock held in the other one. Only a
 * process-shared mutex placed in shared memory (PTHREAD_PROCESS_SHARED, mmap MAP_SHARED) is the
 * same lock in both processes.
 *
 * What to look for: nothing. lockhound records each process in its own run file and never
 * mixes up two processes' private locks because they sit at the same address.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int work;

static void take(pthread_mutex_t *first, pthread_mutex_t *second)
{
    pthread_mutex_lock(first);
    pthread_mutex_lock(second);
    work++;
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
}

static void *a_then_b(void *arg)
{
    (void)arg;
    take(&lock_a, &lock_b);
    return NULL;
}

int main(void)
{
    pthread_t t;
    int status;
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        take(&lock_b, &lock_a); /* the child's own copies: b, then a */
        _exit(0);
    }
    pthread_create(&t, NULL, a_then_b, NULL); /* the parent's locks: a, then b */
    pthread_join(t, NULL);
    waitpid(child, &status, 0);
    printf("parent work=%d, child exited with %d\n", work,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
