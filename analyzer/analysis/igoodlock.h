/* igoodlock.h - deciding whether a lock-order cycle is a potential deadlock (iGoodlock). */
#ifndef LH_IGOODLOCK_H
#define LH_IGOODLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/lock_graph.h"
#include "analysis/segments.h"
#include "model/model.h"

/* Step i of a cycle: tuple `tuple` (thread t_i acquires lock l_{i+1}) while its held entry `held`
 * is l_i. */
struct lh_step {
  uint32_t tuple;
  uint32_t held;
};

enum lh_verdict {
  LH_VERDICT_NONE,       /* no choice of acquisitions can deadlock */
  LH_VERDICT_DEADLOCK,   /* a potential deadlock: threads, held sets, timing and modes allow it */
  LH_VERDICT_ORDERED,    /* it would be one, but thread creation/join orders the acquisitions */
  LH_VERDICT_UNDECIDED,  /* the search ran out of budget before finding an answer */
  LH_VERDICT_ONE_THREAD, /* no deadlock, but one thread takes the locks in the cycle's orders
                          * (with no gate lock): two threads running that code could deadlock */
};

/* Checks the cycle given as `len` edge indices of g. On DEADLOCK, ORDERED or ONE_THREAD,
 * witness[0..len)
 * holds the first valid choice of acquisitions (deterministic for a given input). budget bounds
 * the backtracking (choices tried); 0 means a default. */
enum lh_verdict lh_igoodlock_check(const struct lh_model *m, const struct lh_lock_graph *g,
                                   struct lh_segments *sg, const uint32_t *edges, size_t len,
                                   size_t budget, struct lh_step *witness);

#endif
