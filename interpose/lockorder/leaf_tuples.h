/* leaf_tuples.h - acquisition tuples kept back while their lock is a *leaf*.
 *
 * A lock-order cycle passes through a lock only if some thread held it while acquiring another:
 * a lock that is only ever acquired with others held (a leaf: the per-object mutex under a table
 * lock, a million of them) has edges into it and none out, so its tuples cannot be part of any
 * cycle. Writing one `lock` and one `acq` record per leaf instance made the run file grow with
 * the number of lock instances (a million locks from ten sites: 252 MB). Instead:
 *   - the first leaf of a *class* (kind, attributes, init or first-use site) to be taken with a
 *     given *shape* (the tuple without its lock: thread, segment, mode, flags, site, held set with
 *     sites; interned, so a million leaves taken the same way share one) is written at once, as
 *     before: it stands for the others, and a crash loses nothing of the lock graph's shape;
 *   - a later leaf of the same class taken with the same shape only keeps the shape back, in
 *     memory, on its lock record;
 *   - when such a lock is held while another is acquired, it is a leaf no more: its kept-back
 *     tuples are written at once, before that acquisition's own tuple (so that a run that then
 *     really deadlocks has recorded both);
 *   - when it is destroyed while still a leaf, or the run ends, they are dropped: they can close
 *     no cycle, and their pair is in the file already.
 * The run file thus grows with the distinct (lock site, tuple) pairs, not with lock instances; a
 * leaf in the graph stays a leaf, so no cycle appears or disappears. Limits: `lockhound graph`
 * shows one lock per class of leaves taken the same way; merged with other runs (`lockhound
 * report` over several files), a kept-back leaf of one run that would have been the same lock as
 * a non-leaf of another run (a global lock: same module offset and generation) is missing there -
 * only locks of the same class as one written do, so this matters for heap locks, which merge by
 * site and rank only. Owned by the recorder lock. */
#ifndef LH_LEAF_TUPLES_H
#define LH_LEAF_TUPLES_H

#include <stdint.h>

/* The calling thread's current tuple (its held set, segment, the acquisition's mode, flags and
 * site stack) as an interned shape id; UINT32_MAX when memory runs out. */
uint32_t lh_leaf_shape_here(uint8_t mode, uint8_t flags, uint32_t stack);
/* Writes the `acq` record of shape for lock (and the thread, lock and stacks it names). */
void lh_leaf_write(uint32_t shape, uint32_t lock);
/* A total order on shapes for building class keys (shape ids are dense). */
uint32_t lh_leaf_shape_count(void);

#endif
