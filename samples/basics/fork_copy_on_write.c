/* fork_copy_on_write.c - processes do not share memory: a fork child works on its own copy
 * (course: what is a process, how do processes exchange data).
 *
 * What it shows: the parent sets `counter` to 1 and forks. The child adds 100 to its counter
 * under its lock and exits; the parent's counter is still 1 when it adds its own 1, so it prints
 * 2, not 102. After fork(), parent and child have
 * separate copies of every variable - including the mutex: locking it in the child does not lock
 * it in the parent. (The pages are shared until one side writes them: copy-on-write makes fork
 * cheap.) To send data back, the child needs a pipe, a file, or memory mapped MAP_SHARED - see
 * pipe_between_processes.c. The exit status is the one small value a child can hand back.
 *
 * What to look for: nothing. lockhound follows the child too (one run file per process) and
 * keeps the two processes' locks apart.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static int counter = 1;

static void add(int n)
{
    pthread_mutex_lock(&counter_lock);
    counter += n;
    pthread_mutex_unlock(&counter_lock);
}

int main(void)
{
    int status;
    fflush(stdout); /* or the child would print the parent's buffered output again */
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        add(100);
        printf("child:  counter = %d\n", counter);
        fflush(stdout);
        _exit(counter == 101 ? 0 : 1);
    }
    waitpid(child, &status, 0);
    add(1);
    printf("parent: counter = %d (the child's +100 is not here), child exit status %d\n", counter,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
