/* test_python_locks.c - CPython's locks are recognised as locks, with Python's rules (issue 9).
 *
 * programs/fake_cpython.c exports the interpreter's lock functions and builds them on a sem_t as
 * CPython 3.8-3.12 does, so these tests need no interpreter and no lucky schedule: a semaphore
 * hands the turn from one thread to the next. (The samples in samples/python/ run the real
 * interpreter: integration.check_python_samples.) fake_cpython313 also exports PyMutex_Lock, as
 * CPython 3.13 does, whose locks lockhound cannot see. */
#include "child_process.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define FAKE LH_TEST_PROGRAM_DIR "/fake_cpython"
#define FAKE_313 LH_TEST_PROGRAM_DIR "/fake_cpython313"

static char *work_dir;
static char json_path[4096];

static void make_work_dir(void) {
  work_dir = lh_make_temp_dir("python-locks");
  cr_assert_not_null(work_dir);
  snprintf(json_path, sizeof json_path, "%s/findings.json", work_dir);
}

static void remove_work_dir(void) {
  lh_remove_tree(work_dir);
  free(work_dir);
  work_dir = NULL;
}

TestSuite(python_locks, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

/* `lockhound run --json F --stall-timeout=0.5 -- program mode`; the findings' kinds and their
 * first lock's kind, as "kind:lock_kind" lines. */
static char *run(const char *program, const char *mode, struct lh_child_result *res) {
  char run_dir[4200];
  snprintf(run_dir, sizeof run_dir, "--run-dir=%s", work_dir);
  const char *argv[] = {LOCKHOUND, "run", "--json", json_path, "--stall-timeout=0.5",
                        run_dir,   "--",  program,  mode,      NULL};
  struct lh_child_spec spec = {.argv = argv, .work_dir = work_dir};
  cr_assert_eq(lh_run_child_limited(&spec, 30.0, res), 0);
  json_error_t err;
  json_t *report = json_load_file(json_path, 0, &err);
  cr_assert_not_null(report, "no JSON report: %s\nstderr:\n%s", err.text, res->err);
  char *kinds = calloc(1, 4096);
  json_t *f;
  size_t i;
  json_array_foreach(json_object_get(report, "findings"), i, f) {
    json_t *locks = json_object_get(f, "locks");
    const char *lk = json_string_value(json_object_get(json_array_get(locks, 0), "kind"));
    snprintf(kinds + strlen(kinds), 4096 - strlen(kinds), "%s:%s\n",
             json_string_value(json_object_get(f, "kind")), lk ? lk : "-");
  }
  json_decref(report);
  return kinds;
}

Test(python_locks, two_interpreter_locks_in_opposite_orders_are_a_lock_order_inversion) {
  struct lh_child_result res;
  char *kinds = run(FAKE, "abba", &res);
  cr_expect_str_eq(kinds, "lock-order-inversion:python_lock\n", "stderr:\n%s", res.err);
  cr_expect_eq(res.exit_code, 66);
  free(kinds);
  lh_child_result_free(&res);
}

Test(python_locks, a_release_by_another_thread_and_a_free_while_held_are_no_misuse) {
  struct lh_child_result res;
  char *kinds = run(FAKE, "handover", &res);
  cr_expect_str_eq(kinds, "", "stderr:\n%s", res.err);
  cr_expect_eq(res.exit_code, 0);
  cr_expect_str_eq(res.out, "done\n");
  free(kinds);
  lh_child_result_free(&res);
}

Test(python_locks, a_thread_that_ends_holding_a_python_lock_is_no_misuse) {
  struct lh_child_result res;
  char *kinds = run(FAKE, "exit", &res);
  cr_expect_str_eq(kinds, "", "stderr:\n%s", res.err);
  cr_expect_eq(res.exit_code, 0);
  free(kinds);
  lh_child_result_free(&res);
}

/* A Python lock taken and released on the library's fast path keeps the semaphore's value as
 * glibc's calls leave it; a release wakes a thread asleep on the lock and keeps errno. */
Test(python_locks, a_lock_taken_and_released_on_the_fast_path_keeps_its_semaphore_right) {
  struct lh_child_result res;
  char *kinds = run(FAKE, "wake", &res);
  cr_expect_str_eq(res.out, "done\n", "stderr:\n%s", res.err);
  cr_expect_str_eq(kinds, "", "stderr:\n%s", res.err);
  cr_expect_eq(res.exit_code, 0);
  free(kinds);
  lh_child_result_free(&res);
}

/* Once a subinterpreter exists, PyGILState_Check says yes for every thread: reading Python stacks
 * on that answer crashed the interpreter (seen: SIGSEGV in each of 3 runs). */
Test(python_locks, threads_of_a_subinterpreter_run_unchanged) {
  struct lh_child_result res;
  char *kinds = run(LH_TEST_PYTHON, LH_TEST_PYTHON_SOURCE_DIR "/subinterpreter_threads.py", &res);
  cr_expect_str_eq(kinds, "", "stderr:\n%s", res.err);
  cr_expect_eq(res.exit_code, 0, "stderr:\n%s", res.err);
  cr_expect_str_eq(res.out, "subinterpreter done\n");
  free(kinds);
  lh_child_result_free(&res);
}

Test(python_locks, a_lock_its_holder_waits_on_with_nobody_left_is_a_self_deadlock) {
  struct lh_child_result res;
  char *kinds = run(FAKE, "self", &res);
  cr_expect_str_eq(kinds, "self-deadlock:python_lock\n", "stderr:\n%s", res.err);
  cr_expect_eq(res.exit_code, 66);
  cr_expect(strstr(res.err, "use a threading.RLock"), "stderr:\n%s", res.err);
  free(kinds);
  lh_child_result_free(&res);
}

Test(python_locks, a_python_313_gets_one_warning_saying_its_locks_cannot_be_seen) {
  struct lh_child_result res;
  char *kinds = run(FAKE_313, "abba", &res);
  cr_expect_str_eq(kinds, "", "3.13's locks are not seen: stderr:\n%s", res.err);
  const char *w = strstr(res.err, "this Python (3.13 or later) takes its locks inside the "
                                  "interpreter, where a preloaded library cannot see them");
  cr_expect(w, "stderr:\n%s", res.err);
  cr_expect(w && !strstr(w + 1, "this Python (3.13"), "said once: %s", res.err);
  cr_expect(strstr(res.err, "run the program with Python 3.8 to 3.12"), "stderr:\n%s", res.err);
  free(kinds);
  lh_child_result_free(&res);
}
