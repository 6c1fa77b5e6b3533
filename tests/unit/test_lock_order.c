/* The instance lock graph (interpose/lock_order.h) on hand-built edges: which edges lie on a
 * cycle, what a new cycle's component holds, the search budget, and the removal of dead locks. */
#include <criterion/criterion.h>

#include "lockorder/lock_order.h"

static uint32_t nodes(struct lh_order_graph *g, uint32_t n) {
  uint32_t first = LH_ORDER_NONE;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t x = lh_order_node_add(g, 100 + i);
    cr_assert_neq(x, LH_ORDER_NONE);
    if (i == 0) first = x;
    cr_assert_eq(x, first + i);
  }
  return first;
}

static enum lh_order_verdict add(struct lh_order_graph *g, uint32_t from, uint32_t to) {
  uint32_t e;
  enum lh_order_verdict r = lh_order_edge_add(g, from, to, &e);
  cr_assert_neq(e, LH_ORDER_NONE);
  return r;
}

static bool found_has(const struct lh_order_graph *g, uint32_t n) {
  for (uint32_t i = 0; i < g->nfound; i++)
    if (g->found[i] == n) return true;
  return false;
}

/* A budget of one visit: any search would come back UNKNOWN, so ACYCLIC proves there was none. */
Test(lock_order, chains_built_in_either_direction_cost_no_search) {
  struct lh_order_graph g = {.budget = 1};
  uint32_t a = nodes(&g, 1000);
  for (uint32_t i = 0; i + 1 < 500; i++)
    cr_expect_eq(add(&g, a + i, a + i + 1), LH_ORDER_ACYCLIC, "edge %u", i);
  for (uint32_t i = 998; i >= 500; i--) /* the other half from its far end */
    cr_expect_eq(add(&g, a + i, a + i + 1), LH_ORDER_ACYCLIC, "edge %u", i);
  cr_expect_eq(g.live_edges, 998);
  lh_order_free(&g);
}

Test(lock_order, leaves_under_a_table_lock_cost_no_search) {
  struct lh_order_graph g = {.budget = 1};
  uint32_t a = nodes(&g, 1001);
  for (uint32_t i = 1; i <= 1000; i++) cr_expect_eq(add(&g, a, a + i), LH_ORDER_ACYCLIC);
  lh_order_free(&g);
}

Test(lock_order, an_edge_already_there_is_not_added_again) {
  struct lh_order_graph g = {0};
  uint32_t a = nodes(&g, 2);
  uint32_t e1, e2;
  lh_order_edge_add(&g, a, a + 1, &e1);
  lh_order_edge_add(&g, a, a + 1, &e2);
  cr_expect_eq(e1, e2);
  cr_expect_eq(g.live_edges, 1);
  lh_order_free(&g);
}

/* memcached's item locks each come before every LRU lock: a pair seen again after many other
 * out-edges of its lock is still the one edge, found without walking them. */
Test(lock_order, an_edge_already_there_behind_many_others_is_not_added_again) {
  struct lh_order_graph g = {0};
  uint32_t a = nodes(&g, 101);
  uint32_t first[100];
  for (uint32_t i = 0; i < 100; i++) lh_order_edge_add(&g, a, a + 1 + i, &first[i]);
  for (uint32_t i = 0; i < 100; i++) {
    uint32_t e;
    cr_expect_eq(add(&g, a, a + 1 + i), LH_ORDER_ACYCLIC);
    lh_order_edge_add(&g, a, a + 1 + i, &e);
    cr_expect_eq(e, first[i], "edge %u", i);
    cr_expect_eq(lh_order_edge_put(&g, a, a + 1 + i), first[i], "edge %u", i);
  }
  cr_expect_eq(g.live_edges, 100);
  lh_order_free(&g);
}

/* Edges removed with their locks leave no trace: the same pairs added again are new edges, once
 * each, and the pairs still there are found. */
