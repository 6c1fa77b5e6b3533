/* wrap_c11.c - C11 <threads.h>: mtx_*, cnd_*, thrd_*. glibc implements them apart from the
 * pthread_* entry points (its internal calls do not go through our wrappers), so they need
 * their own. An mtx_t is a glibc mutex underneath, so its type is read the same way. */
#include <stdlib.h>
#include <threads.h>

#include "lifecycle.h"
#include "registry/lock_registry.h"
#include "registry/object_registry.h"
#include "wrappers/wrapper.h"

#define C11 LH_LOCK_C11_MUTEX

LH_EXPORT int mtx_init(mtx_t *m, int type) {
  LH_COUNT(mtx_init);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_lock_init(m, C11, LH_PC);
  int rc = real_mtx_init(m, type);
  if (rc == thrd_success && !lh_pass()) {
    lh_lock_initialised(m, C11, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)m, LH_PC));
  }
  return rc;
}

LH_EXPORT void mtx_destroy(mtx_t *m) {
  LH_COUNT(mtx_destroy);
  lh_real_ensure();
  if (!lh_pass()) {
    lh_misuse_destroy_lock(m, C11, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)m, LH_PC));
  }
  real_mtx_destroy(m);
  if (!lh_pass()) lh_lock_destroyed(m, LH_PC);
}

LH_EXPORT int mtx_lock(mtx_t *m) {
  LH_COUNT(mtx_lock);
  if (lh_pass()) return real_mtx_lock(m);
  struct lh_acquire a;
  lh_acquire_begin(&a, m, C11, LH_MODE_WRITE, 0, LH_W_mtx_lock, LH_PC);
  int rc = real_mtx_trylock(m);
  if (rc == thrd_busy) {
    lh_acquire_wait(&a, C11, LH_W_mtx_lock, false);
    rc = real_mtx_lock(m);
    lh_acquire_waited(&a);
  } else if (rc != thrd_success) {
    rc = real_mtx_lock(m);
  }
  lh_acquire_end(&a, m, rc == thrd_success, rc, LH_W_mtx_lock, LH_PC);
  return rc;
}

LH_EXPORT int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict t) {
  LH_COUNT(mtx_timedlock);
  if (lh_pass()) return real_mtx_timedlock(m, t);
  lh_misuse_deadline(t, CLOCK_REALTIME, m, C11, false, LH_PC);
  struct lh_acquire a;
  lh_acquire_begin(&a, m, C11, LH_MODE_WRITE, LH_ACQ_TIMED, LH_W_mtx_timedlock, LH_PC);
  int rc = real_mtx_trylock(m);
  if (rc == thrd_busy) {
    lh_acquire_wait(&a, C11, LH_W_mtx_timedlock, true);
    rc = real_mtx_timedlock(m, t);
    lh_acquire_waited(&a);
  } else if (rc != thrd_success) {
    rc = real_mtx_timedlock(m, t);
  }
  lh_acquire_end(&a, m, rc == thrd_success, rc, LH_W_mtx_timedlock, LH_PC);
  return rc;
}

LH_EXPORT int mtx_trylock(mtx_t *m) {
  LH_COUNT(mtx_trylock);
  if (lh_pass()) return real_mtx_trylock(m);
  int rc = real_mtx_trylock(m);
  lh_acquire_tried(m, C11, LH_MODE_WRITE, rc == thrd_success, rc == thrd_busy, LH_PC);
  return rc;
}

LH_EXPORT int mtx_unlock(mtx_t *m) {
  LH_COUNT(mtx_unlock);
  lh_release(m, C11, LH_PC);
  return real_mtx_unlock(m);
}

LH_EXPORT int cnd_init(cnd_t *c) {
  LH_COUNT(cnd_init);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_cond_init(c, LH_PC);
  int rc = real_cnd_init(c);
  if (rc == thrd_success && !lh_pass()) {
    lh_misuse_initialised(c);
    lh_object_init_event(c, LH_OBJECT_COND, LH_PC, 0, NULL);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)c, LH_PC));
  }
  return rc;
}

LH_EXPORT void cnd_destroy(cnd_t *c) {
  LH_COUNT(cnd_destroy);
  lh_real_ensure();
  bool waited = false;
  if (!lh_pass()) {
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)c, LH_PC));
    waited = lh_misuse_cond_destroy(c, LH_PC);
  }
  if (waited)
    lh_wait_object_begin(LH_WAIT_COND, c, LH_W_cnd_destroy, false, LH_PC); /* see
                                                                   pthread_cond_destroy's */
  real_cnd_destroy(c);
  if (waited) lh_wait_end();
  if (!lh_pass()) lh_object_destroy_event(c); /* forgotten: memory follows the live condvars */
}

