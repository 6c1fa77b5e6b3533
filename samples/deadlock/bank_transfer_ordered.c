/* bank_transfer_ordered.c - bank_transfer.c fixed: lock the lower-numbered account first.
 *
 * What it shows: transfer() no longer locks "source, then destination" but "lower account id,
 * then higher", whichever way the money goes. Every thread now takes the account locks in the
 * same global order, so opposite transfers can run at the same time without any risk: the
 * threads here are not sequenced at all, and run many transfers each.
 *
 * What to look for: nothing.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
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

static void transfer(struct account *from, struct account *to, long amount)
{
    struct account *first = from->id < to->id ? from : to; /* the fix: a global order */
    struct account *second = from->id < to->id ? to : from;
    pthread_mutex_lock(&first->lock);
    pthread_mutex_lock(&second->lock);
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&second->lock);
    pthread_mutex_unlock(&first->lock);
}

static void *pay(void *arg)
{
    int from = (int)(long)arg;
    for (int i = 0; i < 1000; i++)
        transfer(&accounts[from], &accounts[1 - from], 1);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, pay, (void *)0L);
    pthread_create(&t2, NULL, pay, (void *)1L);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("balances: %ld %ld (total %ld)\n", accounts[0].balance, accounts[1].balance,
           accounts[0].balance + accounts[1].balance);
    return 0;
}
