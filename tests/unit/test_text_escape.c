/* test_text_escape.c - how names from the program are shown (analyzer/base/text_escape.c). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "base/text_escape.h"

static void expect(const char *in, const char *want) {
  char *got = lh_text_escaped(in);
  cr_assert_str_eq(got, want);
  free(got);
  cr_assert_eq(lh_text_needs_escape(in), strcmp(in, want) != 0);
}

Test(text_escape, plain_names_and_utf8_are_kept) {
  expect("lock_a", "lock_a");
  expect("замок", "замок");
}

Test(text_escape, c0_controls_and_del_become_c_escapes) {
  expect("a\nb", "a\\nb");
  expect("a\r\tb", "a\\r\\tb");
  expect("\033[2J", "\\e[2J");
  expect("\001\177", "\\x01\\x7f");
}

Test(text_escape, utf8_c1_controls_become_u_escapes) {
  expect("a\xc2\x9b"
         "31m",
         "a\\u009b31m");
  expect("\xc2\xa0", "\xc2\xa0"); /* U+00A0 is not a control */
}

Test(text_escape, shown_gives_the_name_itself_when_clean) {
  const char *name = "lock_a";
  cr_assert_eq(lh_shown(name), name, "nothing allocated for a clean name");
  cr_assert_str_eq(lh_shown("x\ny"), "x\\ny");
  cr_assert_null(lh_shown(NULL));
}
