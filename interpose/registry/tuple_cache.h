/* tuple_cache.h - the acquisitions one thread has already recorded.
 *
 * The hot path of every lock call asks "has this thread already recorded this acquisition
 * tuple?" The key is what makes a tuple distinct (docs/run-file-format.md, `acq`): segment,
 * the lock's address, mode, flags, the call site (the wrapper's return address) and the hash of
 * the held set. A slot keeps the address and a 64-bit fingerprint of the rest (lh_tuple_fp),
 * and the value: everything the hot path then needs, so that one probe replaces every other
 * look-up: the lock's id, the stack id recorded for the tuple (it becomes the held entry's site),
 * whether the caller already holds the lock, and the address epoch (lock_cache.h) under which the
 * lock id was valid — a lock destroyed and created again at the same address changes the epoch,
 * and the entry no longer counts. 32 bytes a slot (it was 64 with the whole key and the held
 * entry's hash): a program with more tuples than the caches hold (lock_pairs: 200,000 a thread)
 * walks half the memory on every lock call, and memcached's far tables take half as much.
 *
 * Two open-addressing tables, power-of-two capacities:
 *   - the near table is indexed by the lock's address only, so that locks next to each other in
 *     memory have their tuples next to each other in the table: a program that walks an array of
 *     100,000 mutexes walks the table in order too, from cache lines and pages it has just used,
 *     where a hash of the whole key would take a cache and TLB miss per call once the table
 *     outgrows the caches (measured: 11x native instead of 1.5x at 100,000 locks, issue 11). A
 *     4 KiB page of locks maps to a run of 256 slots ((addr >> 4) & 255) at a place hashed from
 *     the page number, so arrays of any stride spread over the table. The tuples of one address
 *     (other call sites, other held sets) are found by linear probing, at most NEAR_PROBES slots
 *     (the window); the lock fast path looks at its first FAST_PROBES first, and a tuple found
 *     further in is, at one hit in MOVE_EVERY, swapped forward out of line with one that may move
 *     (lh_tuple_cache_find_deep), so that the tuples a thread uses most settle where the fast
 *     path looks first;
 *   - a tuple whose near window is full (a lock taken under many different held sets: a log lock
 *     under each of 10,000 account locks) goes to the far table, hashed on address and
 *     fingerprint. A window with a free slot proves the key absent from both (nothing is removed
 *     between rebuilds), so a new tuple costs one window. The far table's slots are 12 bytes, a
 *     64-bit key (the fingerprint with the address mixed in) and the position of a record of
 *     address and value shared by the tuples that have them (struct lh_tuple_far below), at most
 *     seven eighths full: about 15 bytes a tuple, all resident since a hash spreads the writes
 *     over every page. A far hit reads a few slots (4 or 5 on average when full), nearly always
 *     in its home's cache line or the next, and its record (few: cached); a miss stops at the
 *     first slot of a larger hash. memcached's workers reach 60,000 far tuples each (an LRU or
 *     statistics lock under each of its item locks): a table of whole slots at half load took
 *     8 MiB per worker, dense slots of 32 bytes 2.3 MiB, entries of 12 behind an index of
 *     positions 1.2 MiB but two cache misses a hit, the index word and then the entry (`perf
 *     annotate`: 80% of the look-up's samples on those two loads); these slots take about 1.2
 *     MiB (94,479 homes for 60,000 tuples, computed, not read from the process) and one miss
 *     (docs/benchmarks.md, section 5). The table grows but never shrinks: a rebuild that drops
 *     far tuples leaves it emptier. Near hits, the lock fast path of most programs, do not
 *     change;
 *   - a tuple whose window is full and which differs from others only in the held set's last
 *     lock (memcached's LRU lock under each item lock: most of its far tuples) joins their
 *     *family* instead (tuple_families.h): one key and a bitmap over that lock's id, asked before
 *     the far table. Families hold part of the overflow; the far table keeps the rest.
 * At half load of the near table all are rebuilt: first without the entries the caller's `keep`
 * function rejects (those of locks destroyed since: their addresses will hold other locks, so the
 * entries can never be hit again), then the near table anew, at twice the capacity only if the
 * rest still fills more than a quarter of it, the far table compacted in place (two far
 * tables at once made memcached's peak 0.7 MB higher) and the families laid out again (members
 * whose window now has room move near). The rebuild reads only the pages of the old near table
 * that were written (table_memory.h: reading the others can make them resident). So a thread that goes through millions of short-lived locks at ever new
 * addresses keeps tables the size of what it uses now, at O(1) amortised cost per insertion. A
 * fork child empties its cache. Owned by one thread; never shared, so no atomics. */
