/* stress_plugin.c - soak: a plugin that stress_dlopen loads and unloads: two locks of its own, nested
 * in one order. */
#include <pthread.h>

static pthread_mutex_t p1 = PTHREAD_MUTEX_INITIALIZER, p2 = PTHREAD_MUTEX_INITIALIZER;
static int calls;

int stress_plugin_call(void)
{
    pthread_mutex_lock(&p1);
    pthread_mutex_lock(&p2);
    int n = ++calls;
    pthread_mutex_unlock(&p2);
    pthread_mutex_unlock(&p1);
    return n;
}
