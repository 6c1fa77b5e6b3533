/* test_expect_forms.c - the expectation forms `lockhound check` reads for CI (expectations.c):
 * `lockhound-expect-at-least:`, `lockhound-expect-one-of:` and `lockhound-args:` parsed from a
 * source's text, their malformed lines refused with one message, and lh_expect_match's verdict
 * over hand-made finding keys: what is missing, what is unexpected, and the exit code a run must
 * have. No program runs. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "commands/expectations.h"

static int parse(const char *text, struct lh_expect_spec *spec, char **error) {
  *error = NULL;
  return lh_expect_read_spec_text("prog.c", text, strlen(text), spec, error);
}

static void rejected(const char *text, const char *message) {
  struct lh_expect_spec spec;
  char *error;
  cr_assert_eq(parse(text, &spec, &error), -1, "accepted: %s", text);
  cr_expect(strstr(error, message) != NULL, "message '%s' lacks '%s'", error, message);
  free(error);
}

/* Keys as lh_expect_from_report makes them: sorted copies. */
static struct lh_expect_keys keys(const char *const *items, size_t n) {
  struct lh_expect_keys k = {calloc(n ? n : 1, sizeof(char *)), n};
  for (size_t i = 0; i < n; i++) k.keys[i] = strdup(items[i]);
  for (size_t i = 1; i < n; i++) /* insertion sort: a handful of keys */
    for (size_t j = i; j > 0 && strcmp(k.keys[j - 1], k.keys[j]) > 0; j--) {
      char *t = k.keys[j];
      k.keys[j] = k.keys[j - 1];
      k.keys[j - 1] = t;
    }
  return k;
}

static char *joined(const struct lh_expect_keys *k) {
  static char buf[2][512];
  static int which;
  which ^= 1;
  buf[which][0] = '\0';
  for (size_t i = 0; i < k->count; i++) {
    strcat(buf[which], i ? "," : "");
    strcat(buf[which], k->keys[i]);
  }
  return buf[which];
}

/* Parses text, matches it against errors and warnings, and checks the result. */
static void verdict(const char *text, const char *const *errors, size_t nerrors,
                    const char *const *warnings, size_t nwarnings, const char *missing,
                    const char *unexpected, int exit_code) {
  struct lh_expect_spec spec;
  char *error;
  cr_assert_eq(parse(text, &spec, &error), 0, "%s", error);
  struct lh_expect_keys e = keys(errors, nerrors), w = keys(warnings, nwarnings), m, u;
  lh_expect_match(&spec, &e, &w, &m, &u);
  cr_expect_str_eq(joined(&m), missing, "missing, for:\n%s", text);
  cr_expect_str_eq(joined(&u), unexpected, "unexpected, for:\n%s", text);
  cr_expect_eq(lh_expect_exit_code(&spec, &e), exit_code, "exit code, for:\n%s", text);
  lh_expect_keys_free(&e);
  lh_expect_keys_free(&w);
  lh_expect_keys_free(&m);
  lh_expect_keys_free(&u);
  lh_expect_spec_free(&spec);
}

#define N(a) (sizeof(a) / sizeof *(a))
static const char *const inversion[] = {"lock-order-inversion lock_a lock_b"};
static const char *const deadlock_and_inversion[] = {"deadlock lock_a lock_b",
                                                     "lock-order-inversion lock_a lock_b"};
static const char *const two_inversions[] = {"lock-order-inversion lock_a lock_b",
                                             "lock-order-inversion lock_c lock_d"};
static const char *const nothing[] = {NULL};

Test(expect_forms, one_of_parses_alternatives_sorted_with_none_apart) {
  struct lh_expect_spec spec;
  char *error;
  cr_assert_eq(parse("/* lockhound-expect-one-of: deadlock lock_b lock_a | none | "
                     "lock-order-inversion lock_a lock_b */\n",
                     &spec, &error),
               0, "%s", error);
  cr_assert_eq(spec.one_of_count, 1);
  cr_expect(spec.one_of[0].none);
  cr_assert_eq(spec.one_of[0].alternatives.count, 2);
  cr_expect_str_eq(spec.one_of[0].alternatives.keys[0], "deadlock lock_a lock_b");
  cr_expect_str_eq(spec.one_of[0].alternatives.keys[1], "lock-order-inversion lock_a lock_b");
  lh_expect_spec_free(&spec);
}

