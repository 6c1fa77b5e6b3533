/* many_threads_two_locks.c - eight threads hammer two locks, always in the same order.
 *
 * What it shows: heavy contention is not a deadlock. Eight threads each do 20,000 transfers,
 * every one taking accounts_lock then audit_lock; threads wait for each other all the time, but
 * every wait is for a thread that is running and will let go, and the one order means no cycle
 * can form.
 *
 * What to look for: nothing - no deadlock, no stall, no lock-order inversion, however long the
 * threads queue up.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 8
#define TRANSFERS 20000

static pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static long accounts[2] = {1000000, 1000000};
static long audited;

static void *transfer(void *arg)
{
    long amount = (long)(size_t)arg;
    for (int i = 0; i < TRANSFERS; i++) {
        pthread_mutex_lock(&accounts_lock); /* always first */
        pthread_mutex_lock(&audit_lock);    /* always second */
        accounts[0] -= amount;
        accounts[1] += amount;
        audited++;
        pthread_mutex_unlock(&audit_lock);
        pthread_mutex_unlock(&accounts_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, transfer, (void *)(size_t)(i % 2 ? 1 : -1));
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("total %ld, %ld transfers audited\n", accounts[0] + accounts[1], audited);
    return 0;
}
