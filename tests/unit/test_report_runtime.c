/* test_report_runtime.c - how run-time findings read: one scenario per kind, in text (what a
 * student reads on stderr) and JSON (what tools and the integration tests read). Names come from
 * the run text without debug info: "mutex first used at 0x100 (prog)" is lock 0, "... 0x110" lock 1;
 * objects are "semaphore initialised at 0x160 (prog)" (0), "condition variable first used at
 * 0x170 (prog)" (1), "barrier initialised at 0x180 (prog)" (2), "semaphore /jobs" (3). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <unistd.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "report/report.h"
#include "symbols/lock_names.h"

#define LOCK0 "mutex first used at 0x100 (prog)"
#define LOCK1 "mutex first used at 0x110 (prog)"

struct out {
  char *text;
  json_t *json;
};

static struct out report_of(struct rb *rb) {
  struct lh_model *m = rb_model(rb, NULL);
  free(rb->buf);
  struct rb_report made;
  rb_report_make(&made, m, false);
  struct lh_report r = made.r;
  struct out x = {0};
  size_t len;
  FILE *mem = open_memstream(&x.text, &len);
  lh_report_text(mem, &r);
  fclose(mem);
  char path[] = "/tmp/lh-json-rt-XXXXXX";
  close(mkstemp(path));
  cr_assert_eq(lh_report_json(path, &r), 0);
  x.json = json_load_file(path, 0, NULL);
  cr_assert_not_null(x.json);
  unlink(path);
  rb_report_free(&made);
  return x;
}

static void out_free(struct out *x) {
  free(x->text);
  json_decref(x->json);
}

static json_t *get(json_t *o, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, "."))
    o = (*k >= '0' && *k <= '9') ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
  cr_assert_not_null(o, "missing %s", path);
  return o;
}

static const char *str(json_t *root, const char *path) {
  return json_string_value(get(root, path));
}

/* A run with threads 1..3, locks 0..1, the objects, and the given finding records. */
static struct out report_with(const char *records) {
  struct rb rb = {0};
  rb_standard(&rb, 3, 2);
  rb_objects(&rb);
  rb_add(&rb, "%s", records);
  return report_of(&rb);
}

#define HAS(x, s) cr_assert(strstr((x).text, s), "want '%s' in:\n%s", s, (x).text)

/* ---- deadlock ---- */

Test(report_runtime, a_deadlock_tells_each_thread_what_it_waits_for_and_holds) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  struct out x = report_of(&rb);
  HAS(x, "==4242== lockhound: deadlock: threads wait for each other for ever [id ");
  HAS(x, "==4242==   2 threads are deadlocked: each waits for a lock (or the end of a thread) that "
         "the next one holds\n");
  HAS(x, "==4242==   T1 (created at 0x100) is blocked in pthread_mutex_lock(" LOCK1 ") at\n"
         "==4242==       #0 0x130 (prog)\n"
         "==4242==     holding " LOCK0 ", taken at\n"
         "==4242==       #0 0x120 (prog)\n"
         "==4242==     " LOCK1 " is held by T2\n");
  HAS(x, "==4242==   T2 (created at 0x100) is blocked in pthread_mutex_lock(" LOCK0 ") at\n");
  HAS(x, "==4242==     " LOCK0 " is held by T1\n");
  out_free(&x);
}

Test(report_runtime, a_deadlock_ends_with_the_scenario_and_what_lockhound_did) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  struct out x = report_of(&rb);
  HAS(x, "==4242==   What happened, one column per thread:\n");
  HAS(x, "==4242==     lock(" LOCK0 ");\n");
  HAS(x, "==4242==     lock(" LOCK1 ");   <- blocked\n");
  HAS(x, "==4242==    *** DEADLOCK ***\n");
  HAS(x, "==4242==   lockhound ended the program (exit code 66); run with --on-deadlock=wait to "
         "keep it "
         "hanging for a debugger\n");
  HAS(x, "==4242== ERROR SUMMARY: 1 error from 1 context (deadlock: 1)\n");
  out_free(&x);
}

