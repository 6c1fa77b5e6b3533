/* stack_budget.c - how much of a small thread stack each family of lock calls takes, and a thread
 * that leaves a chosen margin of its stack natively (stack_margin.h says how both are measured).
 *
 * Usage:
 *   stack_budget measure             one line per family: NAME start S used U again A (bytes of
 *                                    a 16 KiB stack: above the thread function's frame, the
 *                                    thread's high-water mark, that of the family's second run);
 *                                    then `tls T`, the static TLS of a preloaded liblockhound.
 *                                    Run it natively and preloaded: tests/soak/measure-stacks
 *                                    prints the difference, lockhound's share (docs/promises.md).
 *   stack_budget leave NAME MARGIN   a thread on a 16 KiB stack recurses until, natively, NAME
 *                                    run at the bottom leaves MARGIN bytes (up to one frame more)
 *                                    of its stack unused; prints "stack_budget: NAME done"
 *   stack_budget stack-need NAME SIZE  the native calibration behind `leave` (stack_margin.h)
 *
 * Families (what the thread calls at the bottom, twice): none, bind (the program's first call
 * of pthread_mutex_lock, through a PLT slot the dynamic linker binds then: `measure` only),
 * mutex (lock two fresh mutexes nested, unlock), trylock, rwlock (read, write nested, unlock,
 * tryrdlock), cond (a wait another thread signals, a signal, a broadcast), sem (post, wait,
 * trywait, timedwait), create (pthread_create and pthread_join), exit (pthread_exit).
 * Before `leave` and every family but bind, each family runs once on an ordinary thread, so that
 * its functions are bound and libgcc_s (which pthread_exit loads) is loaded, as in a program that
 * has run for a while; lockhound's slow paths still run at the bottom (a new thread has recorded
 * nothing yet, and the mutex family's locks are new). */
#include "stack_margin.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <errno.h>
#include <link.h>
#include <semaphore.h>
#include <time.h>

#define SIZE (16 * 1024)

static pthread_mutex_t pairs[4][2];
static unsigned pair_next; /* the mutex family takes a fresh pair each run */
static pthread_rwlock_t rw[2] = {PTHREAD_RWLOCK_INITIALIZER, PTHREAD_RWLOCK_INITIALIZER};
static pthread_mutex_t cond_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER, other = PTHREAD_COND_INITIALIZER;
static unsigned waits, woken; /* under cond_mutex */
static sem_t sem;
static pthread_mutex_t bind_pair[2] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};

static void none(void *arg) { (void)arg; }

static void bind(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&bind_pair[0]);
    pthread_mutex_lock(&bind_pair[1]);
    pthread_mutex_unlock(&bind_pair[1]);
    pthread_mutex_unlock(&bind_pair[0]);
}

static void mutex(void *arg)
{
    pthread_mutex_t *p = arg;
    pthread_mutex_lock(&p[0]);
    pthread_mutex_lock(&p[1]);
    pthread_mutex_unlock(&p[1]);
    pthread_mutex_unlock(&p[0]);
}

static void trylock(void *arg)
{
    pthread_mutex_t *p = arg;
    if (pthread_mutex_trylock(&p[0]) == 0) {
        if (pthread_mutex_trylock(&p[1]) == 0)
            pthread_mutex_unlock(&p[1]);
        pthread_mutex_unlock(&p[0]);
    }
}

static void rwlock(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&rw[0]);
    pthread_rwlock_wrlock(&rw[1]);
    pthread_rwlock_unlock(&rw[1]);
    pthread_rwlock_unlock(&rw[0]);
    if (pthread_rwlock_tryrdlock(&rw[0]) == 0)
        pthread_rwlock_unlock(&rw[0]);
}

/* The waiter holds cond_mutex from counting its wait until pthread_cond_wait releases it, so the
 * signaller, seeing the count under the mutex, knows that the waiter waits: no schedule matters. */
static void cond_wait_once(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cond_mutex);
    unsigned mine = ++waits;
    while (woken < mine)
        pthread_cond_wait(&cond, &cond_mutex);
    pthread_mutex_unlock(&cond_mutex);
    pthread_cond_signal(&other);
    pthread_cond_broadcast(&other);
}

static void *signaller(void *arg)
{
    unsigned until = *(unsigned *)arg;
    struct timespec ms = {0, 1000000};
    for (;;) {
        pthread_mutex_lock(&cond_mutex);
        if (waits > woken) {
            woken = waits;
            pthread_cond_signal(&cond);
        }
        unsigned done = woken;
        pthread_mutex_unlock(&cond_mutex);
        if (done >= until)
            return NULL;
        nanosleep(&ms, NULL);
    }
}

static void semaphore(void *arg)
{
    (void)arg;
    sem_post(&sem);
    sem_wait(&sem);
    sem_post(&sem);
    if (sem_trywait(&sem) != 0)
        abort();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sem_post(&sem);
    sem_timedwait(&sem, &ts);
}

static void *returns(void *arg) { return arg; }

static void create(void *arg)
{
    (void)arg;
    pthread_t t;
    if (pthread_create(&t, NULL, returns, NULL) == 0)
        pthread_join(t, NULL);
}

