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
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 0,
               "the two main threads are one thread of the program");
  cr_assert_eq(f->n, 1);
  cr_assert_eq(f->items[0].kind, LH_FINDING_SINGLE_THREAD_LOCK_ORDER,
               "its two orders are still worth a warning");
  lh_findings_free(f);
  lh_model_free(m);
}

/* ---- locks in shared mappings: one lock across the processes of a session ---- */

/* A process of session `session`, pid `pid`, forked from `parent` (0: none) at the parent's
 * thread 0 in `fork_seg`; its one thread 0 holds lock `first` and takes lock `second` (in seg 0),
 * both mutexes in the shared mapping /dev/zero (00:01, inode 777) at offsets 0x0 and 0x28, mapped
 * at `base` in this process. */
static void shared_process(struct rb *rb, int pid, const char *session, const char *lineage,
                           int parent, int fork_seg, unsigned long base, int first, int second) {
  char fork_point[128] = "";
  if (parent)
    snprintf(fork_point, sizeof fork_point, ",'forked_from':%d,'fork_thread':0,'fork_seg':%d",
             parent, fork_seg);
  rb_add(rb,
         "{'t':'run','format':'lockhound-run','version':1,'pid':%d,'ppid':1,'exe':'/bin/prog',"
         "'argv':['prog'],'session':'%s','lineage':'%s','start_ns':1%s}",
         pid, session, lineage, fork_point);
  rb_add(rb,
         "{'t':'module','id':0,'path':'/bin/prog','base':'0x1000','segs':[['0x1000','0x9000']]}");
  rb_add(rb, "{'t':'stack','id':0,'pcs':['0x1100']}");
  rb_add(rb, "{'t':'stack','id':1,'pcs':['0x1110']}");
  rb_add(rb, "{'t':'thread','id':0,'tid':%d,'parent':-1,'parent_seg':0,'stack':-1,'how':'%s'}", pid,
         parent ? "fork" : "main");
  for (int l = 0; l < 2; l++)
    rb_add(rb,
           "{'t':'lock','id':%d,'kind':'mutex','addr':'0x%lx','gen':0,'how':'init','stack':%d,"
           "'pshared':true,'backing':{'dev':'00:01','ino':777,'off':'0x%x'}}",
           l, base + 0x28 * (unsigned long)l, l, 0x28 * l);
  rb_add(rb, "{'t':'acq','thread':0,'seg':%d,'lock':%d,'mode':'w','stack':1,'held':[[%d,'w',0]]}",
         parent ? fork_seg : 0, second, first);
}

Test(model_merge, a_lock_in_a_shared_mapping_is_one_lock_in_every_process_of_the_session) {
  struct rb rb[2] = {{0}, {0}};
  shared_process(&rb[0], 100, "s1", "/f1", 0, 0, 0x7f0000001000, 0, 1);
  shared_process(&rb[1], 200, "s1", "", 0, 0, 0x7f5500002000, 1, 0); /* another program, address */
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nlocks, 2, "merged by backing object and offset, not by address or group");
  cr_assert_neq(m->files[0].group, m->files[1].group);
  lh_model_free(m);
}

Test(model_merge, shared_locks_of_two_sessions_stay_apart) {
  struct rb rb[2] = {{0}, {0}};
  shared_process(&rb[0], 100, "s1", "", 0, 0, 0x7f0000001000, 0, 1);
  shared_process(&rb[1], 200, "s2", "", 0, 0, 0x7f0000001000, 1, 0);
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nlocks, 4);
  lh_model_free(m);
}

Test(model_merge, a_malformed_backing_skips_the_lock_record_with_one_message) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0);
  rb_add(&rb, "{'t':'lock','id':0,'kind':'mutex','addr':'0x7000','how':'init','stack':0,"
              "'backing':{'dev':'disk','ino':777,'off':'0x0'}}");
  char *diag;
  struct lh_model *m = rb_model(&rb, &diag);
  cr_assert_eq(m->nlocks, 0);
  cr_assert(strstr(diag, "field 'backing.dev' is not a device MAJOR:MINOR in hex; record skipped"),
            "%s", diag);
  free(diag);
  free(rb.buf);
  lh_model_free(m);
}

Test(model_merge, opposite_orders_of_shared_locks_in_two_processes_are_an_inversion) {
  struct rb rb[2] = {{0}, {0}};
  shared_process(&rb[0], 100, "s1", "", 0, 0, 0x7f0000001000, 0, 1);
  shared_process(&rb[1], 101, "s1", "/f1", 100, 0, 0x7f0000001000, 1, 0); /* forked at seg 0 */
  /* the parent takes 0 -> 1 again after forking (its seg 1): in parallel with the child */
  rb_add(&rb[0], "{'t':'acq','thread':0,'seg':1,'lock':1,'mode':'w','stack':1,'held':[[0,'w',0]]}");
  struct lh_model *m = load_two(rb);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats stats;
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(model_merge, shared_locks_taken_before_a_fork_do_not_invert_with_the_child) {
  struct rb rb[2] = {{0}, {0}};
  shared_process(&rb[0], 100, "s1", "", 0, 0, 0x7f0000001000, 0, 1);      /* 0 -> 1 in seg 0 */
  shared_process(&rb[1], 101, "s1", "/f1", 100, 0, 0x7f0000001000, 1, 0); /* forked at seg 0 */
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->files[1].fork_parent, 0);
  cr_assert_eq(m->files[1].fork_thread, 0);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats stats;
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 0, "the fork orders them");
  lh_findings_free(f);
  lh_model_free(m);
}

/* ---- a deadlock across processes: each process writes its part ---- */

