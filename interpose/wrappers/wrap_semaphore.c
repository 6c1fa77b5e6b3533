/* wrap_semaphore.c - POSIX semaphores, unnamed and named. A semaphore orders no locks; what
 * matters is waiting on one: a wait that cannot be satisfied at once is published for the
 * watchdog (a stall: no thread left to post). The try comes first so that a semaphore with a
 * positive value costs no publication. sem_post is async-signal-safe and is called from signal
 * handlers: its wrapper touches nothing but a thread-local counter and, when the post overflows,
 * one atomic slot that the watchdog reports from (misuse.h).
 *
 * CPython's locks are semaphores too (python_frames.h): a call on a semaphore tagged as one of
 * them is a lock step instead - created, tried, waited for, released, destroyed - with the
 * rules of Python's locks: any thread may release one (a hand-over, never a misuse), its holder
 * may wait on it again (for another thread to release it: a Condition's waiter), and one may be
 * freed while held. */
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>

#include "registry/object_registry.h"
#include "registry/python_frames.h"
#include "registry/stack_capture.h"
#include "wrappers/wrapper.h"

/* A try first: only a semaphore at zero makes the thread wait. */
static bool available(sem_t *s) {
  int saved = errno;
  bool ok = real_sem_trywait(s) == 0;
  errno = saved;
  return ok;
}

/* ---- Python's locks ----
 * Every acquisition of a Python lock comes from the same few call sites inside the interpreter,
 * so they share one key pc: tuples differ by lock, held set and kind of call, and the stack kept
 * for one is the Python stack of the first acquisition seen (the walk costs only then). */
static inline uintptr_t python_key_pc(void) { return lh_python_key_pc; }
_Static_assert(sizeof(sem_t) >= LH_PY_TAG_OFFSET + 8, "a Python lock's tag fits in its sem_t");

/* A lock made by the interpreter: a lock, or a Condition's waiter (a semaphore to lockhound:
 * python_frames.h), or a thread's end-of-life lock (python_join below). */
static void python_lock_made(sem_t *s, uintptr_t pc) {
  lh_thread_ensure();
  lh_python_arm((uintptr_t)s);
  if (lh_python_armed_waiter()) {
    lh_python_mark_waiter(s, lh_stack_of_site_now(pc));
    lh_object_init_event(s, LH_OBJECT_SEM, pc, 0, NULL);
  } else {
    lh_lock_initialised(s, LH_LOCK_PYTHON, pc);
    lh_python_check_sentinel(s, lh_self.id);
  }
  lh_python_done();
}

/* A wait on a semaphore is published with the wait site's stack, a waiter's with the stack that
 * made it (the program's call that waits, in Python terms). */
static inline uint32_t wait_stack(sem_t *s) {
  return lh_python_waiter(s) ? lh_python_waiter_stack(s) : LH_NO_STACK;
}

static void python_lock_freed(sem_t *s, uintptr_t pc) {
  lh_python_sem_gone(s);
  lh_lock_released(s); /* freed while held: legal for a Python lock (a used-up waiter) */
  lh_lock_destroyed(s, pc);
}

/* A thread's end-of-life lock (python_frames.h) is no lock of the program: its thread holds it
 * from its start to its end, and Thread.join waits for it. So it never enters a held set, a wait
 * for it is published as a join of its thread, and taking it is joining that thread. errno kept
 * (the record the join writes runs inside the runtime). */
static void python_joined(int32_t thread, int rc) {
  if (rc == 0 && thread != lh_self.id) lh_thread_joined_by_lock(thread);
}

