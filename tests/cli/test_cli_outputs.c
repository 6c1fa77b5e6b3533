/* test_cli_outputs.c - the outputs of `lockhound report` and `lockhound run` (--json, --html,
 * --log-file): outputs that would overwrite each other or an input, or put two documents (or the
 * program's output and a document) on one stream, are refused before anything is read or run;
 * a write that fails (a full disk: /dev/full) is reported once and the status is 2. */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()
#define RUN_FILE (char *)cli_fixture("ab_ba.lhrun")

static char dir[64];

static void make_dir(void) { cli_scratch_make(dir, "cli-outputs"); }

static void remove_dir(void) { cli_scratch_remove(dir); }

TestSuite(cli_outputs, .init = make_dir, .fini = remove_dir, .timeout = 30);

static char *in_dir(const char *name) {
  static char paths[4][192];
  static int which;
  which = (which + 1) % 4;
  snprintf(paths[which], sizeof paths[which], "%s/%s", dir, name);
  return paths[which];
}

static bool library_built(void) {
  char lib[PATH_MAX + 64];
  snprintf(lib, sizeof lib, "%s/lib/liblockhound.so", cli_build_dir());
  return access(lib, R_OK) == 0;
}

static size_t count(const char *text, const char *what) {
  size_t n = 0;
  for (const char *p = strstr(text, what); p; p = strstr(p + 1, what)) n++;
  return n;
}

/* ---- conflicts, refused before anything is read ---- */

Test(cli_outputs, json_and_html_into_one_file_are_refused) {
  char *out = in_dir("findings");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--json", out, "--html", out, RUN_FILE, NULL});
  cr_assert_eq(r.status, 2);
  char want[512];
  snprintf(want, sizeof want,
           "lockhound: --json %s and --html %s are the same file; give each output its own file\n",
           out, out);
  cr_assert_str_eq(r.err, want);
  cr_assert_neq(access(out, F_OK), 0, "nothing may be written");
  cli_free(&r);
}

Test(cli_outputs, one_file_spelled_two_ways_is_refused) {
  char *out = in_dir("findings"), *link_path = in_dir("link"), dotted[256];
  cr_assert_eq(symlink(out, link_path), 0); /* a link to a file that does not exist yet */
  snprintf(dotted, sizeof dotted, "%s/./findings", dir);
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--json", out, "--html", dotted, RUN_FILE, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "are the same file; give each output its own file\n"), "%s", r.err);
  cli_free(&r);
  FILE *f = fopen(out, "w");
  fclose(f);
  r = cli_run((char *[]){LOCKHOUND, "report", "--json", out, "--html", link_path, RUN_FILE, NULL});
  cr_assert_eq(r.status, 2, "through a symbolic link: %s", r.err);
  cr_assert(strstr(r.err, "are the same file"), "%s", r.err);
  cli_free(&r);
}

Test(cli_outputs, two_documents_on_stdout_are_refused) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--json", "-", "--html", "-", RUN_FILE, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_empty(r.out);
  cr_assert_str_eq(
      r.err, "lockhound: --json - and --html - would write two documents to stdout, one after the "
             "other; send at most one output to stdout and the others to files\n");
  cli_free(&r);
}

Test(cli_outputs, stdout_spelled_as_dev_stdout_is_stdout_too) {
  struct cli_result r = cli_run(
      (char *[]){LOCKHOUND, "report", "--json", "-", "--html", "/dev/stdout", RUN_FILE, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "--json - and --html /dev/stdout would write two documents to stdout"),
            "%s", r.err);
  cli_free(&r);
}

Test(cli_outputs, dev_null_may_take_every_output) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--json", "/dev/null", "--html",
                                           "/dev/null", RUN_FILE, NULL});
  cr_assert_eq(r.status, 66, "%s", r.err);
  cr_assert_not(strstr(r.err, "same file"), "%s", r.err);
  cli_free(&r);
}

Test(cli_outputs, an_output_that_is_a_run_file_to_read_is_refused) {
  char *copy = in_dir("run.lhrun"), *text = cli_slurp(RUN_FILE);
  FILE *f = fopen(copy, "w");
  cr_assert(f && *text);
  fputs(text, f);
  fclose(f);
  free(text);
  struct stat before;
  cr_assert_eq(stat(copy, &before), 0);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--json", copy, copy, NULL});
  cr_assert_eq(r.status, 2);
  char want[512];
  snprintf(want, sizeof want,
           "lockhound: --json %s is also a run file to read: writing it would destroy it; give "
           "--json another file\n",
           copy);
  cr_assert_str_eq(r.err, want);
  struct stat after;
  cr_assert_eq(stat(copy, &after), 0);
  cr_assert_eq(after.st_size, before.st_size, "the run file must be left as it was");
  cli_free(&r);
}

