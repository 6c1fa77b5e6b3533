/* test_lock_graph.c - which acquisitions make lock-order edges. */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"
#include "analysis/lock_graph.h"

static struct lh_lock_graph *graph_of(struct rb *rb, struct lh_model **m) {
  *m = rb_model(rb, NULL);
  free(rb->buf);
  return lh_lock_graph_build(*m);
}

static bool has_edge(const struct lh_lock_graph *g, uint32_t from, uint32_t to) {
  for (uint32_t k = g->out_start[from]; k < g->out_start[from + 1]; k++)
    if (g->edges[g->out[k]].to == to) return true;
  return false;
}

Test(lock_graph, every_held_lock_gets_an_edge_to_the_acquired_one) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 3);
  rb_add(
      &rb,
      "{'t':'acq','thread':1,'seg':0,'lock':2,'mode':'w','stack':3,'held':[[0,'w',1],[1,'w',2]]}");
  struct lh_model *m;
  struct lh_lock_graph *g = graph_of(&rb, &m);
  cr_assert_eq(g->nedges, 2);
  cr_assert(has_edge(g, 0, 2));
  cr_assert(has_edge(g, 1, 2));
  cr_assert_not(has_edge(g, 0, 1), "held locks are not ordered by this acquisition");
  lh_lock_graph_free(g);
  lh_model_free(m);
}

Test(lock_graph, a_trylock_makes_no_edge) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  rb_add(
      &rb,
      "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',1]],'try':true}");
  struct lh_model *m;
  struct lh_lock_graph *g = graph_of(&rb, &m);
  cr_assert_eq(g->nedges, 0);
  lh_lock_graph_free(g);
  lh_model_free(m);
}

Test(lock_graph, a_lock_held_by_trylock_still_orders_later_blocking_acquisitions) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':1,'held':[],'try':true}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',1]]}");
  struct lh_model *m;
  struct lh_lock_graph *g = graph_of(&rb, &m);
  cr_assert(has_edge(g, 0, 1));
  lh_lock_graph_free(g);
  lh_model_free(m);
}

Test(lock_graph, a_lock_taken_again_while_held_is_no_edge) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'r','stack':3,'held':[[0,'r',1]]}");
  struct lh_model *m;
  struct lh_lock_graph *g = graph_of(&rb, &m);
  cr_assert_eq(g->nedges, 0);
  lh_lock_graph_free(g);
  lh_model_free(m);
}

Test(lock_graph, an_edge_remembers_every_acquisition_that_makes_it) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',1]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':1,'mode':'w','stack':4,'held':[[0,'w',2]]}");
  struct lh_model *m;
  struct lh_lock_graph *g = graph_of(&rb, &m);
  cr_assert_eq(g->nedges, 1);
  cr_assert_eq(g->edges[0].nrefs, 2);
  cr_assert_eq(g->edges[0].refs[0].tuple, 0);
  cr_assert_eq(g->edges[0].refs[1].tuple, 1);
  lh_lock_graph_free(g);
  lh_model_free(m);
}
