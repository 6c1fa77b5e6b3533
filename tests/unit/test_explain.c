/* test_explain.c - --explain and --lang as a user meets them: the explanation of each finding kind
 * (in every language), the step-by-step interleaving of a cycle, the Russian report, and the
 * command line end to end. Lock names as in test_report_runtime.c: "mutex first used at 0x100
 * (prog)" is lock 0, "... 0x110 (prog)" lock 1. */
#include <criterion/criterion.h>
#include <unistd.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "report/i18n/explanations.h"
#include "report/report.h"
#include "symbols/lock_names.h"

#define LOCKHOUND (char *)cli_lockhound()
#define LOCK0 "mutex first used at 0x100 (prog)"
#define LOCK1 "mutex first used at 0x110 (prog)"

/* The text report of a run text, written with style (plain_out, when given, gets the report as
 * lh_report_text writes it, from the same analysis). */
static char *report_of(struct rb *rb, struct lh_text_style style, char **plain_out) {
  struct lh_model *m = rb_model(rb, NULL);
  free(rb->buf);
  struct rb_report made;
  rb_report_make(&made, m, false);
  struct lh_report r = made.r;
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  lh_report_text_styled(out, &r, style);
  fclose(out);
  if (plain_out) {
    out = open_memstream(plain_out, &len);
    lh_report_text(out, &r);
    fclose(out);
  }
  rb_report_free(&made);
  return text;
}

#define HAS(t, s) cr_assert(strstr(t, s), "want '%s' in:\n%s", s, t)

static void ab_ba(struct rb *rb) {
  rb_standard(rb, 2, 2);
  rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
}

static const struct lh_text_style english_explained = {LH_LANG_EN, true};
static const struct lh_text_style russian = {LH_LANG_RU, false};

/* ---- the catalogue ---- */

static size_t lines(const char *const *part) {
  size_t n = 0;
  while (n < LH_EXPLAIN_LINES && part[n]) n++;
  return n;
}

Test(explain, every_finding_kind_is_explained_in_every_language) {
  for (int lang = 0; lang < LH_LANG_COUNT; lang++)
    for (int k = 0; k < LH_FINDING_KIND_COUNT; k++) {
      const char *rule = lh_kind_rule((enum lh_finding_kind)k);
      const struct lh_explanation *e =
          lh_explanation_raw((enum lh_lang)lang, (enum lh_finding_kind)k);
      cr_assert_not_null(e, "%s has no explanation in %s", rule, lh_lang_name((enum lh_lang)lang));
      size_t what = lines(e->what), why = lines(e->why), fixes = lines(e->fixes);
      cr_assert(what >= 1 && why >= 1 && fixes >= 1, "%s (%s) lacks a part", rule,
                lh_lang_name((enum lh_lang)lang));
      cr_assert(what + why + fixes >= 3 && what + why + fixes <= 7, "%s: %zu lines", rule,
                what + why + fixes);
    }
}

Test(explain, every_russian_explanation_differs_from_the_english_one) {
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++) {
    const struct lh_explanation *en = lh_explanation_raw(LH_LANG_EN, (enum lh_finding_kind)k);
    const struct lh_explanation *ru = lh_explanation_raw(LH_LANG_RU, (enum lh_finding_kind)k);
    cr_assert_str_neq(en->what[0], ru->what[0], "%s", lh_kind_rule((enum lh_finding_kind)k));
    cr_assert_str_neq(en->why[0], ru->why[0]);
    cr_assert_str_neq(en->fixes[0], ru->fixes[0]);
  }
}

/* ---- --explain ---- */

Test(explain, explain_adds_what_goes_wrong_why_and_the_fixes_to_an_inversion) {
  struct rb rb = {0};
  ab_ba(&rb);
  char *t = report_of(&rb, english_explained, NULL);
  HAS(t, "==4242==   What this means (--explain):\n==4242==     What goes wrong:\n"
         "==4242==       Two threads take the same locks in opposite orders.");
  HAS(t, "==4242==     Why:\n");
  HAS(t, "==4242==     Usual fixes:\n==4242==       - take the locks in one global order in every "
         "thread");
  free(t);
}

