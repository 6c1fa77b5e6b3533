/* What the preload library records: each test runs one scenario of recorder_scenarios under
 * LD_PRELOAD as a child process and reads the run file it leaves (docs/run-file-format.md). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_process.h"

#define MAX_RUNS 4

struct run {
  json_t *records[MAX_RUNS]; /* one JSON array of records per run file */
  int nfiles;
  struct lh_child_result child;
};

static char *work_dir;

static void make_work_dir(void) { work_dir = lh_make_temp_dir("recorder"); }
static void remove_work_dir(void) { lh_remove_tree(work_dir); }

static json_t *load_run_file(const char *path) {
  size_t len;
  char *text = lh_read_file(path, &len);
  cr_assert_not_null(text, "cannot read %s", path);
  json_t *records = json_array();
  for (char *line = text, *nl; line < text + len; line = nl + 1) {
    nl = memchr(line, '\n', (size_t)(text + len - line));
    cr_assert_not_null(nl, "%s ends in an incomplete line", path);
    json_error_t err;
    json_t *r = json_loadb(line, (size_t)(nl - line), 0, &err);
    cr_assert_not_null(r, "%s: not JSON: %.*s", path, (int)(nl - line), line);
    json_array_append_new(records, r);
  }
  free(text);
  return records;
}

/* Runs a scenario with the run files going to dir (made private first unless it exists). */
static void run_in_env(const char *scenario, const char *dir, bool supervised, const char *extra,
                       struct run *run) {
  char program[4096], preload[4096], run_dir[4096];
  snprintf(program, sizeof program, "%s/recorder_scenarios", LH_TEST_PROGRAM_DIR);
  snprintf(preload, sizeof preload, "LD_PRELOAD=%s/liblockhound.so", LH_LIB_DIR);
  snprintf(run_dir, sizeof run_dir, "LOCKHOUND_RUN_DIR=%s", dir);
  const char *argv[] = {program, scenario, NULL};
  const char *env[] = {preload, run_dir, extra ? extra : "LOCKHOUND_NOTHING=",
                       supervised ? "LOCKHOUND_SUPERVISED=1" : NULL, NULL};
  struct lh_child_spec spec = {argv, env, NULL, 0, work_dir};
  cr_assert_eq(lh_run_child(&spec, &run->child), 0);
  run->nfiles = 0;
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (!strstr(e->d_name, ".lhrun"))
      continue;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    cr_assert_lt(run->nfiles, MAX_RUNS);
    run->records[run->nfiles++] = load_run_file(path);
  }
  if (d)
    closedir(d);
}

static void run_in(const char *scenario, const char *dir, bool supervised, struct run *run) {
  run_in_env(scenario, dir, supervised, NULL, run);
}

static void run_scenario(const char *scenario, struct run *run) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in(scenario, dir, true, run);
  cr_assert_eq(run->child.exit_code, 0, "%s exited with %d: %s", scenario, run->child.exit_code,
               run->child.err);
  cr_assert_eq(run->nfiles, 1, "%s left %d run files", scenario, run->nfiles);
}

static const char *type_of(json_t *r) { return json_string_value(json_object_get(r, "t")); }
static json_int_t int_of(json_t *r, const char *k) { return json_integer_value(json_object_get(r, k)); }

static size_t count(json_t *records, const char *type) {
  size_t n = 0, i;
  json_t *r;
  json_array_foreach(records, i, r) n += strcmp(type_of(r), type) == 0;
  return n;
}

/* The i-th record of a type, or NULL. */
static json_t *nth(json_t *records, const char *type, size_t want) {
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) if (strcmp(type_of(r), type) == 0 && want-- == 0) return r;
  return NULL;
}

/* The first lock record whose field key has the string value want. */
static json_t *lock_with(json_t *records, const char *key, const char *want) {
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) {
    const char *v = json_string_value(json_object_get(r, key));
    if (strcmp(type_of(r), "lock") == 0 && v && strcmp(v, want) == 0)
      return r;
  }
  return NULL;
}

