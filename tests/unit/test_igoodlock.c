/* test_igoodlock.c - which lock-order cycles are potential deadlocks (the iGoodlock filters).
 * Each test writes the acquisitions of a small program as a run file and checks the verdict. */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"

static size_t count(struct lh_findings *f, enum lh_level level) {
  return lh_findings_count(f, level);
}

/* T1: lock 0 then 1; T2: lock 1 then 0 - the classic inversion. */
static void ab_ba(struct rb *rb, const char *t1_extra, const char *t2_extra) {
  rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]%s}",
         t1_extra);
  rb_add(rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]%s}",
         t2_extra);
}

Test(igoodlock, two_threads_taking_two_locks_in_opposite_orders_is_a_deadlock) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  ab_ba(&rb, "", "");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  cr_assert_eq(f->items[0].n, 2);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, one_thread_taking_locks_in_both_orders_is_a_warning_not_a_deadlock) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(f->n, 1);
  cr_assert_eq(f->items[0].kind, LH_FINDING_SINGLE_THREAD_LOCK_ORDER);
  cr_assert_eq(f->items[0].level, LH_LEVEL_WARNING);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 0, "a thread cannot deadlock with itself this way");
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, one_thread_taking_both_orders_under_a_gate_lock_gets_no_warning) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 3); /* lock 2 is the gate */
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,"
              "'held':[[2,'w',6],[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':5,"
              "'held':[[2,'w',6],[1,'w',4]]}");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(f->n, 0, "two threads running this code would be kept apart by the gate");
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, a_gate_lock_held_around_both_orders_prevents_the_deadlock) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 3); /* lock 2 is the gate */
  rb_add(
      &rb,
      "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[2,'w',6],[0,'w',2]]}");
  rb_add(
      &rb,
      "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[2,'w',6],[1,'w',4]]}");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(f->n, 0);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, a_rwlock_held_for_reading_by_both_is_no_gate) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'lock','id':2,'kind':'rwlock','addr':'0x8400','gen':0,'how':'init','stack':6,'"
              "prefer':'reader'}");
  rb_add(
      &rb,
      "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[2,'r',6],[0,'w',2]]}");
  rb_add(
      &rb,
      "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[2,'r',6],[1,'w',4]]}");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, threads_ordered_by_join_give_a_note_not_an_error) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  /* main creates T1 (main seg 0), joins it in seg 1, then creates T2 in seg 2 */
  rb_add(&rb, "{'t':'join','thread':0,'seg':1,'joined':1}");
  rb_add(
      &rb,
      "{'t':'thread','id':2,'tid':102,'parent':0,'parent_seg':2,'stack':0,'how':'pthread_create'}");
  ab_ba(&rb, "", "");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 0);
  cr_assert_eq(count(f, LH_LEVEL_NOTE), 1);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, a_parent_taking_the_other_order_before_creating_the_child_gives_a_note) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2); /* T1 created by main in main's segment 0 */
  rb_add(&rb, "{'t':'acq','thread':0,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 0);
  cr_assert_eq(count(f, LH_LEVEL_NOTE), 1);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, a_trylock_adds_no_ordering_edge) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  ab_ba(&rb, "", ",'try':true");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(f->n, 0);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, a_timed_lock_can_still_block_and_counts) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  ab_ba(&rb, "", ",'timed':true");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  lh_findings_free(f);
  free(rb.buf);
}

/* Two rwlocks (ids 2 and 3) taken in opposite orders with the given modes. */
static struct lh_findings *rwlock_inversion(const char *prefer, char t1_held, char t1_wants,
                                            char t2_held, char t2_wants) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 0);
  rb_add(&rb,
         "{'t':'lock','id':2,'kind':'rwlock','addr':'0x8400','how':'init','stack':6,'prefer':'%s'}",
         prefer);
  rb_add(&rb,
         "{'t':'lock','id':3,'kind':'rwlock','addr':'0x8440','how':'init','stack':7,'prefer':'%s'}",
         prefer);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':3,'mode':'%c','stack':3,'held':[[2,'%c',2]]}",
         t1_wants, t1_held);
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':2,'mode':'%c','stack':5,'held':[[3,'%c',4]]}",
         t2_wants, t2_held);
  struct lh_findings *f = rb_findings(&rb, NULL);
  free(rb.buf);
  return f;
}

Test(igoodlock, readers_only_on_reader_preferring_rwlocks_never_block_each_other) {
  struct lh_findings *f = rwlock_inversion("reader", 'r', 'r', 'r', 'r');
  cr_assert_eq(f->n, 0);
  lh_findings_free(f);
}

