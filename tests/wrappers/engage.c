/* engage.c - test program: calls one intercepted libc function, named on the command line,
 * correctly and without ever blocking for long, so that tests/wrappers/ can check that the
 * preload library's wrapper for it ran (the run file's `calls` record counts it).
 *
 * Usage: engage FUNCTION   (a name from interpose/base/wrapped_functions.def)
 * Exit: 0 when the call did what it should, 1 when it returned something unexpected, 2 for an
 * unknown name. Each scenario is the smallest correct use of its function; where a call could
 * block (waits, joins, cancellation), the scenario arranges that it returns promptly. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

/* Fails the scenario with the function's result when it is not what was expected. */
#define EXPECT(call, want)                                                                      \
    do {                                                                                        \
        long got_ = (long)(call);                                                               \
        if (got_ != (long)(want)) {                                                             \
            fprintf(stderr, "engage: %s returned %ld, expected %ld\n", #call, got_,             \
                    (long)(want));                                                              \
            return 1;                                                                           \
        }                                                                                       \
    } while (0)

static struct timespec deadline(clockid_t clock, long ms)
{
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* ---- helpers shared by several scenarios ---- */

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int flag;
static sem_t finished;

static void *return_at_once(void *arg)
{
    return arg;
}

static void *post_finished(void *arg)
{
    sem_post(&finished);
    return arg;
}

/* Sets flag and signals cv; main holds m until it waits, so the wait really happens. */
static void *set_flag_and_signal(void *arg)
{
    pthread_mutex_lock(&m);
    flag = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&m);
    return arg;
}

/* ---- mutexes ---- */

static int mutex_basic(void)
{
    pthread_mutex_t mx;
    EXPECT(pthread_mutex_init(&mx, NULL), 0);
    EXPECT(pthread_mutex_lock(&mx), 0);
    EXPECT(pthread_mutex_unlock(&mx), 0);
    EXPECT(pthread_mutex_destroy(&mx), 0);
    return 0;
}

static int mutex_trylock(void)
{
    EXPECT(pthread_mutex_trylock(&m), 0);
    EXPECT(pthread_mutex_unlock(&m), 0);
    return 0;
}

static int mutex_timedlock(void)
{
    struct timespec t = deadline(CLOCK_REALTIME, 1000);
    EXPECT(pthread_mutex_timedlock(&m, &t), 0);
    EXPECT(pthread_mutex_unlock(&m), 0);
    return 0;
}

static int mutex_clocklock(void)
{
    struct timespec t = deadline(CLOCK_MONOTONIC, 1000);
    EXPECT(pthread_mutex_clocklock(&m, CLOCK_MONOTONIC, &t), 0);
    EXPECT(pthread_mutex_unlock(&m), 0);
    return 0;
}

static void *lock_and_die(void *arg)
{
    pthread_mutex_lock(arg); /* ends holding the robust mutex */
    return NULL;
}

static int mutex_consistent(void)
{
    pthread_mutexattr_t attr;
    pthread_mutex_t robust;
    pthread_t t;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    EXPECT(pthread_mutex_init(&robust, &attr), 0);
    pthread_mutexattr_destroy(&attr);
    pthread_create(&t, NULL, lock_and_die, &robust);
    pthread_join(t, NULL);
    EXPECT(pthread_mutex_lock(&robust), EOWNERDEAD);
    EXPECT(pthread_mutex_consistent(&robust), 0);
    EXPECT(pthread_mutex_unlock(&robust), 0);
    EXPECT(pthread_mutex_destroy(&robust), 0);
    return 0;
}