static void thread_exit(void *arg) { pthread_exit(arg); }

struct family {
    const char *name;
    void (*fn)(void *);
    unsigned waits; /* cond waits per run: a signaller thread runs alongside */
};
static const struct family families[] = {
    {"none", none, 0},       {"bind", bind, 0},   {"mutex", mutex, 0},
    {"trylock", trylock, 0}, {"rwlock", rwlock, 0}, {"cond", cond_wait_once, 2},
    {"sem", semaphore, 0},   {"create", create, 0}, {"exit", thread_exit, 0},
};
#define NFAMILIES (sizeof families / sizeof families[0])

static const struct family *family_named(const char *name)
{
    for (size_t i = 0; i < NFAMILIES; i++)
        if (strcmp(families[i].name, name) == 0)
            return &families[i];
    return NULL;
}

/* Runs f on a thread of `size` bytes (recursing `recurse` bytes first), with a signaller if f
 * waits. */
static int run_family(const struct family *f, size_t size, size_t recurse, struct sm_run *r)
{
    memset(r, 0, sizeof *r);
    r->scenario = f->fn;
    r->arg = f->fn == mutex || f->fn == trylock ? pairs[pair_next++ % 4] : NULL;
    r->recurse = recurse;
    pthread_t sig;
    unsigned until = 0;
    if (f->waits) {
        pthread_mutex_lock(&cond_mutex);
        until = woken + (f->fn == thread_exit ? 1 : f->waits);
        pthread_mutex_unlock(&cond_mutex);
        if (pthread_create(&sig, NULL, signaller, &until) != 0)
            return -1;
    }
    int rc = sm_run_thread(size, r);
    if (f->waits)
        pthread_join(sig, NULL);
    return rc;
}

/* Every family but bind once, on an ordinary thread: binds their functions, loads libgcc_s. */
static void *warm(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < NFAMILIES; i++) {
        const struct family *f = &families[i];
        if (f->fn == bind || f->fn == thread_exit)
            continue;
        void *p = f->fn == mutex || f->fn == trylock ? pairs[pair_next++ % 4] : NULL;
        pthread_t sig;
        unsigned until = woken + 1;
        if (f->waits && pthread_create(&sig, NULL, signaller, &until) != 0)
            abort();
        f->fn(p);
        if (f->waits)
            pthread_join(sig, NULL);
    }
    pthread_exit(NULL);
}

static void warm_up(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, warm, NULL) != 0 || pthread_join(t, NULL) != 0)
        abort();
}

static int tls_of_lockhound(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    if (!info->dlpi_name || !strstr(info->dlpi_name, "liblockhound"))
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_TLS)
            *(size_t *)data = info->dlpi_phdr[i].p_memsz;
    return 1;
}

static void print_run(const char *name, const struct sm_run *r)
{
    printf("%-8s start %5zu bottom %5zu first %5zu again %5zu used %5zu\n", name, r->start,
           r->bottom, r->first, r->again, r->used);
}

static int measure(void)
{
    struct sm_run r;
    /* bind first: nothing has called pthread_mutex_lock from this program yet */
    if (run_family(family_named("bind"), SIZE, 0, &r) != 0)
        return 1;
    print_run("bind", &r);
    warm_up();
    for (size_t i = 0; i < NFAMILIES; i++) {
        if (families[i].fn == bind)
            continue;
        if (run_family(&families[i], SIZE, 0, &r) != 0)
            return 1;
        print_run(families[i].name, &r);
    }
    size_t tls = 0;
    dl_iterate_phdr(tls_of_lockhound, &tls);
    printf("tls %zu\n", tls);
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 2; j++)
            pthread_mutex_init(&pairs[i][j], NULL);
    sem_init(&sem, 0, 0);
    if (argc == 2 && strcmp(argv[1], "measure") == 0)
        return measure();
    const struct family *f = argc >= 4 ? family_named(argv[2]) : NULL;
    bool leave = f && argc == 4 && strcmp(argv[1], "leave") == 0;
    bool need = f && argc == 5 && strcmp(argv[1], "stack-need") == 0;
    if (!f || f->fn == bind || (!leave && !need)) {
        fprintf(stderr, "usage: stack_budget measure | leave FAMILY MARGIN | stack-need FAMILY "
                        "SIZE RECURSE\n");
        return 2;
    }
    warm_up();
    struct sm_run r;
    if (need) {
        if (run_family(f, (size_t)atol(argv[3]), (size_t)atol(argv[4]), &r) != 0)
            return 1;
        printf("%zu\n", r.used);
        return 0;
    }
    size_t margin = (size_t)atol(argv[3]), recurse, left;
    if (!sm_calibrate("/proc/self/exe", f->name, SIZE, margin, &recurse, &left)) {
        fprintf(stderr, "stack_budget: the native calibration failed\n");
        return 1;
    }
    fprintf(stderr, "stack_budget: %s recurses %zu bytes, which leaves %zu natively\n", f->name,
            recurse, left);
    if (run_family(f, SIZE, recurse, &r) != 0)
        return 1;
    printf("stack_budget: %s done\n", f->name);
    return 0;
}
