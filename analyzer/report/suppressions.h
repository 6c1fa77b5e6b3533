/* suppressions.h - findings the user has chosen not to see (--suppressions=FILE).
 *
 * A suppression file has one rule per line, `KIND:PATTERN`, as ThreadSanitizer's do: KIND is a
 * rule id of finding_kinds.def (`deadlock`, `lock-order-inversion`, ...) or `*` for any, and
 * PATTERN a glob in which `*` and `?` are wildcards and every other character, brackets
 * included, stands for itself - names are written the way the report prints them
 * (`forks[0]`, `accounts[*].lock`) - matched against every name a finding shows: its locks' and
 * objects' names, and the function, source file (full or basename) and module of every frame of
 * its stacks (a data race: also its variable's name, `counter`, `heap:make_node`). `#` starts a
 * comment; blank lines are ignored. A finding is suppressed when one rule's kind and pattern both
 * match. ThreadSanitizer's `race:` means `data-race:`, and its `race_top:` a data-race rule that
 * only looks at the innermost frame of each access. */
#ifndef LH_SUPPRESSIONS_H
#define LH_SUPPRESSIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "report/report.h"

struct lh_suppressions;

struct lh_suppressions *lh_suppressions_new(void);
void lh_suppressions_free(struct lh_suppressions *s);
/* Adds the rules of path; 0, or nonzero after one message on diag naming the file and line. */
int lh_suppressions_load(struct lh_suppressions *s, const char *path, FILE *diag);
/* The same for rules already in memory (the fuzz harness); name is the file name messages give. */
int lh_suppressions_load_text(struct lh_suppressions *s, const char *name, const char *text,
                              size_t len, FILE *diag);
/* Removes from findings (the list r reports) the suppressed ones, counting each rule's uses;
 * returns how many. */
size_t lh_suppressions_apply(struct lh_suppressions *s, const struct lh_report *r,
                             struct lh_findings *findings, char **object_names);
/* -v: each rule, where it was written, and how often it was used or that it matched nothing
 * (as valgrind's "used suppression" counts), one line each, each line starting with prefix. */
void lh_suppressions_tell_use(const struct lh_suppressions *s, FILE *out, const char *prefix);
/* --gen-suppressions: one ready rule per finding of r, on out - its kind and the name a reader
 * knows it by (the raced variable, else its first lock, else its first object, else the innermost
 * function of its first stack), written as the report prints it, which a rule matches. */
void lh_suppressions_generate(const struct lh_report *r, char **object_names, FILE *out);
/* A rule's pattern as fnmatch is given it: brackets escaped, so that they stand for themselves
 * (caller frees). */
char *lh_suppression_pattern(const char *pattern);

#endif
