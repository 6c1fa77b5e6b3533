/* test_cli_double_checked.c - --explain names double-checked locking: a race between a read with
 * no lock and a write holding a lock, in one function (samples/races/double_checked_locking.c,
 * built with `lockhound cc`), gets the pattern's name, the variable and its fixes (pthread_once;
 * an acquire load and a release store), in English and Russian; a race whose accesses both hold
 * no lock (lazy_init_unlocked.c) and a race across functions (the configuration's fields) do not. */
#include <criterion/criterion.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

/* stderr of `lockhound run --explain [--lang=LANG] -- samples/races/NAME` (caller frees). */
static char *explained(const char *name, const char *lang) {
  char sample[PATH_MAX + 64], dir[64], opt[96], lang_opt[32];
  snprintf(sample, sizeof sample, "%s/samples/races/%s", cli_build_dir(), name);
  if (access(sample, X_OK) != 0) cr_skip_test("%s not built", sample);
  cli_scratch_make(dir, "dcl");
  snprintf(opt, sizeof opt, "--run-dir=%s", dir);
  snprintf(lang_opt, sizeof lang_opt, "--lang=%s", lang);
  struct cli_result r = cli_run_limited(
      (char *[]){LOCKHOUND, "run", "--explain", lang_opt, opt, "--", sample, NULL}, 60);
  cr_assert_eq(r.status, 66, "%s", r.err);
  char *err = r.err;
  r.err = NULL;
  cli_free(&r);
  cli_scratch_remove(dir);
  return err;
}

static size_t count(const char *text, const char *what) {
  size_t n = 0;
  for (const char *p = strstr(text, what); p; p = strstr(p + 1, what)) n++;
  return n;
}

Test(cli_double_checked, explain_names_double_checked_locking_on_the_pointer_and_its_fixes) {
  char *t = explained("double_checked_locking", "en");
  cr_assert(strstr(t, "the memory: config, a global or static variable"), "%s", t);
  cr_assert_eq(count(t, "The pattern: double-checked locking on config (--explain):"), 1, "%s", t);
  cr_assert(strstr(t, "pthread_once(&once, init)"), "%s", t);
  cr_assert(strstr(t, "memory_order_acquire"), "%s", t);
  cr_assert(strstr(t, "memory_order_release"), "%s", t);
  /* the race on the fields (read in client, written in make_config) is not the pattern */
  cr_assert_null(strstr(t, "double-checked locking on heap:"), "%s", t);
  free(t);
}

Test(cli_double_checked, the_pattern_is_named_in_russian_too) {
  char *t = explained("double_checked_locking", "ru");
  cr_assert(strstr(t, "Шаблон: блокировка с двойной проверкой для config (--explain):"), "%s", t);
  cr_assert(strstr(t, "memory_order_acquire"), "%s", t);
  free(t);
}

Test(cli_double_checked, lazy_initialisation_without_any_lock_is_not_double_checked_locking) {
  char *t = explained("lazy_init_unlocked", "en");
  cr_assert(strstr(t, "lockhound: data-race"), "%s", t);
  cr_assert_null(strstr(t, "double-checked"), "%s", t);
  free(t);
}
