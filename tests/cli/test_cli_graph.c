/* test_cli_graph.c - `lockhound graph` as a user meets it: DOT on stdout, SVG and PNG through
 * graphviz's dot, and every error message with its exit status (2). */
#include <criterion/criterion.h>

#include <sys/stat.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()
#define AB_BA (char *)cli_fixture("ab_ba.lhrun")

static bool dot_installed(void) { return system("command -v dot >/dev/null 2>&1") == 0; }

/* An empty directory, for a PATH in which no dot can be found. */
static char *empty_dir(void) {
  static char dir[] = "/tmp/lh-graph-path-XXXXXX";
  cr_assert(mkdtemp(dir));
  return dir;
}

Test(cli_graph, a_run_file_gives_dot_on_stdout_and_status_0) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", AB_BA, NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strncmp(r.out, "digraph lockhound {\n", 20) == 0, "%s", r.out);
  cr_assert(strstr(r.out, "lock-order graph of ab_ba (locks: 2, orders: 2)"), "%s", r.out);
  cr_assert(strstr(r.out, "[label=\"T1 at 0x1237 (ab_ba)\", color=red"), "%s", r.out);
  cr_assert_str_eq(r.err, "");
  cli_free(&r);
}

Test(cli_graph, two_runs_of_the_command_write_the_same_bytes) {
  struct cli_result a = cli_run((char *[]){LOCKHOUND, "graph", AB_BA, NULL});
  struct cli_result b = cli_run((char *[]){LOCKHOUND, "graph", AB_BA, NULL});
  cr_assert_str_eq(a.out, b.out);
  cli_free(&a);
  cli_free(&b);
}

Test(cli_graph, output_writes_the_dot_into_the_file) {
  char path[] = "/tmp/lh-graph-XXXXXX.dot";
  close(mkstemps(path, 4));
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "--output", path, AB_BA, NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out, "");
  char *text = cli_slurp(path);
  cr_assert(strncmp(text, "digraph lockhound {\n", 20) == 0, "%s", text);
  free(text);
  unlink(path);
  cli_free(&r);
}

Test(cli_graph, format_svg_renders_with_graphviz) {
  if (!dot_installed())
    cr_skip_test("graphviz's dot is not installed (.ci/install-deps installs it)");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "--format", "svg", AB_BA, NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.out, "<svg"), "%s", r.out);
  cr_assert(strstr(r.out, "T1 at 0x1237 (ab_ba)"), "%s", r.out);
  cli_free(&r);
}

Test(cli_graph, an_output_ending_in_png_is_rendered_as_png) {
  if (!dot_installed())
    cr_skip_test("graphviz's dot is not installed (.ci/install-deps installs it)");
  char path[] = "/tmp/lh-graph-XXXXXX.png";
  close(mkstemps(path, 4));
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "-o", path, AB_BA, NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  char *image = cli_slurp(path);
  cr_assert(strncmp(image, "\x89PNG", 4) == 0, "not a PNG");
  free(image);
  unlink(path);
  cli_free(&r);
}

/* dot itself ignores a failed write (it exits 0 on a full disk): lockhound writes its output. */
Test(cli_graph, a_rendered_graph_on_a_full_disk_exits_2) {
  if (!dot_installed())
    cr_skip_test("graphviz's dot is not installed (.ci/install-deps installs it)");
  struct cli_result r = cli_run(
      (char *[]){LOCKHOUND, "graph", "--format", "svg", "--output", "/dev/full", AB_BA, NULL});
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert_str_eq(r.err, "lockhound: cannot write /dev/full: No space left on device\n");
  cli_free(&r);
}

