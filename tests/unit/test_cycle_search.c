/* test_cycle_search.c - finding the elementary cycles of the lock graph, up to a length. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/cycle_search.h"
#include "analysis/lock_graph.h"
#include "base/grow.h"
#include "model/model.h"

/* A model with nlocks locks and one thread that takes lock `to` while holding `from` for each
 * (from, to) pair: the lock graph then has exactly these edges. */
static struct lh_model *model_with_edges(size_t nlocks, const uint32_t (*edges)[2], size_t nedges) {
  struct lh_model *m = lh_model_new();
  struct lh_run_file *f = lh_model_add_file(m, "graph.lhrun");
  struct lh_thread t = {.parent = LH_NONE, .stack = LH_NONE, .how = lh_xstrdup("main")};
  lh_model_add_thread(m, &t);
  f->thread_end = 1;
  for (size_t i = 0; i < nlocks; i++) {
    char key[32];
    snprintf(key, sizeof key, "L%06zu", i);
    struct lh_lock proto = {.module = LH_NONE, .stack = LH_NONE};
    bool added;
    lh_model_lock(m, key, &proto, &added);
  }
  for (size_t i = 0; i < nedges; i++) {
    struct lh_tuple tu = {.lock = edges[i][1], .stack = LH_NONE, .nheld = 1};
    tu.held = lh_xcalloc(1, sizeof *tu.held);
    tu.held[0] = (struct lh_held){edges[i][0], LH_MODE_WRITE, LH_NONE};
    lh_model_add_tuple(m, &tu);
  }
  lh_model_finish(m);
  return m;
}

struct found {
  size_t n;
  size_t lengths[64];
  uint32_t first_lock[64];
};

static bool collect(void *ctx, const uint32_t *edges, size_t len) {
  struct found *f = ctx;
  (void)edges;
  if (f->n < 64) {
    f->lengths[f->n] = len;
    f->first_lock[f->n] = 0;
  }
  f->n++;
  return true;
}

struct graph_ctx {
  const struct lh_lock_graph *g;
  struct found found;
};

static bool collect_checked(void *ctx, const uint32_t *edges, size_t len) {
  struct graph_ctx *c = ctx;
  for (size_t i = 0; i < len; i++)
    cr_assert_eq(c->g->edges[edges[i]].to, c->g->edges[edges[(i + 1) % len]].from,
                 "consecutive edges meet");
  for (size_t i = 1; i < len; i++)
    cr_assert_lt(c->g->edges[edges[0]].from, c->g->edges[edges[i]].from,
                 "a cycle starts at its lowest lock");
  return collect(&c->found, edges, len);
}

static struct found search(const uint32_t (*edges)[2], size_t nedges, size_t nlocks,
                           unsigned max_len, struct lh_cycle_stats *stats) {
  struct lh_model *m = model_with_edges(nlocks, edges, nedges);
  struct lh_lock_graph *g = lh_lock_graph_build(m);
  struct graph_ctx c = {.g = g};
  struct lh_cycle_limits limits = {max_len, 0, 0};
  struct lh_cycle_stats s;
  lh_cycle_search(g, &limits, collect_checked, &c, &s);
  if (stats) *stats = s;
  lh_lock_graph_free(g);
  lh_model_free(m);
  return c.found;
}

Test(cycle_search, a_graph_without_cycles_has_none) {
  const uint32_t e[][2] = {{0, 1}, {1, 2}, {0, 2}};
  struct lh_cycle_stats s;
  struct found f = search(e, 3, 3, 8, &s);
  cr_assert_eq(f.n, 0);
  cr_assert_eq(s.sccs, 0);
}

Test(cycle_search, finds_a_two_cycle_once) {
  const uint32_t e[][2] = {{0, 1}, {1, 0}};
  struct found f = search(e, 2, 2, 8, NULL);
  cr_assert_eq(f.n, 1);
  cr_assert_eq(f.lengths[0], 2);
}

