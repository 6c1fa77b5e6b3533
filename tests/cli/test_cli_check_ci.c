/* test_cli_check_ci.c - what `lockhound check` gives CI (docs/ci.md): --json, --junit and --sarif
 * of every program checked, --suppressions applied to every run, program arguments from
 * `lockhound-args:`, the looser expectation forms `lockhound-expect-at-least:` and
 * `lockhound-expect-one-of:` (a program that deadlocks on some runs only, checked without
 * flakes), and the outputs refused (stdout, an input, two on one file). Programs are written
 * into a scratch directory and compiled by `lockhound check` itself; none depends on a lucky
 * schedule: a semaphore orders the AB/BA threads, a barrier forces the deadlock, and a marker
 * file makes a program deadlock on its first run only. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <sys/stat.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

static char dir[64];

static void make_dir(void) { cli_scratch_make(dir, "cli-check-ci"); }

static void remove_dir(void) { cli_scratch_remove(dir); }

TestSuite(cli_check_ci, .init = make_dir, .fini = remove_dir, .timeout = 120);

/* AB/BA taking turns through a semaphore: a lock-order inversion, never a hang. With the
 * argument "ordered" (lockhound-args:) the second thread takes the locks in the same order. */
static const char *ab_ba_body =
    "#include <pthread.h>\n#include <semaphore.h>\n#include <string.h>\n"
    "pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;\n"
    "sem_t turn; int ordered;\n"
    "static void *ab(void *p) { pthread_mutex_lock(&lock_a); pthread_mutex_lock(&lock_b);\n"
    "  pthread_mutex_unlock(&lock_b); pthread_mutex_unlock(&lock_a); sem_post(&turn); return p; }\n"
    "static void *ba(void *p) { sem_wait(&turn);\n"
    "  pthread_mutex_t *first = ordered ? &lock_a : &lock_b, *second = ordered ? &lock_b : "
    "&lock_a;\n"
    "  pthread_mutex_lock(first); pthread_mutex_lock(second);\n"
    "  pthread_mutex_unlock(second); pthread_mutex_unlock(first); return p; }\n"
    "int main(int argc, char **argv) { pthread_t t, u; sem_init(&turn, 0, 0);\n"
    "  ordered = argc > 1 && strcmp(argv[1], \"ordered\") == 0;\n"
    "  pthread_create(&t, 0, ab, 0); pthread_create(&u, 0, ba, 0);\n"
    "  pthread_join(t, 0); pthread_join(u, 0); return 0; }\n";

/* AB/BA that really deadlocks (a barrier makes each thread hold its first lock) on its first run
 * only, when the marker file MARKER does not exist yet; later runs take turns through a
 * semaphore and only invert. %s: the scratch directory. */
static const char *sometimes_body_format =
    "#include <fcntl.h>\n#include <pthread.h>\n#include <semaphore.h>\n#include <unistd.h>\n"
    "pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;\n"
    "pthread_barrier_t both; sem_t turn; int deadlock;\n"
    "static void *ab(void *p) { pthread_mutex_lock(&lock_a);\n"
    "  if (deadlock) pthread_barrier_wait(&both);\n"
    "  pthread_mutex_lock(&lock_b);\n"
    "  pthread_mutex_unlock(&lock_b); pthread_mutex_unlock(&lock_a); sem_post(&turn); return p; }\n"
    "static void *ba(void *p) { if (!deadlock) sem_wait(&turn); pthread_mutex_lock(&lock_b);\n"
    "  if (deadlock) pthread_barrier_wait(&both);\n"
    "  pthread_mutex_lock(&lock_a);\n"
    "  pthread_mutex_unlock(&lock_a); pthread_mutex_unlock(&lock_b); return p; }\n"
    "int main(void) { pthread_t t, u; sem_init(&turn, 0, 0); pthread_barrier_init(&both, 0, 2);\n"
    "  int fd = open(\"%s/marker\", O_CREAT | O_EXCL | O_WRONLY, 0600);\n"
    "  deadlock = fd >= 0; if (fd >= 0) close(fd);\n"
    "  pthread_create(&t, 0, ab, 0); pthread_create(&u, 0, ba, 0);\n"
    "  pthread_join(t, 0); pthread_join(u, 0); return 0; }\n";

