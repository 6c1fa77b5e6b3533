/* join_twice.c - two threads join the same thread at the same time.
 *
 * What it shows: a thread can be joined once, by one thread. Here main joins the worker, and a
 * "supervisor" thread joins it too, at the same moment (a barrier lines them up). POSIX says the
 * result is undefined; glibc 2.36 lets both wait, and when the worker ends both would return
 * and both try to release its resources. To keep this sample safe, the supervisor's join is
 * timed: it gives up after 1 second, while the worker is still alive and blocked, and only then
 * lets the worker end, so that main's join is the only one that completes. (Joining a thread
 * that has already been joined is worse still: its pthread_t may be reused; never do it even
 * for a demo.)
 *
 * What to look for: an `api-error`: one thread "joins T1 while another thread is joining it",
 * with the stack of that second join (main's or the supervisor's: whichever came second) and the
 * call site of the other one ("the other join, made by ..."). The program goes on; lockhound
 * exits 66.
 *
 * How to fix: give each thread exactly one owner that joins it; anyone else who needs to know
 * that it has finished waits for a semaphore or condition variable that the owner signals.
 *
 * lockhound-expect: api-error
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

static pthread_t worker_id;
static sem_t may_finish;
static pthread_barrier_t both_join;

static void *worker(void *arg)
{
    (void)arg;
    sem_wait(&may_finish); /* alive and blocked while both joins are under way */
    return NULL;
}

static void *supervisor(void *arg)
{
    (void)arg;
    struct timespec deadline;
    pthread_barrier_wait(&both_join);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 1;
    /* the bug: main joins the worker too */
    int rc = pthread_timedjoin_np(worker_id, NULL, &deadline);
    printf("supervisor: join %s\n", rc == 0 ? "succeeded" : "failed");
    sem_post(&may_finish); /* only now may the worker end: main alone will reap it */
    return NULL;
}

int main(void)
{
    pthread_t s;
    sem_init(&may_finish, 0, 0);
    pthread_barrier_init(&both_join, NULL, 2);
    pthread_create(&worker_id, NULL, worker, NULL);
    pthread_create(&s, NULL, supervisor, NULL);
    pthread_barrier_wait(&both_join);
    pthread_join(worker_id, NULL);
    pthread_join(s, NULL);
    puts("done");
    return 0;
}
