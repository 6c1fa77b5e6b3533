/* test_cli_check.c - `lockhound check`: one line per program saying whether lockhound's findings
 * match the program's declared expectations, a closing count, and the exit status (0 all match,
 * 1 a mismatch, 2 usage error). Programs are written into a scratch directory and compiled by
 * `lockhound check` itself, or taken from the built samples; every run is a real run under the
 * preload library, as a child process. */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

static char dir[64];

static void make_dir(void) { cli_scratch_make(dir, "cli-check"); }

static void remove_dir(void) { cli_scratch_remove(dir); }

TestSuite(cli_check, .init = make_dir, .fini = remove_dir, .timeout = 120);

/* AB/BA in two coexisting threads taking turns through a semaphore (which does not order them
 * for lockhound): a lock-order inversion, never a hang. */
static const char *ab_ba_body =
    "#include <pthread.h>\n#include <semaphore.h>\n"
    "pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;\n"
    "sem_t turn;\n"
    "static void *ab(void *p) { pthread_mutex_lock(&lock_a); pthread_mutex_lock(&lock_b);\n"
    "  pthread_mutex_unlock(&lock_b); pthread_mutex_unlock(&lock_a); sem_post(&turn); return p; }\n"
    "static void *ba(void *p) { sem_wait(&turn); pthread_mutex_lock(&lock_b);\n"
    "  pthread_mutex_lock(&lock_a);\n"
    "  pthread_mutex_unlock(&lock_a); pthread_mutex_unlock(&lock_b); return p; }\n"
    "int main(void) { pthread_t t, u; sem_init(&turn, 0, 0);\n"
    "  pthread_create(&t, 0, ab, 0); pthread_create(&u, 0, ba, 0);\n"
    "  pthread_join(t, 0); pthread_join(u, 0); return 0; }\n";

/* Writes dir/name with a top comment holding `expectations` and then `body`; returns its path. */
static char *write_program(const char *name, const char *expectations, const char *body) {
  static char path[2][128];
  static int which;
  which ^= 1;
  snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
  FILE *f = fopen(path[which], "w");
  cr_assert_not_null(f);
  fprintf(f, "/* a student's program\n%s */\n%s", expectations, body);
  fclose(f);
  return path[which];
}

static bool contains(const char *text, const char *part) { return strstr(text, part) != NULL; }

Test(cli_check, nothing_to_check_is_a_usage_error) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound check: nothing to check: give programs, C sources, Python "
                          "programs or directories of sources (lockhound check samples/)\n");
  cli_free(&r);
}

Test(cli_check, a_missing_argument_is_a_usage_error_before_anything_runs) {
  char *ok = write_program("ok.c", " * lockhound-expect: none\n", "int main(void) { return 0; }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", ok, "no/such.c", NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(contains(r.err, "cannot check 'no/such.c': No such file or directory"), "%s", r.err);
  cr_expect_str_eq(r.out, "", "nothing was run");
  cli_free(&r);
}

Test(cli_check, an_option_of_run_is_named_as_run_s) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--run-dir=/tmp", dir, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound check: --run-dir only applies to 'lockhound run'\n");
  cli_free(&r);
}

/* --repeat N: every one of the N runs must match. A program that takes its locks in opposite
 * orders on its first run only (a marker file in the scratch directory remembers the run) is
 * flaky as far as a checker is concerned. */
Test(cli_check, repeat_passes_a_program_whose_every_run_matches) {
  char *ab_ba = write_program(
      "ab_ba.c", " * lockhound-expect: lock-order-inversion lock_a lock_b\n", ab_ba_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--repeat=3", ab_ba, NULL});
  cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "PASS") && contains(r.out, "(3 runs)"), "%s", r.out);
  cli_free(&r);
}

