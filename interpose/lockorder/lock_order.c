/* lock_order.c - see lock_order.h. Searches are iterative (lockhound's own stack is small:
 * own_stack.h), with one explicit stack of node indices owned by the graph. */
#include "lockorder/lock_order.h"

#include <stdlib.h>
#include <string.h>

/* A lock with at most this many out-edges is searched by its list of them; a lock with more has
 * them all in the index (lock_order.h, Memory). */
#define DUPLICATE_LOOK 8

static bool grow(void **v, uint32_t *cap, uint32_t need, size_t size) {
  if (need < *cap) return true;
  uint32_t n = *cap ? *cap : 64;
  while (n <= need) {
    if (n > UINT32_MAX / 2) return false;
    n *= 2;
  }
  void *p = realloc(*v, (size_t)n * size);
  if (!p) return false;
  *v = p;
  *cap = n;
  return true;
}

/* The edge index: open addressing of 1 + edge, keyed by (from, to), linear probing, at most half
 * full; removal shifts the run back (no tombstones), so a miss stops at the first free slot. It
 * holds every out-edge of each lock that has more than DUPLICATE_LOOK of them (and may hold some
 * of a lock that had more once): a lock with few is looked at in its list, which costs no memory
 * and no cache miss for the many locks that come before one or two others (lock_pairs: 200,000
 * pairs (i, i + 1) built 14% slower, and 1 MB larger, with every edge in the index). */
static uint32_t pair_home(uint32_t from, uint32_t to, uint32_t cap) {
  uint64_t h = ((uint64_t)from << 32 | to) * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 32) & (cap - 1);
}

static uint32_t *index_slot(const struct lh_order_graph *g, uint32_t from, uint32_t to) {
  uint32_t mask = g->index_cap - 1, i = pair_home(from, to, g->index_cap);
  for (; g->index[i]; i = (i + 1) & mask) {
    const struct lh_order_edge *x = &g->edges[g->index[i] - 1];
    if (x->from == from && x->to == to) break;
  }
  return &g->index[i];
}

/* Room for one more edge in the index; false (and no index from then on) when memory runs out. */
static bool index_room(struct lh_order_graph *g) {
  if (g->index_off) return false;
  if ((g->index_n + 1) * 2 <= g->index_cap) return true;
  uint32_t cap = g->index_cap ? g->index_cap * 2 : 64, *old = g->index, old_cap = g->index_cap;
  uint32_t *v = cap <= UINT32_MAX / 2 ? calloc(cap, sizeof *v) : NULL;
  if (!v) {
    free(g->index);
    g->index = NULL;
    g->index_cap = 0;
    g->index_off = true;
    return false;
  }
  g->index = v;
  g->index_cap = cap;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i]) {
      const struct lh_order_edge *x = &g->edges[old[i] - 1];
      *index_slot(g, x->from, x->to) = old[i];
    }
  free(old);
  return true;
}

static void index_remove(struct lh_order_graph *g, uint32_t e) {
  if (!g->index_cap) return;
  uint32_t mask = g->index_cap - 1;
  uint32_t *at = index_slot(g, g->edges[e].from, g->edges[e].to);
  if (!*at) return;
  g->index_n--;
  uint32_t hole = (uint32_t)(at - g->index);
  for (uint32_t i = (hole + 1) & mask; g->index[i]; i = (i + 1) & mask) {
    const struct lh_order_edge *x = &g->edges[g->index[i] - 1];
    uint32_t home = pair_home(x->from, x->to, g->index_cap);
    /* the entry at i may fill the hole if its home is not in (hole, i] (cyclically) */
    if (((i - home) & mask) >= ((i - hole) & mask)) {
      g->index[hole] = g->index[i];
      hole = i;
    }
  }
  g->index[hole] = 0;
}

static void index_add(struct lh_order_graph *g, uint32_t e) {
  if (!index_room(g)) return;
  uint32_t *at = index_slot(g, g->edges[e].from, g->edges[e].to);
  if (*at) return;
  *at = e + 1;
  g->index_n++;
}

/* A new out-edge e of node n: indexed when n has more than DUPLICATE_LOOK, with all the others
 * when it has just passed that. */
static void index_new_out_edge(struct lh_order_graph *g, uint32_t n, uint32_t e) {
  if (g->nodes[n].nout <= DUPLICATE_LOOK) return;
  if (g->nodes[n].nout > DUPLICATE_LOOK + 1) {
    index_add(g, e);
    return;
  }
  for (uint32_t x = g->nodes[n].out; x != LH_ORDER_NONE; x = g->edges[x].next_out) index_add(g, x);
}

