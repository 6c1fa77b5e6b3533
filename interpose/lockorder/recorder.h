/* recorder.h - the events the wrappers report, and the lock that guards lockhound's tables.
 *
 * The wrappers know pthread types; everything behind this interface knows only addresses, lock
 * kinds and modes. For a blocking acquisition a wrapper calls lh_lock_request *before* the real
 * call (so that a run which then really deadlocks has already recorded the acquisition that
 * closes the cycle) and lh_lock_acquired after it succeeds; a trylock calls both after success.
 *
 * Fast path (nothing new), inline here: one probe of the thread's tuple cache (which also
 * gives the lock id and site) checked against the address's destroy epoch, then a push on the
 * held set; release pops it. No global lock, no allocation, no stack walk. Slow path (a new lock, a new tuple): the recorder lock, a stack
 * walk, records appended to the run file. */
#ifndef LH_RECORDER_H
#define LH_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "registry/held_locks.h"
#include "registry/lock_cache.h"
#include "registry/lock_registry.h"
#include "registry/recorder_lock.h"
#include "registry/thread_state.h"
#include "registry/tuple_cache.h"
#include "registry/tuple_families.h"

/* LH_ACQ_SITE marks tuple-cache entries that remember a wait site's stack (blocking.c). */
enum lh_acq_flags { LH_ACQ_TRY = 1, LH_ACQ_TIMED = 2, LH_ACQ_COND = 4, LH_ACQ_SITE = 0x80 };

struct lh_acquire {
  uintptr_t addr;
  uint64_t hash; /* the held entry's (lh_tuple_entry_hash) */
  uint32_t lock;
  uint32_t stack;
  uint8_t mode;
  uint8_t kind; /* enum lh_lock_kind */
  bool again;   /* the caller already holds it (recursive mutex, read lock): no new tuple */
};

/* Out of line: a tuple the thread has not seen under the lock's current identity (a->addr, mode
 * and kind set; the key is made again from them, flags, pc and the thread's state, which is
 * what lets the fast path keep its key in registers: docs/promises.md, small stacks). */
void lh_lock_request_slow(struct lh_acquire *a, uint8_t flags, uintptr_t pc,
                          const struct lh_tuple_slot *stale);
void lh_lock_again(const struct lh_acquire *a);
/* Puts key -> value in the calling thread's tuple cache; when that rebuilds the table, drops the
 * entries of locks destroyed since (under the recorder lock, which the check needs). */
void lh_tuple_remember(const struct lh_tuple_key *key, const struct lh_tuple_value *value,
                       const struct lh_tuple_top *top);
/* The contention profile's events (contention.h): out of line, only when it is on. */
uint64_t lh_profile_acquired(uint32_t lock);
void lh_profile_waited(uint32_t lock);
void lh_profile_released(const struct lh_held_entry *e);

/* The calling thread's held set as a family look-up sees it (tuple_families.h), in *t; NULL
 * when it is empty. */
static inline const struct lh_tuple_top *lh_held_top(struct lh_tuple_top *t) {
  const struct lh_held_set *h = &lh_self.held;
  if (!h->n) return 0;
  const struct lh_held_entry *e = &h->v[h->n - 1];
  *t = (struct lh_tuple_top){h->hash, e->hash, e->lock};
  return t;
}

/* The calling thread's look-up of the tuple (addr, fp) made under its held set: the near window,
 * and only when that is full, the held set's top for the family, then the far table. */
static inline const struct lh_tuple_slot *lh_tuple_lookup(uintptr_t addr, uint64_t fp) {
  const struct lh_tuple_slot *s = lh_tuple_cache_find_near(&lh_self.tuples, addr, fp);
  if (__builtin_expect(s != LH_TUPLE_FAR_NEXT, 1)) return s;
  struct lh_tuple_top t;
  return lh_tuple_cache_find_beyond(&lh_self.tuples, addr, fp, lh_held_top(&t));
}

__attribute__((always_inline)) static inline void lh_lock_request(struct lh_acquire *a,
                                                                  const void *obj, uint8_t kind,
                                                                  uint8_t mode, uint8_t flags,
                                                                  uintptr_t pc) {
  lh_thread_ensure();
  a->addr = (uintptr_t)obj;
  a->mode = mode;
  a->kind = kind;
  uint64_t fp = lh_tuple_fp(lh_self.held.hash, pc, lh_tuple_meta(lh_self.seg, mode, flags));
  const struct lh_tuple_slot *s = lh_tuple_lookup(a->addr, fp);
  if (__builtin_expect(s && s->value.epoch == lh_lock_epoch_of(a->addr), 1)) {
    a->lock = s->value.lock;
    a->stack = s->value.stack;
    a->again = s->value.again;
    a->hash = lh_tuple_entry_hash(fp, a->lock);
    return;
  }
  lh_lock_request_slow(a, flags, pc, s);
}

