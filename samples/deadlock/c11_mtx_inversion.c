/* c11_mtx_inversion.c - the AB/BA deadlock written with C11 threads (<threads.h>).
 *
 * What it shows: C11's mtx_t and thrd_create deadlock exactly like pthreads: thread 1 takes
 * lock_a then lock_b, thread 2 takes lock_b then lock_a. glibc implements the C11 functions
 * separately from the pthread_* ones, so a checker has to watch them too. A C11 condition
 * variable hands the turn from thread 1 to thread 2, so this run never hangs.
 *
 * What to look for: a lock-order inversion between lock_a and lock_b, both of kind c11_mutex.
 *
 * How to fix: take lock_a before lock_b in both threads.
 *
 * lockhound-expect: lock-order-inversion lock_a lock_b
 */
#include <stdio.h>
#include <threads.h>

static mtx_t lock_a, lock_b;
static mtx_t turn_lock; /* guards first_done; never held together with lock_a or lock_b */
static cnd_t turn_changed;
static int first_done;
static int counter;

static int a_then_b(void *arg)
{
    (void)arg;
    mtx_lock(&lock_a);
    mtx_lock(&lock_b); /* holds lock_a, wants lock_b */
    counter++;
    mtx_unlock(&lock_b);
    mtx_unlock(&lock_a);

    mtx_lock(&turn_lock);
    first_done = 1;
    cnd_signal(&turn_changed);
    mtx_unlock(&turn_lock);
    return 0;
}

static int b_then_a(void *arg)
{
    (void)arg;
    mtx_lock(&turn_lock); /* only so that this run cannot hang */
    while (!first_done)
        cnd_wait(&turn_changed, &turn_lock);
    mtx_unlock(&turn_lock);

    mtx_lock(&lock_b);
    mtx_lock(&lock_a); /* holds lock_b, wants lock_a: the opposite order */
    counter++;
    mtx_unlock(&lock_a);
    mtx_unlock(&lock_b);
    return 0;
}

int main(void)
{
    thrd_t t1, t2;
    mtx_init(&lock_a, mtx_plain);
    mtx_init(&lock_b, mtx_plain);
    mtx_init(&turn_lock, mtx_plain);
    cnd_init(&turn_changed);
    thrd_create(&t1, a_then_b, NULL);
    thrd_create(&t2, b_then_a, NULL);
    thrd_join(t1, NULL);
    thrd_join(t2, NULL);
    printf("counter=%d\n", counter);
    cnd_destroy(&turn_changed);
    mtx_destroy(&turn_lock);
    mtx_destroy(&lock_b);
    mtx_destroy(&lock_a);
    return 0;
}