static json_t *by_id(json_t *records, const char *type, json_int_t id) {
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) if (strcmp(type_of(r), type) == 0 && int_of(r, "id") == id) return r;
  return NULL;
}

Test(recorder, every_record_refers_only_to_records_written_before_it, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  run_scenario("create_and_join", &run);
  json_t *records = run.records[0], *r;
  size_t i;
  cr_expect_str_eq(type_of(json_array_get(records, 0)), "run");
  json_array_foreach(records, i, r) {
    json_t *seen = json_array();
    for (size_t j = 0; j < i; j++)
      json_array_append(seen, json_array_get(records, j));
    if (strcmp(type_of(r), "acq") == 0) {
      cr_expect_not_null(by_id(seen, "lock", int_of(r, "lock")), "acq before its lock");
      cr_expect_not_null(by_id(seen, "stack", int_of(r, "stack")), "acq before its stack");
      cr_expect_not_null(by_id(seen, "thread", int_of(r, "thread")), "acq before its thread");
    } else if (strcmp(type_of(r), "thread") == 0 && int_of(r, "parent") >= 0) {
      cr_expect_not_null(by_id(seen, "thread", int_of(r, "parent")), "thread before its parent");
    }
    json_decref(seen);
  }
}

Test(recorder, a_thread_holding_a_thousand_locks_is_recorded_whole, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  run_scenario("hold_a_thousand", &run);
  json_t *records = run.records[0];
  cr_expect_eq(count(records, "lock"), 1000);
  cr_expect_eq(count(records, "acq"), 999, "the first lock is taken with nothing held: no edge");
  json_t *last = nth(records, "acq", 998);
  cr_assert_not_null(last);
  cr_expect_eq(json_array_size(json_object_get(last, "held")), 999);
}

Test(recorder, a_lock_destroyed_and_initialised_again_at_one_address_is_a_new_lock,
     .init = make_work_dir, .fini = remove_work_dir) {
  struct run run;
  run_scenario("reuse_address", &run);
  json_t *records = run.records[0];
  cr_assert_eq(count(records, "lock"), 3); /* outer, slot (gen 0), slot (gen 1) */
  json_t *first = lock_with(records, "how", "init");
  cr_assert_not_null(first);
  json_t *second = NULL, *r;
  size_t i;
  json_array_foreach(records, i, r) if (strcmp(type_of(r), "lock") == 0 && r != first &&
                                        json_equal(json_object_get(r, "addr"),
                                                   json_object_get(first, "addr"))) second = r;
  cr_assert_not_null(second, "a second lock at the same address");
  cr_expect_neq(int_of(first, "id"), int_of(second, "id"));
  cr_expect_eq(int_of(first, "gen"), 0);
  cr_expect_eq(int_of(second, "gen"), 1);
  cr_expect_str_eq(json_string_value(json_object_get(second, "how")), "init");
  cr_expect_eq(count(records, "destroy"), 2);
  /* Each is taken under `outer` from the same place: two acquisitions, one of each lock (the
   * second push may not reuse the first's held entry, recorder.h). */
  cr_expect_eq(count(records, "acq"), 2);
  cr_expect_eq(int_of(nth(records, "acq", 0), "lock"), int_of(first, "id"));
  cr_expect_eq(int_of(nth(records, "acq", 1), "lock"), int_of(second, "id"));
}

/* The tuple cache keys an acquisition by the held set's hash, and a held entry's hash names the
 * lock it holds: a lock made again at an address, taken as the outer lock from the same place,
 * is a new held set, and the tuple under it is not mistaken for the one under the old lock. */
