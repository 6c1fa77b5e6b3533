/* test_model_merge.c - what merges when several run files are loaded together. */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"

static struct lh_model *load_two(struct rb rb[2]) {
  struct lh_model *m = lh_model_new();
  char *diag;
  cr_assert_eq(rb_load_all(m, rb, 2, &diag), 0);
  lh_model_finish(m);
  free(diag);
  free(rb[0].buf);
  free(rb[1].buf);
  return m;
}

/* A second run of /bin/prog loaded at another address: same module, shifted by 0x100000. */
static void shifted_run(struct rb *rb, const char *lineage) {
  rb_run(rb, 5151, "/bin/prog", lineage);
  rb_add(rb, "{'t':'module','id':0,'path':'/bin/"
             "prog','base':'0x101000','segs':[['0x101000','0x109000']]}");
  rb_add(rb, "{'t':'stack','id':0,'pcs':['0x101100']}");
  rb_add(rb, "{'t':'thread','id':0,'tid':200,'parent':-1,'parent_seg':0,'stack':-1,'how':'main'}");
  rb_add(rb, "{'t':'lock','id':0,'kind':'mutex','addr':'0x108000','how':'static','stack':0}");
}

Test(model_merge, the_same_global_lock_in_two_runs_of_a_program_is_one_lock) {
  struct rb rb[2] = {{0}, {0}};
  rb_standard(&rb[0], 0, 1); /* lock 0 at 0x8000 = /bin/prog + 0x7000 */
  shifted_run(&rb[1], "");   /* lock 0 at 0x108000 = /bin/prog + 0x7000 */
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nfiles, 2);
  cr_assert_eq(m->nlocks, 1);
  cr_assert_eq(m->nmodules, 1, "modules merge by path");
  cr_assert_eq(m->locks[0].rel, 0x7000);
  lh_model_free(m);
}

Test(model_merge, threads_are_never_merged_across_files) {
  struct rb rb[2] = {{0}, {0}};
  rb_standard(&rb[0], 0, 1);
  shifted_run(&rb[1], "");
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nthreads, 2);
  cr_assert_eq(m->threads[0].file, 0);
  cr_assert_eq(m->threads[1].file, 1);
  lh_model_free(m);
}

Test(model_merge, the_same_code_in_two_runs_gives_the_same_stack) {
  struct rb rb[2] = {{0}, {0}};
  rb_standard(&rb[0], 0, 0); /* stack 0 = 0x1100 = /bin/prog + 0x100 */
  shifted_run(&rb[1], "");   /* stack 0 = 0x101100 = /bin/prog + 0x100 */
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nstacks, 16, "the second file's stack is one of the first file's");
  lh_model_free(m);
}

Test(model_merge, a_fork_child_has_another_lineage_and_its_locks_stay_apart) {
  struct rb rb[2] = {{0}, {0}};
  rb_standard(&rb[0], 0, 1);
  shifted_run(&rb[1], "/f1");
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->ngroups, 2);
  cr_assert_eq(m->nlocks, 2);
  lh_model_free(m);
}

Test(model_merge, different_programs_never_share_locks) {
  struct rb rb[2] = {{0}, {0}};
  rb_standard(&rb[0], 0, 1);
  rb_run(&rb[1], 6000, "/bin/other", "");
  rb_standard_body(&rb[1], 0, 1);
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nlocks, 2);
  lh_model_free(m);
}

/* Two heap locks created at the same site, in order: each run's n-th lock of that site merges
 * with the other run's n-th. */
static void heap_run(struct rb *rb, int pid, const char *addr_first, const char *addr_second) {
  rb_run(rb, pid, "/bin/prog", "");
  rb_add(rb,
         "{'t':'module','id':0,'path':'/bin/prog','base':'0x1000','segs':[['0x1000','0x9000']]}");
  rb_add(rb, "{'t':'stack','id':0,'pcs':['0x1200','0x1300']}");
  rb_add(rb, "{'t':'thread','id':0,'tid':1,'parent':-1,'parent_seg':0,'stack':-1,'how':'main'}");
  rb_add(rb, "{'t':'lock','id':0,'kind':'mutex','addr':'%s','how':'init','stack':0}", addr_first);
  rb_add(rb, "{'t':'lock','id':1,'kind':'mutex','addr':'%s','how':'init','stack':0}", addr_second);
}

Test(model_merge, heap_locks_merge_by_creation_site_and_rank) {
  struct rb rb[2] = {{0}, {0}};
  heap_run(&rb[0], 10, "0x7f0000001000", "0x7f0000002000");
  heap_run(&rb[1], 11, "0x7e0000005000", "0x7e0000003000");
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nlocks, 2);
  cr_assert_eq(m->locks[0].module, LH_NONE, "a heap lock is not a global");
  cr_assert(strstr(m->locks[0].key, "#0"));
  cr_assert(strstr(m->locks[1].key, "#1"));
  lh_model_free(m);
}

Test(model_merge, a_global_lock_reinitialised_at_the_same_address_is_a_new_lock) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 1);
  rb_add(&rb, "{'t':'lock','id':1,'kind':'mutex','addr':'0x8000','gen':1,'how':'init','stack':2}");
  struct lh_model *m = rb_model(&rb, NULL);
  cr_assert_eq(m->nlocks, 2);
  lh_model_free(m);
  free(rb.buf);
}

Test(model_merge, an_inversion_split_across_two_runs_is_found) {
  struct rb rb[2] = {{0}, {0}};
  rb_standard(&rb[0], 1, 2);
  rb_add(&rb[0], "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_standard(&rb[1], 1, 2);
  rb_add(&rb[1], "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  struct lh_model *m = load_two(rb);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats s;
  struct lh_findings *f = lh_analyse(m, &o, &s);
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(model_merge, a_single_threaded_program_run_twice_does_not_deadlock_with_itself) {
  struct rb rb[2] = {{0}, {0}};
  rb_standard(&rb[0], 0, 2);
  rb_add(&rb[0], "{'t':'acq','thread':0,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_standard(&rb[1], 0, 2);
  rb_add(&rb[1], "{'t':'acq','thread':0,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  struct lh_model *m = load_two(rb);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats s;
  struct lh_findings *f = lh_analyse(m, &o, &s);
  cr_assert_eq(f->n, 0, "the two main threads are one thread of the program");
  lh_findings_free(f);
  lh_model_free(m);
}
