/* recorder.h - the events the wrappers report, and the lock that guards lockhound's tables.
 *
 * The wrappers know pthread types; everything behind this interface knows only addresses, lock
 * kinds and modes. For a blocking acquisition a wrapper calls lh_lock_request *before* the real
 * call (so that a run which then really deadlocks has already recorded the acquisition that
 * closes the cycle) and lh_lock_acquired after it succeeds; a trylock calls both after success.
 *
 * Fast path (nothing new): a thread-local look-up of the lock id, a scan of the held set for
 * re-entry, a probe of the thread's tuple cache, a push on the held set: no global lock, no
 * allocation, no stack walk. Slow path (a new lock, a new tuple): the recorder lock, a stack
 * walk, records appended to the run file. */
#ifndef LH_RECORDER_H
#define LH_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "held_locks.h"
#include "lock_registry.h"

enum lh_acq_flags { LH_ACQ_TRY = 1, LH_ACQ_TIMED = 2, LH_ACQ_COND = 4 };

struct lh_acquire {
  uintptr_t addr;
  uint32_t lock;
  uint32_t stack;
  uint8_t mode;
  bool again; /* the caller already holds it (recursive mutex, read lock): no new tuple */
};

/* False before the constructor finished and after the destructor: wrappers pass through. */
extern bool lh_enabled;

void lh_recorder_lock(void);
void lh_recorder_unlock(void);

void lh_lock_request(struct lh_acquire *a, const void *obj, uint8_t kind, uint8_t mode,
                     uint8_t flags, uintptr_t pc);
void lh_lock_acquired(const struct lh_acquire *a);
void lh_lock_released(const void *obj);

void lh_fork_prepare(void);
void lh_fork_parent(void);
void lh_fork_child(void);

#endif
