/* expectations.h - the two sides of a sample check, as comparable strings.
 *
 * One parser for `lockhound check` and for the integration tests (tests/integration link this
 * module), so that the two can never disagree about what a sample expects.
 *
 * A finding is reduced to its key: the kind, then the names of its locks and of its objects
 * (semaphores, condition variables, barriers) together, sorted, each once, written as in a
 * `lockhound-expect:` line (a name containing a space in double quotes), separated by single
 * spaces - e.g. `lock-order-inversion lock_a lock_b`, `stall start_line`. A data race is keyed
 * by its variable alone, named as the report names it: a global's DWARF path (`data-race counter`,
 * `data-race acct.balance`, `data-race table[3]`), heap memory by the innermost function of the
 * allocation stack that is not malloc, calloc or realloc itself (`data-race heap:make_node`), any
 * other memory by its address (`data-race addr:0x7ffc1234`: it changes from run to run, so a
 * sample cannot expect it). A program passes when
 * the sorted keys of its level-"error" findings equal those of its `lockhound-expect:` lines and
 * the keys of its level-"warning" findings those of its `lockhound-expect-warning:` lines.
 *
 * The other lines of a program's top comment:
 *   lockhound-exit: N          the exit code of `lockhound run` (default: 66 when an error is
 *                              expected, else 0)
 *   lockhound-options: OPT...  extra options for `lockhound run`, before the `--` (lockhound
 *                              check takes only those that cannot write files or change the
 *                              verdict: command_check.c)
 *   lockhound-pending: REASON  the tools cannot give the expected findings yet: the check is
 *                              skipped with REASON, the sample still builds
 * The tags read the same in a C comment and in a Python program's `#` comment lines (`#
 * lockhound-expect: stall jobs.get()`): a line ends at its end or at a `*` `/` that closes a
 * comment, so a second `#` on the line is part of it (quote a name that holds one: "Account.lock
 * #2").
 * Limits: the tags are found anywhere in the file (not only in the top comment), and only the
 * first `lockhound-exit:` and `lockhound-pending:` lines count. */
#ifndef LH_EXPECTATIONS_H
#define LH_EXPECTATIONS_H

#include <jansson.h>
#include <stddef.h>

struct lh_expect_keys {
  char **keys; /* sorted */
  size_t count;
};

#define LH_EXPECT_FOUND_EXIT_CODE 66 /* lockhound's default --error-exitcode */

struct lh_expect_spec {
  struct lh_expect_keys errors;   /* lockhound-expect: */
  struct lh_expect_keys warnings; /* lockhound-expect-warning: */
  int exit_code;                  /* lockhound-exit:, or the default */
  char **options;                 /* lockhound-options:, in order */
  int *option_lines;              /* the line of the file each option is on */
  size_t option_count;
  char *pending; /* lockhound-pending: reason, or NULL */
};

/* Read the expectation lines of a source file. Returns 0, or -1 with a message in *error
 * (caller frees) when the file is unreadable, has no `lockhound-expect:` line, mixes `none` with
 * findings, or has a malformed line. */
int lh_expect_read_spec(const char *path, struct lh_expect_spec *spec, char **error);
/* The same for text already in memory (the fuzz harness); name is the file name messages give.
 * A NUL byte ends the text, as it would end a line of the file. */
int lh_expect_read_spec_text(const char *name, const char *text, size_t len,
                             struct lh_expect_spec *spec, char **error);
void lh_expect_spec_free(struct lh_expect_spec *spec);

/* Keys of the findings of one level ("error", "warning") in a report (the --json document).
 * Returns 0, or -1 with a message in *error when the document does not follow the JSON output
 * contract. */
int lh_expect_from_report(const json_t *report, const char *level, struct lh_expect_keys *list,
                          char **error);

/* One line per key, for failure messages; "(none)" for an empty list. Caller frees. */
char *lh_expect_keys_format(const struct lh_expect_keys *list);
int lh_expect_keys_equal(const struct lh_expect_keys *a, const struct lh_expect_keys *b);
/* The keys of a that b lacks, as a multiset difference (a key twice in a and once in b is
 * once in the result); *out is sorted and owns copies. */
void lh_expect_keys_minus(const struct lh_expect_keys *a, const struct lh_expect_keys *b,
                          struct lh_expect_keys *out);
void lh_expect_keys_free(struct lh_expect_keys *list);

#endif