/* ---- reader-writer locks ---- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static int rwlock_basic(void)
{
    pthread_rwlock_t r;
    EXPECT(pthread_rwlock_init(&r, NULL), 0);
    EXPECT(pthread_rwlock_rdlock(&r), 0);
    EXPECT(pthread_rwlock_unlock(&r), 0);
    EXPECT(pthread_rwlock_wrlock(&r), 0);
    EXPECT(pthread_rwlock_unlock(&r), 0);
    EXPECT(pthread_rwlock_destroy(&r), 0);
    return 0;
}

static int rwlock_try(void)
{
    EXPECT(pthread_rwlock_tryrdlock(&rw), 0);
    EXPECT(pthread_rwlock_unlock(&rw), 0);
    EXPECT(pthread_rwlock_trywrlock(&rw), 0);
    EXPECT(pthread_rwlock_unlock(&rw), 0);
    return 0;
}

static int rwlock_timed(void)
{
    struct timespec t = deadline(CLOCK_REALTIME, 1000);
    EXPECT(pthread_rwlock_timedrdlock(&rw, &t), 0);
    EXPECT(pthread_rwlock_unlock(&rw), 0);
    EXPECT(pthread_rwlock_timedwrlock(&rw, &t), 0);
    EXPECT(pthread_rwlock_unlock(&rw), 0);
    return 0;
}

static int rwlock_clock(void)
{
    struct timespec t = deadline(CLOCK_MONOTONIC, 1000);
    EXPECT(pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &t), 0);
    EXPECT(pthread_rwlock_unlock(&rw), 0);
    EXPECT(pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &t), 0);
    EXPECT(pthread_rwlock_unlock(&rw), 0);
    return 0;
}

/* ---- spinlocks ---- */

static int spin_all(void)
{
    pthread_spinlock_t s;
    EXPECT(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE), 0);
    EXPECT(pthread_spin_lock(&s), 0);
    EXPECT(pthread_spin_unlock(&s), 0);
    EXPECT(pthread_spin_trylock(&s), 0);
    EXPECT(pthread_spin_unlock(&s), 0);
    EXPECT(pthread_spin_destroy(&s), 0);
    return 0;
}

/* ---- condition variables ---- */

static int cond_init_destroy(void)
{
    pthread_cond_t c;
    EXPECT(pthread_cond_init(&c, NULL), 0);
    EXPECT(pthread_cond_destroy(&c), 0);
    return 0;
}

static int cond_wait(void)
{
    pthread_t t;
    pthread_mutex_lock(&m);
    pthread_create(&t, NULL, set_flag_and_signal, NULL);
    while (!flag) /* flag is 0 here: the thread needs m, which main only gives up in the wait */
        EXPECT(pthread_cond_wait(&cv, &m), 0);
    pthread_mutex_unlock(&m);
    pthread_join(t, NULL);
    return 0;
}

static int cond_timedwait(void)
{
    struct timespec t = deadline(CLOCK_REALTIME, 20);
    pthread_mutex_lock(&m);
    EXPECT(pthread_cond_timedwait(&cv, &m, &t), ETIMEDOUT); /* nobody signals */
    pthread_mutex_unlock(&m);
    return 0;
}

static int cond_clockwait(void)
{
    struct timespec t = deadline(CLOCK_MONOTONIC, 20);
    pthread_mutex_lock(&m);
    EXPECT(pthread_cond_clockwait(&cv, &m, CLOCK_MONOTONIC, &t), ETIMEDOUT);
    pthread_mutex_unlock(&m);
    return 0;
}

static int cond_signal_broadcast(void)
{
    EXPECT(pthread_cond_signal(&cv), 0); /* no waiter: a no-op, but a call */
    EXPECT(pthread_cond_broadcast(&cv), 0);
    return 0;
}

/* ---- semaphores ---- */

static int sem_unnamed(void)
{
    sem_t s;
    struct timespec rt = deadline(CLOCK_REALTIME, 1000), mono = deadline(CLOCK_MONOTONIC, 1000);
    EXPECT(sem_init(&s, 0, 0), 0);
    EXPECT(sem_post(&s), 0);
    EXPECT(sem_wait(&s), 0);
    EXPECT(sem_post(&s), 0);
    EXPECT(sem_trywait(&s), 0);
    EXPECT(sem_post(&s), 0);
    EXPECT(sem_timedwait(&s, &rt), 0);
    EXPECT(sem_post(&s), 0);
    EXPECT(sem_clockwait(&s, CLOCK_MONOTONIC, &mono), 0);
    int value = -1;
    EXPECT(sem_getvalue(&s, &value), 0);
    EXPECT(value, 0); /* the wrapper returns the real value */
    EXPECT(sem_destroy(&s), 0);
    return 0;
}

static int sem_named(void)
{
    char name[64];
    snprintf(name, sizeof name, "/lockhound-engage-%ld", (long)getpid());
    sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
    if (s == SEM_FAILED) {
        fprintf(stderr, "engage: sem_open %s: %s\n", name, strerror(errno));
        return 1;
    }
    EXPECT(sem_wait(s), 0);
    EXPECT(sem_close(s), 0);
    EXPECT(sem_unlink(name), 0);
    return 0;
}

/* ---- barriers ---- */

