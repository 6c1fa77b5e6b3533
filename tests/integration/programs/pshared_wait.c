/* pshared_wait.c - a process blocks on a process-shared object that another process releases
 * later: no stall, the other process is the wake-up. The object lives in a MAP_SHARED mapping;
 * the child sleeps DELAY_S seconds (argv[2], default 3) and then releases it.
 *   pshared_wait sem     a semaphore made with sem_init(pshared=1); the child posts it
 *   pshared_wait named   a named semaphore from sem_open; the child posts it
 *   pshared_wait mutex   a PTHREAD_PROCESS_SHARED mutex the child holds, then unlocks
 *   pshared_wait cond    a process-shared condvar and mutex; the child sets a flag and signals
 *   pshared_wait spin    a spinlock (which keeps no pshared attribute: only its MAP_SHARED mapping
 *                        says that another process may hold it) the child holds, then unlocks
 * Prints "released" and exits 0 once the parent got through and the child ended. */
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
    sem_t sem, child_ready;
    pthread_mutex_t mutex;
    pthread_spinlock_t spin;
    pthread_cond_t cond;
    int flag;
};

static void pause_s(double s)
{
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&t, &t) != 0)
        ;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "sem";
    double delay = argc > 2 ? atof(argv[2]) : 3.0;
    struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                             -1, 0);
    if (sh == MAP_FAILED)
        return 1;
    pthread_mutexattr_t ma;
    pthread_condattr_t ca;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&sh->mutex, &ma);
    pthread_cond_init(&sh->cond, &ca);
    sem_init(&sh->sem, 1, 0);
    pthread_spin_init(&sh->spin, PTHREAD_PROCESS_SHARED);
    sem_init(&sh->child_ready, 1, 0);
    char name[64];
    snprintf(name, sizeof name, "/lockhound-pshared-%d", (int)getpid());
    sem_t *named = strcmp(what, "named") == 0 ? sem_open(name, O_CREAT | O_EXCL, 0600, 0) : NULL;
    if (strcmp(what, "named") == 0 && named == SEM_FAILED)
        return 1;
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child == 0) {
        if (strcmp(what, "mutex") == 0)
            pthread_mutex_lock(&sh->mutex);
        else if (strcmp(what, "spin") == 0)
            pthread_spin_lock(&sh->spin);
        sem_post(&sh->child_ready);
        pause_s(delay);
        if (strcmp(what, "sem") == 0)
            sem_post(&sh->sem);
        else if (named)
            sem_post(named);
        else if (strcmp(what, "mutex") == 0)
            pthread_mutex_unlock(&sh->mutex);
        else if (strcmp(what, "spin") == 0)
            pthread_spin_unlock(&sh->spin);
        else {
            pthread_mutex_lock(&sh->mutex);
            sh->flag = 1;
            pthread_cond_signal(&sh->cond);
            pthread_mutex_unlock(&sh->mutex);
        }
        _exit(0);
    }
    while (sem_wait(&sh->child_ready) != 0)
        ;
    if (strcmp(what, "sem") == 0) {
        while (sem_wait(&sh->sem) != 0)
            ;
    } else if (named) {
        while (sem_wait(named) != 0)
            ;
        sem_close(named);
        sem_unlink(name);
    } else if (strcmp(what, "spin") == 0) {
        pthread_spin_lock(&sh->spin);
        pthread_spin_unlock(&sh->spin);
    } else {
        pthread_mutex_lock(&sh->mutex);
        while (strcmp(what, "cond") == 0 && !sh->flag)
            pthread_cond_wait(&sh->cond, &sh->mutex);
        pthread_mutex_unlock(&sh->mutex);
    }
    int status;
    waitpid(child, &status, 0);
    puts("released");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
