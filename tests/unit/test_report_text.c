/* test_report_text.c - the text report: what a user reads on stderr. */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"
#include "report/report.h"
#include "symbols/lock_names.h"

/* Analyses the run text and returns the text report. */
static char *report_of(struct rb *rb, bool verbose) {
  struct lh_model *m = rb_model(rb, NULL);
  free(rb->buf);
  struct rb_report made;
  rb_report_make(&made, m, verbose);
  struct lh_report r = made.r;
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  lh_report_text(out, &r);
  fclose(out);
  rb_report_free(&made);
  return text;
}

static void ab_ba(struct rb *rb) {
  rb_standard(rb, 2, 2);
  rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
}

Test(report_text, an_inversion_is_told_as_a_chain_with_both_threads_and_a_scenario) {
  struct rb rb = {0};
  ab_ba(&rb);
  char *t = report_of(&rb, false);
  /* lines longer than 100 columns are wrapped, the id kept whole */
  cr_assert(strstr(t, "==4242== lockhound: lock-order-inversion: potential deadlock (lock order "
                      "inversion)\n==4242==   [id "),
            "%s", t);
  cr_assert(strstr(t,
                   "==4242==   2 threads take 2 locks in opposite orders: mutex first used at "
                   "0x100 (prog) -> mutex\n"
                   "==4242==     first used at 0x110 (prog) -> mutex first used at 0x100 (prog)\n"),
            "%s", t);
  cr_assert(
      strstr(t,
             "==4242==   T1 (created at 0x100) holds mutex first used at 0x100 (prog), taken at\n"
             "==4242==       #0 0x120 (prog)\n"
             "==4242==     and wants mutex first used at 0x110 (prog), at\n"
             "==4242==       #0 0x130 (prog)\n"),
      "%s", t);
  cr_assert(strstr(t, "==4242==   T2 (created at 0x100) holds mutex first used at 0x110 (prog)"),
            "%s", t);
  cr_assert(strstr(t, "==4242==   Possible unsafe locking scenario:\n"), "%s", t);
  cr_assert(strstr(t, "==4242==     lock(mutex first used at 0x100 (prog));\n"), "%s", t);
  cr_assert(strstr(t, "==4242==    *** DEADLOCK ***\n"), "%s", t);
  cr_assert(strstr(t, "==4242== ERROR SUMMARY: 1 error from 1 context (lock-order-inversion: 1)\n"),
            "%s", t);
  free(t);
}

/* The column where `label` starts in the table's header line. */
static long column_of(const char *header, const char *label) {
  const char *p = strstr(header, label);
  return p ? p - header : -1;
}

Test(report_text, the_scenario_puts_each_thread_in_its_own_column_in_deadlock_order) {
  struct rb rb = {0};
  ab_ba(&rb);
  char *t = report_of(&rb, false);
  char *table = strstr(t, "Possible unsafe locking scenario");
  cr_assert(table);
  char *lines[8] = {0};
  char *save = NULL;
  strtok_r(table, "\n", &save); /* the title */
  strtok_r(NULL, "\n", &save);  /* empty line */
  for (int i = 0; i < 8; i++) lines[i] = strtok_r(NULL, "\n", &save);
  long t1 = column_of(lines[0], "T1"), t2 = column_of(lines[0], "T2");
  cr_assert(t1 > 0 && t2 > t1, "%s", lines[0]);
  cr_assert_eq(column_of(lines[2], "lock(mutex first used at 0x100"), t1, "T1 takes its lock: %s",
               lines[2]);
  cr_assert_eq(column_of(lines[3], "lock(mutex first used at 0x110"), t2, "T2 takes its lock: %s",
               lines[3]);
  cr_assert_eq(column_of(lines[4], "lock(mutex first used at 0x110"), t1, "T1 asks for T2's: %s",
               lines[4]);
  cr_assert_eq(column_of(lines[5], "lock(mutex first used at 0x100"), t2, "T2 asks for T1's: %s",
               lines[5]);
  free(t);
}