static int barrier_all(void)
{
    pthread_barrier_t b;
    EXPECT(pthread_barrier_init(&b, NULL, 1), 0);
    EXPECT(pthread_barrier_wait(&b), PTHREAD_BARRIER_SERIAL_THREAD); /* count 1: no waiting */
    EXPECT(pthread_barrier_destroy(&b), 0);
    return 0;
}

/* ---- C11 threads ---- */

static mtx_t cm;
static cnd_t cc;
static int c11_flag;

static int c11_mutex(void)
{
    EXPECT(mtx_init(&cm, mtx_plain), thrd_success);
    EXPECT(mtx_lock(&cm), thrd_success);
    EXPECT(mtx_unlock(&cm), thrd_success);
    EXPECT(mtx_trylock(&cm), thrd_success);
    EXPECT(mtx_unlock(&cm), thrd_success);
    mtx_destroy(&cm);
    return 0;
}

static int c11_timedlock(void)
{
    struct timespec t = deadline(CLOCK_REALTIME, 1000); /* TIME_UTC is CLOCK_REALTIME */
    EXPECT(mtx_init(&cm, mtx_timed), thrd_success);
    EXPECT(mtx_timedlock(&cm, &t), thrd_success);
    EXPECT(mtx_unlock(&cm), thrd_success);
    mtx_destroy(&cm);
    return 0;
}

static int c11_set_flag(void *arg)
{
    (void)arg;
    mtx_lock(&cm);
    c11_flag = 1;
    cnd_broadcast(&cc);
    mtx_unlock(&cm);
    return 0;
}

static int c11_cond(void)
{
    thrd_t t;
    struct timespec soon = deadline(CLOCK_REALTIME, 20);
    EXPECT(mtx_init(&cm, mtx_plain), thrd_success);
    EXPECT(cnd_init(&cc), thrd_success);
    EXPECT(cnd_signal(&cc), thrd_success);
    mtx_lock(&cm);
    EXPECT(cnd_timedwait(&cc, &cm, &soon), thrd_timedout); /* nobody signals yet */
    EXPECT(thrd_create(&t, c11_set_flag, NULL), thrd_success);
    while (!c11_flag) /* the thread needs cm, which main only gives up in the wait */
        EXPECT(cnd_wait(&cc, &cm), thrd_success);
    mtx_unlock(&cm);
    EXPECT(thrd_join(t, NULL), thrd_success);
    cnd_destroy(&cc);
    mtx_destroy(&cm);
    return 0;
}

static int c11_return(void *arg)
{
    (void)arg;
    return 7;
}

static int c11_exit(void *arg)
{
    (void)arg;
    thrd_exit(7);
}

static int c11_post(void *arg)
{
    (void)arg;
    sem_post(&finished);
    return 0;
}

static int c11_threads(int (*body)(void *))
{
    thrd_t t;
    int res = 0;
    EXPECT(thrd_create(&t, body, NULL), thrd_success);
    EXPECT(thrd_join(t, &res), thrd_success);
    EXPECT(res, 7);
    return 0;
}

static int c11_create_join(void)
{
    return c11_threads(c11_return);
}

static int c11_thrd_exit(void)
{
    return c11_threads(c11_exit);
}

static int c11_detach(void)
{
    thrd_t t;
    sem_init(&finished, 0, 0);
    EXPECT(thrd_create(&t, c11_post, NULL), thrd_success);
    EXPECT(thrd_detach(t), thrd_success);
    sem_wait(&finished);
    return 0;
}

/* ---- pthreads ---- */

static int thread_create_join(void)
{
    pthread_t t;
    void *res;
    EXPECT(pthread_create(&t, NULL, return_at_once, (void *)7), 0);
    EXPECT(pthread_join(t, &res), 0);
    EXPECT(res, 7);
    return 0;
}

static int thread_tryjoin(void)
{
    pthread_t t;
    int rc;
    struct timespec ms = {0, 1000000};
    EXPECT(pthread_create(&t, NULL, return_at_once, NULL), 0);
    while ((rc = pthread_tryjoin_np(t, NULL)) == EBUSY)
        nanosleep(&ms, NULL);
    EXPECT(rc, 0);
    return 0;
}

static int thread_timedjoin(void)
{
    pthread_t t;
    struct timespec limit = deadline(CLOCK_REALTIME, 10000);
    EXPECT(pthread_create(&t, NULL, return_at_once, NULL), 0);
    EXPECT(pthread_timedjoin_np(t, NULL, &limit), 0);
    return 0;
}