#ifndef LH_TUPLE_CACHE_H
#define LH_TUPLE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "registry/tuple_families.h"
#include "registry/tuple_key.h"

#define LH_TUPLE_NEAR_PROBES 8

/* The far table, on the heap (made at the first overflow). A far tuple is a slot of 12 bytes: its
 * key, lh_tuple_far_key (the fingerprint and the address: as unique as the fingerprint), and
 * 1 + the position of its record, the (address, value) it stands for, in `values`, where each
 * distinct record is kept once (found again through values_index, 1 + positions by open
 * addressing, 0 where free). The tuples of a lock taken under many held sets differ in their
 * fingerprints only (memcached's workers: an LRU lock under each of a thousand item locks, one
 * record per LRU lock and call stack), so a far tuple costs its slot. A record is a slot of the
 * near table's kind whose fp is not used: a far look-up gives it, with its addr and value, like a
 * near one. Replacing a far tuple's value points its slot at another record (records are
 * shared); records no slot points at any more go at the next rebuild.
 *
 * The slots are linear probing without wrap-around, kept in the order of their keys' hashes
 * (lh_tuple_far_hash): a slot is at or after its home, the hash scaled to the capacity, and
 * before every slot of a larger hash. The capacity is any number (homes are a multiply and a
 * shift, not a mask), followed by spill slots for the last homes' runs, the last slot always
 * free so that a probe ends. It grows by a quarter at seven eighths full (tuple_cache.c,
 * far_grown). The order lets the table grow in place (lh_table_grow, then
 * every slot moves forward or stays: no second table while it grows) and be compacted in place
 * at a rebuild (every slot moves back or stays). */
struct lh_tuple_far_slot {
  uint32_t key_lo, key_hi; /* two words, not one: 12 bytes a slot, not 16 */
  uint32_t record;         /* 1 + position in values; 0: free */
};

struct lh_tuple_far {
  struct lh_tuple_far_slot *slots; /* alloc of them: cap homes and the spill */
  uint32_t cap, alloc, n;
  struct lh_tuple_slot *values; /* nvalues used, values_room allocated */
  uint32_t *values_index;
  uint32_t nvalues, values_room, values_index_cap;
  uint32_t hits;    /* far hits counted by lh_tuple_far_hit, for promotions */
  uint64_t sampled; /* the far key of the hit it last sampled */
};

struct lh_tuple_cache {
  struct lh_tuple_slot *slots;        /* near: by address */
  uint32_t cap, n;                    /* n counts the entries of all three */
  struct lh_tuple_far *far;           /* overflow: by the whole key; NULL until needed */
  struct lh_tuple_families *families; /* overflow by held lock: NULL until needed */
  uint32_t deep_hits;                 /* the fast look-up's hits past its first slots */
};

/* A far tuple's key: the fingerprint with the address mixed in (a multiply by an odd number is
 * one-to-one, so two keys of one address differ as their fingerprints do). */
static inline uint64_t lh_tuple_far_key(uintptr_t addr, uint64_t fp) {
  return fp ^ (addr * 0xff51afd7ed558ccdull);
}

/* The hash that orders the far slots: one-to-one too, its high half mixed from every key bit. */
static inline uint64_t lh_tuple_far_hash(uint64_t key) { return key * 0x9e3779b97f4a7c15ull; }