/* Writes dir/name with a top comment holding `expectations` and then `body`; returns its path. */
static char *write_program(const char *name, const char *expectations, const char *body) {
  static char path[4][128];
  static int which;
  which = (which + 1) % 4;
  snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
  FILE *f = fopen(path[which], "w");
  cr_assert_not_null(f);
  fprintf(f, "/* a student's program\n%s */\n%s", expectations, body);
  fclose(f);
  return path[which];
}

static char *scratch(const char *name) {
  static char path[4][128];
  static int which;
  which = (which + 1) % 4;
  snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
  return path[which];
}

static bool contains(const char *text, const char *part) { return strstr(text, part) != NULL; }

/* ---- lockhound-args: ---- */

Test(cli_check_ci, args_lines_are_the_programs_arguments) {
  char *ordered = write_program(
      "ordered.c", " * lockhound-args: ordered\n * lockhound-expect: none\n", ab_ba_body);
  char *inverted = write_program(
      "inverted.c", " * lockhound-expect: lock-order-inversion lock_a lock_b\n", ab_ba_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", ordered, inverted, NULL});
  cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "2 passed, 0 failed"), "%s", r.out);
  cli_free(&r);
}

/* ---- --suppressions ---- */

Test(cli_check_ci, suppressions_apply_to_every_run_and_a_suppressed_finding_is_not_expected) {
  char *prog = write_program("suppressed.c", " * lockhound-expect: none\n", ab_ba_body);
  char *rules = scratch("rules.supp");
  FILE *f = fopen(rules, "w");
  cr_assert_not_null(f);
  fputs("lock-order-inversion:lock_a\n", f);
  fclose(f);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", prog, NULL});
  cr_expect_eq(r.status, 1, "without the rule the inversion is unexpected: %s%s", r.out, r.err);
  cli_free(&r);
  char option[160];
  snprintf(option, sizeof option, "--suppressions=%s", rules);
  r = cli_run((char *[]){LOCKHOUND, "check", "--repeat=2", option, prog, NULL});
  cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "PASS") && contains(r.out, "(2 runs)"), "%s", r.out);
  cli_free(&r);
}

Test(cli_check_ci, a_bad_suppressions_file_is_a_usage_error_before_anything_runs) {
  char *rules = scratch("bad.supp");
  FILE *f = fopen(rules, "w");
  cr_assert_not_null(f);
  fputs("no-such-kind:x\n", f);
  fclose(f);
  char option[160];
  snprintf(option, sizeof option, "--suppressions=%s", rules);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", option, dir, NULL});
  cr_expect_eq(r.status, 2, "%s%s", r.out, r.err);
  cr_expect_str_eq(r.out, "", "nothing was run");
  cr_expect(contains(r.err, "no-such-kind"), "%s", r.err);
  cli_free(&r);
}

/* ---- at least / one of ---- */

Test(cli_check_ci, at_least_wants_its_key_and_allows_more_of_its_kind) {
  char *enough = write_program("at_least.c",
                               " * lockhound-expect-at-least: lock-order-inversion lock_a lock_b\n",
                               ab_ba_body);
  char *other_kind = write_program(
      "other_kind.c", " * lockhound-expect-at-least: deadlock lock_a lock_b\n", ab_ba_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", enough, other_kind, NULL});
  cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "PASS ") && contains(r.out, "at_least.c\n"), "%s", r.out);
  cr_expect(contains(r.out, "other_kind.c: missing deadlock lock_a lock_b; unexpected "
                            "lock-order-inversion lock_a lock_b\n"),
            "%s", r.out);
  cli_free(&r);
}

Test(cli_check_ci, one_of_takes_exactly_one_alternative) {
  char *one = write_program("one_of.c",
                            " * lockhound-expect-one-of: deadlock lock_a lock_b | "
                            "lock-order-inversion lock_a lock_b\n",
                            ab_ba_body);
  char *neither = write_program(
      "neither.c", " * lockhound-expect-one-of: deadlock lock_a lock_b | stall turn\n", ab_ba_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", one, neither, NULL});
  cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "PASS ") && contains(r.out, "one_of.c\n"), "%s", r.out);
  cr_expect(contains(r.out, "neither.c: missing one of: deadlock lock_a lock_b | stall turn; "
                            "unexpected lock-order-inversion lock_a lock_b"),
            "%s", r.out);
  cli_free(&r);
}

