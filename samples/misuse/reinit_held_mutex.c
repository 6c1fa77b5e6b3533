/* reinit_held_mutex.c - a mutex initialised again while another thread holds it.
 *
 * What it shows: a "reset" path calls pthread_mutex_init on `table_lock` to start afresh, while
 * the writer thread is inside its critical section. The init writes a new, unlocked mutex over
 * the held one: main can then lock it too, and both threads are inside the critical section at
 * once; the writer's unlock unlocks a lock it never took. POSIX: undefined. Semaphores make the
 * re-init happen while the writer holds the lock on every schedule.
 *
 * What to look for: a `reinit-in-use` (initialised again while a thread holds it) on table_lock,
 * with the stack of the init and where the writer took the lock. The program goes on; lockhound
 * exits 66. (samples/false_alarms/reinit_same_address.c is the correct twin: destroy, then init.)
 *
 * How to fix: initialise a mutex once, before the threads start; to reset the data, lock the
 * mutex and reset the data, not the mutex.
 *
 * lockhound-expect: reinit-in-use table_lock
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t writer_inside, reset_done;
static int entries;

static void *writer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&table_lock);
    entries++;
    sem_post(&writer_inside);
    sem_wait(&reset_done); /* still inside while main resets */
    pthread_mutex_unlock(&table_lock);
    return NULL;
}

static void reset_table(void)
{
    pthread_mutex_init(&table_lock, NULL); /* the bug: the writer holds it */
    entries = 0;
}

int main(void)
{
    pthread_t t;
    sem_init(&writer_inside, 0, 0);
    sem_init(&reset_done, 0, 0);
    pthread_create(&t, NULL, writer, NULL);
    sem_wait(&writer_inside);
    reset_table();
    sem_post(&reset_done);
    pthread_join(t, NULL);
    printf("%d entries\n", entries);
    return 0;
}