Test(report_runtime, a_deadlock_in_json_has_waits_holds_locks_and_steps) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  struct out x = report_of(&rb);
  json_t *f = get(x.json, "findings.0");
  cr_assert_str_eq(str(f, "kind"), "deadlock");
  cr_assert_str_eq(str(f, "level"), "error");
  cr_assert_str_eq(str(f, "action"), "exit");
  cr_assert_str_eq(str(f, "threads.0.id"), "T1");
  cr_assert_str_eq(str(f, "threads.0.waits.call"), "pthread_mutex_lock");
  cr_assert_str_eq(str(f, "threads.0.waits.on"), "lock");
  cr_assert_str_eq(str(f, "threads.0.waits.lock"), LOCK1);
  cr_assert_str_eq(str(f, "threads.0.waits.mode"), "write");
  cr_assert(json_is_false(get(f, "threads.0.waits.timed")));
  cr_assert_str_eq(str(f, "threads.0.waits.stack.0.offset"), "0x130");
  cr_assert_str_eq(str(f, "threads.0.holds.0.lock"), LOCK0);
  cr_assert_str_eq(str(f, "threads.0.holds.0.stack.0.offset"), "0x120");
  cr_assert_eq(json_array_size(get(f, "locks")), 2);
  cr_assert_str_eq(str(f, "locks.0.name"), LOCK0);
  cr_assert_str_eq(str(f, "locks.1.name"), LOCK1);
  cr_assert_eq(json_array_size(get(f, "objects")), 0);
  cr_assert_str_eq(str(f, "steps.0.thread"), "T1");
  cr_assert_str_eq(str(f, "steps.0.holds.lock"), LOCK0);
  cr_assert_str_eq(str(f, "steps.0.wants.lock"), LOCK1);
  cr_assert_eq(json_integer_value(get(x.json, "summary.errors")), 1);
  cr_assert_eq(json_integer_value(get(x.json, "summary.warnings")), 0);
  cr_assert_eq(json_integer_value(get(x.json, "summary.by_kind.deadlock")), 1);
  out_free(&x);
}

Test(report_runtime, a_join_in_a_deadlock_is_told_as_a_join) {
  struct out x = report_with(
      "{'t':'finding','kind':'deadlock','action':'exit','threads':["
      "{'thread':1,'waits':{'call':'pthread_join','on':'join','joins':2,'stack':3},'holds':[[0,'w',"
      "2]]},"
      "{'thread':2,'waits':{'call':'pthread_mutex_lock','on':'lock','lock':0,'stack':5}}]}");
  HAS(x, "T1 (created at 0x100) is blocked in pthread_join(T2) at\n");
  HAS(x, "==4242==     waits for T2 to end, but T2 is blocked too\n");
  HAS(x, "pthread_join(T2);   <- blocked\n");
  HAS(x, "==4242==     " LOCK0 " is held by T1\n");
  cr_assert_str_eq(str(x.json, "findings.0.threads.0.waits.thread"), "T2");
  cr_assert_eq(json_array_size(get(x.json, "findings.0.locks")), 1, "the lock waited for");
  cr_assert_null(json_object_get(get(x.json, "findings.0"), "steps"), "a join is no lock step");
  out_free(&x);
}

Test(report_runtime, the_other_actions_are_told_too) {
  struct out x = report_with(
      "{'t':'finding','kind':'self-deadlock','action':'abort','lock':0,'threads':[{'thread':1,"
      "'waits':{'on':'lock','lock':0,'stack':3},'holds':[[0,'w',2]]}]}\n"
      "{'t':'finding','kind':'self-deadlock','action':'wait','lock':1,'threads':[{'thread':1,"
      "'waits':{'on':'lock','lock':1,'stack':3},'holds':[[1,'w',2]]}]}");
  HAS(x, "lockhound aborted the program (SIGABRT: a core dump for the debugger, where core dumps "
         "are enabled)");
  HAS(x, "lockhound left the program hanging, as --on-deadlock=wait asked: attach a debugger");
  out_free(&x);
}

/* ---- timed-wait-cycle ---- */

