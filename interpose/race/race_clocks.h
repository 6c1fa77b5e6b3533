/* race_clocks.h - vector clocks, and the clocks that synchronisation addresses carry.
 *
 * A thread's vector clock (race_thread.h) says, for every thread slot u, up to which epoch of u
 * everything happens before the thread's present. An access stored with (slot u, epoch e) happens
 * before the current thread T when e <= T.vc[u] (FastTrack's epoch test).
 *
 * Synchronisation addresses (atomics, semaphores, condvars, barriers, once controls, monitor
 * mutexes, and synthetic keys for thread create/exit) each carry a clock, in a hash table split
 * into stripes, each behind its own spinlock: a release joins the thread's clock into the
 * address's, then the thread starts a new epoch; an acquire joins the address's clock into the
 * thread's. A mutex gets a clock only once it acts as a monitor (docs/races.md).
 *
 * Limits: clocks grow with the number of threads ever created (4 bytes each); sync entries are
 * never freed (an address reused for something else keeps its clock: at worst an extra order, so a
 * missed race, never a false one). */
#ifndef LH_RACE_CLOCKS_H
#define LH_RACE_CLOCKS_H

#include <stdbool.h>
#include <stdint.h>

#include "race/race_thread.h"

/* Synthetic keys: never addresses of the program (above the canonical user range). */
#define LH_SYNC_THREAD_EXIT(id) ((uintptr_t)0xffff000000000000ull | (uint32_t)(id))

/* In a fork child: threads with a smaller slot belong to the parent process and are gone; all
 * they did happens before the child (0: not a fork child). Set once, before any other thread. */
extern uint32_t lh_race_forked_below;

/* Makes r->vc hold at least `need` entries (new ones zero); false when memory runs out. */
bool lh_vc_reserve(struct lh_race_thread *r, uint32_t need);
/* r->vc = max(r->vc, v[0..n)). */
void lh_vc_join(struct lh_race_thread *r, const uint32_t *v, uint32_t n);
/* After the thread published its clock: the accesses it makes next are in a new epoch. */
void lh_vc_new_epoch(struct lh_race_thread *r);

void lh_sync_acquire(struct lh_race_thread *r, uintptr_t key);
/* Acquire, then drop the address's clock: for a sync address acquired at most once (the exit of a
 * thread, which only one join can take), so that its clock does not outlive its use. r may be
 * NULL (a joiner that is not checked): the clock is only dropped. */
void lh_sync_acquire_last(struct lh_race_thread *r, uintptr_t key);
/* store: the address's clock becomes the thread's (instead of the join of both). */
void lh_sync_release(struct lh_race_thread *r, uintptr_t key, bool store);
/* A mutex that is a monitor (used with a condition variable) orders like a sync address. */
void lh_sync_mark_monitor(uintptr_t key);
/* Acquire/release only if key is a monitor. */
void lh_sync_monitor_acquire(struct lh_race_thread *r, uintptr_t key);
void lh_sync_monitor_release(struct lh_race_thread *r, uintptr_t key);

/* Barriers: one clock per round, so that what a thread does after round r is not ordered with
 * what another does before round r + 1 (a missing second barrier is a race). init gives the
 * count; arrive releases into the clock of the thread's round (returned), leave acquires it. */
#define LH_SYNC_NO_ROUND UINT64_MAX
void lh_sync_barrier_init(uintptr_t b, unsigned count);
uint64_t lh_sync_barrier_arrive(struct lh_race_thread *r, uintptr_t b);
void lh_sync_barrier_leave(struct lh_race_thread *r, uintptr_t b, uint64_t round);

/* Around fork: holds (lock) or frees every stripe, so the child never inherits a taken one. */
void lh_sync_fork_lock(bool lock);

#endif
