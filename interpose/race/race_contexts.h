/* race_contexts.h - what an access was doing: its lockset, stack and kind (a load or store, a
 * free, a use of a synchronisation object), as a small per-thread number.
 *
 * A shadow cell has room for 8 bytes only (race_shadow.h), not for a lockset id and a stack id.
 * So each thread numbers the (lockset, stack, what) triples of its own accesses: context ids, dense from
 * 1, in a table of its own that lives as long as the process (the cells of a thread that ended
 * still name its contexts). The owner appends; any thread reads an entry it found in a cell: the
 * table is made of pages that never move, published with release stores before any cell names
 * them. The owner finds its triples again through a direct-mapped cache; a miss adds an entry (a
 * triple may thus have two ids, which is harmless). The cache goes when the thread ends; its pages
 * (12 bytes a context, in pages that double) stay: cells may still name them.
 *
 * Limit: LH_CTX_MAX contexts per thread; past that, accesses get context 0 ("unknown"), whose races
 * are not reported (an unknown lockset could have protected them). */
#ifndef LH_RACE_CONTEXTS_H
#define LH_RACE_CONTEXTS_H

#include <stdbool.h>
#include <stdint.h>

#define LH_CTX_BITS 17
#define LH_CTX_MAX ((1u << LH_CTX_BITS) - 1)

struct lh_race_ctx {
  uint32_t lsid;
  uint32_t stack;
  uint32_t op; /* enum lh_race_op (race.h): what the access was */
};

/* The calling thread's context id for (lsid, stack, op) in slot's table; 0 when out of room. */
uint32_t lh_ctx_intern(uint32_t slot, uint32_t lsid, uint32_t stack, uint32_t op);
/* The thread of `slot` ended (called by that thread): its cache goes, its contexts stay. */
void lh_ctx_thread_done(uint32_t slot);
/* The context `ctx` of thread `slot`; false when unknown. */
bool lh_ctx_get(uint32_t slot, uint32_t ctx, struct lh_race_ctx *out);
/* Around fork: the table-of-tables lock. */
void lh_ctx_fork_lock(bool take);

#endif