Test(report_runtime, a_timed_wait_cycle_is_a_warning_that_explains_the_timeout) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "timed-wait-cycle", 1);
  struct out x = report_of(&rb);
  HAS(x, "==4242== lockhound: warning: timed-wait-cycle: threads wait for each other until a "
         "timeout [id ");
  HAS(x, "but at least one wait has a timeout:\n");
  HAS(x, "so the program probably retries or fails");
  HAS(x, "(with a timeout) at\n");
  HAS(x, "*** WAIT CYCLE (until a timeout) ***\n");
  HAS(x, "==4242== ERROR SUMMARY: 0 errors from 0 contexts; 1 warning\n");
  cr_assert_str_eq(str(x.json, "findings.0.level"), "warning");
  cr_assert_eq(json_integer_value(get(x.json, "summary.errors")), 0);
  cr_assert_eq(json_integer_value(get(x.json, "summary.warnings")), 1);
  out_free(&x);
}

Test(report_runtime, warnings_are_counted_after_the_errors) {
  struct rb rb = {0};
  rb_standard(&rb, 3, 2);
  rb_objects(&rb);
  rb_deadlock(&rb, "deadlock", 1);
  rb_deadlock(&rb, "timed-wait-cycle", 2);
  rb_add(&rb, "{'t':'finding','kind':'stall','action':'exit','threads':[{'thread':3,'waits':{'on':'"
              "sem','object':0,'stack':7}}]}");
  struct out x = report_of(&rb);
  HAS(x, "==4242== ERROR SUMMARY: 2 errors from 2 contexts (deadlock: 1, stall: 1); 1 warning\n");
  out_free(&x);
}

/* Preloaded by hand, each process of a deadlock across processes reports its own part: one
 * thread. */
Test(report_runtime, one_process_part_of_a_deadlock_across_processes_is_said_as_such) {
  struct out x = report_with(
      "{'t':'finding','kind':'deadlock','action':'exit','detail':'cross-process','threads':[{"
      "'thread':1,'waits':{'call':'pthread_mutex_lock','on':'lock','lock':1,'stack':3},"
      "'holds':[[0,'w',2]]}]}");
  HAS(x, "1 thread of this process is deadlocked with threads of other processes: it waits for a "
         "lock one of them holds");
  cr_assert_null(strstr(x.text, "1 thread are"), "%s", x.text);
  out_free(&x);
}

/* ---- self-deadlock ---- */

Test(report_runtime, a_self_deadlock_shows_both_acquisitions_and_why) {
  struct out x = report_with(
      "{'t':'finding','kind':'self-deadlock','action':'exit','lock':0,'threads':[{'thread':1,"
      "'waits':{'call':'pthread_mutex_lock','on':'lock','lock':0,'stack':3},'holds':[[0,'w',2]]}]"
      "}");
  HAS(x, "==4242== lockhound: self-deadlock: a thread takes a lock it already holds [id ");
  HAS(x, "==4242==   T1 (created at 0x100) locks " LOCK0 ", which it already holds:\n"
         "==4242==   it is a non-recursive mutex (type normal), so the thread waits for itself for "
         "ever\n"
         "==4242==   it took " LOCK0 " first at\n"
         "==4242==       #0 0x120 (prog)\n"
         "==4242==   and takes it again at\n"
         "==4242==       #0 0x130 (prog)\n");
  HAS(x, "How to fix it: do not lock again what the thread already holds");
  HAS(x, "recursive mutex (PTHREAD_MUTEX_RECURSIVE)");
  cr_assert_str_eq(str(x.json, "findings.0.locks.0.name"), LOCK0);
  out_free(&x);
}

Test(report_runtime, a_read_lock_asked_again_for_writing_says_an_rwlock_cannot_be_upgraded) {
  struct out x = report_with(
      "{'t':'lock','id':5,'kind':'rwlock','addr':'0x8400','gen':0,'how':'static','stack':5}\n"
      "{'t':'finding','kind':'self-deadlock','action':'exit','lock':5,'threads':[{'thread':1,"
      "'waits':{'call':'pthread_rwlock_wrlock','on':'lock','lock':5,'mode':'w','stack':3},"
      "'holds':[[5,'r',2]]}]}");
  HAS(x, "it holds rwlock first used at 0x150 (prog) for reading and asks for it for writing: a "
         "write lock waits until every reader has let go, itself included");
  HAS(x, "How to fix it: an rwlock cannot be upgraded: release the read lock, take the write "
         "lock, then check again what you read");
  cr_assert_null(strstr(x.text, "recursive mutex"), "%s", x.text);
  out_free(&x);
}

/* ---- stall ---- */