/* The case the forms are for: a deadlock on some runs only. The exact lines fail the second run
 * (no deadlock there); `one-of: ... | none` passes every run, whichever schedule it got. */
Test(cli_check_ci, a_program_that_deadlocks_on_some_runs_passes_with_one_of_none) {
  char body[4096];
  snprintf(body, sizeof body, sometimes_body_format, dir);
  char *exact = write_program("exact.c",
                              " * lockhound-expect: deadlock lock_a lock_b\n"
                              " * lockhound-expect: lock-order-inversion lock_a lock_b\n",
                              body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--repeat=3", exact, NULL});
  cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "FAIL") && contains(r.out, "run 2 of 3"), "%s", r.out);
  cli_free(&r);
  unlink(scratch("marker"));
  char *loose = write_program("loose.c",
                              " * lockhound-expect: lock-order-inversion lock_a lock_b\n"
                              " * lockhound-expect-one-of: deadlock lock_a lock_b | none\n",
                              body);
  r = cli_run((char *[]){LOCKHOUND, "check", "--repeat=3", loose, NULL});
  cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "PASS") && contains(r.out, "(3 runs)"), "%s", r.out);
  cli_free(&r);
}

Test(cli_check_ci, a_malformed_one_of_line_fails_with_the_parsers_message) {
  char *bad =
      write_program("bad.c", " * lockhound-expect-one-of: deadlock lock_a lock_b\n", ab_ba_body);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", bad, NULL});
  cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "malformed lockhound-expect-one-of line"), "%s", r.out);
  cli_free(&r);
}

/* ---- --json, --junit, --sarif ---- */

Test(cli_check_ci, outputs_hold_every_programs_verdict) {
  char *pass = write_program("pass.c", " * lockhound-expect: lock-order-inversion lock_a lock_b\n",
                             ab_ba_body);
  char *fail = write_program("fail.c", " * lockhound-expect: none\n", ab_ba_body);
  char *skip = write_program("skip.c", " * lockhound-expect: none\n * lockhound-pending: not yet\n",
                             "int main(void) { return 0; }\n");
  char *broken = write_program("broken.c", " * lockhound-expect: none\n", "int main(void) {\n");
  char *json = scratch("out.json"), *junit = scratch("junit.xml"), *sarif = scratch("out.sarif");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--json", json, "--junit", junit,
                                           "--sarif", sarif, pass, fail, skip, broken, NULL});
  cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
  json_error_t err;
  json_t *doc = json_load_file(json, 0, &err);
  cr_assert_not_null(doc, "%s", err.text);
  json_t *programs = json_object_get(doc, "programs");
  cr_assert_eq(json_array_size(programs), 4);
  const char *verdicts[] = {"pass", "fail", "skip", "error"};
  for (size_t i = 0; i < 4; i++)
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(programs, i), "verdict")),
                     verdicts[i]);
  json_t *unexpected = json_object_get(json_array_get(programs, 1), "unexpected");
  cr_expect_str_eq(json_string_value(json_array_get(unexpected, 0)),
                   "lock-order-inversion lock_a lock_b");
  cr_expect_eq(json_array_size(json_object_get(json_array_get(programs, 0), "findings")), 1);
  json_t *summary = json_object_get(doc, "summary");
  cr_expect_eq(json_integer_value(json_object_get(summary, "errors")), 1);
  json_decref(doc);
  char *xml = cli_slurp(junit);
  cr_expect(contains(xml, "<testcase classname=\""), "%s", xml);
  cr_expect(contains(xml, "name=\"fail.c\""), "%s", xml);
  cr_expect(contains(xml, "<failure type=\"unexpected finding\" message=\"unexpected: "
                          "lock-order-inversion lock_a lock_b\">"),
            "%s", xml);
  cr_expect(contains(xml, "lockhound: lock-order-inversion: potential deadlock"),
            "the failure's body is the finding's text: %s", xml);
  cr_expect(contains(xml, "<skipped message=\"lockhound-pending: not yet\"/>"), "%s", xml);
  cr_expect(contains(xml, "<error type=\"not checked\" message=\"cannot compile it"), "%s", xml);
  cr_expect(contains(xml, "tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\""), "%s", xml);
  free(xml);
  doc = json_load_file(sarif, 0, &err);
  cr_assert_not_null(doc, "%s", err.text);
  json_t *results = json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results");
  cr_expect_eq(json_array_size(results), 2, "the pass and the fail each have their inversion");
  json_decref(doc);
  cli_free(&r);
}