Test(igoodlock, a_reader_waiting_for_a_reader_is_harmless_but_the_other_step_must_block_too) {
  /* T1 holds 2 for reading and wants 3 for reading; T2 holds 3 for reading: T1 gets it. */
  struct lh_findings *f = rwlock_inversion("reader", 'r', 'r', 'r', 'w');
  cr_assert_eq(f->n, 0);
  lh_findings_free(f);
}

Test(igoodlock, a_writer_against_a_reader_is_a_deadlock) {
  struct lh_findings *f = rwlock_inversion("reader", 'r', 'w', 'r', 'w');
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  lh_findings_free(f);
}

Test(igoodlock, readers_on_writer_preferring_rwlocks_can_deadlock) {
  struct lh_findings *f = rwlock_inversion("writer", 'r', 'r', 'r', 'r');
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  lh_findings_free(f);
}

Test(igoodlock, a_lock_recreated_at_the_same_address_is_another_lock) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 1);
  /* lock 1 at 0x8100; destroyed, then lock 2 at the same address, generation 1 */
  rb_add(&rb, "{'t':'lock','id':1,'kind':'mutex','addr':'0x8100','gen':0,'how':'init','stack':1}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'destroy','lock':1,'thread':1,'stack':7}");
  rb_add(&rb, "{'t':'lock','id':2,'kind':'mutex','addr':'0x8100','gen':1,'how':'init','stack':1}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[2,'w',4]]}");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(f->n, 0);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, three_threads_in_a_ring_deadlock) {
  struct rb rb = {0};
  rb_standard(&rb, 3, 3);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':2,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  rb_add(&rb, "{'t':'acq','thread':3,'seg':0,'lock':0,'mode':'w','stack':7,'held':[[2,'w',6]]}");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  cr_assert_eq(f->items[0].n, 3);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, a_ring_closed_twice_by_the_same_thread_is_not_a_deadlock) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 3);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':2,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':7,'held':[[2,'w',6]]}");
  struct lh_findings *f = rb_findings(&rb, NULL);
  cr_assert_eq(f->n, 0);
  lh_findings_free(f);
  free(rb.buf);
}

Test(igoodlock, a_valid_choice_is_found_among_many_acquisitions_of_one_edge) {
  struct rb rb = {0};
  rb_standard(&rb, 3, 2);
  /* T1 takes 0 -> 1 twice (under gate lock 2, then without); T2 takes 1 -> 0 under the gate;
   * T3 takes 1 -> 0 without it */
  rb_add(&rb, "{'t':'lock','id':2,'kind':'mutex','addr':'0x8400','how':'static','stack':9}");
  rb_add(
      &rb,
      "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[2,'w',9],[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(
      &rb,
      "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[2,'w',9],[1,'w',4]]}");
  rb_add(&rb, "{'t':'acq','thread':3,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  struct lh_model *m;
  struct lh_findings *f = rb_findings(&rb, &m);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  /* T2 shares the gate with both of T1's acquisitions: only T3 can close the cycle */
  bool has_t3 = false;
  for (size_t i = 0; i < 2; i++) {
    const struct lh_tuple *t = &m->tuples[f->items[0].steps[i].tuple];
    cr_assert_neq(m->threads[t->thread].id, 2);
    has_t3 |= m->threads[t->thread].id == 3;
  }
  cr_assert(has_t3);
  lh_findings_free(f);
  lh_model_free(m);
  free(rb.buf);
}

Test(igoodlock, a_cycle_the_search_cannot_finish_is_undecided_not_cleared) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  ab_ba(&rb, "", "");
  struct lh_model *m = rb_model(&rb, NULL);
  struct lh_lock_graph *g = lh_lock_graph_build(m);
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert_eq(g->nedges, 2);
  uint32_t edges[2] = {0, 1};
  if (g->edges[0].from != g->edges[1].to) { /* the two edges in cycle order */
    edges[0] = 1;
    edges[1] = 0;
  }
  struct lh_step witness[2];
  cr_expect_eq(lh_igoodlock_check(m, g, sg, edges, 2, 1, witness), LH_VERDICT_UNDECIDED,
               "one choice cannot pick two acquisitions");
  cr_expect_eq(lh_igoodlock_check(m, g, sg, edges, 2, 0, witness), LH_VERDICT_DEADLOCK);
  lh_segments_free(sg);
  lh_lock_graph_free(g);
  lh_model_free(m);
  free(rb.buf);
}

