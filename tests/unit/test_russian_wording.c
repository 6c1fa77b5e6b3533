/* test_russian_wording.c - the Russian report (--lang ru) as a native reader corrected it: the
 * sentences that were mistranslated, that broke agreement or named the wrong object, pinned in the
 * report a student reads (text and HTML). Whether every message exists in Russian at all is
 * test_messages.c's; this file holds what the Russian says. */
#include <criterion/criterion.h>
#include <string.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "report/i18n/explanations.h"
#include "report/i18n/messages.h"
#include "report/report.h"
#include "report/report_html.h"

#define HAS(text, s) cr_assert(strstr(text, s), "want '%s' in:\n%s", s, text)
#define HAS_NOT(text, s) cr_assert_null(strstr(text, s), "do not want '%s' in:\n%s", s, text)

/* The text (or HTML page, when html) of a loaded model in the given style. */
static char *report_of_model(struct lh_model *m, struct lh_text_style style, bool html) {
  struct rb_report made;
  rb_report_make(&made, m, false);
  struct lh_report r = made.r;
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  if (html)
    lh_report_html_to(out, &r, style);
  else
    lh_report_text_styled(out, &r, style);
  fclose(out);
  rb_report_free(&made);
  return text;
}

/* The Russian report, with --explain, of a run of threads 1..3, locks 0..1 and these records. */
static char *russian_report_with(const char *records) {
  struct rb rb = {0};
  rb_standard(&rb, 3, 2);
  rb_add(&rb, "%s", records);
  struct lh_model *m = rb_model(&rb, NULL);
  free(rb.buf);
  return report_of_model(m, (struct lh_text_style){LH_LANG_RU, true}, false);
}

/* The report of the ab_ba fixture (two threads, lock_a and lock_b in opposite orders). */
static char *ab_ba_report(enum lh_lang lang, bool html) {
  struct lh_model *m = lh_model_new();
  FILE *diag = fopen("/dev/null", "w");
  cr_assert_eq(lh_load_run_file(m, cli_fixture("ab_ba.lhrun"), diag), 0);
  fclose(diag);
  lh_model_finish(m);
  return report_of_model(m, (struct lh_text_style){lang, true}, html);
}

/* The English says the compiler and the CPU assume that no other thread looks at the memory; the
 * first translation said they "do not wait for other threads". */
Test(russian_wording, the_data_race_explanation_says_what_the_compiler_assumes) {
  const struct lh_explanation *e = lh_explanation_raw(LH_LANG_RU, LH_FINDING_DATA_RACE);
  cr_assert_not_null(e);
  char why[1024] = "";
  for (int i = 0; i < LH_EXPLAIN_LINES && e->why[i]; i++) {
    strcat(why, e->why[i]);
    strcat(why, " ");
  }
  HAS(why, "держат значения в регистрах, считая, что другие потоки к этим данным не обращаются");
  HAS_NOT(why, "других потоков не ждут");
}

/* "блокировка" is feminine: a lock in the step table is "захвачена". */
Test(russian_wording, a_lock_taken_in_the_step_table_agrees_with_its_gender) {
  char *text = ab_ba_report(LH_LANG_RU, false);
  HAS(text, ");  захвачена\n");
  HAS_NOT(text, "захвачено");
  free(text);
}

/* A read lock asked again for writing: the thread takes again a lock (not a mutex) it holds, and
 * the sentence says what cannot be done. */
Test(russian_wording, an_rwlock_upgrade_is_said_as_such_not_as_a_mutex) {
  char *text = russian_report_with(
      "{'t':'lock','id':5,'kind':'rwlock','addr':'0x8400','gen':0,'how':'static','stack':5}\n"
      "{'t':'finding','kind':'self-deadlock','action':'exit','lock':5,'threads':[{'thread':1,"
      "'waits':{'call':'pthread_rwlock_wrlock','on':'lock','lock':5,'mode':'w','stack':3},"
      "'holds':[[5,'r',2]]}]}");
  HAS(text, "self-deadlock: поток повторно захватывает блокировку, которую уже удерживает");
  HAS(text, "поток держит rwlock first used at 0x150 (prog) на чтение и запрашивает её на запись: "
            "повысить блокировку чтения-записи до записи нельзя");
  HAS_NOT(text, "захватывает мьютекс");
  HAS_NOT(text, "тип default");
  free(text);
}

