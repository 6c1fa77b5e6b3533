/* misuse.c - see misuse.h.
 *
 * Lock state comes from glibc's public lock layout: a mutex's __data.__lock is nonzero while it
 * is locked and __data.__owner is the holder's kernel tid; an rwlock's __data.__cur_writer is the
 * writer's tid and __data.__readers >> 3 the number of readers; a spinlock is free at 1 on x86
 * and at 0 elsewhere. Who holds a lock, and where they took it, comes from the holders' held sets, which are
 * safe to read under the recorder lock (held_locks.h keeps outgrown arrays alive). */
#include "lockorder/misuse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/call_counts.h"
#include "base/clock.h"
#include "base/cold_data.h"
#include "lockorder/blocking.h"
#include "lockorder/recorder.h"
#include "registry/cond_wait_sites.h"
#include "registry/lock_registry.h"
#include "registry/object_registry.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "watch/incidents.h"

/* The one finding being built: owned by the recorder lock. */
LH_COLD_DATA static struct lh_incident finding;

/* Under the recorder lock: a finding about the calling thread at its current call. */
static struct lh_incident *begin(enum lh_finding_kind kind, const char *detail) {
  lh_incident_init(&finding, kind, "continue");
  finding.detail = detail;
  struct lh_incident_thread *t = &finding.threads[finding.nthreads++];
  t->thread = lh_self.id;
  t->stack = lh_stack_here();
  t->nheld = lh_self.held.n < LH_INCIDENT_MAX_HELD ? lh_self.held.n : LH_INCIDENT_MAX_HELD;
  for (uint32_t i = 0; i < t->nheld; i++) t->held[i] = lh_self.held.v[i];
  return &finding;
}

struct holder_search {
  uint32_t lock;
  pid_t tid; /* 0: anyone */
  int32_t id;
  uint32_t stack;
};

static void look_for_holder(int32_t id, struct lh_thread *t, void *ctx) {
  struct holder_search *h = ctx;
  if (h->id >= 0 || id == lh_self.id || (h->tid && t->cold->tid != h->tid)) return;
  struct lh_held_entry *v = __atomic_load_n(&t->held.v, __ATOMIC_ACQUIRE);
  uint32_t n = __atomic_load_n(&t->held.n, __ATOMIC_RELAXED);
  for (uint32_t i = 0; v && i < n; i++) {
    if (v[i].lock == h->lock) {
      h->id = id;
      h->stack = v[i].stack;
      return;
    }
  }
  if (h->tid) /* glibc says this thread holds it, even if lockhound did not see it taken */
    h->id = id, h->stack = LH_NO_STACK;
}

/* Adds "held by T, taken at ..." to the finding when the holder is found. */
static void add_holder(struct lh_incident *f, uint32_t lock, pid_t tid, const char *what) {
  struct holder_search h = {lock, tid, -1, LH_NO_STACK};
  lh_threads_each(look_for_holder, &h);
  if (h.id >= 0 && f->nrelated < LH_INCIDENT_MAX_RELATED)
    f->related[f->nrelated++] = (struct lh_incident_related){h.id, h.stack, what};
}

enum lock_state { UNLOCKED, HELD_BY_SELF, HELD_BY_OTHER };

static enum lock_state state_of(const void *obj, uint8_t kind, pid_t *owner) {
  *owner = 0;
  if (kind == LH_LOCK_MUTEX || kind == LH_LOCK_C11_MUTEX) {
    const volatile pthread_mutex_t *m = obj;
    if (m->__data.__lock == 0) return UNLOCKED;
    *owner = m->__data.__owner & 0x3fffffff;
  } else if (kind == LH_LOCK_RWLOCK) {
    const volatile pthread_rwlock_t *rw = obj;
    *owner = rw->__data.__cur_writer;
    if (*owner == 0 && (rw->__data.__readers >> 3) == 0) return UNLOCKED;
  } else if (kind == LH_LOCK_SPINLOCK) {
    if (lh_spin_is_free(*(const volatile int *)obj)) return UNLOCKED;
  }
  return *owner && *owner == lh_self.cold->tid ? HELD_BY_SELF : HELD_BY_OTHER;
}

