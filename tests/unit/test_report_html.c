/* test_report_html.c - the findings as one HTML page (report_html.c, --html FILE). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "report/report_html.h"
#include "symbols/lock_names.h"

/* The page of the ab_ba fixture; names, when given, replace the lock names. */
static char *page_of_ab_ba(char **names, enum lh_lang lang) {
  struct lh_model *m = lh_model_new();
  FILE *diag = fopen("/dev/null", "w");
  cr_assert_eq(lh_load_run_file(m, cli_fixture("ab_ba.lhrun"), diag), 0);
  fclose(diag);
  lh_model_finish(m);
  struct rb_report made;
  rb_report_make(&made, m, false);
  struct lh_lock_name_memo given = {names};
  if (names) made.r.lock_names = &given;
  struct lh_report r = made.r;
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  lh_report_html_to(out, &r, (struct lh_text_style){lang, false});
  fclose(out);
  rb_report_free(&made);
  return text;
}

Test(report_html, the_ab_ba_page_names_the_finding_both_locks_and_its_scenario) {
  char *names[] = {"first_lock", "second_lock"};
  char *p = page_of_ab_ba(names, LH_LANG_EN);
  cr_assert(strncmp(p, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0, "%.200s", p);
  cr_assert(strstr(p, "<code class=\"rule\">lock-order-inversion</code>"), "%s", p);
  cr_assert(strstr(p, "potential deadlock (lock order inversion)"), "%s", p);
  cr_assert(strstr(p, "first_lock -&gt; second_lock -&gt; first_lock"), "%s", p);
  cr_assert(strstr(p, "<table class=\"grid scenario\">"), "%s", p);
  cr_assert(strstr(p, "<code>lock(first_lock);</code><span class=\"got-it\">got it</span>"), "%s",
            p);
  cr_assert(
      strstr(p, "<code>lock(second_lock);</code><span class=\"waits-for\">waits for T2</span>"),
      "%s", p);
  cr_assert(strstr(p, "*** DEADLOCK ***"), "%s", p);
  cr_assert(strstr(p, "</html>\n"), "%s", p);
  free(p);
}

Test(report_html, every_finding_is_explained_and_its_stacks_fold_away) {
  char *p = page_of_ab_ba(NULL, LH_LANG_EN);
  cr_assert(strstr(p, "<div class=\"explain\">"), "%s", p);
  cr_assert(strstr(p, "Usual fixes:"), "%s", p);
  cr_assert(strstr(p, "<details class=\"stack\" open><summary>holds "), "%s", p);
  cr_assert(strstr(p, "<ol class=\"frames\" start=\"0\">"), "%s", p);
  free(p);
}

Test(report_html, text_from_the_run_is_escaped) {
  char *names[] = {"a<&>\"b", "<script>x</script>"};
  char *p = page_of_ab_ba(names, LH_LANG_EN);
  cr_assert(strstr(p, "a&lt;&amp;&gt;&quot;b"), "%s", p);
  cr_assert(strstr(p, "&lt;script&gt;x&lt;/script&gt;"), "%s", p);
  cr_assert_null(strstr(p, "a<&>"), "%s", p);
  cr_assert_null(strstr(p, "<script"), "%s", p);
  free(p);
}

Test(report_html, the_page_needs_no_network) {
  char *p = page_of_ab_ba(NULL, LH_LANG_EN);
  cr_assert_null(strstr(p, "http"), "%s", p);
  cr_assert_null(strstr(p, "src="), "%s", p);
  cr_assert_null(strstr(p, "<link"), "%s", p);
  cr_assert(strstr(p, "<style>"), "%s", p);
  free(p);
}

Test(report_html, the_same_run_gives_the_same_bytes) {
  char *a = page_of_ab_ba(NULL, LH_LANG_EN), *b = page_of_ab_ba(NULL, LH_LANG_EN);
  cr_assert_str_eq(a, b);
  free(a);
  free(b);
}

Test(report_html, lang_ru_gives_russian_titles_and_explanations) {
  char *p = page_of_ab_ba(NULL, LH_LANG_RU);
  cr_assert(strncmp(p, "<!DOCTYPE html>\n<html lang=\"ru\">", 32) == 0, "%.200s", p);
  cr_assert(strstr(p, lh_kind_title_in(LH_LANG_RU, LH_FINDING_LOCK_ORDER_INVERSION)), "%s", p);
  cr_assert(strstr(p, lh_msg(LH_LANG_RU, LH_MSG_EXPLAIN_FIXES)), "%s", p);
  cr_assert(strstr(p, "*** ВЗАИМНАЯ БЛОКИРОВКА ***"), "%s", p);
  cr_assert_null(strstr(p, "Usual fixes"), "%s", p);
  free(p);
}

Test(report_html, with_graphviz_the_graph_is_inline_svg) {
  cr_assert_eq(access("/usr/bin/dot", X_OK), 0,
               "graphviz's dot is needed: apt-get install graphviz");
  setenv("PATH", "/usr/bin:/bin", 1);
  char *p = page_of_ab_ba(NULL, LH_LANG_EN);
  cr_assert(strstr(p, "<section class=\"graph\">"), "%s", p);
  cr_assert(strstr(p, "<svg width="), "%s", p);
  cr_assert_null(strstr(p, "<?xml"), "%s", p);
  cr_assert_null(strstr(p, "<img"), "%s", p);
  free(p);
}

Test(report_html, without_graphviz_the_graph_is_its_dot_source) {
  setenv("PATH", "/nonexistent-lockhound-test", 1);
  char *p = page_of_ab_ba(NULL, LH_LANG_EN);
  cr_assert(strstr(p, "<pre class=\"dot\">digraph lockhound {"), "%s", p);
  cr_assert(strstr(p, "apt-get install graphviz"), "%s", p);
  cr_assert(strstr(p, "<code>dot -Tsvg</code> draws it"), "code in a sentence is code: %s", p);
  cr_assert_null(strchr(p, '`'), "no raw backtick: %s", p);
  cr_assert_null(strstr(p, "<svg"), "%s", p);
  free(p);
}

/* ---- every kind gets the structured page: steps, stacks, the schedule and a picture ---- */

/* The page of a fixture run file. */
static char *page_of_fixture(const char *name, enum lh_lang lang) {
  struct lh_model *m = lh_model_new();
  FILE *diag = fopen("/dev/null", "w");
  cr_assert_eq(lh_load_run_file(m, cli_fixture(name), diag), 0);
  fclose(diag);
  lh_model_finish(m);
  struct rb_report made;
  rb_report_make(&made, m, false);
  struct lh_report r = made.r;
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  lh_report_html_to(out, &r, (struct lh_text_style){lang, false});
  fclose(out);
  rb_report_free(&made);
  return text;
}

/* The <section> of the first finding of rule (a copy). */
static char *section_of(const char *page, const char *rule) {
  char needle[96];
  snprintf(needle, sizeof needle, "<code class=\"rule\">%s</code>", rule);
  const char *at = strstr(page, needle);
  cr_assert(at, "no %s finding: %s", rule, page);
  const char *start = at;
  while (start > page && strncmp(start, "<section", 8) != 0) start--;
  const char *end = strstr(at, "</section>");
  cr_assert(end);
  return strndup(start, (size_t)(end - start));
}

/* What every finding's section has: the steps, stacks with their frames, the schedule and a
 * picture (inline SVG with graphviz, its DOT without), and no text-report dump. */
static void assert_structured(const char *sec) {
  cr_assert(strstr(sec, "<ol class=\"steps\">"), "%s", sec);
  cr_assert(strstr(sec, "<li class=\"step\">"), "%s", sec);
  cr_assert(strstr(sec, "<details class=\"stack\" open><summary>"), "%s", sec);
  cr_assert(strstr(sec, "<table class=\"grid scenario\">"), "%s", sec);
  cr_assert(strstr(sec, "<figure class=\"picture\">"), "%s", sec);
  cr_assert_null(strstr(sec, "<pre class=\"text\">"), "no plain-text dump: %s", sec);
  cr_assert_null(strchr(sec, '`'), "no raw backtick: %s", sec);
}

Test(report_html, a_stall_has_steps_a_schedule_and_its_wait_for_picture) {
  setenv("PATH", "/usr/bin:/bin", 1);
  char *p = page_of_fixture("runtime.lhrun", LH_LANG_EN), *sec = section_of(p, "stall");
  assert_structured(sec);
  cr_assert(strstr(sec, "<span class=\"waits-for\">"), "%s", sec);
  cr_assert(strstr(sec, "*** EVERY THREAD IS BLOCKED ***"), "%s", sec);
  cr_assert(strstr(sec, "<svg"), "the picture is drawn: %s", sec);
  cr_assert(strstr(sec, "<p class=\"fix\"><strong>How to fix it: </strong>"), "%s", sec);
  free(sec);
  free(p);
}

Test(report_html, a_livelock_has_its_failing_trylocks_in_the_schedule) {
  char *p = page_of_fixture("runtime.lhrun", LH_LANG_EN), *sec = section_of(p, "livelock");
  assert_structured(sec);
  cr_assert(strstr(sec, "<code>trylock("), "%s", sec);
  cr_assert(strstr(sec, "fails again and again: 5000 times"), "%s", sec);
  cr_assert(strstr(sec, "*** LIVELOCK"), "%s", sec);
  free(sec);
  free(p);
}

Test(report_html, a_self_deadlock_and_misuse_get_the_same_structure) {
  char *p = page_of_fixture("runtime.lhrun", LH_LANG_EN);
  const char *rules[] = {"self-deadlock", "deadlock", "unlock-unowned", "semaphore-misuse"};
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    char *sec = section_of(p, rules[i]);
    assert_structured(sec);
    free(sec);
  }
  free(p);
}