static int python_join(sem_t *s, int32_t thread, uint16_t call, bool timed,
                       const struct timespec *t, clockid_t clock, int how) {
  if (available(s) || thread == lh_self.id) {
    python_joined(thread, 0);
    return 0;
  }
  lh_thread_ensure();
  struct lh_wait *w = &lh_self.cold->wait;
  LH_WSET(w, on, LH_WAIT_JOIN);
  LH_WSET(w, joins, thread);
  LH_WSET(w, addr, 0);
  LH_WSET(w, lock, UINT32_MAX);
  lh_python_arm((uintptr_t)s); /* the failed try's stash: Thread.join's caller */
  uint32_t stack = lh_stack_of_site_now(python_key_pc());
  lh_python_done();
  lh_wait_publish_watched(w, call, stack, timed);
  int rc = how == 0   ? real_sem_wait(s)
           : how == 1 ? real_sem_timedwait(s, t)
                      : real_sem_clockwait(s, clock, t);
  lh_wait_end();
  lh_python_unstash();
  python_joined(thread, rc);
  return rc;
}

/* The first, non-blocking try of an acquisition (or a trylock), made holding the GIL. Python's
 * `with lock:` and `lock.acquire()` start with it, and nothing at this level tells them from
 * `acquire(blocking=False)`: a success is recorded as a blocking acquisition (the analyzer reads
 * the source line to tell a trylock: symbols/python_names.c). When it fails and the blocking wait
 * that may follow is new to the thread (or the thread holds the lock), the Python stack is taken
 * now, for the wait, which runs without the GIL. errno kept. */
__attribute__((noinline)) static int python_try_slow(sem_t *s, int rc, int saved) {
  int32_t thread = lh_python_sentinel_of(s);
  if (thread >= 0) {
    python_joined(thread, rc);
    if (rc != 0 && saved == EAGAIN && thread != lh_self.id) lh_python_stash((uintptr_t)s);
    errno = saved;
    return rc;
  }
  uintptr_t pc = python_key_pc();
  if (rc == 0) { /* usually the first step of a blocking acquisition, which orders locks */
    struct lh_acquire a;
    lh_lock_request(&a, s, LH_LOCK_PYTHON, LH_MODE_WRITE, 0, pc);
    lh_lock_acquired(&a);
    lh_try_succeeded(&a);
  } else if (saved == EAGAIN) {
    lh_try_failed(s, LH_LOCK_PYTHON, pc);
    if (!lh_tuple_known(s, LH_MODE_WRITE, 0, pc) ||
        !lh_tuple_known(s, LH_MODE_WRITE, LH_ACQ_TIMED, pc) ||
        lh_held_find(&lh_self.held, (uintptr_t)s) >= 0) /* its holder waits on it */
      lh_python_stash((uintptr_t)s);
  }
  errno = saved;
  return rc;
}

/* A try with nothing pushed (the lock is a thread's end-of-life sentinel, the fast path is
 * closed, or the tuple is new): python_try_slow does the rest. */
__attribute__((noinline)) static int python_try_unpushed(sem_t *s) {
  int rc = real_sem_trywait(s);
  return python_try_slow(s, rc, errno);
}

/* A try that did not take the lock its entry was pushed for: the entry is taken back (it names
 * the semaphore), and python_try_slow goes on with what the try returned. */
__attribute__((noinline)) static int python_try_untaken(int rc) {
  int saved = errno;
  sem_t *s = (sem_t *)lh_lock_unpush();
  return python_try_slow(s, rc, saved);
}

/* The try of a pushed entry; errno is then as the successful call left it, untouched. */
LH_STEP int python_try_pushed(sem_t *s) {
  int rc = real_sem_trywait(s);
  if (__builtin_expect(rc != 0, 0)) return python_try_untaken(rc);
  lh_try_succeeded_on(lh_self.held.v[lh_self.held.n - 1].lock);
  return 0;
}

/* A tuple in its family or the far table, or deep in its window (recorder.h, lh_lock_push_far). */
__attribute__((noinline)) static int python_try_far(sem_t *s, uint64_t fp) {
  if (!lh_lock_push_far(s, LH_MODE_WRITE, fp)) return python_try_unpushed(s);
  return python_try_pushed(s);
}