Test(explain, explain_shows_the_inversion_step_by_step_until_both_threads_are_blocked) {
  struct rb rb = {0};
  ab_ba(&rb);
  char *t = report_of(&rb, english_explained, NULL);
  /* the columns shrink so that the widest row fits 100 columns; a cell runs on to its right */
  HAS(t, "==4242==   How it goes wrong, step by step (time flows down, one column per "
         "thread):\n==4242==\n"
         "==4242==     step  T1                          T2\n"
         "==4242==     ----  ----                        ----\n"
         "==4242==     1     lock(" LOCK0 ");  got it\n"
         "==4242==     2                                 lock(" LOCK1 ");  got it\n"
         "==4242==     3     lock(" LOCK1 ");  waits for T2\n"
         "==4242==     4                                 lock(" LOCK0 ");  waits for T1\n"
         "==4242==     5     (blocked for ever)          (blocked for ever)\n");
  free(t);
}

Test(explain, explain_shows_a_run_time_deadlock_step_by_step) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  char *t = report_of(&rb, english_explained, NULL);
  HAS(t, "The threads of a cycle each wait for something the next one holds");
  HAS(t, "lock(" LOCK1 ");  waits for T2\n");
  HAS(t, "lock(" LOCK0 ");  waits for T1\n");
  HAS(t, "(blocked for ever)");
  free(t);
}

Test(explain, a_timed_wait_cycle_ends_waiting_until_a_timeout) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "timed-wait-cycle", 1);
  char *t = report_of(&rb, english_explained, NULL);
  HAS(t, "(waits until a timeout)");
  cr_assert_null(strstr(t, "(blocked for ever)"), "%s", t);
  free(t);
}

Test(explain, a_misuse_is_explained_without_a_table) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  rb_add(&rb, "{'t':'finding','kind':'unlock-unlocked','action':'continue','lock':1,'threads':[{'"
              "thread':1,'stack':6}]}");
  char *t = report_of(&rb, english_explained, NULL);
  HAS(t, "A thread unlocks a mutex that nobody holds");
  cr_assert_null(strstr(t, "step by step"), "%s", t);
  free(t);
}

Test(explain, without_explain_the_report_is_unchanged) {
  struct rb rb = {0};
  ab_ba(&rb);
  char *plain = NULL;
  char *t = report_of(&rb, (struct lh_text_style){LH_LANG_EN, false}, &plain);
  cr_assert_str_eq(t, plain);
  cr_assert_null(strstr(t, "--explain"), "%s", t);
  cr_assert_null(strstr(t, "step by step"), "%s", t);
  free(t);
  free(plain);
}

/* ---- --lang ru ---- */

Test(explain, russian_inversion_report_has_russian_titles_and_sentences) {
  struct rb rb = {0};
  ab_ba(&rb);
  char *t = report_of(&rb, russian, NULL);
  HAS(t, "==4242== lockhound: lock-order-inversion: возможная взаимная блокировка (нарушение "
         "порядка захвата\n==4242==   блокировок) [id ");
  HAS(t, "==4242==   2 потока захватывают 2 блокировки в противоположном порядке: mutex first "
         "used at 0x100\n==4242==     (prog) -> ");
  HAS(t, "==4242==   T1 (создан в 0x100) удерживает блокировку " LOCK0 "; место\n"
         "==4242==     захвата:\n");
  HAS(t, "==4242==     и хочет захватить блокировку " LOCK1 "; место запроса:\n");
  HAS(t, "==4242==   Возможный сценарий взаимной блокировки:\n");
  HAS(t, "==4242==    *** ВЗАИМНАЯ БЛОКИРОВКА ***\n");
  /* the summary stays as valgrind writes it: scripts parse it */
  HAS(t, "==4242== ERROR SUMMARY: 1 error from 1 context (lock-order-inversion: 1)\n");
  free(t);
}

Test(explain, russian_deadlock_report_tells_who_waits_for_whom) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  char *t = report_of(&rb, russian, NULL);
  HAS(t, "==4242== lockhound: deadlock: потоки вечно ждут друг друга (взаимная блокировка) [id ");
  HAS(t, "==4242==   2 потока во взаимной блокировке: каждый ждёт блокировку, которую удерживает "
         "следующий");
  HAS(t, "==4242==   T1 (создан в 0x100) заблокирован в pthread_mutex_lock(" LOCK1
         "); место вызова:\n");
  HAS(t, "==4242==     удерживая блокировку " LOCK0 "; место захвата:\n");
  HAS(t, "==4242==     блокировку " LOCK1 " удерживает T2\n");
  HAS(t, "==4242==   Что произошло (по столбцу на поток):\n");
  HAS(t, "   <- заблокирован\n");
  HAS(t, "==4242==   Как исправить: захватывайте блокировки в едином глобальном порядке");
  HAS(t, "==4242==   lockhound завершил программу (код выхода 66)");
  free(t);
}

