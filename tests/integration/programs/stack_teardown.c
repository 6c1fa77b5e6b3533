/* stack_teardown.c - threads run on stacks the program maps itself (pthread_attr_setstack). glibc
 * keeps such a thread's static TLS (lockhound's per-thread state included) inside that stack. Each
 * round, four threads take nested and contended locks (so that they publish waits the watchdog
 * reads) and end four ways: by returning, by pthread_exit, cancelled in a condition wait, and by
 * the exit system call itself (no glibc exit path, no key destructor: the kernel still ends the
 * join). Each is joined, its stack unmapped, and main goes on taking locks through two watchdog
 * scans (100 ms each) before the next round. Prints "done" and exits 0. */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STACK_SIZE (256 * 1024)
#define ROUNDS 3
#define THREADS 4

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t started;

static void unlock_b(void *arg)
{
    (void)arg;
    pthread_mutex_unlock(&b);
}

static void *worker(void *arg)
{
    long how = (long)arg;
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&a);
        pthread_mutex_lock(&b);
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
    }
    pthread_barrier_wait(&started);
    if (how == 2) {
        pthread_mutex_lock(&b);
        pthread_cleanup_push(unlock_b, NULL);
        for (;;)
            pthread_cond_wait(&never, &b); /* a cancellation point: ends here */
        pthread_cleanup_pop(1);
    }
    if (how == 1)
        pthread_exit(NULL);
    if (how == 3)
        syscall(SYS_exit, 0); /* this thread only: the process goes on */
    return NULL;
}

int main(void)
{
    pthread_barrier_init(&started, NULL, THREADS + 1);
    for (int round = 0; round < ROUNDS; round++) {
        void *stacks[THREADS];
        pthread_t t[THREADS];
        for (long k = 0; k < THREADS; k++) {
            stacks[k] = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
            if (stacks[k] == MAP_FAILED)
                return 1;
            pthread_attr_t attr;
            pthread_attr_init(&attr);
            pthread_attr_setstack(&attr, stacks[k], STACK_SIZE);
            if (pthread_create(&t[k], &attr, worker, (void *)k) != 0)
                return 1;
            pthread_attr_destroy(&attr);
        }
        pthread_barrier_wait(&started);
        pthread_cancel(t[2]);
        for (int k = 0; k < THREADS; k++) {
            pthread_join(t[k], NULL);
            munmap(stacks[k], STACK_SIZE);
        }
        struct timespec pause = {0, 10 * 1000 * 1000};
        for (int i = 0; i < 21; i++) { /* about 210 ms: two scans or more */
            pthread_mutex_lock(&a);
            pthread_mutex_unlock(&a);
            nanosleep(&pause, NULL);
        }
    }
    puts("done");
    return 0;
}
