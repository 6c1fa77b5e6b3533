/* lazy_init_unlocked.c - lazy initialisation without a lock: two threads can both find the
 * configuration missing and both make one (course: MT 6).
 *
 * What it shows: get_config() makes the configuration the first time it is asked for it. The
 * test `config != NULL` and the store `config = make_config()` are two steps on a shared
 * pointer: both threads can find it NULL, both make a configuration, and each keeps its own
 * (one of the two is also leaked). Worse, without ordering a thread that finds the pointer set is
 * not even guaranteed to see the fields that were written before it was set.
 *
 * What to look for: lockhound reports a data race on `config`, read and written by both threads
 * in get_config() with no lock and nothing ordering them. The program prints whether the two
 * threads got the same configuration; lockhound reports the race even when they did.
 *
 * How to fix: pthread_once (once_init.c), or hold a mutex around the test and the store, or make
 * the configuration before starting the threads (create_join_handoff.c).
 *
 * lockhound-expect: data-race config
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 2

struct config {
    int verbosity;
    int max_clients;
};

struct config *config;                 /* made on first use, by whichever thread asks first */
static struct config *got_by[THREADS];  /* what each thread got: one slot per thread */

static struct config *make_config(void)
{
    struct config *c = malloc(sizeof *c);
    if (c == NULL)
        abort();
    c->verbosity = 2;
    c->max_clients = 64;
    return c;
}

/* The configuration, made on first use: test and store are two separate steps. */
static struct config *get_config(void)
{
    return config != NULL ? config : (config = make_config());
}

static void *client(void *arg)
{
    int me = (int)(long)arg;
    got_by[me] = get_config();
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, client, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    int same = got_by[0] == got_by[1];
    printf("both threads got the same configuration: %s (verbosity %d)\n",
           same ? "yes" : "no, two were made", got_by[0]->verbosity);
    if (!same)
        free(got_by[0] == config ? got_by[1] : got_by[0]);
    free(config);
    return 0;
}
