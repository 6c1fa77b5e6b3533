/* real_functions.h - pointers to the real libc functions behind every wrapper, in one table.
 *
 * real_<name> has exactly the type of <name> (declared with __typeof__ from the libc headers),
 * generated from wrapped_functions.def, plus a few functions the runtime needs unwrapped.
 * lh_real_resolve() fills the table with dlsym(RTLD_NEXT); the condvar functions are looked up
 * with their default symbol version (GLIBC_2.3.2), since plain dlsym may return the old
 * 2.2.5 compatibility versions. Resolution runs in the library constructor and again lazily
 * from any wrapper that finds the table empty (another library's constructor may take a lock
 * before ours runs). */
#ifndef LH_REAL_FUNCTIONS_H
#define LH_REAL_FUNCTIONS_H

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <threads.h>
#include <unistd.h>

/* glibc's start of a program (wrap_program_start.c); no public header declares it. */
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv, void (*init)(void),
                      void (*fini)(void), void (*rtld_fini)(void), void *stack_end);

/* Hidden, like every global the wrappers read on their fast paths (lh_fast_off, lh_lock_epochs...):
 * the compiler then addresses them directly instead of through an address it loads first, an
 * instruction fewer at every use (issue 11). */
#define X(name) extern __typeof__(name) *real_##name __attribute__((visibility("hidden")));
#include "base/wrapped_functions.def"
#undef X

/* True once every pointer is set. */
extern bool lh_real_ready __attribute__((visibility("hidden")));
void lh_real_resolve(void);

static inline void lh_real_ensure(void) {
  if (__builtin_expect(!lh_real_ready, 0)) lh_real_resolve();
}

#endif
