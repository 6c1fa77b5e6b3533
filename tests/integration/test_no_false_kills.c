/* test_no_false_kills.c - a run-time verdict that ENDS a program (deadlock, self-deadlock, stall,
 * livelock) must be certain; when it is not, lockhound writes a warning and lets the program live.
 * And lockhound itself never crashes a correct program.
 *
 * The programs are small C programs of tests/integration/programs/ (built next to the tests):
 * correct programs that once were ended (a daemon waiting for SIGTERM, processes waiting on each
 * other through process-shared objects, a mutex re-initialised, a bounded trylock polling phase, a
 * thread on a stack the program unmaps) and real hangs that must still be ended. Every run has a
 * time limit (lh_run_child_limited), so a hang fails the test instead of blocking CI. A signal the
 * test sends is sent once the program printed "ready <pid>" (lh_run_child_signalled). */
#include "child_process.h"
#include "commands/expectations.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define PROGRAM(name) LH_TEST_PROGRAM_DIR "/" name
#define RUN_LIMIT_S 30.0

static char *work_dir;
static char json_path[4096];
static char tmpdir_env[4200];

static void make_work_dir(void) {
  work_dir = lh_make_temp_dir("no-false-kills");
  cr_assert_not_null(work_dir, "cannot make a scratch directory");
  snprintf(json_path, sizeof json_path, "%s/findings.json", work_dir);
  snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
}

static void remove_work_dir(void) {
  lh_remove_tree(work_dir);
  free(work_dir);
  work_dir = NULL;
}

/* `lockhound run --json FILE [options] -- program args`: argv is {options..., "--", program,
 * args..., NULL}. With a ready word, SIGTERM is sent delay_s after the program printed it. */
static json_t *run_json(const char *const *args, const char *ready, double delay_s,
                        struct lh_child_result *res) {
  const char *argv[32] = {LOCKHOUND, "run", "--json", json_path};
  size_t n = 4;
  for (size_t i = 0; args[i] && n < 31; i++) argv[n++] = args[i];
  argv[n] = NULL;
  const char *env[] = {tmpdir_env, NULL};
  struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
  int rc = ready ? lh_run_child_signalled(&spec, ready, delay_s, SIGTERM, RUN_LIMIT_S, res)
                 : lh_run_child_limited(&spec, RUN_LIMIT_S, res);
  cr_assert_eq(rc, 0, "cannot run lockhound");
  cr_assert(!res->timed_out, "the run did not end within %.0f s; stdout:\n%s\nstderr:\n%s",
            RUN_LIMIT_S, res->out, res->err);
  json_error_t jerr;
  json_t *report = json_load_file(json_path, 0, &jerr);
  cr_assert_not_null(report, "no readable JSON report (%s); stderr:\n%s", jerr.text, res->err);
  return report;
}

/* Only findings of the given kinds (NULL-terminated), at most. */
static void expect_only_kinds(const json_t *report, const char *const *allowed, const char *err) {
  const json_t *findings = json_object_get(report, "findings");
  for (size_t i = 0; i < json_array_size(findings); i++) {
    const char *kind =
        json_string_value(json_object_get(json_array_get(findings, i), "kind")) ?: "";
    bool ok = false;
    for (size_t k = 0; allowed[k]; k++) ok |= strcmp(kind, allowed[k]) == 0;
    cr_expect(ok, "unexpected finding '%s'; stderr:\n%s", kind, err);
  }
}

static const char *const at_most_a_possible_stall[] = {"possible-stall", NULL};

/* ---- item: a stall while a wake-up can still come ---- */