void lh_misuse_unlock(const void *obj, uint8_t kind, uintptr_t pc) {
  pid_t owner;
  enum lock_state st = state_of(obj, kind, &owner);
  if (st == HELD_BY_SELF) /* taken before lockhound watched, or through a path it cannot see */
    return;
  lh_thread_ensure();
  uint32_t lock = lh_lock_id(obj, kind, pc);
  enum lh_finding_kind kind_name =
      st == UNLOCKED ? LH_FINDING_UNLOCK_UNLOCKED : LH_FINDING_UNLOCK_UNOWNED;
  lh_recorder_lock();
  if (lh_incident_first_at(kind_name, NULL, pc)) {
    struct lh_incident *f = begin(kind_name, NULL);
    f->lock = lock;
    if (st == HELD_BY_OTHER) add_holder(f, lock, owner, "holds it, taken here");
    lh_incident_write(f);
  }
  lh_recorder_unlock();
}

void lh_misuse_destroy_lock(const void *obj, uint8_t kind, uintptr_t pc) {
  pid_t owner;
  if (state_of(obj, kind, &owner) == UNLOCKED) return;
  lh_thread_ensure();
  uint32_t lock = lh_lock_id(obj, kind, pc);
  lh_recorder_lock();
  if (lh_incident_first_at(LH_FINDING_DESTROY_LOCKED, NULL, pc)) {
    struct lh_incident *f = begin(LH_FINDING_DESTROY_LOCKED, NULL);
    f->lock = lock;
    add_holder(f, lock, owner, "holds it, taken here");
    lh_incident_write(f);
  }
  lh_recorder_unlock();
}

void lh_misuse_cond_unowned(const void *cond, const void *mutex, uint8_t kind, uintptr_t pc) {
  pid_t owner;
  enum lock_state st = state_of(mutex, kind, &owner);
  if (st == HELD_BY_SELF) return;
  lh_thread_ensure();
  uint32_t lock = lh_lock_id(mutex, kind, pc);
  lh_recorder_lock();
  if (lh_incident_first_at(LH_FINDING_COND_WAIT_UNOWNED_MUTEX, NULL, pc)) {
    struct lh_incident *f =
        begin(LH_FINDING_COND_WAIT_UNOWNED_MUTEX, st == UNLOCKED ? "unlocked" : "other");
    f->lock = lock;
    f->object = lh_object_ref(cond, LH_OBJECT_COND, pc);
    if (st == HELD_BY_OTHER) add_holder(f, lock, owner, "holds the mutex, taken here");
    lh_incident_write(f);
  }
  lh_recorder_unlock();
}

static void report_two_mutexes(const void *cond, const void *mutex, uintptr_t pc, uintptr_t other,
                               int32_t other_thread, uint32_t other_stack);

struct cond_enter_ctx {
  const void *cond, *mutex;
  uintptr_t pc, other;
  uint32_t here, other_stack;
  int32_t other_thread;
  bool report;
};

/* Under the recorder lock, on lockhound's own stack: the condvar's table may allocate. */
static void cond_enter(void *p) {
  struct cond_enter_ctx *c = p;
  lh_cond_mutex_set(c->cond, c->mutex);
  lh_cond_wait_site_seen(c->here, c->cond, c->pc);
  c->other = lh_object_cond_enter(c->cond, c->mutex, c->pc, lh_self.id, c->here, &c->other_thread,
                                  &c->other_stack);
  c->report = c->other && lh_incident_first_at(LH_FINDING_COND_MULTIPLE_MUTEXES, NULL, c->pc);
}

static void cond_leave(void *cond) { lh_object_cond_leave(cond); }

void lh_misuse_cond_enter(const void *cond, const void *mutex, uintptr_t pc) {
  lh_thread_ensure();
  struct cond_enter_ctx c = {cond, mutex, pc, 0, lh_wait_site_stack(pc), 0, -1, false};
  lh_locked_on_own_stack(cond_enter, &c);
  if (__builtin_expect(!c.report, 1)) return;
  report_two_mutexes(cond, mutex, pc, c.other, c.other_thread, c.other_stack);
}