Test(recorder, a_lock_made_again_at_one_address_is_a_new_held_lock_for_what_it_guards,
     .init = make_work_dir, .fini = remove_work_dir) {
  struct run run;
  run_scenario("reuse_outer_address", &run);
  json_t *records = run.records[0];
  json_int_t gen1 = -1, outer_id = -1;
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) if (strcmp(type_of(r), "lock") == 0 && int_of(r, "gen") == 1)
      gen1 = int_of(r, "id");
  cr_assert_geq(gen1, 0, "no second lock at the slot's address");
  json_array_foreach(records, i, r) if (strcmp(type_of(r), "acq") == 0 && int_of(r, "lock") == gen1)
      outer_id = json_integer_value(json_array_get(json_array_get(json_object_get(r, "held"), 0), 0));
  cr_assert_geq(outer_id, 0, "the second lock was never taken under `outer`");
  bool under_gen1 = false;
  json_array_foreach(records, i, r) {
    json_t *held = json_object_get(r, "held");
    if (strcmp(type_of(r), "acq") == 0 && int_of(r, "lock") == outer_id &&
        json_integer_value(json_array_get(json_array_get(held, 0), 0)) == gen1)
      under_gen1 = true;
  }
  cr_expect(under_gen1, "`outer` taken under the second lock was not recorded: the cycle through "
                        "it is lost");
}

/* Locks that were never recorded are forgotten, but at a global address every one still counts
 * in the generation (the analyzer merges global locks of several runs by address and gen). */
Test(recorder, a_global_lock_counts_every_earlier_lock_at_its_address_recorded_or_not,
     .init = make_work_dir, .fini = remove_work_dir) {
  struct run run;
  run_scenario("reinit_global", &run);
  json_t *records = run.records[0];
  cr_assert_eq(count(records, "lock"), 2); /* outer, and the sixth slot */
  json_t *slot = lock_with(records, "how", "init");
  cr_assert_not_null(slot);
  cr_expect_eq(int_of(slot, "gen"), 5);
}

Test(recorder, a_statically_initialised_mutex_is_registered_at_first_use, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  run_scenario("static_initialiser", &run);
  cr_expect_eq(count(run.records[0], "lock"), 2);
  cr_expect_null(lock_with(run.records[0], "how", "init"));
  json_t *lock = lock_with(run.records[0], "how", "static");
  cr_assert_not_null(lock);
  cr_expect_str_eq(json_string_value(json_object_get(lock, "type")), "normal");
  cr_expect_geq(int_of(lock, "stack"), 0);
}

Test(recorder, a_run_killed_by_sigkill_keeps_everything_recorded_before, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in("killed_while_holding", dir, true, &run);
  cr_assert_eq(run.child.exit_code, 128 + SIGKILL);
  cr_assert_eq(run.nfiles, 1);
  json_t *records = run.records[0];
  cr_expect_eq(count(records, "acq"), 1);
  cr_expect_eq(json_array_size(json_object_get(nth(records, "acq", 0), "held")), 1);
  cr_expect_eq(count(records, "end"), 0, "no orderly end after SIGKILL");
}

/* Runs a scenario whose process forks once; the records of the child's file (the one whose
 * header says it was forked) and, in *parent, the parent's. */
static json_t *run_forking(const char *scenario, struct run *run, json_t **parent) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in(scenario, dir, true, run);
  cr_assert_eq(run->child.exit_code, 0);
  cr_assert_eq(run->nfiles, 2);
  bool first_forked = json_object_get(json_array_get(run->records[0], 0), "forked_from") != NULL;
  json_t *child = run->records[first_forked ? 0 : 1];
  cr_assert_not_null(json_object_get(json_array_get(child, 0), "forked_from"),
                     "no run file says it was forked");
  if (parent) *parent = run->records[first_forked ? 1 : 0];
  return child;
}

