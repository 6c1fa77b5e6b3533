/* test_cli_replay.c - `lockhound replay`: a finding's schedule one step at a time, and one clear
 * message for each way it can go wrong. stdin is not a terminal here (or --no-wait is given), so
 * every step is printed, one after another. Fixtures: ab_ba.lhrun (one lock-order inversion, 4
 * steps and the last row), runtime.lhrun (an api-error first, then a deadlock), races.lhrun. */
#include <criterion/criterion.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()
#define AB_BA (char *)cli_fixture("ab_ba.lhrun")
#define RUNTIME (char *)cli_fixture("runtime.lhrun")

static size_t count(const char *text, const char *what) {
  size_t n = 0;
  for (const char *p = strstr(text, what); p; p = strstr(p + 1, what)) n++;
  return n;
}

/* The text of step k (from its title to the next step's, or the end). */
static char *step_of(const char *out, size_t k, size_t steps) {
  char title[64], next[64];
  snprintf(title, sizeof title, "Step %zu of %zu:", k, steps);
  snprintf(next, sizeof next, "Step %zu of %zu:", k + 1, steps);
  const char *at = strstr(out, title);
  cr_assert_not_null(at, "no '%s' in:\n%s", title, out);
  const char *end = strstr(at, next);
  return end ? strndup(at, (size_t)(end - at)) : strdup(at);
}

Test(cli_replay, an_inversion_is_replayed_step_by_step_with_the_new_step_marked) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", "--no-wait", AB_BA, NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.err, "");
  cr_assert(strncmp(r.out, "Finding #1, lock-order-inversion: potential deadlock", 52) == 0, "%s",
            r.out);
  cr_assert_eq(count(r.out, "Step "), 5, "%s", r.out);
  for (size_t k = 1; k <= 5; k++) {
    char *step = step_of(r.out, k, 5);
    char marked[16];
    snprintf(marked, sizeof marked, "\n>    %zu ", k);
    cr_assert(strstr(step, marked), "step %zu does not mark its row:\n%s", k, step);
    cr_assert_eq(count(step, "\n>"), 1, "%s", step);
    /* the rows so far, no later one */
    char later[16];
    snprintf(later, sizeof later, "     %zu ", k + 1);
    cr_assert_null(strstr(step, later), "%s", step);
    free(step);
  }
  char *last = step_of(r.out, 5, 5);
  cr_assert(strstr(last, ">    5     (blocked for ever)"), "%s", last);
  free(last);
  cli_free(&r);
}

Test(cli_replay, without_a_terminal_the_steps_follow_each_other_without_waiting) {
  char cmd[PATH_MAX * 3];
  snprintf(cmd, sizeof cmd, "'%s' replay '%s' < /dev/null", cli_lockhound(),
           cli_fixture("ab_ba.lhrun"));
  struct cli_result r = cli_run((char *[]){"/bin/sh", "-c", cmd, NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_eq(count(r.out, "Step "), 5, "%s", r.out);
  cr_assert_null(strstr(r.out, "Enter"), "%s", r.out);
  cli_free(&r);
}

Test(cli_replay, a_finding_is_chosen_by_its_number_or_its_id) {
  struct cli_result by_number =
      cli_run((char *[]){LOCKHOUND, "replay", "--no-wait", "--finding", "2", RUNTIME, NULL});
  cr_assert_eq(by_number.status, 0, "%s", by_number.err);
  cr_assert(strstr(by_number.out, "Finding #2, deadlock: "), "%s", by_number.out);
  struct cli_result by_id = cli_run(
      (char *[]){LOCKHOUND, "replay", "--no-wait", "--finding=20535d88dd20b246", RUNTIME, NULL});
  cr_assert_eq(by_id.status, 0, "%s", by_id.err);
  cr_assert_str_eq(by_id.out, by_number.out);
  cli_free(&by_number);
  cli_free(&by_id);
}

Test(cli_replay, without_finding_the_first_finding_with_a_schedule_is_replayed) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", "--no-wait", RUNTIME, NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.out, "Finding #2, deadlock: "), "%s", r.out); /* #1 is an api-error */
  cli_free(&r);
}

Test(cli_replay, a_data_race_is_replayed_in_russian) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "replay", "--no-wait", "--lang=ru", "--finding", "1",
                         (char *)cli_fixture("races.lhrun"), NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.out, "Находка №1, data-race: "), "%s", r.out);
  cr_assert(strstr(r.out, "Шаг 1 из "), "%s", r.out);
  cli_free(&r);
}

/* ---- one message per mistake ---- */

Test(cli_replay, no_such_finding_says_which_numbers_there_are) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "replay", "--no-wait", "--finding", "9", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: no finding '9' in the run: give a number from 1 to 1 (the "
                          "order of 'lockhound report') or an id as the report prints it\n");
  cr_assert_str_eq(r.out, "");
  cli_free(&r);
}

Test(cli_replay, an_unknown_id_is_no_such_finding) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "replay", "--finding", "0123456789abcdef", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "lockhound: no finding '0123456789abcdef' in the run"), "%s", r.err);
  cli_free(&r);
}

Test(cli_replay, a_finding_without_a_schedule_says_which_kinds_have_one) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", "--finding", "1", RUNTIME, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: finding #1 (api-error) has no schedule to replay: only "
                          "lock-order-inversion, single-thread-lock-order, deadlock, "
                          "timed-wait-cycle and data-race findings have one\n");
  cli_free(&r);
}

Test(cli_replay, an_unreadable_run_file_is_named) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", "/nonexistent/run.lhrun", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: cannot read /nonexistent/run.lhrun: No such file or "
                          "directory\n");
  cli_free(&r);
}

Test(cli_replay, a_run_without_findings_has_nothing_to_replay) {
  char path[] = "/tmp/lh-replay-XXXXXX";
  int fd = mkstemp(path);
  const char *text = "{\"t\":\"run\",\"format\":\"lockhound-run\",\"version\":1,\"pid\":7,"
                     "\"ppid\":1,\"exe\":\"/bin/prog\",\"argv\":[\"/bin/prog\"],\"session\":\"s\","
                     "\"lineage\":\"\",\"start_ns\":1}\n{\"t\":\"end\",\"ns\":2}\n";
  cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", path, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: the run has no finding to replay\n");
  cli_free(&r);
  unlink(path);
}

Test(cli_replay, a_finding_of_zero_is_refused) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", "--finding=0", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err,
                   "lockhound: --finding needs a finding's number (from 1) or its id, not '0'\n");
  cli_free(&r);
}

Test(cli_replay, finding_without_its_value_says_so) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", AB_BA, "--finding", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: option '--finding' needs a value\n");
  cli_free(&r);
}

Test(cli_replay, an_option_of_another_command_is_named) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", "--json", "x", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --json does not apply to 'lockhound replay'; 'lockhound "
                          "replay --help' lists its options\n");
  cli_free(&r);
}

Test(cli_replay, no_run_file_is_a_usage_error) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", "--no-wait", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: 'lockhound replay' needs a run file: lockhound replay "
                          "[--finding ID|N] [--no-wait] RUNFILE...\n");
  cli_free(&r);
}

Test(cli_replay, help_shows_the_replay_options) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "replay", "--help", NULL});
  cr_assert_eq(r.status, 0);
  cr_assert(strstr(r.out, "usage: lockhound replay [--finding ID|N] [--no-wait]"), "%s", r.out);
  cli_free(&r);
}
