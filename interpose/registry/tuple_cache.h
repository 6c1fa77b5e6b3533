/* tuple_cache.h - the acquisitions one thread has already recorded.
 *
 * The hot path of every lock call asks "has this thread already recorded this acquisition
 * tuple?" The key is what makes a tuple distinct (docs/run-file-format.md, `acq`): segment,
 * the lock's address, mode, flags, the call site (the wrapper's return address) and the hash of
 * the held set. The value is everything the hot path then needs, so that one probe replaces
 * every other look-up: the lock's id, the stack id recorded for the tuple (it becomes the held
 * entry's site), the held entry's hash, whether the caller already holds the lock, and the
 * address epoch (lock_cache.h) under which the lock id was valid — a lock destroyed and created
 * again at the same address changes the epoch, and the entry no longer counts.
 *
 * Two open-addressing tables, power-of-two capacities:
 *   - the near table is indexed by the lock's address only, so that locks next to each other in
 *     memory have their tuples next to each other in the table: a program that walks an array of
 *     100,000 mutexes walks the table in order too, from cache lines and pages it has just used,
 *     where a hash of the whole key would take a cache and TLB miss per call once the table
 *     outgrows the caches (measured: 11x native instead of 1.5x at 100,000 locks, issue 11). A
 *     4 KiB page of locks maps to a run of 256 slots ((addr >> 4) & 255) at a place hashed from
 *     the page number, so arrays of any stride spread over the table. The tuples of one address
 *     (other call sites, other held sets) are found by linear probing, at most NEAR_PROBES slots;
 *   - a tuple whose near window is full (a lock taken under many different held sets: a log lock
 *     under each of 10,000 account locks) goes to the far table, hashed on the whole key. A window
 *     with a free slot proves the key absent from both (nothing is removed between rebuilds), so
 *     a new tuple costs one window. The far table is an index of 4-byte positions (open
 *     addressing, at most half full) into a dense array of slots, filled in order and grown in
 *     place (lh_table_grow): its memory is what it holds, 64 bytes a tuple plus 8 of index,
 *     where a table of whole slots at half load took 128 to 256 bytes a tuple, all of them
 *     resident since a hash spreads the writes over every page, and twice that while it grew
 *     (old and new tables at once). memcached's workers reach 50,000 far tuples each (a
 *     statistics or LRU lock under each of its item locks): 8 MiB of far table per worker, 20 of
 *     the 34 MB lockhound added to the server's peak, before (docs/benchmarks.md, section 5).
 *     The price is one more load on a far hit; near hits, the lock fast path of most programs,
 *     do not change.
 * At half load of the near table both are rebuilt: first without the entries the caller's `keep`
 * function rejects (those of locks destroyed since: their addresses will hold other locks, so the
 * entries can never be hit again), then at twice the capacity only if the rest still fills more
 * than a quarter of it. So a thread that goes through millions of short-lived locks at ever new
 * addresses keeps tables the size of what it uses now, at O(1) amortised cost per insertion. A
 * fork child empties its cache. Owned by one thread; never shared, so no atomics. */
#ifndef LH_TUPLE_CACHE_H
#define LH_TUPLE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

/* seg, mode and flags share one word (lh_tuple_meta): the key is built and compared as whole
 * 64-bit words, since narrow stores read back as a wide load stall the store buffer. */
struct lh_tuple_key {
  uint64_t held_hash;
  uintptr_t pc;
  uintptr_t addr;
  uint64_t meta;
};

static inline uint64_t lh_tuple_meta(uint32_t seg, uint8_t mode, uint8_t flags) {
  return (uint64_t)seg | ((uint64_t)mode << 32) | ((uint64_t)flags << 40);
}

static inline uint8_t lh_tuple_flags(const struct lh_tuple_key *k) {
  return (uint8_t)(k->meta >> 40);
}

