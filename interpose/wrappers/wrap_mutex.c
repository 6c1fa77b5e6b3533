/* wrap_mutex.c - pthread mutexes: every type (normal, recursive, error-checking, adaptive) and
 * robust ones. A robust mutex whose owner died is acquired with EOWNERDEAD, which counts as
 * acquired.
 *
 * A plain mutex (glibc's PTHREAD_MUTEX_TIMED_NP, the default and PTHREAD_MUTEX_NORMAL: kind 0,
 * neither process-shared, robust, priority-inheriting nor elided) is tried on the fast path by
 * the wrapper itself, the way glibc's pthread_mutex_trylock takes it (one compare-and-swap of the
 * lock word from 0 to 1, then the owner's kernel id and one more user), instead of by a call into
 * the C library: the call and its return cost 2 ns of a 6 ns lock+unlock pair on the Zen 4 EPYC
 * of docs/benchmarks.md, where trying the lock inline costs nothing measurable. The unlock of a
 * plain mutex that the caller holds (its latest held entry) is inline too, the way glibc's unlock
 * releases it (owner 0, one user less, the lock word exchanged for 0, and a futex wake when it
 * was 2: someone sleeps on it): 7.95 instead of 8.9 ns a pair with one thread, the tail call into
 * glibc and glibc's own checks gone. This reads and writes glibc's mutex fields (struct
 * __pthread_mutex_s, part of its ABI), so it is on only once plain_mutex_check has seen glibc
 * take and release a plain mutex exactly that way in this process, and release one taken the
 * other way; every other mutex, and every mutex when the check fails, is taken and released by
 * glibc. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/read_mostly.h"
#include "registry/lock_registry.h"
#include "wrappers/wrapper.h"

/* A robust mutex whose owner died is acquired too (EOWNERDEAD). */
static inline bool mutex_ok(int rc) { return rc == 0 || rc == EOWNERDEAD; }

LH_EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) {
  LH_COUNT(pthread_mutex_init);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_lock_init(m, LH_LOCK_MUTEX, LH_PC);
  int rc = real_pthread_mutex_init(m, attr);
  if (rc == 0 && !lh_pass()) {
    lh_lock_initialised(m, LH_LOCK_MUTEX, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)m, LH_PC));
  }
  return rc;
}

LH_EXPORT int pthread_mutex_destroy(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_destroy);
  lh_real_ensure();
  if (!lh_pass()) {
    lh_misuse_destroy_lock(m, LH_LOCK_MUTEX, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)m, LH_PC));
  }
  int rc = real_pthread_mutex_destroy(m);
  if (rc == 0 && !lh_pass()) lh_lock_destroyed(m, LH_PC);
  return rc;
}

/* The whole path of a lock (wrapper.h's steps); tried: what the fast path's trylock returned
 * (the tuple was known then, and recorded long before), or -1 when it made none. Out of line, so
 * that the fast path below saves only what lives across its trylock. */
__attribute__((noinline)) static int mutex_lock_slow(pthread_mutex_t *m, uintptr_t pc, int tried) {
  if (tried < 0 && lh_pass()) return real_pthread_mutex_lock(m);
  struct lh_acquire a;
  lh_acquire_begin(&a, m, LH_LOCK_MUTEX, LH_MODE_WRITE, 0, LH_W_pthread_mutex_lock, pc);
  int rc = tried >= 0 ? tried : real_pthread_mutex_trylock(m);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, LH_LOCK_MUTEX, LH_W_pthread_mutex_lock, false);
    rc = real_pthread_mutex_lock(m);
    lh_acquire_waited(&a);
  } else if (!mutex_ok(rc)) {
    rc = real_pthread_mutex_lock(m);
  }
  lh_acquire_end(&a, m, mutex_ok(rc), rc, LH_W_pthread_mutex_lock, pc);
  return rc;
}