/* The edge from -> to, or LH_ORDER_NONE: in u's list of out-edges when it has few, else through
 * the index; without one (no memory), a look at u's latest out-edges, which may miss it (a
 * duplicate then costs memory, never an answer). */
static uint32_t edge_between(const struct lh_order_graph *g, uint32_t from, uint32_t to) {
  if (g->nodes[from].nout > DUPLICATE_LOOK && g->index_cap) {
    uint32_t v = *index_slot(g, from, to);
    return v ? v - 1 : LH_ORDER_NONE;
  }
  uint32_t look = 0;
  for (uint32_t e = g->nodes[from].out; e != LH_ORDER_NONE && look < DUPLICATE_LOOK;
       e = g->edges[e].next_out, look++)
    if (g->edges[e].to == to) return e;
  return LH_ORDER_NONE;
}

uint32_t lh_order_node_add(struct lh_order_graph *g, uint32_t owner) {
  uint32_t n;
  if (g->free_nodes != LH_ORDER_NONE && g->free_nodes < g->nnodes) {
    n = g->free_nodes;
    g->free_nodes = g->nodes[n].out;
  } else {
    if (g->nnodes == 0) g->free_nodes = LH_ORDER_NONE;
    if (g->nnodes == LH_ORDER_NONE - 1 ||
        !grow((void **)&g->nodes, &g->cap_nodes, g->nnodes, sizeof *g->nodes))
      return LH_ORDER_NONE;
    n = g->nnodes++;
  }
  g->nodes[n] = (struct lh_order_node){
      .out = LH_ORDER_NONE, .in = LH_ORDER_NONE, .owner = owner, .used = true};
  g->live_nodes++;
  return n;
}

static uint32_t new_edge(struct lh_order_graph *g, uint32_t from, uint32_t to) {
  uint32_t e;
  if (g->nedges > 0 && g->free_edges != LH_ORDER_NONE) {
    e = g->free_edges;
    g->free_edges = g->edges[e].next_out;
  } else {
    if (g->nedges == 0) g->free_edges = LH_ORDER_NONE;
    if (g->nedges == LH_ORDER_NONE - 1 ||
        !grow((void **)&g->edges, &g->cap_edges, g->nedges, sizeof *g->edges))
      return LH_ORDER_NONE;
    e = g->nedges++;
  }
  struct lh_order_node *f = &g->nodes[from], *t = &g->nodes[to];
  g->edges[e] = (struct lh_order_edge){from, to, f->out, LH_ORDER_NONE, t->in, LH_ORDER_NONE, NULL};
  if (f->out != LH_ORDER_NONE) g->edges[f->out].prev_out = e;
  f->out = e;
  f->nout++;
  if (t->in != LH_ORDER_NONE) g->edges[t->in].prev_in = e;
  t->in = e;
  t->nin++;
  g->live_edges++;
  index_new_out_edge(g, from, e);
  return e;
}

static void unlink_edge(struct lh_order_graph *g, uint32_t e) {
  index_remove(g, e);
  struct lh_order_edge *x = &g->edges[e];
  struct lh_order_node *f = &g->nodes[x->from], *t = &g->nodes[x->to];
  if (x->prev_out != LH_ORDER_NONE)
    g->edges[x->prev_out].next_out = x->next_out;
  else
    f->out = x->next_out;
  if (x->next_out != LH_ORDER_NONE) g->edges[x->next_out].prev_out = x->prev_out;
  if (x->prev_in != LH_ORDER_NONE)
    g->edges[x->prev_in].next_in = x->next_in;
  else
    t->in = x->next_in;
  if (x->next_in != LH_ORDER_NONE) g->edges[x->next_in].prev_in = x->prev_in;
  f->nout--;
  t->nin--;
  x->data = NULL;
  x->next_out = g->free_edges;
  g->free_edges = e;
  g->live_edges--;
}

static bool push(struct lh_order_graph *g, uint32_t *top, uint32_t n) {
  if (!grow((void **)&g->stack, &g->cap_stack, *top, sizeof *g->stack)) return false;
  g->stack[(*top)++] = n;
  return true;
}

static bool found_add(struct lh_order_graph *g, uint32_t n) {
  if (!grow((void **)&g->found, &g->cap_found, g->nfound, sizeof *g->found)) return false;
  g->found[g->nfound++] = n;
  return true;
}

/* Marks with `reach` every node reachable from v; false when the budget or memory ran out. */
static bool forward(struct lh_order_graph *g, uint32_t v, uint32_t reach, uint32_t *spent) {
  uint32_t top = 0;
  g->nodes[v].mark = reach;
  if (!push(g, &top, v)) return false;
  while (top > 0) {
    uint32_t x = g->stack[--top];
    for (uint32_t e = g->nodes[x].out; e != LH_ORDER_NONE; e = g->edges[e].next_out) {
      if (++*spent > g->budget) return false;
      uint32_t y = g->edges[e].to;
      if (g->nodes[y].mark != reach) {
        g->nodes[y].mark = reach;
        if (!push(g, &top, y)) return false;
      }
    }
  }
  return true;
}

