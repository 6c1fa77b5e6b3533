/* test_report_html.c - the findings as one HTML page (report_html.c, --html FILE). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "lock_names.h"
#include "report_html.h"

/* The page of the ab_ba fixture; names, when given, replace the lock names. */
static char *page_of_ab_ba(char **names, enum lh_lang lang) {
  struct lh_model *m = lh_model_new();
  FILE *diag = fopen("/dev/null", "w");
  cr_assert_eq(lh_load_run_file(m, cli_fixture("ab_ba.lhrun"), diag), 0);
  fclose(diag);
  lh_model_finish(m);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats stats;
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  struct lh_symbolizer *sym = lh_sym_new();
  char **own = lh_lock_names(sym, m);
  struct lh_report r = {m, f, &stats, names ? names : own, sym, false, 66};
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  lh_report_html_to(out, &r, (struct lh_text_style){lang, false});
  fclose(out);
  lh_lock_names_free(own, m->nlocks);
  lh_sym_free(sym);
  lh_findings_free(f);
  lh_model_free(m);
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
  cr_assert(strstr(p, "<code>lock(first_lock);</code><span class=\"got-it\">got it</span>"), "%s", p);
  cr_assert(strstr(p, "<code>lock(second_lock);</code><span class=\"waits-for\">waits for T2</span>"), "%s", p);
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
  cr_assert(strstr(p, lh_kind_title_in(LH_LANG_RU, LH_KIND_LOCK_ORDER_INVERSION)), "%s", p);
  cr_assert(strstr(p, lh_msg(LH_LANG_RU, LH_MSG_EXPLAIN_FIXES)), "%s", p);
  cr_assert(strstr(p, "*** ВЗАИМНАЯ БЛОКИРОВКА ***"), "%s", p);
  cr_assert_null(strstr(p, "Usual fixes"), "%s", p);
  free(p);
}

Test(report_html, with_graphviz_the_graph_is_inline_svg) {
  cr_assert_eq(access("/usr/bin/dot", X_OK), 0, "graphviz's dot is needed: apt-get install graphviz");
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
  cr_assert_null(strstr(p, "<svg"), "%s", p);
  free(p);
}

Test(report_html, a_page_that_cannot_be_written_is_one_clear_error) {
  char *argv[] = {(char *)cli_lockhound(), "report", "--html", "/nonexistent-lockhound-dir/page.html",
                  (char *)cli_fixture("ab_ba.lhrun"), NULL};
  struct cli_result r = cli_run(argv);
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: cannot write /nonexistent-lockhound-dir/page.html: No such file or directory\n"),
            "%s", r.err);
  cli_free(&r);
}
