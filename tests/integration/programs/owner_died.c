/* owner_died.c - two pthread errors that a careful program handles, and whose reports must be
 * true whether or not it does:
 *   robust      a thread ends holding a robust mutex; main locks it, gets EOWNERDEAD, makes it
 *               consistent and goes on ("recovered")
 *   errorcheck  main locks an error-checking mutex it holds, gets EDEADLK and goes on without the
 *               second lock ("relock refused")
 * Exits 0. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t m;

static void *dies_holding(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    return NULL; /* ends with m held */
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "robust";
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    if (strcmp(what, "robust") == 0) {
        pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
        pthread_mutex_init(&m, &attr);
        pthread_t t;
        pthread_create(&t, NULL, dies_holding, NULL);
        pthread_join(t, NULL);
        if (pthread_mutex_lock(&m) == EOWNERDEAD) {
            pthread_mutex_consistent(&m);
            puts("recovered");
        }
        pthread_mutex_unlock(&m);
    } else {
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
        pthread_mutex_init(&m, &attr);
        pthread_mutex_lock(&m);
        if (pthread_mutex_lock(&m) == EDEADLK)
            puts("relock refused");
        pthread_mutex_unlock(&m);
    }
    return 0;
}