/* The kind a mutex must have for the wrapper to try it inline: 0 (plain) once plain_mutex_check
 * passed, else INT_MIN, no mutex's kind (kinds are flags; glibc marks a destroyed mutex -1).
 * Written once by the library's constructor, before lockhound is enabled. */
static int plain_kind LH_READ_MOSTLY = INT_MIN;

/* What glibc's trylock does to a plain mutex, for the thread of kernel id tid: true when it took
 * it. */
static inline bool plain_mutex_take(pthread_mutex_t *m, pid_t tid) {
  int unlocked = 0;
  if (!__atomic_compare_exchange_n(&m->__data.__lock, &unlocked, 1, false, __ATOMIC_ACQUIRE,
                                   __ATOMIC_RELAXED))
    return false;
  m->__data.__owner = tid;
  ++m->__data.__nusers;
  return true;
}

/* Wakes one waiter of a plain mutex just released (its lock word was 2: waiters sleep on it, on
 * a private futex), leaving errno alone as glibc's wake does. Out of line: the unlock's fast path
 * saves no registers. */
__attribute__((noinline)) static void plain_mutex_wake(pthread_mutex_t *m) {
  int saved = errno;
  syscall(SYS_futex, &m->__data.__lock, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
  errno = saved;
}

/* What glibc's unlock does to a plain mutex. */
static inline void plain_mutex_give(pthread_mutex_t *m) {
  m->__data.__owner = 0;
  --m->__data.__nusers;
  if (__builtin_expect(__atomic_exchange_n(&m->__data.__lock, 0, __ATOMIC_RELEASE) > 1, 0))
    plain_mutex_wake(m);
}

/* The fast path's try: inline for a plain mutex, else glibc's. */
static inline int mutex_try(pthread_mutex_t *m) {
  if (__builtin_expect(m->__data.__kind == plain_kind, 1))
    return plain_mutex_take(m, lh_self.tid) ? 0 : EBUSY;
  return real_pthread_mutex_trylock(m);
}

/* The fast path's try did not take the lock (busy, or an error for the real call to decide): its
 * held entry is taken back, and the slow path goes on with what the try returned. */
__attribute__((noinline)) static int mutex_lock_untaken(int rc, uintptr_t pc) {
  return mutex_lock_slow((pthread_mutex_t *)lh_lock_unpush(), pc, rc);
}

/* The fast path of a tuple in the far table or deep in its window (recorder.h,
 * lh_lock_push_near). */
__attribute__((noinline)) static int mutex_lock_far(pthread_mutex_t *m, uintptr_t pc, uint64_t fp) {
  if (!lh_lock_push_far(m, LH_MODE_WRITE, fp)) return mutex_lock_slow(m, pc, -1);
  int rc = mutex_try(m);
  if (__builtin_expect(rc != 0, 0)) return mutex_lock_untaken(rc, pc);
  return 0;
}

/* Whether glibc takes and releases a plain mutex the way plain_mutex_take does (the fields and
 * their values), and gives back one that plain_mutex_take took. */
static bool plain_mutex_works(void) {
  pthread_mutex_t m;
  pid_t tid = gettid();
  if (real_pthread_mutex_init(&m, NULL) != 0) return false;
  bool ok = m.__data.__kind == 0 && m.__data.__lock == 0 && m.__data.__owner == 0 &&
            m.__data.__nusers == 0;
  ok = ok && real_pthread_mutex_trylock(&m) == 0 && m.__data.__lock == 1 &&
       m.__data.__owner == tid && m.__data.__nusers == 1 && m.__data.__kind == 0;
  ok = ok && real_pthread_mutex_unlock(&m) == 0 && m.__data.__lock == 0 && m.__data.__owner == 0 &&
       m.__data.__nusers == 0;
  if (ok) { /* taken inline, given back by glibc, taken by glibc */
    ok = plain_mutex_take(&m, tid) && real_pthread_mutex_trylock(&m) == EBUSY &&
         real_pthread_mutex_unlock(&m) == 0 && m.__data.__lock == 0 && m.__data.__owner == 0 &&
         m.__data.__nusers == 0 && real_pthread_mutex_trylock(&m) == 0 &&
         real_pthread_mutex_unlock(&m) == 0;
  }
  if (ok) { /* taken by glibc, given back inline, taken by glibc */
    ok = real_pthread_mutex_trylock(&m) == 0;
    if (ok) plain_mutex_give(&m);
    ok = ok && m.__data.__lock == 0 && m.__data.__owner == 0 && m.__data.__nusers == 0 &&
         real_pthread_mutex_trylock(&m) == 0 && real_pthread_mutex_unlock(&m) == 0;
  }
  real_pthread_mutex_destroy(&m);
  return ok;
}

__attribute__((constructor)) static void plain_mutex_check(void) {
  lh_real_ensure();
  if (plain_mutex_works()) plain_kind = 0;
}

/* The fast path: a tuple already recorded, pushed before the try (lh_lock_push_near), which the
 * try then takes. Nothing but the return address lives across the try; a plain mutex's try makes
 * no call at all. */
LH_EXPORT int pthread_mutex_lock(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_lock);
  uint64_t fp;
  enum lh_push k =
      lh_fast_path_open() ? lh_lock_push_near(m, LH_MODE_WRITE, LH_PC, &fp) : LH_PUSH_NONE;
  if (__builtin_expect(k != LH_PUSHED, 0))
    return k == LH_PUSH_FAR ? mutex_lock_far(m, LH_PC, fp) : mutex_lock_slow(m, LH_PC, -1);
  int rc = mutex_try(m);
  if (__builtin_expect(rc != 0, 0)) return mutex_lock_untaken(rc, LH_PC);
  return 0;
}

