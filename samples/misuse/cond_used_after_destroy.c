/* cond_used_after_destroy.c - a condition variable signalled after it was destroyed.
 *
 * What it shows: a job object owns a mutex and a condition variable. job_finish() destroys both,
 * but a late notify() still signals the condition variable: its memory is no condition variable
 * any more (glibc happens to return at once here, because nobody waits; with the memory freed
 * and reused it would write into another object).
 *
 * What to look for: a `cond-misuse` (used after it was destroyed) on the job's condition
 * variable, with the stack of the signal. The program goes on; lockhound exits 66.
 *
 * How to fix: end every use (waits, signals) of a condition variable before destroying it: here,
 * notify before job_finish, or not at all once the job is finished.
 *
 * lockhound-expect: cond-misuse job.done
 */
#include <pthread.h>
#include <stdio.h>

struct job {
    pthread_mutex_t lock;
    pthread_cond_t done;
    int finished;
};

static struct job job;

static void job_finish(struct job *j)
{
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->done);
}

static void notify(struct job *j)
{
    pthread_cond_broadcast(&j->done); /* the bug: called after job_finish */
}

int main(void)
{
    pthread_mutex_init(&job.lock, NULL);
    pthread_cond_init(&job.done, NULL);
    pthread_mutex_lock(&job.lock);
    job.finished = 1;
    pthread_mutex_unlock(&job.lock);
    job_finish(&job);
    notify(&job);
    printf("job finished: %d\n", job.finished);
    return 0;
}