/* The first slot of an address's window in a near table of capacity cap. */
static inline uint32_t lh_tuple_near_index(uintptr_t addr, uint32_t cap) {
  uint32_t page = (uint32_t)(((uint64_t)(addr >> 12) * 0x9e3779b97f4a7c15ull) >> 40);
  return ((page << 8) + (uint32_t)((addr >> 4) & 0xff)) & (cap - 1);
}

struct lh_tuple_slot *lh_tuple_cache_get_far(const struct lh_tuple_cache *c, uintptr_t addr,
                                             uint64_t fp);

/* What lh_tuple_cache_find_near returns when the address's near window is full without the
 * tuple: it may be in the far table. */
#define LH_TUPLE_FAR_NEXT ((struct lh_tuple_slot *)1)

/* How many slots of a window the lock fast path looks at first (lh_tuple_cache_find_fast): a
 * tuple further in is found there too, and every LH_TUPLE_MOVE_EVERY-th such hit of a thread is
 * sent out of line, where lh_tuple_cache_find_deep moves the tuple forward. */
#define LH_TUPLE_FAST_PROBES 4
#define LH_TUPLE_MOVE_EVERY 16

/* The near table's slot of (addr, fp) among the slots from..probes-1 of its window; NULL when the
 * tuple is new (a free slot in the window proves it absent from both tables), LH_TUPLE_FAR_NEXT
 * when the slots looked at are all taken by others. Without calls, for fast paths that must save
 * no registers. */
static inline struct lh_tuple_slot *lh_tuple_cache_probe(const struct lh_tuple_cache *c,
                                                         uintptr_t addr, uint64_t fp, int from,
                                                         int probes) {
  if (__builtin_expect(c->cap == 0, 0)) return 0;
  uint32_t i = (lh_tuple_near_index(addr, c->cap) + (uint32_t)from) & (c->cap - 1);
  for (int p = from; p < probes; p++, i = (i + 1) & (c->cap - 1)) {
    const struct lh_tuple_slot *s = &c->slots[i];
    if (s->fp == fp && s->addr == addr) return &c->slots[i];
    if (!s->addr) return 0;
  }
  return LH_TUPLE_FAR_NEXT;
}

/* The whole window: LH_TUPLE_FAR_NEXT means that only the far table can tell. */
static inline struct lh_tuple_slot *lh_tuple_cache_find_near(const struct lh_tuple_cache *c,
                                                             uintptr_t addr, uint64_t fp) {
  return lh_tuple_cache_probe(c, addr, fp, 0, LH_TUPLE_NEAR_PROBES);
}

/* The lock fast path's look-up: the slot of the tuple in its window, NULL when the tuple is new,
 * LH_TUPLE_FAR_NEXT when it is in the far table, or deep in the window at a sampled hit (the
 * out-of-line path looks in the far table first, then in the rest of the window, and moves a
 * tuple it finds there forward: lh_tuple_cache_find_deep). A window shared by neighbouring locks
 * and a lock's other tuples (sqlite3's static mutexes lie 40 bytes apart, 2.5 slots) had its hot
 * tuple 5 to 6 slots in, some 60 instructions of every lock call when every deep hit went out of
 * line (docs/benchmarks.md, section 5): moved forward, it settles where the first loop finds it.
 * But a window with more hot tuples than fast slots (memcached's item locks, taken at several
 * call sites and tried by the LRU maintainer) made them chase each other: 589,385 moves out of
 * line in run-bench's load, one lock call in nine. So a deep hit is taken where it is, and only
 * every LH_TUPLE_MOVE_EVERY-th is sent out of line to move. Two loops, so that a hit in the first
 * slots costs what it did, and a far tuple is sent out of line after the same 8 probes. */
