/* test_stable_ids.c - a finding keeps its id across rebuilds: the same source built in two
 * folders, by gcc at -O0 and by clang at -O2, run under `lockhound run --json`, gives the same ids.
 *
 * Each scenario copies a sample's source into two fresh folders of different depths, builds it
 * there (plain samples with the compiler itself, race samples with `lockhound cc --cc=...`), and
 * compares the sorted ids of the two reports' findings. The samples are the repository's own, so
 * their findings do not depend on the schedule. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child_process.h"

struct build {
  const char *compiler; /* gcc or clang, by path (children are run by execv) */
  const char *opt;      /* -O0, -O2 */
  const char *subdir;   /* a folder of its own under the scenario's directory */
};

static const struct build builds[2] = {{"/usr/bin/gcc", "-O0", "a"},
                                       {"/usr/bin/clang", "-O2", "x/y/z/b"}};

static void run_ok(const char *const *argv, const char *dir, double limit) {
  struct lh_child_spec spec = {.argv = argv, .work_dir = dir};
  struct lh_child_result r;
  cr_assert_eq(lh_run_child_limited(&spec, limit, &r), 0);
  cr_assert_eq(r.timed_out, 0, "%s timed out", argv[0]);
  cr_assert(r.exit_code == 0 || r.exit_code == 66, "%s exited %d: %s", argv[0], r.exit_code, r.err);
  lh_child_result_free(&r);
}

static int by_string(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Builds topic/name.c as b in dir/b->subdir and returns the sorted ids of its findings, one per
 * line. */
static char *ids_of_build(const char *dir, const char *topic, const char *name,
                          const struct build *b, bool race) {
  char folder[512], src[1024], copy[1024], prog[1024], json[1024], cmd[4096];
  snprintf(folder, sizeof folder, "%s/%s", dir, b->subdir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", folder);
  cr_assert_eq(system(cmd), 0);
  snprintf(src, sizeof src, "%s/%s/%s.c", LH_SAMPLES_SOURCE_DIR, topic, name);
  snprintf(copy, sizeof copy, "%s/%s.c", folder, name);
  snprintf(prog, sizeof prog, "%s/%s", folder, name);
  snprintf(json, sizeof json, "%s/report.json", folder);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, copy);
  cr_assert_eq(system(cmd), 0);
  char lockhound[1024], cc[64];
  snprintf(lockhound, sizeof lockhound, "%s/lockhound", LH_BIN_DIR);
  snprintf(cc, sizeof cc, "--cc=%s", b->compiler);
  if (race) {
    const char *argv[] = {lockhound, "cc", cc, b->opt, "-pthread", copy, "-o", prog, NULL};
    run_ok(argv, folder, 120);
  } else {
    const char *argv[] = {b->compiler, "-g", b->opt, "-fno-omit-frame-pointer", "-pthread", copy,
                          "-o",        prog, NULL};
    run_ok(argv, folder, 120);
  }
  const char *argv[] = {lockhound, "run", "--json", json, "--", prog, NULL};
  run_ok(argv, folder, 60);
  json_error_t err;
  json_t *report = json_load_file(json, 0, &err);
  cr_assert_not_null(report, "%s: %s", json, err.text);
  const json_t *findings = json_object_get(report, "findings");
  size_t n = json_array_size(findings);
  cr_assert_gt(n, 0, "the sample has findings");
  char **ids = calloc(n, sizeof *ids);
  for (size_t i = 0; i < n; i++)
    ids[i] = strdup(json_string_value(json_object_get(json_array_get(findings, i), "id")));
  qsort(ids, n, sizeof *ids, by_string);
  char *all = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&all, &len);
  for (size_t i = 0; i < n; i++) {
    fprintf(out, "%s\n", ids[i]);
    free(ids[i]);
  }
  fclose(out);
  free(ids);
  json_decref(report);
  return all;
}

static void same_ids(const char *topic, const char *name, bool race) {
  char *dir = lh_make_temp_dir("stable-ids");
  char *a = ids_of_build(dir, topic, name, &builds[0], race);
  char *b = ids_of_build(dir, topic, name, &builds[1], race);
  cr_assert_str_eq(a, b, "%s/%s: gcc -O0 in one folder and clang -O2 in another give other ids",
                   topic, name);
  free(a);
  free(b);
  lh_remove_tree(dir);
  free(dir);
}

TestSuite(stable_ids, .timeout = 300);

Test(stable_ids, a_lock_order_inversion_keeps_its_id) { same_ids("deadlock", "ab_ba", false); }

Test(stable_ids, one_bug_over_many_locks_keeps_its_id) {
  same_ids("deadlock", "bank_many_accounts", false);
}

Test(stable_ids, a_self_deadlock_keeps_its_id) { same_ids("deadlock", "self_deadlock", false); }

Test(stable_ids, a_stall_keeps_its_id) { same_ids("stall", "lost_wakeup", false); }

Test(stable_ids, a_misuse_keeps_its_id) { same_ids("misuse", "unlock_unowned", false); }

Test(stable_ids, a_data_race_keeps_its_id) { same_ids("races", "lost_update_counter", true); }
