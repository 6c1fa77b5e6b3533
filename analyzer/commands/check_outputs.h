/* check_outputs.h - what `lockhound check` writes for CI besides its PASS/FAIL lines: --json (every
 * program's verdict and findings), --junit (JUnit XML for GitLab and Jenkins) and --sarif (every
 * program's findings as one SARIF log, report_sarif.c). The mapping is check_outputs.c's top
 * comment and docs/findings.md. */
#ifndef LH_CHECK_OUTPUTS_H
#define LH_CHECK_OUTPUTS_H

#include <jansson.h>
#include <stddef.h>

#include "commands/expectations.h"

enum lh_check_verdict {
  LH_CHECK_PASS,
  LH_CHECK_FAIL,  /* the findings or the exit code differ from the expectations */
  LH_CHECK_SKIP,  /* lockhound-pending: */
  LH_CHECK_ERROR, /* not checked: no expectations, did not build, did not run or end, no report */
};

/* One program checked. */
struct lh_check_result {
  char *path; /* as given or found below a directory */
  enum lh_check_verdict verdict;
  char *message;  /* why it failed, was skipped or not checked; NULL when it passed */
  double time_s;  /* building and every run */
  unsigned runs;  /* runs made (--repeat) */
  json_t *report; /* the --json document of the run that decided, or NULL */
  char *output;   /* that run's text (lockhound run's stdout and stderr), or NULL */
  struct lh_expect_keys missing, unexpected; /* lh_expect_match of that run (a failure) */
  int exit_code, expected_exit;              /* of that run; -1 when it made none */
};

void lh_check_result_free(struct lh_check_result *r);

/* Each writes path ("-" is refused before: check's stdout has its lines); 0, or -1 after a
 * message on stderr. */
int lh_check_write_json(const char *path, const struct lh_check_result *results, size_t n);
int lh_check_write_junit(const char *path, const struct lh_check_result *results, size_t n);
/* source_root: an absolute directory, as for lh_report_sarif. */
int lh_check_write_sarif(const char *path, const struct lh_check_result *results, size_t n,
                         const char *source_root);

#endif
