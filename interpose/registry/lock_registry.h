/* lock_registry.h - the identity of every lock the program uses.
 *
 * A lock is identified by its address *and* its generation: destroying a lock and initialising
 * another at the same address (memory freed and reused, an object pool) makes a new lock with a
 * new id, never merged with the old one. Locks initialised statically (PTHREAD_MUTEX_INITIALIZER)
 * are registered at their first use. Where a lock was initialised or first used is kept as one
 * frame, the call site: enough to name the lock, and no stack walk for programs that create many
 * short-lived locks. The registry is a uthash table keyed by address plus a
 * table by id, both owned by the recorder lock; the hot path never reaches it (lock_cache.h).
 *
 * Memory follows the live locks and the written ones, not every lock ever initialised: a lock
 * destroyed (or initialised again) is forgotten unless something may still name it (see retire()
 * in lock_registry.c); a never-written lock's id is handed out again. The run file holds a lock
 * record only for a lock that a tuple, finding or profile names.
 *
 * Limit: memory freed without pthread_*_destroy and reused for a lock without an init call (for
 * instance calloc'd memory used as a PTHREAD_MUTEX_INITIALIZER mutex) keeps the old identity,
 * since lockhound does not see free() in this mode. */
#ifndef LH_LOCK_REGISTRY_H
#define LH_LOCK_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/vocabulary.h"

/* glibc's x86 spinlock counts down from 1 (free) to 0 (taken); the generic one is 0 when free. */
static inline bool lh_spin_is_free(int value) {
#if defined(__x86_64__) || defined(__i386__)
  return value > 0;
#else
  return value == 0;
#endif
}

/* The id of the lock at obj, from the calling thread's cache or else the registry (which
 * registers it as statically initialised, first used at pc, when it is new). */
uint32_t lh_lock_id(const void *obj, uint8_t kind, uintptr_t pc);
/* After a successful init call at pc: a new lock at obj, replacing any earlier one there. */
void lh_lock_initialised(const void *obj, uint8_t kind, uintptr_t pc);
/* After a successful destroy call made at pc. */
void lh_lock_destroyed(const void *obj, uintptr_t pc);
/* Under the recorder lock: writes the lock's record (and its stack) if not yet written. */
void lh_lock_ensure_written(uint32_t id);
/* Under the recorder lock: how many locks were registered so far (each lock the program used,
 * a lock initialised again at the same address counted again), written or not. */
uint64_t lh_locks_made(void);
/* Under the recorder lock: whether the lock registered at addr is still lock id, alive. */
bool lh_lock_is_live(uintptr_t addr, uint32_t id);
/* Under the recorder lock, for leaf_tuples.c: ---- */
#define LH_NO_CLASS UINT32_MAX
/* The lock's class (kind, attributes, init or first-use site), interned; LH_NO_CLASS if unknown. */
uint32_t lh_lock_class(uint32_t id);
/* The lock's node in the lock graph, which the registry keeps for leaf_tuples.c without knowing
 * the graph (LH_LOCK_NO_NODE: none yet, or the lock is unknown or gone). */
#define LH_LOCK_NO_NODE UINT32_MAX
uint32_t lh_lock_node(uint32_t id);
void lh_lock_set_node(uint32_t id, uint32_t node);
/* When a lock with a node goes (destroyed, or initialised again) and nothing names it any more,
 * the registry hands the node to gone (the lock graph may drop it); passed once at start-up, by
 * lifecycle.c. */
void lh_locks_on_retire(void (*gone)(uint32_t node));
/* A kept-back tuple names the lock: its id and record stay until the matching unref. */
void lh_lock_ref(uint32_t id);
void lh_lock_unref(uint32_t id);
/* The lock may be shared with another process (pshared, or in a MAP_SHARED mapping), which can
 * close a cycle lockhound does not see: its tuples are never kept back. */
bool lh_lock_may_be_shared(uint32_t id);
/* Under the recorder lock: the identity of the object backing the lock's shared mapping
 * (shared_mappings.h), false when it has none (not in a shared mapping, or an unknown id). */
struct lh_backing;
bool lh_lock_backing(uint32_t id, struct lh_backing *out);
/* In a fork child, under the recorder lock: the new run file has no lock records yet. */
void lh_locks_mark_unwritten(void);

/* From now on some engine keeps lock ids of any age (the contention profile, written at exit;
 * the race detector's locksets): a destroyed lock is never forgotten. */
void lh_locks_named_forever(void);

#endif
