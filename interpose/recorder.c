/* recorder.c - see recorder.h.
 *
 * The recorder lock is a plain glibc mutex taken through the real function, never through our
 * own wrapper. Code holding it never waits for a program lock, so it cannot take part in the
 * program's deadlocks. While it is held the thread is "inside the runtime": lock calls made by
 * libraries we call (the unwinder behind backtrace() takes a mutex) pass straight through. */
#include "recorder.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "leaf_tuples.h"
#include "object_registry.h"
#include "real_functions.h"
#include "run_file.h"
#include "stack_capture.h"
#include "thread_state.h"
#include "watchdog.h"

bool lh_enabled;
/* Guards the registry, stack table, module map, thread table and the run file. Recursive: code
 * under it that looks up a lock or an object may need it again, and a nested take must never
 * hang the program. */
static pthread_mutex_t recorder_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static unsigned fork_count; /* forks made by this process: names the children's lineage */

/* Cancellation is disabled while the lock is held: lockhound's own write(2) and open(2) are
 * cancellation points, and a thread cancelled there would leave the recorder lock taken for
 * ever. A cancel that arrives meanwhile stays pending until the program's next cancellation
 * point. */
void lh_recorder_lock(void) {
  lh_real_ensure();
  if (lh_self.in_runtime++ == 0) {
    lh_self.saved_errno = errno;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &lh_self.saved_cancel_state);
  }
  real_pthread_mutex_lock(&recorder_mutex);
}

static void leave_runtime(void) {
  if (--lh_self.in_runtime == 0) {
    pthread_setcancelstate(lh_self.saved_cancel_state, NULL);
    errno = lh_self.saved_errno;
  }
}

void lh_recorder_unlock(void) {
  real_pthread_mutex_unlock(&recorder_mutex);
  leave_runtime();
}

/* Slow path: a tuple this thread has not seen yet; sets a->stack to its site. */
static void record_tuple(struct lh_acquire *a, uint8_t flags) {
  lh_recorder_lock();
  a->stack = lh_stack_here();
  /* Nothing held: no ordering edge, so nothing to write. The stack is still kept: it becomes the
   * held entry's site if a nested acquisition follows. */
  if (lh_self.held.n > 0 && lh_run_file_active()) {
    lh_thread_ensure_written(lh_self.id); /* even if the tuple is kept back: its joins matter */
    /* The held locks are leaves no more: their kept-back tuples come first (leaf_tuples.h). */
    for (uint32_t i = 0; i < lh_self.held.n; i++)
      lh_lock_held_over(lh_self.held.v[i].lock);
    uint32_t shape = lh_leaf_shape_here(a->mode, flags, a->stack);
    if (!lh_lock_keep_back(a->lock, shape))
      lh_leaf_write(shape, a->lock);
  }
  lh_recorder_unlock();
}

void lh_lock_request_slow(struct lh_acquire *a, const void *obj, uint8_t kind,
                          const struct lh_tuple_key *key, const struct lh_tuple_slot *stale) {
  /* The epoch is read before the id: a destroy in between leaves a stale epoch, so the next
   * call comes here again rather than trusting an id that no longer holds. */
  uint32_t epoch = lh_lock_epoch_of(a->addr);
  uint16_t code_gen = (uint16_t)lh_stack_epoch_now();
  bool recursive;
  a->lock = lh_lock_id(obj, kind, key->pc, &recursive);
  (void)recursive; /* the holder re-taking any lock adds no order, recursive or not */
  int i = lh_held_find(&lh_self.held, a->addr);
  a->again = i >= 0;
  if (a->again)
    a->stack = lh_self.held.v[i].stack;
  else if (stale && stale->value.lock == a->lock && stale->value.code_gen == code_gen)
    a->stack = stale->value.stack; /* only the epoch moved (another address's destroy) */
  else
    record_tuple(a, lh_tuple_flags(key));
  a->hash = a->again ? lh_self.held.v[i].hash : lh_held_entry_hash(a->lock, a->mode, a->stack);
  struct lh_tuple_value v = {a->hash, a->lock, a->stack, epoch, a->again, code_gen};
  lh_tuple_remember(key, &v);
}