Test(explain, russian_stall_report_says_what_could_release_each_thread) {
  struct rb rb = {0};
  rb_standard(&rb, 3, 2);
  rb_objects(&rb);
  rb_add(
      &rb,
      "{'t':'finding','kind':'stall','action':'exit','threads':["
      "{'thread':0,'waits':{'call':'pthread_join','on':'join','joins':1,'stack':9}},"
      "{'thread':1,'waits':{'call':'pthread_barrier_wait','on':'barrier','object':2,'stack':10}},"
      "{'thread':2,'waits':{'call':'sem_wait','on':'sem','object':3,'stack':11}}],"
      "'objects':[{'object':2,'count':3,'arrived':2},{'object':3,'value':0}]}");
  char *t = report_of(&rb, russian, NULL);
  HAS(t, "==4242== lockhound: stall: все потоки заблокированы [id ");
  HAS(t,
      "==4242==   все потоки заблокированы, и ни один не может разбудить остальные (3 потока)\n");
  HAS(t, "==4242==   T0 (главный поток) заблокирован в pthread_join(T1); место вызова:\n");
  HAS(t, "==4242==     ждёт завершения T1, но T1 тоже заблокирован\n");
  HAS(t, "==4242==     barrier initialised at 0x180 (prog): пришло 2 из 3 потоков; больше прийти "
         "некому\n");
  HAS(t,
      "==4242==     semaphore /jobs: значение 0; не осталось потока, который вызвал бы sem_post\n");
  free(t);
}

Test(explain, russian_misuse_report_has_its_sentence_and_fix) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  rb_add(&rb, "{'t':'finding','kind':'unlock-unlocked','action':'continue','lock':1,'threads':[{'"
              "thread':1,'stack':6}]}");
  char *t = report_of(&rb, russian, NULL);
  HAS(t, "==4242== lockhound: unlock-unlocked: освобождение незахваченной блокировки [id ");
  HAS(t, "==4242==   T1 освобождает блокировку " LOCK1
         ", которая не захвачена (освобождена дважды или не "
         "захватывалась вовсе)\n");
  HAS(t, "==4242==   T1 (создан в 0x100) сделал это здесь:\n");
  HAS(t, "==4242==   Как исправить: освобождайте каждую блокировку ровно один раз");
  free(t);
}

Test(explain, russian_explanation_and_steps_are_russian_too) {
  struct rb rb = {0};
  ab_ba(&rb);
  char *t = report_of(&rb, (struct lh_text_style){LH_LANG_RU, true}, NULL);
  HAS(t, "==4242==   Что это значит (--explain):\n==4242==     Что происходит:\n");
  HAS(t, "==4242==     шаг   T1");
  HAS(t, "lock(" LOCK1 ");  ждёт T2\n");
  HAS(t, "(заблокирован навсегда)");
  free(t);
}

/* ---- the command line ---- */

Test(explain, an_unknown_language_is_refused_with_one_message) {
  struct cli_result r = cli_run(
      (char *[]){LOCKHOUND, "report", "--lang=de", (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --lang needs en or ru, not 'de'\n");
  cli_free(&r);
}

Test(explain, report_explain_lang_ru_on_a_recorded_run) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--explain", "--lang", "ru",
                                           (char *)cli_fixture("ab_ba.lhrun"), NULL});
  cr_assert_eq(r.status, 66, "%s", r.err);
  cr_assert(strstr(r.err, "возможная взаимная блокировка"), "%s", r.err);
  cr_assert(strstr(r.err, "Как это случается, шаг за шагом"), "%s", r.err);
  cli_free(&r);
}

