/* race_spin.h - the little lock that guards the race detector's global tables.
 *
 * The race runtime is called from inside the program's accesses and from inside our own pthread
 * wrappers, so its tables cannot be guarded by a pthread mutex (that would re-enter the wrappers,
 * and a signal handler's access could deadlock on it). A test-and-test-and-set spinlock that yields
 * after a few spins is enough: it is held only for a hash look-up or insert, never across a call
 * out. Limit: not fair, not reentrant. */
#ifndef LH_RACE_SPIN_H
#define LH_RACE_SPIN_H

#include <sched.h>
#include <stdbool.h>

typedef struct {
  int v;
} lh_spin;

static inline void lh_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static inline void lh_spin_lock(lh_spin *s) {
  for (unsigned n = 0;; n++) {
    if (!__atomic_load_n(&s->v, __ATOMIC_RELAXED) &&
        !__atomic_exchange_n(&s->v, 1, __ATOMIC_ACQUIRE))
      return;
    if (n > 64)
      sched_yield();
    else
      lh_spin_pause();
  }
}

static inline void lh_spin_unlock(lh_spin *s) { __atomic_store_n(&s->v, 0, __ATOMIC_RELEASE); }

#endif
