/* test_analysis.c - the pipeline as a whole: which cycles become findings. */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"

/* Locks 0, 1, 2, every pair taken in both orders, each order by its own thread. */
static struct lh_model *three_locks_inverted_pairwise(void) {
  struct rb rb = {0};
  rb_standard(&rb, 6, 3);
  const int pairs[6][2] = {{0, 1}, {1, 0}, {1, 2}, {2, 1}, {2, 0}, {0, 2}};
  for (int t = 0; t < 6; t++)
    rb_add(&rb,
           "{'t':'acq','thread':%d,'seg':0,'lock':%d,'mode':'w','stack':%d,'held':[[%d,'w',%d]]}",
           t + 1, pairs[t][1], 8 + t, pairs[t][0], 2 + t);
  struct lh_model *m = rb_model(&rb, NULL);
  free(rb.buf);
  return m;
}

Test(analysis, longer_cycles_made_of_reported_inversions_are_counted_not_reported) {
  struct lh_model *m = three_locks_inverted_pairwise();
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats stats;
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 3, "the three pairs");
  for (size_t i = 0; i < f->n; i++) cr_assert_eq(f->items[i].n, 2);
  cr_assert_eq(stats.covered, 2, "0->1->2->0 and 0->2->1->0 add nothing new");
  cr_assert_eq(stats.cycles.cycles, 5);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(analysis, the_cycle_length_limit_applies) {
  struct rb rb = {0};
  rb_standard(&rb, 3, 3);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':2,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  rb_add(&rb, "{'t':'acq','thread':3,'seg':0,'lock':0,'mode':'w','stack':7,'held':[[2,'w',6]]}");
  struct lh_model *m = rb_model(&rb, NULL);
  free(rb.buf);
  struct lh_analysis_stats stats;
  struct lh_analysis_options two = {2}, three = {3};
  struct lh_findings *f = lh_analyse(m, &two, &stats);
  cr_assert_eq(f->n, 0);
  lh_findings_free(f);
  f = lh_analyse(m, &three, &stats);
  cr_assert_eq(f->n, 1);
  lh_findings_free(f);
  lh_model_free(m);
}
