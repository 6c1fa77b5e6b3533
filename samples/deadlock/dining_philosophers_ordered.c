/* dining_philosophers_ordered.c - the dining philosophers, fixed by ordering the forks.
 *
 * What it shows: the same table as dining_philosophers.c, but every philosopher takes the
 * lower-numbered of its two forks first. Philosophers 0 to 3 still take left then right;
 * philosopher 4 takes forks[0] before forks[4]. Now every thread takes forks in increasing
 * order, so no circle of waiting threads can form, whatever the schedule. The philosophers
 * even eat at the same time here, without any token passing: it is safe.
 *
 * What to look for: nothing. lockhound sees the edges forks[0]->forks[1], ..., forks[3]->forks[4]
 * and forks[0]->forks[4], which form no cycle.
 *
 * lockhound-expect: none
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
    int first = left < right ? left : right;  /* the fix: lower number first */
    int second = left < right ? right : left;
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