/* The part of process rb's thread 0: it holds lock `holds` and waits for lock `wants`. */
static void deadlock_part(struct rb *rb, const char *cycle, int holds, int wants) {
  rb_add(rb,
         "{'t':'finding','kind':'deadlock','ns':5,'action':'exit','detail':'cross-process',"
         "'cycle':'%s','threads':[{'thread':0,'waits':{'call':'pthread_mutex_lock','on':'lock',"
         "'lock':%d,'mode':'w','stack':1,'since_ns':1,'timed':false},'holds':[[%d,'w',0]]}]}",
         cycle, wants, holds);
}

Test(model_merge, the_parts_of_a_deadlock_across_processes_are_one_incident) {
  struct rb rb[2] = {{0}, {0}};
  shared_process(&rb[0], 100, "s1", "/f1", 0, 0, 0x7f0000001000, 0, 1);
  shared_process(&rb[1], 200, "s1", "/f2", 0, 0, 0x7f5500002000, 1, 0);
  deadlock_part(&rb[0], "c0ffee", 0, 1);
  deadlock_part(&rb[1], "c0ffee", 1, 0);
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nincidents, 1);
  const struct lh_incident *x = &m->incidents[0];
  cr_assert_eq(x->nthreads, 2);
  cr_expect_neq(m->threads[x->threads[0].thread].file, m->threads[x->threads[1].thread].file);
  cr_expect_eq(x->threads[0].waits.lock, (int32_t)x->threads[1].holds[0].lock,
               "each step waits for a lock the next one holds (one lock in both files)");
  lh_model_free(m);
}

Test(model_merge, parts_of_other_cycles_or_sessions_stay_apart) {
  struct rb rb[2] = {{0}, {0}};
  shared_process(&rb[0], 100, "s1", "", 0, 0, 0x7f0000001000, 0, 1);
  shared_process(&rb[1], 200, "s2", "", 0, 0, 0x7f5500002000, 1, 0);
  deadlock_part(&rb[0], "c0ffee", 0, 1);
  deadlock_part(&rb[1], "c0ffee", 1, 0); /* same name, another session */
  deadlock_part(&rb[1], "beef", 1, 0);
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nincidents, 3);
  lh_model_free(m);
}

Test(model_merge, a_semaphore_in_a_shared_mapping_is_one_object_in_every_process) {
  struct rb rb[2] = {{0}, {0}};
  shared_process(&rb[0], 100, "s1", "/f1", 0, 0, 0x7f0000001000, 0, 1);
  shared_process(&rb[1], 200, "s1", "/f2", 0, 0, 0x7f5500002000, 1, 0);
  for (int i = 0; i < 2; i++)
    rb_add(&rb[i],
           "{'t':'object','id':0,'kind':'sem','addr':'0x%x','stack':0,'name':'/jobs',"
           "'backing':{'dev':'00:1b','ino':4242,'off':'0x0'}}",
           0x7000 + 0x1000 * i);
  struct lh_model *m = load_two(rb);
  cr_assert_eq(m->nobjects, 1);
  lh_model_free(m);
}

/* Process pid of session s1 whose thread 0 holds shared lock `holds` (of three, at offsets 0x0,
 * 0x28 and 0x50 of one mapping) and waits for lock `wants`: its part of a cycle named c3. */
static void ring_part(struct rb *rb, int pid, int holds, int wants) {
  rb_add(rb,
         "{'t':'run','format':'lockhound-run','version':1,'pid':%d,'ppid':1,'exe':'/bin/p%d',"
         "'argv':['p'],'session':'s1','lineage':'','start_ns':1}",
         pid, pid);
  rb_add(rb, "{'t':'stack','id':0,'pcs':['0x1100']}");
  rb_add(rb, "{'t':'thread','id':0,'tid':%d,'parent':-1,'parent_seg':0,'stack':-1,'how':'main'}",
         pid);
  for (int l = 0; l < 3; l++)
    rb_add(rb,
           "{'t':'lock','id':%d,'kind':'mutex','addr':'0x%x','how':'init','stack':0,"
           "'backing':{'dev':'00:01','ino':777,'off':'0x%x'}}",
           l, 0x7000 + 0x28 * l + 0x100 * pid, 0x28 * l);
  rb_add(rb,
         "{'t':'finding','kind':'deadlock','ns':5,'action':'exit','detail':'cross-process',"
         "'cycle':'c3','threads':[{'thread':0,'waits':{'call':'pthread_mutex_lock','on':'lock',"
         "'lock':%d,'mode':'w','stack':0,'since_ns':1,'timed':false},'holds':[[%d,'w',0]]}]}",
         wants, holds);
}

Test(model_merge, a_deadlock_through_three_processes_is_joined_in_cycle_order) {
  struct rb rb[3] = {{0}, {0}, {0}};
  ring_part(&rb[0], 1, 0, 1); /* read in the order 1, 3, 2: the cycle is 1 -> 2 -> 3 -> 1 */
  ring_part(&rb[1], 3, 2, 0);
  ring_part(&rb[2], 2, 1, 2);
  struct lh_model *m = lh_model_new();
  char *diag;
  cr_assert_eq(rb_load_all(m, rb, 3, &diag), 0, "%s", diag);
  lh_model_finish(m);
  cr_assert_eq(m->nincidents, 1, "%s", diag);
  const struct lh_incident *x = &m->incidents[0];
  cr_assert_eq(x->nthreads, 3);
  long long pids[3];
  for (int k = 0; k < 3; k++) pids[k] = m->files[m->threads[x->threads[k].thread].file].pid;
  cr_expect(pids[0] == 1 && pids[1] == 2 && pids[2] == 3, "steps in the order %lld %lld %lld",
            pids[0], pids[1], pids[2]);
  free(diag);
  for (int i = 0; i < 3; i++) free(rb[i].buf);
  lh_model_free(m);
}