static const char *stall_record =
    "{'t':'finding','kind':'stall','action':'exit','threads':["
    "{'thread':0,'waits':{'call':'pthread_join','on':'join','joins':1,'stack':9}},"
    "{'thread':1,'waits':{'call':'pthread_barrier_wait','on':'barrier','object':2,'stack':10}},"
    "{'thread':2,'waits':{'call':'sem_wait','on':'sem','object':3,'stack':11},'holds':[[1,'w',4]]},"
    "{'thread':3,'waits':{'call':'pthread_cond_wait','on':'cond','object':1,'mutex':0,'stack':12}}]"
    ","
    "'objects':[{'object':2,'count':3,'arrived':2},{'object':3,'value':0}]}";

Test(report_runtime, a_stall_says_what_could_release_each_thread) {
  struct out x = report_with(stall_record);
  HAS(x, "==4242== lockhound: stall: every thread is blocked [id ");
  HAS(x, "==4242==   every thread is blocked and none can wake the others (4 threads)\n");
  HAS(x, "==4242==   T0 (main thread) is blocked in pthread_join(T1) at\n");
  HAS(x, "==4242==     waits for T1 to end, but T1 is blocked too\n");
  HAS(x, "is blocked in pthread_barrier_wait(barrier initialised at 0x180 (prog)) at\n");
  HAS(x, "==4242==     barrier initialised at 0x180 (prog): 2 of 3 threads arrived; no other "
         "thread can arrive\n");
  HAS(x, "==4242==     semaphore /jobs: value 0; no thread is left to post it\n");
  HAS(x, "==4242==     condition variable first used at 0x170 (prog) (with " LOCK0
         "): no thread is left to signal it\n");
  HAS(x, "==4242==     holding " LOCK1 ", taken at\n");
  out_free(&x);
}

Test(report_runtime, a_stall_in_json_lists_the_objects_with_their_state) {
  struct out x = report_with(stall_record);
  json_t *f = get(x.json, "findings.0");
  cr_assert_eq(json_array_size(get(f, "objects")), 3);
  cr_assert_eq(json_array_size(get(f, "locks")), 0, "the condition's mutex is not what blocks");
  cr_assert_str_eq(str(f, "objects.0.kind"), "barrier", "sorted by kind, then by what they are");
  cr_assert_eq(json_integer_value(get(f, "objects.0.count")), 3);
  cr_assert_eq(json_integer_value(get(f, "objects.0.arrived")), 2);
  cr_assert_str_eq(str(f, "objects.1.kind"), "cond");
  cr_assert_str_eq(str(f, "objects.2.name"), "semaphore /jobs");
  cr_assert_str_eq(str(f, "objects.2.kind"), "sem");
  cr_assert_eq(json_integer_value(get(f, "objects.2.value")), 0);
  cr_assert_str_eq(str(f, "threads.3.waits.object"),
                   "condition variable first used at 0x170 (prog)");
  cr_assert_str_eq(str(f, "threads.3.waits.mutex"), LOCK0);
  out_free(&x);
}

Test(report_runtime, a_thread_of_a_stall_blocked_on_a_lock_is_told_who_holds_it) {
  struct out x =
      report_with("{'t':'finding','kind':'stall','action':'exit','threads':["
                  "{'thread':1,'waits':{'on':'lock','lock':1,'stack':3}},"
                  "{'thread':2,'waits':{'on':'sem','object':0,'stack':5},'holds':[[1,'w',4]]}]}");
  HAS(x, "==4242==     " LOCK1 " is held by T2\n");
  HAS(x, "==4242==     semaphore initialised at 0x160 (prog): no thread is left to post it\n");
  out_free(&x);
}

Test(report_runtime, a_fork_child_stuck_on_a_lock_its_parent_held_names_the_parent_thread) {
  struct out x =
      report_with("{'t':'finding','kind':'stall','action':'exit','detail':'held-at-fork','lock':1,"
                  "'threads':[{'thread':1,'waits':{'on':'lock','lock':1,'stack':3}}],"
                  "'related':[{'thread':2,'stack':4,'what':'held it when the process forked'}]}");
  HAS(x, LOCK1 " was held by T2 of the parent process when this process was forked: only the "
               "forking thread lives on in a fork child, so nobody will ever release it; T2 took "
               "it at\n");
  HAS(x, "How to fix it: in a program with threads, call only async-signal-safe functions "
         "between fork and exec");
  cr_assert_null(strstr(x.text, "does not show"), "%s", x.text);
  out_free(&x);
}

