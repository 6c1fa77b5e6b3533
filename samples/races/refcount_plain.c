/* refcount_plain.c - a reference count without atomics: two threads drop their references at
 * the same time and one decrement is lost (course: MT 3-6; the reason CPython's objects need the
 * GIL).
 *
 * What it shows: a message is shared by main and two workers; each holds a reference, counted
 * in `refs`, and the last one to let go frees it (main, after joining the workers).
 * message_release() does `--m->refs`, which is a read, a subtraction and a write: the two workers
 * letting go together can both read 3 and both write 2, and then the count never reaches 0 and
 * nobody frees the message (a leak). A lost increment, a retain racing with a release, is worse:
 * the count reaches 0 while a thread still uses the object, which is then freed under its feet
 * (free writes the whole block: lockhound reports a free racing with a use too).
 *
 * What to look for: lockhound reports a data race on the message's heap block, named after the
 * function that allocated it (`heap:message_new`): the report shows the block's size, the offset
 * of `refs` in it and where it was allocated, and both decrements in message_release(). The
 * increments in main are not reported: main does them before it creates the workers, and thread
 * creation orders them before anything the workers do; main's own release comes after the joins.
 *
 * How to fix: make the count atomic (an atomic_int, with atomic_fetch_sub() returning the old
 * value: the thread that saw 1 frees), or guard it with a mutex.
 *
 * lockhound-expect: data-race heap:message_new
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS 2

struct message {
    long refs; /* how many threads still use the message: plain long, guarded by nothing */
    char text[24];
};

struct worker_job {
    struct message *message; /* the worker's reference */
    size_t length_seen;      /* written by this job's worker only */
};

static struct message *message_new(const char *text)
{
    struct message *m = malloc(sizeof *m);
    if (m == NULL)
        abort();
    m->refs = 1; /* the creator's reference */
    snprintf(m->text, sizeof m->text, "%s", text);
    return m;
}

static void message_retain(struct message *m)
{
    m->refs++;
}

static void message_release(struct message *m)
{
    if (--m->refs == 0) /* read, subtract, write: not one step */
        free(m);
}

static void *worker(void *arg)
{
    struct worker_job *job = arg;
    job->length_seen = strlen(job->message->text); /* use the message (reading it only) */
    message_release(job->message);
    return NULL;
}

int main(void)
{
    pthread_t t[WORKERS];
    struct worker_job jobs[WORKERS];
    struct message *m = message_new("hello, workers");
    for (int i = 0; i < WORKERS; i++) {
        message_retain(m); /* one reference per worker, all taken before any worker starts */
        jobs[i].message = m;
    }
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, &jobs[i]);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    message_release(m); /* main lets go of its own reference last, after the joins */
    printf("the workers read a message of %zu and %zu characters\n", jobs[0].length_seen,
           jobs[1].length_seen);
    return 0;
}
