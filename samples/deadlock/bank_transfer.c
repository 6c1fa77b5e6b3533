/* bank_transfer.c - a lock order that depends on the data: transfer(from, to) locks `from` first.
 *
 * What it shows: every account has its own lock, and transfer() locks the source account, then
 * the destination. Nothing looks wrong in the code - there is only one function - but the order
 * of the two locks is chosen by the arguments: thread 1 transfers from account 0 to account 1
 * (locks accounts[0].lock, then accounts[1].lock), thread 2 from 1 to 0 (the opposite order).
 * Two opposite transfers at the same moment deadlock. A semaphore sequences the threads so this
 * run never hangs.
 *
 * What to look for: a lock-order inversion between accounts[0].lock and accounts[1].lock; both
 * steps point at the same two lines of transfer(), reached with different arguments.
 *
 * How to fix: lock the two accounts in a fixed order that does not depend on the direction of
 * the transfer, e.g. lower account number first - see bank_transfer_ordered.c.
 *
 * lockhound-expect: lock-order-inversion accounts[0].lock accounts[1].lock
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

struct account {
    int id;
    long balance;
    pthread_mutex_t lock;
};

struct account accounts[2] = {
    {0, 100, PTHREAD_MUTEX_INITIALIZER},
    {1, 100, PTHREAD_MUTEX_INITIALIZER},
};
static sem_t first_done; /* posted when the first transfer is over */

static void transfer(struct account *from, struct account *to, long amount)
{
    pthread_mutex_lock(&from->lock);
    pthread_mutex_lock(&to->lock); /* holds from->lock, wants to->lock */
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&to->lock);
    pthread_mutex_unlock(&from->lock);
}

static void *pay_0_to_1(void *arg)
{
    (void)arg;
    transfer(&accounts[0], &accounts[1], 30);
    sem_post(&first_done);
    return NULL;
}

static void *pay_1_to_0(void *arg)
{
    (void)arg;
    sem_wait(&first_done); /* only so that this run cannot hang */
    transfer(&accounts[1], &accounts[0], 10);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    sem_init(&first_done, 0, 0);
    pthread_create(&t1, NULL, pay_0_to_1, NULL);
    pthread_create(&t2, NULL, pay_1_to_0, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("balances: %ld %ld\n", accounts[0].balance, accounts[1].balance);
    return 0;
}
