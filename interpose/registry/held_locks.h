/* held_locks.h - the set of locks one thread holds, in acquisition order.
 *
 * Each entry remembers the lock's address (unlock finds entries by address, so it needs no
 * registry look-up), its lockhound id, the mode, where it was taken (the stack id of its
 * acquisition tuple), a recursion count (a recursive mutex or a read lock taken again by its
 * holder) and its hash (made by whoever pushes it: the recorder's is lh_tuple_entry_hash, which
 * names the acquisition that took it). The set keeps the sum of its entries' hashes, updated in
 * O(1) on push and remove, so that the tuple cache (and the race detector's lockset cache) can key
 * on "what is held" without walking the list. A pop only lowers the count: the entry just above
 * the set is the thread's last one at that depth, which the recorder's fast path may push again
 * as it is (`reuse`, with the lock's epoch: recorder.h, lh_lock_push_reuse).
 *
 * The entries are in a heap array (4 at first, doubled as needed, without any fixed cap), none
 * inside the set: the set lives in static TLS, which glibc carves out of every thread's stack
 * (own_stack.h), and the recorder grows the array on its slow path, on its own stack, before the
 * push that needs it. An outgrown array is kept until the set is freed, since another thread may
 * be reading it (watchdog.h). Push, find and remove are inline: they run on every lock call.
 * Owned by one thread; never shared. */
#ifndef LH_HELD_LOCKS_H
#define LH_HELD_LOCKS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/vocabulary.h"

#define LH_HELD_FIRST 4 /* entries of the first array */

struct lh_held_entry {
  uintptr_t addr;
  uint64_t hash;     /* the pusher's: tells this entry from others (tuple_cache.h) */
  uint32_t lock;     /* lockhound lock id */
  uint32_t stack;    /* where it was taken: stack id */
  uint32_t count;    /* times taken by this thread without release */
  uint8_t mode;      /* enum lh_mode */
  uint8_t reuse;     /* pushed by the fast path: may be pushed again as it is (recorder.h) */
  uint32_t epoch;    /* with reuse: the lock's epoch (lock_cache.h) when it was pushed */
  uint64_t since_ns; /* when taken (CLOCK_MONOTONIC), written only with the contention profile on */
};

/* A new entry's count (1), mode and `reuse`, written as one word: one store, not three. With
 * since_ns left unwritten on the fast path, 8.7 instead of 9.1 ns a lock+unlock pair on the Zen 4
 * EPYC of docs/benchmarks.md (one thread, medians of 11 runs by turns). */
static inline void lh_held_entry_first(struct lh_held_entry *e, uint8_t mode, bool reuse) {
  _Static_assert(__builtin_offsetof(struct lh_held_entry, mode) ==
                         __builtin_offsetof(struct lh_held_entry, count) + 4 &&
                     __builtin_offsetof(struct lh_held_entry, reuse) ==
                         __builtin_offsetof(struct lh_held_entry, mode) + 1,
                 "count, mode and reuse in one word");
  uint64_t word = 1 | (uint64_t)mode << 32 | (uint64_t)reuse << 40;
  memcpy(&e->count, &word, sizeof word);
}

struct lh_held_set {
  struct lh_held_entry *v; /* a heap array; NULL until first use */
  uint32_t n, cap;
  uint64_t hash; /* sum of the entries' hashes */
  void *retired; /* outgrown heap arrays, chained through their first word; freed with the set */
};

void lh_held_init(struct lh_held_set *s);
void lh_held_free(struct lh_held_set *s);
/* Makes room for one more entry; false only when memory runs out. */
bool lh_held_grow(struct lh_held_set *s);

/* Index of the most recent entry for addr, or -1. */
static inline int lh_held_find(const struct lh_held_set *s, uintptr_t addr) {
  for (int i = (int)s->n - 1; i >= 0; i--)
    if (s->v[i].addr == addr) return i;
  return -1;
}

/* Appends e (whose hash field must be set); false when memory runs out (then not tracked). */
static inline bool lh_held_push(struct lh_held_set *s, const struct lh_held_entry *e) {
  if (__builtin_expect(s->n == s->cap || !s->v, 0) && !lh_held_grow(s)) return false;
  s->v[s->n++] = *e;
  s->hash += e->hash;
  return true;
}

/* Appends an entry of the given hash, whose other fields the caller fills in place (no copy
 * through the caller's frame); NULL when memory runs out (then not tracked). */
static inline struct lh_held_entry *lh_held_push_slot(struct lh_held_set *s, uint64_t hash) {
  if (__builtin_expect(s->n == s->cap || !s->v, 0) && !lh_held_grow(s)) return NULL;
  struct lh_held_entry *e = &s->v[s->n++];
  e->hash = hash;
  s->hash += hash;
  return e;
}
/* Forgets every entry's reuse (a fork child records its tuples afresh). */
static inline void lh_held_forget_reuse(struct lh_held_set *s) {
  for (uint32_t i = 0; i < s->cap; i++) s->v[i].reuse = 0;
}

/* Removes entry i, keeping the others in acquisition order. */
static inline void lh_held_remove(struct lh_held_set *s, int i) {
  struct lh_held_entry *e = &s->v[i];
  s->hash -= e->hash;
  uint32_t tail = s->n - (uint32_t)i - 1;
  if (tail) memmove(e, e + 1, tail * sizeof *e);
  s->n--;
}

#endif
