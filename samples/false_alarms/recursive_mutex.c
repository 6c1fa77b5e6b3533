/* recursive_mutex.c - a recursive mutex locked again by the thread that already holds it.
 *
 * What it shows: account_lock is a PTHREAD_MUTEX_RECURSIVE mutex. transfer() takes it and calls
 * deposit(), which takes it again: the holder may re-lock a recursive mutex (it only counts the
 * depth). With a normal mutex this would hang the thread on itself. Two threads do transfers at
 * the same time; both take audit_lock inside account_lock, in the same order.
 *
 * What to look for: nothing. A re-lock of a recursive mutex by its holder is not a new
 * acquisition, so it cannot make a cycle "account_lock waits for account_lock".
 *
 * Beware: recursive mutexes hide design problems (who holds what, and why, is no longer clear).
 * Prefer a normal mutex and an internal deposit_locked() that expects the lock to be held.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t account_lock;
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static long balance, audited;

static void deposit(long amount)
{
    pthread_mutex_lock(&account_lock); /* already held by this thread when called from transfer */
    balance += amount;
    pthread_mutex_lock(&audit_lock);
    audited++;
    pthread_mutex_unlock(&audit_lock);
    pthread_mutex_unlock(&account_lock);
}

static void transfer(long amount)
{
    pthread_mutex_lock(&account_lock);
    balance -= amount; /* take the amount out ... */
    deposit(amount);   /* ... and put it back, nested */
    pthread_mutex_unlock(&account_lock);
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++)
        transfer(i);
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_t t1, t2;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&account_lock, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_create(&t1, NULL, worker, NULL);
    pthread_create(&t2, NULL, worker, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("balance=%ld audited=%ld\n", balance, audited);
    pthread_mutex_destroy(&account_lock);
    return 0;
}