Test(report_runtime, a_stall_on_a_lock_whose_holder_is_unknown_says_so) {
  struct out x = report_with("{'t':'finding','kind':'stall','action':'exit','threads':["
                             "{'thread':1,'waits':{'on':'lock','lock':1,'stack':3}}]}");
  HAS(x, LOCK1 " is held by a thread this report does not show\n");
  HAS(x, "How to fix it: make sure that whatever a thread waits for still happens");
  out_free(&x);
}

/* ---- livelock ---- */

Test(report_runtime, a_livelock_gives_the_failed_trylocks_and_the_way_out) {
  struct out x = report_with(
      "{'t':'finding','kind':'livelock','ns':3000000000,'action':'exit','threads':["
      "{'thread':1,'holds':[[0,'w',2]],'tries':{'lock':1,'failures':900,'since_ns':1000000000}},"
      "{'thread':2,'holds':[[1,'w',4]],'tries':{'lock':0,'failures':1,'since_ns':1000000000}}]}");
  HAS(x, "==4242== lockhound: livelock: threads keep failing trylocks (livelock) [id ");
  HAS(x, "2 threads keep failing to take locks that the others hold");
  HAS(x, "T1 (created at 0x100) failed to take " LOCK1 " 900 times in 2.0 s without one success\n");
  HAS(x, "T2 (created at 0x100) failed to take " LOCK0 " 1 time in 2.0 s without one success\n");
  HAS(x, "==4242==     " LOCK1 " is held by T2\n");
  HAS(x, "back off for a random, growing delay");
  cr_assert_eq(json_integer_value(get(x.json, "findings.0.threads.0.tries.failures")), 900);
  out_free(&x);
}

/* ---- misuse ---- */

Test(report_runtime, unlock_unowned_names_the_holder_and_where_it_took_the_lock) {
  struct out x =
      report_with("{'t':'finding','kind':'unlock-unowned','action':'continue','lock':0,"
                  "'threads':[{'thread':2,'stack':6},{'thread':1,'holds':[[0,'w',3]]}]}");
  HAS(x, "==4242== lockhound: unlock-unowned: unlock of a lock the thread does not hold [id ");
  HAS(x, "==4242==   T2 unlocks " LOCK0 ", which it does not hold\n"
         "==4242==   T2 (created at 0x100) did it at\n"
         "==4242==       #0 0x160 (prog)\n"
         "==4242==   " LOCK0 " is held by T1, taken at\n"
         "==4242==       #0 0x130 (prog)\n");
  HAS(x, "How to fix it: only the thread that locked a mutex may unlock it");
  cr_assert_null(strstr(x.text, "action"), "a misuse lets the program go on: no action line");
  cr_assert_null(strstr(x.text, "ended the program"));
  out_free(&x);
}

Test(report_runtime, unlock_unowned_can_name_the_holder_from_a_related_place) {
  struct out x = report_with(
      "{'t':'finding','kind':'unlock-unowned','action':'continue','lock':0,"
      "'threads':[{'thread':2,'stack':6}],'related':[{'thread':1,'stack':3,'what':'taken'}]}");
  HAS(x, "==4242==   " LOCK0 " is held by T1, taken at\n==4242==       #0 0x130 (prog)\n");
  out_free(&x);
}

Test(report_runtime, unlock_unlocked_says_it_was_not_locked) {
  struct out x = report_with("{'t':'finding','kind':'unlock-unlocked','action':'continue','lock':1,"
                             "'threads':[{'thread':1,'stack':6}]}");
  HAS(x, "T1 unlocks " LOCK1 ", which is not locked (unlocked twice, or never locked)\n");
  HAS(x, "unlock exactly once per lock, on every path");
  out_free(&x);
}

Test(report_runtime, destroy_locked_names_the_holder) {
  struct out x =
      report_with("{'t':'finding','kind':'destroy-locked','action':'continue','lock':1,"
                  "'threads':[{'thread':1,'stack':6},{'thread':2,'holds':[[1,'w',4]]}]}");
  HAS(x, "T1 destroys " LOCK1 " while it is locked\n");
  HAS(x, "==4242==   " LOCK1 " is held by T2, taken at\n==4242==       #0 0x140 (prog)\n");
  out_free(&x);
}

