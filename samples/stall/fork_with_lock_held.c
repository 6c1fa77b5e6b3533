/* fork_with_lock_held.c - a program with threads forks while another thread holds a lock, and the
 * child then takes that lock (course: processes and threads).
 *
 * What it shows: fork copies the whole memory - log_lock in its locked state included - but only
 * the thread that called fork. The logger thread that holds log_lock does not exist in the child,
 * so nobody will ever unlock it there: the child's first log line blocks for ever, and its parent
 * waits for it for ever. Two semaphores make the fork happen while the logger holds the lock, on
 * every run; a real program (a logger, malloc's own locks in old libcs) meets it now and then.
 *
 * What to look for: in the child, after the stall timeout, a `stall` on log_lock that names the
 * parent's thread that held it at the fork and where it took it - not "a thread this report does
 * not show". lockhound ends the child (exit code 66), and the parent sees that status.
 *
 * How to fix: in a program with threads, call only async-signal-safe functions between fork and
 * exec (or use posix_spawn); if the child must take the lock, take it in a pthread_atfork
 * prepare handler and release it in the parent and child handlers.
 *
 * lockhound-expect: stall log_lock
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t lock_taken, forked; /* they only force the unlucky order */

static void log_line(const char *text)
{
    pthread_mutex_lock(&log_lock);
    printf("%s\n", text);
    fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}

static void *logger(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&log_lock);
    sem_post(&lock_taken);
    sem_wait(&forked); /* holds log_lock while main forks */
    pthread_mutex_unlock(&log_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    sem_init(&lock_taken, 0, 0);
    sem_init(&forked, 0, 0);
    pthread_create(&t, NULL, logger, NULL);
    sem_wait(&lock_taken);
    pid_t child = fork();
    if (child == 0) {
        log_line("child: started"); /* log_lock is locked for ever here */
        _exit(0);
    }
    sem_post(&forked);
    pthread_join(t, NULL);
    int status;
    waitpid(child, &status, 0);
    log_line(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "parent: child done"
                                                            : "parent: child failed");
    return 0;
}
