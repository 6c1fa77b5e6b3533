/* join_detached.c - joining a thread that was detached.
 *
 * What it shows: a detached thread cleans up after itself when it ends; nobody may join it. Main
 * detaches the worker (say, in an "fire and forget" helper) and later, elsewhere, joins it anyway
 * to collect a result. glibc refuses with EINVAL, which the program ignores, so main believes
 * the worker has finished. The worker is kept alive and blocked during the join (joining a
 * detached thread that has already ended is worse: its pthread_t may be reused), so this sample
 * is safe; main then waits on a semaphore for the worker's real end.
 *
 * What to look for: an `api-error`: "T0 joins T1, which is detached", with main's stack at the
 * join. The program goes on; lockhound exits 66.
 *
 * How to fix: decide once, at creation, whether a thread is joined or detached; to learn that a
 * detached thread is done, have it post a semaphore (as this sample does, after the bug).
 *
 * lockhound-expect: api-error
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t may_finish, finished;
static int result;

static void *worker(void *arg)
{
    (void)arg;
    sem_wait(&may_finish); /* alive and blocked while main joins */
    result = 42;
    sem_post(&finished);
    return NULL;
}

int main(void)
{
    pthread_t t;
    sem_init(&may_finish, 0, 0);
    sem_init(&finished, 0, 0);
    pthread_create(&t, NULL, worker, NULL);
    pthread_detach(t);
    pthread_join(t, NULL); /* the bug: t is detached (returns EINVAL, unchecked) */
    sem_post(&may_finish);
    sem_wait(&finished);
    printf("result %d\n", result);
    return 0;
}