Test(report_html, a_data_race_has_its_two_accesses_as_steps_a_schedule_and_a_picture) {
  char *p = page_of_fixture("races.lhrun", LH_LANG_EN), *sec = section_of(p, "data-race");
  assert_structured(sec);
  cr_assert(strstr(sec, "<td class=\"race\">"), "%s", sec);
  cr_assert(strstr(sec, "colspan=\"2\""), "the outcome spans both threads: %s", sec);
  free(sec);
  free(p);
}

Test(report_html, lang_ru_translates_the_badges_and_the_steps) {
  char *p = page_of_fixture("runtime.lhrun", LH_LANG_RU);
  cr_assert(strstr(p, "<span class=\"badge error\">ошибка</span>"), "%s", p);
  cr_assert(strstr(p, "<span class=\"badge warning\">предупреждение</span>"), "%s", p);
  cr_assert(strstr(p, "Что делал каждый поток"), "%s", p);
  cr_assert(strstr(p, "*** ВСЕ ПОТОКИ ЗАБЛОКИРОВАНЫ ***"), "%s", p);
  cr_assert(strstr(p, "<span class=\"muted\">мьютекс</span>"), "kinds in Russian too: %s", p);
  cr_assert_null(strstr(p, "<span class=\"muted\">mutex</span>"), "%s", p);
  cr_assert_null(strstr(p, ">error<"), "%s", p);
  free(p);
}

