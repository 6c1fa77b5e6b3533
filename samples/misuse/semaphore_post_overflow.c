/* semaphore_post_overflow.c - sem_post on a semaphore already at SEM_VALUE_MAX (course: Semaphore).
 *
 * What it shows: a semaphore counts permits. This pool starts "unlimited" with SEM_VALUE_MAX
 * permits, and a thread gives back a permit it never took. The count cannot go higher:
 * sem_post fails with EOVERFLOW, and the program, which does not check, loses track of its
 * permits. The same happens, slowly, to any program that posts more often than it waits.
 *
 * What to look for: a `semaphore-misuse` (post overflow) on permits, with the stack of the post.
 * The program goes on; lockhound exits 66.
 *
 * How to fix: post only what was taken (a wait and its post in pairs), and check sem_post's
 * return value; for "unlimited", do not use a semaphore at all.
 *
 * lockhound-expect: semaphore-misuse permits
 */
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t permits;

static void *give_back(void *arg)
{
    (void)arg;
    sem_post(&permits); /* the bug: a permit this thread never took; fails with EOVERFLOW */
    return NULL;
}

int main(void)
{
    pthread_t t;
    int value;
    sem_init(&permits, 0, SEM_VALUE_MAX);
    pthread_create(&t, NULL, give_back, NULL);
    pthread_join(t, NULL);
    sem_getvalue(&permits, &value);
    printf("permits: %d (SEM_VALUE_MAX is %d)\n", value, SEM_VALUE_MAX);
    sem_destroy(&permits);
    return 0;
}
