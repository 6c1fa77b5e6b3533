/* tuple_families.h - the tuples of a lock taken under each of many locks, kept as sets of lock ids.
 *
 * A lock taken the same way under each of many others (memcached's LRU, statistics and slab
 * locks, each under every one of its item locks, from the same call sites) has tuples that differ
 * only in the lock the thread took last before it: the held set's last entry. Its near window is
 * full at once, and every such tuple went to the far table, 12 bytes and one cache miss a hit:
 * memcached's workers held 56,000 far tuples each, 0.8 to 1.0 MB a worker, and the far look-up
 * was a third of lockhound's time in them (docs/benchmarks.md, section 5).
 *
 * A *family* is the tuples that agree on everything but the last entry's lock id: the lock's
 * address, call site, mode, flags and segment, the hash of the held entries below the last one,
 * and the last entry's own fingerprint (where and how it was taken, and what was held then). Its
 * members are a bitmap over that id, from `base`: lock ids are given in the order locks are first
 * seen, so the locks of an array made in a loop have neighbouring ids (memcached's 1,024 item
 * locks: 128 bytes). A look-up whose near window is full asks the family table (memcached's
 * workers: 1,050 families, 250 KB with their bitmaps, against 0.8-1.0 MB of far slots, so fewer
 * cache misses) and tests one bit, then the far table; a new tuple whose window is full
 * joins its family when its value (lock id, stack, epoch) is the family's and its id lies within
 * LH_FAMILY_SPAN ids of the others', else it goes to the far table as before.
 *
 * A family costs 64 bytes and its bitmap, a far tuple about 15: a family is made only for a key
 * whose bucket of a small counting filter has already seen LH_FAMILY_AFTER tuples go far, so that
 * keys with one or two tuples (a lock taken under one lock at each of many sites) stay in the far
 * table. The first tuples of a family that later forms stay there too; look-ups find them.
 *
 * The key is exact: the family key and the last entry's lock id give back the tuple's
 * fingerprint (lh_tuple_family_member_fp), which a rebuild uses to move a member into its near
 * window when the larger table has room there, as it does with far tuples. A held entry's hash is
 * (fingerprint ^ lock) times an odd number (tuple_key.h, lh_tuple_entry_hash), so the
 * fingerprint comes back from the hash and the lock id with one multiply. Owned by one thread,
 * like the tuple cache whose overflow it holds. */
#ifndef LH_TUPLE_FAMILIES_H
#define LH_TUPLE_FAMILIES_H

#include <stdbool.h>
#include <stdint.h>

#include "registry/tuple_key.h"

/* What a family look-up needs of the held set: its hash, and its last entry's hash and lock id
 * (NULL stands for an empty held set: no family). */
struct lh_tuple_top {
  uint64_t held_hash;
  uint64_t hash;
  uint32_t lock;
};

/* The fingerprint an entry was pushed with, given its hash and lock: lh_tuple_entry_hash undone
 * (the inverse of its odd multiplier modulo 2^64). */
static inline uint64_t lh_tuple_entry_fp(uint64_t hash, uint32_t lock) {
  return (hash * 0x96de1b173f119089ull) ^ lock;
}

/* The family key of the tuple of fingerprint fp under held set t: the fingerprint with the last
 * entry's part (its hash) replaced by a mix of that entry's fingerprint, which does not name its
 * lock. */
static inline uint64_t lh_tuple_family_key(uint64_t fp, const struct lh_tuple_top *t) {
  uint64_t below = t->held_hash - t->hash;
  return fp ^ t->held_hash ^ (below + lh_tuple_entry_fp(t->hash, t->lock) * 0xd6e8feb86659fd93ull);
}

struct lh_tuple_family {
  struct lh_tuple_slot record; /* addr, fp: the family key, and the members' value */
  uint64_t below;              /* the held hash under the last entry */
  uint64_t top_fp;             /* the last entry's fingerprint */
  uint64_t *bits;              /* members: lock id base + i is bit i */
  uint32_t base, words;
};
_Static_assert(sizeof(struct lh_tuple_family) == 64, "one cache line a family");

