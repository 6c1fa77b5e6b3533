/* recorder.c - see recorder.h. Every slow path takes the recorder lock (registry/recorder_lock.h). */
#include "lockorder/recorder.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/own_stack.h"
#include "base/real_functions.h"
#include "lockorder/leaf_tuples.h"
#include "registry/object_registry.h"
#include "registry/python_frames.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "runfile/run_file.h"
#include "watch/watchdog.h"

/* Slow path, under the recorder lock (request_slow's caller took it): a tuple this thread has
 * not seen yet; sets a->stack to its site (made at pc, with the program's stack pointer at sp:
 * stack_capture.h). */
static void record_tuple(struct lh_acquire *a, uint8_t flags, uintptr_t pc, uintptr_t sp) {
  a->stack = lh_stack_here_from(pc, sp);
  /* Nothing held: no ordering edge, so nothing to write. The stack is still kept: it becomes the
   * held entry's site if a nested acquisition follows. */
  if (lh_self.held.n > 0 && lh_run_file_active()) {
    lh_thread_ensure_written(lh_self.id); /* even if the tuple is kept back: its joins matter */
    lh_leaf_record(a->lock, a->mode, flags, a->stack); /* written or kept back (leaf_tuples.h) */
  }
}

/* The request of a thread whose cold block is the shared one (no memory for its own: thread_state.h),
 * written only once the recorder lock is held. Owned by the recorder lock. */
static struct lh_slow_request request_shared;

/* On lockhound's own stack, under the recorder lock (own_stack.h). */
static void request_slow(void *p) {
  const struct lh_slow_request *request = p;
  struct lh_acquire *a = request->a;
  const struct lh_tuple_slot *stale = request->stale;
  struct lh_tuple_key key = {lh_self.held.hash, request->pc, a->addr,
                             lh_tuple_meta(lh_self.seg, a->mode, request->flags)};
  /* The epoch is read before the id: a destroy in between leaves a stale epoch, so the next
   * call comes here again rather than trusting an id that no longer holds. */
  uint32_t epoch = lh_lock_epoch_of(a->addr);
  uint16_t code_gen = (uint16_t)lh_stack_epoch_now();
  a->lock = lh_lock_id((const void *)a->addr, a->kind, key.pc);
  int i;
  while ((i = lh_held_find(&lh_self.held, a->addr)) >= 0 && lh_self.held.v[i].lock != a->lock) {
    /* The lock this thread took at that address was initialised again since (a new lock id):
     * the entry is of a lock that no longer exists. Forget it; the tuple key changes with the
     * held set, so the value is cached under the new key. */
    lh_held_remove(&lh_self.held, i);
    key.held_hash = lh_self.held.hash;
    stale = NULL;
  }
  a->again = i >= 0;
  a->hash = lh_tuple_entry_hash(lh_tuple_fp(key.held_hash, key.pc, key.meta), a->lock);
  if (a->again)
    a->stack = lh_self.held.v[i].stack;
  else if (stale && stale->value.lock == a->lock && stale->value.code_gen == code_gen)
    a->stack = stale->value.stack; /* only the epoch moved (another address's destroy) */
  else
    record_tuple(a, request->flags, request->pc, request->sp);
  struct lh_tuple_value v = {a->lock, a->stack, epoch, code_gen, a->again};
  struct lh_tuple_top top;
  lh_tuple_remember(&key, &v, lh_held_top(&top)); /* key.held_hash is this set's hash */
  /* Room for the push that follows the acquisition, made here, on our stack and with
   * cancellation off: the fast path then never allocates (a cached tuple implies the same
   * held set, and the array never shrinks). */
  if (!a->again && (!lh_self.held.v || lh_self.held.n == lh_self.held.cap))
    lh_held_grow(&lh_self.held);
}

