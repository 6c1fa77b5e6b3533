/* test_runtime_findings.c - the library's `object` and `finding` records: how they are read,
 * named and checked, and how they become findings (one per distinct problem). */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"
#include "symbols/lock_names.h"

struct loaded {
  struct lh_model *m;
  char *diag;
};

static struct loaded load(struct rb *rb) {
  struct loaded l = {.m = lh_model_new()};
  rb_load_all(l.m, rb, 1, &l.diag);
  lh_model_finish(l.m);
  free(rb->buf);
  return l;
}

static void unload(struct loaded *l) {
  lh_model_free(l->m);
  free(l->diag);
}

/* A standard run with 2 threads, 2 locks and the objects, plus one more record. */
static struct loaded load_with(const char *record) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_objects(&rb);
  rb_add(&rb, "%s", record);
  rb_end(&rb);
  return load(&rb);
}

static char **object_names(const struct lh_model *m) { return lh_object_names(NULL, m); }

/* ---- objects ---- */

Test(runtime_loader, object_records_are_read_with_their_kind_count_and_name) {
  struct loaded l = load_with("{'t':'calls','counts':{}}");
  cr_assert_str_empty(l.diag);
  cr_assert_eq(l.m->nobjects, 4);
  cr_assert_eq(l.m->objects[0].kind, LH_OBJECT_SEM);
  cr_assert_eq(l.m->objects[1].kind, LH_OBJECT_COND);
  cr_assert_eq(l.m->objects[2].kind, LH_OBJECT_BARRIER);
  cr_assert_eq(l.m->objects[2].count, 3);
  cr_assert_str_eq(l.m->objects[3].name, "/jobs");
  cr_assert_eq(l.m->objects[0].module, LH_NONE, "a heap object lies in no module");
  unload(&l);
}

Test(runtime_loader, objects_are_named_by_where_they_came_to_be_or_by_their_name) {
  struct loaded l = load_with("{'t':'calls','counts':{}}");
  char **names = object_names(l.m);
  cr_assert_str_eq(names[0], "semaphore initialised at 0x160 (prog)");
  cr_assert_str_eq(names[1], "condition variable first used at 0x170 (prog)");
  cr_assert_str_eq(names[2], "barrier initialised at 0x180 (prog)");
  cr_assert_str_eq(names[3], "semaphore /jobs");
  lh_lock_names_free(names, l.m->nobjects);
  unload(&l);
}

Test(runtime_loader, two_objects_with_one_name_are_numbered) {
  struct loaded l = load_with("{'t':'object','id':4,'kind':'sem','addr':'0xa400','stack':6}");
  char **names = object_names(l.m);
  cr_assert_str_eq(names[0], "semaphore initialised at 0x160 (prog) #1");
  cr_assert_str_eq(names[4], "semaphore initialised at 0x160 (prog) #2");
  lh_lock_names_free(names, l.m->nobjects);
  unload(&l);
}

Test(runtime_loader, an_object_of_an_unknown_kind_is_skipped) {
  struct loaded l = load_with("{'t':'object','id':4,'kind':'spoon','addr':'0xa400'}");
  cr_assert(strstr(l.diag, ":28: unknown object kind 'spoon'; record skipped\n"), "%s", l.diag);
  cr_assert_eq(l.m->nobjects, 4);
  unload(&l);
}

Test(runtime_loader, an_object_id_used_twice_is_skipped) {
  struct loaded l = load_with("{'t':'object','id':1,'kind':'sem','addr':'0xa400'}");
  cr_assert(strstr(l.diag, "id 1 is used twice; record skipped"), "%s", l.diag);
  unload(&l);
}

Test(runtime_loader, an_object_without_an_address_is_skipped) {
  struct loaded l = load_with("{'t':'object','id':4,'kind':'sem','addr':17}");
  cr_assert(strstr(l.diag, "addr is not a 0x-prefixed hexadecimal address; record skipped"), "%s",
            l.diag);
  unload(&l);
}

