/* lock_graph.h - the lock-order graph: an edge held -> acquired for every blocking acquisition. */
#ifndef LH_LOCK_GRAPH_H
#define LH_LOCK_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* One acquisition that makes an edge: tuple `tuple`, whose held entry `held` is the edge's source. */
struct lh_edge_ref {
  uint32_t tuple;
  uint32_t held;
};

struct lh_edge {
  uint32_t from, to;
  struct lh_edge_ref *refs; /* in tuple order */
  size_t nrefs, cap_refs;
};

struct lh_lock_graph {
  size_t nnodes; /* = model locks */
  struct lh_edge *edges;
  size_t nedges, cap_edges;
  /* Compressed adjacency: out edges of node v are out[out_start[v] .. out_start[v+1]), sorted by
   * target; in edges likewise, sorted by source. Values are edge indices. */
  uint32_t *out_start, *out;
  uint32_t *in_start, *in;
};

struct lh_lock_graph *lh_lock_graph_build(const struct lh_model *m);
void lh_lock_graph_free(struct lh_lock_graph *g);

#endif
