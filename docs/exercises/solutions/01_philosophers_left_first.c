/* 01_philosophers_left_first.c - exercise 1 (docs/exercises/README.md), solved.
 *
 * Start: samples/deadlock/dining_philosophers_ordered.c. Change: the last philosopher takes its
 * left fork (forks[4]) first again, as every other one does (first = left, second = right).
 *
 * What lockhound says: lock-order-inversion over forks[0] ... forks[4]: every philosopher takes
 * forks[i] then forks[i+1], and philosopher 4 takes forks[4] then forks[0], which closes a circle
 * of five threads. lockhound reports it from a run that went through: it needs no unlucky
 * schedule. On the unlucky one (each philosopher holding its left fork at once) the program
 * really hangs; lockhound then also reports a `deadlock` over the five forks and ends the
 * program, hence the second line, which allows either.
 *
 * lockhound-expect: lock-order-inversion forks[0] forks[1] forks[2] forks[3] forks[4]
 * lockhound-expect-one-of: deadlock forks[0] forks[1] forks[2] forks[3] forks[4] | none
 */
#include <pthread.h>
#include <stdio.h>

#define SEATS 5

pthread_mutex_t forks[SEATS];
static int meals[SEATS];

static void *philosopher(void *arg)
{
    int i = (int)(long)arg;
    int left = i, right = (i + 1) % SEATS;
    int first = left, second = right;  /* the change: every philosopher left first again */
    for (int round = 0; round < 100; round++) {
        pthread_mutex_lock(&forks[first]);
        pthread_mutex_lock(&forks[second]);
        meals[i]++;
        pthread_mutex_unlock(&forks[second]);
        pthread_mutex_unlock(&forks[first]);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[SEATS];
    for (int i = 0; i < SEATS; i++)
        pthread_mutex_init(&forks[i], NULL);
    for (int i = 0; i < SEATS; i++)
        pthread_create(&t[i], NULL, philosopher, (void *)(long)i);
    for (int i = 0; i < SEATS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < SEATS; i++)
        printf("philosopher %d ate %d time(s)\n", i, meals[i]);
    return 0;
}