/* The fast path of a blocking acquisition, made *before* the lock is tried, in two steps so that
 * the common one has no call in it: lh_lock_push_near looks in the near table (tuple_cache.h) and,
 * when the thread has recorded the acquisition lh_lock_request would make (the thread is
 * registered, does not hold the lock already, and the lock's epoch is unchanged) and the held
 * set has room, pushes its held entry: LH_PUSHED. LH_PUSH_FAR: the tuple is in the far table or
 * deep in its window, or new; the wrapper's out-of-line path then calls lh_lock_push_far with the
 * fingerprint (*fp). Else
 * LH_PUSH_NONE, and nothing is pushed. The caller then tries the lock and, when the try does not
 * take it, takes the entry back (lh_lock_unpush) before its slow path.
 * Pushing first means that nothing of the look-up lives across the try (the mutex wrapper saves
 * one register, not five) and that the push is not in the program's critical section. Between
 * the push and the try's return the set names a lock the thread may not hold yet: the try never
 * blocks, a signal handler's acquisitions in between are pushed above the entry and popped again,
 * and the watchdog describes only threads that have been blocked for a while (a thread here is
 * not). */
enum lh_push { LH_PUSH_NONE, LH_PUSHED, LH_PUSH_FAR };

__attribute__((always_inline)) static inline bool
lh_lock_push_slot(const struct lh_tuple_slot *s, const void *obj, uint8_t mode, uint64_t fp) {
  if (__builtin_expect(!s || s->value.again || s->value.epoch != lh_lock_epoch_of((uintptr_t)obj),
                       0))
    return false;
  struct lh_held_set *h = &lh_self.held;
  uint64_t hash = lh_tuple_entry_hash(fp, s->value.lock);
  struct lh_held_entry *e = &h->v[h->n];
  e->addr = (uintptr_t)obj;
  e->hash = hash;
  e->lock = s->value.lock;
  e->stack = s->value.stack;
  e->epoch = s->value.epoch;
  lh_held_entry_first(e, mode, true); /* since_ns is not written: the contention profile is off */
  h->n++;
  h->hash += hash;
  return true;
}

/* The entry just above the held set, when it is the one this push would make: the last entry
 * the fast path pushed at this depth, for this lock (its hash names the same tuple: the same
 * held set below, call site, segment and mode), whose identity has not changed since (its
 * epoch). A thread that takes a lock again and again at the same depth (a loop's `with lock:`,
 * the outer and the inner lock of nested pairs) then pushes it with no look-up in the tuple
 * cache: the hash and the index of the near table, the probe and the entry's fields, some 25
 * instructions a lock. Entries the slow path pushed, and all of a fork child's, are not reused
 * (their tuple may not be recorded in this run file). */
__attribute__((always_inline)) static inline bool lh_lock_push_reuse(const void *obj, uint64_t fp) {
  struct lh_held_set *h = &lh_self.held;
  struct lh_held_entry *e = &h->v[h->n];
  if (__builtin_expect(e->addr != (uintptr_t)obj || !e->reuse, 0)) return false;
  if (__builtin_expect(e->hash != lh_tuple_entry_hash(fp, e->lock) ||
                           e->epoch != lh_lock_epoch_of((uintptr_t)obj),
                       0))
    return false;
  e->count = 1;
  h->n++;
  h->hash += e->hash;
  return true;
}

/* flags: those lh_lock_request would be given (enum lh_acq_flags): 0 for a blocking lock,
 * LH_ACQ_TRY for a trylock, whose tuple is another one. */
__attribute__((always_inline)) static inline enum lh_push
lh_lock_push_near_as(const void *obj, uint8_t mode, uint8_t flags, uintptr_t pc, uint64_t *fp) {
  struct lh_held_set *h = &lh_self.held;
  if (__builtin_expect(!lh_self.registered || h->n == h->cap, 0))
    return LH_PUSH_NONE; /* the slow path grows the set */
  *fp = lh_tuple_fp(h->hash, pc, lh_tuple_meta(lh_self.seg, mode, flags));
  if (lh_lock_push_reuse(obj, *fp)) return LH_PUSHED;
  const struct lh_tuple_slot *s = lh_tuple_cache_find_fast(&lh_self.tuples, (uintptr_t)obj, *fp);
  if (__builtin_expect(s == LH_TUPLE_FAR_NEXT, 0)) return LH_PUSH_FAR;
  return lh_lock_push_slot(s, obj, mode, *fp) ? LH_PUSHED : LH_PUSH_NONE;
}