/* Among the nodes marked `reach`, marks `both` and lists in g->found those that reach u. */
static bool backward(struct lh_order_graph *g, uint32_t u, uint32_t reach, uint32_t both,
                     uint32_t *spent) {
  uint32_t top = 0;
  g->nfound = 0;
  g->nodes[u].mark = both;
  if (!push(g, &top, u) || !found_add(g, u)) return false;
  while (top > 0) {
    uint32_t x = g->stack[--top];
    for (uint32_t e = g->nodes[x].in; e != LH_ORDER_NONE; e = g->edges[e].next_in) {
      if (++*spent > g->budget) return false;
      uint32_t w = g->edges[e].from;
      if (g->nodes[w].mark == reach) {
        g->nodes[w].mark = both;
        if (!push(g, &top, w) || !found_add(g, w)) return false;
      }
    }
  }
  return true;
}

/* One side of the two-way search for a way from v to u: a depth-first walk, one edge a step. */
struct walk {
  uint32_t **stack, *cap, top;
  uint32_t edge; /* next edge of the node being looked at, LH_ORDER_NONE between nodes */
  bool out;      /* forward from v along out-edges, or backward from u along in-edges */
  uint32_t mine, theirs;
};

enum step { STEP_ON, STEP_MET, STEP_DONE, STEP_NO_MEMORY };

static enum step step(struct lh_order_graph *g, struct walk *w) {
  while (w->edge == LH_ORDER_NONE) {
    if (w->top == 0) return STEP_DONE;
    uint32_t x = (*w->stack)[--w->top];
    w->edge = w->out ? g->nodes[x].out : g->nodes[x].in;
  }
  const struct lh_order_edge *e = &g->edges[w->edge];
  uint32_t y = w->out ? e->to : e->from;
  w->edge = w->out ? e->next_out : e->next_in;
  if (g->nodes[y].mark == w->theirs) return STEP_MET;
  if (g->nodes[y].mark != w->mine) {
    g->nodes[y].mark = w->mine;
    if (!grow((void **)w->stack, w->cap, w->top, sizeof **w->stack)) return STEP_NO_MEMORY;
    (*w->stack)[w->top++] = y;
  }
  return STEP_ON;
}

/* Whether v reaches u: forward from v and backward from u by turns, one edge each, until they
 * meet (true) or either side has seen all it can reach (false): the cost is about twice the
 * smaller side, so a new lock with few ancestors held over a lock with a large graph below it
 * is cheap, and so is the reverse. *unknown when the budget or memory ran out. */
static bool reaches(struct lh_order_graph *g, uint32_t v, uint32_t u, uint32_t *spent,
                    bool *unknown) {
  uint32_t fwd = ++g->stamp, bwd = ++g->stamp;
  struct walk f = {&g->stack, &g->cap_stack, 0, LH_ORDER_NONE, true, fwd, bwd};
  struct walk b = {&g->stack2, &g->cap_stack2, 0, LH_ORDER_NONE, false, bwd, fwd};
  g->nodes[v].mark = fwd;
  g->nodes[u].mark = bwd;
  *unknown = true;
  if (!grow((void **)f.stack, f.cap, 0, sizeof **f.stack) ||
      !grow((void **)b.stack, b.cap, 0, sizeof **b.stack))
    return false;
  (*f.stack)[f.top++] = v;
  (*b.stack)[b.top++] = u;
  for (;;) {
    for (int side = 0; side < 2; side++) {
      if (++*spent > g->budget) return false;
      switch (step(g, side ? &b : &f)) {
      case STEP_ON: break;
      case STEP_MET: *unknown = false; return true;
      case STEP_DONE: *unknown = false; return false;
      case STEP_NO_MEMORY: return false;
      }
    }
  }
}

