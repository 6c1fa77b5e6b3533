/* cycle_search.h - elementary cycles of the lock graph, up to a length. */
#ifndef LH_CYCLE_SEARCH_H
#define LH_CYCLE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/lock_graph.h"

#define LH_MAX_CYCLE_LENGTH_LIMIT 64

struct lh_cycle_limits {
  unsigned max_length; /* longest cycle looked for, 2..LH_MAX_CYCLE_LENGTH_LIMIT */
  size_t max_cycles;   /* stop after this many cycles (0: no limit) */
  size_t max_steps;    /* stop after this many edge visits (0: no limit) */
};

struct lh_cycle_stats {
  size_t sccs;    /* strongly connected components with at least two locks */
  size_t cycles;  /* cycles handed to the callback */
  bool truncated; /* a limit stopped the search: some cycles may be missing */
};

/* Receives one cycle as `len` edge indices; edge i ends where edge i+1 starts and the last ends
 * where the first starts, which is the cycle's lowest-numbered lock. Cycles come by increasing
 * length. Returns false to stop. */
typedef bool (*lh_cycle_fn)(void *ctx, const uint32_t *edges, size_t len);

void lh_cycle_search(const struct lh_lock_graph *g, const struct lh_cycle_limits *limits,
                     lh_cycle_fn fn, void *ctx, struct lh_cycle_stats *stats);

#endif
