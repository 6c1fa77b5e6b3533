/* expectations.h - the two sides of a sample check, as comparable strings.
 *
 * A finding is reduced to its key: the kind, then its lock names sorted, each written as in a
 * `lockhound-expect:` line (a name containing a space in double quotes), separated by single
 * spaces - e.g. `lock-order-inversion lock_a lock_b`. A sample passes when the sorted list of
 * keys of its level-"error" findings equals the sorted list of keys of its expectation lines. */
#ifndef LH_TEST_EXPECTATIONS_H
#define LH_TEST_EXPECTATIONS_H

#include <jansson.h>
#include <stddef.h>

struct lh_key_list {
    char **keys;  /* sorted */
    size_t count;
};

/* Read every `lockhound-expect:` line of a sample source. Returns 0, or -1 with a message in
 * *error (caller frees) when the file is unreadable, has no expectation line, or mixes `none`
 * with findings. */
int lh_expect_from_source(const char *path, struct lh_key_list *list, char **error);

/* Keys of the findings of level "error" in a report (the --json document). Returns 0, or -1
 * with a message in *error when the document does not follow the JSON output contract. */
int lh_expect_from_report(const json_t *report, struct lh_key_list *list, char **error);

/* One line per key, for failure messages; "(none)" for an empty list. Caller frees. */
char *lh_key_list_format(const struct lh_key_list *list);
int lh_key_list_equal(const struct lh_key_list *a, const struct lh_key_list *b);
void lh_key_list_free(struct lh_key_list *list);

#endif