Test(runtime_loader, an_object_whose_stack_was_never_recorded_is_skipped) {
  struct loaded l = load_with("{'t':'object','id':4,'kind':'barrier','addr':'0xa400','stack':99}");
  cr_assert(strstr(l.diag, "stack 99 refers to no earlier record; record skipped"), "%s", l.diag);
  unload(&l);
}

Test(runtime_loader, a_negative_barrier_count_is_skipped) {
  struct loaded l = load_with("{'t':'object','id':4,'kind':'barrier','addr':'0xa400','count':-3}");
  cr_assert(strstr(l.diag, "field 'count' is out of range (-3); record skipped"), "%s", l.diag);
  unload(&l);
}

/* ---- finding records ---- */

Test(runtime_loader, a_finding_record_becomes_an_incident_with_everything_it_names) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_objects(&rb);
  rb_add(
      &rb,
      "{'t':'finding','kind':'stall','ns':7,'action':'abort','threads':["
      "{'thread':1,'waits':{'call':'pthread_barrier_wait','on':'barrier','object':2,'stack':3}},"
      "{'thread':2,'waits':{'call':'pthread_cond_wait','on':'cond','object':1,'mutex':0,'stack':5},"
      "'holds':[[1,'r',4]]}],'objects':[{'object':2,'count':3,'arrived':2},{'object':0,'value':0}]"
      "}");
  struct loaded l = load(&rb);
  cr_assert_str_empty(l.diag);
  cr_assert_eq(l.m->nincidents, 1);
  const struct lh_incident *x = &l.m->incidents[0];
  cr_assert_eq(x->kind, LH_FINDING_STALL);
  cr_assert_str_eq(x->action, "abort");
  cr_assert_eq(x->nthreads, 2);
  cr_assert_eq(x->threads[0].waits.on, LH_WAIT_BARRIER);
  cr_assert_eq(x->threads[0].waits.object, 2);
  cr_assert_eq(x->threads[1].waits.mutex, 0);
  cr_assert_eq(x->threads[1].nholds, 1);
  cr_assert_eq(x->threads[1].holds[0].mode, LH_MODE_READ);
  cr_assert_eq(x->nstates, 2);
  cr_assert(x->states[0].has_count && x->states[0].arrived == 2);
  cr_assert(x->states[1].has_value && x->states[1].value == 0);
  cr_assert_not(l.m->files[0].ended);
  cr_assert(l.m->files[0].stopped, "lockhound ended this run itself");
  unload(&l);
}

Test(runtime_loader, a_run_lockhound_ended_gets_no_abrupt_end_note) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  struct loaded l = load(&rb);
  cr_assert_str_empty(l.diag);
  unload(&l);
}

static void assert_skipped(const char *record, const char *why) {
  struct loaded l = load_with(record);
  char want[512];
  snprintf(want, sizeof want, ":28: %s; record skipped\n", why);
  cr_assert(strstr(l.diag, want), "want '%s' in: %s", want, l.diag);
  cr_assert_eq(l.m->nincidents, 0);
  unload(&l);
}

Test(runtime_loader, a_finding_of_an_unknown_kind_is_skipped) {
  assert_skipped("{'t':'finding','kind':'gremlins','action':'exit','threads':[]}",
                 "unknown finding kind 'gremlins'");
}

Test(runtime_loader, a_lock_order_inversion_is_not_a_run_time_finding) {
  assert_skipped("{'t':'finding','kind':'lock-order-inversion','threads':[]}",
                 "'lock-order-inversion' is found by the analyzer, not recorded at run time");
}

Test(runtime_loader, a_finding_without_threads_is_skipped) {
  assert_skipped("{'t':'finding','kind':'stall','action':'exit'}",
                 "field 'threads' is missing or not an array");
}

