/* explanations.h - what --explain adds to a finding: its kind told for a student, in every
 * language of the report. One entry per finding kind (finding_kinds.def); test_explain.c fails
 * when a kind has none in some language. */
#ifndef LH_EXPLANATIONS_H
#define LH_EXPLANATIONS_H

#include "analysis/findings.h"
#include "report/i18n/messages.h"

#define LH_EXPLAIN_LINES 4 /* per part, NULL-terminated: at most 3 lines */

struct lh_explanation {
  const char *what[LH_EXPLAIN_LINES];  /* what goes wrong */
  const char *why[LH_EXPLAIN_LINES];   /* why it goes wrong */
  const char *fixes[LH_EXPLAIN_LINES]; /* the usual fixes, one per line */
};

/* The explanation of kind in lang (English when lang has none); NULL for an unknown kind. */
const struct lh_explanation *lh_explanation(enum lh_lang lang, enum lh_finding_kind kind);
/* The table entry itself, NULL when missing (for the completeness test). */
const struct lh_explanation *lh_explanation_raw(enum lh_lang lang, enum lh_finding_kind kind);
/* The pattern double-checked locking (a data race that report_race.c recognises as one): what it
 * is, why it races, and its fixes (pthread_once; an acquire load and a release store). */
const struct lh_explanation *lh_explanation_double_checked(enum lh_lang lang);
/* Whether --explain shows an interleaving table for kind (the cycles). */
bool lh_explain_has_steps(enum lh_finding_kind kind);

#endif
