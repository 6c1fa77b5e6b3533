/* once_init.c - the fix of lazy_init_unlocked.c: pthread_once makes the configuration exactly
 * once, and every caller sees it complete (course: MT 6-7).
 *
 * What it shows: both threads call get_config(); pthread_once() runs load_config() in exactly
 * one of them, and makes the other wait until it has finished. After pthread_once() returns, in
 * any thread, everything load_config() wrote is visible, so the threads read the configuration
 * with no lock.
 *
 * What to look for: nothing. lockhound orders the end of the once-function before every return
 * from pthread_once() on the same once control, so the writes in load_config() and the reads in
 * the threads are not reported.
 *
 * Classic mistake to try: replace pthread_once() with
 * `if (!loaded) { load_config(); loaded = 1; }`: lockhound reports data races on `loaded` and on
 * the fields of `config` (lazy_init_unlocked.c shows the same mistake).
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>

#define THREADS 2

struct config {
    int verbosity;
    int max_clients;
};

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static struct config config; /* written once by load_config(), then only read */
static int limit_seen[THREADS]; /* one slot per thread */

static void load_config(void)
{
    config.verbosity = 2;
    config.max_clients = 64;
}

static const struct config *get_config(void)
{
    pthread_once(&config_once, load_config);
    return &config;
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
    printf("both threads saw max_clients = %d and %d (verbosity %d)\n", limit_seen[0],
           limit_seen[1], config.verbosity);
    return 0;
}
