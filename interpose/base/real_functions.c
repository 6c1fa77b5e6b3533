/* real_functions.c - see real_functions.h.
 *
 * Limit: while the table is being filled, a lock call made by the dynamic loader itself on the
 * same thread would find a NULL pointer; the wrappers then pretend success (wrapper.h), which is
 * only sound because resolution happens before the program has created any thread. */
#include "base/real_functions.h"
#include "base/read_mostly.h"
#include "base/real_memory.h"

#include <dlfcn.h>
#include <string.h>

/* Written once at start-up (or by a wrapper that finds them unset), read by every wrapper. */
#define X(name) __typeof__(name) *real_##name LH_READ_MOSTLY;
#define X_MEMORY(name) X(name) /* declared in real_memory.h */
#include "base/wrapped_functions.def"
#undef X_MEMORY
#undef X

bool lh_real_ready LH_READ_MOSTLY;

/* The condvar functions exist in two versions; the default one is GLIBC_2.3.2. */
static void *lookup(const char *name) {
  if (strncmp(name, "pthread_cond_", 13) == 0) {
    void *p = dlvsym(RTLD_NEXT, name, "GLIBC_2.3.2");
    if (p) return p;
  }
  return dlsym(RTLD_NEXT, name);
}

void lh_real_resolve(void) {
  /* Plain assignments: racing resolvers store the same values, and each pointer is written
   * whole, so a reader sees either NULL (and resolves itself) or the right function. */
#define X(name)                                                                                    \
  __atomic_store_n(&real_##name, (__typeof__(real_##name))lookup(#name), __ATOMIC_RELAXED);
#define X_MEMORY(name) X(name)
#include "base/wrapped_functions.def"
#undef X_MEMORY
#undef X
  __atomic_store_n(&lh_real_ready, true, __ATOMIC_RELEASE);
}