/* Under the recorder lock: an entry is worth keeping while the lock at its address is still the
 * one it names (its epoch moved for another lock of its bucket, or not at all), and, for a wait
 * site, while no library was replaced. */
static bool tuple_worth_keeping(const struct lh_tuple_slot *s) {
  if (s->value.code_gen != (uint16_t)lh_stack_epoch_now())
    return false;
  if (lh_tuple_flags(&s->key) & LH_ACQ_SITE)
    return true;
  return s->value.epoch == lh_lock_epoch_of(s->key.addr) ||
         lh_lock_is_live(s->key.addr, s->value.lock);
}

void lh_tuple_remember(const struct lh_tuple_key *key, const struct lh_tuple_value *value) {
  struct lh_tuple_cache *c = &lh_self.tuples;
  if (!lh_tuple_cache_will_rebuild(c)) {
    lh_tuple_cache_put(c, key, value);
    return;
  }
  lh_recorder_lock();
  lh_tuple_cache_put_pruning(c, key, value, tuple_worth_keeping);
  lh_recorder_unlock();
}

void lh_lock_again(const struct lh_acquire *a) {
  int i = lh_held_find(&lh_self.held, a->addr);
  if (i >= 0)
    lh_self.held.v[i].count++;
  if (lh_contention_on)
    lh_profile_acquired(a->lock);
}

uint64_t lh_profile_acquired(uint32_t lock) {
  struct lh_lock_stats *s = lh_contention_entry(&lh_self.contention, lock);
  if (s)
    s->acquisitions++;
  return lh_now_ns();
}

/* Right after a blocking call that had to wait: the wait began when it was published. */
void lh_profile_waited(uint32_t lock) {
  uint64_t waited = lh_now_ns() - lh_self.wait.since_ns;
  struct lh_lock_stats *s = lh_contention_entry(&lh_self.contention, lock);
  if (!s)
    return;
  s->contended++;
  s->wait_ns += waited;
  if (waited > s->max_wait_ns)
    s->max_wait_ns = waited;
}

void lh_profile_released(const struct lh_held_entry *e) {
  if (!e->since_ns)
    return;
  uint64_t held = lh_now_ns() - e->since_ns;
  struct lh_lock_stats *s = lh_contention_entry(&lh_self.contention, e->lock);
  if (!s)
    return;
  s->hold_ns += held;
  if (held > s->max_hold_ns)
    s->max_hold_ns = held;
}

void lh_object_init_event(const void *addr, uint8_t kind, uintptr_t pc, unsigned count,
                          const char *name) {
  lh_recorder_lock();
  lh_object_initialised(addr, kind, pc, count, name);
  lh_recorder_unlock();
}

void lh_object_destroy_event(const void *addr) {
  lh_recorder_lock();
  lh_object_destroyed(addr);
  lh_recorder_unlock();
}

void lh_fork_prepare(void) {
  lh_thread_ensure();
  lh_recorder_lock();
  fork_count++;
}

void lh_fork_parent(void) { lh_recorder_unlock(); }

void lh_fork_child(void) {
  /* Only the forking thread exists now; it holds the recorder lock, so the tables are in a
   * consistent state. */
  lh_thread_fork_child();
  lh_run_file_fork_child(fork_count);
  fork_count = 0;
  /* A fresh lock, not an unlock: glibc's recursive mutex knows its owner by kernel tid, which
   * the child does not share with the thread that forked. */
  static const pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
  memcpy(&recorder_mutex, &fresh, sizeof fresh);
  leave_runtime();
  lh_watchdog_start(); /* the parent's watchdog does not exist here */
}