/* An rwlock held for writing and asked for again has no "type": the sentence names none. */
Test(russian_wording, an_rwlock_taken_twice_for_writing_names_no_mutex_type) {
  char *text = russian_report_with(
      "{'t':'lock','id':5,'kind':'rwlock','addr':'0x8400','gen':0,'how':'static','stack':5}\n"
      "{'t':'finding','kind':'self-deadlock','action':'exit','lock':5,'threads':[{'thread':1,"
      "'waits':{'call':'pthread_rwlock_wrlock','on':'lock','lock':5,'mode':'w','stack':3},"
      "'holds':[[5,'w',2]]}]}");
  HAS(text, "поток держит rwlock first used at 0x150 (prog) на запись, а блокировку "
            "чтения-записи, захваченную на запись, нельзя захватить снова даже её владельцу");
  HAS_NOT(text, "тип default");
  HAS_NOT(text, "нерекурсивная");
  free(text);
}

/* The HTML page's badges (shown upper-case by its style sheet) are words of the page's language. */
Test(russian_wording, the_html_badge_of_an_error_is_russian) {
  char *page = ab_ba_report(LH_LANG_RU, true);
  HAS(page, "<span class=\"badge error\">ошибка</span>");
  HAS_NOT(page, "\">error</span>");
  free(page);
  page = ab_ba_report(LH_LANG_EN, true);
  HAS(page, "<span class=\"badge error\">error</span>");
  free(page);
}

Test(russian_wording, the_badges_of_warnings_and_notes_are_russian) {
  cr_assert_str_eq(lh_msg(LH_LANG_RU, LH_MSG_BADGE_WARNING), "предупреждение");
  cr_assert_str_eq(lh_msg(LH_LANG_RU, LH_MSG_BADGE_NOTE), "примечание");
  cr_assert_str_eq(lh_msg(LH_LANG_EN, LH_MSG_BADGE_WARNING), "warning");
}

/* A data race's access lines: "без блокировок", "под блокировкой lock_b"; and why nothing
 * protects it: no lock was held at both accesses at once. */
Test(russian_wording, a_race_access_says_which_locks_were_held_in_plain_russian) {
  cr_assert_str_eq(lh_msg(LH_LANG_RU, LH_MSG_RACE_HOLDING_NOTHING), "без блокировок");
  cr_assert_str_eq(lh_msg(LH_LANG_RU, LH_MSG_RACE_HOLDING), "под блокировкой %s");
  HAS(lh_msg(LH_LANG_RU, LH_MSG_RACE_WHY_NO_COMMON_LOCK),
      "ни одна блокировка не удерживалась при обоих обращениях сразу");
  HAS(lh_msg(LH_LANG_RU, LH_MSG_RACE_WHY_UNORDERED),
      "и ни создание или join потока, ни семафор, барьер, условная переменная или атомарная "
      "операция не упорядочивают эти обращения");
  HAS(lh_msg(LH_LANG_RU, LH_MSG_RACE_READ_OUTCOME), "и ничто не определяет, что произойдёт раньше");
  HAS(lh_msg(LH_LANG_RU, LH_MSG_RACE_WRITE_OUTCOME), "или остаётся смесь обоих значений");
}

/* "ещё 1 более длинный цикл ... не показан"; for more, the number after a colon reads right with
 * any number (2, 5, 21). */
Test(russian_wording, the_longer_cycles_not_shown_read_right_with_any_number) {
  char line[512];
  snprintf(line, sizeof line, lh_msg(LH_LANG_RU, LH_MSG_LONGER_CYCLE), (size_t)1);
  cr_assert_str_eq(line, "ещё 1 более длинный цикл, составленный только из уже показанных пар "
                         "блокировок, не показан");
  snprintf(line, sizeof line, lh_msg(LH_LANG_RU, LH_MSG_LONGER_CYCLES), (size_t)50);
  cr_assert_str_eq(line, "не показаны более длинные циклы, составленные только из уже показанных "
                         "пар блокировок: 50");
}

/* The advice after a deadlock: the program is kept so that a debugger can attach. */
Test(russian_wording, the_debugger_advice_says_why_the_program_is_kept) {
  HAS(lh_msg(LH_LANG_RU, LH_MSG_ENDED), "чтобы программа не завершалась и к ней можно было "
                                        "подключить отладчик (gdb -p PID)");
  HAS(lh_msg(LH_LANG_RU, LH_MSG_ENDED_WITH_CODE), "чтобы программа не завершалась и к ней можно "
                                                  "было подключить отладчик (gdb -p PID)");
}
