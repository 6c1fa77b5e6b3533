/* race_locksets.h - the sets of locks held at accesses, interned to small ids.
 *
 * A shadow cell keeps the lockset of its access as a 32-bit id; id 0 is the empty set. A lockset
 * is the sorted list of (lock id, mode) of a thread's held set. Interning happens only when a
 * thread's held set changed since its last access (the thread caches the id against the held
 * set's hash), under one spinlock; reading a lockset by id takes no lock (ids index a two-level
 * array whose pages, once published, never move).
 *
 * Two accesses are protected by their locksets when some lock is in both and at least one of them
 * held it for writing: two read locks do not exclude each other.
 *
 * Limit: 2^24 distinct locksets; past that, accesses get "unknown", treated as the empty set. */
#ifndef LH_RACE_LOCKSETS_H
#define LH_RACE_LOCKSETS_H

#include <stdbool.h>
#include <stdint.h>

#include "registry/held_locks.h"

struct lh_lockset {
  uint32_t n;
  uint32_t e[]; /* lock id << 1 | 1 for read mode, sorted */
};

uint32_t lh_lockset_intern_held(const struct lh_held_set *h);
/* The lockset with this id; NULL for 0 (empty). */
const struct lh_lockset *lh_lockset_get(uint32_t id);
bool lh_lockset_protects(uint32_t a, uint32_t b);

void lh_lockset_fork_lock(bool take);

#endif