/* A second mutex for one condvar: out of line, its frame only on this rare path. */
static __attribute__((noinline)) void report_two_mutexes(const void *cond, const void *mutex,
                                                         uintptr_t pc, uintptr_t other,
                                                         int32_t other_thread,
                                                         uint32_t other_stack) {
  uint32_t lock = lh_lock_id(mutex, LH_LOCK_MUTEX, pc);
  uint32_t other_lock = lh_lock_id((const void *)other, LH_LOCK_MUTEX, pc);
  lh_recorder_lock();
  {
    struct lh_incident *f = begin(LH_FINDING_COND_MULTIPLE_MUTEXES, NULL);
    f->object = lh_object_ref(cond, LH_OBJECT_COND, pc);
    f->lock = lock;
    /* the other waiters' mutex: the mutex of the wait this thread's entry shows */
    struct lh_incident_thread *t = &f->threads[0];
    if (t->nheld < LH_INCIDENT_MAX_HELD) {
      t->has_wait = true;
      t->wait.on = LH_WAIT_COND;
      t->wait.call = LH_W_pthread_cond_wait;
      t->wait.lock = other_lock;
      t->wait.stack = t->stack;
      t->wait_object = (uint32_t)f->object;
    }
    if (other_thread >= 0)
      f->related[f->nrelated++] = (struct lh_incident_related){
          other_thread, other_stack, "waits on it with the other mutex here"};
    lh_incident_write(f);
  }
  lh_recorder_unlock();
}

void lh_misuse_cond_leave(const void *cond) { lh_locked_on_own_stack(cond_leave, (void *)cond); }

void lh_misuse_thread_exit(void) {
  if (!lh_incident_first_at(LH_FINDING_EXIT_HOLDING_LOCK, NULL, (uintptr_t)lh_self.held.v[0].stack))
    return;
  struct lh_incident *f = begin(LH_FINDING_EXIT_HOLDING_LOCK, NULL);
  f->threads[0].stack = LH_NO_STACK; /* where it ends is the thread machinery: the held locks'
                                        sites are what matters */
  f->lock = lh_self.held.v[0].lock;
  lh_incident_write(f);
}

struct waiter_count {
  uintptr_t addr;
  uint8_t on;
  unsigned n;
};

static void count_waiter(int32_t id, struct lh_thread *t, void *ctx) {
  (void)id;
  struct waiter_count *c = ctx;
  uint32_t seq = __atomic_load_n(&t->cold->wait.seq, __ATOMIC_ACQUIRE);
  c->n +=
      (seq & 1) && LH_WGET(&t->cold->wait, on) == c->on && LH_WGET(&t->cold->wait, addr) == c->addr;
}

static unsigned waiters_on(const void *addr, uint8_t on) {
  struct waiter_count c = {(uintptr_t)addr, on, 0};
  lh_threads_each(count_waiter, &c);
  return c.n;
}

static void object_misuse(enum lh_finding_kind kind, const char *detail, const void *obj,
                          uint8_t okind, uintptr_t pc) {
  if (lh_incident_first_at(kind, detail, pc)) {
    struct lh_incident *f = begin(kind, detail);
    f->object = lh_object_ref(obj, okind, pc);
    lh_incident_write(f);
  }
}

void lh_misuse_barrier_init(const void *b, unsigned count, uintptr_t pc) {
  lh_thread_ensure();
  lh_recorder_lock();
  if (count == 0)
    object_misuse(LH_FINDING_BARRIER_MISUSE, "count-zero", b, LH_OBJECT_BARRIER, pc);
  else if (waiters_on(b, LH_WAIT_BARRIER)) /* barrier-misuse reinit-while-waited before */
    object_misuse(LH_FINDING_REINIT_IN_USE, "waited", b, LH_OBJECT_BARRIER, pc);
  lh_recorder_unlock();
}

void lh_misuse_barrier_destroy(const void *b, uintptr_t pc) {
  lh_thread_ensure();
  lh_recorder_lock();
  if (waiters_on(b, LH_WAIT_BARRIER))
    object_misuse(LH_FINDING_BARRIER_MISUSE, "destroy-while-waited", b, LH_OBJECT_BARRIER, pc);
  lh_recorder_unlock();
}

void lh_misuse_sem_destroy(const void *s, uintptr_t pc) {
  lh_thread_ensure();
  lh_recorder_lock();
  if (waiters_on(s, LH_WAIT_SEM))
    object_misuse(LH_FINDING_SEMAPHORE_MISUSE, "destroy-while-waited", s, LH_OBJECT_SEM, pc);
  lh_recorder_unlock();
}

void lh_misuse_sem_overflow(const void *s, uintptr_t pc) {
  /* sem_post may run in a signal handler: nothing may be written here */
  lh_incident_defer(LH_FINDING_SEMAPHORE_MISUSE, "post-overflow", s, LH_OBJECT_SEM, pc);
}

