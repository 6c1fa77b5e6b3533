/* single_thread_order.c - one thread takes two locks in both orders: no deadlock in this run.
 *
 * What it shows: the main thread takes lock_a then lock_b, and later lock_b then lock_a. A
 * deadlock needs at least two threads, each holding a lock the other wants; one thread cannot
 * wait for itself this way (it holds neither lock when it starts the second sequence). Tools
 * that only build a graph of "taken while holding" edges see a cycle here and raise a false alarm.
 *
 * What to look for: no error - a deadlock needs the steps of a cycle to come from different
 * threads - but a warning, single-thread-lock-order: the moment a second thread runs either
 * sequence, the danger is real (see ../deadlock/ab_ba.c). If only one thread will ever run this
 * code, the warning can be suppressed (`single-thread-lock-order:lock_a`).
 *
 * lockhound-expect: none
 * lockhound-expect-warning: single-thread-lock-order lock_a lock_b
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int a, b;

static void move(pthread_mutex_t *first, pthread_mutex_t *second, int *from, int *to)
{
    pthread_mutex_lock(first);
    pthread_mutex_lock(second);
    *from -= 1;
    *to += 1;
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
}

int main(void)
{
    move(&lock_a, &lock_b, &a, &b); /* a, then b */
    move(&lock_b, &lock_a, &b, &a); /* b, then a: the same thread, so harmless */
    printf("a=%d b=%d\n", a, b);
    return 0;
}