Test(lock_order, an_edge_removed_with_its_lock_is_made_anew_once) {
  struct lh_order_graph g = {0};
  uint32_t a = nodes(&g, 40);
  for (uint32_t i = 1; i < 40; i++) add(&g, a, a + i);                /* a before 39 leaves */
  for (uint32_t i = 1; i < 40; i += 2) lh_order_node_dead(&g, a + i); /* no out-edge: they go */
  cr_expect_eq(g.live_edges, 19);
  uint32_t again[40];
  for (uint32_t i = 1; i < 40; i += 2) {
    again[i] = lh_order_node_add(&g, 500 + i);
    add(&g, a, again[i]);
    add(&g, a, again[i]);
  }
  for (uint32_t i = 2; i < 40; i += 2) add(&g, a, a + i);
  cr_expect_eq(g.live_edges, 39);
  lh_order_free(&g);
}

/* Many pairs added, many removed with their locks, in a scrambled order: every pair still there
 * is found as the edge it was, every pair removed is made anew, and nothing is counted twice. */
Test(lock_order, the_edges_of_a_churning_graph_are_each_found_once) {
  struct lh_order_graph g = {0};
  enum { N = 300 };
  uint32_t a = nodes(&g, N), hub = a, at[N] = {0};
  uint64_t x = 88172645463325252ull;
  for (uint32_t round = 0; round < 20; round++) {
    for (uint32_t i = 1; i < N; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      uint32_t leaf = 1 + (uint32_t)(x % (N - 1));
      if (g.nodes[a + leaf].used) at[leaf] = lh_order_edge_put(&g, hub, a + leaf);
    }
    for (uint32_t i = 1; i < N; i += 3 + round % 5) lh_order_node_dead(&g, a + i);
    uint32_t live = 0;
    for (uint32_t i = 1; i < N; i++)
      if (g.nodes[a + i].used && g.nodes[a + i].nin > 0) {
        live++;
        cr_expect_eq(lh_order_edge_put(&g, hub, a + i), at[i], "round %u, leaf %u", round, i);
      }
    cr_expect_eq(g.live_edges, live, "round %u", round);
  }
  lh_order_free(&g);
}

/* x -> u and v -> y: u -> v needs a search (u has an in-edge, v an out-edge), which finds no
 * way back from v to u. */
Test(lock_order, an_edge_against_the_order_without_a_way_back_closes_no_cycle) {
  struct lh_order_graph g = {0};
  uint32_t x = nodes(&g, 4), u = x + 1, v = x + 2, y = x + 3;
  add(&g, x, u);
  add(&g, v, y);
  add(&g, y, x); /* v -> y -> x -> u: the search from v meets u only through this */
  cr_expect_eq(add(&g, v, u), LH_ORDER_ACYCLIC);
  cr_expect_eq(g.nfound, 0);
  lh_order_free(&g);
}

Test(lock_order, the_edge_closing_a_ring_of_three_is_cyclic_and_names_the_ring) {
  struct lh_order_graph g = {0};
  uint32_t a = nodes(&g, 5), b = a + 1, c = a + 2, outside = a + 3, after = a + 4;
  cr_expect_eq(add(&g, outside, a), LH_ORDER_ACYCLIC);
  cr_expect_eq(add(&g, a, b), LH_ORDER_ACYCLIC);
  cr_expect_eq(add(&g, b, c), LH_ORDER_ACYCLIC);
  cr_expect_eq(add(&g, c, after), LH_ORDER_ACYCLIC);
  cr_expect_eq(add(&g, c, a), LH_ORDER_CYCLIC);
  cr_expect_eq(g.nfound, 3);
  cr_expect(found_has(&g, a) && found_has(&g, b) && found_has(&g, c));
  cr_expect_eq(g.nodes[outside].comp, 0);
  cr_expect_eq(g.nodes[after].comp, 0);
  /* inside the component now: cyclic without a new component */
  cr_expect_eq(add(&g, b, a), LH_ORDER_CYCLIC);
  cr_expect_eq(g.nfound, 0);
  cr_expect_eq(add(&g, a, b), LH_ORDER_CYCLIC);
  /* into it from outside, or out of it: no cycle */
  cr_expect_eq(add(&g, outside, c), LH_ORDER_ACYCLIC);
  cr_expect_eq(add(&g, b, after), LH_ORDER_ACYCLIC);
  lh_order_free(&g);
}

