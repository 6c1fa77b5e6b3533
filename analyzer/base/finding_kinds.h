/* finding_kinds.h - the one list of finding kinds (common/finding_kinds.def) as the analyzer uses it:
 * an enum, each kind's rule id, title and level, and the kind of a rule id read from a run file or a
 * suppression. Every report format, suppressions, JSON and SARIF rule ids come from here. */
#ifndef LH_FINDING_KINDS_H
#define LH_FINDING_KINDS_H

enum lh_level { LH_LEVEL_ERROR, LH_LEVEL_NOTE, LH_LEVEL_WARNING };

#include "common/finding_kinds.h"

const char *lh_kind_rule(enum lh_finding_kind kind);  /* "lock-order-inversion" */
const char *lh_kind_title(enum lh_finding_kind kind); /* "potential deadlock (...)" */
const char *lh_level_name(enum lh_level level);       /* "error" / "note" / "warning" */
enum lh_level lh_kind_level(enum lh_finding_kind kind);
/* The kind of a rule id, or -1 when there is none. */
int lh_kind_of_rule(const char *rule);

#endif