Test(report_runtime, cond_wait_unowned_mutex_says_the_mutex_must_be_held) {
  struct out x = report_with(
      "{'t':'finding','kind':'cond-wait-unowned-mutex','action':'continue','object':1,'lock':0,"
      "'threads':[{'thread':1,'stack':6}]}");
  HAS(x, "T1 waits on condition variable first used at 0x170 (prog) with " LOCK0
         ", which it does not hold: a\n"
         "==4242==   condition wait must be made with its mutex locked\n");
  cr_assert_str_eq(str(x.json, "findings.0.objects.0.kind"), "cond");
  cr_assert_str_eq(str(x.json, "findings.0.locks.0.name"), LOCK0);
  out_free(&x);
}

Test(report_runtime, cond_multiple_mutexes_shows_the_other_waiter) {
  struct out x =
      report_with("{'t':'finding','kind':'cond-multiple-mutexes','action':'continue','object':1,"
                  "'threads':[{'thread':1,'waits':{'on':'cond','object':1,'mutex':1,'stack':6}},"
                  "{'thread':2,'waits':{'on':'cond','object':1,'mutex':0,'stack':7}}]}");
  HAS(x, "T1 waits on condition variable first used at 0x170 (prog) with " LOCK1
         " while another thread waits on it\n");
  HAS(x, "T2 (created at 0x100) is blocked in pthread_cond_wait(condition variable first used at "
         "0x170 (prog)) at\n");
  HAS(x, "==4242==     (with " LOCK0 ")\n");
  cr_assert_eq(json_array_size(get(x.json, "findings.0.locks")), 2, "both mutexes");
  out_free(&x);
}

Test(report_runtime, exit_holding_lock_shows_where_each_lock_was_taken) {
  struct out x = report_with("{'t':'finding','kind':'exit-holding-lock','action':'continue',"
                             "'threads':[{'thread':3,'stack':6,'holds':[[0,'w',2],[1,'w',4]]}]}");
  HAS(x, "T3 ends while it holds " LOCK0 ": no other thread can ever take it again\n");
  HAS(x, "==4242==   " LOCK1 " was taken at\n==4242==       #0 0x140 (prog)\n");
  cr_assert_eq(json_array_size(get(x.json, "findings.0.locks")), 2);
  out_free(&x);
}

Test(report_runtime, barrier_misuse_has_a_sentence_per_detail) {
  struct out x = report_with(
      "{'t':'finding','kind':'barrier-misuse','detail':'count-zero','action':'continue','object':2,"
      "'threads':[{'thread':1,'stack':6}]}\n"
      "{'t':'finding','kind':'barrier-misuse','detail':'reinit-while-waited','action':'continue','"
      "object':2,'threads':[{'thread':1,'stack':7}]}\n"
      "{'t':'finding','kind':'barrier-misuse','detail':'destroy-while-waited','action':'continue','"
      "object':2,'threads':["
      "{'thread':1,'stack':8},{'thread':2,'waits':{'on':'barrier','object':2,'stack':9}}]}");
  HAS(x, "T1 initialises barrier initialised at 0x180 (prog) with a count of 0: a barrier must "
         "wait for at least one\n");
  HAS(x, "T1 initialises barrier initialised at 0x180 (prog) again while threads wait on it\n");
  HAS(x, "T1 destroys barrier initialised at 0x180 (prog) while threads wait on it\n");
  HAS(x, "T2 (created at 0x100) is blocked in pthread_barrier_wait(barrier initialised at 0x180 "
         "(prog)) at\n");
  HAS(x, "ERROR SUMMARY: 3 errors from 3 contexts (barrier-misuse: 3)");
  cr_assert_str_eq(str(x.json, "findings.0.detail"), "count-zero");
  out_free(&x);
}