Test(lock_order, a_cycle_through_two_components_merges_them) {
  struct lh_order_graph g = {0};
  uint32_t a = nodes(&g, 5), b = a + 1, c = a + 2, d = a + 3, m = a + 4;
  add(&g, a, b);
  cr_expect_eq(add(&g, b, a), LH_ORDER_CYCLIC);
  add(&g, c, d);
  cr_expect_eq(add(&g, d, c), LH_ORDER_CYCLIC);
  cr_expect_neq(g.nodes[a].comp, g.nodes[c].comp);
  add(&g, b, m);
  cr_expect_eq(add(&g, m, c), LH_ORDER_ACYCLIC);
  cr_expect_eq(add(&g, d, a), LH_ORDER_CYCLIC);
  cr_expect_eq(g.nfound, 5);
  cr_expect_eq(g.nodes[a].comp, g.nodes[d].comp);
  cr_expect_eq(g.nodes[m].comp, g.nodes[c].comp);
  lh_order_free(&g);
}

Test(lock_order, past_the_budget_the_answer_is_unknown) {
  struct lh_order_graph g = {.budget = 50};
  uint32_t a = nodes(&g, 101);
  for (uint32_t i = 0; i < 100; i++) add(&g, a + i, a + i + 1);
  uint32_t x = nodes(&g, 1);
  add(&g, x, a + 50);
  /* a + 50 -> x: x has an in-edge, a + 50 out-edges; the way back is 50+ nodes long */
  cr_expect_eq(add(&g, a + 100, x), LH_ORDER_UNKNOWN);
  g.budget = LH_ORDER_BUDGET;
  uint32_t y = nodes(&g, 1);
  add(&g, y, a + 60);
  cr_expect_eq(add(&g, a + 99, y), LH_ORDER_CYCLIC);
  /* the edge that came back UNKNOWN was added all the same: a + 50 .. a + 100, x and y */
  cr_expect_eq(g.nfound, 53);
  lh_order_free(&g);
}

/* a new lock a under x, held over a hub with 10,000 locks below it: the backward side, from a,
 * ends after one step, so the search costs a few steps, not 10,000. */
Test(lock_order, a_lock_with_few_ancestors_over_a_large_graph_costs_a_short_search) {
  struct lh_order_graph g = {.budget = 20};
  uint32_t hub = nodes(&g, 10001);
  for (uint32_t i = 1; i <= 10000; i++) add(&g, hub, hub + i);
  uint32_t x = nodes(&g, 1);
  for (int i = 0; i < 100; i++) {
    uint32_t a = nodes(&g, 1);
    add(&g, x, a);
    cr_expect_eq(add(&g, a, hub), LH_ORDER_ACYCLIC);
  }
  lh_order_free(&g);
}

/* roots_j -> top -> a_i -> hub -> leaves: every a_i -> hub needs a search of about 100 steps a
 * side that finds nothing. With 1,000 steps for the run and 10 per edge, most are refused. */
Test(lock_order, searches_that_keep_finding_nothing_are_bounded_over_the_run) {
  struct lh_order_graph g = {.base = 1000, .per_edge = 10};
  uint32_t hub = nodes(&g, 101), top = nodes(&g, 101);
  for (uint32_t i = 1; i <= 100; i++) {
    add(&g, hub, hub + i);
    add(&g, top + i, top);
  }
  int acyclic = 0, unknown = 0;
  for (int i = 0; i < 100; i++) {
    uint32_t a = nodes(&g, 1);
    add(&g, top, a);
    enum lh_order_verdict v = add(&g, a, hub);
    acyclic += v == LH_ORDER_ACYCLIC;
    unknown += v == LH_ORDER_UNKNOWN;
  }
  /* about 200 steps a search against 1,000 + 10 per edge (two edges a round): a handful of
   * searches, then one now and then - the library stops searching at the first UNKNOWN anyway */
  cr_expect_gt(acyclic, 0);
  cr_expect_lt(acyclic, 30, "%d searches of about 200 steps", acyclic);
  cr_expect_eq(acyclic + unknown, 100);
  cr_expect_leq(g.spent, g.base + g.added * g.per_edge + 2 * 202);
  lh_order_free(&g);
}