Test(report_text, rwlock_calls_show_the_mode) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 1);
  rb_add(&rb, "{'t':'lock','id':1,'kind':'rwlock','addr':'0x8400','how':'init','stack':1}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'r','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  char *t = report_of(&rb, false);
  cr_assert(strstr(t, "read_lock(rwlock initialised at 0x110 (prog));"), "%s", t);
  cr_assert(strstr(t, "write_lock(rwlock initialised at 0x110 (prog));"), "%s", t);
  cr_assert(strstr(t, "and wants rwlock initialised at 0x110 (prog) (for reading)"), "%s", t);
  free(t);
}

static void ordered_by_join(struct rb *rb) {
  rb_standard(rb, 1, 2);
  rb_add(rb, "{'t':'join','thread':0,'seg':1,'joined':1}");
  rb_add(
      rb,
      "{'t':'thread','id':2,'tid':102,'parent':0,'parent_seg':2,'stack':0,'how':'pthread_create'}");
  rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
}

Test(report_text, notes_are_hidden_unless_verbose_and_never_counted) {
  struct rb rb = {0};
  ordered_by_join(&rb);
  char *t = report_of(&rb, false);
  cr_assert_null(strstr(t, "note: lock-order-inversion"), "%s", t);
  cr_assert(strstr(t, "==4242== lockhound: 1 note not shown (-v shows it)\n"), "%s", t);
  cr_assert(strstr(t, "==4242== ERROR SUMMARY: 0 errors from 0 contexts\n"), "%s", t);
  free(t);
}

Test(report_text, verbose_shows_notes_without_a_deadlock_scenario) {
  struct rb rb = {0};
  ordered_by_join(&rb);
  char *t = report_of(&rb, true);
  cr_assert(
      strstr(t,
             "==4242== lockhound: note: lock-order-inversion: lock order inversion kept apart by "
             "thread\n==4242==   creation/join [id "),
      "%s", t);
  cr_assert(strstr(t, "thread creation or join orders them"), "%s", t);
  cr_assert_null(strstr(t, "*** DEADLOCK ***"));
  cr_assert(strstr(t, "==4242== ERROR SUMMARY: 0 errors from 0 contexts\n"), "%s", t);
  free(t);
}

Test(report_text, a_clean_run_ends_with_a_zero_summary_only) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  char *t = report_of(&rb, false);
  cr_assert_str_eq(t, "==4242== ERROR SUMMARY: 0 errors from 0 contexts\n");
  free(t);
}

Test(report_text, past_a_thousand_findings_the_rest_are_only_counted) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 0);
  for (int l = 0; l < 50; l++)
    rb_add(&rb, "{'t':'lock','id':%d,'kind':'mutex','addr':'0x%x','how':'static','stack':1}", l,
           0x8000 + 0x40 * l);
  /* Each lock is taken and wanted at its own lines, by each thread (stacks 16 + 50 * role + l),
   * so that no two cycles go through the same lines (those would be one finding). */
  for (int s = 16; s < 16 + 4 * 50; s++)
    rb_add(&rb, "{'t':'stack','id':%d,'pcs':['0x%x']}", s, 0x1100 + 0x10 * s);
  /* T1 takes every pair in increasing order, T2 in decreasing order: 50 * 49 / 2 = 1225 inversions */
  for (int a = 0; a < 50; a++)
    for (int b = a + 1; b < 50; b++) {
      rb_add(&rb,
             "{'t':'acq','thread':1,'seg':0,'lock':%d,'mode':'w','stack':%d,'held':[[%d,'w',%d]]}",
             b, 16 + b, a, 66 + a);
      rb_add(&rb,
             "{'t':'acq','thread':2,'seg':0,'lock':%d,'mode':'w','stack':%d,'held':[[%d,'w',%d]]}",
             a, 116 + a, b, 166 + b);
    }
  char *t = report_of(&rb, false);
  size_t shown = 0;
  for (const char *p = t; (p = strstr(p, "[id ")); p++) shown++;
  cr_assert_eq(shown, 1000);
  cr_assert(
      strstr(
          t,
          "==4242== lockhound: more than 1000 findings; 225 more are not shown (--json FILE lists "
          "them all)\n"),
      "%.300s", strstr(t, "more than") ? strstr(t, "more than") : "");
  cr_assert(strstr(
      t, "==4242== ERROR SUMMARY: 1225 errors from 1225 contexts (lock-order-inversion: 1225)\n"));
  free(t);
}