static __attribute__((noinline)) void request_slow_shared(struct lh_acquire *a, uint8_t flags,
                                                          uintptr_t pc,
                                                          const struct lh_tuple_slot *stale) {
  lh_recorder_lock();
  request_shared =
      (struct lh_slow_request){a, pc, (uintptr_t)__builtin_frame_address(0), stale, flags};
  lh_own_stack_call(request_slow, &request_shared);
  lh_recorder_unlock();
}

/* The request goes into the thread's cold block, so that nothing stays live in this frame across
 * the calls below (no saved registers): this frame and the ones under it, up to the switch to the
 * private stack, are what the slow path takes of the program's stack. */
void lh_lock_request_slow(struct lh_acquire *a, uint8_t flags, uintptr_t pc,
                          const struct lh_tuple_slot *stale) {
  struct lh_thread_cold *cold = lh_self.cold;
  if (__builtin_expect(cold == &lh_thread_cold_none, 0)) {
    request_slow_shared(a, flags, pc, stale);
    return;
  }
  /* A Python lock's stack starts with the Python frames, read before the recorder lock is taken
   * (the walk runs the interpreter's code) */
  bool python = a->kind == LH_LOCK_PYTHON;
  if (python) lh_python_arm(a->addr);
  cold->request =
      (struct lh_slow_request){a, pc, (uintptr_t)__builtin_frame_address(0), stale, flags};
  lh_recorder_lock();
  lh_own_stack_call(request_slow, &lh_self.cold->request);
  lh_recorder_unlock();
  if (python) lh_python_done();
}

/* Under the recorder lock: an entry is worth keeping while the lock at its address is still the
 * one it names (its epoch moved for another lock of its bucket, or not at all), and, for a wait
 * site, while no library was replaced. */
static bool tuple_worth_keeping(const struct lh_tuple_slot *s) {
  if (s->value.code_gen != (uint16_t)lh_stack_epoch_now()) return false;
  if (s->addr == LH_TUPLE_NO_ADDR) return true; /* a wait site's (blocking.c) */
  return s->value.epoch == lh_lock_epoch_of(s->addr) || lh_lock_is_live(s->addr, s->value.lock);
}

void lh_tuple_remember(const struct lh_tuple_key *key, const struct lh_tuple_value *value,
                       const struct lh_tuple_top *top) {
  struct lh_tuple_cache *c = &lh_self.tuples;
  if (!lh_tuple_cache_will_rebuild(c)) {
    lh_tuple_cache_put_held(c, key, value, top, 0);
    return;
  }
  lh_recorder_lock();
  lh_tuple_cache_put_held(c, key, value, top, tuple_worth_keeping);
  lh_recorder_unlock();
}

/* As lockhound's own code (lh_runtime_enter): a signal handler's lock calls pass through instead of
 * reading the tables half moved, and a cancel cannot stop it half way. The far tuple's slot
 * again when it could not move (its record may have moved). */
const struct lh_tuple_slot *lh_tuple_promote(const void *obj, uint64_t fp,
                                             const struct lh_tuple_top *top) {
  struct lh_tuple_cache *c = &lh_self.tuples;
  lh_runtime_enter();
  const struct lh_tuple_slot *s = lh_tuple_cache_promote_held(c, (uintptr_t)obj, fp, top);
  if (s)
    lh_self.calls[LH_CALLS_TUPLE_MOVES]++;
  else if (!top || !(s = lh_tuple_family_get(c->families, (uintptr_t)obj, fp, top)))
    s = lh_tuple_cache_get_far(c, (uintptr_t)obj, fp);
  lh_runtime_leave();
  return s;
}

/* A swap of two slots: no call that could be a cancellation point or fail, but a signal handler's
 * lock call in its middle would find a slot half copied, so the wrappers pass through until it
 * is done. */