Test(report_html, a_lock_order_inversion_has_a_picture_of_its_cycle_too) {
  char *p = page_of_ab_ba(NULL, LH_LANG_EN), *sec = section_of(p, "lock-order-inversion");
  assert_structured(sec);
  free(sec);
  free(p);
}

Test(report_html, a_page_that_cannot_be_written_is_one_clear_error) {
  char *argv[] = {(char *)cli_lockhound(),
                  "report",
                  "--html",
                  "/nonexistent-lockhound-dir/page.html",
                  (char *)cli_fixture("ab_ba.lhrun"),
                  NULL};
  struct cli_result r = cli_run(argv);
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: cannot write /nonexistent-lockhound-dir/page.html: No such "
                          "file or directory\n"),
            "%s", r.err);
  cli_free(&r);
}

/* ---- which source lines the page may show ----
 * A program whose debug info names files it was not built from (#line), run under lockhound with
 * --html: the page shows lines only of files under the directories the program was built from, or
 * under --source-root. take() stays in the real source and marks its line, so that the page
 * showing real sources is checked too. */

static char html_dir[64];

static void make_html_dir(void) {
  snprintf(html_dir, sizeof html_dir, "/tmp/lh-html-src-XXXXXX");
  cr_assert_not_null(mkdtemp(html_dir));
}

static void remove_html_dir(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", html_dir);
  if (system(cmd) != 0) cr_log_warn("could not remove %s", html_dir);
}

/* Builds html_dir/prog with ab() said to be in ab_file and ba() in ba_file; returns the path its
 * page is to be written to. */
