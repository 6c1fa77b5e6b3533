/* fork_child_reinit.c - a fork child initialises again the locks that were held at the fork.
 *
 * What it shows: a worker holds `log_lock` and `stats_lock` while main forks, and main itself
 * holds `config_lock` across the fork. In the child only the forking thread exists: the worker
 * that held two of the locks is gone, and they would stay locked for ever. The usual repair is to
 * initialise them again in the child: `log_lock` in a pthread_atfork child handler, `stats_lock`
 * and `config_lock` right after fork returns. The child then uses all three and exits; the parent
 * lets the worker go, joins it and waits for the child. A tool that reports every init of a
 * locked mutex as "initialised again while in use" raises three false alarms here.
 *
 * What to look for: nothing. lockhound does not count a re-init in a fork child as reinit-in-use
 * when the holder was a thread that does not exist there, or the forking thread itself.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t worker_holds, worker_may_go;
static int lines, counted;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&log_lock);
    pthread_mutex_lock(&stats_lock);
    sem_post(&worker_holds);
    sem_wait(&worker_may_go); /* holds both locks while main forks */
    lines++;
    counted++;
    pthread_mutex_unlock(&stats_lock);
    pthread_mutex_unlock(&log_lock);
    return NULL;
}

static void child_after_fork(void)
{
    pthread_mutex_init(&log_lock, NULL); /* its holder does not exist in the child */
}

int main(void)
{
    pthread_t t;
    sem_init(&worker_holds, 0, 0);
    sem_init(&worker_may_go, 0, 0);
    pthread_atfork(NULL, NULL, child_after_fork);
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&worker_holds);
    pthread_mutex_lock(&config_lock);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_init(&stats_lock, NULL);  /* held by the worker, gone here */
        pthread_mutex_init(&config_lock, NULL); /* held by this very thread at the fork */
        pthread_mutex_lock(&log_lock);
        pthread_mutex_lock(&stats_lock);
        lines++;
        counted++;
        pthread_mutex_unlock(&stats_lock);
        pthread_mutex_unlock(&log_lock);
        pthread_mutex_lock(&config_lock);
        pthread_mutex_unlock(&config_lock);
        _exit(lines == 1 && counted == 1 ? 0 : 1);
    }
    pthread_mutex_unlock(&config_lock);
    sem_post(&worker_may_go);
    pthread_join(t, NULL);
    int status = 0;
    waitpid(pid, &status, 0);
    printf("child %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "failed");
    return 0;
}