LH_EXPORT int cnd_signal(cnd_t *c) {
  LH_COUNT(cnd_signal);
  lh_real_ensure();
  bool marked = false;
  if (!lh_pass()) {
    marked = lh_misuse_cond_use(c, LH_PC);
    lh_misuse_signal(c, LH_PC);
    LH_RACE_EVENT(lh_race_cond_signalling((uintptr_t)c, LH_PC));
  }
  if (__builtin_expect(!marked, 1)) return real_cnd_signal(c);
  lh_wait_object_begin(LH_WAIT_COND, c, LH_W_cnd_signal, false, LH_PC); /* may never return */
  int rc = real_cnd_signal(c);
  lh_wait_end();
  return rc;
}

LH_EXPORT int cnd_broadcast(cnd_t *c) {
  LH_COUNT(cnd_broadcast);
  lh_real_ensure();
  bool marked = false;
  if (!lh_pass()) {
    marked = lh_misuse_cond_use(c, LH_PC);
    lh_misuse_signal(c, LH_PC);
    LH_RACE_EVENT(lh_race_cond_signalling((uintptr_t)c, LH_PC));
  }
  if (__builtin_expect(!marked, 1)) return real_cnd_broadcast(c);
  lh_wait_object_begin(LH_WAIT_COND, c, LH_W_cnd_broadcast, false, LH_PC); /* may never return */
  int rc = real_cnd_broadcast(c);
  lh_wait_end();
  return rc;
}

/* A wait that returned with the mutex taken again: it woke, or timed out. */
static inline bool c11_relocked(int rc) { return rc == thrd_success || rc == thrd_timedout; }

LH_EXPORT int cnd_wait(cnd_t *c, mtx_t *m) {
  LH_COUNT(cnd_wait);
  if (lh_pass()) return real_cnd_wait(c, m);
  lh_misuse_cond_use(c, LH_PC);
  lh_cond_wait_begin(c, m, C11, LH_W_cnd_wait, false, LH_PC);
  int rc = real_cnd_wait(c, m);
  lh_cond_wait_end(c, m, C11, c11_relocked(rc), LH_PC);
  return rc;
}

LH_EXPORT int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m,
                            const struct timespec *restrict t) {
  LH_COUNT(cnd_timedwait);
  if (lh_pass()) return real_cnd_timedwait(c, m, t);
  lh_misuse_cond_use(c, LH_PC);
  lh_misuse_deadline(t, CLOCK_REALTIME, c, LH_OBJECT_COND, true, LH_PC);
  lh_cond_wait_begin(c, m, C11, LH_W_cnd_timedwait, true, LH_PC);
  int rc = real_cnd_timedwait(c, m, t);
  lh_cond_wait_end(c, m, C11, c11_relocked(rc), LH_PC);
  return rc;
}

struct start_call {
  int (*fn)(void *);
  void *arg;
};

/* As pthread_trampoline (wrap_thread.c): begins out of line, then a tail call. */
static __attribute__((noinline)) struct start_call begin(void *p) {
  struct lh_thread_start s = *(struct lh_thread_start *)p;
  free(p);
  lh_thread_begin(&s);
  return (struct start_call){s.thrd_fn, s.arg};
}

static int thrd_trampoline(void *p) {
  struct start_call c = begin(p);
  return c.fn(c.arg);
}

LH_EXPORT int thrd_create(thrd_t *t, thrd_start_t fn, void *arg) {
  LH_COUNT(thrd_create);
  if (lh_pass()) return real_thrd_create(t, fn, arg);
  struct lh_thread_start *s = lh_thread_prepare(LH_HOW_THRD, LH_PC);
  if (!s) return real_thrd_create(t, fn, arg);
  s->thrd_fn = fn;
  s->arg = arg;
  int32_t id = s->id;
  int rc = real_thrd_create(t, thrd_trampoline, s);
  lh_thread_created(s, id, rc == thrd_success, rc == thrd_success ? (pthread_t)*t : 0);
  return rc;
}

LH_EXPORT int thrd_join(thrd_t t, int *res) {
  LH_COUNT(thrd_join);
  lh_real_ensure();
  if (lh_pass()) return real_thrd_join(t, res);
  lh_thread_ensure();
  int32_t target = lh_join_target((pthread_t)t); /* before: t may name a new thread after */
  lh_wait_join_begin((pthread_t)t, LH_W_thrd_join, false, LH_PC);
  int rc = real_thrd_join(t, res);
  lh_wait_done(&lh_self.cold->wait);
  if (rc == thrd_success && !lh_pass()) lh_thread_joined((pthread_t)t, target);
  return rc;
}

LH_EXPORT int thrd_detach(thrd_t t) {
  LH_COUNT(thrd_detach);
  lh_real_ensure();
  int32_t target = -1;
  if (!lh_pass()) {
    lh_thread_ensure();
    target = lh_join_target((pthread_t)t); /* before: t may name a new thread after */
  }
  int rc = real_thrd_detach(t);
  if (rc == thrd_success && !lh_pass()) lh_thread_detached(target);
  return rc;
}

LH_EXPORT void thrd_exit(int res) {
  LH_COUNT(thrd_exit);
  lh_real_ensure();
  real_thrd_exit(res);
  __builtin_unreachable();
}
