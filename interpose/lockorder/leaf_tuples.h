/* leaf_tuples.h - acquisition tuples kept back while their edges lie on no cycle.
 *
 * A lock-order cycle passes through a tuple (thread T acquires l while holding h1..hn) only if
 * one of its edges hi -> l lies on a cycle of the *instance* lock graph (a nontrivial strongly
 * connected component): a leaf lock (never held while another is taken) is the simplest case of
 * a lock on no cycle, a chain of nested pairs (i, i+1) over a million locks another. Writing one
 * `lock` and one `acq` record per such tuple made the run file grow with the number of lock
 * instances (a million locks from ten sites: 252 MB). Instead:
 *   - a tuple's *pair* is the class of its lock (kind, attributes, init or first-use site) and its
 *     *pattern*: the tuple without its thread, segment and lock ids (mode, flags, site, and the
 *     held set as (class, site, mode)), interned: a million chained locks taken the same way
 *     share one pair;
 *   - the first tuple of each pair is written at once, as before: it stands for the others, and a
 *     crash loses nothing of the lock graph's shape;
 *   - every tuple's edges go into the lock graph (lock_order.h), written or not, but a try's:
 *     it never waits, so it orders nothing (the analyzer ignores it too), and is written only as
 *     the first of its pair (memcached's LRU maintainer tries item locks under an LRU lock that
 *     workers take under each item lock: as edges, those tries put every item lock on a cycle);
 *   - a later tuple of a pair already written whose edges lie on no cycle of the graph is kept
 *     back, in memory, on one of its edges (its shape - the tuple without its lock ids, interned
 *     - and its lock ids: a few words);
 *   - the moment a new edge closes a cycle, every kept-back tuple acquiring a lock of the new
 *     component is written, before the new acquisition's own record: what is kept back never
 *     closes a cycle, so a real deadlock right after, or a SIGKILL, loses nothing that could form
 *     one. Edges inside a cyclic component are written as they come;
 *   - a lock destroyed that can be on no cycle any more (no edge in, or none out) leaves the graph
 *     with its edges, and the tuples kept back on them are dropped (their pair is in the file);
 *     the rest are dropped when the run ends;
 *   - tuples naming a lock that another process may share (pshared, or in a MAP_SHARED mapping)
 *     are always written, but for tries (above): a process lockhound does not see could close
 *     the cycle;
 *   - when a search of the graph runs past its budget (its own, or the run's: lock_order.h),
 *     whether the edge closed a cycle is unknown: every kept-back tuple whose lock is not a leaf
 *     (has an out-edge) is written, and from then on only leaves' tuples are kept back, each
 *     written the moment its lock is held over another (the scheme before the graph searched):
 *     never lose a tuple to save time. Out of memory, everything is written and nothing kept.
 * The run file thus grows with the distinct (lock site, held site) pairs, not with lock instances,
 * and every cycle's tuples are in it, so no finding appears or disappears.
 * Limits: `lockhound graph` shows one lock (per pair) of the locks kept back; merged with other
 * runs (`lockhound report` over several files), a kept-back tuple of one run that would have made
 * a cycle with tuples of another run is missing there - cycles across runs are found only among
 * written tuples, which matters for global locks (merged by module offset and generation) and
 * heap locks (merged by site and rank). A fork child starts with its parent's graph (its edges
 * may close a cycle with the child's) but none of its kept-back tuples (the parent's file holds
 * or drops them). Owned by the recorder lock. */
#ifndef LH_LEAF_TUPLES_H
#define LH_LEAF_TUPLES_H

#include <stdint.h>

/* The calling thread's acquisition of lock (mode, flags, site stack) with its current held set
 * (not empty): written, or kept back. */
void lh_leaf_record(uint32_t lock, uint8_t mode, uint8_t flags, uint32_t stack);
/* A lock's node of the graph whose lock is gone (lock_registry.c). */
void lh_leaf_lock_gone(uint32_t node);
/* A new run file (a fork child's, or after a failed exec): it has no pair yet. */
void lh_leaf_start_afresh(void);
/* In a fork child, before the above: the kept-back tuples are the parent's threads' (the forking
 * thread records its own again: its tuple cache is emptied), the parent's file holds or drops
 * them. After a failed exec they stay: the same threads may still close a cycle with them. */
void lh_leaf_fork_child(void);

#endif
