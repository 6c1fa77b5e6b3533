/* dining_philosophers.c - five philosophers, five forks, everyone takes the left fork first.
 *
 * What it shows: philosopher i takes forks[i] (left) and then forks[(i + 1) % 5] (right). If all
 * five pick up their left fork at the same moment, every right fork is taken and nobody ever eats:
 * a deadlock through a cycle of five locks. In this run the philosophers eat one after another,
 * passing a token (a semaphore per seat), so the program always finishes.
 *
 * What to look for: one lock-order inversion naming forks[0] to forks[4], with five steps, one per
 * philosopher: "holds forks[i], wants forks[i+1]".
 *
 * How to fix: see dining_philosophers_ordered.c - every philosopher takes the lower-numbered fork
 * first, which breaks the circle.
 *
 * lockhound-expect: lock-order-inversion forks[0] forks[1] forks[2] forks[3] forks[4]
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define SEATS 5

pthread_mutex_t forks[SEATS];
static sem_t turn[SEATS]; /* turn[i] is posted when philosopher i may start */
static int meals[SEATS];

static void *philosopher(void *arg)
{
    int i = (int)(long)arg;
    int left = i, right = (i + 1) % SEATS;
    sem_wait(&turn[i]); /* only so that this run cannot hang */
    pthread_mutex_lock(&forks[left]);
    pthread_mutex_lock(&forks[right]); /* holds the left fork, wants the right one */
    meals[i]++;
    pthread_mutex_unlock(&forks[right]);
    pthread_mutex_unlock(&forks[left]);
    if (i + 1 < SEATS)
        sem_post(&turn[i + 1]);
    return NULL;
}

int main(void)
{
    pthread_t t[SEATS];
    for (int i = 0; i < SEATS; i++) {
        pthread_mutex_init(&forks[i], NULL);
        sem_init(&turn[i], 0, 0);
    }
    for (int i = 0; i < SEATS; i++)
        pthread_create(&t[i], NULL, philosopher, (void *)(long)i);
    sem_post(&turn[0]);
    for (int i = 0; i < SEATS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < SEATS; i++)
        printf("philosopher %d ate %d time(s)\n", i, meals[i]);
    return 0;
}