/* The fast path, as a mutex's (wrap_mutex.c): a tuple already recorded, on a lock that is no
 * thread's end-of-life sentinel (sem_trywait sends those elsewhere, with the tag it read once:
 * 10 instructions a call fewer than reading it again here), pushed before the try
 * (lh_lock_push_near, recorder.h), which the try then takes. A try that fails takes the entry
 * back. Every other case is out of line, so
 * that nothing but the return address lives across the try on this path: the wrapper saved and
 * restored five registers a call when all of it was one function. CPython makes this call for
 * every acquire of every lock (issue 11: 130 instructions a round before). */
LH_STEP int python_try(sem_t *s) {
  uint64_t fp;
  if (__builtin_expect(!lh_fast_path_open(), 0)) return python_try_unpushed(s);
  enum lh_push k = lh_lock_push_near(s, LH_MODE_WRITE, python_key_pc(), &fp);
  if (__builtin_expect(k != LH_PUSHED, 0))
    return k == LH_PUSH_FAR ? python_try_far(s, fp) : python_try_unpushed(s);
  return python_try_pushed(s);
}

/* A blocking acquisition: requested, tried once more, and only then published as a wait.
 * Returns whether the try took it (no wait). */
LH_STEP bool python_wait_begin(struct lh_acquire *a, sem_t *s, bool timed, uint16_t call) {
  lh_acquire_begin(a, s, LH_LOCK_PYTHON, LH_MODE_WRITE, timed ? LH_ACQ_TIMED : 0, call,
                   python_key_pc());
  if (available(s)) return true;
  if (__builtin_expect(a->again, 0)) { /* the wait's own stack, not the first hold's */
    lh_python_arm(a->addr);
    a->stack = lh_stack_of_site_now(python_key_pc());
    lh_python_done();
  }
  lh_acquire_wait(a, LH_LOCK_PYTHON, call, timed);
  return false;
}

LH_STEP int python_wait_end(const struct lh_acquire *a, sem_t *s, bool waited, int rc,
                            uint16_t call) {
  if (waited) lh_acquire_waited(a);
  lh_python_unstash();
  lh_acquire_end(a, s, rc == 0, 0, call, python_key_pc());
  if (rc == 0) lh_try_succeeded(a);
  return rc;
}

LH_EXPORT int sem_init(sem_t *s, int pshared, unsigned value) {
  LH_COUNT(sem_init);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_sem_init(s, LH_PC);
  int rc = real_sem_init(s, pshared, value);
  if (rc != 0 || lh_pass()) return rc;
  lh_misuse_initialised(s);
  if (lh_python_on && lh_python_sem_made(s, pshared, value, LH_PC))
    python_lock_made(s, LH_PC);
  else
    lh_object_init_event(s, LH_OBJECT_SEM, LH_PC, 0, NULL);
  LH_RACE_EVENT(lh_race_object_written((uintptr_t)s, LH_PC));
  return rc;
}

LH_EXPORT int sem_destroy(sem_t *s) {
  LH_COUNT(sem_destroy);
  lh_real_ensure();
  if (lh_python_lock(s) && !lh_pass()) {
    int rc = real_sem_destroy(s);
    if (rc == 0) python_lock_freed(s, LH_PC);
    return rc;
  }
  if (!lh_pass()) {
    lh_misuse_sem_destroy(s, LH_PC);
    LH_RACE_EVENT(lh_race_object_written((uintptr_t)s, LH_PC));
  }
  if (lh_python_waiter(s)) lh_python_sem_gone(s);
  int rc = real_sem_destroy(s);
  if (rc == 0 && !lh_pass()) {
    lh_object_destroy_event(s);
    lh_misuse_destroyed(s);
  }
  return rc;
}