Test(cli_check_ci, an_output_on_stdout_is_refused) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--json", "-", dir, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound check: --json - would mix the document with check's PASS "
                          "and FAIL lines on stdout; give --json a file\n");
  cr_expect_str_eq(r.out, "");
  cli_free(&r);
  r = cli_run((char *[]){LOCKHOUND, "check", "--sarif", "-", dir, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(contains(r.err, "--sarif - would mix the document"), "%s", r.err);
  cli_free(&r);
  r = cli_run((char *[]){LOCKHOUND, "check", "--junit", "/dev/stdout", dir, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound check: --junit /dev/stdout is this command's stdout, where "
                          "check writes its PASS and FAIL lines; give --junit another file\n");
  cli_free(&r);
}

Test(cli_check_ci, an_output_over_a_program_or_another_output_is_refused) {
  char *prog =
      write_program("prog.c", " * lockhound-expect: none\n", "int main(void){return 0;}\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--junit", prog, prog, NULL});
  cr_expect_eq(r.status, 2);
  char want[512];
  snprintf(want, sizeof want,
           "lockhound: --junit %s is also a program or source to check: writing it would "
           "destroy it; give --junit another file\n",
           prog);
  cr_expect_str_eq(r.err, want);
  cli_free(&r);
  char *out = scratch("same.out");
  r = cli_run((char *[]){LOCKHOUND, "check", "--json", out, "--junit", out, prog, NULL});
  cr_expect_eq(r.status, 2);
  cr_expect(contains(r.err, "are the same file; give each output its own file"), "%s", r.err);
  cli_free(&r);
  struct stat st;
  cr_expect_neq(stat(out, &st), 0, "nothing written");
}

Test(cli_check_ci, junit_is_an_option_of_check_only) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", "--junit", "x.xml", "--", "/bin/true", NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: --junit only applies to 'lockhound check'\n");
  cli_free(&r);
}

Test(cli_check_ci, an_output_that_cannot_be_written_is_status_2_after_the_verdicts) {
  char *prog = write_program("ok.c", " * lockhound-expect: none\n", "int main(void){return 0;}\n");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", "--junit", "/dev/full", prog, NULL});
  cr_expect_eq(r.status, 2, "%s%s", r.out, r.err);
  cr_expect(contains(r.out, "1 passed, 0 failed"), "%s", r.out);
  cr_expect(contains(r.err, "\nlockhound: cannot write /dev/full: No space left on device\n"), "%s",
            r.err);
  cli_free(&r);
}

/* --sarif is one more row of the machine outputs: under `run` stdout is the program's. */
Test(cli_check_ci, run_refuses_sarif_on_stdout_or_on_the_json_file) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", "--sarif", "-", "--", "/bin/echo", "ran", NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: --sarif - would mix the findings with the program's own "
                          "output on stdout; under 'lockhound run' give --sarif a file (or run "
                          "'lockhound report --sarif - RUNFILE' afterwards)\n");
  cr_expect_str_eq(r.out, "", "the program did not run");
  cli_free(&r);
  char *out = scratch("both.out");
  r = cli_run((char *[]){LOCKHOUND, "run", "--json", out, "--sarif", out, "--", "/bin/true", NULL});
  cr_expect_eq(r.status, 2);
  char want[256];
  snprintf(want, sizeof want,
           "lockhound: --json %s and --sarif %s are the same file; give each output its own file\n",
           out, out);
  cr_expect_str_eq(r.err, want);
  cli_free(&r);
}

Test(cli_check_ci, an_output_over_the_expect_file_is_refused) {
  char *spec = write_program("spec.c", " * lockhound-expect: none\n", "");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "check", "--expect", spec, "--json", spec, "/bin/true", NULL});
  cr_expect_eq(r.status, 2);
  char want[512];
  snprintf(want, sizeof want,
           "lockhound: --json %s is also the --expect file: writing it would destroy it; give "
           "--json another file\n",
           spec);
  cr_expect_str_eq(r.err, want);
  cr_expect_str_eq(r.out, "");
  cli_free(&r);
}