/* 2000 threads, each created and joined by main before the next, take 0 -> 1 and 1 -> 0 in turn
 * at the same two places: create/join orders every pair of them. Then T2001 and T2002 run at the
 * same time and invert. The 1000 x 1000 pairs of ordered acquisitions used to exhaust the
 * search's budget (the cycle was undecided, so the real deadlock went unreported); grouped, the
 * pair is found. */
Test(igoodlock, many_ordered_threads_on_the_same_edges_do_not_hide_the_parallel_pair) {
  enum { ORDERED = 2000 };
  struct rb rb = {0};
  rb_standard(&rb, 0, 2);
  for (int i = 1; i <= ORDERED; i++) {
    rb_add(&rb,
           "{'t':'thread','id':%d,'tid':%d,'parent':0,'parent_seg':%d,'stack':0,'how':'pthread_"
           "create'}",
           i, 1000 + i, 2 * (i - 1));
    if (i % 2)
      rb_add(&rb,
             "{'t':'acq','thread':%d,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}", i);
    else
      rb_add(&rb,
             "{'t':'acq','thread':%d,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}", i);
    rb_add(&rb, "{'t':'join','thread':0,'seg':%d,'joined':%d}", 2 * (i - 1) + 1, i);
  }
  rb_add(&rb,
         "{'t':'thread','id':%d,'tid':9001,'parent':0,'parent_seg':%d,'stack':0,'how':'pthread_"
         "create'}",
         ORDERED + 1, 2 * ORDERED);
  rb_add(&rb,
         "{'t':'thread','id':%d,'tid':9002,'parent':0,'parent_seg':%d,'stack':0,'how':'pthread_"
         "create'}",
         ORDERED + 2, 2 * ORDERED + 1);
  rb_add(&rb, "{'t':'acq','thread':%d,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}",
         ORDERED + 1);
  rb_add(&rb, "{'t':'acq','thread':%d,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}",
         ORDERED + 2);
  struct lh_model *m;
  struct lh_findings *f = rb_findings(&rb, &m);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  for (size_t i = 0; i < 2; i++) {
    const struct lh_tuple *t = &m->tuples[f->items[0].steps[i].tuple];
    cr_expect_gt(m->threads[t->thread].id, ORDERED, "the witness is the parallel pair");
  }
  lh_findings_free(f);
  lh_model_free(m);
  free(rb.buf);
}

/* The same without the parallel pair: every pair is ordered, so a note, decided (not undecided). */
Test(igoodlock, many_ordered_threads_alone_give_a_note_not_an_undecided_cycle) {
  enum { ORDERED = 2000 };
  struct rb rb = {0};
  rb_standard(&rb, 0, 2);
  for (int i = 1; i <= ORDERED; i++) {
    rb_add(&rb,
           "{'t':'thread','id':%d,'tid':%d,'parent':0,'parent_seg':%d,'stack':0,'how':'pthread_"
           "create'}",
           i, 1000 + i, 2 * (i - 1));
    if (i % 2)
      rb_add(&rb,
             "{'t':'acq','thread':%d,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}", i);
    else
      rb_add(&rb,
             "{'t':'acq','thread':%d,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}", i);
    rb_add(&rb, "{'t':'join','thread':0,'seg':%d,'joined':%d}", 2 * (i - 1) + 1, i);
  }
  struct lh_model *m = rb_model(&rb, NULL);
  struct lh_analysis_options o = {0};
  struct lh_analysis_stats stats = {0};
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 0);
  cr_assert_eq(count(f, LH_LEVEL_NOTE), 1);
  cr_assert_eq(stats.undecided, 0);
  lh_findings_free(f);
  lh_model_free(m);
  free(rb.buf);
}

/* 1000 threads running at the same time take 0 -> 1; main joins them all, then takes 1 -> 0:
 * every pair is ordered by the joins (a note), although the threads of the first edge are all
 * parallel to each other. */
