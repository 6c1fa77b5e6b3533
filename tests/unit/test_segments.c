/* test_segments.c - which thread segments thread creation and join put in order. */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"
#include "analysis/segments.h"

/* main (0) creates T1 in seg 0 and T2 in seg 1; T1 creates T3 in its seg 0; main joins T1 in seg 2. */
static struct lh_model *family(void) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 0);
  rb_add(
      &rb,
      "{'t':'thread','id':3,'tid':103,'parent':1,'parent_seg':0,'stack':0,'how':'pthread_create'}");
  rb_add(&rb, "{'t':'join','thread':0,'seg':2,'joined':1}");
  struct lh_model *m = rb_model(&rb, NULL);
  free(rb.buf);
  return m;
}

Test(segments, a_thread_is_ordered_with_itself) {
  struct lh_model *m = family();
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert(lh_segments_before(sg, 0, 0, 0, 3));
  cr_assert_not(lh_segments_parallel(sg, 0, 0, 0, 3));
  cr_assert_not(lh_segments_before(sg, 0, 3, 0, 0));
  lh_segments_free(sg);
  lh_model_free(m);
}

Test(segments, the_creator_before_the_creation_precedes_the_child) {
  struct lh_model *m = family();
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert(lh_segments_before(sg, 0, 0, 1, 0));
  cr_assert(lh_segments_before(sg, 0, 1, 2, 0));
  cr_assert(lh_segments_parallel(sg, 0, 1, 1, 0), "after creating it, main runs alongside T1");
  lh_segments_free(sg);
  lh_model_free(m);
}

Test(segments, sibling_threads_run_in_parallel) {
  struct lh_model *m = family();
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert(lh_segments_parallel(sg, 1, 0, 2, 0));
  lh_segments_free(sg);
  lh_model_free(m);
}

Test(segments, creation_orders_transitively) {
  struct lh_model *m = family();
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert(lh_segments_before(sg, 0, 0, 3, 0), "main's seg 0 precedes its grandchild");
  cr_assert(lh_segments_parallel(sg, 3, 0, 2, 0));
  lh_segments_free(sg);
  lh_model_free(m);
}

Test(segments, a_joined_thread_precedes_what_the_joiner_does_next) {
  struct lh_model *m = family();
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert(lh_segments_before(sg, 1, 0, 0, 3));
  cr_assert(lh_segments_before(sg, 3, 0, 0, 3) == false, "T3 itself was never joined");
  cr_assert(lh_segments_parallel(sg, 1, 0, 0, 2), "before the join they overlap");
  lh_segments_free(sg);
  lh_model_free(m);
}

Test(segments, threads_of_different_files_are_always_parallel) {
  struct rb rb[2] = {{0}, {0}};
  rb_standard(&rb[0], 1, 0);
  rb_standard(&rb[1], 1, 0);
  struct lh_model *m = lh_model_new();
  char *diag;
  rb_load_all(m, rb, 2, &diag);
  lh_model_finish(m);
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert_eq(m->nthreads, 4);
  cr_assert(lh_segments_parallel(sg, 0, 0, 2, 0));
  cr_assert(lh_segments_parallel(sg, 1, 0, 3, 0));
  lh_segments_free(sg);
  lh_model_free(m);
  free(diag);
  free(rb[0].buf);
  free(rb[1].buf);
}

/* The one-off search agrees with the memoised clocks, and the order numbers every segment after
 * all that come before it, for every pair of segments 0..4 of the family's threads and of a
 * chain of created-then-joined threads. */
static void check_sweep_tools_agree(struct lh_model *m) {
  struct lh_segments *sg = lh_segments_new(m);
  for (uint32_t ta = 0; ta < m->nthreads; ta++)
    for (int32_t sa = 0; sa < 5; sa++)
      for (uint32_t tb = 0; tb < m->nthreads; tb++)
        for (int32_t sb = 0; sb < 5; sb++) {
          bool before = lh_segments_before(sg, ta, sa, tb, sb);
          cr_assert_eq(lh_segments_before_once(sg, ta, sa, tb, sb), before,
                       "(T%u,%d) before (T%u,%d)", ta, sa, tb, sb);
          if (before && (ta != tb || sa < sb))
            cr_assert_leq(lh_segments_order(sg, ta, sa), lh_segments_order(sg, tb, sb),
                          "(T%u,%d) numbered after (T%u,%d)", ta, sa, tb, sb);
        }
  lh_segments_free(sg);
}

