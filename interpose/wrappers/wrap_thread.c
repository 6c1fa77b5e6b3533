/* wrap_thread.c - pthread thread life cycle: create, join (all variants), detach, exit,
 * cancel. Creation runs the new thread through a trampoline that registers it before the
 * program's start routine runs; a successful create or join moves the calling thread to its
 * next segment (thread_state.h). */
#include <pthread.h>
#include <stdlib.h>

#include "lifecycle.h"
#include "race/race_alloc.h"
#include "wrappers/wrapper.h"

struct start_call {
  void *(*fn)(void *);
  void *arg;
};

/* Out of line: its frame is gone before the program's start routine runs. The start block is
 * lockhound's own: freed past the malloc family's wrappers (in race mode free is a write of the
 * block, checked for the calling thread, which is not registered yet). */
static __attribute__((noinline)) struct start_call begin(void *p) {
  struct lh_thread_start s = *(struct lh_thread_start *)p;
  __libc_free(p);
  lh_thread_begin(&s);
  return (struct start_call){s.fn, s.arg};
}

/* The start routine is a tail call: the trampoline leaves no frame under the program's (a
 * thread's whole stack may be 16 KiB: docs/promises.md). */
static void *pthread_trampoline(void *p) {
  struct start_call c = begin(p);
  return c.fn(c.arg);
}

LH_EXPORT int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *),
                             void *arg) {
  LH_COUNT(pthread_create);
  if (lh_pass()) return real_pthread_create(t, attr, fn, arg);
  struct lh_thread_start *s = lh_thread_prepare(LH_HOW_PTHREAD, LH_PC);
  if (!s) return real_pthread_create(t, attr, fn, arg);
  s->fn = fn;
  s->arg = arg;
  int32_t id = s->id;
  int rc = real_pthread_create(t, attr, pthread_trampoline, s);
  lh_thread_created(s, id, rc == 0, rc == 0 ? *t : 0);
  return rc;
}

/* The thread a join or detach of t means, looked up before the real call: once it returns, glibc
 * may give t to a new thread (registry/thread_state.h). -1: unknown, or lockhound is passed
 * through. */
static int32_t target_of(pthread_t t) {
  if (lh_pass()) return -1;
  lh_thread_ensure();
  return lh_join_target(t);
}

/* After any join of thread `target` (target_of): a success moves the joiner to its next segment;
 * an error that means misuse (joining oneself, a thread that cannot be joined) is reported. */
static int joined(int rc, pthread_t t, int32_t target, uint16_t call, uintptr_t pc) {
  if (rc == 0 && !lh_pass())
    lh_thread_joined(t, target);
  else if (rc != 0 && rc != EBUSY && rc != ETIMEDOUT && !lh_pass())
    lh_misuse_api_error(call, rc, pc);
  return rc;
}

LH_EXPORT int pthread_join(pthread_t t, void **ret) {
  LH_COUNT(pthread_join);
  if (lh_pass()) return real_pthread_join(t, ret);
  if (lh_misuse_join(t, LH_PC))
    return real_pthread_join(t, ret); /* reported: what the program asked for, nothing more */
  int32_t target = target_of(t);
  lh_wait_join_begin(t, LH_W_pthread_join, false, LH_PC);
  int rc = real_pthread_join(t, ret);
  lh_wait_done(&lh_self.cold->wait);
  lh_misuse_join_done(t);
  return joined(rc, t, target, LH_W_pthread_join, LH_PC);
}

LH_EXPORT int pthread_tryjoin_np(pthread_t t, void **ret) {
  LH_COUNT(pthread_tryjoin_np);
  lh_real_ensure();
  int32_t target = target_of(t);
  return joined(real_pthread_tryjoin_np(t, ret), t, target, LH_W_pthread_tryjoin_np, LH_PC);
}

LH_EXPORT int pthread_timedjoin_np(pthread_t t, void **ret, const struct timespec *abstime) {
  LH_COUNT(pthread_timedjoin_np);
  if (lh_pass()) return real_pthread_timedjoin_np(t, ret, abstime);
  lh_misuse_deadline(abstime, CLOCK_REALTIME, NULL, 0, false, LH_PC);
  if (lh_misuse_join(t, LH_PC))
    return real_pthread_timedjoin_np(
        t, ret, abstime); /* reported: what the program asked for, nothing more */
  int32_t target = target_of(t);
  lh_wait_join_begin(t, LH_W_pthread_timedjoin_np, true, LH_PC);
  int rc = real_pthread_timedjoin_np(t, ret, abstime);
  lh_wait_done(&lh_self.cold->wait);
  lh_misuse_join_done(t);
  return joined(rc, t, target, LH_W_pthread_timedjoin_np, LH_PC);
}

LH_EXPORT int pthread_clockjoin_np(pthread_t t, void **ret, clockid_t c,
                                   const struct timespec *abstime) {
  LH_COUNT(pthread_clockjoin_np);
  if (lh_pass()) return real_pthread_clockjoin_np(t, ret, c, abstime);
  lh_misuse_deadline(abstime, c, NULL, 0, false, LH_PC);
  if (lh_misuse_join(t, LH_PC))
    return real_pthread_clockjoin_np(
        t, ret, c, abstime); /* reported: what the program asked for, nothing more */
  int32_t target = target_of(t);
  lh_wait_join_begin(t, LH_W_pthread_clockjoin_np, true, LH_PC);
  int rc = real_pthread_clockjoin_np(t, ret, c, abstime);
  lh_wait_done(&lh_self.cold->wait);
  lh_misuse_join_done(t);
  return joined(rc, t, target, LH_W_pthread_clockjoin_np, LH_PC);
}

LH_EXPORT int pthread_detach(pthread_t t) {
  LH_COUNT(pthread_detach);
  lh_real_ensure();
  int32_t target = target_of(t);
  int rc = real_pthread_detach(t);
  if (rc == 0 && !lh_pass())
    lh_thread_detached(target);
  else if (rc != 0 && !lh_pass())
    lh_misuse_api_error(LH_W_pthread_detach, rc, LH_PC);
  return rc;
}

LH_EXPORT void pthread_exit(void *ret) {
  LH_COUNT(pthread_exit);
  lh_real_ensure();
  real_pthread_exit(ret);
  __builtin_unreachable();
}

LH_EXPORT int pthread_cancel(pthread_t t) {
  LH_COUNT(pthread_cancel);
  lh_real_ensure();
  return real_pthread_cancel(t);
}