bool lh_misuse_join(pthread_t t, uintptr_t pc) {
  lh_thread_ensure();
  lh_recorder_lock();
  bool known;
  bool detached = lh_thread_is_detached(t, &known);
  const char *detail = detached                            ? "join-detached"
                       : !known && lh_thread_was_joined(t) ? "join-joined"
                                                           : NULL;
  /* Two joins of one thread at once: glibc lets the second one wait (and time out), so only
   * lockhound's own bookkeeping sees it. The other join is named with its call site: which of the
   * two comes second, and reports, is the schedule's choice, so the finding shows (and is keyed
   * by) both. */
  uintptr_t other_pc = 0;
  int32_t other = !detail && known ? lh_thread_claim_join(t, lh_self.id, pc, &other_pc) : -1;
  const char *what = other >= 0 ? "join-concurrent" : detail;
  if (what && lh_incident_first_at(LH_FINDING_API_ERROR, what, pc)) {
    struct lh_incident *f = begin(LH_FINDING_API_ERROR, what);
    int32_t target = lh_thread_of_handle(t);
    if (target >= 0) f->thread = target;
    if (other >= 0 && f->nrelated < LH_INCIDENT_MAX_RELATED)
      f->related[f->nrelated++] =
          (struct lh_incident_related){other, lh_stack_of_site(other_pc), "the other join, made"};
    lh_incident_write(f);
  }
  lh_recorder_unlock();
  return detail != NULL;
}

void lh_misuse_join_done(pthread_t t) {
  lh_recorder_lock();
  lh_thread_release_join(t, lh_self.id);
  lh_recorder_unlock();
}

void lh_misuse_api_error(uint16_t call, int error, uintptr_t pc) {
  (void)call;
  const char *detail;
  switch (error) {
  case EDEADLK: detail = "EDEADLK"; break;
  case EINVAL: detail = "EINVAL"; break;
  case ESRCH: detail = "ESRCH"; break;
  case EPERM: detail = "EPERM"; break;
  default: return; /* resource errors (EAGAIN, ENOMEM...) are not misuse */
  }
  lh_thread_ensure();
  lh_recorder_lock();
  if (lh_incident_first_at(LH_FINDING_API_ERROR, detail, pc))
    lh_incident_write(begin(LH_FINDING_API_ERROR, detail));
  lh_recorder_unlock();
}

/* ---- life cycle ---- */

static bool in_fork_child;

void lh_misuse_fork_child(void) { in_fork_child = true; }

struct addr_holder {
  uintptr_t addr;
  int32_t id;
  uint32_t lock, stack;
};

static void holder_by_addr(int32_t id, struct lh_thread *t, void *ctx) {
  struct addr_holder *h = ctx;
  if (h->id >= 0) return;
  struct lh_held_entry *v = __atomic_load_n(&t->held.v, __ATOMIC_ACQUIRE);
  uint32_t n = __atomic_load_n(&t->held.n, __ATOMIC_RELAXED);
  for (uint32_t i = 0; v && i < n; i++)
    if (v[i].addr == h->addr) {
      h->id = id, h->lock = v[i].lock, h->stack = v[i].stack;
      return;
    }
}

void lh_misuse_lock_reinit(const void *obj, uint8_t kind, uintptr_t pc) {
  (void)kind;
  lh_thread_ensure();
  lh_recorder_lock();
  /* glibc's word may be garbage (fresh heap memory): only a holder lockhound saw take the lock
   * counts. In a fork child only the forking thread is left, and the locks it held at the fork
   * are commonly repaired by initialising them again (pthread_atfork's child handlers, which run
   * inside fork, are not even seen: lockhound's runtime is busy with the fork then). */
  struct addr_holder h = {(uintptr_t)obj, -1, 0, LH_NO_STACK};
  lh_threads_each(holder_by_addr, &h);
  if (h.id >= 0 && !(in_fork_child && h.id == lh_self.id) &&
      lh_incident_first_at(LH_FINDING_REINIT_IN_USE, "held", pc)) {
    struct lh_incident *f = begin(LH_FINDING_REINIT_IN_USE, "held");
    f->lock = h.lock;
    f->related[f->nrelated++] = (struct lh_incident_related){h.id, h.stack, "holds it, taken here"};
    lh_incident_write(f);
  }
  lh_recorder_unlock();
}

void lh_misuse_object_reinit(const void *obj, uint8_t on, uintptr_t pc) {
  lh_thread_ensure();
  lh_recorder_lock();
  if (waiters_on(obj, on))
    object_misuse(LH_FINDING_REINIT_IN_USE, "waited", obj,
                  on == LH_WAIT_SEM ? LH_OBJECT_SEM : LH_OBJECT_COND, pc);
  lh_recorder_unlock();
}

