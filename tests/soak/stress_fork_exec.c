/* stress_fork_exec.c - soak: while a worker thread takes locks, main forks 50 children (holding
 * both locks across the fork, as pthread_atfork handlers do); each child takes the two locks (its own run file under lockhound) and execs /bin/true, or itself with an argument
 * that makes it print one line. Prints how many children succeeded. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 50

static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER, m2 = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;

static void *worker(void *arg)
{
    (void)arg;
    while (!stop) {
        pthread_mutex_lock(&m1);
        pthread_mutex_lock(&m2);
        pthread_mutex_unlock(&m2);
        pthread_mutex_unlock(&m1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        pthread_mutex_lock(&m1);
        pthread_mutex_unlock(&m1);
        return 7;
    }
    pthread_t w;
    pthread_create(&w, NULL, worker, NULL);
    int ok = 0;
    for (int i = 0; i < CHILDREN; i++) {
        /* the worker must not hold a lock at the fork: the child would inherit it taken */
        pthread_mutex_lock(&m1);
        pthread_mutex_lock(&m2);
        pid_t pid = fork();
        pthread_mutex_unlock(&m2);
        pthread_mutex_unlock(&m1);
        if (pid == 0) {
            pthread_mutex_lock(&m1);
            pthread_mutex_lock(&m2);
            pthread_mutex_unlock(&m2);
            pthread_mutex_unlock(&m1);
            if (i % 2)
                execl("/bin/true", "true", (char *)NULL);
            else
                execl("/proc/self/exe", argv[0], "child", (char *)NULL);
            _exit(127);
        }
        int status;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
            WEXITSTATUS(status) == (i % 2 ? 0 : 7))
            ok++;
    }
    stop = 1;
    pthread_join(w, NULL);
    printf("children ok: %d of %d\n", ok, CHILDREN);
    return 0;
}