Test(cli_graph, without_graphviz_svg_is_refused_with_what_to_do) {
  char *dir = empty_dir(), path_env[64];
  snprintf(path_env, sizeof path_env, "PATH=%s", dir);
  struct cli_result r = cli_run_env((char *[]){LOCKHOUND, "graph", "--format", "svg", AB_BA, NULL},
                                    (char *[]){path_env, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err, "lockhound: graphviz's dot is not installed (apt-get install graphviz); write DOT "
             "with --format dot\n");
  cr_assert_str_eq(r.out, "");
  rmdir(dir);
  cli_free(&r);
}

Test(cli_graph, without_graphviz_dot_output_still_works) {
  char *dir = empty_dir(), path_env[64];
  snprintf(path_env, sizeof path_env, "PATH=%s", dir);
  struct cli_result r =
      cli_run_env((char *[]){LOCKHOUND, "graph", AB_BA, NULL}, (char *[]){path_env, NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strncmp(r.out, "digraph lockhound {\n", 20) == 0, "%s", r.out);
  rmdir(dir);
  cli_free(&r);
}

Test(cli_graph, an_unknown_format_is_refused) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "--format", "jpg", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --format needs dot, svg or png, not 'jpg'\n");
  cli_free(&r);
}

Test(cli_graph, an_unreadable_file_exits_2_with_the_reason) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "/nonexistent/run.lhrun", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err,
                   "lockhound: cannot read /nonexistent/run.lhrun: No such file or directory\n");
  cr_assert_str_eq(r.out, "");
  cli_free(&r);
}

Test(cli_graph, an_output_that_cannot_be_written_exits_2) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "graph", "--output", "/nonexistent/g.dot", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err,
                   "lockhound: cannot write /nonexistent/g.dot: No such file or directory\n");
  cli_free(&r);
}

Test(cli_graph, graph_without_files_is_a_usage_error) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err,
                   "lockhound: 'lockhound graph' needs at least one run file: lockhound graph "
                   "[--output FILE] [--format dot|svg|png] RUNFILE...\n");
  cli_free(&r);
}

Test(cli_graph, an_unknown_option_is_named) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "--colour", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err, "lockhound: unknown option '--colour'; 'lockhound graph --help' lists the options\n");
  cli_free(&r);
}

Test(cli_graph, an_option_of_the_report_commands_is_named_as_theirs) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "--json", "out.json", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --json does not apply to 'lockhound graph'; 'lockhound graph "
                          "--help' lists its options\n");
  cli_free(&r);
}

Test(cli_graph, an_option_of_one_other_command_names_it) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "--timeout=5", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --timeout only applies to 'lockhound check'\n");
  cli_free(&r);
}

Test(cli_graph, an_option_without_its_value_says_so) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", AB_BA, "--output", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: option '--output' needs a value\n");
  cli_free(&r);
}

Test(cli_graph, a_bad_max_cycle_length_is_refused) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "graph", "--max-cycle-length=1", AB_BA, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --max-cycle-length needs a number from 2 to 64, not '1'\n");
  cli_free(&r);
}

Test(cli_graph, help_describes_the_command_and_exits_0) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "graph", "--help", NULL});
  cr_assert_eq(r.status, 0);
  cr_assert(
      strstr(r.out, "usage: lockhound graph [--output FILE] [--format dot|svg|png] RUNFILE...\n"),
      "%s", r.out);
  cli_free(&r);
}

Test(cli_graph, a_failing_dot_is_reported_with_what_to_do) {
  char *dir = empty_dir(), script[96], path_env[64];
  snprintf(script, sizeof script, "%s/dot", dir);
  FILE *f = fopen(script, "w");
  fputs("#!/bin/sh\ncat >/dev/null\necho 'dot: out of ink' >&2\nexit 1\n", f);
  fclose(f);
  chmod(script, 0755);
  snprintf(path_env, sizeof path_env, "PATH=%s:/usr/bin:/bin", dir);
  struct cli_result r = cli_run_env((char *[]){LOCKHOUND, "graph", "--format", "svg", AB_BA, NULL},
                                    (char *[]){path_env, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err,
      "dot: out of ink\nlockhound: graphviz's dot could not render the graph as svg (see its "
      "message above); 'lockhound graph --format dot' writes the DOT itself\n");
  unlink(script);
  rmdir(dir);
  cli_free(&r);
}

Test(cli_graph, lockhound_help_lists_the_graph_command) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "--help", NULL});
  cr_assert_eq(r.status, 0);
  cr_assert(
      strstr(r.out, "       lockhound graph [--output FILE] [--format dot|svg|png] RUNFILE...\n"),
      "%s", r.out);
  cli_free(&r);
}