Test(recorder, a_fork_child_records_into_its_own_file_and_keeps_its_held_lock,
     .init = make_work_dir, .fini = remove_work_dir) {
  struct run run;
  json_t *child = run_forking("fork_child_records", &run, NULL);
  json_t *header = json_array_get(child, 0);
  cr_expect_str_eq(json_string_value(json_object_get(header, "lineage")), "/f1");
  json_t *acq = nth(child, "acq", 0);
  cr_assert_not_null(acq);
  cr_expect_eq(json_array_size(json_object_get(acq, "held")), 1, "the lock held at the fork");
  json_t *held_lock = json_array_get(json_array_get(json_object_get(acq, "held"), 0), 0);
  cr_expect_not_null(by_id(child, "lock", json_integer_value(held_lock)),
                     "the child's file describes the inherited lock itself");
  cr_expect_str_eq(json_string_value(json_object_get(nth(child, "thread", 0), "how")), "fork");
}

/* A fork child records its acquisitions afresh, those its parent made at the same depth and
 * pushed from its held set's reusable entries included. */
Test(recorder, a_fork_child_records_what_its_parent_took_the_same_way,
     .init = make_work_dir, .fini = remove_work_dir) {
  struct run run;
  json_t *parent;
  json_t *child = run_forking("fork_child_takes_again", &run, &parent);
  cr_expect_eq(count(parent, "acq"), 1, "the parent's file: `inner` under `first`, once");
  cr_expect_eq(count(child, "acq"), 1, "the child's file: `inner` under `first`, once");
}

Test(recorder, a_trylock_is_flagged_and_a_condvar_wait_retakes_its_mutex, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  run_scenario("trylock_and_cond", &run);
  json_t *records = run.records[0], *r;
  size_t i;
  int tries = 0, conds = 0, plain_b_under_two = 0;
  json_array_foreach(records, i, r) {
    if (strcmp(type_of(r), "acq") != 0)
      continue;
    tries += json_is_true(json_object_get(r, "try"));
    conds += json_is_true(json_object_get(r, "cond"));
    if (!json_object_get(r, "try") && json_array_size(json_object_get(r, "held")) == 2)
      plain_b_under_two++;
  }
  cr_expect_eq(tries, 1);
  cr_expect_eq(conds, 1);
  cr_expect_eq(plain_b_under_two, 1, "b taken under outer and a after the wait: a held again");
}

Test(recorder, read_and_write_holds_of_an_rwlock_are_told_apart, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  run_scenario("rwlock_modes", &run);
  json_t *records = run.records[0], *r;
  size_t i;
  int under_read = 0, under_write = 0;
  json_array_foreach(records, i, r) {
    if (strcmp(type_of(r), "acq") != 0)
      continue;
    json_t *held = json_object_get(r, "held");
    if (json_array_size(held) != 1)
      continue;
    const char *mode = json_string_value(json_array_get(json_array_get(held, 0), 1));
    under_read += strcmp(mode, "r") == 0;
    under_write += strcmp(mode, "w") == 0;
  }
  cr_expect_eq(under_read, 1, "the second read lock is a re-entry, not a nested acquisition");
  cr_expect_eq(under_write, 1);
  json_t *rw = lock_with(records, "kind", "rwlock");
  cr_assert_not_null(rw);
  cr_expect_str_eq(json_string_value(json_object_get(rw, "prefer")), "reader");
}

Test(recorder, a_recursive_mutex_retaken_by_its_holder_adds_no_tuple_and_stays_held,
     .init = make_work_dir, .fini = remove_work_dir) {
  struct run run;
  run_scenario("recursive_relock", &run);
  json_t *records = run.records[0];
  cr_expect_eq(count(records, "acq"), 1, "only inner under r: r taken again is no new tuple");
  json_t *inner = nth(records, "acq", 0);
  cr_expect_eq(json_array_size(json_object_get(inner, "held")), 1);
  cr_expect_not_null(lock_with(records, "type", "recursive"));
}