Test(segments, the_sweep_tools_agree_with_the_pairwise_test) {
  struct lh_model *m = family();
  check_sweep_tools_agree(m);
  lh_model_free(m);
  /* main creates T1 in seg 0, joins it in seg 1, creates T2 in seg 2, T2 creates T3 in its seg 1,
   * main joins T2 in seg 3 and T3 in seg 4 */
  struct rb rb = {0};
  rb_run(&rb, 4242, "/bin/prog", "");
  rb_add(&rb, "{'t':'thread','id':0,'tid':100,'parent':-1,'parent_seg':0,'stack':-1,'how':'main'}");
  rb_add(&rb, "{'t':'thread','id':1,'tid':101,'parent':0,'parent_seg':0,'stack':-1,'how':'pthread_"
              "create'}");
  rb_add(&rb, "{'t':'join','thread':0,'seg':1,'joined':1}");
  rb_add(&rb, "{'t':'thread','id':2,'tid':102,'parent':0,'parent_seg':2,'stack':-1,'how':'pthread_"
              "create'}");
  rb_add(&rb, "{'t':'thread','id':3,'tid':103,'parent':2,'parent_seg':1,'stack':-1,'how':'pthread_"
              "create'}");
  rb_add(&rb, "{'t':'join','thread':0,'seg':3,'joined':2}");
  rb_add(&rb, "{'t':'join','thread':0,'seg':4,'joined':3}");
  m = rb_model(&rb, NULL);
  free(rb.buf);
  check_sweep_tools_agree(m);
  lh_model_free(m);
}

/* A parent (pid 100, session s1) whose main thread creates T1 in seg 0 and forks in seg 1 (then
 * goes on in seg 2); its fork child (pid 101, lineage /f1) with its one thread 0, which forks a
 * grandchild (pid 102, /f1/f1) in its seg 1; and an unrelated process (pid 103). */
static struct lh_model *fork_family(void) {
  struct rb rb[4] = {{0}, {0}, {0}, {0}};
  static const struct {
    int pid, parent, fork_seg;
    const char *lineage;
  } p[4] = {{100, 0, 0, ""}, {101, 100, 1, "/f1"}, {102, 101, 1, "/f1/f1"}, {103, 0, 0, ""}};
  for (int i = 0; i < 4; i++) {
    char fork_point[128] = "";
    if (p[i].parent)
      snprintf(fork_point, sizeof fork_point, ",'forked_from':%d,'fork_thread':0,'fork_seg':%d",
               p[i].parent, p[i].fork_seg);
    rb_add(&rb[i],
           "{'t':'run','format':'lockhound-run','version':1,'pid':%d,'ppid':1,'exe':'/bin/prog',"
           "'argv':['prog'],'session':'s1','lineage':'%s','start_ns':1%s}",
           p[i].pid, p[i].lineage, fork_point);
    rb_add(&rb[i],
           "{'t':'thread','id':0,'tid':%d,'parent':-1,'parent_seg':0,'stack':-1,'how':'%s'}",
           p[i].pid, p[i].parent ? "fork" : "main");
  }
  rb_add(&rb[0],
         "{'t':'thread','id':1,'tid':105,'parent':0,'parent_seg':0,'how':'pthread_create'}");
  struct lh_model *m = lh_model_new();
  char *diag;
  cr_assert_eq(rb_load_all(m, rb, 4, &diag), 0, "%s", diag);
  lh_model_finish(m);
  free(diag);
  for (int i = 0; i < 4; i++) free(rb[i].buf);
  return m;
}

/* Model thread indices in fork_family: parent main 0, parent's T1 1, child 2, grandchild 3,
 * unrelated 4. */
Test(segments, what_a_process_did_before_a_fork_precedes_its_child) {
  struct lh_model *m = fork_family();
  cr_assert_eq(m->nthreads, 5);
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert(lh_segments_before(sg, 0, 1, 2, 0), "the parent's segment of the fork");
  cr_assert(lh_segments_before(sg, 0, 0, 2, 5), "and the ones before it");
  cr_assert(lh_segments_before_once(sg, 0, 1, 2, 3));
  cr_assert_not(lh_segments_before(sg, 2, 0, 0, 1), "never the other way");
  lh_segments_free(sg);
  lh_model_free(m);
}

Test(segments, a_parent_after_its_fork_runs_alongside_the_child) {
  struct lh_model *m = fork_family();
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert(lh_segments_parallel(sg, 0, 2, 2, 0));
  cr_assert(lh_segments_parallel(sg, 1, 0, 2, 0), "the parent's other thread, not joined");
  cr_assert_not(lh_segments_before_once(sg, 0, 2, 2, 0));
  lh_segments_free(sg);
  lh_model_free(m);
}

Test(segments, a_fork_orders_down_to_grandchildren_and_nothing_else) {
  struct lh_model *m = fork_family();
  struct lh_segments *sg = lh_segments_new(m);
  cr_assert(lh_segments_before(sg, 0, 1, 3, 0), "the grandparent before its fork");
  cr_assert(lh_segments_before(sg, 2, 1, 3, 0), "the child before its own fork");
  cr_assert(lh_segments_parallel(sg, 2, 2, 3, 0), "the child after it");
  cr_assert(lh_segments_parallel(sg, 0, 0, 4, 0), "an unrelated process");
  cr_assert(lh_segments_parallel(sg, 3, 0, 4, 0));
  lh_segments_free(sg);
  lh_model_free(m);
}