Test(cli_check, repeat_fails_a_program_that_differs_in_a_later_run) {
  char body[4096];
  snprintf(
      body, sizeof body,
      "#include <fcntl.h>\n#include <pthread.h>\n#include <semaphore.h>\n#include <unistd.h>\n"
      "pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;\n"
      "sem_t turn;\n"
      "static int first_run(void) {\n"
      "  int fd = open(\"%s/marker\", O_CREAT | O_EXCL | O_WRONLY, 0600);\n"
      "  if (fd < 0) return 0;\n"
      "  close(fd);\n"
      "  return 1; }\n"
      "static void *ab(void *p) { pthread_mutex_lock(&lock_a); pthread_mutex_lock(&lock_b);\n"
      "  pthread_mutex_unlock(&lock_b); pthread_mutex_unlock(&lock_a); sem_post(&turn); return p; "
      "}\n"
      "static void *ba(void *p) { sem_wait(&turn); pthread_mutex_lock(&lock_b);\n"
      "  pthread_mutex_lock(&lock_a);\n"
      "  pthread_mutex_unlock(&lock_a); pthread_mutex_unlock(&lock_b); return p; }\n"
      "int main(void) { pthread_t t, u; sem_init(&turn, 0, 0);\n"
      "  pthread_create(&t, 0, ab, 0);\n"
      "  if (first_run()) { pthread_create(&u, 0, ba, 0); pthread_join(u, 0); }\n"
      "  pthread_join(t, 0); return 0; }\n",
      dir);
  char *flaky =
      write_program("flaky.c", " * lockhound-expect: lock-order-inversion lock_a lock_b\n", body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--repeat=3", flaky, NULL});
  cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "FAIL") && contains(r.out, "run 2 of 3"), "%s", r.out);
  cli_free(&r);
}

Test(cli_check, a_repeat_that_is_not_a_count_is_a_usage_error) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--repeat=0", dir, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err,
                   "lockhound check: --repeat needs a number of runs from 1 to 1000, not '0'\n");
  cli_free(&r);
}

