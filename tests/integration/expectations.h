/* expectations.h - the two sides of a sample check, as comparable strings.
 *
 * A finding is reduced to its key: the kind, then the names of its locks and of its objects
 * (semaphores, condition variables, barriers) together, sorted, each written as in a
 * `lockhound-expect:` line (a name containing a space in double quotes), separated by single
 * spaces - e.g. `lock-order-inversion lock_a lock_b`, `stall start_line`. A sample passes when
 * the sorted keys of its level-"error" findings equal those of its `lockhound-expect:` lines and
 * the keys of its level-"warning" findings those of its `lockhound-expect-warning:` lines.
 *
 * The other lines of a sample's top comment:
 *   lockhound-exit: N          the exit code of `lockhound run` (default: 66 when an error is
 *                              expected, else 0)
 *   lockhound-options: OPT...  extra options for `lockhound run`, before the `--`
 *   lockhound-pending: REASON  the tools cannot give the expected findings yet: the test is
 *                              skipped with REASON, the sample still builds */
#ifndef LH_TEST_EXPECTATIONS_H
#define LH_TEST_EXPECTATIONS_H

#include <jansson.h>
#include <stddef.h>

struct lh_key_list {
    char **keys;  /* sorted */
    size_t count;
};

#define LH_FOUND_EXIT_CODE 66 /* lockhound's default --error-exitcode */

struct lh_sample_spec {
    struct lh_key_list errors;   /* lockhound-expect: */
    struct lh_key_list warnings; /* lockhound-expect-warning: */
    int exit_code;               /* lockhound-exit:, or the default */
    char **options;              /* lockhound-options:, in order */
    size_t option_count;
    char *pending;               /* lockhound-pending: reason, or NULL */
};

/* Read the expectation lines of a sample source. Returns 0, or -1 with a message in *error
 * (caller frees) when the file is unreadable, has no `lockhound-expect:` line, mixes `none` with
 * findings, or has a malformed line. */
int lh_sample_spec_read(const char *path, struct lh_sample_spec *spec, char **error);
void lh_sample_spec_free(struct lh_sample_spec *spec);

/* Keys of the findings of one level ("error", "warning") in a report (the --json document).
 * Returns 0, or -1 with a message in *error when the document does not follow the JSON output
 * contract. */
int lh_expect_from_report(const json_t *report, const char *level, struct lh_key_list *list,
                          char **error);

/* One line per key, for failure messages; "(none)" for an empty list. Caller frees. */
char *lh_key_list_format(const struct lh_key_list *list);
int lh_key_list_equal(const struct lh_key_list *a, const struct lh_key_list *b);
void lh_key_list_free(struct lh_key_list *list);

#endif
