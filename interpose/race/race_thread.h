/* race_thread.h - what the race detector keeps per thread, inside lh_self (thread_state.h).
 *
 * - The shadow call stack: one frame per instrumented function being run, its caller's return
 *   address and, computed only when an access needs its stack, the id of the stack up to it
 *   (race_stacks.h). Grown on the heap without a fixed cap.
 * - The vector clock: vc[u] is the latest epoch of thread u that happens before this thread's
 *   present; vc[own slot] is its own epoch, which grows at each release.
 * - Caches that keep the access fast path free of global tables: the lockset id of the current
 *   held set, and the id of the current access stack.
 * Owned by its thread; only the thread itself reads or writes it. */
#ifndef LH_RACE_THREAD_H
#define LH_RACE_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "race/race_cache.h"
#include "race/race_shadow.h"

struct lh_race_frame {
  uintptr_t pc;  /* the return address into the caller of the function entered */
  uint32_t node; /* race stack id of the frames up to this one, 0: not computed yet */
};

struct lh_race_thread {
  struct lh_race_frame *frames;
  uint32_t depth, cap; /* depth may exceed cap when memory ran out: frames past cap are lost */
  uint32_t slot;       /* index in vector clocks (the lockhound thread id); valid when tracked */
  bool tracked;        /* false: not yet seen an access, or gave_up */
  bool gave_up;        /* too many threads (slots are 13 bits) or epochs used up: not checked */
  bool counted;        /* counted in lh_race_live_threads (race.h) until its end */
  int busy;            /* >0 inside the detector: a signal handler's events are dropped */
  uint32_t *vc;
  uint32_t vc_len;
  uint64_t ls_hash; /* the held set's hash for which lsid is valid */
  uint32_t lsid;    /* lockset id of the held set (0: no locks) */
  bool ls_valid;
  struct lh_rcache stack_cache; /* (parent, pc) -> stack id (race_stacks.c) */
  uint64_t reported;            /* races this thread reported (for tests and the run's summary) */
  bool dirty;                   /* a cell was stored in the current epoch */
  bool pending;                 /* released while clean: start a new epoch before the next store */
  uint32_t last_ctx, last_ctx_lsid; /* the context of the last store and its lockset */
  /* The slot, epoch and lockless bits of this thread's cells now (race_shadow.h), or 0 when the
   * inline fast path must not run (not tracked, or a new epoch is pending). Kept by
   * lh_race_rebase at every change of those. */
  uint64_t cell_base;
};

/* Recomputes cell_base after the slot, the epoch, tracked or pending changed. */
static inline void lh_race_rebase(struct lh_race_thread *r) {
  r->cell_base = r->tracked && !r->pending && r->slot < r->vc_len
                     ? (uint64_t)r->slot << LH_CELL_SLOT_SHIFT |
                           (uint64_t)r->vc[r->slot] << LH_CELL_EPOCH_SHIFT | LH_CELL_LOCKLESS
                     : 0;
}

struct lh_race_thread;
void lh_race_frames_grow(struct lh_race_thread *r, uintptr_t caller_pc);

#endif