/* A trylock that did not take the fast path: tried, then recorded if it took the lock. */
__attribute__((noinline)) static int mutex_trylock_slow(pthread_mutex_t *m, uintptr_t pc) {
  if (lh_pass()) return real_pthread_mutex_trylock(m);
  int rc = real_pthread_mutex_trylock(m);
  lh_acquire_tried(m, LH_LOCK_MUTEX, LH_MODE_WRITE, mutex_ok(rc), rc == EBUSY, pc);
  return rc;
}

/* The fast path's try failed (busy: counted for livelock detection), or said what only the real
 * call can (a robust mutex's EOWNERDEAD takes the lock): its entry is taken back, and the try's
 * result recorded as the slow path records it. */
__attribute__((noinline)) static int mutex_trylock_untaken(int rc, uintptr_t pc) {
  pthread_mutex_t *m = (pthread_mutex_t *)lh_lock_unpush();
  lh_acquire_tried(m, LH_LOCK_MUTEX, LH_MODE_WRITE, mutex_ok(rc), rc == EBUSY, pc);
  return rc;
}

/* The trylock's tuple far or deep (recorder.h, lh_lock_push_far); the slow path when new. */
__attribute__((noinline)) static int mutex_trylock_far(pthread_mutex_t *m, uintptr_t pc,
                                                       uint64_t fp) {
  if (!lh_lock_push_far(m, LH_MODE_WRITE, fp)) return mutex_trylock_slow(m, pc);
  int rc = mutex_try(m);
  if (__builtin_expect(rc != 0, 0)) return mutex_trylock_untaken(rc, pc);
  lh_try_succeeded_on(lh_self.held.v[lh_self.held.n - 1].lock);
  return 0;
}

/* The fast path of pthread_mutex_lock's, for a trylock's own tuple (flag try): pushed before the
 * try, taken back when the try fails. A success ends a run of failed tries of the same lock
 * (livelock detection, blocking.h). memcached's threads make 580,000 trylocks in run-bench's
 * load: 145 instructions each in the library before (callgrind), against 85 for a lock. */
