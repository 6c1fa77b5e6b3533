/* stack_margin.h - running code on a small thread stack whose use is measured, and at a depth
 * that leaves a chosen margin natively. Shared by programs/stack_budget.c (the measuring tool and
 * the integration tests' program) and tests/soak/stress_small_stacks.c.
 *
 * How it measures: the thread runs on a stack the program maps itself (pthread_attr_setstack,
 * with a PROT_NONE guard page below it, so an overflow is a SIGSEGV, never a corruption), painted
 * with a pattern before the thread is created. glibc puts the thread's descriptor and the static
 * TLS of every loaded module (the preloaded lockhound's too) at the top of that stack, as it does
 * in the stacks it allocates itself. After the join, the lowest byte that is no longer the pattern
 * is the thread's high-water mark: everything above it was used (descriptor, TLS, start frames,
 * the program's frames and those of every library it called, lockhound's wrappers included).
 * The scenario runs twice, with the stack painted below its caller's stack pointer before each
 * run, which measures each run on its own (the first: lockhound's slow paths; the second: its
 * fast paths).
 *
 * How it leaves a margin: `sm_native_need` runs a scenario at no depth in a child process with
 * LD_PRELOAD removed from its environment (natively, whatever this process runs under) and
 * reports the bytes it used; a thread then recurses through fixed frames (and a last alloca, for
 * 16-byte steps) until the scenario, run at the bottom, leaves natively between `margin` and
 * `margin` + 64 bytes of the stack untouched (sm_calibrate corrects the depth by what a native run
 * at that depth left). Under lockhound the same depth leaves the margin minus what lockhound takes: a
 * program that works natively with that margin must work under lockhound.
 *
 * Limits: a byte the program wrote with the pattern's value reads as unused (the pattern is
 * chosen to be unlikely; at most a few bytes of error). Linux, glibc. */
#ifndef STACK_MARGIN_H
#define STACK_MARGIN_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SM_PATTERN 0xa7
#define SM_FRAME 96 /* the recursion's pad per level; a level takes a little more */

struct sm_run {
    void (*scenario)(void *); /* run at the bottom */
    void *arg;
    size_t recurse; /* bytes of recursion before the scenario (0: none) */
    /* results */
    size_t start;   /* stack bytes above the thread function's frame (descriptor, TLS, start) */
    size_t used;    /* high-water mark of the whole thread, from the top of its stack */
    size_t bottom;  /* stack bytes above the scenario's caller's stack pointer */
    size_t first;   /* bytes the scenario's first run used below its caller's stack pointer */
    size_t again;   /* the same for its second run */
    uintptr_t top, lo;
};

/* Paints [lo, hi) with the pattern. A leaf without calls: it must not touch what it paints. */
static __attribute__((noinline)) void sm_paint(uintptr_t lo, uintptr_t hi)
{
    for (volatile unsigned char *p = (unsigned char *)lo; (uintptr_t)p < hi; p++)
        *p = SM_PATTERN;
}

static size_t sm_lowest_used(uintptr_t lo, uintptr_t top)
{
    const unsigned char *p = (const unsigned char *)lo;
    while ((uintptr_t)p < top && *p == SM_PATTERN)
        p++;
    return (size_t)(top - (uintptr_t)p);
}

static struct sm_run *sm_current;

/* Paints the stack from r->lo up to the stack pointer of the function it is written in: inline
 * code, so that nothing of that function's frame is below it (its locals are in its frame). */
#define SM_PAINT_BELOW_HERE(lo)                                                                    \
    do {                                                                                           \
        uintptr_t sp_;                                                                             \
        __asm__ volatile("mov %%rsp, %0" : "=r"(sp_));                                            \
        for (volatile unsigned char *p_ = (unsigned char *)(lo); (uintptr_t)p_ < sp_ - 8; p_++)   \
            *p_ = SM_PATTERN;                                                                      \
    } while (0)

