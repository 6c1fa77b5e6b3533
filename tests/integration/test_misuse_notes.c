/* test_misuse_notes.c - the cond-signal-unlocked note, which `lockhound-expect:` lines cannot
 * state (they list errors and warnings): samples/misuse/cond_signal_unlocked.c gets exactly one,
 * about its condition variable and mutex; a site that signals after the unlock 1000 times gets
 * one note, not 1000; a signal under the mutex gets none; and no note makes the run fail. */
#include "child_process.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define RUN_LIMIT_S 30.0

static char *work_dir;
static char json_path[4096];

static void make_work_dir(void) {
  work_dir = lh_make_temp_dir("misuse-notes");
  cr_assert_not_null(work_dir, "cannot make a scratch directory");
  snprintf(json_path, sizeof json_path, "%s/findings.json", work_dir);
}

static void remove_work_dir(void) {
  lh_remove_tree(work_dir);
  free(work_dir);
  work_dir = NULL;
}

/* `lockhound run --json FILE -- program [arg]`, which must print out: the report, the run's exit
 * code in *exit_code. */
static json_t *run_json(const char *program, const char *arg, const char *out, int *exit_code) {
  const char *argv[] = {LOCKHOUND, "run", "--json", json_path, "--", program, arg, NULL};
  char tmpdir_env[4200];
  snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
  const char *env[] = {tmpdir_env, NULL};
  struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
  struct lh_child_result res;
  cr_assert_eq(lh_run_child_limited(&spec, RUN_LIMIT_S, &res), 0, "cannot run lockhound");
  cr_assert(!res.timed_out, "the run did not end; stderr:\n%s", res.err);
  cr_assert_str_eq(res.out, out, "stderr:\n%s", res.err);
  *exit_code = res.exit_code;
  json_error_t jerr;
  json_t *report = json_load_file(json_path, 0, &jerr);
  cr_assert_not_null(report, "no readable JSON report (%s); stderr:\n%s", jerr.text, res.err);
  lh_child_result_free(&res);
  return report;
}

static size_t count_kind(const json_t *report, const char *kind) {
  const json_t *findings = json_object_get(report, "findings");
  size_t n = 0;
  for (size_t i = 0; i < json_array_size(findings); i++)
    n += strcmp(json_string_value(json_object_get(json_array_get(findings, i), "kind")) ?: "",
                kind) == 0;
  return n;
}

static const char *first_name(const json_t *finding, const char *what) {
  return json_string_value(
      json_object_get(json_array_get(json_object_get(finding, what), 0), "name"));
}

/* The `finding` records of that kind in the run files under work_dir/lockhound-<uid>/: what the
 * library wrote, before the analyzer merges equal findings. */
static size_t records_of_kind(const char *kind) {
  char dir_path[4200], needle[128];
  snprintf(dir_path, sizeof dir_path, "%s/lockhound-%d", work_dir, (int)getuid());
  snprintf(needle, sizeof needle, "\"kind\":\"%s\"", kind);
  DIR *dir = opendir(dir_path);
  cr_assert_not_null(dir, "no run directory %s", dir_path);
  size_t n = 0;
  for (struct dirent *e; (e = readdir(dir));) {
    if (!strstr(e->d_name, ".lhrun")) continue;
    char path[8500];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
    char *text = lh_read_file(path, &len);
    for (char *p = text; p && (p = strstr(p, needle)); p++) n++;
    free(text);
  }
  closedir(dir);
  return n;
}

TestSuite(misuse_notes, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

Test(misuse_notes, the_sample_gets_one_note_about_its_condvar_and_mutex) {
  int exit_code;
  json_t *report =
      run_json(LH_SAMPLES_BUILD_DIR "/misuse/cond_signal_unlocked", NULL, "finished\n", &exit_code);
  cr_expect_eq(exit_code, 0, "a note must not fail the run");
  cr_assert_eq(json_array_size(json_object_get(report, "findings")), 1);
  const json_t *f = lh_report_finding(report, "cond-signal-unlocked");
  cr_assert_not_null(f);
  cr_expect_str_eq(json_string_value(json_object_get(f, "level")), "note");
  cr_expect_str_eq(first_name(f, "objects"), "finished");
  cr_expect_str_eq(first_name(f, "locks"), "state_lock");
  json_decref(report);
}

Test(misuse_notes, a_site_signalling_after_the_unlock_a_thousand_times_gets_one_note) {
  int exit_code;
  json_t *report =
      run_json(LH_TEST_PROGRAM_DIR "/signal_sites", "after-unlock", "done\n", &exit_code);
  cr_expect_eq(exit_code, 0);
  cr_expect_eq(count_kind(report, "cond-signal-unlocked"), 1);
  cr_expect_eq(records_of_kind("cond-signal-unlocked"), 1, "the library wrote a note per call");
  json_decref(report);
}

Test(misuse_notes, a_signal_under_the_mutex_gets_no_note) {
  int exit_code;
  json_t *report =
      run_json(LH_TEST_PROGRAM_DIR "/signal_sites", "under-lock", "done\n", &exit_code);
  cr_expect_eq(exit_code, 0);
  cr_expect_eq(json_array_size(json_object_get(report, "findings")), 0);
  json_decref(report);
}