static inline struct lh_tuple_slot *lh_tuple_cache_find_fast(struct lh_tuple_cache *c,
                                                             uintptr_t addr, uint64_t fp) {
  if (__builtin_expect(c->cap == 0, 0)) return 0;
  uint32_t i = lh_tuple_near_index(addr, c->cap);
  int p = 0;
  for (; p < LH_TUPLE_FAST_PROBES; p++, i = (i + 1) & (c->cap - 1)) {
    const struct lh_tuple_slot *s = &c->slots[i];
    if (s->fp == fp && s->addr == addr) return &c->slots[i];
    if (!s->addr) return 0;
  }
  for (; p < LH_TUPLE_NEAR_PROBES; p++, i = (i + 1) & (c->cap - 1)) {
    const struct lh_tuple_slot *s = &c->slots[i];
    if (s->fp == fp && s->addr == addr) {
      if (__builtin_expect(++c->deep_hits % LH_TUPLE_MOVE_EVERY != 0, 1)) return &c->slots[i];
      break;
    }
    if (!s->addr) return 0;
  }
  return LH_TUPLE_FAR_NEXT;
}

/* The rest of the window, after its first LH_TUPLE_FAST_PROBES slots (taken by other tuples). */
static inline struct lh_tuple_slot *lh_tuple_cache_find_rest(const struct lh_tuple_cache *c,
                                                             uintptr_t addr, uint64_t fp) {
  return lh_tuple_cache_probe(c, addr, fp, LH_TUPLE_FAST_PROBES, LH_TUPLE_NEAR_PROBES);
}

/* Moves the tuple of slot s, found by lh_tuple_cache_find_rest, to one of the first slots of
 * its window, swapped with a tuple that may go where it was (that slot is still in its own
 * window); its slot then (s when none may). *turns, counted up at each move, says which of the
 * first slots is tried first, so that the tuples of a window that the fast slots cannot all hold
 * settle without chasing each other. Slots returned before may hold other tuples after it. */
struct lh_tuple_slot *lh_tuple_cache_move_forward(struct lh_tuple_cache *c, struct lh_tuple_slot *s,
                                                  uint32_t *turns);

/* Both: the tuple's slot, moved forward; NULL when it is new; LH_TUPLE_FAR_NEXT when the window
 * is full without it. */
static inline struct lh_tuple_slot *
lh_tuple_cache_find_deep(struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp, uint32_t *turns) {
  struct lh_tuple_slot *s = lh_tuple_cache_find_rest(c, addr, fp);
  return s && s != LH_TUPLE_FAR_NEXT ? lh_tuple_cache_move_forward(c, s, turns) : s;
}

/* Beyond a full near window: the tuple (addr, fp) made under held set t (NULL: empty) in its
 * family, then in the far table. */
static inline struct lh_tuple_slot *lh_tuple_cache_find_beyond(const struct lh_tuple_cache *c,
                                                               uintptr_t addr, uint64_t fp,
                                                               const struct lh_tuple_top *t) {
  struct lh_tuple_slot *s = t ? lh_tuple_family_get(c->families, addr, fp, t) : 0;
  return s ? s : lh_tuple_cache_get_far(c, addr, fp);
}

/* The slot of (addr, fp) (of a far tuple: its record, whose fp is not the tuple's), or NULL when
 * the tuple is new. */
static inline struct lh_tuple_slot *lh_tuple_cache_find(const struct lh_tuple_cache *c,
                                                        uintptr_t addr, uint64_t fp) {
  struct lh_tuple_slot *s = lh_tuple_cache_find_near(c, addr, fp);
  return s == LH_TUPLE_FAR_NEXT ? lh_tuple_cache_get_far(c, addr, fp) : s;
}

/* The slot for key, or NULL when the key is new. */
static inline struct lh_tuple_slot *lh_tuple_cache_get(const struct lh_tuple_cache *c,
                                                       const struct lh_tuple_key *key) {
  return lh_tuple_cache_find(c, key->addr, lh_tuple_fp(key->held_hash, key->pc, key->meta));
}

