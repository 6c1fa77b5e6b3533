/* lock_cache.h - each thread's cache of "address -> lock id".
 *
 * Every lock call needs the lock's id; asking the global registry would mean a global lock on
 * the hot path. Instead each thread keeps a small direct-mapped cache. A destroyed lock must
 * never be found again under its old id, so the registry bumps a global epoch counter for the
 * address's bucket on destroy and re-init (lh_lock_epochs), and a cache entry is valid only
 * while its bucket's epoch is unchanged: one relaxed load of a rarely written cache line. */
#ifndef LH_LOCK_CACHE_H
#define LH_LOCK_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#define LH_LOCK_CACHE_SIZE 128 /* entries per thread, power of two */
/* Global epoch buckets, a power of two: one page. Every lock's init and destroy bumps one, at
 * addresses the hash spreads, so a program with short-lived locks (pigz: one per job) writes every
 * page of the array; more buckets would only make fewer cache entries stale at each bump. */
#define LH_LOCK_EPOCHS 1024

struct lh_lock_cache_entry {
  uintptr_t addr;
  uint32_t id;
  uint32_t epoch;
};

struct lh_lock_cache {
  struct lh_lock_cache_entry e[LH_LOCK_CACHE_SIZE];
};

/* Written under the recorder lock (lock_cache.c), read by every thread without it. */
extern uint32_t lh_lock_epochs[LH_LOCK_EPOCHS] __attribute__((visibility("hidden")));

/* Under the recorder lock: the lock at addr was destroyed or initialised again - every thread's
 * cache entry for it (and for the other addresses of its bucket) is stale. */
void lh_lock_epoch_bump(uintptr_t addr);
/* Under the recorder lock: code was unloaded, so the sites of cached tuples may mean other code -
 * every cache entry is stale. */
void lh_lock_epochs_bump_all(void);

static inline uint32_t lh_addr_hash(uintptr_t addr) {
  uint64_t h = (uint64_t)addr * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 40);
}

static inline uint32_t lh_lock_epoch_of(uintptr_t addr) {
  return __atomic_load_n(&lh_lock_epochs[lh_addr_hash(addr) & (LH_LOCK_EPOCHS - 1)],
                         __ATOMIC_ACQUIRE);
}

static inline struct lh_lock_cache_entry *lh_lock_cache_hit(struct lh_lock_cache *c,
                                                            uintptr_t addr) {
  if (!c) return 0;
  struct lh_lock_cache_entry *e = &c->e[lh_addr_hash(addr) & (LH_LOCK_CACHE_SIZE - 1)];
  if (e->addr == addr && e->epoch == lh_lock_epoch_of(addr)) return e;
  return 0;
}

#endif
