/* cycle_search.c - finding the elementary cycles of the lock graph, up to a length.
 *
 * Step 1, Tarjan's strongly connected components (iterative, so 100,000 locks in a chain cannot
 * overflow the C stack): a cycle never leaves its component, and components of one lock have no
 * cycle, so the usual case -- no inversion at all -- costs one linear pass.
 * Step 2, by increasing length L = 2, 3, ... up to the limit, and per component with two or more
 * locks, for each lock s in increasing order: the cycles of length L whose lowest lock is s, by
 * depth-first search from s through locks > s of the same component. Every cycle is thus found
 * exactly once, starting at its lowest lock, and short cycles (the clearest reports) all come
 * before long ones, even when a limit stops the search. A backward breadth-first search from s
 * first computes each lock's distance back to s (up to L - 1); the depth-first search never enters
 * a lock from which s cannot be reached within the remaining length, so it only walks paths that
 * can still close into a cycle of length L. Repeating the search per length costs at most a
 * factor of the length limit, and nothing at all when there is no cycle.
 * Limits: the number of elementary cycles can grow exponentially with a dense component; the
 * search stops after max_cycles cycles or max_steps edge visits and says so (stats->truncated). */
#include "analysis/cycle_search.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

#define UNSEEN UINT32_MAX

/* Tarjan's algorithm; returns the component number of each node (numbered in completion order). */
static uint32_t *components(const struct lh_lock_graph *g) {
  size_t n = g->nnodes;
  uint32_t *index = lh_xmalloc((n ? n : 1) * sizeof *index),
           *low = lh_xmalloc((n ? n : 1) * sizeof *low);
  uint32_t *comp = lh_xmalloc((n ? n : 1) * sizeof *comp),
           *pos = lh_xmalloc((n ? n : 1) * sizeof *pos);
  uint32_t *stack = lh_xmalloc((n ? n : 1) * sizeof *stack),
           *calls = lh_xmalloc((n ? n : 1) * sizeof *calls);
  bool *on_stack = lh_xcalloc(n ? n : 1, sizeof *on_stack);
  size_t nstack = 0, ncalls = 0;
  uint32_t counter = 0, ncomp = 0;
  for (size_t v = 0; v < n; v++) index[v] = comp[v] = UNSEEN;
  for (uint32_t root = 0; root < n; root++) {
    if (index[root] != UNSEEN) continue;
    calls[ncalls++] = root;
    index[root] = low[root] = counter++;
    pos[root] = g->out_start[root];
    stack[nstack++] = root;
    on_stack[root] = true;
    while (ncalls) {
      uint32_t v = calls[ncalls - 1];
      if (pos[v] < g->out_start[v + 1]) {
        uint32_t w = g->edges[g->out[pos[v]++]].to;
        if (index[w] == UNSEEN) {
          index[w] = low[w] = counter++;
          pos[w] = g->out_start[w];
          stack[nstack++] = w;
          on_stack[w] = true;
          calls[ncalls++] = w;
        } else if (on_stack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      ncalls--;
      if (low[v] == index[v]) {
        uint32_t w;
        do {
          w = stack[--nstack];
          on_stack[w] = false;
          comp[w] = ncomp;
        } while (w != v);
        ncomp++;
      }
      if (ncalls) {
        uint32_t u = calls[ncalls - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  free(index);
  free(low);
  free(pos);
  free(stack);
  free(calls);
  free(on_stack);
  return comp;
}

struct search {
  const struct lh_lock_graph *g;
  const struct lh_cycle_limits *limits;
  const uint32_t *comp;
  lh_cycle_fn fn;
  void *ctx;
  struct lh_cycle_stats *stats;
  uint32_t start;
  size_t length;     /* the length of the cycles looked for in this pass */
  uint32_t *dist;    /* edges from a node back to start; UNSEEN when too far or not allowed */
  uint32_t *touched; /* nodes whose dist was set, to reset them */
  size_t ntouched;
  bool *on_path;
  uint32_t path[LH_MAX_CYCLE_LENGTH_LIMIT];
  size_t steps;
  bool stop;
};

static bool allowed(const struct search *s, uint32_t v) {
  return v >= s->start && s->comp[v] == s->comp[s->start];
}

/* Backward breadth-first search from start: dist[v] for nodes within max_length - 1 edges. */
static void distances_to_start(struct search *s) {
  const struct lh_lock_graph *g = s->g;
  size_t head = 0;
  s->ntouched = 0;
  s->dist[s->start] = 0;
  s->touched[s->ntouched++] = s->start;
  while (head < s->ntouched) {
    uint32_t v = s->touched[head++];
    if (s->dist[v] + 1 >= s->length) continue;
    for (uint32_t k = g->in_start[v]; k < g->in_start[v + 1]; k++) {
      s->steps++;
      uint32_t u = g->edges[g->in[k]].from;
      if (!allowed(s, u) || s->dist[u] != UNSEEN) continue;
      s->dist[u] = s->dist[v] + 1;
      s->touched[s->ntouched++] = u;
    }
  }
}

static void walk(struct search *s, uint32_t v, size_t depth) {
  const struct lh_lock_graph *g = s->g;
  for (uint32_t k = g->out_start[v]; k < g->out_start[v + 1] && !s->stop; k++) {
    uint32_t e = g->out[k], w = g->edges[e].to;
    if (s->limits->max_steps && ++s->steps > s->limits->max_steps) {
      s->stats->truncated = s->stop = true;
      return;
    }
    if (w == s->start) {
      if (depth + 1 != s->length) continue;
      s->path[depth] = e;
      s->stats->cycles++;
      if (!s->fn(s->ctx, s->path, depth + 1)) s->stop = true;
      if (s->limits->max_cycles && s->stats->cycles >= s->limits->max_cycles) {
        s->stats->truncated = s->stop = true;
      }
      continue;
    }
    if (!allowed(s, w) || s->on_path[w] || s->dist[w] == UNSEEN ||
        depth + 1 + s->dist[w] > s->length)
      continue;
    s->path[depth] = e;
    s->on_path[w] = true;
    walk(s, w, depth + 1);
    s->on_path[w] = false;
  }
}

void lh_cycle_search(const struct lh_lock_graph *g, const struct lh_cycle_limits *limits,
                     lh_cycle_fn fn, void *ctx, struct lh_cycle_stats *stats) {
  memset(stats, 0, sizeof *stats);
  size_t n = g->nnodes;
  if (n == 0 || limits->max_length < 2) return;
  uint32_t *comp = components(g);
  /* Component sizes, to skip the single-lock components at once. */
  uint32_t *size = lh_xcalloc(n, sizeof *size);
  for (size_t v = 0; v < n; v++) size[comp[v]]++;
  for (size_t c = 0; c < n; c++) stats->sccs += size[c] >= 2;
  struct search s = {.g = g, .limits = limits, .comp = comp, .fn = fn, .ctx = ctx, .stats = stats};
  s.dist = lh_xmalloc(n * sizeof *s.dist);
  for (size_t v = 0; v < n; v++) s.dist[v] = UNSEEN;
  s.touched = lh_xmalloc(n * sizeof *s.touched);
  s.on_path = lh_xcalloc(n, sizeof *s.on_path);
  for (s.length = 2; s.length <= limits->max_length && !s.stop; s.length++)
    for (uint32_t v = 0; v < n && !s.stop; v++) {
      if (size[comp[v]] < 2) continue;
      s.start = v;
      distances_to_start(&s);
      s.on_path[v] = true;
      walk(&s, v, 0);
      s.on_path[v] = false;
      for (size_t i = 0; i < s.ntouched; i++) s.dist[s.touched[i]] = UNSEEN;
    }
  free(s.dist);
  free(s.touched);
  free(s.on_path);
  free(size);
  free(comp);
}
