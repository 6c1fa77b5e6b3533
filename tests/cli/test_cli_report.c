/* test_cli_report.c - `lockhound report` and the command line as a user meets it: every error
 * message, and the exit statuses of the contract (0 nothing found, 66 found, 2 usage or input). */
#include <criterion/criterion.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

static char *write_temp(const char *text) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/lh-cli-in-XXXXXX");
  int fd = mkstemp(path);
  if (write(fd, text, strlen(text)) < 0) cr_assert_fail("write");
  close(fd);
  return path;
}

Test(cli_report, no_command_is_a_usage_error) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "lockhound: no command given\n"), "%s", r.err);
  cr_assert(strstr(r.err, "usage: lockhound run"), "%s", r.err);
  cli_free(&r);
}

Test(cli_report, an_unknown_command_names_the_real_ones) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "analyse", "x", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err, "lockhound: unknown command 'analyse'; the commands are 'run', 'report', "
             "'check', 'graph', 'replay' and 'cc' ('lockhound --help' shows how to use them)\n");
  cli_free(&r);
}

Test(cli_report, an_unknown_option_is_named) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--frobnicate", "x.lhrun", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err, "lockhound: unknown option '--frobnicate'; 'lockhound --help' lists the options\n");
  cli_free(&r);
}

Test(cli_report, an_unknown_short_option_is_named) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "-q", "x.lhrun", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: unknown option '-q'; 'lockhound --help' lists the options\n");
  cli_free(&r);
}

Test(cli_report, an_option_without_its_value_says_so) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "x.lhrun", "--json", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: option '--json' needs a value\n");
  cli_free(&r);
}

Test(cli_report, a_bad_error_exitcode_is_refused) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--error-exitcode=lots", "x", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --error-exitcode needs a number from 0 to 255, not 'lots'\n");
  cli_free(&r);
}

Test(cli_report, a_bad_max_cycle_length_is_refused) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--max-cycle-length=1", "x", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --max-cycle-length needs a number from 2 to 64, not '1'\n");
  cli_free(&r);
}

Test(cli_report, run_dir_is_an_option_of_run_only) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--run-dir=/tmp", "x", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --run-dir only applies to 'lockhound run'\n");
  cli_free(&r);
}

Test(cli_report, report_without_files_is_a_usage_error) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err,
                   "lockhound: 'lockhound report' needs at least one run file: lockhound report "
                   "[options] RUNFILE...\n");
  cli_free(&r);
}

Test(cli_report, an_unreadable_file_exits_2_with_the_reason) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "/nonexistent/run.lhrun", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err,
                   "lockhound: cannot read /nonexistent/run.lhrun: No such file or directory\n");
  cli_free(&r);
}

Test(cli_report, a_directory_is_not_readable_as_a_run_file) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "/tmp", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: cannot read /tmp: Is a directory\n");
  cli_free(&r);
}

Test(cli_report, a_file_that_is_not_a_run_file_exits_2) {
  char *path = write_temp("#include <stdio.h>\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", path, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "is not a lockhound run file"), "%s", r.err);
  unlink(path);
  cli_free(&r);
}

Test(cli_report, a_newer_run_file_exits_2_naming_both_versions) {
  char *path = write_temp("{\"t\":\"run\",\"format\":\"lockhound-run\",\"version\":2}\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", path, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(
      strstr(r.err, "is in run-file format version 2, but this lockhound reads version 1 only"),
      "%s", r.err);
  unlink(path);
  cli_free(&r);
}

Test(cli_report, a_deadlock_found_exits_66_with_the_report_on_stderr) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_assert_eq(r.status, 66);
  cr_assert_str_empty(r.out);
  cr_assert(strstr(r.err, "==3100== lockhound: lock-order-inversion: potential deadlock"), "%s",
            r.err);
  cr_assert(
      strstr(r.err, "==3100== ERROR SUMMARY: 1 error from 1 context (lock-order-inversion: 1)\n"),
      "%s", r.err);
  cli_free(&r);
}

Test(cli_report, a_file_given_twice_is_read_once) {
  char *f = (char *)cli_fixture("ab_ba.lhrun");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", f, f, NULL});
  cr_assert_eq(r.status, 66);
  cr_assert(strstr(r.err, "ab_ba.lhrun is given more than once; it is read once\n"), "%s", r.err);
  cr_assert(strstr(r.err, "==3100==   T1 (created"), "thread labels stay those of one process: %s",
            r.err);
  cli_free(&r);
}

