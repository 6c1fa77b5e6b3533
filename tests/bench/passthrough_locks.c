/* passthrough_locks.c - the floor of any preload wrapper on the mutex path, for run-bench.
 *
 * A library preloaded like liblockhound.so whose pthread_mutex_lock and pthread_mutex_unlock do
 * nothing but call the real functions: what interposing itself costs a program (the call through
 * the PLT into a wrapper, the indirect call to the C library), with no recording at all. Built
 * twice (tests/bench/CMakeLists.txt):
 *   passthrough_tail.so  both wrappers end in a tail call to the real function: the least any
 *                        wrapper can cost;
 *   passthrough_try.so   the lock wrapper tries the lock first (pthread_mutex_trylock, then
 *                        pthread_mutex_lock only when it is taken) and looks at the result, as a
 *                        checker must that publishes a wait before it blocks (lockhound, which
 *                        lets its watchdog see real deadlocks this way).
 * run-bench runs lock_heavy under both beside `lockhound run`: lockhound's cost above the second
 * is its recording; the two differ by what trying first costs. Not part of lockhound. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

static int (*real_lock)(pthread_mutex_t *), (*real_trylock)(pthread_mutex_t *),
    (*real_unlock)(pthread_mutex_t *);

static void resolve(void) {
  real_lock = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_lock");
  real_trylock = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_trylock");
  real_unlock = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_unlock");
}

__attribute__((constructor)) static void passthrough_init(void) { resolve(); }

int pthread_mutex_lock(pthread_mutex_t *m) {
  if (__builtin_expect(!real_lock, 0)) resolve();
#ifdef PASSTHROUGH_TRY_FIRST
  int rc = real_trylock(m);
  if (__builtin_expect(rc != EBUSY, 1)) return rc;
#endif
  return real_lock(m);
}

int pthread_mutex_unlock(pthread_mutex_t *m) {
  if (__builtin_expect(!real_unlock, 0)) resolve();
  return real_unlock(m);
}
