/* lock_graph.c - building the lock-order graph from the acquisition tuples.
 *
 * Node = lock (model index). For every tuple that can block (not a trylock) and every lock in its
 * held set, an edge held -> acquired, which remembers every (tuple, held entry) that makes it, so
 * the iGoodlock check can later pick the acquisitions of a cycle. A lock held while taken again
 * (a self edge) is not an ordering between two locks and is left out. Edges are found through a
 * uthash table keyed by (from, to); building is linear in the number of held entries, then the
 * adjacency is laid out in compressed arrays (counting sort), sorted so that every later walk
 * visits edges in the same order for the same input. */
#include "analysis/lock_graph.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/grow.h"

struct edge_entry {
  uint64_t key; /* from << 32 | to */
  uint32_t index;
  UT_hash_handle hh;
};

static uint32_t edge_for(struct lh_lock_graph *g, struct edge_entry **table, uint32_t from,
                         uint32_t to) {
  uint64_t key = (uint64_t)from << 32 | to;
  struct edge_entry *e;
  HASH_FIND(hh, *table, &key, sizeof key, e);
  if (e) return e->index;
  struct lh_edge *edge = LH_PUSH(g->edges, g->nedges, g->cap_edges);
  edge->from = from;
  edge->to = to;
  e = lh_xcalloc(1, sizeof *e);
  e->key = key;
  e->index = (uint32_t)(g->nedges - 1);
  HASH_ADD(hh, *table, key, sizeof e->key, e);
  return e->index;
}

/* Lays out edge indices grouped by node (by `from` when outgoing, by `to` otherwise); within a
 * node, edges are ordered by the other end. */
static void layout(struct lh_lock_graph *g, bool outgoing, uint32_t **start_out,
                   uint32_t **list_out) {
  uint32_t *start = lh_xcalloc(g->nnodes + 1, sizeof *start);
  uint32_t *list = lh_xcalloc(g->nedges, sizeof *list);
  /* Counting sort by the other end first, then a stable counting sort by the node. */
  uint32_t *tmp = lh_xcalloc(g->nedges, sizeof *tmp);
  uint32_t *count = lh_xcalloc(g->nnodes + 1, sizeof *count);
  for (size_t i = 0; i < g->nedges; i++)
    count[(outgoing ? g->edges[i].to : g->edges[i].from) + 1]++;
  for (size_t v = 0; v < g->nnodes; v++) count[v + 1] += count[v];
  for (size_t i = 0; i < g->nedges; i++)
    tmp[count[outgoing ? g->edges[i].to : g->edges[i].from]++] = (uint32_t)i;
  for (size_t i = 0; i < g->nedges; i++)
    start[(outgoing ? g->edges[i].from : g->edges[i].to) + 1]++;
  for (size_t v = 0; v < g->nnodes; v++) start[v + 1] += start[v];
  memcpy(count, start, (g->nnodes + 1) * sizeof *count);
  for (size_t k = 0; k < g->nedges; k++) {
    uint32_t i = tmp[k];
    list[count[outgoing ? g->edges[i].from : g->edges[i].to]++] = i;
  }
  free(tmp);
  free(count);
  *start_out = start;
  *list_out = list;
}

struct lh_lock_graph *lh_lock_graph_build(const struct lh_model *m) {
  struct lh_lock_graph *g = lh_xcalloc(1, sizeof *g);
  g->nnodes = m->nlocks;
  struct edge_entry *table = NULL;
  for (size_t ti = 0; ti < m->ntuples; ti++) {
    const struct lh_tuple *t = &m->tuples[ti];
    if (t->is_try) continue; /* a trylock never waits, so it orders nothing */
    for (uint32_t h = 0; h < t->nheld; h++) {
      if (t->held[h].lock == t->lock) continue;
      uint32_t index = edge_for(g, &table, t->held[h].lock, t->lock); /* may move g->edges */
      struct lh_edge *e = &g->edges[index];
      struct lh_edge_ref *r = LH_PUSH(e->refs, e->nrefs, e->cap_refs);
      r->tuple = (uint32_t)ti;
      r->held = h;
    }
  }
  struct edge_entry *e, *tmp;
  HASH_ITER(hh, table, e, tmp) {
    HASH_DEL(table, e);
    free(e);
  }
  layout(g, true, &g->out_start, &g->out);
  layout(g, false, &g->in_start, &g->in);
  return g;
}

void lh_lock_graph_free(struct lh_lock_graph *g) {
  if (!g) return;
  for (size_t i = 0; i < g->nedges; i++) free(g->edges[i].refs);
  free(g->edges);
  free(g->out_start);
  free(g->out);
  free(g->in_start);
  free(g->in);
  free(g);
}