Test(runtime_loader, a_finding_with_an_unknown_action_is_skipped) {
  assert_skipped("{'t':'finding','kind':'stall','action':'explode','threads':[]}",
                 "field 'action' is not \"exit\", \"abort\", \"wait\" or \"continue\"");
}

Test(runtime_loader, a_finding_about_an_unknown_lock_is_skipped) {
  assert_skipped("{'t':'finding','kind':'unlock-unlocked','lock':9,'threads':[]}",
                 "lock 9 refers to no earlier record");
}

Test(runtime_loader, a_finding_about_an_unknown_object_is_skipped) {
  assert_skipped("{'t':'finding','kind':'semaphore-misuse','object':9,'threads':[]}",
                 "object 9 refers to no earlier record");
}

Test(runtime_loader, a_thread_entry_for_an_unknown_thread_is_skipped) {
  assert_skipped("{'t':'finding','kind':'stall','threads':[{'thread':8}]}",
                 "thread 8 refers to no earlier record");
}

Test(runtime_loader, a_thread_entry_that_is_not_an_object_is_skipped) {
  assert_skipped("{'t':'finding','kind':'stall','threads':[1]}", "thread entry 0 is not an object");
}

Test(runtime_loader, a_wait_on_a_lock_must_name_the_lock) {
  assert_skipped(
      "{'t':'finding','kind':'deadlock','threads':[{'thread':1,'waits':{'on':'lock','stack':1}}]}",
      "waits: a wait on a lock names no 'lock'");
}

Test(runtime_loader, a_join_must_name_the_thread) {
  assert_skipped("{'t':'finding','kind':'deadlock','threads':[{'thread':1,'waits':{'on':'join'}}]}",
                 "waits: a join names no thread in 'joins'");
}

Test(runtime_loader, a_wait_on_a_semaphore_must_name_the_object) {
  assert_skipped("{'t':'finding','kind':'stall','threads':[{'thread':1,'waits':{'on':'sem'}}]}",
                 "waits: a wait on a sem names no 'object'");
}

Test(runtime_loader, a_wait_on_something_unknown_is_skipped) {
  assert_skipped("{'t':'finding','kind':'stall','threads':[{'thread':1,'waits':{'on':'moon'}}]}",
                 "waits: unknown 'on' value 'moon'");
}

Test(runtime_loader, a_held_entry_that_is_no_triple_is_skipped) {
  assert_skipped(
      "{'t':'finding','kind':'exit-holding-lock','threads':[{'thread':1,'holds':[[0,'w']]}]}",
      "held entry 0 is not a [lock, mode, stack] triple");
}

Test(runtime_loader, tries_must_name_a_recorded_lock) {
  assert_skipped(
      "{'t':'finding','kind':'livelock','threads':[{'thread':1,'tries':{'lock':5,'failures':3}}]}",
      "lock 5 refers to no earlier record");
}

Test(runtime_loader, an_object_state_for_an_unknown_object_is_skipped) {
  assert_skipped("{'t':'finding','kind':'stall','threads':[],'objects':[{'object':12,'value':0}]}",
                 "object 12 refers to no earlier record");
}

Test(runtime_loader, a_related_entry_that_is_not_an_object_is_skipped) {
  assert_skipped("{'t':'finding','kind':'unlock-unowned','lock':0,'threads':[],'related':['x']}",
                 "related entry 0 is not an object");
}

Test(runtime_loader, a_finding_that_refers_to_an_object_written_after_it_is_skipped) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'finding','kind':'semaphore-misuse','object':0,'threads':[]}");
  rb_objects(&rb);
  struct loaded l = load(&rb);
  cr_assert(strstr(l.diag, "object 0 refers to no earlier record; record skipped"), "%s", l.diag);
  cr_assert_eq(l.m->nincidents, 0);
  unload(&l);
}

/* ---- findings ---- */

static struct lh_findings *findings_of(struct rb *rb, struct lh_model **m) {
  struct lh_findings *f = rb_findings(rb, m);
  free(rb->buf);
  return f;
}