Test(igoodlock, many_parallel_threads_all_joined_before_the_other_order_give_a_note) {
  enum { PARALLEL = 1000 };
  struct rb rb = {0};
  rb_standard(&rb, 0, 2);
  for (int i = 1; i <= PARALLEL; i++) {
    rb_add(&rb,
           "{'t':'thread','id':%d,'tid':%d,'parent':0,'parent_seg':%d,'stack':0,'how':'pthread_"
           "create'}",
           i, 1000 + i, i - 1);
    rb_add(&rb, "{'t':'acq','thread':%d,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}",
           i);
  }
  for (int i = 1; i <= PARALLEL; i++)
    rb_add(&rb, "{'t':'join','thread':0,'seg':%d,'joined':%d}", PARALLEL + i - 1, i);
  rb_add(&rb, "{'t':'acq','thread':0,'seg':%d,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}",
         2 * PARALLEL);
  struct lh_model *m = rb_model(&rb, NULL);
  struct lh_analysis_options o = {0};
  struct lh_analysis_stats stats = {0};
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 0);
  cr_assert_eq(count(f, LH_LEVEL_NOTE), 1);
  cr_assert_eq(stats.undecided, 0);
  lh_findings_free(f);
  lh_model_free(m);
  free(rb.buf);
}

/* The same, but main takes 1 -> 0 before joining the last thread: that one runs in parallel. */
Test(igoodlock, the_one_thread_not_yet_joined_is_found_among_many_parallel_ones) {
  enum { PARALLEL = 1000 };
  struct rb rb = {0};
  rb_standard(&rb, 0, 2);
  for (int i = 1; i <= PARALLEL; i++) {
    rb_add(&rb,
           "{'t':'thread','id':%d,'tid':%d,'parent':0,'parent_seg':%d,'stack':0,'how':'pthread_"
           "create'}",
           i, 1000 + i, i - 1);
    rb_add(&rb, "{'t':'acq','thread':%d,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}",
           i);
  }
  for (int i = 1; i < PARALLEL; i++)
    rb_add(&rb, "{'t':'join','thread':0,'seg':%d,'joined':%d}", PARALLEL + i - 1, i);
  rb_add(&rb, "{'t':'acq','thread':0,'seg':%d,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}",
         2 * PARALLEL - 1);
  struct lh_model *m;
  struct lh_findings *f = rb_findings(&rb, &m);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  bool has_last = false;
  for (size_t i = 0; i < 2; i++)
    has_last |= m->threads[m->tuples[f->items[0].steps[i].tuple].thread].id == PARALLEL;
  cr_expect(has_last, "the witness is the thread not joined");
  lh_findings_free(f);
  lh_model_free(m);
  free(rb.buf);
}

/* A ring of three locks: 1500 threads created and joined one after another take its three edges
 * in turn, then three threads running at the same time close it. The ordered threads run in
 * parallel with none of the others and are dropped before the backtracking, which would
 * otherwise face 500 x 500 x 500 choices (undecided). */
Test(igoodlock, a_ring_of_three_is_found_after_many_ordered_threads_took_its_edges) {
  enum { ORDERED = 1500 };
  static const char *const edge[3] = {"'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]",
                                      "'lock':2,'mode':'w','stack':5,'held':[[1,'w',4]]",
                                      "'lock':0,'mode':'w','stack':7,'held':[[2,'w',6]]"};
  struct rb rb = {0};
  rb_standard(&rb, 0, 3);
  for (int i = 1; i <= ORDERED; i++) {
    rb_add(&rb,
           "{'t':'thread','id':%d,'tid':%d,'parent':0,'parent_seg':%d,'stack':0,'how':'pthread_"
           "create'}",
           i, 1000 + i, 2 * (i - 1));
    rb_add(&rb, "{'t':'acq','thread':%d,'seg':0,%s}", i, edge[i % 3]);
    rb_add(&rb, "{'t':'join','thread':0,'seg':%d,'joined':%d}", 2 * (i - 1) + 1, i);
  }
  for (int k = 0; k < 3; k++) {
    rb_add(&rb,
           "{'t':'thread','id':%d,'tid':%d,'parent':0,'parent_seg':%d,'stack':0,'how':'pthread_"
           "create'}",
           ORDERED + 1 + k, 9000 + k, 2 * ORDERED + k);
    rb_add(&rb, "{'t':'acq','thread':%d,'seg':0,%s}", ORDERED + 1 + k, edge[k]);
  }
  struct lh_model *m = rb_model(&rb, NULL);
  struct lh_analysis_options o = {0};
  struct lh_analysis_stats stats = {0};
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(stats.undecided, 0);
  cr_assert_eq(count(f, LH_LEVEL_ERROR), 1);
  cr_assert_eq(f->items[0].n, 3);
  for (size_t i = 0; i < 3; i++)
    cr_expect_gt(m->threads[m->tuples[f->items[0].steps[i].tuple].thread].id, ORDERED);
  lh_findings_free(f);
  lh_model_free(m);
  free(rb.buf);
}