/* ---- what a run-time finding draws: the real samples, run under lockhound ---- */

static size_t occurrences_of(const char *text, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

/* Runs build/samples/<sample> under `lockhound run` with option (or NULL) in a scratch directory,
 * then `lockhound graph` on its run file; returns the DOT. */
static char *graph_of_sample(const char *sample, const char *option) {
  char dir[64], run_dir[96], prog[PATH_MAX + 64], cmd[PATH_MAX + 256];
  cli_scratch_make(dir, "graph-sample");
  snprintf(run_dir, sizeof run_dir, "--run-dir=%s", dir);
  snprintf(prog, sizeof prog, "%s/samples/%s", cli_build_dir(), sample);
  struct cli_result r = cli_run_limited(
      (char *[]){LOCKHOUND, "run", run_dir, (char *)(option ? option : "-v"), "--", prog, NULL},
      60);
  cr_assert_eq(r.status, 66, "%s", r.err);
  cli_free(&r);
  snprintf(cmd, sizeof cmd, "'%s' graph %s/*.lhrun", LOCKHOUND, dir);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  char *dot = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&dot, &len);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) fwrite(buf, 1, n, out);
  fclose(out);
  cr_assert_eq(pclose(p), 0, "%s", dot);
  cli_scratch_remove(dir);
  return dot;
}

Test(cli_graph, a_self_deadlock_sample_draws_the_thread_holding_and_requesting_its_lock_again,
     .timeout = 90) {
  char *d = graph_of_sample("deadlock/self_deadlock", NULL);
  cr_assert(strstr(d, "  f0t0 [shape=ellipse, label=\"T1\"];\n"), "%s", d);
  cr_assert(strstr(d, "  f0l0 [shape=box, style=rounded, label=\"log_lock\"];\n"), "%s", d);
  cr_assert(
      strstr(d, "  f0t0 -> f0l0 [label=\"holds it, taken at\\nflush_all self_deadlock.c:33\""),
      "%s", d);
  cr_assert(
      strstr(d, "  f0t0 -> f0l0 [label=\"requests it again at\\nlog_line self_deadlock.c:26\""),
      "%s", d);
  cr_assert_null(strstr(d, "there is no lock order to draw"), "%s", d);
  free(d);
}

Test(cli_graph, a_livelock_sample_draws_each_threads_failed_trylocks_and_who_holds_the_lock,
     .timeout = 90) {
  char *d = graph_of_sample("livelock/livelock", "--livelock-timeout=1");
  cr_assert(strstr(d, "  f0t0 [shape=ellipse, label=\"T1\"];\n"), "%s", d);
  cr_assert(strstr(d, "  f0t1 [shape=ellipse, label=\"T2\"];\n"), "%s", d);
  cr_assert(strstr(d, " [shape=box, style=rounded, label=\"lock_a\"];\n"), "%s", d);
  cr_assert(strstr(d, " [shape=box, style=rounded, label=\"lock_b\"];\n"), "%s", d);
  cr_assert_eq(occurrences_of(d, " failed trylocks at\\npolite_worker livelock.c:40\""), 2, "%s",
               d);
  cr_assert_eq(occurrences_of(d, "[label=\"holds it (at the last failed try)\""), 2, "%s", d);
  cr_assert(strstr(d, "dotted orange arrow: the thread keeps failing trylocks on that lock"), "%s",
            d);
  free(d);
}