Test(report_runtime, semaphore_misuse_has_a_sentence_per_detail) {
  struct out x =
      report_with("{'t':'finding','kind':'semaphore-misuse','detail':'post-overflow','action':'"
                  "continue','object':3,'threads':[{'thread':1,'stack':6}]}\n"
                  "{'t':'finding','kind':'semaphore-misuse','detail':'destroy-while-waited','"
                  "action':'continue','object':0,'threads':[{'thread':1,'stack':7}]}");
  HAS(x, "T1 posts semaphore /jobs, whose value is already the largest a semaphore can hold\n"
         "==4242==   (SEM_VALUE_MAX): sem_post fails with EOVERFLOW");
  HAS(x, "T1 destroys semaphore initialised at 0x160 (prog) while threads wait on it\n");
  out_free(&x);
}

Test(report_runtime, api_error_has_a_sentence_per_detail) {
  struct out x = report_with("{'t':'finding','kind':'api-error','detail':'join-detached','action':'"
                             "continue','thread':2,'threads':[{'thread':0,'stack':6}]}\n"
                             "{'t':'finding','kind':'api-error','detail':'join-joined','action':'"
                             "continue','thread':1,'threads':[{'thread':0,'stack':7}]}\n"
                             "{'t':'finding','kind':'api-error','detail':'join-concurrent','action'"
                             ":'continue','thread':3,'threads':[{'thread':0,'stack':9}]}\n"
                             "{'t':'finding','kind':'api-error','detail':'something-new','action':'"
                             "continue','threads':[{'thread':3,'stack':8}]}");
  HAS(x, "==4242==   T0 joins T2, which is detached: a detached thread cannot be joined (EINVAL)\n"
         "==4242==   T0 (main thread) did it at\n");
  HAS(x, "==4242==   T0 joins T1, which was joined already: a thread can be joined only once\n");
  HAS(x, "==4242==   T0 joins T3 while another thread is joining it: only one thread may join a "
         "thread\n");
  HAS(x, "T3 made a pthread call that failed (something-new): the call did nothing, so the program "
         "must not go on as if it had worked\n");
  cr_assert_str_eq(str(x.json, "findings.1.detail"), "join-detached", "sorted by detail");
  cr_assert_str_eq(str(x.json, "findings.1.thread"), "T2");
  out_free(&x);
}

/* ---- exit status ---- */

static char *write_temp(const char *text) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/lh-rt-XXXXXX");
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  return path;
}

Test(report_runtime, warnings_alone_do_not_change_the_exit_status) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "timed-wait-cycle", 1);
  rb_end(&rb);
  char *path = write_temp(rb.buf);
  free(rb.buf);
  struct cli_result r = cli_run((char *[]){(char *)cli_lockhound(), "report", path, NULL});
  unlink(path);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.err, "ERROR SUMMARY: 0 errors from 0 contexts; 1 warning\n"), "%s", r.err);
  cli_free(&r);
}

Test(report_runtime, a_run_time_error_gives_the_error_exit_status) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  char *path = write_temp(rb.buf);
  free(rb.buf);
  struct cli_result r =
      cli_run((char *[]){(char *)cli_lockhound(), "report", "--error-exitcode=9", path, NULL});
  unlink(path);
  cr_assert_eq(r.status, 9, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound ended the program (exit code 9)"), "%s", r.err);
  cli_free(&r);
}

Test(report_runtime,
     a_deadlock_is_told_from_its_earliest_thread_whichever_the_library_started_from) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 2);
  struct out x = report_of(&rb);
  char *t1 = strstr(x.text, "T1 (created at 0x100) is blocked in"),
       *t2 = strstr(x.text, "T2 (created at 0x100) is blocked in");
  cr_assert(t1 && t2 && t1 < t2, "%s", x.text);
  cr_assert_str_eq(str(x.json, "findings.0.threads.0.id"), "T1");
  cr_assert_str_eq(str(x.json, "findings.0.steps.0.thread"), "T1");
  out_free(&x);
}

Test(report_runtime, a_cycle_of_joins_gets_advice_about_joins) {
  struct out x = report_with("{'t':'finding','kind':'deadlock','action':'exit','threads':["
                             "{'thread':1,'waits':{'on':'join','joins':2,'stack':3}},"
                             "{'thread':2,'waits':{'on':'join','joins':1,'stack':5}}]}");
  HAS(x, "How to fix it: let one thread (usually main) join the others");
  cr_assert_eq(json_array_size(get(x.json, "findings.0.locks")), 0);
  out_free(&x);
}