static char *page_of_program(const char *ab_file, const char *ba_file) {
  char src[128], prog[128], page[128], cmd[512];
  snprintf(src, sizeof src, "%s/prog.c", html_dir);
  snprintf(prog, sizeof prog, "%s/prog", html_dir);
  snprintf(page, sizeof page, "%s/page.html", html_dir);
  FILE *f = fopen(src, "w");
  cr_assert_not_null(f);
  fprintf(
      f,
      "#include <pthread.h>\n#include <semaphore.h>\n"
      "pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;\n"
      "sem_t turn;\n"
      "__attribute__((noinline)) void take(pthread_mutex_t *m) {\n"
      "  pthread_mutex_lock(m); /* REAL-SOURCE-MARK */\n}\n"
      "#line 2 \"%s\"\n"
      "static void *ab(void *p) { take(&lock_a); take(&lock_b);\n"
      "  pthread_mutex_unlock(&lock_b); pthread_mutex_unlock(&lock_a); sem_post(&turn); return p; "
      "}\n"
      "#line 1 \"%s\"\n"
      "static void *ba(void *p) { sem_wait(&turn); take(&lock_b);\n"
      "  take(&lock_a);\n"
      "  pthread_mutex_unlock(&lock_a); pthread_mutex_unlock(&lock_b); return p; }\n"
      "#line 30 \"%s\"\n"
      "int main(void) { pthread_t t, u; sem_init(&turn, 0, 0);\n"
      "  pthread_create(&t, 0, ab, 0); pthread_create(&u, 0, ba, 0);\n"
      "  pthread_join(t, 0); pthread_join(u, 0); return 0; }\n",
      ab_file, ba_file, src);
  fclose(f);
  snprintf(cmd, sizeof cmd, "cc -g -O0 -pthread -o %s %s", prog, src);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  return strdup(page);
}

/* Runs html_dir/prog under `lockhound run --html page` with the extra option (or NULL), fifo (or
 * NULL) made a FIFO first, and returns the page. */
static char *run_for_page(const char *page, const char *option, const char *fifo) {
  char prog[128];
  snprintf(prog, sizeof prog, "%s/prog", html_dir);
  if (fifo) cr_assert_eq(mkfifo(fifo, 0600), 0);
  char *argv[] = {(char *)cli_lockhound(),          "run", "--html", (char *)page,
                  (char *)(option ? option : "-v"), "--",  prog,     NULL};
  struct cli_result r = cli_run_limited(argv, 60);
  cr_assert_eq(r.status, 66, "%s", r.err);
  cli_free(&r);
  char *text = cli_slurp(page);
  cr_assert(strstr(text, "lock_a"), "the page was written: %s", text);
  return text;
}

TestSuite(html_sources, .init = make_html_dir, .fini = remove_html_dir, .timeout = 120);

Test(html_sources, a_line_directive_naming_etc_passwd_does_not_leak_it) {
  char *first = cli_slurp("/etc/passwd");
  if (!*first) cr_skip_test("no /etc/passwd to leak");
  first[strcspn(first, "\n")] = '\0';
  char *page = page_of_program("/etc/passwd", "/etc/passwd");
  char *text = run_for_page(page, NULL, NULL);
  cr_expect(strstr(text, "REAL-SOURCE-MARK"), "the program's own source is shown");
  cr_expect(strstr(text, "passwd:2"), "the frame still names the file and line");
  cr_expect_null(strstr(text, first), "the page shows /etc/passwd: %s", first);
  free(text);
  free(page);
  free(first);
}

Test(html_sources, a_symbolic_link_in_the_build_directory_does_not_lead_out) {
  char *first = cli_slurp("/etc/passwd");
  if (!*first) cr_skip_test("no /etc/passwd to leak");
  first[strcspn(first, "\n")] = '\0';
  char link[128];
  snprintf(link, sizeof link, "%s/link.c", html_dir);
  cr_assert_eq(symlink("/etc/passwd", link), 0);
  char *page = page_of_program(link, link);
  char *text = run_for_page(page, NULL, NULL);
  cr_expect(strstr(text, "REAL-SOURCE-MARK"), "the program's own source is shown");
  cr_expect_null(strstr(text, first), "the page shows /etc/passwd through a link: %s", first);
  free(text);
  free(page);
  free(first);
}