const struct lh_tuple_slot *lh_tuple_deep(const void *obj, uint64_t fp) {
  lh_self.in_runtime++;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  uint32_t turns = lh_self.cold->turns;
  const struct lh_tuple_slot *s =
      lh_tuple_cache_find_deep(&lh_self.tuples, (uintptr_t)obj, fp, &lh_self.cold->turns);
  lh_self.calls[LH_CALLS_TUPLE_MOVES] += lh_self.cold->turns - turns;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  lh_self.in_runtime--;
  return s == LH_TUPLE_FAR_NEXT ? NULL : s;
}

/* Whether glibc lets the holder of a lock take it again: a recursive mutex, a read lock over a
 * read lock. Any other acquisition that succeeds shows that the thread did not hold it. */
static bool reentrant(const struct lh_acquire *a, uint8_t held_mode) {
  if (a->kind == LH_LOCK_MUTEX || a->kind == LH_LOCK_C11_MUTEX)
    return (((const pthread_mutex_t *)a->addr)->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE;
  if (a->kind == LH_LOCK_RWLOCK) return a->mode == LH_MODE_READ && held_mode == LH_MODE_READ;
  return false;
}

void lh_lock_again(const struct lh_acquire *a) {
  int i = lh_held_find(&lh_self.held, a->addr);
  /* A lock believed held that is taken again where glibc allows no second hold (a trylock or a
   * timed lock, which the self-deadlock check does not see) was free: the entry was stale (the
   * lock was unlocked by another thread), and it now stands for this one hold. */
  if (i >= 0 && !reentrant(a, lh_self.held.v[i].mode))
    lh_self.held.v[i].count = 1;
  else if (i >= 0)
    lh_self.held.v[i].count++;
  if (lh_contention_on) lh_profile_acquired(a->lock);
}

/* The profile's table grows (an allocation) inside the runtime: not cancellable. */
static struct lh_lock_stats *profile_entry(uint32_t lock) {
  struct lh_contention_table *t = &lh_self.contention;
  if ((t->n + 1) * 2 <= t->cap) return lh_contention_entry(t, lock);
  lh_runtime_enter();
  struct lh_lock_stats *s = lh_contention_entry(t, lock);
  lh_runtime_leave();
  return s;
}

uint64_t lh_profile_acquired(uint32_t lock) {
  struct lh_lock_stats *s = profile_entry(lock);
  if (s) s->acquisitions++;
  return lh_now_ns();
}

/* Right after a blocking call that had to wait: the wait began when it was published. */
void lh_profile_waited(uint32_t lock) {
  uint64_t waited = lh_now_ns() - lh_self.cold->wait.since_ns;
  struct lh_lock_stats *s = profile_entry(lock);
  if (!s) return;
  s->contended++;
  s->wait_ns += waited;
  if (waited > s->max_wait_ns) s->max_wait_ns = waited;
}

void lh_profile_released(const struct lh_held_entry *e) {
  if (!e->since_ns) return;
  uint64_t held = lh_now_ns() - e->since_ns;
  struct lh_lock_stats *s = profile_entry(e->lock);
  if (!s) return;
  s->hold_ns += held;
  if (held > s->max_hold_ns) s->max_hold_ns = held;
}

struct object_ctx {
  const void *addr;
  uint8_t kind;
  uintptr_t pc;
  unsigned count;
  const char *name;
};

static void object_init(void *p) {
  const struct object_ctx *c = p;
  lh_object_initialised(c->addr, c->kind, c->pc, c->count, c->name);
}

static void object_destroy(void *p) { lh_object_destroyed(((const struct object_ctx *)p)->addr); }

void lh_object_init_event(const void *addr, uint8_t kind, uintptr_t pc, unsigned count,
                          const char *name) {
  struct object_ctx c = {addr, kind, pc, count, name};
  lh_locked_on_own_stack(object_init, &c);
}

void lh_object_destroy_event(const void *addr) {
  struct object_ctx c = {addr, 0, 0, 0, NULL};
  lh_locked_on_own_stack(object_destroy, &c);
}