Test(recorder, create_and_join_cut_the_creator_into_segments, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  run_scenario("create_and_join", &run);
  json_t *records = run.records[0], *r;
  size_t i;
  json_t *child = NULL;
  json_array_foreach(records, i, r) if (strcmp(type_of(r), "thread") == 0 && int_of(r, "id") != 0) child = r;
  cr_assert_not_null(child);
  cr_expect_eq(int_of(child, "parent"), 0);
  cr_expect_eq(int_of(child, "parent_seg"), 0);
  cr_expect_str_eq(json_string_value(json_object_get(child, "how")), "pthread_create");
  json_t *join = nth(records, "join", 0);
  cr_assert_not_null(join);
  cr_expect_eq(int_of(join, "thread"), 0);
  cr_expect_eq(int_of(join, "seg"), 1);
  cr_expect_eq(int_of(join, "joined"), int_of(child, "id"));
  json_t *last = nth(records, "acq", count(records, "acq") - 1);
  cr_expect_eq(int_of(last, "thread"), 0);
  cr_expect_eq(int_of(last, "seg"), 2, "after the join, main is in its third segment");
}

Test(recorder, threads_cancelled_as_they_start_leave_lockhound_working, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60) {
  struct run run;
  run_scenario("cancel_at_start", &run);
  cr_expect_eq(count(run.records[0], "thread"), 201);
}

static json_t *finding_of(json_t *records, const char *kind) {
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) {
    if (strcmp(type_of(r), "finding") == 0 &&
        strcmp(json_string_value(json_object_get(r, "kind")), kind) == 0)
      return r;
  }
  return NULL;
}

Test(watchdog, a_real_deadlock_is_recorded_and_ends_the_run_with_exit_code_66,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 30) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in("really_deadlock", dir, true, &run);
  cr_expect_eq(run.child.exit_code, 66);
  cr_assert_eq(run.nfiles, 1);
  json_t *f = finding_of(run.records[0], "deadlock");
  cr_assert_not_null(f, "no deadlock finding");
  cr_expect_str_eq(json_string_value(json_object_get(f, "action")), "exit");
  json_t *threads = json_object_get(f, "threads");
  cr_assert_eq(json_array_size(threads), 2);
  for (size_t i = 0; i < 2; i++) {
    json_t *t = json_array_get(threads, i);
    json_t *w = json_object_get(t, "waits");
    cr_expect_str_eq(json_string_value(json_object_get(w, "on")), "lock");
    cr_expect_eq(json_array_size(json_object_get(t, "holds")), 1, "each holds the other's lock");
    /* thread i waits for the lock the next thread holds */
    json_t *next = json_array_get(threads, (i + 1) % 2);
    json_int_t held = json_integer_value(
        json_array_get(json_array_get(json_object_get(next, "holds"), 0), 0));
    cr_expect_eq(json_integer_value(json_object_get(w, "lock")), held);
  }
  cr_expect_not_null(nth(run.records[0], "end", 0), "the run file was finished");
}

Test(watchdog, with_on_deadlock_abort_the_program_aborts, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 30) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in_env("really_deadlock", dir, true, "LOCKHOUND_OPTIONS=on_deadlock=abort", &run);
  cr_expect_eq(run.child.exit_code, 128 + SIGABRT);
  cr_expect_not_null(finding_of(run.records[0], "deadlock"));
}

Test(watchdog, the_exit_code_is_an_option, .init = make_work_dir, .fini = remove_work_dir,
     .timeout = 30) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in_env("really_deadlock", dir, true, "LOCKHOUND_OPTIONS=exitcode=3", &run);
  cr_expect_eq(run.child.exit_code, 3);
}

Test(watchdog, a_bad_option_is_said_once_and_ignored, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in_env("static_initialiser", dir, true, "LOCKHOUND_OPTIONS=on_deadlock=maybe:colour=red",
             &run);
  cr_expect_eq(run.child.exit_code, 0);
  cr_expect(strstr(run.child.err, "ignoring 'on_deadlock=maybe'") != NULL, "%s", run.child.err);
  cr_expect(strstr(run.child.err, "ignoring 'colour=red'") != NULL, "%s", run.child.err);
}

