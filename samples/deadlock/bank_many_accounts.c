/* bank_many_accounts.c - one bug, many lock pairs: transfer(from, to) over five accounts.
 *
 * What it shows: every account has its own mutex and transfer() locks the source, then the
 * destination. One thread pays from every account to every later one, the other pays back: each
 * of the 10 pairs of accounts is locked in both orders, so there are 10 lock-order cycles - and
 * only one bug, at the same two lines of transfer(). lockhound reports it once: one example cycle
 * in full, and the sentence "the same lines make 10 cycles over the locks accounts[0..4].mtx".
 * A semaphore sequences the threads so this run never hangs.
 *
 * What to look for: one lock-order inversion whose steps point at the two lock calls of
 * transfer(); the list of accounts involved.
 *
 * How to fix: lock the two accounts in one global order (lower index first) whatever the
 * direction of the transfer - see bank_transfer_ordered.c.
 *
 * lockhound-expect: lock-order-inversion accounts[0].mtx accounts[1].mtx accounts[2].mtx accounts[3].mtx accounts[4].mtx
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define ACCOUNTS 5

struct account {
    long balance;
    pthread_mutex_t mtx;
};

static struct account accounts[ACCOUNTS];
static sem_t forward_done; /* posted when every forward payment is over */

static void transfer(struct account *from, struct account *to, long amount)
{
    pthread_mutex_lock(&from->mtx);
    pthread_mutex_lock(&to->mtx); /* holds from->mtx, wants to->mtx */
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&to->mtx);
    pthread_mutex_unlock(&from->mtx);
}

static void *pay_forward(void *arg)
{
    (void)arg;
    for (int i = 0; i < ACCOUNTS; i++)
        for (int j = i + 1; j < ACCOUNTS; j++)
            transfer(&accounts[i], &accounts[j], 1);
    sem_post(&forward_done);
    return NULL;
}

static void *pay_back(void *arg)
{
    (void)arg;
    sem_wait(&forward_done); /* only so that this run cannot hang */
    for (int i = 0; i < ACCOUNTS; i++)
        for (int j = i + 1; j < ACCOUNTS; j++)
            transfer(&accounts[j], &accounts[i], 1);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    for (int i = 0; i < ACCOUNTS; i++) {
        accounts[i].balance = 100;
        pthread_mutex_init(&accounts[i].mtx, NULL);
    }
    sem_init(&forward_done, 0, 0);
    pthread_create(&t1, NULL, pay_forward, NULL);
    pthread_create(&t2, NULL, pay_back, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("balance of account 0: %ld\n", accounts[0].balance);
    return 0;
}