Test(cli_outputs, an_output_that_is_a_suppressions_file_is_refused) {
  char *supp = in_dir("my.supp");
  FILE *f = fopen(supp, "w");
  fputs("lock-order-inversion:*\n", f);
  fclose(f);
  char opt[256];
  snprintf(opt, sizeof opt, "--suppressions=%s", supp);
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", opt, "--html", supp, RUN_FILE, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, " is also a --suppressions file: writing it would destroy it; give "
                          "--html another file\n"),
            "%s", r.err);
  cli_free(&r);
}

/* Under `run` stdout is the program's: a document there would be mixed with its output. */
Test(cli_outputs, run_refuses_an_output_on_stdout) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", "--json", "-", "--", "/bin/echo", "ran", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_empty(r.out, "the program must not run");
  cr_assert_str_eq(
      r.err, "lockhound: --json - would mix the findings with the program's own output on stdout; "
             "under 'lockhound run' give --json a file (or run 'lockhound report --json - RUNFILE' "
             "afterwards)\n");
  cli_free(&r);
  r = cli_run(
      (char *[]){LOCKHOUND, "run", "--html", "/dev/stdout", "--", "/bin/echo", "ran", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_empty(r.out, "the program must not run");
  cr_assert_str_eq(
      r.err,
      "lockhound: --html /dev/stdout is this command's stdout, where the program writes too; "
      "under 'lockhound run' give --html another file\n");
  cli_free(&r);
}

/* ---- write errors ---- */

Test(cli_outputs, a_full_disk_under_json_is_one_message_and_status_2) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--json", "/dev/full", RUN_FILE, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_eq(count(r.err, "lockhound: cannot write"), 1, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: cannot write /dev/full: No space left on device\n"), "%s",
            r.err);
  cli_free(&r);
}

Test(cli_outputs, a_full_disk_under_html_is_one_message_and_status_2) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--html", "/dev/full", RUN_FILE, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_eq(count(r.err, "lockhound: cannot write"), 1, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: cannot write /dev/full: No space left on device\n"), "%s",
            r.err);
  cli_free(&r);
}

Test(cli_outputs, a_full_stdout_is_named_stdout) {
  struct cli_result r = cli_run((char *[]){
      "/bin/sh", "-c", "exec \"$0\" report --json - \"$1\" >/dev/full", LOCKHOUND, RUN_FILE, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_eq(count(r.err, "lockhound: cannot write"), 1, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: cannot write stdout: No space left on device\n"), "%s",
            r.err);
  cli_free(&r);
}

Test(cli_outputs, a_text_report_that_cannot_be_written_gives_status_2) {
  struct cli_result r = cli_run((char *[]){"/bin/sh", "-c", "exec \"$0\" report \"$1\" 2>/dev/full",
                                           LOCKHOUND, RUN_FILE, NULL});
  cr_assert_eq(r.status, 2, "the report was lost: not 66 as if it had been read");
  cli_free(&r);
}

Test(cli_outputs, run_reports_a_failed_output_with_status_2) {
  if (!library_built()) cr_skip_test("liblockhound.so is not built");
  char opt[160];
  snprintf(opt, sizeof opt, "--run-dir=%s", in_dir("runs"));
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", opt, "--json", "/dev/full", "--",
                                           "/bin/sh", "-c", "exit 0", NULL});
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert_eq(count(r.err, "lockhound: cannot write"), 1, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: cannot write /dev/full: No space left on device\n"), "%s",
            r.err);
  cli_free(&r);
}

/* ---- --log-file: the text report into a file ---- */

Test(cli_outputs, log_file_takes_the_text_report_with_the_pid_in_its_name) {
  char pattern[256], log[256];
  snprintf(pattern, sizeof pattern, "%s/report.%%p.txt", dir);
  snprintf(log, sizeof log, "%s/report.3100.txt", dir); /* the fixture's pid */
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--log-file", pattern, RUN_FILE, NULL});
  cr_expect_eq(r.status, 66, "%s", r.err);
  cr_expect(strstr(r.err, "lock-order-inversion") == NULL, "the report went to stderr:\n%s", r.err);
  char *text = cli_slurp(log);
  cr_assert_not_null(text, "no %s", log);
  cr_expect(strstr(text, "==3100== lockhound: lock-order-inversion") != NULL, "%s", text);
  cr_expect(strstr(text, "ERROR SUMMARY: 1 error") != NULL, "%s", text);
  free(text);
  cli_free(&r);
}

Test(cli_outputs, a_log_file_that_cannot_be_written_is_one_message_and_status_2) {
  struct cli_result r = cli_run(
      (char *[]){LOCKHOUND, "report", "--log-file=/nonexistent/report.txt", RUN_FILE, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: cannot write /nonexistent/report.txt: No such file or "
                          "directory\n");
  cli_free(&r);
}

Test(cli_outputs, a_log_file_that_is_the_json_file_is_refused) {
  char *out = in_dir("report");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--json", out, "--log-file", out, RUN_FILE, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(strstr(r.err, "are the same file") != NULL, "%s", r.err);
  cli_free(&r);
}
