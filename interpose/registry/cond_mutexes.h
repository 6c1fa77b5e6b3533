/* cond_mutexes.h - which mutex each condition variable is used with, as its waits showed, for
 * pthread_cond_signal/broadcast to ask without a lock (misuse.h: cond-signal-unlocked).
 *
 * Algorithm: a direct-mapped table of LH_COND_MUTEX_SLOTS (condvar, mutex) pairs indexed by a
 * hash of the condvar's address. Waits write their pair (serialised by the recorder lock, on the
 * wait's slow path); a signal reads key, mutex, key again with atomic loads and believes the
 * mutex only when the key did not change. A destroy of the condvar clears its slot.
 *
 * Limits: a cache that forgets (two condvars on one slot: the later wins, and a signal of the
 * other finds nothing), never one that invents. A mutex destroyed while its condvar lives on is
 * still named here (forgetting it would cost every mutex destroy a scan of the table): a signal
 * then reads memory that is no mutex any more, which at worst gives a wrong note. The memory must
 * still be mapped: heap memory is; a mutex in a mapping the program unmapped would fault. */
#ifndef LH_COND_MUTEXES_H
#define LH_COND_MUTEXES_H

#include <stdint.h>

#define LH_COND_MUTEX_SLOTS 1024 /* a power of two */

/* Under the recorder lock: cond is waited on with mutex. */
void lh_cond_mutex_set(const void *cond, const void *mutex);
/* Under the recorder lock: cond is destroyed. */
void lh_cond_mutex_forget_cond(const void *cond);
/* From any thread, no lock: the mutex cond's waits used, 0 if unknown. */
uintptr_t lh_cond_mutex_get(const void *cond);

#endif
