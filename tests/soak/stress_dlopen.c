/* stress_dlopen.c - soak: 300 times, dlopen the plugin next to this program, call it from a new thread
 * (its locks are new each time: the library was unloaded and its statics re-initialised), dlclose.
 * Prints the sum of what the calls returned (each returns 1: a fresh library counts from 0). */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 300

static void *call(void *fn)
{
    int (*f)(void) = (int (*)(void))fn;
    return (void *)(long)f();
}

int main(void)
{
    char exe[PATH_MAX], path[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 1;
    exe[n] = 0;
    snprintf(path, sizeof path, "%s/libstress_plugin.so", dirname(exe));
    long sum = 0;
    for (int i = 0; i < ROUNDS; i++) {
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            fprintf(stderr, "%s\n", dlerror());
            return 1;
        }
        void *fn = dlsym(h, "stress_plugin_call");
        pthread_t t;
        void *res;
        if (!fn || pthread_create(&t, NULL, call, fn) != 0)
            return 1;
        pthread_join(t, &res);
        sum += (long)res;
        dlclose(h);
    }
    printf("sum=%ld\n", sum);
    return 0;
}