struct lh_tuple_value {
  uint64_t entry_hash;
  uint32_t lock;
  uint32_t stack;
  uint32_t epoch;
  bool again;
  uint16_t code_gen; /* low bits of the stack epoch the stack was taken in (stack_capture.h) */
};

struct lh_tuple_slot {
  struct lh_tuple_key key;
  struct lh_tuple_value value;
  bool used;
};

#define LH_TUPLE_NEAR_PROBES 8

/* The far table, on the heap (made at the first overflow): index[hash & (index_cap - 1)] and on
 * by linear probing holds 1 + the position of a key's slot in entries, 0 where free. */
struct lh_tuple_far {
  uint32_t *index;
  struct lh_tuple_slot *entries; /* n used, room allocated (zeroed beyond n) */
  uint32_t index_cap, n, room;
};

struct lh_tuple_cache {
  struct lh_tuple_slot *slots; /* near: by address */
  uint32_t cap, n;             /* n counts both tables' entries */
  struct lh_tuple_far *far;    /* overflow: by the whole key; NULL until needed */
};

static inline uint64_t lh_tuple_key_hash(const struct lh_tuple_key *k) {
  uint64_t h = k->held_hash ^ (k->addr * 0x9e3779b97f4a7c15ull) ^ (k->pc * 0xff51afd7ed558ccdull);
  h ^= k->meta * 0xc4ceb9fe1a85ec53ull;
  /* The high half: products mix every input bit upwards, while the low bits of aligned
   * addresses and call sites barely vary (indexing by them made one probe in four collide). */
  return h >> 32;
}

static inline bool lh_tuple_key_eq(const struct lh_tuple_key *a, const struct lh_tuple_key *b) {
  return a->held_hash == b->held_hash && a->pc == b->pc && a->addr == b->addr && a->meta == b->meta;
}

/* The first slot of an address's window in a near table of capacity cap. */
static inline uint32_t lh_tuple_near_index(uintptr_t addr, uint32_t cap) {
  uint32_t page = (uint32_t)(((uint64_t)(addr >> 12) * 0x9e3779b97f4a7c15ull) >> 40);
  return ((page << 8) + (uint32_t)((addr >> 4) & 0xff)) & (cap - 1);
}

struct lh_tuple_slot *lh_tuple_cache_get_far(const struct lh_tuple_cache *c,
                                             const struct lh_tuple_key *key);

/* The slot for key, or NULL when the key is new. */
static inline struct lh_tuple_slot *lh_tuple_cache_get(const struct lh_tuple_cache *c,
                                                       const struct lh_tuple_key *key) {
  if (__builtin_expect(c->cap == 0, 0)) return 0;
  uint32_t i = lh_tuple_near_index(key->addr, c->cap);
  for (int p = 0; p < LH_TUPLE_NEAR_PROBES; p++, i = (i + 1) & (c->cap - 1)) {
    if (!c->slots[i].used) return 0; /* a free slot in the window: absent from both tables */
    if (lh_tuple_key_eq(&c->slots[i].key, key)) return &c->slots[i];
  }
  return lh_tuple_cache_get_far(c, key);
}

/* Remembers key -> value (replacing an older value); false when memory runs out (the tuple is
 * then recorded again the next time, which is harmless: the analyzer deduplicates). When the
 * table is rebuilt, entries for which keep (if not NULL) returns false are dropped. */
typedef bool (*lh_tuple_keep_fn)(const struct lh_tuple_slot *slot);
bool lh_tuple_cache_put_pruning(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                                const struct lh_tuple_value *value, lh_tuple_keep_fn keep);
/* Whether the next put rebuilds the table (and so calls keep on every entry). */
static inline bool lh_tuple_cache_will_rebuild(const struct lh_tuple_cache *c) {
  return (c->n + 1) * 2 > c->cap;
}
static inline bool lh_tuple_cache_put(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                                      const struct lh_tuple_value *value) {
  return lh_tuple_cache_put_pruning(c, key, value, 0);
}
void lh_tuple_cache_clear(struct lh_tuple_cache *c);

#endif
