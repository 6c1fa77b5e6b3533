/* test_cli_report_width.c - the text report of the samples a class is shown (five philosophers,
 * a bank of many accounts, a cycle of three) fits 100 columns: every line, counted in characters
 * (Russian takes two bytes a letter), in English and Russian, plain, with -v and with --explain.
 * Each sample is run once under `lockhound run`; its run file is reported in every style. */
#include <criterion/criterion.h>
#include <glob.h>

#include "../../analyzer/report/i18n/messages.h"
#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

static size_t widest_line(const char *t, char **line_out) {
  size_t widest = 0;
  while (*t) {
    size_t n = strcspn(t, "\n");
    char *line = strndup(t, n);
    if (lh_text_width(line) > widest) {
      widest = lh_text_width(line);
      free(*line_out);
      *line_out = strdup(line);
    }
    free(line);
    t += n + (t[n] == '\n');
  }
  return widest;
}

static void every_style_fits(const char *name) {
  char sample[PATH_MAX + 64], dir[64], opt[96], pattern[128];
  snprintf(sample, sizeof sample, "%s/samples/deadlock/%s", cli_build_dir(), name);
  if (access(sample, X_OK) != 0) cr_skip_test("%s not built", sample);
  cli_scratch_make(dir, "width");
  snprintf(opt, sizeof opt, "--run-dir=%s", dir);
  struct cli_result run =
      cli_run_limited((char *[]){LOCKHOUND, "run", opt, "--", sample, NULL}, 60);
  cr_assert_eq(run.status, 66, "%s", run.err);
  cli_free(&run);
  snprintf(pattern, sizeof pattern, "%s/*.lhrun", dir);
  glob_t g;
  cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
  char *styles[][3] = {{"--lang=en", NULL, NULL},        {"--lang=en", "-v", NULL},
                       {"--lang=en", "--explain", NULL}, {"--lang=ru", NULL, NULL},
                       {"--lang=ru", "-v", NULL},        {"--lang=ru", "--explain", "-v"}};
  for (size_t s = 0; s < sizeof styles / sizeof *styles; s++) {
    char *argv[8] = {LOCKHOUND, "report", g.gl_pathv[0]};
    for (size_t i = 0; i < 3 && styles[s][i]; i++) argv[3 + i] = styles[s][i];
    struct cli_result r = cli_run(argv);
    cr_assert_eq(r.status, 66, "%s", r.err);
    char *line = NULL;
    size_t widest = widest_line(r.err, &line);
    cr_assert_leq(widest, 100, "%s %s %s: a line of %zu columns:\n%s\nin:\n%s", name, styles[s][0],
                  styles[s][1] ? styles[s][1] : "", widest, line, r.err);
    free(line);
    cli_free(&r);
  }
  globfree(&g);
  cli_scratch_remove(dir);
}

Test(cli_report_width, dining_philosophers_fits_100_columns) {
  every_style_fits("dining_philosophers");
}

Test(cli_report_width, bank_many_accounts_fits_100_columns) {
  every_style_fits("bank_many_accounts");
}

Test(cli_report_width, cycle_of_three_fits_100_columns) { every_style_fits("cycle_of_three"); }