static __attribute__((noinline)) size_t sm_dive(uintptr_t start, size_t bytes, uintptr_t prev)
{
    volatile char pad[SM_FRAME];
    pad[0] = 1;
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    /* one more level as long as it stays within `bytes` (the first level guesses its size) */
    size_t step = prev ? prev - here : SM_FRAME + 64;
    if (start - here + step <= bytes)
        return sm_dive(start, bytes, here) + (size_t)pad[0];
    /* the rest, finer than a level (16-byte steps) */
    size_t rest = start - here < bytes ? bytes - (start - here) : 0;
    volatile char *fine = __builtin_alloca(rest + 1);
    fine[0] = 1;
    struct sm_run *r = sm_current;
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    r->bottom = r->top - sp;
    /* each run alone, measured below this frame's stack pointer */
    SM_PAINT_BELOW_HERE(r->lo);
    r->scenario(r->arg);
    r->first = sp - (r->top - sm_lowest_used(r->lo, r->top));
    SM_PAINT_BELOW_HERE(r->lo);
    r->scenario(r->arg);
    r->again = sp - (r->top - sm_lowest_used(r->lo, r->top));
    return (size_t)pad[0];
}

static void *sm_thread(void *arg)
{
    struct sm_run *r = arg;
    uintptr_t start = (uintptr_t)__builtin_frame_address(0);
    r->start = (size_t)(r->top - start);
    sm_dive(start, r->recurse, 0);
    return NULL;
}

/* Runs r->scenario on a fresh thread with a stack of `size` bytes; 0 when it ran. The thread
 * must end by returning (a scenario that calls pthread_exit ends it: then `first` and `again` stay 0). */
static int sm_run_thread(size_t size, struct sm_run *r)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t len = size + (size_t)page;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    mprotect(m, (size_t)page, PROT_NONE);
    r->lo = (uintptr_t)m + (uintptr_t)page;
    r->top = r->lo + size;
    r->first = r->again = 0;
    sm_paint(r->lo, r->top);
    sm_current = r;
    pthread_attr_t a;
    pthread_t t;
    int rc = pthread_attr_init(&a);
    if (rc == 0)
        rc = pthread_attr_setstack(&a, (void *)r->lo, size);
    if (rc == 0)
        rc = pthread_create(&t, &a, sm_thread, r);
    if (rc == 0)
        rc = pthread_join(t, NULL);
    pthread_attr_destroy(&a);
    r->used = sm_lowest_used(r->lo, r->top);
    /* not unmapped: glibc may still cache the descriptor; the program is short */
    return rc;
}

/* The high-water mark of scenario `name` run natively on a thread of `size` bytes after `recurse`
 * bytes of recursion: this program run again without LD_PRELOAD (so natively, whatever this
 * process runs under) as `self stack-need NAME SIZE RECURSE`, which must print it. 0 when that
 * failed. */
static size_t sm_native_need(const char *self, const char *name, size_t size, size_t recurse)
{
    int fd[2];
    if (pipe(fd) != 0)
        return 0;
    char size_s[32], recurse_s[32];
    snprintf(size_s, sizeof size_s, "%zu", size);
    snprintf(recurse_s, sizeof recurse_s, "%zu", recurse);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        unsetenv("LD_PRELOAD");
        execl(self, self, "stack-need", name, size_s, recurse_s, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char buf[64] = "";
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 && (k = read(fd[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)k;
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 0;
    return (size_t)strtoul(buf, NULL, 10);
}

/* The recursion after which scenario `name` leaves natively between `margin` and `margin` + 64
 * bytes of a `size`-byte stack unused: found by running it natively (sm_native_need) and
 * correcting the depth by what it left, a few times (what a scenario uses may grow with the
 * depth: pthread_exit's unwinding walks every frame). Returns 0 when that failed, else 1 with
 * *recurse and *left (what it leaves natively). */
static int sm_calibrate(const char *self, const char *name, size_t size, size_t margin,
                        size_t *recurse, size_t *left)
{
    long r = 0;
    for (int i = 0; i < 8; i++) {
        size_t used = sm_native_need(self, name, size, (size_t)r);
        if (used == 0 || used > size)
            return 0;
        long leave = (long)(size - used);
        if (leave >= (long)margin && leave < (long)margin + 64) {
            *recurse = (size_t)r;
            *left = (size_t)leave;
            return 1;
        }
        r += leave - (long)margin;
        if (r < 0)
            return 0; /* it does not leave the margin even without recursion */
    }
    return 0;
}

#endif
