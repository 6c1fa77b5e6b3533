/* double_checked_locking.c - double-checked locking on a plain pointer: the pointer is tested
 * without the lock, then again under it, and stored with a plain write (course: MT 6-7).
 *
 * What it shows: get_config() makes the configuration on first use. To avoid taking the lock on
 * every call, it first tests `config` without the lock, and takes the lock (and tests again)
 * only when it is NULL. The store `config = c` under the lock is a plain write, and the first
 * test is a plain read outside it: nothing orders the two. A thread that finds the pointer set
 * may even see it before the fields that make_config() wrote (the compiler and the CPU may
 * reorder plain stores), and use a half-made configuration.
 *
 * What to look for: lockhound reports a data race on `config`: read with no lock in
 * get_config(), written in get_config() holding config_lock. With --explain it names the pattern
 * (double-checked locking) and its fixes. The fields (`heap:make_config`) race the same way: the
 * thread that did not make the configuration reads them with no lock.
 *
 * How to fix: pthread_once (once_init.c); or keep the fast path but make the pointer atomic,
 * loaded with atomic_load_explicit(&config, memory_order_acquire) and stored with
 * atomic_store_explicit(&config, c, memory_order_release), so that whoever sees the pointer
 * also sees what was written before it was stored.
 *
 * lockhound-expect: data-race config
 * lockhound-expect: data-race heap:make_config
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 2

struct config {
    int verbosity;
    int max_clients;
};

struct config *config; /* made on first use, under config_lock */
pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static int limit_seen[THREADS]; /* one slot per thread */

static struct config *make_config(void)
{
    struct config *c = malloc(sizeof *c);
    if (c == NULL)
        abort();
    c->verbosity = 2;
    c->max_clients = 64;
    return c;
}

/* Double-checked locking: a first test without the lock, a second under it. */
static struct config *get_config(void)
{
    struct config *c = config; /* first check: no lock */
    if (c == NULL) {
        pthread_mutex_lock(&config_lock);
        c = config; /* second check: under the lock */
        if (c == NULL) {
            c = make_config();
            config = c; /* a plain store: nothing orders it before the first check */
        }
        pthread_mutex_unlock(&config_lock);
    }
    return c;
}

static void *client(void *arg)
{
    int me = (int)(long)arg;
    limit_seen[me] = get_config()->max_clients;
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, client, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("both threads saw max_clients = %d and %d\n", limit_seen[0], limit_seen[1]);
    free(config);
    return 0;
}