/* How long a destroy lets glibc's count of waiters fall before it calls them sleeping: threads a
 * broadcast just woke leave the count before they even take their mutex again, so this is only
 * the time for them to be scheduled. Spent only when glibc counts waiters at the destroy. */
#define COND_DESTROY_GRACE_NS 500000000ull

bool lh_misuse_cond_destroy(const void *c, uintptr_t pc) {
  lh_destroyed_add(c);
  lh_thread_ensure();
  lh_recorder_lock();
  lh_cond_mutex_forget_cond(c);
  lh_recorder_unlock();
  if ((lh_cond_word(c) >> 3) == 0) return false;
  uint64_t until = lh_now_ns() + COND_DESTROY_GRACE_NS;
  struct timespec a_moment = {0, 1000000};
  while ((lh_cond_word(c) >> 3) != 0 && lh_now_ns() < until) nanosleep(&a_moment, NULL);
  if ((lh_cond_word(c) >> 3) == 0) return false;
  lh_recorder_lock();
  bool waited = waiters_on(c, LH_WAIT_COND) != 0;
  if (waited) object_misuse(LH_FINDING_COND_MISUSE, "destroy-while-waited", c, LH_OBJECT_COND, pc);
  lh_recorder_unlock();
  return waited;
}

void lh_misuse_cond_marked(const void *c, uintptr_t pc) {
  lh_thread_ensure();
  lh_recorder_lock();
  object_misuse(LH_FINDING_COND_MISUSE,
                lh_destroyed_find(c) ? "use-after-destroy" : "uninitialised", c, LH_OBJECT_COND,
                pc);
  lh_recorder_unlock();
}

void lh_misuse_sem_destroyed_use(const void *s, uintptr_t pc) {
  lh_thread_ensure();
  lh_recorder_lock();
  object_misuse(LH_FINDING_SEMAPHORE_MISUSE, "use-after-destroy", s, LH_OBJECT_SEM, pc);
  lh_recorder_unlock();
}

void lh_misuse_deadline_slow(const struct timespec *t, clockid_t clock, const void *obj,
                             uint8_t kind, bool is_object, uintptr_t pc) {
  const char *detail = NULL;
  if ((unsigned long)t->tv_nsec >= 1000000000ul) {
    detail = "invalid-nsec";
  } else {
    struct timespec now;
    if (clock_gettime(clock, &now) != 0) return; /* a clock the call will refuse anyway */
    /* CLOCK_REALTIME is decades past its epoch; the others (CLOCK_MONOTONIC starts at boot)
     * may be young, so a deadline must also lie more than an hour in their past. */
    if (clock == CLOCK_REALTIME || now.tv_sec - t->tv_sec > 3600) detail = "relative";
  }
  if (!detail) return;
  lh_thread_ensure();
  lh_recorder_lock();
  if (lh_incident_first_at(LH_FINDING_RELATIVE_TIMEOUT, detail, pc)) {
    struct lh_incident *f = begin(LH_FINDING_RELATIVE_TIMEOUT, detail);
    if (obj && is_object)
      f->object = lh_object_ref(obj, kind, pc);
    else if (obj)
      f->lock = lh_lock_id(obj, kind, pc);
    lh_incident_write(f);
  }
  lh_recorder_unlock();
}

/* Call sites already told, so that a site that signals without the mutex in a loop takes the
 * recorder lock once, not per call: a lossy direct-mapped set, read without a lock. */
#define SIGNAL_SITES 256
static uintptr_t signal_sites[SIGNAL_SITES];

void lh_misuse_signal_unlocked(const void *c, uintptr_t mutex, uintptr_t pc) {
  uintptr_t *site = &signal_sites[(pc >> 2) & (SIGNAL_SITES - 1)];
  if (__atomic_load_n(site, __ATOMIC_RELAXED) == pc) return;
  lh_thread_ensure();
  uint32_t lock = lh_lock_id((const void *)mutex, LH_LOCK_MUTEX, pc);
  lh_recorder_lock();
  if (lh_incident_first_at(LH_FINDING_COND_SIGNAL_UNLOCKED, NULL, pc)) {
    struct lh_incident *f = begin(LH_FINDING_COND_SIGNAL_UNLOCKED, NULL);
    f->object = lh_object_ref(c, LH_OBJECT_COND, pc);
    f->lock = lock;
    lh_incident_write(f);
  }
  lh_recorder_unlock();
  __atomic_store_n(site, pc, __ATOMIC_RELAXED);
}
