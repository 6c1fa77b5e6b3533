/* lock_order.h - the instance lock graph, kept just well enough to say whether an edge lies on a
 * cycle, online.
 *
 * Nodes are locks, an edge h -> l says some thread held h while it acquired l. A tuple whose
 * edges lie on no cycle can be part of no lock-order cycle, so its record may be kept back
 * (leaf_tuples.h); the graph says, for each new edge, whether it lies on a cycle of the edges
 * seen so far, and when an edge closes one, which nodes the new cyclic component holds (its
 * in-edges' kept-back tuples must then be written).
 *
 * Algorithm. Every node remembers its cyclic component (0: on no cycle; the nontrivial strongly
 * connected components, each named by a number). A new edge u -> v:
 *   - already there (a look at a few of u's out-edges): nothing changes;
 *   - u and v in the same cyclic component: it lies on a cycle, no search;
 *   - u has no in-edge or v no out-edge: it closes no cycle, in O(1). This covers leaves under a
 *     table lock, new locks at either end of a chain (chains built in either direction), and
 *     hubs;
 *   - otherwise a search forward from v and backward from u by turns, one edge each: if either
 *     side has seen all it can reach before they meet, the edge closes no cycle, at a cost of
 *     about twice the smaller side (a new lock with few ancestors held over a lock with a large
 *     graph below it is cheap, and so is the reverse). If they meet, it closes one: a forward
 *     search from v, then a backward one from u among the nodes found, gives the new component
 *     exactly (the nodes both reachable from v and reaching u), which swallows every component
 *     it touches (each is reachable from and reaches any of its members).
 * The searches of one edge together take at most `budget` steps; past it the answer is
 * LH_ORDER_UNKNOWN and the caller must assume the worst (it writes everything: leaf_tuples.c).
 * The searches of the whole run are bounded too, to LH_ORDER_BASE visits plus LH_ORDER_PER_EDGE
 * per edge added: a program that keeps adding edges each needing a long search that finds
 * nothing (new locks, each taken under another, then held over a lock with a big graph below it)
 * would otherwise cost a search per edge, quadratic; past that allowance the answer is UNKNOWN.
 * A Pearce-Kelly topological order would cut the search to the region between u and v; the
 * degree test already makes the usual patterns O(1), the two-way search bounds the rest by the
 * smaller side, and neither needs an order kept through the merging of components.
 *
 * Removal: a node whose lock is gone (destroyed) gets no new edge, so once it has no in-edge or
 * no out-edge it can never be on a cycle again: it is removed with its edges (edge_gone is called
 * for each, so the caller drops what it kept on them), which may make a dead neighbour removable
 * in turn (a chain destroyed from one end goes entirely). A dead node with both in- and
 * out-edges stays (it may still join two live locks in a cycle); cyclic nodes never go.
 *
 * Memory: 32 bytes a node and 32 an edge, in two arrays with free lists. An edge already there is
 * found in u's list of out-edges when u has at most eight, else in an index of the edges of such
 * locks by (u, v), 8 to 16 bytes an edge. It used to be a look at u's eight latest out-edges
 * whatever their number: memcached's item locks each come before some hundred LRU and statistics
 * locks, so a third of its edges were duplicates (15,000 of 45,000, 32 bytes each, every one with
 * its own list of kept-back tuples) and each look walked eight edges far apart in memory. Without
 * memory for the index, that look is what is left, and a duplicate costs memory, never a wrong
 * answer. Searches use a stack grown on demand.
 * No locking: the caller serialises (the recorder lock). */
#ifndef LH_LOCK_ORDER_H
#define LH_LOCK_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#define LH_ORDER_NONE UINT32_MAX
#define LH_ORDER_BUDGET 20000 /* steps (edges looked at) a new edge's searches may take */
#define LH_ORDER_BASE 2000000 /* visits all the searches of a run may make, ... */
#define LH_ORDER_PER_EDGE 64  /* ... and more per edge added */

enum lh_order_verdict {
  LH_ORDER_ACYCLIC, /* the edge lies on no cycle */
  LH_ORDER_CYCLIC,  /* it does; if it closed a new one, `found` lists the component's nodes */
  LH_ORDER_UNKNOWN  /* the search ran out of budget or of memory: assume it does */
};

struct lh_order_node {
  uint32_t out, in;   /* first edge of each list, LH_ORDER_NONE when empty; free list: `out` */
  uint32_t nout, nin; /* list lengths */
  uint32_t comp;      /* cyclic component, 0 when on no cycle */
  uint32_t mark;      /* search stamp */
  uint32_t owner;     /* the caller's id for it (a lock id) */
  bool used, dead;
  uint8_t pad[2];
};

struct lh_order_edge {
  uint32_t from, to;
  uint32_t next_out, prev_out, next_in, prev_in; /* free list: next_out */
  void *data;                                    /* the caller's, NULL when it keeps nothing */
};

struct lh_order_graph {
  struct lh_order_node *nodes;
  uint32_t nnodes, cap_nodes, free_nodes;
  struct lh_order_edge *edges;
  uint32_t nedges, cap_edges, free_edges;
  uint32_t stamp, next_comp;
  uint32_t budget;                                 /* LH_ORDER_BUDGET unless a test sets it */
  uint32_t per_edge;                               /* LH_ORDER_PER_EDGE unless a test sets it */
  uint64_t base;                                   /* LH_ORDER_BASE unless a test sets it */
  uint64_t spent, added;                           /* visits made by all searches, edges added */
  uint32_t *stack, cap_stack, *stack2, cap_stack2; /* the searches' */
  uint32_t *found, nfound, cap_found; /* the component the last CYCLIC verdict formed, if new */
  uint32_t live_nodes, live_edges;
  uint32_t *index, index_cap, index_n; /* 1 + edge by (from, to); 0: free (lock_order.c) */
  bool index_off; /* it ran out of memory once: u's latest out-edges are looked at */
  /* Called for each edge removed with its node, before it is freed; `to_gone` says whether it
   * went because its target did (then no edge of a tuple acquiring that lock is left). */
  void (*edge_gone)(void *ctx, struct lh_order_edge *e, bool to_gone);
  void *ctx;
};

/* A new node for owner; LH_ORDER_NONE when memory runs out. */
uint32_t lh_order_node_add(struct lh_order_graph *g, uint32_t owner);
/* Adds edge from -> to (nodes of g) and says whether it lies on a cycle; *edge is the edge's
 * index (LH_ORDER_NONE when memory ran out: then UNKNOWN). g->nfound is 0 unless this edge closed
 * a new cycle; then g->found lists the nodes of the (possibly grown) component. */
enum lh_order_verdict lh_order_edge_add(struct lh_order_graph *g, uint32_t from, uint32_t to,
                                        uint32_t *edge);
/* Adds edge from -> to without asking whether it lies on a cycle; its index, LH_ORDER_NONE when
 * memory ran out. */
uint32_t lh_order_edge_put(struct lh_order_graph *g, uint32_t from, uint32_t to);
/* The node's lock is gone: no edge will come to or from it again. */
void lh_order_node_dead(struct lh_order_graph *g, uint32_t node);
/* Frees everything (edge_gone is not called). */
void lh_order_free(struct lh_order_graph *g);

#endif