/* Remembers key -> value (replacing an older value); false when memory runs out (the tuple is
 * then recorded again the next time, which is harmless: the analyzer deduplicates). When the
 * table is rebuilt, entries for which keep (if not NULL) returns false are dropped (far tuples
 * are asked once per record: keep may look at a slot's addr and value only). */
typedef bool (*lh_tuple_keep_fn)(const struct lh_tuple_slot *slot);
/* top: the held set the key's held_hash is the hash of (tuple_families.h), so that a tuple whose
 * window is full can join its family; NULL when the held set is empty or the key is not made
 * from one (then only the far table). */
bool lh_tuple_cache_put_held(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                             const struct lh_tuple_value *value, const struct lh_tuple_top *top,
                             lh_tuple_keep_fn keep);
static inline bool lh_tuple_cache_put_pruning(struct lh_tuple_cache *c,
                                              const struct lh_tuple_key *key,
                                              const struct lh_tuple_value *value,
                                              lh_tuple_keep_fn keep) {
  return lh_tuple_cache_put_held(c, key, value, 0, keep);
}
/* Whether the next put rebuilds the table (and so calls keep on every entry). */
static inline bool lh_tuple_cache_will_rebuild(const struct lh_tuple_cache *c) {
  return (c->n + 1) * 2 > c->cap;
}
static inline bool lh_tuple_cache_put(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                                      const struct lh_tuple_value *value) {
  return lh_tuple_cache_put_pruning(c, key, value, 0);
}
void lh_tuple_cache_clear(struct lh_tuple_cache *c);

/* Far tuples that are hit often move to their near window. A window full of a lock's other
 * tuples, or of its neighbours' (sqlite3's static mutexes lie 40 bytes apart, 2.5 slots), sends
 * every later tuple of that address to the far table, hot or not: sqlite3's memory mutex went
 * there for half of its 207,842 acquisitions, 8 near probes and a far look-up, 210 instructions
 * where a near hit costs 40 (docs/benchmarks.md, section 5). So every LH_TUPLE_PROMOTE_EVERY-th
 * far hit of a thread is sampled, and a tuple sampled twice in a row (lh_tuple_far_hit) moves
 * into its window, in the place of a tuple that goes to the far table: one whose own window is
 * full, so that its look-ups still end in the far table, and no slot is freed, so that a window
 * with a free slot still proves a tuple absent. A tuple that takes a large share of the far hits
 * is soon sampled twice in a row; a thousand tuples hit in turn (memcached's LRU lock under each
 * item lock) seldom are, and do not pay a promotion (some 1,000 instructions) every 16 hits. */
#define LH_TUPLE_PROMOTE_EVERY 16

/* Counts a far hit of (addr, fp), or a family member's; whether it should promote its tuple. */
static inline bool lh_tuple_far_hit(struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp) {
  struct lh_tuple_far *f = c->far;
  if (__builtin_expect(!f, 0)) return false; /* families only: no far table to count in yet */
  if (__builtin_expect(++f->hits % LH_TUPLE_PROMOTE_EVERY != 0, 1)) return false;
  uint64_t key = lh_tuple_far_key(addr, fp), last = f->sampled;
  f->sampled = key;
  return key == last;
}

/* Moves the far tuple (addr, fp) into its near window; its near slot, or NULL when the tuple is
 * not in the far table, its window has a free slot, or memory ran out (the tables then as they
 * were, but for a record that no slot may point at, dropped at the next rebuild). Far records
 * returned before may move. */
struct lh_tuple_slot *lh_tuple_cache_promote_held(struct lh_tuple_cache *c, uintptr_t addr,
                                                  uint64_t fp, const struct lh_tuple_top *top);
/* A family member (tuple_families.h) moves the same way, given the held set it was made under
 * (top; NULL: the far table only); it leaves its family. */
static inline struct lh_tuple_slot *lh_tuple_cache_promote(struct lh_tuple_cache *c, uintptr_t addr,
                                                           uint64_t fp) {
  return lh_tuple_cache_promote_held(c, addr, fp, 0);
}

#endif