Test(watchdog, a_fork_child_has_a_watchdog_of_its_own, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 30) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in("deadlock_in_child", dir, true, &run);
  cr_expect_eq(run.child.exit_code, 0);
  cr_expect_str_eq(run.child.out, "child 66\n");
  cr_assert_eq(run.nfiles, 2);
  bool found = false;
  for (int i = 0; i < 2; i++)
    found |= finding_of(run.records[i], "deadlock") != NULL;
  cr_expect(found, "the child's run file has the deadlock");
}

Test(watchdog, threads_an_alarm_will_wake_are_not_a_stall, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 30) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in_env("woken_by_alarm", dir, true, "LOCKHOUND_OPTIONS=stall_timeout=0.5", &run);
  cr_expect_eq(run.child.exit_code, 0, "stderr: %s", run.child.err);
  cr_expect_str_eq(run.child.out, "woken\n");
  cr_expect_null(finding_of(run.records[0], "stall"));
}

Test(watchdog, process_directed_signals_never_reach_the_watchdog, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 30) {
  struct run run;
  run_scenario("signals_reach_program_threads", &run);
}

Test(contention, the_profile_counts_every_acquisition_and_its_times, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in_env("contended_counter", dir, true, "LOCKHOUND_OPTIONS=contention=1", &run);
  cr_assert_eq(run.child.exit_code, 0);
  cr_assert_eq(count(run.records[0], "contention"), 1, "one lock, one record");
  json_t *c = nth(run.records[0], "contention", 0);
  cr_expect_eq(int_of(c, "acquisitions"), 4000);
  cr_expect_leq(int_of(c, "contended"), 4000);
  cr_expect_gt(int_of(c, "hold_ns"), 0);
  cr_expect_leq(int_of(c, "max_hold_ns"), int_of(c, "hold_ns"));
  cr_expect_leq(int_of(c, "max_wait_ns"), int_of(c, "wait_ns"));
  cr_expect_not_null(by_id(run.records[0], "lock", int_of(c, "lock")), "its lock is described");
}

Test(contention, without_the_option_there_is_no_profile, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in("contended_counter", dir, true, &run);
  cr_assert_eq(run.child.exit_code, 0);
  cr_expect_eq(count(run.records[0], "contention"), 0);
}

Test(recorder, wrappers_leave_errno_as_the_real_call_set_it, .init = make_work_dir,
     .fini = remove_work_dir) {
  struct run run;
  run_scenario("errno_preserved", &run);
}

Test(recorder, a_process_that_never_locks_leaves_no_file_when_preloaded_by_hand,
     .init = make_work_dir, .fini = remove_work_dir) {
  struct run run;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  run_in("no_locks", dir, false, &run);
  cr_expect_eq(run.child.exit_code, 0);
  cr_expect_str_eq(run.child.out, "hello\n");
  cr_expect_eq(run.nfiles, 0);
  cr_expect_str_eq(run.child.err, "");
}

Test(run_directory, a_symlink_as_run_directory_is_refused_with_one_message, .init = make_work_dir,
     .fini = remove_work_dir) {
  char target[4096], link[4096];
  snprintf(target, sizeof target, "%s/target", work_dir);
  snprintf(link, sizeof link, "%s/link", work_dir);
  mkdir(target, 0700);
  cr_assert_eq(symlink(target, link), 0);
  struct run run;
  run_in("static_initialiser", link, true, &run);
  cr_expect_eq(run.child.exit_code, 0, "the program runs on unharmed");
  cr_expect_eq(run.nfiles, 0);
  cr_expect(strstr(run.child.err, "refusing the run directory") != NULL, "stderr: %s",
            run.child.err);
  cr_expect(strstr(run.child.err, "symbolic link") != NULL);
  DIR *d = opendir(target);
  int entries = 0;
  while (readdir(d))
    entries++;
  closedir(d);
  cr_expect_eq(entries, 2, "nothing was written through the link");
}

