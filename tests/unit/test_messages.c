/* test_messages.c - the message catalogue: every sentence of the text report exists in every
 * language, really translated, with the same printf conversions; every finding kind has a title in
 * every language; numbers get the right form of their word; --lang takes only known languages. */
#include <criterion/criterion.h>
#include <string.h>

#include "report/i18n/messages.h"

/* The printf conversions of a format, in order ("%s%zu%"PRId64 -> "s zu ld "). */
static void conversions(const char *fmt, char *out, size_t size) {
  size_t n = 0;
  for (const char *p = fmt; *p && n + 8 < size; p++) {
    if (*p != '%') continue;
    if (*++p == '%') continue;
    while (*p && strchr("0123456789.-+ #*", *p)) p++;
    while (*p && strchr("hlqjzt", *p)) out[n++] = *p++;
    if (*p) out[n++] = *p;
    out[n++] = ' ';
    if (!*p) break;
  }
  out[n] = '\0';
}

Test(messages, every_message_exists_in_english_and_russian_and_is_translated) {
  for (int id = 0; id < LH_MSG_COUNT; id++) {
    const char *en = lh_msg_raw(LH_LANG_EN, (enum lh_msg)id),
               *ru = lh_msg_raw(LH_LANG_RU, (enum lh_msg)id);
    cr_assert_not_null(en, "message %d has no English text", id);
    cr_assert_not_null(ru, "message %d (\"%s\") has no Russian text", id, en);
    cr_assert_str_neq(en, ru, "message %d is not translated: \"%s\"", id, en);
  }
}

Test(messages, every_translation_takes_the_same_printf_arguments) {
  for (int id = 0; id < LH_MSG_COUNT; id++) {
    char a[64], b[64];
    conversions(lh_msg(LH_LANG_EN, (enum lh_msg)id), a, sizeof a);
    conversions(lh_msg(LH_LANG_RU, (enum lh_msg)id), b, sizeof b);
    cr_assert_str_eq(a, b, "message %d: \"%s\" vs \"%s\"", id, lh_msg(LH_LANG_EN, (enum lh_msg)id),
                     lh_msg(LH_LANG_RU, (enum lh_msg)id));
  }
}

Test(messages, every_finding_kind_has_a_russian_title_unlike_the_english_one) {
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++) {
    const char *en = lh_kind_title_raw(LH_LANG_EN, (enum lh_finding_kind)k);
    const char *ru = lh_kind_title_raw(LH_LANG_RU, (enum lh_finding_kind)k);
    cr_assert_not_null(ru, "kind %s has no Russian title", lh_kind_rule((enum lh_finding_kind)k));
    cr_assert_str_neq(en, ru, "kind %s", lh_kind_rule((enum lh_finding_kind)k));
  }
}

Test(messages, every_counted_word_has_all_its_forms) {
  for (int w = 0; w < LH_WORD_COUNT; w++) {
    for (size_t f = 0; f < 2; f++)
      cr_assert_not_null(lh_word_raw(LH_LANG_EN, (enum lh_word)w, f), "word %d", w);
    for (size_t f = 0; f < 3; f++)
      cr_assert_not_null(lh_word_raw(LH_LANG_RU, (enum lh_word)w, f), "word %d", w);
    cr_assert_str_neq(lh_word_raw(LH_LANG_EN, (enum lh_word)w, 1),
                      lh_word_raw(LH_LANG_RU, (enum lh_word)w, 2));
  }
}

Test(messages, russian_numbers_take_the_form_their_last_digits_ask_for) {
  cr_assert_str_eq(lh_word(LH_LANG_RU, LH_WORD_THREAD, 1), "поток");
  cr_assert_str_eq(lh_word(LH_LANG_RU, LH_WORD_THREAD, 2), "потока");
  cr_assert_str_eq(lh_word(LH_LANG_RU, LH_WORD_THREAD, 4), "потока");
  cr_assert_str_eq(lh_word(LH_LANG_RU, LH_WORD_THREAD, 5), "потоков");
  cr_assert_str_eq(lh_word(LH_LANG_RU, LH_WORD_THREAD, 12), "потоков");
  cr_assert_str_eq(lh_word(LH_LANG_RU, LH_WORD_THREAD, 21), "поток");
  cr_assert_str_eq(lh_word(LH_LANG_RU, LH_WORD_THREAD, 22), "потока");
  cr_assert_str_eq(lh_word(LH_LANG_EN, LH_WORD_THREAD, 1), "thread");
  cr_assert_str_eq(lh_word(LH_LANG_EN, LH_WORD_THREAD, 2), "threads");
}

Test(messages, lang_accepts_en_and_ru_only) {
  enum lh_lang l = LH_LANG_EN;
  cr_assert(lh_lang_parse("ru", &l));
  cr_assert_eq(l, LH_LANG_RU);
  cr_assert(lh_lang_parse("en", &l));
  cr_assert_eq(l, LH_LANG_EN);
  cr_assert_not(lh_lang_parse("de", &l));
  cr_assert_not(lh_lang_parse("RU", &l));
  cr_assert_not(lh_lang_parse("", &l));
}

Test(messages, widths_count_characters_not_bytes) {
  cr_assert_eq(lh_text_width("lock(a);"), 8);
  cr_assert_eq(lh_text_width("ждёт T2"), 7);
}
