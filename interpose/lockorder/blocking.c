/* blocking.c - see blocking.h. */
#include "lockorder/blocking.h"

#include <errno.h>
#include <stdio.h>

#include "base/call_counts.h"
#include "base/clock.h"
#include "base/cold_data.h"
#include "base/own_stack.h"
#include "registry/lock_registry.h"
#include "registry/stack_capture.h"
#include "registry/tuple_cache.h"
#include "watch/incidents.h"
#include "watch/report_at_exit.h"

/* glibc's mutex type (pthread_mutex_t.__data.__kind & 3), also under an mtx_t. */
static int mutex_type(const void *obj) { return ((const pthread_mutex_t *)obj)->__data.__kind & 3; }

static bool blocks_for_ever(const void *obj, uint8_t kind, uint8_t mode, uint8_t held_mode) {
  switch (kind) {
  case LH_LOCK_SPINLOCK: return true;
  case LH_LOCK_MUTEX:
  case LH_LOCK_C11_MUTEX: {
    int type = mutex_type(obj);
    return type == PTHREAD_MUTEX_NORMAL || type == PTHREAD_MUTEX_ADAPTIVE_NP;
  }
  case LH_LOCK_RWLOCK: /* glibc refuses (EDEADLK) a lock over one's own write lock */
    return mode == LH_MODE_WRITE && held_mode == LH_MODE_READ;
  default: return false;
  }
}

/* glibc's own view: does the calling thread hold obj as lockhound believes (in held_mode)? A
 * mutex keeps its owner's kernel tid for every type; an rwlock its writer's tid, and only a count
 * of readers (so a read lock is believed while there is any reader); a spinlock only whether it
 * is taken. Where glibc cannot name the holder, the belief is kept: a self-deadlock is reported
 * only when glibc does not contradict it. */
static bool really_held(const void *obj, uint8_t kind, uint8_t held_mode) {
  switch (kind) {
  case LH_LOCK_MUTEX:
  case LH_LOCK_C11_MUTEX:
    return (((const volatile pthread_mutex_t *)obj)->__data.__owner & 0x3fffffff) ==
           lh_self.cold->tid;
  case LH_LOCK_RWLOCK: {
    const volatile pthread_rwlock_t *rw = obj;
    if (held_mode == LH_MODE_READ)
      return (rw->__data.__readers >> 3) > 0; /* PTHREAD_RWLOCK_READER_SHIFT */
    return rw->__data.__cur_writer == lh_self.cold->tid;
  }
  case LH_LOCK_SPINLOCK: return !lh_spin_is_free(*(const volatile pthread_spinlock_t *)obj);
  default: return true;
  }
}

void lh_self_deadlock_check(struct lh_acquire *a, const void *obj, uint8_t kind, uint16_t call,
                            uintptr_t pc) {
  int i = lh_held_find(&lh_self.held, a->addr);
  if (i < 0) return;
  if (!really_held(obj, kind, lh_self.held.v[i].mode)) {
    /* A stale entry: forget it, and take the lock as a first acquisition (a new held-set hash,
     * so a new tuple key). */
    lh_held_remove(&lh_self.held, i);
    lh_lock_request(a, obj, kind, a->mode, 0, pc);
    return;
  }
  if (!blocks_for_ever(obj, kind, a->mode, lh_self.held.v[i].mode)) return;
  LH_COLD_DATA static struct lh_incident f; /* guarded by the recorder lock */
  lh_recorder_lock();
  lh_incident_init(&f, LH_FINDING_SELF_DEADLOCK, lh_incident_end_action());
  struct lh_incident_thread *t = &f.threads[f.nthreads++];
  t->thread = lh_self.id;
  t->stack = lh_stack_here();
  t->nheld = lh_self.held.n < LH_INCIDENT_MAX_HELD ? lh_self.held.n : LH_INCIDENT_MAX_HELD;
  for (uint32_t k = 0; k < t->nheld; k++) t->held[k] = lh_self.held.v[k];
  t->has_wait = true;
  t->wait.on = LH_WAIT_LOCK;
  t->wait.mode = a->mode;
  t->wait.kind = kind;
  t->wait.lock = a->lock;
  t->wait.addr = a->addr;
  t->wait.call = call;
  t->wait.stack = t->stack;
  t->wait.since_ns = lh_now_ns();
  f.lock = a->lock;
  f.related[f.nrelated++] =
      (struct lh_incident_related){lh_self.id, lh_self.held.v[i].stack, "took it first here"};
  lh_incident_write(&f);
  lh_recorder_unlock();
  lh_run_end_for("self-deadlock");
}

static pid_t owner_of(const void *obj, uint8_t kind) {
  if (kind == LH_LOCK_MUTEX || kind == LH_LOCK_C11_MUTEX)
    return ((const volatile pthread_mutex_t *)obj)->__data.__owner & 0x3fffffff;
  if (kind == LH_LOCK_RWLOCK) return ((const volatile pthread_rwlock_t *)obj)->__data.__cur_writer;
  return 0;
}

void lh_try_failed(const void *obj, uint8_t kind, uintptr_t pc) {
  int saved = errno;
  lh_thread_ensure();
  uint32_t lock = lh_lock_id(obj, kind, pc);
  if (lh_self.cold->try_failures == 0)
    __atomic_store_n(&lh_self.cold->try_fail_since_ns, lh_now_ns(), __ATOMIC_RELAXED);
  __atomic_store_n(&lh_self.cold->try_fail_lock, lock, __ATOMIC_RELAXED);
  __atomic_store_n(&lh_self.cold->try_fail_owner, owner_of(obj, kind), __ATOMIC_RELAXED);
  __atomic_store_n(&lh_self.cold->try_fail_pc, pc, __ATOMIC_RELAXED);
  __atomic_store_n(&lh_self.cold->try_failures, lh_self.cold->try_failures + 1, __ATOMIC_RELAXED);
  errno = saved;
}

struct site_ctx {
  const struct lh_tuple_key *key;
  uint16_t code_gen;
  uint32_t stack;
};

/* Under the recorder lock, on lockhound's own stack: the cache may allocate. */
static void site_stack(void *p) {
  struct site_ctx *c = p;
  struct lh_tuple_value v = {UINT32_MAX, lh_stack_here_at(c->key->pc), 0, c->code_gen, false};
  lh_tuple_remember(c->key, &v, 0); /* a wait site: no held set in its key */
  c->stack = v.stack;
}

uint32_t lh_wait_site_stack(uintptr_t pc) {
  struct lh_tuple_key key = {0, pc, LH_TUPLE_NO_ADDR, lh_tuple_meta(0, 0, LH_ACQ_SITE)};
  const struct lh_tuple_slot *s = lh_tuple_cache_get(&lh_self.tuples, &key);
  uint16_t code_gen = (uint16_t)lh_stack_epoch_now();
  if (s && s->value.code_gen == code_gen) /* else a library at this pc was replaced */
    return s->value.stack;
  struct site_ctx c = {&key, code_gen, 0};
  lh_recorder_lock();
  lh_own_stack_call(site_stack, &c);
  lh_recorder_unlock();
  return c.stack;
}

int32_t lh_join_target(pthread_t handle) {
  lh_recorder_lock();
  int32_t id = lh_thread_of_handle(handle);
  lh_recorder_unlock();
  return id;
}