TestSuite(wakeup, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

/* Workers wait on a condvar, main in sem_wait for its SIGTERM handler's sem_post: it lives past
 * the stall timeout, and exits 0 on SIGTERM with a clean shutdown. */
Test(wakeup, sigterm_daemon_lives_past_the_stall_timeout_and_shuts_down_cleanly) {
  struct lh_child_result res;
  const char *args[] = {"--stall-timeout=0.5", "--", PROGRAM("sigterm_daemon"), NULL};
  json_t *report = run_json(args, "ready ", 1.5, &res);
  cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
  cr_expect_not_null(strstr(res.out, "clean shutdown"), "stdout:\n%s", res.out);
  expect_only_kinds(report, at_most_a_possible_stall, res.err);
  const json_t *w = lh_report_finding(report, "possible-stall");
  cr_expect_not_null(w, "the long wait for a signal gave no warning; stderr:\n%s", res.err);
  cr_expect_str_eq(json_string_value(json_object_get(w, "level")) ?: "", "warning");
  cr_expect_not_null(strstr(res.err, "the program handles signals, and a handler may post the "
                                     "semaphore a thread waits on\n"),
                     "stderr:\n%s", res.err);
  cr_expect_not_null(strstr(res.err, "lockhound is not certain, and let the program run\n"),
                     "stderr:\n%s", res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

static void released_by_another_process(const char *what, const char *delay, const char *timeout) {
  struct lh_child_result res;
  const char *with_timeout[] = {timeout, "--", PROGRAM("pshared_wait"), what, delay, NULL};
  const char *without[] = {"--", PROGRAM("pshared_wait"), what, delay, NULL};
  json_t *report = run_json(timeout ? with_timeout : without, NULL, 0, &res);
  cr_expect_eq(res.exit_code, 0, "%s: exit code %d; stderr:\n%s", what, res.exit_code, res.err);
  cr_expect_str_eq(res.out, "released\n", "%s", what);
  expect_only_kinds(report, at_most_a_possible_stall, res.err);
  if (lh_report_finding(report, "possible-stall"))
    cr_expect_not_null(strstr(res.err, "a thread waits on a process-shared object, which another "
                                       "process may release\n"),
                       "stderr:\n%s", res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

/* The brief's case: the default stall timeout (2 s), the other process posts after 3 s. */
Test(wakeup, process_shared_semaphore_posted_by_another_process_after_3_s) {
  released_by_another_process("sem", "3", NULL);
}

Test(wakeup, named_semaphore_posted_by_another_process) {
  released_by_another_process("named", "1.5", "--stall-timeout=0.5");
}

Test(wakeup, process_shared_mutex_unlocked_by_another_process) {
  released_by_another_process("mutex", "1.5", "--stall-timeout=0.5");
}

Test(wakeup, process_shared_condvar_signalled_by_another_process) {
  released_by_another_process("cond", "1.5", "--stall-timeout=0.5");
}

/* An ignored alarm wakes nobody: the real stall behind it is still one (it used to hide it). */
Test(wakeup, ignored_alarm_does_not_hide_a_real_stall) {
  struct lh_child_result res;
  const char *args[] = {"--stall-timeout=0.5", "--", PROGRAM("alarm_stall"), "ignore", "30", NULL};
  json_t *report = run_json(args, NULL, 0, &res);
  cr_expect_not_null(lh_report_finding(report, "stall"), "no stall; stderr:\n%s", res.err);
  cr_expect_eq(res.exit_code, LH_EXPECT_FOUND_EXIT_CODE, "exit code %d", res.exit_code);
  json_decref(report);
  lh_child_result_free(&res);
}

/* An alarm with the default action wakes nobody either: it ends the process. */
Test(wakeup, alarm_with_the_default_action_does_not_hide_a_real_stall) {
  struct lh_child_result res;
  const char *args[] = {"--stall-timeout=0.5", "--", PROGRAM("alarm_stall"), "default", "30", NULL};
  json_t *report = run_json(args, NULL, 0, &res);
  cr_expect_not_null(lh_report_finding(report, "stall"), "no stall; stderr:\n%s", res.err);
  cr_expect_eq(res.exit_code, LH_EXPECT_FOUND_EXIT_CODE, "exit code %d", res.exit_code);
  json_decref(report);
  lh_child_result_free(&res);
}

/* ... and when it rings before the stall timeout, the program dies of it as it would natively. */
Test(wakeup, alarm_with_the_default_action_ends_the_program_as_natively) {
  struct lh_child_result res;
  const char *args[] = {"--", PROGRAM("alarm_stall"), "default", "1", NULL};
  json_t *report = run_json(args, NULL, 0, &res);
  cr_expect_eq(res.exit_code, 128 + SIGALRM, "exit code %d; stderr:\n%s", res.exit_code, res.err);
  cr_expect_null(lh_report_finding(report, "stall"), "stderr:\n%s", res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

/* Every thread blocked, but a caught alarm is on its way (its handler ends the program): not a
 * stall, the program ends as natively, when the alarm rings. */
Test(wakeup, caught_alarm_on_its_way_lets_the_program_end_as_natively) {
  struct lh_child_result res;
  const char *args[] = {"--stall-timeout=0.3", "--", PROGRAM("alarm_stall"), "exit", "2", NULL};
  json_t *report = run_json(args, NULL, 0, &res);
  cr_expect_eq(res.exit_code, 3, "exit code %d; stderr:\n%s", res.exit_code, res.err);
  expect_only_kinds(report, at_most_a_possible_stall, res.err);
  cr_expect_not_null(strstr(res.err, "a timer is pending whose signal the program handles\n"),
                     "stderr:\n%s", res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

/* Queue workers and main in Event.wait() until SIGTERM: CPython's locks are semaphores. The
 * interpreter is LH_TEST_PYTHON (CMake: Debian's /usr/bin/python3), not whatever python3 comes
 * first on PATH. */
Test(wakeup, python_service_waiting_for_sigterm_is_not_ended) {
  cr_assert(access(LH_TEST_PYTHON, X_OK) == 0,
            LH_TEST_PYTHON " is not installed (.ci/install-deps installs python3)");
  struct lh_child_result res;
  const char *args[] = {"--stall-timeout=0.5", "--", LH_TEST_PYTHON,
                        LH_TEST_PROGRAM_SOURCE_DIR "/python_service.py", NULL};
  json_t *report = run_json(args, "ready ", 2.0, &res);
  cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
  cr_expect_not_null(strstr(res.out, "clean shutdown"), "stdout:\n%s", res.out);
  expect_only_kinds(report, at_most_a_possible_stall, res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

/* ---- item: a livelock that ends by itself ---- */

/* Whether thread tid sits in a futex wait (system call 202 on x86_64): blocked on the mutex. */
static bool in_futex_wait(pid_t pid, pid_t tid) {
  char path[96], buf[64] = "";
  snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", pid, tid);
  FILE *f = fopen(path, "r");
  if (!f) return false;
  bool yes = fgets(buf, sizeof buf, f) && strncmp(buf, "202 ", 4) == 0;
  fclose(f);
  return yes;
}

Test(wakeup, lock_waiter_whose_lock_was_released_but_has_not_run_is_not_stalled) {
  /* lockhound run --stall-timeout=0.3, its stdin and stdout through pipes, stderr to a file */
  int in[2], out[2];
  char err_path[4200];
  snprintf(err_path, sizeof err_path, "%s/stderr", work_dir);
  cr_assert(pipe(in) == 0 && pipe(out) == 0);
  pid_t child = fork();
  if (child == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    FILE *err = fopen(err_path, "w");
    if (err) dup2(fileno(err), 2);
    close(in[1]);
    close(out[0]);
    unsetenv("LD_PRELOAD");
    setenv("TMPDIR", work_dir, 1);
    execl(LOCKHOUND, LOCKHOUND, "run", "--stall-timeout=0.3", "--", PROGRAM("released_waiter"),
          (char *)NULL);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  FILE *from = fdopen(out[0], "r");
  int pid = 0, tid = 0;
  cr_assert(fscanf(from, "waiter %d %d", &pid, &tid) == 2, "the program did not start");
  for (int i = 0; i < 1000 && !in_futex_wait(pid, tid); i++) usleep(10000);
  cr_assert(in_futex_wait(pid, tid), "the waiter never blocked on the mutex");
  /* stop the waiter where it is, then free the mutex: its wake-up is on its way, not taken */
  cr_assert_eq(ptrace(PTRACE_SEIZE, tid, NULL, NULL), 0, "ptrace: %s", strerror(errno));
  cr_assert_eq(ptrace(PTRACE_INTERRUPT, tid, NULL, NULL), 0);
  int st;
  cr_assert_eq(waitpid(tid, &st, __WALL), tid);
  cr_assert(write(in[1], "go\n", 3) == 3);
  usleep(1500 * 1000); /* five stall timeouts: a stall would have been claimed by now */
  ptrace(PTRACE_DETACH, tid, NULL, NULL);
  /* Had lockhound ended the program meanwhile, the stopped thread would be ours to reap (we
     * trace it) before its process could end: reap it while waiting. */
  int status;
  pid_t ended;
  while ((ended = waitpid(child, &status, WNOHANG)) == 0) {
    waitpid(tid, &st, __WALL | WNOHANG);
    usleep(10000);
  }
  cr_assert_eq(ended, child);
  char rest[64] = "";
  size_t got = fread(rest, 1, sizeof rest - 1, from);
  rest[got] = 0;
  fclose(from);
  close(in[1]);
  char *err = lh_read_file(err_path, NULL);
  cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "lockhound run ended with %d:\n%s",
            status, err ? err : "");
  cr_expect(strstr(rest, "done") != NULL, "the program did not finish: stdout '%s'", rest);
  cr_expect(err && !strstr(err, "stall"), "a stall was reported:\n%s", err ? err : "");
  free(err);
}

TestSuite(polling, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

static const char *const at_most_a_possible_livelock[] = {"possible-livelock", NULL};

/* Two threads poll each other's lock for 3 s by their own clock: with the default livelock
 * timeout (10 s, longer than a plausible polling phase) nothing ends them. */
Test(polling, bounded_trylock_polling_of_3_s_is_not_ended) {
  struct lh_child_result res;
  const char *args[] = {"--", PROGRAM("bounded_polling"), "self", "3", NULL};
  json_t *report = run_json(args, NULL, 0, &res);
  cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
  cr_expect_str_eq(res.out, "polling ended\n");
  expect_only_kinds(report, at_most_a_possible_livelock, res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

/* The polling outlasts even a short livelock timeout, but main is running (it ends the polling
 * after 1.5 s): something else may progress, so it is a warning, and the program lives. */
Test(polling, polling_that_another_thread_ends_is_a_warning_at_most) {
  struct lh_child_result res;
  const char *args[] = {
      "--livelock-timeout=0.3", "--", PROGRAM("bounded_polling"), "main", "1.5", NULL};
  json_t *report = run_json(args, NULL, 0, &res);
  cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
  cr_expect_str_eq(res.out, "polling ended\n");
  expect_only_kinds(report, at_most_a_possible_livelock, res.err);
  cr_expect_not_null(lh_report_finding(report, "possible-livelock"), "stderr:\n%s", res.err);
  cr_expect_not_null(strstr(res.err, "2 threads keep failing to take locks that the others hold, "
                                     "but another thread may still make progress and end it\n"),
                     "stderr:\n%s", res.err);
  cr_expect_not_null(strstr(res.err, "lockhound is not certain, and let the program run\n"),
                     "stderr:\n%s", res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

/* ---- item: a self-deadlock that is not one ---- */

TestSuite(stale_holder, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

/* The program takes again a lock that lockhound believed it still held, but that is free: it
 * must run to the end ("done"), with no self-deadlock. `allowed` are the findings it may have
 * (an unlock by another thread is a real misuse). */
static void takes_a_free_lock_again(const char *what, const char *const *allowed, int exit_code) {
  struct lh_child_result res;
  const char *args[] = {"--", PROGRAM("stale_holder"), what, NULL};
  json_t *report = run_json(args, NULL, 0, &res);
  cr_expect_str_eq(res.out, "done\n", "%s: stderr:\n%s", what, res.err);
  cr_expect_null(lh_report_finding(report, "self-deadlock"), "%s: stderr:\n%s", what, res.err);
  expect_only_kinds(report, allowed, res.err);
  cr_expect_eq(res.exit_code, exit_code, "%s: exit code %d; stderr:\n%s", what, res.exit_code,
               res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

static const char *const unlock_unowned[] = {"unlock-unowned", NULL};
static const char *const reinit_in_use[] = {"reinit-in-use", NULL};

/* Initialising a held mutex again is itself a misuse (reinit-in-use, an error: 66), reported at
 * the init; the lock that follows is not a self-deadlock. */
Test(stale_holder, mutex_initialised_again_while_held_then_locked) {
  takes_a_free_lock_again("reinit-self", reinit_in_use, LH_EXPECT_FOUND_EXIT_CODE);
}

Test(stale_holder, mutex_initialised_again_by_another_thread_then_locked_by_the_holder) {
  takes_a_free_lock_again("reinit-other", reinit_in_use, LH_EXPECT_FOUND_EXIT_CODE);
}

/* Undefined for a normal mutex, but it happens: the unlock is reported (an error, hence 66 from
 * `lockhound run`), the holder's next lock is not. */
Test(stale_holder, mutex_unlocked_by_another_thread_then_locked_by_the_holder) {
  takes_a_free_lock_again("unlock-mutex", unlock_unowned, LH_EXPECT_FOUND_EXIT_CODE);
}

Test(stale_holder, read_lock_released_by_another_thread_then_write_locked_by_the_holder) {
  takes_a_free_lock_again("unlock-rwlock", unlock_unowned, LH_EXPECT_FOUND_EXIT_CODE);
}

Test(stale_holder, spinlock_unlocked_by_another_thread_then_locked_by_the_holder) {
  takes_a_free_lock_again("unlock-spin", unlock_unowned, LH_EXPECT_FOUND_EXIT_CODE);
}

/* ---- item: findings whose words are true whether or not the program handles the error ---- */

TestSuite(wording, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

static void report_says(const char *what, const char *lang, const char *expected_out,
                        const char *says, const char *never) {
  struct lh_child_result res;
  const char *args[] = {"--lang", lang, "--", PROGRAM("owner_died"), what, NULL};
  json_t *report = run_json(args, NULL, 0, &res);
  cr_expect_str_eq(res.out, expected_out, "%s", what);
  cr_expect_not_null(strstr(res.err, says), "%s (%s): the report does not say \"%s\":\n%s", what,
                     lang, says, res.err);
  cr_expect_null(strstr(res.err, never), "%s (%s): the report says \"%s\":\n%s", what, lang, never,
                 res.err);
  json_decref(report);
  lh_child_result_free(&res);
}

/* The next locker of a robust mutex whose owner died gets EOWNERDEAD and recovers it. */
Test(wording, robust_mutex_whose_owner_died_can_be_recovered) {
  report_says(
      "robust", "en", "recovered\n",
      "T1 ends while it holds m, a robust mutex: the next thread to lock it gets EOWNERDEAD, "
      "and must repair what it protects and call pthread_mutex_consistent",
      "no other thread can ever take it again");
  report_says("robust", "ru", "recovered\n",
              "T1 завершается, удерживая робастный мьютекс m: следующий захвативший его поток "
              "получит EOWNERDEAD",
              "ни один другой поток больше не сможет её захватить");
}

/* The program checked EDEADLK: the report must not say that it went on as if the call worked. */
Test(wording, errorcheck_relock_is_told_truly_when_the_program_checks_the_error) {
  report_says("errorcheck", "en", "relock refused\n",
              "T0 made a pthread call that failed (EDEADLK): the call did nothing, so the program "
              "must not go on as if it had worked",
              "and the program went on as if it had worked");
  report_says("errorcheck", "ru", "relock refused\n",
              "T0 сделал вызов pthread, который завершился ошибкой (EDEADLK): вызов ничего не "
              "сделал",
              "а программа продолжила работу");
}

/* ---- item: lockhound never reads a thread's state in memory the program freed ---- */

TestSuite(own_memory, .init = make_work_dir, .fini = remove_work_dir, .timeout = 180);

/* Threads on stacks the program maps and unmaps itself (their TLS is inside): 20 runs, each exits
 * 0 with "done". */
Test(own_memory, threads_on_stacks_the_program_unmaps_20_runs) {
  for (int run = 0; run < 20; run++) {
    struct lh_child_result res;
    const char *args[] = {"--", PROGRAM("stack_teardown"), NULL};
    json_t *report = run_json(args, NULL, 0, &res);
    cr_assert_eq(res.exit_code, 0, "run %d: exit code %d; stderr:\n%s", run, res.exit_code,
                 res.err);
    cr_assert_str_eq(res.out, "done\n", "run %d", run);
    json_decref(report);
    lh_child_result_free(&res);
  }
}

/* A trylock (which the self-deadlock check does not see) succeeds on the stale lock: it is held
 * once, and its one unlock releases it - no lock is left held when the thread ends. */
Test(stale_holder, mutex_unlocked_by_another_thread_then_trylocked_by_the_holder) {
  takes_a_free_lock_again("unlock-trylock", unlock_unowned, LH_EXPECT_FOUND_EXIT_CODE);
}

/* A spinlock keeps no pshared attribute: only its MAP_SHARED mapping says that another process
 * may hold it (read in /proc/self/maps). */
Test(wakeup, spinlock_in_a_shared_mapping_unlocked_by_another_process) {
  released_by_another_process("spin", "1.5", "--stall-timeout=0.5");
}
