/* race_stacks.h - ids for the stacks of accesses, taken from the shadow call stack.
 *
 * Every access that the detector stores needs its stack, and accesses are far too frequent to
 * walk or hash the whole stack each time. Stacks are nodes of a trie: a node is (parent node,
 * pc), node 0 the empty stack. A frame of the shadow stack caches the node of the stack up to it,
 * so after a call only the new frame needs a look-up; the access's own pc is one more. Look-ups
 * go first to the thread's direct-mapped cache, then to the global table under a spinlock (new
 * stacks only). Nodes are never freed: their number is bounded by the program's distinct call
 * paths.
 *
 * Limit: 2^32 - 1 nodes; then stacks are cut at the last node that fitted. */
#ifndef LH_RACE_STACKS_H
#define LH_RACE_STACKS_H

#include <stdint.h>

#include "race/race_thread.h"

/* The stack id of an access at pc made now by the thread owning r. */
uint32_t lh_race_stack_here(struct lh_race_thread *r, uintptr_t pc);
/* Writes the stack's pcs, innermost first, into pcs (at most max); returns how many. */
uint32_t lh_race_stack_pcs(uint32_t id, uintptr_t *pcs, uint32_t max);
/* Frees the thread's cache (at thread exit). */
void lh_race_stacks_thread_done(struct lh_race_thread *r);

void lh_race_stacks_fork_lock(bool take);

#endif
