/* Bounded texts: what snprintf would write, without the printf family, cut like snprintf. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/bounded_text.h"

Test(bounded_text, a_path_is_assembled_from_strings_and_numbers) {
  char buf[64];
  struct lh_text t;
  lh_text_init(&t, buf, sizeof buf);
  lh_text_str(&t, "/tmp/lockhound-");
  lh_text_uint(&t, 1000, 10, 1);
  lh_text_str(&t, "/prog.");
  lh_text_int(&t, -42);
  cr_expect_str_eq(buf, "/tmp/lockhound-1000/prog.-42");
  cr_expect(lh_text_fits(&t));
  cr_expect_eq(t.len, strlen(buf));
}

Test(bounded_text, numbers_read_as_printf_writes_them) {
  const uint64_t values[] = {0, 1, 9, 10, 255, 4096, 0x9e3779b9, UINT64_MAX};
  for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
    char ours[64], theirs[64];
    struct lh_text t;
    lh_text_init(&t, ours, sizeof ours);
    lh_text_uint(&t, values[i], 10, 1);
    lh_text_str(&t, " ");
    lh_text_uint(&t, values[i], 16, 8);
    snprintf(theirs, sizeof theirs, "%llu %08llx", (unsigned long long)values[i],
             (unsigned long long)values[i]);
    cr_expect_str_eq(ours, theirs);
  }
  char buf[32];
  struct lh_text t;
  lh_text_init(&t, buf, sizeof buf);
  lh_text_int(&t, INT64_MIN);
  cr_expect_str_eq(buf, "-9223372036854775808");
}

Test(bounded_text, a_text_too_long_is_cut_and_says_it_did_not_fit) {
  char buf[8];
  struct lh_text t;
  lh_text_init(&t, buf, sizeof buf);
  lh_text_str(&t, "abcd");
  cr_expect(lh_text_fits(&t));
  lh_text_str(&t, "efghij");
  cr_expect_str_eq(buf, "abcdefg", "cut as snprintf cuts: the buffer's last byte is the NUL");
  cr_expect_not(lh_text_fits(&t));
  lh_text_uint(&t, 12345, 10, 1);
  cr_expect_str_eq(buf, "abcdefg");
  cr_expect_eq(t.len, 15u, "the length counts what did not fit, as snprintf's result does");
}

Test(bounded_text, an_empty_buffer_of_one_byte_holds_only_the_nul) {
  char buf[1] = {'x'};
  struct lh_text t;
  lh_text_init(&t, buf, sizeof buf);
  lh_text_str(&t, "a");
  cr_expect_eq(buf[0], 0);
  cr_expect_not(lh_text_fits(&t));
}