LH_EXPORT int pthread_mutex_trylock(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_trylock);
  uint64_t fp;
  enum lh_push k = lh_fast_path_open()
                       ? lh_lock_push_near_as(m, LH_MODE_WRITE, LH_ACQ_TRY, LH_PC, &fp)
                       : LH_PUSH_NONE;
  if (__builtin_expect(k != LH_PUSHED, 0))
    return k == LH_PUSH_FAR ? mutex_trylock_far(m, LH_PC, fp) : mutex_trylock_slow(m, LH_PC);
  /* mutex_trylock_far's tail, written again: a helper taking the call site kept it in a saved
   * register across the try (2 instructions a call more, callgrind); here it is read only when
   * the try fails. */
  int rc = mutex_try(m);
  if (__builtin_expect(rc != 0, 0)) return mutex_trylock_untaken(rc, LH_PC);
  lh_try_succeeded_on(lh_self.held.v[lh_self.held.n - 1].lock);
  return 0;
}

LH_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t) {
  LH_COUNT(pthread_mutex_timedlock);
  if (lh_pass()) return real_pthread_mutex_timedlock(m, t);
  lh_misuse_deadline(t, CLOCK_REALTIME, m, LH_LOCK_MUTEX, false, LH_PC);
  struct lh_acquire a;
  lh_acquire_begin(&a, m, LH_LOCK_MUTEX, LH_MODE_WRITE, LH_ACQ_TIMED, LH_W_pthread_mutex_timedlock,
                   LH_PC);
  int rc = real_pthread_mutex_trylock(m);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, LH_LOCK_MUTEX, LH_W_pthread_mutex_timedlock, true);
    rc = real_pthread_mutex_timedlock(m, t);
    lh_acquire_waited(&a);
  } else if (!mutex_ok(rc)) {
    rc = real_pthread_mutex_timedlock(m, t);
  }
  lh_acquire_end(&a, m, mutex_ok(rc), rc, LH_W_pthread_mutex_timedlock, LH_PC);
  return rc;
}

LH_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t c, const struct timespec *t) {
  LH_COUNT(pthread_mutex_clocklock);
  if (lh_pass()) return real_pthread_mutex_clocklock(m, c, t);
  lh_misuse_deadline(t, c, m, LH_LOCK_MUTEX, false, LH_PC);
  struct lh_acquire a;
  lh_acquire_begin(&a, m, LH_LOCK_MUTEX, LH_MODE_WRITE, LH_ACQ_TIMED, LH_W_pthread_mutex_clocklock,
                   LH_PC);
  int rc = real_pthread_mutex_trylock(m);
  if (rc == EBUSY) {
    lh_acquire_wait(&a, LH_LOCK_MUTEX, LH_W_pthread_mutex_clocklock, true);
    rc = real_pthread_mutex_clocklock(m, c, t);
    lh_acquire_waited(&a);
  } else if (!mutex_ok(rc)) {
    rc = real_pthread_mutex_clocklock(m, c, t);
  }
  lh_acquire_end(&a, m, mutex_ok(rc), rc, LH_W_pthread_mutex_clocklock, LH_PC);
  return rc;
}

/* Everything but the common unlock (lh_release_fast): out of line, so that the wrapper's fast
 * path needs no frame of its own. */
__attribute__((noinline)) static int mutex_unlock_slow(pthread_mutex_t *m, uintptr_t pc) {
  lh_release(m, LH_LOCK_MUTEX, pc);
  return real_pthread_mutex_unlock(m);
}

/* A lock taken by the fast path's inline try is in the caller's held set, and the caller holds
 * it: released inline too when plain, as glibc would. */
LH_EXPORT int pthread_mutex_unlock(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_unlock);
  if (__builtin_expect(!lh_release_fast(m), 0)) return mutex_unlock_slow(m, LH_PC);
  if (__builtin_expect(m->__data.__kind != plain_kind, 0)) return real_pthread_mutex_unlock(m);
  plain_mutex_give(m);
  return 0;
}

LH_EXPORT int pthread_mutex_consistent(pthread_mutex_t *m) {
  LH_COUNT(pthread_mutex_consistent);
  lh_real_ensure();
  return real_pthread_mutex_consistent(m);
}
