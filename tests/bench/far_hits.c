/* far_hits.c - benchmark program: one lock taken under a thousand others, again and again.
 *
 * One thread takes each of 1,000 outer mutexes in turn and, under it, one inner mutex: the inner
 * lock has a tuple per outer lock (the held set is part of the tuple), 8 in its near window and
 * the rest in the tuple cache's far table, each hit once in 1,000 iterations. It is memcached's
 * LRU lock under its item locks, made deterministic so that its cost can be counted in
 * instructions: `tests/bench/instruction-count --build build -- build/bench/far_hits 40`, and
 * the difference between 40 and 20 rounds divided by 20,000 is the cost of one iteration (two
 * lock+unlock pairs, one of them a far hit). No finding.
 *
 * Usage: far_hits [ROUNDS]   (default 100). Prints the number of iterations. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define OUTER 1000

static pthread_mutex_t outer[OUTER];
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 100;
    for (int i = 0; i < OUTER; i++)
        pthread_mutex_init(&outer[i], NULL);
    long n = 0;
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < OUTER; i++) {
            pthread_mutex_lock(&outer[i]);
            pthread_mutex_lock(&inner);
            n++;
            pthread_mutex_unlock(&inner);
            pthread_mutex_unlock(&outer[i]);
        }
    printf("far_hits: iterations=%ld\n", n);
    return 0;
}