Test(cli_report, error_exitcode_chooses_the_status_for_findings) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--error-exitcode=3",
                                           (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_assert_eq(r.status, 3);
  cli_free(&r);
}

Test(cli_report, json_to_stdout_with_a_dash) {
  struct cli_result r = cli_run(
      (char *[]){LOCKHOUND, "report", "--json", "-", (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_assert_eq(r.status, 66);
  cr_assert(strncmp(r.out, "{\n  \"tool\": {\n", 14) == 0, "%s", r.out);
  cli_free(&r);
}

Test(cli_report, an_unwritable_json_file_exits_2) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--json=/nonexistent/out.json",
                                           (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(
      strstr(r.err, "lockhound: cannot write /nonexistent/out.json: No such file or directory\n"),
      "%s", r.err);
  cli_free(&r);
}

Test(cli_report, at_exit_reports_but_always_exits_0) {
  struct cli_result r = cli_run(
      (char *[]){LOCKHOUND, "report", "--at-exit", (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_assert_eq(r.status, 0);
  cr_assert(strstr(r.err, "ERROR SUMMARY: 1 error"), "%s", r.err);
  cli_free(&r);
}

Test(cli_report, at_exit_says_nothing_about_a_run_without_threads_or_locks) {
  char *path = write_temp("{\"t\":\"run\",\"format\":\"lockhound-run\",\"version\":1,\"pid\":9}\n"
                          "{\"t\":\"thread\",\"id\":0,\"tid\":9,\"parent\":-1,\"how\":\"main\"}\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--at-exit", path, NULL});
  cr_assert_eq(r.status, 0);
  cr_assert_str_empty(r.err, "not even the note about the missing end record: %s", r.err);
  unlink(path);
  cli_free(&r);
}

Test(cli_report, at_exit_reports_a_run_time_finding_of_a_single_thread) {
  char *path =
      write_temp("{\"t\":\"run\",\"format\":\"lockhound-run\",\"version\":1,\"pid\":9}\n"
                 "{\"t\":\"thread\",\"id\":0,\"tid\":9,\"parent\":-1,\"how\":\"main\"}\n"
                 "{\"t\":\"object\",\"id\":0,\"kind\":\"sem\",\"addr\":\"0x10\"}\n"
                 "{\"t\":\"finding\",\"kind\":\"semaphore-misuse\",\"detail\":\"post-overflow\","
                 "\"action\":\"continue\",\"object\":0,\"threads\":[{\"thread\":0}]}\n"
                 "{\"t\":\"end\",\"ns\":2}\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--at-exit", path, NULL});
  cr_assert_eq(r.status, 0);
  cr_assert(
      strstr(r.err, "T0 posts semaphore initialised at an unknown place, whose value is already"),
      "%s", r.err);
  cr_assert(strstr(r.err, "ERROR SUMMARY: 1 error from 1 context (semaphore-misuse: 1)"), "%s",
            r.err);
  unlink(path);
  cli_free(&r);
}

Test(cli_report, help_and_version_go_to_stdout_and_exit_0) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "--help", NULL});
  cr_assert_eq(r.status, 0);
  cr_assert(strstr(r.out, "usage: lockhound run [options] [--] PROG [ARGS...]"), "%s", r.out);
  cli_free(&r);
  r = cli_run((char *[]){LOCKHOUND, "report", "--version", NULL});
  cr_assert_eq(r.status, 0);
  cr_assert_str_eq(r.out, "lockhound " LH_VERSION "\n");
  cli_free(&r);
}

/* Writes n tiny run files of n processes into dir; returns their paths (caller frees). */
static char **many_run_files(const char *dir, int n) {
  char **paths = calloc((size_t)n, sizeof *paths);
  for (int i = 0; i < n; i++) {
    cr_assert_geq(asprintf(&paths[i], "%s/p%d.lhrun", dir, i), 0);
    FILE *f = fopen(paths[i], "w");
    cr_assert_not_null(f);
    fprintf(f,
            "{\"t\":\"run\",\"format\":\"lockhound-run\",\"version\":1,\"pid\":%d,\"ppid\":1,"
            "\"exe\":\"/opt/demo/many\",\"argv\":[\"many\"],\"session\":\"0123456789abcdef\","
            "\"lineage\":\"\",\"start_ns\":1}\n{\"t\":\"end\",\"ns\":2}\n",
            1000 + i);
    fclose(f);
  }
  return paths;
}

static void remove_run_files(const char *dir, char **paths, int n) {
  for (int i = 0; i < n; i++) {
    unlink(paths[i]);
    free(paths[i]);
  }
  free(paths);
  rmdir(dir);
}

/* 10,000 run files of 10,000 processes, two of them named again (one through a symbolic link):
 * each is read once, and the whole report ends (checking each file against every earlier one
 * with stat made 50 million calls: minutes). The limit only catches that; it is no speed
 * assertion - the next test counts the calls. */
Test(cli_report, ten_thousand_run_files_are_read_once_each, .timeout = 200) {
  enum { FILES = 10000 };
  char dir[] = "/tmp/lh-cli-many-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char **paths = many_run_files(dir, FILES);
  char **argv = calloc(FILES + 5, sizeof *argv);
  size_t argc = 0;
  argv[argc++] = LOCKHOUND;
  argv[argc++] = "report";
  for (int i = 0; i < FILES; i++) argv[argc++] = paths[i];
  char link[64];
  snprintf(link, sizeof link, "%s/again.lhrun", dir);
  cr_assert_eq(symlink(paths[0], link), 0);
  argv[argc++] = link;
  argv[argc++] = paths[FILES - 1];
  struct cli_result r = cli_run_limited(argv, 120);
  cr_expect_eq(r.status, 0, "%s", r.err);
  cr_expect(strstr(r.err, "again.lhrun is given more than once; it is read once\n"), "%s", r.err);
  cr_expect(strstr(r.err, "p9999.lhrun is given more than once; it is read once\n"), "%s", r.err);
  unlink(link);
  free(argv);
  remove_run_files(dir, paths, FILES);
  cli_free(&r);
}

/* The number of stat-family system calls `lockhound report` makes for n files, counted by
 * strace -c; -1 when strace cannot be run here. */
static long stat_calls_for(int n) {
  char dir[] = "/tmp/lh-cli-stat-XXXXXX", out[96];
  cr_assert_not_null(mkdtemp(dir));
  char **paths = many_run_files(dir, n);
  snprintf(out, sizeof out, "%s/strace.txt", dir);
  char **argv = calloc((size_t)n + 16, sizeof *argv);
  size_t argc = 0;
  argv[argc++] = "/usr/bin/strace";
  argv[argc++] = "-f";
  argv[argc++] = "-c";
  argv[argc++] = "-o";
  argv[argc++] = out;
  argv[argc++] = "-e";
  argv[argc++] = "trace=stat,lstat,fstat,newfstatat,statx";
  argv[argc++] = LOCKHOUND;
  argv[argc++] = "report";
  for (int i = 0; i < n; i++) argv[argc++] = paths[i];
  struct cli_result r = cli_run_limited(argv, 120);
  long calls = -1;
  FILE *f = r.status == 0 ? fopen(out, "r") : NULL;
  char line[256];
  while (f && fgets(line, sizeof line, f)) {
    char name[64];
    long count;
    double pct, secs;
    long usecs;
    if (sscanf(line, "%lf %lf %ld %ld", &pct, &secs, &usecs, &count) == 4 &&
        sscanf(strrchr(line, ' ') + 1, "%63s", name) == 1 && strcmp(name, "total") != 0)
      calls = (calls < 0 ? 0 : calls) + count;
  }
  if (f) fclose(f);
  unlink(out);
  free(argv);
  remove_run_files(dir, paths, n);
  cli_free(&r);
  return calls;
}

Test(cli_report, the_stat_calls_grow_linearly_with_the_run_files, .timeout = 200) {
  if (access("/usr/bin/strace", X_OK) != 0) cr_skip_test("strace is not installed");
  long hundred = stat_calls_for(100), thousand = stat_calls_for(1000);
  if (hundred < 0 || thousand < 0) cr_skip_test("strace cannot trace here");
  /* Linear: ten times the files, at most ten times the calls (plus the fixed ones). */
  cr_expect_leq(thousand, 10 * hundred + 100, "100 files: %ld stat calls, 1000 files: %ld", hundred,
                thousand);
  cr_expect_leq(thousand, 4 * 1000 + 100, "1000 files: %ld stat calls", thousand);
}