LH_EXPORT sem_t *sem_open(const char *name, int oflag, ...) {
  LH_COUNT(sem_open);
  lh_real_ensure();
  sem_t *s;
  unsigned value = 0;
  if (oflag & O_CREAT) {
    va_list ap;
    va_start(ap, oflag);
    mode_t mode = va_arg(ap, mode_t);
    value = va_arg(ap, unsigned);
    va_end(ap);
    s = real_sem_open(name, oflag, mode, value);
  } else {
    s = real_sem_open(name, oflag);
  }
  if (s == SEM_FAILED || lh_pass()) return s;
  int saved = errno;
  if (lh_python_on && lh_python_sem_opened(s, oflag & O_CREAT, value, LH_PC))
    python_lock_made(s, LH_PC); /* a multiprocessing lock */
  else
    lh_object_init_event(s, LH_OBJECT_SEM, LH_PC, 0, name);
  errno = saved;
  return s;
}

LH_EXPORT int sem_close(sem_t *s) {
  LH_COUNT(sem_close);
  lh_real_ensure();
  if (lh_python_lock(s) && !lh_pass()) { /* unmapped here; its tag stays for other processes */
    lh_lock_released(s);
    lh_lock_destroyed(s, LH_PC);
  }
  return real_sem_close(s);
}

/* A successful wait (rc 0) at pc reads the semaphore and acquires what posters released (race
 * mode); errno kept. */
static int sem_taken(sem_t *s, int rc, uintptr_t pc) {
  if (rc == 0) {
    LH_RACE_EVENT(lh_race_object_used((uintptr_t)s, pc));
    LH_RACE_EVENT(lh_race_acquire((uintptr_t)s));
  }
  return rc;
}

LH_EXPORT int sem_wait(sem_t *s) {
  LH_COUNT(sem_wait);
  if (lh_pass()) return real_sem_wait(s);
  if (lh_python_lock(s)) {
    int32_t thread = lh_python_sentinel_of(s);
    if (thread >= 0) return python_join(s, thread, LH_W_sem_wait, false, NULL, 0, 0);
    struct lh_acquire a;
    if (python_wait_begin(&a, s, false, LH_W_sem_wait))
      return python_wait_end(&a, s, false, 0, LH_W_sem_wait);
    return python_wait_end(&a, s, true, real_sem_wait(s), LH_W_sem_wait);
  }
  lh_misuse_sem_use(s, LH_PC);
  if (available(s)) return sem_taken(s, 0, LH_PC);
  lh_wait_object_begin_at(LH_WAIT_SEM, s, LH_W_sem_wait, false, LH_PC, wait_stack(s));
  int rc = real_sem_wait(s);
  lh_wait_end();
  sem_taken(s, rc, LH_PC);
  return rc;
}

/* A semaphore that is no Python lock: out of line, so that the Python lock's path saves no
 * registers for it. */
__attribute__((noinline)) static int sem_trywait_plain(sem_t *s, uintptr_t pc) {
  lh_misuse_sem_use(s, pc);
  return sem_taken(s, real_sem_trywait(s), pc);
}

LH_EXPORT int sem_trywait(sem_t *s) {
  LH_COUNT(sem_trywait);
  if (lh_pass()) return real_sem_trywait(s);
  if (__builtin_expect(lh_python_on, 0)) { /* lh_python_lock, its tag read once */
    uint64_t tag = lh_python_tag(s);
    if (__builtin_expect(tag == LH_PY_TAG_MAGIC, 1)) return python_try(s);
    if (tag == LH_PY_TAG_SENTINEL) /* a thread's: python_try_slow makes it a join */
      return lh_python_sentinel_of(s) >= 0 ? python_try_unpushed(s) : python_try(s);
    if ((tag ^ (uintptr_t)s) == LH_PY_TAG_SHARED) return python_try(s);
  }
  return sem_trywait_plain(s, LH_PC);
}

