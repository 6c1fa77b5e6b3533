/* cond_wait_in_helper.c - a condition wait inside a helper function whose caller loops.
 *
 * What it shows: wait_for_job() calls pthread_cond_wait once, with no loop and no `if` around it;
 * the loop that checks the condition again is its caller's (`while (jobs == 0)
 * wait_for_job();`). lockhound's cond-wait-not-in-loop check reads the wait's own line first, finds
 * it unconditional, and then reads the caller's call: in a loop, so nothing is said. Reading only
 * the line of the wait would have been a false alarm here.
 *
 * What to look for: nothing.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t worker_waits = PTHREAD_COND_INITIALIZER;
static int jobs, done, waiting;

/* Called with pool_lock held; the caller checks the condition. */
static __attribute__((noinline)) void wait_for_job(void)
{
    pthread_cond_wait(&job_posted, &pool_lock);
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pool_lock);
    waiting = 1;
    pthread_cond_signal(&worker_waits);
    while (jobs == 0)
        wait_for_job();
    jobs--;
    done++;
    pthread_mutex_unlock(&pool_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&pool_lock);
    while (!waiting) /* the worker is asleep in wait_for_job(): it did wait */
        pthread_cond_wait(&worker_waits, &pool_lock);
    jobs++;
    pthread_cond_signal(&job_posted);
    pthread_mutex_unlock(&pool_lock);
    pthread_join(t, NULL);
    printf("%d job done\n", done);
    return 0;
}