static int thread_clockjoin(void)
{
    pthread_t t;
    struct timespec limit = deadline(CLOCK_MONOTONIC, 10000);
    EXPECT(pthread_create(&t, NULL, return_at_once, NULL), 0);
    EXPECT(pthread_clockjoin_np(t, NULL, CLOCK_MONOTONIC, &limit), 0);
    return 0;
}

static int thread_detach(void)
{
    pthread_t t;
    sem_init(&finished, 0, 0);
    EXPECT(pthread_create(&t, NULL, post_finished, NULL), 0);
    EXPECT(pthread_detach(t), 0);
    sem_wait(&finished);
    return 0;
}

static void *exit_with_7(void *arg)
{
    (void)arg;
    pthread_exit((void *)7);
}

static int thread_exit(void)
{
    pthread_t t;
    void *res;
    EXPECT(pthread_create(&t, NULL, exit_with_7, NULL), 0);
    EXPECT(pthread_join(t, &res), 0);
    EXPECT(res, 7);
    return 0;
}

static void *pause_for_ever(void *arg)
{
    (void)arg;
    for (;;)
        pause(); /* a cancellation point: a pending cancel ends the thread here */
    return NULL; /* not reached */
}

static int thread_cancel(void)
{
    pthread_t t;
    void *res;
    EXPECT(pthread_create(&t, NULL, pause_for_ever, NULL), 0);
    EXPECT(pthread_cancel(t), 0);
    EXPECT(pthread_join(t, &res), 0);
    EXPECT(res == PTHREAD_CANCELED, 1);
    return 0;
}

/* ---- once-only initialisation ---- */

static int once_runs;
static void once_routine(void) { once_runs++; }

static int thread_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    EXPECT(pthread_once(&once, once_routine), 0);
    EXPECT(pthread_once(&once, once_routine), 0);
    EXPECT(once_runs, 1);
    return 0;
}

static int c11_call_once(void)
{
    static once_flag flag = ONCE_FLAG_INIT;
    call_once(&flag, once_routine);
    call_once(&flag, once_routine);
    EXPECT(once_runs, 1);
    return 0;
}

/* ---- processes ---- */

/* glibc's _start called __libc_start_main, which called this main: nothing more to do. */
static int process_start(void)
{
    return 0;
}

static int process_fork(void)
{
    int status;
    pid_t pid = fork();
    if (pid < 0) {
        perror("engage: fork");
        return 1;
    }
    if (pid == 0)
        _exit(0);
    EXPECT(waitpid(pid, &status, 0), pid);
    EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);
    return 0;
}

/* The ends other than exit (wrap_exit.c): the run file is finished, calls record included, before
 * the process leaves or replaces itself with /bin/true. */
static int process_underscore_exit(void) { _exit(0); }
static int process_underscore_capital_exit(void) { _Exit(0); }
static int process_quick_exit(void) { quick_exit(0); }

/* Signal dispositions (wrap_signal.c): asked and set as a program does. */
static void on_usr1(int sig) { (void)sig; }
static int signal_sigaction(void)
{
    struct sigaction sa = {.sa_handler = on_usr1}, old;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGUSR1, &sa, &old) == 0 && old.sa_handler == SIG_DFL ? 0 : 1;
}
static int signal_signal(void) { return signal(SIGUSR1, on_usr1) == SIG_DFL ? 0 : 1; }

extern char **environ;
static char *const true_argv[] = {"/bin/true", NULL};
static int exec_execve(void) { execve("/bin/true", true_argv, environ); return 1; }
static int exec_execv(void) { execv("/bin/true", true_argv); return 1; }
static int exec_execvp(void) { execvp("true", true_argv); return 1; }
static int exec_execvpe(void) { execvpe("true", true_argv, environ); return 1; }
static int exec_execl(void) { execl("/bin/true", "true", (char *)NULL); return 1; }
static int exec_execlp(void) { execlp("true", "true", (char *)NULL); return 1; }
static int exec_execle(void) { execle("/bin/true", "true", (char *)NULL, environ); return 1; }
static int exec_fexecve(void)
{
    int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
    fexecve(fd, true_argv, environ);
    return 1;
}

