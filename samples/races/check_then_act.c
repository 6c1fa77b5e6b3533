/* check_then_act.c - check, then act: two desks both find that user 7 has no ticket yet, and
 * both issue one (course: MT 6).
 *
 * What it shows: two desks serve their queues of users; user 7 queued at both. serve() checks
 * `ticket_of[user] == 0` and then stores a new ticket. The check and the act are two separate
 * memory accesses, even on one line: the other thread can check between them, and then both act
 * on a fact that is no longer true. The same shape hides in "if the file does not exist, create
 * it", "if the seat is free, book it", "if the balance is enough, withdraw".
 *
 * What to look for: lockhound reports a data race on `ticket_of[7]`, read and written by both
 * threads in serve() with no lock held; the other users' slots are not reported, since one desk
 * only touches each. Run without lockhound, the program sometimes prints that 6 tickets were
 * issued for 5 users; lockhound reports the race on every run.
 *
 * How to fix: make the check and the act one step: hold one mutex from the check to the end of
 * the act, or use an atomic compare-and-swap (atomic_compare_exchange_strong) to store the
 * ticket only if the slot is still 0. Locking the check and the act separately does not help.
 *
 * lockhound-expect: data-race ticket_of[7]
 */
#include <pthread.h>
#include <stdio.h>

#define DESKS 2
#define USERS 16
#define QUEUED 3

/* The users queued at each desk: user 7 queued at both. */
static const int queue_of[DESKS][QUEUED] = {{3, 7, 9}, {12, 7, 5}};

int ticket_of[USERS];             /* shared: 0 while the user has no ticket */
static int issued_by_desk[DESKS]; /* one slot per desk, never shared */

static int issue_ticket(int desk)
{
    issued_by_desk[desk]++;
    return (desk + 1) * 100 + issued_by_desk[desk];
}

static void serve(int desk, int user)
{
    if (ticket_of[user] == 0) ticket_of[user] = issue_ticket(desk); /* check, then act */
}

static void *desk(void *arg)
{
    int me = (int)(long)arg;
    for (int i = 0; i < QUEUED; i++)
        serve(me, queue_of[me][i]);
    return NULL;
}

int main(void)
{
    pthread_t t[DESKS];
    for (int i = 0; i < DESKS; i++)
        pthread_create(&t[i], NULL, desk, (void *)(long)i);
    for (int i = 0; i < DESKS; i++)
        pthread_join(t[i], NULL);
    printf("5 users were served, %d tickets issued; user 7 holds ticket %d\n",
           issued_by_desk[0] + issued_by_desk[1], ticket_of[7]);
    return 0;
}