Test(report_text, cycles_through_the_same_lines_are_told_once_with_every_lock) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 0);
  for (int l = 0; l < 5; l++)
    rb_add(&rb,
           "{'t':'lock','id':%d,'kind':'mutex','addr':'0x%x','gen':0,'how':'init','stack':1,"
           "'type':'normal'}",
           l, 0x20000 + 0x40 * l);
  /* T1 takes every pair (a, b), a < b, at stacks 2 then 3; T2 every pair reversed at 4 then 5 */
  for (int a = 0; a < 5; a++)
    for (int b = a + 1; b < 5; b++) {
      rb_add(&rb,
             "{'t':'acq','thread':1,'seg':0,'lock':%d,'mode':'w','stack':3,'held':[[%d,'w',2]]}", b,
             a);
      rb_add(&rb,
             "{'t':'acq','thread':2,'seg':0,'lock':%d,'mode':'w','stack':5,'held':[[%d,'w',4]]}", a,
             b);
    }
  char *t = report_of(&rb, false);
  size_t shown = 0;
  for (const char *p = t; (p = strstr(p, "[id ")); p++) shown++;
  cr_assert_eq(shown, 1, "%s", t);
  cr_assert(strstr(t, "the same lines make 10 cycles over the locks "), "%s", t);
  cr_assert(strstr(t, "#1, "), "every lock is listed: %s", t);
  cr_assert(strstr(t, "#5; one is shown.\n"), "%s", t);
  free(t);
}

/* ---- -v: what the run saw ---- */

/* One thread that took lock 0 alone (no lock record: nothing nested) 300 times, and tried lock 1
 * 50 times of which 20 failed: the `calls` record says so. */
static void counted_run(struct rb *rb, bool with_counts) {
  rb_run(rb, 4242, "/bin/prog", "");
  rb_add(rb,
         "{'t':'module','id':0,'path':'/bin/prog','base':'0x1000','segs':[['0x1000','0x9000']]}");
  rb_add(rb, "{'t':'thread','id':0,'tid':100,'parent':-1,'parent_seg':0,'stack':-1,'how':'main'}");
  if (with_counts)
    rb_add(rb, "{'t':'calls','counts':{'pthread_mutex_lock':300,'pthread_mutex_unlock':330,"
               "'pthread_mutex_trylock':50,'pthread_cond_signal':7},'failed_locks':20,'locks':2}");
  else
    rb_add(rb, "{'t':'calls','counts':{'pthread_mutex_lock':300,'pthread_mutex_unlock':330}}");
  rb_end(rb);
}

Test(report_text, verbose_counts_every_acquisition_and_lock_the_run_saw) {
  struct rb rb = {0};
  counted_run(&rb, true);
  char *t = report_of(&rb, true);
  cr_assert(strstr(t, "==4242== lockhound: 1 run file, 1 threads, lock acquisitions: 330, locks: 2 "
                      "(nested ones, in the\n==4242==   lock graph: 0), 0 lock-order edges"),
            "%s", t);
  free(t);
}

Test(report_text, verbose_on_a_run_file_of_an_older_library_counts_its_lock_records) {
  struct rb rb = {0};
  counted_run(&rb, false);
  char *t = report_of(&rb, true);
  cr_assert(strstr(t, "==4242== lockhound: 1 run file, 1 threads, 0 locks, 0 lock-order edges"),
            "%s", t);
  free(t);
}