Test(run_directory, a_run_directory_others_can_write_to_is_refused, .init = make_work_dir,
     .fini = remove_work_dir) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/open", work_dir);
  mkdir(dir, 0700);
  chmod(dir, 0777);
  struct run run;
  run_in("static_initialiser", dir, true, &run);
  cr_expect_eq(run.child.exit_code, 0);
  cr_expect_eq(run.nfiles, 0);
  cr_expect(strstr(run.child.err, "others can write to it") != NULL, "stderr: %s", run.child.err);
}

Test(run_directory, a_missing_run_directory_is_created_private, .init = make_work_dir,
     .fini = remove_work_dir) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/fresh", work_dir);
  struct run run;
  run_in("static_initialiser", dir, true, &run);
  cr_expect_eq(run.nfiles, 1);
  struct stat st;
  cr_assert_eq(stat(dir, &st), 0);
  cr_expect_eq(st.st_mode & 0777, 0700);
  DIR *d = opendir(dir);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strstr(e->d_name, ".lhrun"))
      continue;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    stat(path, &st);
    cr_expect_eq(st.st_mode & 0777, 0600, "a run file is private");
  }
  closedir(d);
}

Test(run_directory, a_run_directory_that_cannot_be_created_is_said_once, .init = make_work_dir,
     .fini = remove_work_dir) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/no/such/parent", work_dir);
  struct run run;
  run_in("static_initialiser", dir, true, &run);
  cr_expect_eq(run.child.exit_code, 0);
  cr_expect(strstr(run.child.err, "cannot create the run directory") != NULL, "stderr: %s",
            run.child.err);
  cr_expect(strstr(run.child.err, "LOCKHOUND_RUN_DIR") != NULL, "it says what to do");
  const char *second = strstr(run.child.err, "lockhound:");
  cr_expect_null(second ? strstr(second + 1, "lockhound:") : NULL, "one message only");
}

Test(at_exit, a_missing_lockhound_command_is_said_with_the_run_file_to_report_later,
     .init = make_work_dir, .fini = remove_work_dir) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  struct run run;
  run_in_env("static_initialiser", dir, false, "LOCKHOUND_BIN=/nonexistent/lockhound", &run);
  cr_expect_eq(run.child.exit_code, 0, "the program's exit code is untouched");
  cr_expect_eq(run.nfiles, 1);
  cr_expect(strstr(run.child.err, "the lockhound command was not found") != NULL, "stderr: %s",
            run.child.err);
  cr_expect(strstr(run.child.err, "lockhound report") != NULL, "it says what to do");
}

Test(at_exit, a_program_preloaded_by_hand_reports_on_its_own_stderr, .init = make_work_dir,
     .fini = remove_work_dir) {
  char dir[4096], bin[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  snprintf(bin, sizeof bin, "LOCKHOUND_BIN=%s/../bin/lockhound", LH_LIB_DIR);
  struct run run;
  run_in_env("create_and_join", dir, false, bin, &run);
  cr_expect_eq(run.child.exit_code, 0);
  cr_expect(strstr(run.child.err, "ERROR SUMMARY: 0 errors") != NULL, "stderr: %s",
            run.child.err);
}

Test(at_exit, the_report_reaches_the_original_stderr_when_the_program_closed_its_own,
     .init = make_work_dir, .fini = remove_work_dir) {
  char dir[4096], bin[4096];
  snprintf(dir, sizeof dir, "%s/runs", work_dir);
  snprintf(bin, sizeof bin, "LOCKHOUND_BIN=%s/../bin/lockhound", LH_LIB_DIR);
  struct run run;
  run_in_env("closes_stderr", dir, false, bin, &run);
  cr_expect_eq(run.child.exit_code, 0);
  cr_expect(strstr(run.child.err, "ERROR SUMMARY") != NULL, "stderr: %s", run.child.err);
}
