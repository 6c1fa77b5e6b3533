/* cond_mutexes.h - which mutex each condition variable is used with, as its waits showed, for
 * pthread_cond_signal/broadcast to ask without a lock (misuse.h: cond-signal-unlocked).
 *
 * Algorithm: a table of (condvar, mutex) pairs, open addressing in a window of
 * LH_COND_MUTEX_WINDOW slots from a hash of the condvar's address. Waits write their pair
 * (serialised by the recorder lock, on the wait's slow path) in the slot that holds their condvar
 * or a free one; a signal reads key, mutex, key again with atomic loads and believes the mutex
 * only when the key did not change. A destroy of the condvar clears its slot.
 *
 * Two levels, for memory (a hash spreads condvars over every page of a table): the first is one
 * page (LH_COND_MUTEX_SMALL pairs, in .bss); the first wait that finds its window there full of
 * other condvars maps the second (LH_COND_MUTEX_LARGE pairs, 64 KiB, resident only where
 * written). From then on waits write the second level and clear their condvar from the first; a
 * signal asks the second, then the first. (A direct-mapped first level overflowed at the first
 * two condvars on one slot: pigz's two dozen did, and its waits then wrote 48 KiB of the second.)
 *
 * Limits: a cache that forgets (a window of the second level full of other condvars: the wait
 * takes the window's first slot, and a signal of the condvar it held finds nothing), never one
 * that invents. A condvar freed without a destroy keeps its slot (the first level fills sooner).
 * A mutex destroyed while its condvar lives on is still named here (forgetting it would cost
 * every mutex destroy a scan of the table): a signal then reads memory that is no mutex any
 * more, which at worst gives a wrong note. The memory must
 * still be mapped: heap memory is; a mutex in a mapping the program unmapped would fault. */
#ifndef LH_COND_MUTEXES_H
#define LH_COND_MUTEXES_H

#include <stdbool.h>
#include <stdint.h>

#define LH_COND_MUTEX_SMALL 256  /* one page of pairs; a power of two */
#define LH_COND_MUTEX_LARGE 4096 /* a power of two */
#define LH_COND_MUTEX_WINDOW 8

/* Under the recorder lock: cond is waited on with mutex. */
void lh_cond_mutex_set(const void *cond, const void *mutex);
/* Under the recorder lock: cond is destroyed. */
void lh_cond_mutex_forget_cond(const void *cond);
/* From any thread, no lock: the mutex cond's waits used, 0 if unknown. */
uintptr_t lh_cond_mutex_get(const void *cond);
/* Whether the second level is mapped (for tests). */
bool lh_cond_mutex_large(void);

#endif