static const struct scenario {
    const char *function;
    int (*run)(void);
} scenarios[] = {
    {"pthread_mutex_init", mutex_basic},
    {"pthread_mutex_destroy", mutex_basic},
    {"pthread_mutex_lock", mutex_basic},
    {"pthread_mutex_trylock", mutex_trylock},
    {"pthread_mutex_timedlock", mutex_timedlock},
    {"pthread_mutex_clocklock", mutex_clocklock},
    {"pthread_mutex_unlock", mutex_basic},
    {"pthread_mutex_consistent", mutex_consistent},
    {"pthread_rwlock_init", rwlock_basic},
    {"pthread_rwlock_destroy", rwlock_basic},
    {"pthread_rwlock_rdlock", rwlock_basic},
    {"pthread_rwlock_tryrdlock", rwlock_try},
    {"pthread_rwlock_timedrdlock", rwlock_timed},
    {"pthread_rwlock_clockrdlock", rwlock_clock},
    {"pthread_rwlock_wrlock", rwlock_basic},
    {"pthread_rwlock_trywrlock", rwlock_try},
    {"pthread_rwlock_timedwrlock", rwlock_timed},
    {"pthread_rwlock_clockwrlock", rwlock_clock},
    {"pthread_rwlock_unlock", rwlock_basic},
    {"pthread_spin_init", spin_all},
    {"pthread_spin_destroy", spin_all},
    {"pthread_spin_lock", spin_all},
    {"pthread_spin_trylock", spin_all},
    {"pthread_spin_unlock", spin_all},
    {"pthread_cond_init", cond_init_destroy},
    {"pthread_cond_destroy", cond_init_destroy},
    {"pthread_cond_wait", cond_wait},
    {"pthread_cond_timedwait", cond_timedwait},
    {"pthread_cond_clockwait", cond_clockwait},
    {"pthread_cond_signal", cond_signal_broadcast},
    {"pthread_cond_broadcast", cond_signal_broadcast},
    {"sem_init", sem_unnamed},
    {"sem_destroy", sem_unnamed},
    {"sem_open", sem_named},
    {"sem_close", sem_named},
    {"sem_wait", sem_unnamed},
    {"sem_trywait", sem_unnamed},
    {"sem_timedwait", sem_unnamed},
    {"sem_clockwait", sem_unnamed},
    {"sem_post", sem_unnamed},
    {"sem_getvalue", sem_unnamed},
    {"pthread_barrier_init", barrier_all},
    {"pthread_barrier_destroy", barrier_all},
    {"pthread_barrier_wait", barrier_all},
    {"mtx_init", c11_mutex},
    {"mtx_destroy", c11_mutex},
    {"mtx_lock", c11_mutex},
    {"mtx_trylock", c11_mutex},
    {"mtx_timedlock", c11_timedlock},
    {"mtx_unlock", c11_mutex},
    {"cnd_init", c11_cond},
    {"cnd_destroy", c11_cond},
    {"cnd_wait", c11_cond},
    {"cnd_timedwait", c11_cond},
    {"cnd_signal", c11_cond},
    {"cnd_broadcast", c11_cond},
    {"thrd_create", c11_create_join},
    {"thrd_join", c11_create_join},
    {"thrd_detach", c11_detach},
    {"thrd_exit", c11_thrd_exit},
    {"pthread_create", thread_create_join},
    {"pthread_join", thread_create_join},
    {"pthread_tryjoin_np", thread_tryjoin},
    {"pthread_timedjoin_np", thread_timedjoin},
    {"pthread_clockjoin_np", thread_clockjoin},
    {"pthread_detach", thread_detach},
    {"pthread_exit", thread_exit},
    {"pthread_cancel", thread_cancel},
    {"pthread_once", thread_once},
    {"call_once", c11_call_once},
    {"__libc_start_main", process_start},
    {"fork", process_fork},
    {"_exit", process_underscore_exit},
    {"_Exit", process_underscore_capital_exit},
    {"quick_exit", process_quick_exit},
    {"sigaction", signal_sigaction},
    {"signal", signal_signal},
    {"execve", exec_execve},
    {"execv", exec_execv},
    {"execvp", exec_execvp},
    {"execvpe", exec_execvpe},
    {"execl", exec_execl},
    {"execlp", exec_execlp},
    {"execle", exec_execle},
    {"fexecve", exec_fexecve},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: engage FUNCTION\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++)
        if (strcmp(scenarios[i].function, argv[1]) == 0)
            return scenarios[i].run();
    fprintf(stderr, "engage: no scenario for %s\n", argv[1]);
    return 2;
}
