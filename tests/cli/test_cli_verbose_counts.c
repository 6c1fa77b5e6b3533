/* test_cli_verbose_counts.c - `-v` counts what the run saw: a program that takes one lock 2000
 * times and never nests it (samples/basics/global_lock_cpu_bound: 1000 chunks by one thread, then
 * 1000 by two, each under the `gil` mutex) has no lock record in its run file, yet -v says 2000
 * acquisitions of 1 lock by its 7 threads (main, then
 * workers of 1, 2, 1 and 2 threads). */
#include <criterion/criterion.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

Test(cli_verbose_counts, verbose_counts_the_acquisitions_of_a_lock_that_is_never_nested) {
  char sample[PATH_MAX + 64], dir[64], opt[96];
  snprintf(sample, sizeof sample, "%s/samples/basics/global_lock_cpu_bound", cli_build_dir());
  if (access(sample, X_OK) != 0) cr_skip_test("%s not built", sample);
  cli_scratch_make(dir, "counts");
  snprintf(opt, sizeof opt, "--run-dir=%s", dir);
  struct cli_result r =
      cli_run_limited((char *[]){LOCKHOUND, "run", "-v", opt, "--", sample, NULL}, 60);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: 1 run file, 7 threads, lock acquisitions: 2000, locks: 1 "
                          "(nested ones, in the"),
            "%s", r.err);
  cli_free(&r);
  cli_scratch_remove(dir);
}
