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
 * Two looser forms, for a program whose findings depend on the schedule (one that deadlocks only
 * on some runs), matched against the findings of both levels that the exact lines above left:
 *   lockhound-expect-at-least: KEY  KEY must be found; further findings of KEY's kind (other
 *                              names, the same names again) are allowed
 *   lockhound-expect-one-of: KEY | KEY ...   exactly one of the alternatives is found; an
 *                              alternative `none` allows none of them (an optional finding)
 * Whatever no line accounts for is unexpected. Each run is judged alone: under --repeat a
 * one-of may be met by a different alternative in each run. A spec needs at least one
 * expect, expect-at-least or expect-one-of line.
 *
 * The other lines of a program's top comment:
 *   lockhound-exit: N          the exit code of `lockhound run` (default: 66 when the run
 *                              has an error-level finding, else 0)
 *   lockhound-args: ARG...     the program's arguments (after its name; lines add up)
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

/* One lockhound-expect-one-of: line. */
struct lh_expect_one_of {
  struct lh_expect_keys alternatives; /* sorted; `none` is not among them */
  int none;                           /* `none` is an alternative */
};

struct lh_expect_spec {
  struct lh_expect_keys errors;    /* lockhound-expect: */
  struct lh_expect_keys warnings;  /* lockhound-expect-warning: */
  struct lh_expect_keys at_least;  /* lockhound-expect-at-least: */
  struct lh_expect_one_of *one_of; /* lockhound-expect-one-of:, in file order */
  size_t one_of_count;
  int exit_code;  /* lockhound-exit:, or the default for a run matching the exact lines */
  int exit_given; /* a lockhound-exit: line gave it (else: 66 iff error findings, see above) */
  char **args;    /* lockhound-args:, in order */
  size_t arg_count;
  char **options;    /* lockhound-options:, in order */
  int *option_lines; /* the line of the file each option is on */
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

/* Matches a run's error and warning keys against spec: *missing gets what the spec wants and the
 * run lacks (an exact key, an at-least key, "one of: A | B" when none is there), *unexpected what
 * the run has and nothing accounts for ("more than one of: A | B" when several are there); a
 * warning-level key is written "warning KEY". Both sorted; empty when the run matches. Caller
 * frees both. */
void lh_expect_match(const struct lh_expect_spec *spec, const struct lh_expect_keys *errors,
                     const struct lh_expect_keys *warnings, struct lh_expect_keys *missing,
                     struct lh_expect_keys *unexpected);
/* The exit code a run with these error findings must have: lockhound-exit:; else, for a spec of
 * exact lines only, 66 when it expects an error, else 0 (spec->exit_code); else 66 when the run
 * has error findings, else 0. */
int lh_expect_exit_code(const struct lh_expect_spec *spec, const struct lh_expect_keys *errors);

/* The key of one finding of a --json document (its kind and sorted names). Returns 0, or -1 when
 * the finding lacks what the contract requires. Caller frees *key. */
int lh_expect_key_of_finding(const json_t *finding, char **key);

/* One line per key, for failure messages; "(none)" for an empty list. Caller frees. */
char *lh_expect_keys_format(const struct lh_expect_keys *list);
int lh_expect_keys_equal(const struct lh_expect_keys *a, const struct lh_expect_keys *b);
/* The keys of a that b lacks, as a multiset difference (a key twice in a and once in b is
 * once in the result); *out is sorted and owns copies. */
void lh_expect_keys_minus(const struct lh_expect_keys *a, const struct lh_expect_keys *b,
                          struct lh_expect_keys *out);
void lh_expect_keys_free(struct lh_expect_keys *list);

#endif
