/* create_join_handoff.c - data handed over by pthread_create and pthread_join alone, with no lock
 * (course: MT 1, MT 5).
 *
 * What it shows: main fills `input`, then creates a thread that reads it and writes `partial`;
 * main joins that thread, then creates a second thread that reads `partial` and writes `result`,
 * and joins it too before reading `result`. Nothing is locked and nothing needs to be: everything
 * a thread's creator did before pthread_create() comes before the thread's first step, and
 * everything the thread did comes before the return of pthread_join() on it. The two workers
 * never run at the same time, and even the same stack memory reused by the second thread is no
 * race.
 *
 * What to look for: nothing. lockhound orders the accesses by create and join.
 *
 * Classic mistake to try: read `result` in main before pthread_join(): lockhound reports a data
 * race on `result` (main's read and the worker's write are not ordered).
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define N 8

static int input[N];   /* written by main, then read by the first worker */
static long partial[N]; /* written by the first worker, then read by the second */
static long result;    /* written by the second worker, then read by main */

static void *square_all(void *arg)
{
    (void)arg;
    for (int i = 0; i < N; i++)
        partial[i] = (long)input[i] * input[i];
    return NULL;
}

static void *add_all(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < N; i++)
        sum += partial[i];
    result = sum;
    return NULL;
}

int main(void)
{
    pthread_t t;
    for (int i = 0; i < N; i++)
        input[i] = i + 1;
    pthread_create(&t, NULL, square_all, NULL); /* input is complete: hand it over */
    pthread_join(t, NULL);                      /* partial is complete: take it back */
    pthread_create(&t, NULL, add_all, NULL);
    pthread_join(t, NULL);
    printf("sum of squares of 1..%d = %ld\n", N, result);
    return 0;
}