/* The id of the one finding a run of records makes. */
static char *only_finding_id(struct rb *rb) {
  struct lh_model *m;
  struct lh_findings *f = findings_of(rb, &m);
  cr_assert_eq(f->n, 1);
  char *id = strdup(f->items[0].id);
  lh_findings_free(f);
  lh_model_free(m);
  return id;
}

/* The id of a cond-multiple-mutexes finding reported by the waiter holding `lock` (at `stack`)
 * while the other waits with `mutex` (at `other_stack`). */
static char *cond_multiple_mutexes_id(int lock, int mutex, int stack, int other_stack) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_objects(&rb);
  rb_add(&rb,
         "{'t':'finding','kind':'cond-multiple-mutexes','action':'continue','lock':%d,'object':1,"
         "'threads':[{'thread':2,'waits':{'call':'pthread_cond_wait','on':'cond','object':1,"
         "'mutex':%d,'stack':%d},'holds':[],'stack':%d}],"
         "'related':[{'thread':1,'stack':%d,'what':'waits on it with the other mutex here'}]}",
         lock, mutex, stack, stack, other_stack);
  return only_finding_id(&rb);
}

/* Which of two waiters on one condvar with two mutexes comes second, and so reports, depends on
 * the schedule: the finding's id must not (found by tests/soak/run-soak on
 * samples/misuse/cond_two_mutexes, 2 runs in 10 with another id). */
Test(runtime_findings, a_condvar_with_two_mutexes_has_one_id_whichever_waiter_reports_it) {
  char *one = cond_multiple_mutexes_id(1, 0, 6, 5), *other = cond_multiple_mutexes_id(0, 1, 5, 6);
  cr_expect_str_eq(one, other);
  free(one);
  free(other);
}

/* The id of a join-concurrent api-error reported by thread `reporter` joining at `stack` while
 * thread `other` joins the same thread at `other_stack`. */
static char *join_concurrent_id(int reporter, int stack, int other, int other_stack) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb,
         "{'t':'finding','kind':'api-error','action':'continue','detail':'join-concurrent',"
         "'threads':[{'thread':%d,'holds':[],'stack':%d}],"
         "'related':[{'thread':%d,'stack':%d,'what':'the other join, made'}]}",
         reporter, stack, other, other_stack);
  return only_finding_id(&rb);
}

/* Which of two threads joining one thread at once comes second, and so reports, depends on the
 * schedule: the finding's id must not (found by tests/soak/run-soak on samples/misuse/join_twice,
 * 1 run in 5 with another id). */
Test(runtime_findings, two_joins_of_one_thread_have_one_id_whichever_joiner_reports_them) {
  char *one = join_concurrent_id(2, 6, 1, 5), *other = join_concurrent_id(1, 5, 2, 6);
  cr_expect_str_eq(one, other);
  free(one);
  free(other);
}

