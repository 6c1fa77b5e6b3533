/* stress_small_stacks.c - soak: threads on small stacks (16 KiB, then 32 KiB) that recurse until,
 * natively, only lockhound's documented budget plus 256 bytes of the stack is left (768 bytes:
 * docs/promises.md, small thread stacks), then take new nested locks at the bottom, where
 * lockhound records stacks. The depth is not guessed: the program runs itself natively (without
 * LD_PRELOAD) to measure what the locking at the bottom needs, and sets the depth from that
 * (tests/integration/programs/stack_margin.h). Prints the sums of what the threads did.
 * Usage: stress_small_stacks (the soak), or stress_small_stacks stack-need locks SIZE RECURSE (the
 * native calibration it runs). */
#include "../integration/programs/stack_margin.h"

#define LOCKS 16
#define MARGIN (512 + 256) /* lockhound's budget, plus 256 bytes */

static pthread_mutex_t locks[LOCKS];
static long sums[2];
static int which;

/* 15 nested pairs of locks, new to the thread (the first time: lockhound's slow paths) */
static void take_locks(void *arg)
{
    (void)arg;
    for (int i = 0; i < LOCKS - 1; i++) {
        pthread_mutex_lock(&locks[i]);
        pthread_mutex_lock(&locks[i + 1]);
        sums[which] += i;
        pthread_mutex_unlock(&locks[i + 1]);
        pthread_mutex_unlock(&locks[i]);
    }
}

static int run(size_t size, size_t recurse)
{
    struct sm_run r;
    memset(&r, 0, sizeof r);
    r.scenario = take_locks;
    r.recurse = recurse;
    return sm_run_thread(size, &r);
}

int main(int argc, char **argv)
{
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_init(&locks[i], NULL);
    /* as a program that has run for a while: the lock functions are bound */
    take_locks(NULL);
    sums[0] = 0;
    if (argc == 5 && strcmp(argv[1], "stack-need") == 0 && strcmp(argv[2], "locks") == 0) {
        struct sm_run r;
        memset(&r, 0, sizeof r);
        r.scenario = take_locks;
        r.recurse = (size_t)atol(argv[4]);
        if (sm_run_thread((size_t)atol(argv[3]), &r) != 0)
            return 1;
        printf("%zu\n", r.used);
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: stress_small_stacks\n");
        return 2;
    }
    for (which = 0; which < 2; which++) {
        size_t size = (size_t)(which + 1) * 16 * 1024, recurse, left;
        if (!sm_calibrate("/proc/self/exe", "locks", size, MARGIN, &recurse, &left)) {
            fprintf(stderr, "stress_small_stacks: the native calibration failed\n");
            return 1;
        }
        if (run(size, recurse) != 0)
            return 1;
    }
    printf("sums=%ld,%ld\n", sums[0], sums[1]);
    return 0;
}
