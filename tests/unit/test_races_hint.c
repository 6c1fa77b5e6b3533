/* test_races_hint.c - a run that found no data race because none were looked for says so, once,
 * with -v or --explain: races are found only in programs built with `lockhound cc`, and the
 * library's `end` record says whether the race detector ran ("races": true). */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"
#include "report/report.h"

#define HINT "data races were not looked for: the program was not built with `lockhound cc`"

/* The text report of a standard run whose `end` record is end_record (NULL: none). */
static char *report_of(const char *end_record, bool verbose, bool explain) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  if (end_record) rb_add(&rb, "%s", end_record);
  struct lh_model *m = rb_model(&rb, NULL);
  free(rb.buf);
  struct rb_report made;
  rb_report_make(&made, m, verbose);
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  lh_report_text_styled(out, &made.r, (struct lh_text_style){LH_LANG_EN, explain});
  fclose(out);
  rb_report_free(&made);
  return text;
}

Test(races_hint, a_run_without_the_race_detector_says_with_v_that_races_need_lockhound_cc) {
  char *text = report_of("{'t':'end','ns':2}", true, false);
  cr_assert(strstr(text, HINT), "%s", text);
  cr_assert_eq(strstr(strstr(text, HINT) + 1, HINT), NULL, "said once: %s", text);
  free(text);
}

Test(races_hint, explain_says_it_too) {
  char *text = report_of("{'t':'end','ns':2}", false, true);
  cr_assert(strstr(text, HINT), "%s", text);
  free(text);
}

Test(races_hint, a_plain_report_does_not_say_it) {
  char *text = report_of("{'t':'end','ns':2}", false, false);
  cr_assert_eq(strstr(text, HINT), NULL, "%s", text);
  free(text);
}

Test(races_hint, a_run_whose_race_detector_ran_does_not_say_it) {
  char *text = report_of("{'t':'end','ns':2,'races':true}", true, false);
  cr_assert_eq(strstr(text, HINT), NULL, "%s", text);
  free(text);
}

Test(races_hint, a_run_cut_short_does_not_say_it) {
  char *text = report_of(NULL, true, false); /* no `end`: whether races ran is not known */
  cr_assert_eq(strstr(text, HINT), NULL, "%s", text);
  free(text);
}
