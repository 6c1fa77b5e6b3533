/* race_cache.h - a thread's direct-mapped cache in front of a global table, sized to its use.
 *
 * The race detector's per-thread caches (race_stacks.c: (parent, pc) -> stack node;
 * race_contexts.c: (lockset, stack, op) -> context) answer most look-ups without the global
 * table's spinlock. A fixed 4,096 entries (64 KiB) made every thread pay for the largest working
 * set: a hash spreads even a few dozen entries over most of the 16 pages, and memory_heavy's five
 * threads had some 200 KiB of such pages resident, its memory then just over issue 11's 2x. So a
 * cache starts at one page (LH_RCACHE_MIN_BITS) and doubles, emptied (it is only a cache), each
 * time its misses since it was made reach four times its entries, up to LH_RCACHE_MAX_BITS: a
 * working set that fits stops missing after its first look-ups and never grows it; one that does
 * not fit grows it within a few thousand look-ups. The table is a mapping of its own, resident
 * only where written, and never the program's malloc (which race mode tracks).
 *
 * Owned by one thread; no atomics. Both users' entries are 16 bytes, so the first table is one
 * page; larger entries would make it larger, nothing else. */
#ifndef LH_RACE_CACHE_H
#define LH_RACE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define LH_RCACHE_MIN_BITS 8  /* 256 entries of 16 bytes: one page */
#define LH_RCACHE_MAX_BITS 12 /* 4,096: 64 KiB */

struct lh_rcache {
  void *entries; /* 1 << bits of them; NULL until the first look-up */
  uint32_t bits;
  uint32_t shift;  /* 64 - bits: what takes an entry's index from the top of a hash */
  uint32_t misses; /* since entries was made */
};

/* Maps the cache's table (at its first look-up, and after it grew); NULL when memory ran out. */
void *lh_rcache_make(struct lh_rcache *c, size_t size);

/* The entry that hash maps to, zeroed when new; NULL when memory ran out (the caller then asks
 * its global table). */
static inline void *lh_rcache_slot(struct lh_rcache *c, uint64_t hash, size_t size) {
  if (__builtin_expect(!c->entries, 0) && !lh_rcache_make(c, size)) return NULL;
  return (char *)c->entries + (hash >> c->shift) * size;
}

/* Counts a miss; the cache may grow, so an entry from lh_rcache_slot is stale after it: take it
 * again. */
void lh_rcache_missed(struct lh_rcache *c, size_t size);
void lh_rcache_free(struct lh_rcache *c, size_t size);

#endif