Test(runtime_findings, a_deadlock_record_is_one_error_about_its_two_locks) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  cr_assert_eq(f->items[0].kind, LH_FINDING_DEADLOCK);
  cr_assert_eq(f->items[0].level, LH_LEVEL_ERROR);
  cr_assert_eq(f->items[0].nabout, 2);
  cr_assert_eq(f->items[0].nobjects, 0);
  cr_assert_eq(strlen(f->items[0].id), 16);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(runtime_findings, a_timed_wait_cycle_is_a_warning) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "timed-wait-cycle", 1);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  cr_assert_eq(f->items[0].level, LH_LEVEL_WARNING);
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 0);
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_WARNING), 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(runtime_findings, two_identical_records_are_one_finding) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  rb_deadlock(&rb, "deadlock", 1);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(m->nincidents, 2);
  cr_assert_eq(f->n, 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(runtime_findings, a_cycle_listed_from_another_thread_is_the_same_finding) {
  struct rb a = {0}, b = {0};
  rb_standard(&a, 2, 2);
  rb_deadlock(&a, "deadlock", 1);
  rb_standard(&b, 2, 2);
  rb_deadlock(&b, "deadlock", 2);
  struct lh_model *ma, *mb;
  struct lh_findings *fa = findings_of(&a, &ma), *fb = findings_of(&b, &mb);
  cr_assert_str_eq(fa->items[0].id, fb->items[0].id);
  lh_findings_free(fa);
  lh_findings_free(fb);
  lh_model_free(ma);
  lh_model_free(mb);
}

Test(runtime_findings, the_same_deadlock_in_two_runs_of_a_program_is_one_finding) {
  struct rb files[2] = {{0}, {0}};
  for (int i = 0; i < 2; i++) {
    rb_run(&files[i], 4242 + i, "/bin/prog", "");
    rb_standard_body(&files[i], 2, 2);
    rb_deadlock(&files[i], "deadlock", 1 + i);
  }
  struct lh_model *m = lh_model_new();
  char *diag;
  rb_load_all(m, files, 2, &diag);
  lh_model_finish(m);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats stats;
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(m->nincidents, 2);
  cr_assert_eq(f->n, 1);
  lh_findings_free(f);
  lh_model_free(m);
  free(diag);
  free(files[0].buf);
  free(files[1].buf);
}

Test(runtime_findings, the_same_misuse_at_two_places_is_two_findings) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'finding','kind':'unlock-unlocked','action':'continue','lock':0,'threads':[{'"
              "thread':1,'stack':3}]}");
  rb_add(&rb, "{'t':'finding','kind':'unlock-unlocked','action':'continue','lock':0,'threads':[{'"
              "thread':1,'stack':4}]}");
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 2);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(runtime_findings, a_stall_is_about_the_objects_waited_on_but_not_a_condition_s_mutex) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_objects(&rb);
  rb_add(&rb, "{'t':'finding','kind':'stall','action':'exit','threads':["
              "{'thread':1,'waits':{'on':'cond','object':1,'mutex':0,'stack':3}},"
              "{'thread':2,'waits':{'on':'sem','object':0,'stack':5}}]}");
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  cr_assert_eq(f->items[0].nabout, 0,
               "the mutex is how the condition is waited for, not what blocks");
  cr_assert_eq(f->items[0].nobjects, 2);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(runtime_findings, a_livelock_is_about_the_locks_tried) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'finding','kind':'livelock','action':'exit','threads':["
              "{'thread':1,'holds':[[0,'w',2]],'tries':{'lock':1,'failures':900,'since_ns':1}},"
              "{'thread':2,'holds':[[1,'w',4]],'tries':{'lock':0,'failures':800,'since_ns':1}}]}");
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  cr_assert_eq(f->items[0].kind, LH_FINDING_LIVELOCK);
  cr_assert_eq(f->items[0].nabout, 2);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(runtime_findings, run_time_findings_sit_in_the_stable_order_with_lock_order_ones) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  rb_deadlock(&rb, "deadlock", 1);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 2, "the inversion and the deadlock it caused");
  cr_assert_lt(strcmp(f->items[0].key, f->items[1].key), 0);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(runtime_findings, every_kind_has_a_rule_id_and_a_level) {
  cr_assert_eq(lh_kind_of_rule("deadlock"), LH_FINDING_DEADLOCK);
  cr_assert_eq(lh_kind_of_rule("api-error"), LH_FINDING_API_ERROR);
  cr_assert_eq(lh_kind_of_rule("no-such-kind"), -1);
  cr_assert_eq(lh_kind_level(LH_FINDING_TIMED_WAIT_CYCLE), LH_LEVEL_WARNING);
  cr_assert_eq(lh_kind_level(LH_FINDING_STALL), LH_LEVEL_ERROR);
  cr_assert_str_eq(lh_level_name(LH_LEVEL_WARNING), "warning");
}