static int gone_count, gone_with_target;

static void count_gone(void *ctx, struct lh_order_edge *e, bool to_gone) {
  (void)ctx;
  cr_expect_eq(e->data, (void *)&gone_count);
  gone_count++;
  gone_with_target += to_gone;
}

Test(lock_order, a_chain_destroyed_from_one_end_goes_entirely) {
  struct lh_order_graph g = {.edge_gone = count_gone};
  gone_count = gone_with_target = 0;
  uint32_t a = nodes(&g, 100);
  for (uint32_t i = 0; i + 1 < 100; i++) {
    uint32_t e;
    lh_order_edge_add(&g, a + i, a + i + 1, &e);
    g.edges[e].data = &gone_count;
  }
  for (uint32_t i = 0; i < 100; i++) lh_order_node_dead(&g, a + i);
  cr_expect_eq(g.live_nodes, 0);
  cr_expect_eq(g.live_edges, 0);
  cr_expect_eq(gone_count, 99);
  cr_expect_eq(gone_with_target, 0); /* each edge went with its source, the end of the chain */
  uint32_t again = lh_order_node_add(&g, 7);
  cr_expect_lt(again, 100, "a freed node is used again");
  lh_order_free(&g);
}

/* b is destroyed between a and c: it may still join them in a cycle, so it stays until an end
 * of it goes. */
Test(lock_order, a_dead_lock_between_two_live_ones_stays_on_their_cycles) {
  struct lh_order_graph g = {.edge_gone = count_gone};
  gone_count = gone_with_target = 0;
  uint32_t a = nodes(&g, 3), b = a + 1, c = a + 2;
  uint32_t e;
  lh_order_edge_add(&g, a, b, &e);
  g.edges[e].data = &gone_count;
  lh_order_edge_add(&g, b, c, &e);
  g.edges[e].data = &gone_count;
  lh_order_node_dead(&g, b);
  cr_expect_eq(g.live_nodes, 3);
  cr_expect_eq(add(&g, c, a), LH_ORDER_CYCLIC);
  cr_expect_eq(g.nfound, 3);

  struct lh_order_graph h = {.edge_gone = count_gone};
  a = nodes(&h, 3), b = a + 1, c = a + 2;
  lh_order_edge_add(&h, a, b, &e);
  h.edges[e].data = &gone_count;
  lh_order_edge_add(&h, b, c, &e);
  h.edges[e].data = &gone_count;
  lh_order_node_dead(&h, b);
  lh_order_node_dead(&h, c); /* c goes (no out-edge), then b (no out-edge left) */
  cr_expect_eq(h.live_nodes, 1);
  cr_expect_eq(h.live_edges, 0);
  cr_expect_eq(gone_count, 2);
  cr_expect_eq(gone_with_target, 2);
  lh_order_free(&g);
  lh_order_free(&h);
}

/* Once the library keeps back leaves only, edges go in without a question (lh_order_edge_put):
 * no search, no component, an edge there already not added again. */
Test(lock_order, an_edge_put_without_a_question_makes_no_search) {
  struct lh_order_graph g = {.budget = 1};
  uint32_t a = nodes(&g, 3);
  cr_expect_neq(lh_order_edge_put(&g, a, a + 1), LH_ORDER_NONE);
  cr_expect_neq(lh_order_edge_put(&g, a + 1, a + 2), LH_ORDER_NONE);
  uint32_t e = lh_order_edge_put(&g, a + 2, a);
  cr_expect_neq(e, LH_ORDER_NONE);
  cr_expect_eq(lh_order_edge_put(&g, a + 2, a), e);
  cr_expect_eq(g.live_edges, 3);
  cr_expect_eq(g.nodes[a].comp, 0);
  cr_expect_eq(g.spent, 0);
  lh_order_free(&g);
}
