/* Suppressions (--suppressions=FILE): KIND:PATTERN lines hide the findings whose kind matches and
 * one of whose names (locks, objects, functions, files, modules) matches the glob. Each test runs
 * the real command on the ab_ba sample, whose one finding is a lock-order inversion between
 * lock_a and lock_b in move_a_to_b and move_b_to_a (ab_ba.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli_support.h"

static char dir[] = "/tmp/lh-supp-XXXXXX";
static char file[64], run_dir_opt[64], sample[PATH_MAX + 64], supp_opt[96];

static void setup(void) {
  cr_assert_not_null(mkdtemp(dir));
  snprintf(file, sizeof file, "%s/supp.txt", dir);
  snprintf(run_dir_opt, sizeof run_dir_opt, "--run-dir=%s/runs", dir);
  snprintf(sample, sizeof sample, "%s/samples/deadlock/ab_ba", cli_build_dir());
  snprintf(supp_opt, sizeof supp_opt, "--suppressions=%s", file);
}

static void teardown(void) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) cr_log_warn("could not remove %s", dir);
}

static void write_rules(const char *text) {
  FILE *f = fopen(file, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
}

static struct cli_result run_with_rules(const char *text) {
  write_rules(text);
  return cli_run(
      (char *[]){(char *)cli_lockhound(), "run", run_dir_opt, supp_opt, "--", sample, NULL});
}

/* The dining philosophers' one finding: a cycle through forks[0] .. forks[4]. */
static struct cli_result run_philosophers_with_rules(const char *text, const char *option) {
  char philosophers[PATH_MAX + 64];
  snprintf(philosophers, sizeof philosophers, "%s/samples/deadlock/dining_philosophers",
           cli_build_dir());
  write_rules(text);
  return cli_run((char *[]){(char *)cli_lockhound(), "run", run_dir_opt, supp_opt,
                            (char *)(option ? option : "--lang=en"), "--", philosophers, NULL});
}

TestSuite(suppressions, .init = setup, .fini = teardown);

Test(suppressions, a_rule_naming_one_of_the_locks_hides_the_finding) {
  struct cli_result r = run_with_rules("# the known inversion, fixed in the next release\n"
                                       "lock-order-inversion:lock_a\n");
  cr_expect_eq(r.status, 0, "%s", r.err);
  cr_expect(strstr(r.err, "ERROR SUMMARY: 0 errors") != NULL, "%s", r.err);
  cr_expect(strstr(r.err, "1 finding suppressed (--suppressions)") != NULL, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, a_name_with_brackets_is_matched_as_the_report_prints_it) {
  struct cli_result r = run_philosophers_with_rules("lock-order-inversion:forks[0]\n", NULL);
  cr_expect_eq(r.status, 0, "%s", r.err);
  cr_expect(strstr(r.err, "1 finding suppressed (--suppressions)") != NULL, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, a_star_between_brackets_stands_for_any_index) {
  struct cli_result r = run_philosophers_with_rules("lock-order-inversion:forks[*]\n", NULL);
  cr_expect_eq(r.status, 0, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, verbose_says_how_often_each_rule_was_used_and_which_matched_nothing) {
  struct cli_result r = run_philosophers_with_rules("lock-order-inversion:forks[2]\n"
                                                    "deadlock:no_such_lock\n",
                                                    "-v");
  cr_expect_eq(r.status, 0, "%s", r.err);
  cr_expect(strstr(r.err, "supp.txt:1: lock-order-inversion:forks[2] used 1 time") != NULL, "%s",
            r.err);
  cr_expect(strstr(r.err, "supp.txt:2: deadlock:no_such_lock matched nothing") != NULL, "%s",
            r.err);
  cli_free(&r);
}

/* --gen-suppressions prints a rule per finding after the report; that rule, put in a file, hides
 * the finding it was made for. */
Test(suppressions, a_generated_rule_hides_the_finding_it_was_made_for) {
  struct cli_result r = run_philosophers_with_rules("# none yet\n", "--gen-suppressions");
  const char *heading =
      strstr(r.err, "a suppression for each finding above (--gen-suppressions):\n");
  cr_assert_not_null(heading, "%s", r.err);
  const char *rule = strchr(heading, '\n') + 1;
  cr_assert(strncmp(rule, "lock-order-inversion:forks[", 27) == 0, "%s", rule);
  char rules[256];
  snprintf(rules, sizeof rules, "%.*s\n", (int)strcspn(rule, "\n"), rule);
  cli_free(&r);
  r = run_philosophers_with_rules(rules, NULL);
  cr_expect_eq(r.status, 0, "%s", r.err);
  cr_expect(strstr(r.err, "1 finding suppressed (--suppressions)") != NULL, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, a_glob_over_function_names_hides_the_finding) {
  struct cli_result r = run_with_rules("lock-order-inversion:move_*_to_?\n");
  cr_expect_eq(r.status, 0, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, a_source_file_matches_by_its_basename) {
  struct cli_result r = run_with_rules("*:ab_ba.c\n");
  cr_expect_eq(r.status, 0, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, a_rule_for_another_kind_hides_nothing) {
  struct cli_result r = run_with_rules("deadlock:lock_a\n");
  cr_expect_eq(r.status, 66, "%s", r.err);
  cr_expect(strstr(r.err, "suppressed") == NULL, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, a_pattern_that_matches_no_name_hides_nothing) {
  struct cli_result r = run_with_rules("lock-order-inversion:queue_*\n");
  cr_expect_eq(r.status, 66, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, an_unknown_kind_is_refused_before_the_program_runs) {
  write_rules("\n# comment\ndeadlok:lock_a\n");
  struct cli_result r = cli_run(
      (char *[]){(char *)cli_lockhound(), "run", run_dir_opt, supp_opt, "--", sample, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(strstr(r.err, "supp.txt:3: unknown finding kind 'deadlok'") != NULL, "%s", r.err);
  cr_expect_str_empty(r.out, "the program did not run");
  cli_free(&r);
}

Test(suppressions, a_line_without_a_pattern_is_refused) {
  write_rules("lock-order-inversion\n");
  struct cli_result r = cli_run((char *[]){(char *)cli_lockhound(), "report", supp_opt,
                                           (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(strstr(r.err, "supp.txt:1: a suppression is KIND:PATTERN") != NULL, "%s", r.err);
  cli_free(&r);
}

Test(suppressions, an_unreadable_suppression_file_is_named) {
  struct cli_result r =
      cli_run((char *[]){(char *)cli_lockhound(), "report", "--suppressions=/nonexistent/supp.txt",
                         (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: cannot read the suppression file /nonexistent/supp.txt: "
                          "No such file or directory\n");
  cli_free(&r);
}