#define LH_FAMILY_SPAN 65536 /* ids one bitmap may cover: 8 KiB */
#define LH_FAMILY_FILTER 4096
#define LH_FAMILY_AFTER 3 /* far tuples a filter bucket sees before its keys get families */

struct lh_tuple_families {
  struct lh_tuple_family *v; /* open addressing, at most 3/4 full; record.addr 0: free */
  uint32_t cap, n;
  uint32_t members;
  uint8_t filter[LH_FAMILY_FILTER]; /* far tuples seen by bucket of (address, family key) */
};

static inline uint64_t lh_tuple_family_hash(uintptr_t addr, uint64_t key) {
  return (key ^ (addr * 0xff51afd7ed558ccdull)) * 0x9e3779b97f4a7c15ull;
}

static inline bool lh_tuple_family_has(const struct lh_tuple_family *f, uint32_t lock) {
  uint32_t i = lock - f->base; /* below base: wraps to a large number */
  return i < f->words * 64u && (f->bits[i >> 6] >> (i & 63) & 1);
}

/* The family of (addr, key) that has lock id `lock` as a member, or NULL. One key may have
 * several families, one for each value its members have (their stacks: the first one seen at a
 * call site, which differs when the site is reached from elsewhere), all in its probe run. */
static inline struct lh_tuple_family *lh_tuple_family_of(const struct lh_tuple_families *fs,
                                                         uintptr_t addr, uint64_t key,
                                                         uint32_t lock) {
  if (!fs || !fs->cap) return 0;
  uint32_t mask = fs->cap - 1;
  for (uint32_t i = (uint32_t)(lh_tuple_family_hash(addr, key) >> 32) & mask;; i = (i + 1) & mask) {
    struct lh_tuple_family *f = &fs->v[i];
    if (!f->record.addr) return 0;
    if (f->record.addr == addr && f->record.fp == key && lh_tuple_family_has(f, lock)) return f;
  }
}

/* The record of the family that has the tuple (addr, fp) under t as a member, or NULL. */
static inline struct lh_tuple_slot *lh_tuple_family_get(const struct lh_tuple_families *fs,
                                                        uintptr_t addr, uint64_t fp,
                                                        const struct lh_tuple_top *t) {
  struct lh_tuple_family *f = lh_tuple_family_of(fs, addr, lh_tuple_family_key(fp, t), t->lock);
  return f ? &f->record : 0;
}

/* The fingerprint of f's member of lock id `lock`. */
static inline uint64_t lh_tuple_family_member_fp(const struct lh_tuple_family *f, uint32_t lock) {
  uint64_t rest = f->record.fp ^ (f->below + f->top_fp * 0xd6e8feb86659fd93ull); /* pc, meta */
  return rest ^ (f->below + lh_tuple_entry_hash(f->top_fp, lock));
}

/* Makes the tuple (addr, fp) under t, of value v, a member of its family: true when it is one
 * now (c->n then counts it); false when it must go to the far table: its key has not yet been
 * seen going far often enough, its family's value is another, its id is too far from the
 * others', or memory ran out. */
bool lh_tuple_family_join(struct lh_tuple_families **fsp, uintptr_t addr, uint64_t fp,
                          const struct lh_tuple_top *t, const struct lh_tuple_value *v);
/* Takes the member of lock id `lock` out of family f (its value changed: it goes far). */
void lh_tuple_family_leave(struct lh_tuple_families *fs, struct lh_tuple_family *f, uint32_t lock);

/* For a rebuild: each family keep accepts (its record's addr and value; every one when keep is
 * NULL) offers each member to `place_near` (its address and fingerprint, the family's value),
 * which returns true when it took the member into the new near table; the members left stay,
 * the families left without members go. Returns the members kept. */
typedef bool (*lh_tuple_family_keep_fn)(const struct lh_tuple_slot *record);
typedef bool (*lh_tuple_family_place_fn)(void *ctx, uintptr_t addr, uint64_t fp,
                                         const struct lh_tuple_value *v);
uint32_t lh_tuple_families_compact(struct lh_tuple_families *fs, lh_tuple_family_keep_fn keep,
                                   lh_tuple_family_place_fn place_near, void *ctx);
void lh_tuple_families_free(struct lh_tuple_families *fs);

#endif