Test(cli_check, bad_options_are_usage_errors) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--timeout=soon", dir, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(contains(r.err, "--timeout needs a number of seconds greater than 0"), "%s", r.err);
  cli_free(&r);
  r = cli_run((char *[]){LOCKHOUND, "check", "--fast", dir, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(contains(r.err, "unknown option '--fast'"), "%s", r.err);
  cli_free(&r);
  r = cli_run((char *[]){LOCKHOUND, "check", "--expect", NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(contains(r.err, "option '--expect' needs a value"), "%s", r.err);
  cli_free(&r);
}

Test(cli_check, a_directory_without_sources_is_a_usage_error) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", dir, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(contains(r.err, "no *.c, *.cpp or *.py file below the directory"), "%s", r.err);
  cli_free(&r);
}

Test(cli_check, expect_with_a_directory_is_a_usage_error) {
  write_program("ok.c", " * lockhound-expect: none\n", "int main(void) { return 0; }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--expect", "x.c", dir, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(contains(r.err, "--expect gives the expectations of single programs"), "%s", r.err);
  cli_free(&r);
}

Test(cli_check, a_built_sample_that_matches_passes) {
  char sample[2 * PATH_MAX];
  snprintf(sample, sizeof sample, "%s/samples/deadlock/ab_ba.c", cli_source_dir());
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", sample, NULL});
  char want[3 * PATH_MAX];
  snprintf(want, sizeof want, "PASS %s\n1 passed, 0 failed\n", sample);
  cr_expect_eq(r.status, 0, "stderr: %s", r.err);
  cr_expect_str_eq(r.out, want);
  cr_expect_str_eq(r.err, "", "a sample's built binary is used, nothing is compiled");
  cli_free(&r);
}

Test(cli_check, a_source_without_a_binary_is_compiled_and_a_wrong_expectation_fails) {
  char *src = write_program("student.c", " * lockhound-expect: none\n", ab_ba_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  char want[256];
  snprintf(want, sizeof want,
           "FAIL %s: expected none; got lock-order-inversion lock_a lock_b; "
           "exit code 66, expected 0\n0 passed, 1 failed\n",
           src);
  cr_expect_eq(r.status, 1);
  cr_expect_str_eq(r.out, want);
  cr_expect(contains(r.err, "compiling it: cc -g -pthread -O1"), "%s", r.err);
  cli_free(&r);
}

Test(cli_check, a_source_that_expects_a_data_race_is_built_for_race_detection) {
  char *src = write_program("lost.c", " * lockhound-expect: data-race counter\n",
                            "#include <pthread.h>\n"
                            "int counter;\n"
                            "static void *work(void *a) { (void)a; counter++; return 0; }\n"
                            "int main(void) {\n"
                            "  pthread_t t[2];\n"
                            "  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, work, 0);\n"
                            "  for (int i = 0; i < 2; i++) pthread_join(t[i], 0);\n"
                            "  return 0;\n"
                            "}\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  char want[256];
  snprintf(want, sizeof want, "PASS %s\n1 passed, 0 failed\n", src);
  cr_expect_eq(r.status, 0, "stderr: %s", r.err);
  cr_expect_str_eq(r.out, want);
  cr_expect(contains(r.err, "compiling it for race detection: lockhound cc -g -pthread -O0"), "%s",
            r.err);
  cli_free(&r);
}

Test(cli_check, a_finding_more_than_expected_is_named_as_extra) {
  char *src = write_program("two.c", " * lockhound-expect: data-race counter\n",
                            "#include <pthread.h>\n"
                            "int counter;\n"
                            "long other;\n"
                            "static void *work(void *a) {\n"
                            "  (void)a;\n"
                            "  counter++;\n"
                            "  other++;\n"
                            "  return 0;\n"
                            "}\n"
                            "int main(void) {\n"
                            "  pthread_t t[2];\n"
                            "  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, work, 0);\n"
                            "  for (int i = 0; i < 2; i++) pthread_join(t[i], 0);\n"
                            "  return 0;\n"
                            "}\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  char want[256];
  snprintf(want, sizeof want,
           "FAIL %s: expected only data-race counter; got also data-race other\n"
           "0 passed, 1 failed\n",
           src);
  cr_expect_eq(r.status, 1, "stderr: %s", r.err);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

Test(cli_check, a_missing_finding_is_named) {
  char *src = write_program("quiet.c", " * lockhound-expect: deadlock lock_a lock_b\n",
                            "int main(void) { return 0; }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  char want[256];
  snprintf(want, sizeof want,
           "FAIL %s: expected deadlock lock_a lock_b; got none; exit code 0, "
           "expected 66\n0 passed, 1 failed\n",
           src);
  cr_expect_eq(r.status, 1);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

/* A C++ race: two std::threads bump one counter; compiled by the C++ driver for race detection. */
static const char *cxx_race_body = "#include <thread>\n"
                                   "int counter;\n"
                                   "int main() {\n"
                                   "  std::thread a([] { counter++; }), b([] { counter++; });\n"
                                   "  a.join();\n"
                                   "  b.join();\n"
                                   "  return 0;\n"
                                   "}\n";

Test(cli_check, a_directory_takes_its_cpp_sources_and_builds_them_with_the_cxx_driver) {
  write_program("race.cpp", " * lockhound-expect: data-race counter\n", cxx_race_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", dir, NULL});
  char want[256];
  snprintf(want, sizeof want, "PASS %s/race.cpp\n1 passed, 0 failed\n", dir);
  cr_expect_eq(r.status, 0, "stderr: %s", r.err);
  cr_expect_str_eq(r.out, want);
  cr_expect(contains(r.err, "compiling it for race detection: lockhound cc --cc=c++ -g"), "%s",
            r.err);
  cli_free(&r);
}

Test(cli_check, a_cpp_source_without_races_is_compiled_by_cxx) {
  write_program("plain.cpp", " * lockhound-expect: none\n", "int main() { return 0; }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", dir, NULL});
  cr_expect_eq(r.status, 0, "stderr: %s", r.err);
  cr_expect(contains(r.err, "compiling it: c++ -g -pthread -O1"), "%s", r.err);
  cli_free(&r);
}

Test(cli_check, a_binary_takes_its_expectations_from_the_cpp_source_next_to_it) {
  char *src =
      write_program("prog.cpp", " * lockhound-expect: none\n", "int main() { return 0; }\n");
  char binary[128];
  snprintf(binary, sizeof binary, "%s/prog", dir);
  struct cli_result cc = cli_run((char *[]){"/usr/bin/c++", "-g", "-o", binary, src, NULL});
  cr_assert_eq(cc.status, 0, "%s", cc.err);
  cli_free(&cc);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", binary, NULL});
  char want[256];
  snprintf(want, sizeof want, "PASS %s\n1 passed, 0 failed\n", binary);
  cr_expect_eq(r.status, 0, "%s", r.err);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

Test(cli_check, a_binary_takes_its_expectations_from_the_source_next_to_it) {
  char *src = write_program("prog.c", " * lockhound-expect: lock-order-inversion lock_b lock_a\n",
                            ab_ba_body);
  char binary[128];
  snprintf(binary, sizeof binary, "%s/prog", dir);
  struct cli_result cc =
      cli_run((char *[]){"/usr/bin/cc", "-g", "-pthread", "-o", binary, src, NULL});
  cr_assert_eq(cc.status, 0, "%s", cc.err);
  cli_free(&cc);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", binary, NULL});
  char want[256];
  snprintf(want, sizeof want, "PASS %s\n1 passed, 0 failed\n", binary);
  cr_expect_eq(r.status, 0, "%s", r.err);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

Test(cli_check, expect_file_gives_a_binary_its_expectations) {
  char *src = write_program("prog.c", " * lockhound-expect: none\n", ab_ba_body);
  char *spec =
      write_program("spec.txt", " * lockhound-expect: lock-order-inversion lock_a lock_b\n", "");
  char binary[128];
  snprintf(binary, sizeof binary, "%s/prog", dir);
  struct cli_result cc =
      cli_run((char *[]){"/usr/bin/cc", "-g", "-pthread", "-o", binary, src, NULL});
  cr_assert_eq(cc.status, 0, "%s", cc.err);
  cli_free(&cc);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--expect", spec, binary, NULL});
  cr_expect_eq(r.status, 0, "%s", r.out);
  cr_expect(contains(r.out, "PASS "), "%s", r.out);
  cli_free(&r);
}

Test(cli_check, a_binary_without_expectations_fails_with_what_to_do) {
  char binary[128];
  snprintf(binary, sizeof binary, "%s/true", dir);
  struct cli_result cp = cli_run((char *[]){"/bin/cp", "/bin/true", binary, NULL});
  cli_free(&cp);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", binary, NULL});
  cr_expect_eq(r.status, 1);
  cr_expect(contains(r.out, "no expectations: write "), "%s", r.out);
  cr_expect(contains(r.out, "or give them with --expect FILE"), "%s", r.out);
  cli_free(&r);
}

Test(cli_check, a_malformed_expectation_fails_with_the_parsers_message) {
  char *src = write_program("bad.c", " * lockhound-expect: none\n * lockhound-exit: sixty\n",
                            "int main(void) { return 0; }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  cr_expect_eq(r.status, 1);
  cr_expect(contains(r.out, "malformed lockhound-exit line"), "%s", r.out);
  cli_free(&r);
}

Test(cli_check, a_source_that_does_not_compile_fails) {
  char *src = write_program("broken.c", " * lockhound-expect: none\n", "int main(void) { oops }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  cr_expect_eq(r.status, 1);
  cr_expect(contains(r.out, "cannot compile it"), "%s", r.out);
  cli_free(&r);
}

Test(cli_check, a_pending_program_is_skipped_with_its_reason) {
  char *src = write_program("later.c",
                            " * lockhound-expect: data-race counter\n"
                            " * lockhound-pending: races are not detected yet\n",
                            "int main(void) { return 0; }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  char want[256];
  snprintf(want, sizeof want,
           "SKIP %s: lockhound-pending: races are not detected yet\n"
           "1 skipped (lockhound-pending)\n0 passed, 0 failed\n",
           src);
  cr_expect_eq(r.status, 0);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

Test(cli_check, a_run_past_the_timeout_is_killed_with_its_children_and_fails) {
  char *src = write_program("hang.c", " * lockhound-expect: none\n",
                            "#include <unistd.h>\n"
                            "int main(void) { fork(); pause(); return 0; }\n");
  char binary[128];
  snprintf(binary, sizeof binary, "%s/hang", dir);
  struct cli_result cc = cli_run((char *[]){"/usr/bin/cc", "-o", binary, src, NULL});
  cr_assert_eq(cc.status, 0, "%s", cc.err);
  cli_free(&cc);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--timeout=1", binary, NULL});
  cr_expect_eq(r.status, 1);
  cr_expect(contains(r.out, "did not end within 1 s: killed"), "%s", r.out);
  cli_free(&r);
  /* Both processes of the program were in the killed group: none is left running. */
  struct cli_result left = cli_run((char *[]){"/usr/bin/pgrep", "-f", binary, NULL});
  cr_expect_str_eq(left.out, "", "processes left behind: %s", left.out);
  cli_free(&left);
}

Test(cli_check, a_directory_is_checked_in_sorted_order_with_a_count) {
  write_program("b.c", " * lockhound-expect: none\n", "int main(void) { return 0; }\n");
  write_program("a.c", " * lockhound-expect: none\n", "int main(void) { return 3; }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", dir, NULL});
  char want[256];
  snprintf(want, sizeof want,
           "FAIL %s/a.c: exit code 3, expected 0\nPASS %s/b.c\n"
           "1 passed, 1 failed\n",
           dir, dir);
  cr_expect_eq(r.status, 1);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

Test(cli_check, a_link_to_a_directory_below_is_not_followed, .timeout = 60) {
  /* loop -> . would make the walk recurse until the paths are too long */
  write_program("a.c", " * lockhound-expect: none\n", "int main(void) { return 0; }\n");
  char link[256];
  snprintf(link, sizeof link, "%s/loop", dir);
  cr_assert_eq(symlink(".", link), 0);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", dir, NULL});
  char want[256];
  snprintf(want, sizeof want, "PASS %s/a.c\n1 passed, 0 failed\n", dir);
  cr_expect_eq(r.status, 0);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

Test(cli_check, a_file_that_is_neither_a_program_nor_a_source_fails) {
  char *notes = write_program("notes.txt", " * lockhound-expect: none\n", "");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", notes, NULL});
  cr_expect_eq(r.status, 1);
  cr_expect(contains(r.out, "not a program (not executable), a C or C++ source (*.c, *.cpp) "
                            "or a Python program (*.py)"),
            "%s", r.out);
  cli_free(&r);
}

Test(cli_check, a_missing_warning_and_an_unexpected_one_are_named) {
  char sample[2 * PATH_MAX];
  snprintf(sample, sizeof sample, "%s/samples/deadlock/timed_join_cycle", cli_build_dir());
  char *spec = write_program("spec.txt",
                             " * lockhound-expect: none\n"
                             " * lockhound-expect-warning: timed-wait-cycle other\n",
                             "");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--expect", spec, sample, NULL});
  cr_expect_eq(r.status, 1);
  cr_expect(contains(r.out, ": expected warning timed-wait-cycle other; got warning "
                            "timed-wait-cycle reports_lock\n"),
            "%s", r.out);
  cli_free(&r);
}

Test(cli_check, verbose_shows_what_a_failing_run_printed) {
  char *src = write_program("talk.c", " * lockhound-expect: none\n",
                            "#include <stdio.h>\n"
                            "int main(void) { puts(\"hello from the program\"); return 5; }\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "-v", src, NULL});
  cr_expect_eq(r.status, 1);
  cr_expect(contains(r.out, "exit code 5, expected 0\n    | hello from the program\n"), "%s",
            r.out);
  cli_free(&r);
  r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  cr_expect(!contains(r.out, "hello from the program"), "without -v: %s", r.out);
  cli_free(&r);
}

/* A copy of a sample in samples/<topic>/ uses the built binary only when it is not older than
 * the source: an edited sample is compiled again rather than judged by its old binary. */
Test(cli_check, a_sample_edited_after_its_build_is_compiled_again) {
  char topic[128], copy[160], orig[2 * PATH_MAX];
  snprintf(topic, sizeof topic, "%s/samples/deadlock", dir);
  snprintf(copy, sizeof copy, "%s/ab_ba.c", topic);
  snprintf(orig, sizeof orig, "%s/samples/deadlock/ab_ba.c", cli_source_dir());
  struct cli_result mk = cli_run((char *[]){"/bin/mkdir", "-p", topic, NULL});
  cli_free(&mk);
  struct cli_result cp =
      cli_run((char *[]){"/bin/cp", orig, copy, NULL}); /* newer than the build */
  cli_free(&cp);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", copy, NULL});
  cr_expect_eq(r.status, 0, "%s", r.out);
  cr_expect(contains(r.err, "no up-to-date built binary for"), "%s", r.err);
  cli_free(&r);
  struct cli_result old = cli_run((char *[]){"/usr/bin/touch", "-d", "2000-01-01", copy, NULL});
  cli_free(&old);
  r = cli_run((char *[]){LOCKHOUND, "check", copy, NULL});
  cr_expect_eq(r.status, 0, "%s", r.out);
  cr_expect_str_eq(r.err, "", "an older source is checked with the built binary");
  cli_free(&r);
}

/* A checked source names `lockhound run` options that write a file (and that would make the
 * report the verdict reads from someone else's), change the exit code or end the options: each
 * is refused with its line, and nothing runs (no file is written, the program is not built). */
static void expect_option_refused(const char *options_line, const char *option, int line) {
  char expectations[512], witness[128], want[1024];
  snprintf(witness, sizeof witness, "%s/written", dir);
  snprintf(expectations, sizeof expectations,
           " * lockhound-expect: lock-order-inversion lock_a "
           "lock_b\n * lockhound-options: %s\n",
           options_line);
  char *src = write_program("sneaky.c", expectations, ab_ba_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  snprintf(want, sizeof want,
           "FAIL %s: %s:%d: lockhound-options: '%s' is refused by lockhound "
           "check: a checked source may only tune the run (--on-deadlock, --stall-timeout, "
           "--livelock-timeout, --max-cycle-length, --lang, --contention, --explain, --verbose, "
           "-v), not write or read files, change the exit code or name another program\n"
           "0 passed, 1 failed\n",
           src, src, line, option);
  cr_expect_eq(r.status, 1, "%s", options_line);
  cr_expect_str_eq(r.out, want);
  cr_expect_str_eq(r.err, "", "nothing was compiled or run: %s", r.err);
  cr_expect_neq(access(witness, F_OK), 0, "no file was written");
  cli_free(&r);
}

Test(cli_check, options_that_write_files_are_refused) {
  char opt[160];
  snprintf(opt, sizeof opt, "--json %s/written", dir);
  expect_option_refused(opt, "--json", 3);
  snprintf(opt, sizeof opt, "--html=%s/written", dir);
  expect_option_refused(opt, "--html", 3);
  snprintf(opt, sizeof opt, "--run-dir=%s/written", dir);
  expect_option_refused(opt, "--run-dir", 3);
  snprintf(opt, sizeof opt, "--on-deadlock=abort --js %s/written", dir);
  expect_option_refused(opt, "--js", 3);
}

Test(cli_check, options_that_change_the_verdict_are_refused) {
  expect_option_refused("--error-exitcode=0", "--error-exitcode", 3);
  expect_option_refused("--suppressions=/etc/passwd", "--suppressions", 3);
  expect_option_refused("--explain=yes", "--explain", 3);
}

Test(cli_check, options_that_would_name_another_program_are_refused) {
  expect_option_refused("-- /bin/sh -c exit", "--", 3);
  expect_option_refused("--stall-timeout 1 /bin/true", "/bin/true", 3);
}

Test(cli_check, options_that_tune_the_run_are_taken_in_both_forms) {
  char *src = write_program("tuned.c",
                            " * lockhound-expect: lock-order-inversion lock_a lock_b\n"
                            " * lockhound-options: --on-deadlock=abort --stall-timeout 5\n"
                            " * lockhound-options: --max-cycle-length=4 -v --lang ru\n",
                            ab_ba_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", src, NULL});
  char want[256];
  snprintf(want, sizeof want, "PASS %s\n1 passed, 0 failed\n", src);
  cr_expect_eq(r.status, 0, "%s", r.out);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

/* ---- Python programs ---- */

/* Debian's interpreter: tests never use whatever python3 comes first on PATH (a pyenv shim on a
 * developer's machine is a shell script that starts other processes). */
#define PYTHON "/usr/bin/python3"

/* Writes dir/name: `expectations` as `#` comment lines, then `body`; returns its path. */
static char *write_python(const char *name, const char *expectations, const char *body) {
  static char path[4][128]; /* the last four paths stay valid */
  static int which;
  which = (which + 1) % 4;
  snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
  FILE *f = fopen(path[which], "w");
  cr_assert_not_null(f);
  fprintf(f, "# a student's program\n%s%s", expectations, body);
  fclose(f);
  return path[which];
}

static void skip_without_python(void) {
  if (access(PYTHON, X_OK) != 0) cr_skip_test(PYTHON " is not installed (.ci/install-deps)");
}

Test(cli_check, a_python_program_is_run_by_python_with_its_hash_comment_expectations) {
  skip_without_python();
  char *ok = write_python("ok.py", "# lockhound-expect: none\n",
                          "import threading\nlock = threading.Lock()\nwith lock:\n"
                          "    print('inside')\n");
  char *three = write_python("three.py", "# lockhound-expect: none\n# lockhound-exit: 3\n",
                             "import sys\nsys.exit(3)\n");
  char *wrong = write_python("wrong.py", "# lockhound-expect: none\n", "raise SystemExit(4)\n");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "check", "--python=" PYTHON, ok, three, wrong, NULL});
  char want[512];
  snprintf(want, sizeof want,
           "PASS %s\nPASS %s\nFAIL %s: exit code 4, expected 0\n2 passed, 1 failed\n", ok, three,
           wrong);
  cr_expect_eq(r.status, 1);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

Test(cli_check, a_directory_takes_its_python_programs_sorted_with_the_c_sources) {
  skip_without_python();
  write_program("b.c", " * lockhound-expect: none\n", "int main(void) { return 0; }\n");
  write_python("a.py", "# lockhound-expect: none\n", "print('a')\n");
  write_python("c.py", "# lockhound-expect: none\n# lockhound-pending: not yet\n", "");
  write_python("notes.txt", "# lockhound-expect: none\n", "");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--python=" PYTHON, dir, NULL});
  char want[512];
  snprintf(want, sizeof want,
           "PASS %s/a.py\nPASS %s/b.c\nSKIP %s/c.py: lockhound-pending: not yet\n"
           "1 skipped (lockhound-pending)\n2 passed, 0 failed\n",
           dir, dir, dir);
  cr_expect_eq(r.status, 0);
  cr_expect_str_eq(r.out, want);
  cli_free(&r);
}

Test(cli_check, a_python_program_gets_its_options_lines_and_fails_on_a_finding_it_did_not_expect) {
  skip_without_python();
  /* a lockhound-options: line reaches `lockhound run` (--lang is accepted and changes nothing
   * here), a refused one fails the program before it runs */
  char *tuned = write_python(
      "tuned.py", "# lockhound-expect: none\n# lockhound-options: --lang=ru\n", "print('ok')\n");
  char *refused =
      write_python("refused.py", "# lockhound-expect: none\n# lockhound-options: --json=x\n", "");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "check", "--python=" PYTHON, tuned, refused, NULL});
  cr_expect_eq(r.status, 1);
  char want[512];
  snprintf(want, sizeof want, "PASS %s\nFAIL %s: %s:3: lockhound-options: '--json' is refused",
           tuned, refused, refused);
  cr_expect(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
  cli_free(&r);
}

Test(cli_check, without_python3_on_path_a_python_program_is_a_usage_error_saying_what_to_do) {
  char *ok = write_python("ok.py", "# lockhound-expect: none\n", "print('ok')\n");
  char path_env[96];
  snprintf(path_env, sizeof path_env, "PATH=%s", dir); /* a directory without python3 */
  struct cli_result r =
      cli_run_env((char *[]){LOCKHOUND, "check", ok, NULL}, (char *[]){path_env, NULL});
  char want[512];
  snprintf(want, sizeof want,
           "lockhound check: cannot run the Python program %s: no python3 on PATH; install "
           "Python 3 (Debian: apt install python3) or name the interpreter with --python=PATH\n",
           ok);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, want);
  cr_expect_str_eq(r.out, "", "nothing ran");
  cli_free(&r);
}

Test(cli_check, a_python_that_is_not_an_executable_file_is_a_usage_error) {
  char *ok = write_python("ok.py", "# lockhound-expect: none\n", "print('ok')\n");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "check", "--python=/nonexistent/python3", ok, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound check: --python=/nonexistent/python3: no such executable "
                          "file; give the path of a Python 3 interpreter "
                          "(--python=/usr/bin/python3)\n");
  cr_expect_str_eq(r.out, "");
  cli_free(&r);
  r = cli_run((char *[]){LOCKHOUND, "check", "--python=", ok, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound check: --python needs the path of a Python interpreter "
                          "(--python=/usr/bin/python3)\n");
  cli_free(&r);
}

Test(cli_check, verbose_says_which_python_runs_the_programs) {
  skip_without_python();
  char *ok = write_python("ok.py", "# lockhound-expect: none\n", "print('ok')\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "-v", "--python=" PYTHON, ok, NULL});
  cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
  cr_expect(contains(r.err, "lockhound check: Python programs run with " PYTHON " (--python)\n"),
            "%s", r.err);
  cli_free(&r);
  /* found on PATH: a directory holding a link named python3 */
  char bin[96], link[128], path_env[128], want[256];
  snprintf(bin, sizeof bin, "%s/bin", dir);
  snprintf(link, sizeof link, "%s/python3", bin);
  cr_assert_eq(mkdir(bin, 0700), 0);
  cr_assert_eq(symlink(PYTHON, link), 0);
  snprintf(path_env, sizeof path_env, "PATH=/nonexistent:%s", bin);
  r = cli_run_env((char *[]){LOCKHOUND, "check", "-v", ok, NULL}, (char *[]){path_env, NULL});
  snprintf(want, sizeof want,
           "lockhound check: Python programs run with %s (the python3 found on PATH)\n", link);
  cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
  cr_expect(contains(r.err, want), "%s", r.err);
  cli_free(&r);
  /* --python with a name and no '/' is searched on PATH too */
  r = cli_run_env((char *[]){LOCKHOUND, "check", "-v", "--python=python3", ok, NULL},
                  (char *[]){path_env, NULL});
  snprintf(want, sizeof want, "lockhound check: Python programs run with %s (--python)\n", link);
  cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
  cr_expect(contains(r.err, want), "%s", r.err);
  cli_free(&r);
}