Test(cycle_search, finds_a_three_cycle) {
  const uint32_t e[][2] = {{0, 1}, {1, 2}, {2, 0}};
  struct found f = search(e, 3, 3, 8, NULL);
  cr_assert_eq(f.n, 1);
  cr_assert_eq(f.lengths[0], 3);
}

Test(cycle_search, finds_a_five_cycle_through_locks_numbered_out_of_order) {
  const uint32_t e[][2] = {{3, 1}, {1, 4}, {4, 0}, {0, 2}, {2, 3}};
  struct found f = search(e, 5, 5, 8, NULL);
  cr_assert_eq(f.n, 1);
  cr_assert_eq(f.lengths[0], 5);
}

Test(cycle_search, cycles_longer_than_the_limit_are_not_reported) {
  const uint32_t e[][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 0}};
  cr_assert_eq(search(e, 5, 5, 4, NULL).n, 0);
  cr_assert_eq(search(e, 5, 5, 5, NULL).n, 1);
}

Test(cycle_search, a_component_with_several_cycles_yields_each_exactly_once) {
  /* 0<->1, 1<->2, 0->1->2->0, 0<-2 ... : cycles {0,1}, {1,2}, {0,1,2} via 2->0, {0,2,1} via 0->2 */
  const uint32_t e[][2] = {{0, 1}, {1, 0}, {1, 2}, {2, 1}, {2, 0}, {0, 2}};
  struct lh_cycle_stats s;
  struct found f = search(e, 6, 3, 8, &s);
  /* elementary cycles of the complete digraph on 3 nodes: 3 two-cycles and 2 three-cycles */
  cr_assert_eq(f.n, 5);
  cr_assert_eq(s.sccs, 1);
  for (size_t i = 0; i < 5; i++) cr_assert_eq(f.lengths[i], i < 3 ? 2 : 3, "shortest cycles first");
}

Test(cycle_search, separate_components_are_searched_separately) {
  const uint32_t e[][2] = {{0, 1}, {1, 0}, {2, 3}, {3, 4}, {4, 2}, {1, 2}};
  struct lh_cycle_stats s;
  struct found f = search(e, 6, 5, 8, &s);
  cr_assert_eq(f.n, 2);
  cr_assert_eq(s.sccs, 2);
}

Test(cycle_search, a_long_chain_does_not_exhaust_the_stack) {
  size_t n = 200000;
  uint32_t(*e)[2] = calloc(n, sizeof *e);
  for (size_t i = 0; i < n; i++) {
    e[i][0] = (uint32_t)i;
    e[i][1] = (uint32_t)((i + 1) % n);
  }
  struct lh_cycle_stats s;
  struct found f = search((const uint32_t(*)[2])e, n, n, 8, &s);
  cr_assert_eq(s.sccs, 1, "the ring is one component");
  cr_assert_eq(f.n, 0, "but its only cycle is far longer than the limit");
  free(e);
}

Test(cycle_search, the_cycle_limit_stops_the_search_and_says_so) {
  /* complete digraph on 6 locks: many cycles */
  uint32_t e[30][2];
  size_t k = 0;
  for (uint32_t a = 0; a < 6; a++)
    for (uint32_t b = 0; b < 6; b++)
      if (a != b) {
        e[k][0] = a;
        e[k][1] = b;
        k++;
      }
  struct lh_model *m = model_with_edges(6, (const uint32_t(*)[2])e, k);
  struct lh_lock_graph *g = lh_lock_graph_build(m);
  struct found f = {0};
  struct lh_cycle_limits limits = {8, 10, 0};
  struct lh_cycle_stats s;
  lh_cycle_search(g, &limits, collect, &f, &s);
  cr_assert_eq(f.n, 10);
  cr_assert(s.truncated);
  lh_lock_graph_free(g);
  lh_model_free(m);
}
