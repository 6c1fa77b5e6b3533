/* semaphore_used_after_destroy.c - a semaphore read after it was destroyed.
 *
 * What it shows: a worker pool counts free slots with the semaphore `free_slots`. pool_close()
 * destroys it, and then the statistics printed at exit still read it with sem_getvalue. POSIX:
 * undefined (glibc's sem_destroy does nothing, so the value is still there; elsewhere the memory
 * may be gone).
 *
 * What to look for: a `semaphore-misuse` (used after it was destroyed) on free_slots, with the
 * stack of the sem_getvalue. The program goes on; lockhound exits 66.
 *
 * How to fix: read what you need before destroying the semaphore, and make sure nothing uses it
 * afterwards.
 *
 * lockhound-expect: semaphore-misuse free_slots
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t free_slots;

static void *job(void *arg)
{
    (void)arg;
    sem_wait(&free_slots);
    /* ... the work ... */
    sem_post(&free_slots);
    return NULL;
}

static void pool_close(void)
{
    sem_destroy(&free_slots);
}

static void print_statistics(void)
{
    int value = 0;
    sem_getvalue(&free_slots, &value); /* the bug: after pool_close */
    printf("%d free slots\n", value);
}

int main(void)
{
    pthread_t t[2];
    sem_init(&free_slots, 0, 2);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, job, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pool_close();
    print_statistics();
    return 0;
}
