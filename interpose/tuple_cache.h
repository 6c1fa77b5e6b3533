/* tuple_cache.h - the acquisitions one thread has already recorded.
 *
 * The hot path of every lock call asks "has this thread already recorded this acquisition
 * tuple?" The key is what makes a tuple distinct (docs/run-file-format.md, `acq`): segment,
 * lock, mode, flags, the call site (the wrapper's return address) and the hash of the held set.
 * The value is the stack id recorded for it, which becomes the held entry's site.
 *
 * Open addressing with linear probing, power-of-two capacity, grown at half load; no deletion
 * (tuples are never forgotten, except that a fork child empties its cache). Owned by one
 * thread; never shared, so no atomics. */
#ifndef LH_TUPLE_CACHE_H
#define LH_TUPLE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

struct lh_tuple_key {
  uint64_t held_hash;
  uintptr_t pc;
  uint32_t lock;
  uint32_t seg;
  uint8_t mode;
  uint8_t flags;
};

struct lh_tuple_slot {
  struct lh_tuple_key key;
  uint32_t stack;
  bool used;
};

struct lh_tuple_cache {
  struct lh_tuple_slot *slots;
  uint32_t cap, n;
};

/* The stack id stored for key, or false when the key is new. */
bool lh_tuple_cache_get(const struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                        uint32_t *stack);
/* Remembers key -> stack; false when memory runs out (the tuple is then recorded again the
 * next time, which is harmless: the analyzer deduplicates). */
bool lh_tuple_cache_put(struct lh_tuple_cache *c, const struct lh_tuple_key *key, uint32_t stack);
void lh_tuple_cache_clear(struct lh_tuple_cache *c);

#endif
