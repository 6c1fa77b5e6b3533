/* join_window_shim.c - preloaded AFTER liblockhound.so (LD_PRELOAD=liblockhound.so:this), so that
 * lockhound's pthread_join calls this pthread_join as the "real" one: after the real join
 * returns, and before lockhound's wrapper has done its bookkeeping of the join, it calls the hook
 * the program put in join_window_hook. The program creates its next thread there, which glibc
 * gives the descriptor (the pthread_t) of the thread just joined: the moment at which a joiner
 * that looked the joined thread up by its handle only AFTER the join found the new thread instead.
 * On a loaded machine another thread's creation can fall in that window by chance; here it always
 * does. pthread_detach gets the same treatment (detach_window_hook). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <pthread.h>

__attribute__((visibility("default"))) void (*join_window_hook)(void);
__attribute__((visibility("default"))) void (*detach_window_hook)(void);

int pthread_join(pthread_t t, void **ret)
{
    int (*real)(pthread_t, void **) = (int (*)(pthread_t, void **))dlsym(RTLD_NEXT, "pthread_join");
    int rc = real(t, ret);
    void (*hook)(void) = join_window_hook;
    if (rc == 0 && hook) {
        join_window_hook = 0; /* once per join: the hook joins threads too */
        hook();
    }
    return rc;
}

/* The same window in pthread_detach: a thread that has already ended gives its descriptor back
 * as soon as it is detached. */
int pthread_detach(pthread_t t)
{
    int (*real)(pthread_t) = (int (*)(pthread_t))dlsym(RTLD_NEXT, "pthread_detach");
    int rc = real(t);
    void (*hook)(void) = detach_window_hook;
    if (rc == 0 && hook) {
        detach_window_hook = 0;
        hook();
    }
    return rc;
}
