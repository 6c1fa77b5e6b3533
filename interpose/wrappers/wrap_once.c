/* wrap_once.c - pthread_once and C11 call_once.
 *
 * For lockhound's lock-order checks a once control is nothing; for the race detector it is a
 * hand-over: what the init routine wrote happens before everything any caller does after the call
 * returns. The routine is run through a trampoline that releases on the control when the routine
 * finishes (the routine and the trampoline run on the calling thread, so the routine and control
 * travel in thread-local variables, saved and restored around nested once calls); every caller
 * acquires it on return. Outside race mode both pass straight through. */
#include <threads.h>

#include "wrappers/wrapper.h"

/* The calling thread's current once call: set just before the real call, read by the trampoline.
 * 16 bytes of static TLS (taken from every thread's stack, thread_state.h): the trampoline gets
 * no argument, and the heap would need an allocation in the once call. */
static __thread void (*once_routine)(void);
static __thread uintptr_t once_control;

static void once_trampoline(void) {
  void (*routine)(void) = once_routine;
  uintptr_t control = once_control;
  routine();
  lh_race_release(control);
}

LH_EXPORT int pthread_once(pthread_once_t *c, void (*routine)(void)) {
  LH_COUNT(pthread_once);
  if (lh_pass() || !__atomic_load_n(&lh_race_on, __ATOMIC_RELAXED))
    return real_pthread_once(c, routine);
  void (*saved_routine)(void) = once_routine;
  uintptr_t saved_control = once_control;
  once_routine = routine;
  once_control = (uintptr_t)c;
  int rc = real_pthread_once(c, once_trampoline);
  once_routine = saved_routine;
  once_control = saved_control;
  if (rc == 0) lh_race_acquire((uintptr_t)c);
  return rc;
}

LH_EXPORT void call_once(once_flag *f, void (*routine)(void)) {
  LH_COUNT(call_once);
  if (lh_pass() || !__atomic_load_n(&lh_race_on, __ATOMIC_RELAXED)) {
    real_call_once(f, routine);
    return;
  }
  void (*saved_routine)(void) = once_routine;
  uintptr_t saved_control = once_control;
  once_routine = routine;
  once_control = (uintptr_t)f;
  real_call_once(f, once_trampoline);
  once_routine = saved_routine;
  once_control = saved_control;
  lh_race_acquire((uintptr_t)f);
}
