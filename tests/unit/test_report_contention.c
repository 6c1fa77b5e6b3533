/* The contention profile (--contention): contention records read, added up per lock, and listed
 * with the most waited-for lock first. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fixtures/runs/run_text.h"
#include "report/report_contention.h"

static char *names[] = {"queue_lock", "the_gil", "log_lock"};

static char *profile_in(struct rb *rb, enum lh_lang lang) {
  struct lh_model *m = rb_model(rb, NULL);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  lh_report_contention(out, m, names, "==1==", lang);
  fclose(out);
  lh_model_free(m);
  return text;
}

static char *profile_of(struct rb *rb) { return profile_in(rb, LH_LANG_EN); }

static void contention(struct rb *rb, int lock, long acq, long waited, long wait_ns, long hold_ns) {
  rb_add(rb,
         "{'t':'contention','lock':%d,'acquisitions':%ld,'contended':%ld,'wait_ns':%ld,"
         "'max_wait_ns':%ld,'hold_ns':%ld,'max_hold_ns':%ld}",
         lock, acq, waited, wait_ns, wait_ns / 2, hold_ns, hold_ns / 2);
}

Test(contention, the_lock_waited_for_most_comes_first) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 3);
  contention(&rb, 0, 100, 10, 2000000, 5000000);
  contention(&rb, 1, 80000, 40000, 900000000, 3000000000);
  contention(&rb, 2, 50, 0, 0, 1000);
  char *p = profile_of(&rb);
  char *gil = strstr(p, "the_gil"), *queue = strstr(p, "queue_lock"), *log = strstr(p, "log_lock");
  cr_assert(gil && queue && log, "%s", p);
  cr_expect(gil < queue && queue < log, "%s", p);
  cr_expect(strstr(p, "40000 (50.0%)") != NULL, "%s", p);
  cr_expect(strstr(p, "900.0 ms") != NULL, "%s", p);
  cr_expect(strstr(p, "3.00 s") != NULL, "%s", p);
  free(p);
  free(rb.buf);
}

Test(contention, records_of_one_lock_from_several_threads_add_up) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 3);
  contention(&rb, 1, 1000, 10, 4000, 8000);
  contention(&rb, 1, 3000, 30, 6000, 2000);
  char *p = profile_of(&rb);
  cr_expect(strstr(p, "4000") != NULL && strstr(p, "40 (1.0%)") != NULL, "%s", p);
  cr_expect(strstr(p, "10 us") != NULL, "total wait 10 us: %s", p);
  free(p);
  free(rb.buf);
}

Test(contention, a_run_without_a_profile_says_how_to_record_one) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 3);
  char *p = profile_of(&rb);
  cr_expect(strstr(p, "lockhound run --contention") != NULL, "%s", p);
  free(p);
  free(rb.buf);
}

Test(contention, impossible_figures_are_skipped_with_a_warning) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 3);
  contention(&rb, 0, 10, 20, 100, 100); /* more waits than acquisitions */
  char *diag = NULL;
  struct lh_model *m = rb_model(&rb, &diag);
  cr_expect_eq(m->nprofiles, 0);
  cr_expect(diag && strstr(diag, "contention figures that cannot be"), "%s", diag ? diag : "");
  lh_model_free(m);
  free(diag);
  free(rb.buf);
}

Test(contention, in_russian_the_profile_has_russian_words_units_and_decimal_commas) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 3);
  contention(&rb, 1, 80000, 40000, 900000000, 3000000000);
  char *p = profile_in(&rb, LH_LANG_RU);
  cr_expect(strstr(p, "конкуренция за блокировки") != NULL, "%s", p);
  cr_expect(strstr(p, "захватов") != NULL, "%s", p);
  cr_expect(strstr(p, "40000 (50,0%)") != NULL, "%s", p);
  cr_expect(strstr(p, "900,0 мс") != NULL, "%s", p);
  cr_expect(strstr(p, "3,00 с") != NULL, "%s", p);
  free(p);
  free(rb.buf);
}
