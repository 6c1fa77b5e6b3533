/* barrier_count_zero.c - a barrier initialised for zero threads (course: Barrier).
 *
 * What it shows: the number of workers comes from the command line (one per argument), and the
 * barrier is sized from it. Run without arguments, the count is 0: pthread_barrier_init fails
 * with EINVAL, and the program, which does not check, goes on with a barrier that does not exist.
 * (It happens to do no harm here because no worker ever waits on it.)
 *
 * What to look for: a `barrier-misuse` (count zero) on phase_barrier, with the stack of the
 * init. The program goes on; lockhound exits 66.
 *
 * How to fix: check the count (and the return value of every pthread_ call) before use; a
 * barrier needs at least one thread, and usefully two.
 *
 * lockhound-expect: barrier-misuse phase_barrier
 */
#include <pthread.h>
#include <stdio.h>

#define MAX_WORKERS 8

static pthread_barrier_t phase_barrier;

static void *worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&phase_barrier);
    return NULL;
}

int main(int argc, char **argv)
{
    (void)argv;
    pthread_t t[MAX_WORKERS];
    unsigned workers = (unsigned)(argc - 1) < MAX_WORKERS ? (unsigned)(argc - 1) : MAX_WORKERS;
    pthread_barrier_init(&phase_barrier, NULL, workers); /* the bug: 0 without arguments */
    for (unsigned i = 0; i < workers; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (unsigned i = 0; i < workers; i++)
        pthread_join(t[i], NULL);
    printf("%u workers\n", workers);
    return 0;
}