__attribute__((always_inline)) static inline enum lh_push
lh_lock_push_near(const void *obj, uint8_t mode, uintptr_t pc, uint64_t *fp) {
  return lh_lock_push_near_as(obj, mode, 0, pc, fp);
}

/* A tuple deep in its window, moved forward (tuple_cache.h, lh_tuple_cache_find_deep); a far tuple
 * sampled twice in a row, moved near (lh_tuple_far_hit). Their slots, or NULL. */
const struct lh_tuple_slot *lh_tuple_deep(const void *obj, uint64_t fp);
const struct lh_tuple_slot *lh_tuple_promote(const void *obj, uint64_t fp,
                                             const struct lh_tuple_top *top);

/* The push of a tuple lh_lock_push_near sent out of line: one of a family (a lock taken under
 * each of many locks: tuple_families.h) or of the far table (a lock taken under many held sets),
 * else one deep in its window. The family first: families and their bitmaps take a quarter of the
 * memory of the far slots they replace (memcached), so they miss the cache less often. */
static inline bool lh_lock_push_far(const void *obj, uint8_t mode, uint64_t fp) {
  struct lh_tuple_top t;
  const struct lh_tuple_top *top = lh_held_top(&t);
  const struct lh_tuple_slot *s =
      top ? lh_tuple_family_get(lh_self.tuples.families, (uintptr_t)obj, fp, top) : 0;
  if (__builtin_expect(!s, 0)) s = lh_tuple_cache_get_far(&lh_self.tuples, (uintptr_t)obj, fp);
  if (__builtin_expect(!s, 0))
    s = lh_tuple_deep(obj, fp);
  else if (__builtin_expect(lh_tuple_far_hit(&lh_self.tuples, (uintptr_t)obj, fp), 0))
    s = lh_tuple_promote(obj, fp, top);
  return lh_lock_push_slot(s, obj, mode, fp);
}

/* Takes back the entry lh_lock_push_near or lh_lock_push_far pushed (the latest) and returns its
 * lock's address. */
static inline uintptr_t lh_lock_unpush(void) {
  struct lh_held_set *h = &lh_self.held;
  struct lh_held_entry *e = &h->v[--h->n];
  h->hash -= e->hash;
  return e->addr;
}

/* Whether the calling thread's tuple cache knows the acquisition lh_lock_request would make: no
 * slow path then. */
static inline bool lh_tuple_known(const void *obj, uint8_t mode, uint8_t flags, uintptr_t pc) {
  uint64_t fp = lh_tuple_fp(lh_self.held.hash, pc, lh_tuple_meta(lh_self.seg, mode, flags));
  const struct lh_tuple_slot *s = lh_tuple_lookup((uintptr_t)obj, fp);
  return s && s->value.epoch == lh_lock_epoch_of((uintptr_t)obj);
}

static inline void lh_lock_acquired(const struct lh_acquire *a) {
  if (__builtin_expect(a->again, 0)) {
    lh_lock_again(a);
    return;
  }
  /* Made in place, not copied from a local: the wrapper's frame stays small. */
  struct lh_held_entry *e = lh_held_push_slot(&lh_self.held, a->hash);
  if (__builtin_expect(!e, 0)) return;
  e->addr = a->addr;
  e->lock = a->lock;
  e->stack = a->stack;
  lh_held_entry_first(e, a->mode, false);
  if (__builtin_expect(lh_contention_on, 0)) e->since_ns = lh_profile_acquired(a->lock);
}

/* False when the caller does not hold the lock (a misuse, or taken before lockhound started). */
static inline bool lh_lock_released(const void *obj) {
  struct lh_held_set *h = &lh_self.held;
  int i = lh_held_find(h, (uintptr_t)obj);
  if (i < 0) return false;
  if (--h->v[i].count == 0) {
    if (__builtin_expect(lh_contention_on, 0)) lh_profile_released(&h->v[i]);
    lh_held_remove(h, i);
  }
  return true;
}

/* Semaphores, condvars and barriers being created and destroyed (object_registry.h). */
void lh_object_init_event(const void *addr, uint8_t kind, uintptr_t pc, unsigned count,
                          const char *name);
void lh_object_destroy_event(const void *addr);

#endif