Test(expect_forms, args_lines_add_up_in_order_with_quoted_words) {
  struct lh_expect_spec spec;
  char *error;
  cr_assert_eq(parse("/* lockhound-expect: none\n * lockhound-args: --threads 4\n"
                     " * lockhound-args: \"two words\" */\n",
                     &spec, &error),
               0, "%s", error);
  cr_assert_eq(spec.arg_count, 3);
  cr_expect_str_eq(spec.args[0], "--threads");
  cr_expect_str_eq(spec.args[1], "4");
  cr_expect_str_eq(spec.args[2], "two words");
  lh_expect_spec_free(&spec);
}

Test(expect_forms, a_looser_line_alone_is_a_spec) {
  struct lh_expect_spec spec;
  char *error;
  cr_expect_eq(parse("// lockhound-expect-at-least: deadlock a b\n", &spec, &error), 0, "%s",
               error);
  lh_expect_spec_free(&spec);
  rejected("// lockhound-args: x\n", "no lockhound-expect line");
}

Test(expect_forms, malformed_lines_are_refused_with_what_to_write) {
  rejected("// lockhound-expect-one-of: deadlock a b\n", "malformed lockhound-expect-one-of line");
  rejected("// lockhound-expect-one-of: deadlock a b | | stall x\n",
           "malformed lockhound-expect-one-of line");
  rejected("// lockhound-expect-one-of: none | none\n", "malformed lockhound-expect-one-of line");
  rejected("// lockhound-expect-one-of: deadlock a b | \"x\n",
           "malformed lockhound-expect-one-of line");
  rejected("// lockhound-expect-at-least: none\n", "malformed lockhound-expect-at-least line");
  rejected("// lockhound-expect-at-least:\n", "malformed lockhound-expect-at-least line");
  rejected("// lockhound-expect: none\n// lockhound-args:\n", "malformed lockhound-args line");
}

Test(expect_forms, exact_lines_keep_their_verdict_and_exit_code) {
  verdict("// lockhound-expect: lock-order-inversion lock_a lock_b\n", inversion, 1, nothing, 0, "",
          "", 66);
  verdict("// lockhound-expect: none\n", inversion, 1, nothing, 0, "",
          "lock-order-inversion lock_a lock_b", 0);
  verdict("// lockhound-expect: none\n// lockhound-expect-warning: possible-stall x\n", nothing, 0,
          nothing, 0, "warning possible-stall x", "", 0);
}

Test(expect_forms, at_least_allows_more_of_its_kind_only) {
  const char *at_least = "// lockhound-expect-at-least: lock-order-inversion lock_a lock_b\n";
  verdict(at_least, inversion, 1, nothing, 0, "", "", 66);
  verdict(at_least, two_inversions, 2, nothing, 0, "", "", 66);
  verdict(at_least, deadlock_and_inversion, 2, nothing, 0, "", "deadlock lock_a lock_b", 66);
  verdict(at_least, nothing, 0, nothing, 0, "lock-order-inversion lock_a lock_b", "", 0);
}

Test(expect_forms, one_of_wants_exactly_one) {
  const char *either = "// lockhound-expect-one-of: deadlock lock_a lock_b | "
                       "lock-order-inversion lock_a lock_b\n";
  verdict(either, inversion, 1, nothing, 0, "", "", 66);
  verdict(either, nothing, 0, nothing, 0,
          "one of: deadlock lock_a lock_b | lock-order-inversion lock_a lock_b", "", 0);
  verdict(either, deadlock_and_inversion, 2, nothing, 0, "",
          "more than one of: deadlock lock_a lock_b | lock-order-inversion lock_a lock_b", 66);
}

/* A program that deadlocks on some runs only: both schedules pass. */
Test(expect_forms, one_of_none_makes_a_finding_optional) {
  const char *sometimes = "// lockhound-expect: lock-order-inversion lock_a lock_b\n"
                          "// lockhound-expect-one-of: deadlock lock_a lock_b | none\n";
  verdict(sometimes, inversion, 1, nothing, 0, "", "", 66);
  verdict(sometimes, deadlock_and_inversion, 2, nothing, 0, "", "", 66);
  verdict(sometimes, two_inversions, 2, nothing, 0, "", "lock-order-inversion lock_c lock_d", 66);
}

Test(expect_forms, a_given_exit_code_wins) {
  verdict("// lockhound-expect-at-least: lock-order-inversion lock_a lock_b\n"
          "// lockhound-exit: 3\n",
          inversion, 1, nothing, 0, "", "", 3);
}

Test(expect_forms, looser_forms_match_warnings_too) {
  static const char *const stall[] = {"possible-stall jobs"};
  verdict("// lockhound-expect-one-of: possible-stall jobs | none\n", nothing, 0, stall, 1, "", "",
          0);
  verdict("// lockhound-expect-at-least: deadlock a b\n", nothing, 0, stall, 1, "deadlock a b",
          "warning possible-stall jobs", 0);
}
