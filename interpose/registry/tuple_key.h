/* tuple_key.h - what makes an acquisition tuple distinct, and what a thread remembers of one.
 *
 * The key (segment, lock address, mode, flags, call site, held set), its 64-bit fingerprint, the
 * hash of the held entry an acquisition pushes, and the value the lock fast path needs: shared by
 * the tuple cache (tuple_cache.h) and the families that hold part of its overflow
 * (tuple_families.h). Header only. */
#ifndef LH_TUPLE_KEY_H
#define LH_TUPLE_KEY_H

#include <stdbool.h>
#include <stdint.h>

/* What a look-up is made from: seg, mode and flags share one word (lh_tuple_meta). The table does
 * not store it whole: a slot keeps the address and a fingerprint of the rest (lh_tuple_fp). */
struct lh_tuple_key {
  uint64_t held_hash;
  uintptr_t pc;
  uintptr_t addr;
  uint64_t meta;
};

static inline uint64_t lh_tuple_meta(uint32_t seg, uint8_t mode, uint8_t flags) {
  return (uint64_t)seg | ((uint64_t)mode << 32) | ((uint64_t)flags << 40);
}

/* The held set's hash, the call site and the meta word in one word. The held-set hash is already
 * a sum of 64-bit mixes (held_locks.h), and for a given site and meta word the fingerprint is a
 * one-to-one function of it: two tuples of one address share a fingerprint with the odds of two
 * held sets sharing a hash, about 2^-64, which is what makes the fingerprint stand for the key. */
static inline uint64_t lh_tuple_fp(uint64_t held_hash, uintptr_t pc, uint64_t meta) {
  return held_hash ^ (pc * 0x9e3779b97f4a7c15ull) ^ (meta * 0xc4ceb9fe1a85ec53ull);
}

/* The hash of the held entry an acquisition pushes (held_locks.h: a held set's hash is the sum of
 * its entries'): the acquisition's fingerprint, which names the held set before it, the call site,
 * mode and flags, mixed with the lock's id, which names the lock at that address now (one
 * destroyed and made again there has another). Two held sets then share a hash only when they
 * were built by the same acquisitions, or by chance (about 2^-64); the same locks taken in another
 * order make another hash, which only means another tuple-cache entry. A multiply, where a mix of
 * lock, mode and stack of its own took 19 instructions of every lock call (issue 11). */
static inline uint64_t lh_tuple_entry_hash(uint64_t fp, uint32_t lock) {
  return (fp ^ lock) * 0xbf58476d1ce4e5b9ull;
}

/* What the fast path needs of a recorded tuple: 16 bytes, which keeps a slot at 32, two to a
 * cache line. */
struct lh_tuple_value {
  uint32_t lock;
  uint32_t stack;
  uint32_t epoch;
  uint16_t code_gen; /* low bits of the stack epoch the stack was taken in (stack_capture.h) */
  bool again;
};

/* addr == 0: free. Entries that name no lock (a wait site's stack: blocking.c) have the address
 * LH_TUPLE_NO_ADDR, where no lock can be. */
#define LH_TUPLE_NO_ADDR ((uintptr_t)1)
struct lh_tuple_slot {
  uintptr_t addr;
  uint64_t fp;
  struct lh_tuple_value value;
};
_Static_assert(sizeof(struct lh_tuple_slot) == 32, "two slots to a cache line");

#endif