Test(explain, run_explain_lang_ru_explains_a_real_program) {
  char sample[PATH_MAX + 64], lib[PATH_MAX + 64], dir[] = "/tmp/lh-explain-XXXXXX", opt[64];
  snprintf(sample, sizeof sample, "%s/samples/deadlock/ab_ba", cli_build_dir());
  snprintf(lib, sizeof lib, "%s/lib/liblockhound.so", cli_build_dir());
  if (access(sample, X_OK) != 0 || access(lib, R_OK) != 0)
    cr_skip_test("library or sample not built");
  cr_assert_not_null(mkdtemp(dir));
  snprintf(opt, sizeof opt, "--run-dir=%s", dir);
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", opt, "--explain", "--lang", "ru", "--", sample, NULL});
  cr_assert_eq(r.status, 66, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: lock-order-inversion: возможная взаимная блокировка"), "%s",
            r.err);
  cr_assert(strstr(r.err, "lock_a -> lock_b -> lock_a"), "%s", r.err);
  cr_assert(strstr(r.err, "Что это значит (--explain):"), "%s", r.err);
  cr_assert(strstr(r.err, "lock(lock_b);  ждёт T2"), "%s", r.err);
  cli_free(&r);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

/* ---- each kind explained once, each schedule told once ---- */

/* Two inversions of one kind: T1/T2 over locks 0 and 1, T3/T4 over locks 2 and 3. */
static void two_inversions(struct rb *rb) {
  rb_standard(rb, 4, 4);
  rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  rb_add(rb, "{'t':'acq','thread':3,'seg':0,'lock':3,'mode':'w','stack':7,'held':[[2,'w',6]]}");
  rb_add(rb, "{'t':'acq','thread':4,'seg':0,'lock':2,'mode':'w','stack':9,'held':[[3,'w',8]]}");
}

static size_t count(const char *text, const char *what) {
  size_t n = 0;
  for (const char *p = strstr(text, what); p; p = strstr(p + 1, what)) n++;
  return n;
}

Test(explain, a_kind_is_explained_under_its_first_finding_and_later_ones_refer_to_it) {
  struct rb rb = {0};
  two_inversions(&rb);
  char *t = report_of(&rb, english_explained, NULL);
  cr_assert_eq(count(t, "lockhound: lock-order-inversion:"), 2, "%s", t);
  cr_assert_eq(count(t, "Two threads take the same locks in opposite orders."), 1, "%s", t);
  cr_assert_eq(count(t, "Usual fixes:"), 1, "%s", t);
  HAS(t, "==4242==   What this means (--explain): lock-order-inversion is explained above, under "
         "finding #1\n");
  /* the reference comes after the explanation it points to */
  cr_assert(strstr(t, "is explained above") > strstr(t, "Usual fixes:"), "%s", t);
  /* each finding still shows its own schedule */
  cr_assert_eq(count(t, "How it goes wrong, step by step"), 2, "%s", t);
  free(t);
}

Test(explain, the_reference_to_an_earlier_explanation_is_russian_too) {
  struct rb rb = {0};
  two_inversions(&rb);
  char *t = report_of(&rb, (struct lh_text_style){LH_LANG_RU, true}, NULL);
  HAS(t, "Что это значит (--explain): lock-order-inversion объяснено выше, у находки №1\n");
  free(t);
}

Test(explain, explain_tells_the_schedule_of_an_inversion_once) {
  struct rb rb = {0};
  ab_ba(&rb);
  char *t = report_of(&rb, english_explained, NULL);
  cr_assert_null(strstr(t, "Possible unsafe locking scenario"), "%s", t);
  cr_assert_eq(count(t, "How it goes wrong, step by step"), 1, "%s", t);
  cr_assert_eq(count(t, "lock(" LOCK0 ");"), 2, "%s", t); /* taken by T1, wanted by T2 */
  free(t);
}

Test(explain, explain_tells_the_schedule_of_a_run_time_deadlock_once) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  char *t = report_of(&rb, english_explained, NULL);
  cr_assert_null(strstr(t, "What happened, one column per thread"), "%s", t);
  cr_assert_eq(count(t, "How it goes wrong, step by step"), 1, "%s", t);
  free(t);
}

/* ---- every line fits 100 columns ---- */

/* Five threads in a ring over five locks (the dining philosophers). */
static void ring_of_five(struct rb *rb) {
  rb_standard(rb, 5, 5);
  for (int i = 0; i < 5; i++)
    rb_add(rb,
           "{'t':'acq','thread':%d,'seg':0,'lock':%d,'mode':'w','stack':%d,'held':[[%d,'w',%d]]}",
           i + 1, (i + 1) % 5, 6 + i, i, 11 + (i % 5));
}

static size_t widest_line(const char *t) {
  size_t widest = 0;
  while (*t) {
    size_t n = strcspn(t, "\n");
    char *line = strndup(t, n);
    if (lh_text_width(line) > widest) widest = lh_text_width(line);
    free(line);
    t += n + (t[n] == '\n');
  }
  return widest;
}

Test(explain, a_five_thread_cycle_fits_100_columns_in_every_language) {
  for (int lang = 0; lang < LH_LANG_COUNT; lang++)
    for (int explain = 0; explain < 2; explain++) {
      struct rb rb = {0};
      ring_of_five(&rb);
      char *t = report_of(&rb, (struct lh_text_style){(enum lh_lang)lang, explain}, NULL);
      cr_assert_leq(widest_line(t), 100, "%s", t);
      HAS(t, "lock(" LOCK0 ");");
      free(t);
    }
}