LH_EXPORT int sem_timedwait(sem_t *s, const struct timespec *t) {
  LH_COUNT(sem_timedwait);
  if (lh_pass()) return real_sem_timedwait(s, t);
  if (lh_python_lock(s)) {
    int32_t thread = lh_python_sentinel_of(s);
    if (thread >= 0) return python_join(s, thread, LH_W_sem_timedwait, true, t, 0, 1);
    struct lh_acquire a;
    if (python_wait_begin(&a, s, true, LH_W_sem_timedwait))
      return python_wait_end(&a, s, false, 0, LH_W_sem_timedwait);
    return python_wait_end(&a, s, true, real_sem_timedwait(s, t), LH_W_sem_timedwait);
  }
  lh_misuse_sem_use(s, LH_PC);
  lh_misuse_deadline(t, CLOCK_REALTIME, s, LH_OBJECT_SEM, true, LH_PC);
  if (available(s)) return sem_taken(s, 0, LH_PC);
  lh_wait_object_begin_at(LH_WAIT_SEM, s, LH_W_sem_timedwait, true, LH_PC, wait_stack(s));
  int rc = real_sem_timedwait(s, t);
  lh_wait_end();
  sem_taken(s, rc, LH_PC);
  return rc;
}

LH_EXPORT int sem_clockwait(sem_t *s, clockid_t c, const struct timespec *t) {
  LH_COUNT(sem_clockwait);
  if (lh_pass()) return real_sem_clockwait(s, c, t);
  if (lh_python_lock(s)) {
    int32_t thread = lh_python_sentinel_of(s);
    if (thread >= 0) return python_join(s, thread, LH_W_sem_clockwait, true, t, c, 2);
    struct lh_acquire a;
    if (python_wait_begin(&a, s, true, LH_W_sem_clockwait))
      return python_wait_end(&a, s, false, 0, LH_W_sem_clockwait);
    return python_wait_end(&a, s, true, real_sem_clockwait(s, c, t), LH_W_sem_clockwait);
  }
  lh_misuse_sem_use(s, LH_PC);
  lh_misuse_deadline(t, c, s, LH_OBJECT_SEM, true, LH_PC);
  if (available(s)) return sem_taken(s, 0, LH_PC);
  lh_wait_object_begin_at(LH_WAIT_SEM, s, LH_W_sem_clockwait, true, LH_PC, wait_stack(s));
  int rc = real_sem_clockwait(s, c, t);
  lh_wait_end();
  sem_taken(s, rc, LH_PC);
  return rc;
}

/* Any semaphore but a Python lock (pc: the program's call site): out of line, so that a Python
 * lock's release, which CPython makes for every lock it releases, is a pop and the real call. */
__attribute__((noinline)) static int sem_post_checked(sem_t *s, uintptr_t pc) {
  if (!lh_pass()) /* what the poster did happens before what the taker does next */
  {
    lh_misuse_sem_post_use(s, pc); /* atomics only, as the overflow below */
    LH_RACE_EVENT(lh_race_object_used((uintptr_t)s, pc));
    LH_RACE_EVENT(lh_race_release((uintptr_t)s));
  }
  int rc = real_sem_post(s);
  if (rc != 0 && errno == EOVERFLOW) /* only atomics: sem_post may run in a signal handler */
    lh_misuse_sem_overflow(s, pc);
  return rc;
}

/* A Python lock's release that is not the common one (lh_release_fast): held more than once,
 * not the latest, or by another thread (a hand-over: nothing to pop), or a thread's sentinel. */
__attribute__((noinline)) static void python_released(sem_t *s) {
  if (!lh_pass() && lh_python_sentinel_of(s) < 0) lh_lock_released(s);
}

LH_EXPORT int sem_post(sem_t *s) {
  LH_COUNT(sem_post);
  lh_real_ensure();
  if (!lh_python_lock(s)) return sem_post_checked(s, LH_PC);
  if (__builtin_expect(!lh_release_fast(s), 0)) python_released(s);
  return real_sem_post(s);
}

LH_EXPORT int sem_getvalue(sem_t *restrict s, int *restrict value) {
  LH_COUNT(sem_getvalue);
  lh_real_ensure();
  if (!lh_pass() && !lh_python_lock(s)) lh_misuse_sem_use(s, LH_PC);
  return real_sem_getvalue(s, value);
}