static enum lh_order_verdict verdict(struct lh_order_graph *g, uint32_t u, uint32_t v) {
  struct lh_order_node *nu = &g->nodes[u], *nv = &g->nodes[v];
  if (u == v)
    return LH_ORDER_CYCLIC; /* a lock taken while held: never a tuple (recorder.c), but safe */
  if (nu->comp != 0 && nu->comp == nv->comp) return LH_ORDER_CYCLIC;
  if (nu->nin == 0 || nv->nout == 0) return LH_ORDER_ACYCLIC;
  if (g->stamp > UINT32_MAX - 4) { /* stamps wrap: forget every old mark */
    for (uint32_t i = 0; i < g->nnodes; i++) g->nodes[i].mark = 0;
    g->stamp = 0;
  }
  if (!g->budget) g->budget = LH_ORDER_BUDGET;
  if (!g->per_edge) g->per_edge = LH_ORDER_PER_EDGE;
  if (!g->base) g->base = LH_ORDER_BASE;
  if (g->spent > g->base + g->added * g->per_edge)
    return LH_ORDER_UNKNOWN; /* the run's searches are spent: see lock_order.h */
  uint32_t spent = 0;
  bool unknown;
  bool cycle = reaches(g, v, u, &spent, &unknown);
  if (cycle) { /* the component: reachable from v (forward), and among those, reaching u */
    uint32_t reach = ++g->stamp, both = ++g->stamp;
    unknown = !forward(g, v, reach, &spent) || !backward(g, u, reach, both, &spent);
  }
  g->spent += spent;
  if (unknown) {
    g->nfound = 0;
    return LH_ORDER_UNKNOWN;
  }
  if (!cycle) return LH_ORDER_ACYCLIC;
  /* v reaches u, so it is among the found; each old component touched is wholly inside. */
  uint32_t comp = ++g->next_comp;
  if (comp == 0) comp = ++g->next_comp;
  for (uint32_t i = 0; i < g->nfound; i++) g->nodes[g->found[i]].comp = comp;
  return LH_ORDER_CYCLIC;
}

enum lh_order_verdict lh_order_edge_add(struct lh_order_graph *g, uint32_t from, uint32_t to,
                                        uint32_t *edge) {
  g->nfound = 0;
  *edge = edge_between(g, from, to);
  if (*edge != LH_ORDER_NONE) { /* there already: on a cycle only if both are in one component */
    bool cyclic = g->nodes[from].comp != 0 && g->nodes[from].comp == g->nodes[to].comp;
    return cyclic ? LH_ORDER_CYCLIC : LH_ORDER_ACYCLIC;
  }
  enum lh_order_verdict r = verdict(g, from, to);
  *edge = new_edge(g, from, to);
  if (*edge == LH_ORDER_NONE) return LH_ORDER_UNKNOWN;
  g->added++;
  return r;
}

uint32_t lh_order_edge_put(struct lh_order_graph *g, uint32_t from, uint32_t to) {
  uint32_t e = edge_between(g, from, to);
  if (e != LH_ORDER_NONE) return e;
  e = new_edge(g, from, to);
  if (e != LH_ORDER_NONE) g->added++;
  return e;
}

void lh_order_node_dead(struct lh_order_graph *g, uint32_t node) {
  if (node >= g->nnodes || !g->nodes[node].used) return;
  g->nodes[node].dead = true;
  /* A work list of dead nodes to look at; without memory for it, the node stays (it costs
   * memory, never a wrong answer). */
  uint32_t top = 0;
  if (!push(g, &top, node)) return;
  while (top > 0) {
    uint32_t x = g->stack[--top];
    struct lh_order_node *n = &g->nodes[x];
    if (!n->used || !n->dead || (n->nin > 0 && n->nout > 0)) continue;
    while (n->in != LH_ORDER_NONE) {
      uint32_t e = n->in, w = g->edges[e].from;
      if (g->edge_gone) g->edge_gone(g->ctx, &g->edges[e], true);
      unlink_edge(g, e);
      if (g->nodes[w].dead && g->nodes[w].nout == 0 && !push(g, &top, w)) return;
    }
    while (n->out != LH_ORDER_NONE) {
      uint32_t e = n->out, y = g->edges[e].to;
      if (g->edge_gone) g->edge_gone(g->ctx, &g->edges[e], false);
      unlink_edge(g, e);
      if (g->nodes[y].dead && g->nodes[y].nin == 0 && !push(g, &top, y)) return;
    }
    n->used = false;
    n->out = g->free_nodes;
    g->free_nodes = x;
    g->live_nodes--;
  }
}

void lh_order_free(struct lh_order_graph *g) {
  free(g->nodes);
  free(g->edges);
  free(g->stack);
  free(g->stack2);
  free(g->found);
  free(g->index);
  uint32_t budget = g->budget, per_edge = g->per_edge;
  uint64_t base = g->base;
  void (*edge_gone)(void *, struct lh_order_edge *, bool) = g->edge_gone;
  void *ctx = g->ctx;
  memset(g, 0, sizeof *g);
  g->budget = budget;
  g->per_edge = per_edge;
  g->base = base;
  g->edge_gone = edge_gone;
  g->ctx = ctx;
}