Test(html_sources, proc_self_environ_is_never_shown) {
  setenv("LH_HTML_SECRET", "very-secret-value", 1);
  char *page = page_of_program("/proc/self/environ", "/proc/self/environ");
  char *text = run_for_page(page, NULL, NULL);
  cr_expect(strstr(text, "REAL-SOURCE-MARK"), "the program's own source is shown");
  cr_expect_null(strstr(text, "very-secret-value"), "the page shows the analyzer's environment");
  /* Its entries are NUL-separated: a page showing its "line 1" shows the first entry. */
  extern char **environ;
  cr_expect_null(strstr(text, environ[0]), "the page shows the analyzer's environment: %s",
                 environ[0]);
  free(text);
  free(page);
}

Test(html_sources, a_fifo_named_by_the_debug_info_does_not_block_the_page) {
  char fifo[128];
  snprintf(fifo, sizeof fifo, "%s/fifo.c", html_dir);
  char *page = page_of_program(fifo, fifo);
  char *text = run_for_page(page, NULL, fifo);
  cr_expect(strstr(text, "REAL-SOURCE-MARK"), "the program's own source is shown");
  free(text);
  free(page);
}

Test(html_sources, source_root_replaces_the_build_directories) {
  char *first = cli_slurp("/etc/passwd");
  if (!*first) cr_skip_test("no /etc/passwd to show");
  first[strcspn(first, "\n")] = '\0';
  char *page = page_of_program("/etc/passwd", "/etc/passwd");
  char *text = run_for_page(page, "--source-root=/etc", NULL);
  cr_expect(strstr(text, first), "a file under --source-root is shown");
  cr_expect_null(strstr(text, "REAL-SOURCE-MARK"), "only --source-root is searched when given");
  free(text);
  free(page);
  free(first);
}

Test(html_sources, a_source_root_that_is_no_directory_is_refused) {
  struct cli_result r = cli_run((char *[]){(char *)cli_lockhound(), "report",
                                           "--source-root=/nonexistent-lockhound-dir",
                                           (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: --source-root needs a directory, not "
                          "'/nonexistent-lockhound-dir' (No such file or directory)\n");
  cli_free(&r);
  r = cli_run((char *[]){(char *)cli_lockhound(), "report", "--source-root=/etc/passwd",
                         (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: --source-root needs a directory, not '/etc/passwd' (Not a "
                          "directory)\n");
  cli_free(&r);
}

Test(html_sources, at_most_16_source_roots) {
  char *argv[24] = {(char *)cli_lockhound(), "report"};
  for (int i = 0; i < 17; i++) argv[2 + i] = "--source-root=/tmp";
  argv[19] = (char *)cli_fixture("ab_ba.lhrun");
  struct cli_result r = cli_run(argv);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: at most 16 --source-root directories\n");
  cli_free(&r);
}

/* graphviz's dot, run to draw the page's pictures, is no part of the program: under `lockhound
 * run` it must not be recorded into the run's directory (nor later merged into its report). */
Test(html_sources, the_dot_that_draws_the_pictures_is_not_recorded_with_the_run) {
  cr_assert_eq(access("/usr/bin/dot", X_OK), 0,
               "graphviz's dot is needed: apt-get install graphviz");
  char runs[96], run_dir[128], page[96], prog[PATH_MAX + 64];
  snprintf(runs, sizeof runs, "%s/runs", html_dir);
  snprintf(run_dir, sizeof run_dir, "--run-dir=%s", runs);
  snprintf(page, sizeof page, "%s/page.html", html_dir);
  snprintf(prog, sizeof prog, "%s/samples/deadlock/ab_ba", cli_build_dir());
  struct cli_result r = cli_run_limited(
      (char *[]){(char *)cli_lockhound(), "run", run_dir, "--html", page, "--", prog, NULL}, 60);
  cr_assert_eq(r.status, 66, "%s", r.err);
  cli_free(&r);
  char *text = cli_slurp(page);
  cr_assert(strstr(text, "<svg"), "the pictures were drawn by dot: %s", text);
  free(text);
  DIR *d = opendir(runs);
  cr_assert_not_null(d);
  size_t files = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    files++;
    cr_expect(strncmp(e->d_name, "ab_ba.", 6) == 0, "a run file of another program: %s", e->d_name);
  }
  closedir(d);
  cr_expect_eq(files, 1, "%zu run files", files);
}
