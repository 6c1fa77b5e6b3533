/* stress_small_stacks.c - soak: threads on the smallest stacks glibc allows (16 KiB, then 32 KiB)
 * that use most of them in recursion and take new nested locks at the bottom, where lockhound records
 * a stack. Natively each thread has several KiB to spare. Prints the depth sum. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define LOCKS 16

static pthread_mutex_t locks[LOCKS];
static long sums[2];

/* about 1 KiB of frame per level */
static long dive(int depth, int which, int idx)
{
    volatile char pad[900];
    memset((char *)pad, depth, sizeof pad);
    if (depth == 0) {
        pthread_mutex_lock(&locks[idx]);
        pthread_mutex_lock(&locks[idx + 1]);
        sums[which] += idx;
        pthread_mutex_unlock(&locks[idx + 1]);
        pthread_mutex_unlock(&locks[idx]);
        return pad[0];
    }
    return dive(depth - 1, which, idx) + pad[1];
}

struct job { int which, depth; };

static void *work(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < LOCKS - 1; i++)
        dive(j->depth, j->which, i);
    return NULL;
}

static int run(size_t stack, int depth, int which)
{
    pthread_attr_t a;
    pthread_t t;
    struct job j = {which, depth};
    pthread_attr_init(&a);
    if (pthread_attr_setstacksize(&a, stack) != 0)
        return 1;
    if (pthread_create(&t, &a, work, &j) != 0)
        return 1;
    pthread_join(t, NULL);
    pthread_attr_destroy(&a);
    return 0;
}

int main(void)
{
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_init(&locks[i], NULL);
    /* 16 KiB with 8 levels (~8 KiB used), 32 KiB with 24 levels (~24 KiB used) */
    if (run(PTHREAD_STACK_MIN, 8, 0) || run(2 * PTHREAD_STACK_MIN, 24, 1))
        return 1;
    printf("sums=%ld,%ld\n", sums[0], sums[1]);
    return 0;
}
