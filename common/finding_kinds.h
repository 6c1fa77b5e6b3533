/* finding_kinds.h - the finding kinds of finding_kinds.def as an enum, for both halves: the
 * library names the kind of every `finding` record it writes with it (its rule id is the record's
 * `kind`), the analyzer every finding of a report (analyzer/base/finding_kinds.h adds levels and
 * titles). */
#ifndef LH_COMMON_FINDING_KINDS_H
#define LH_COMMON_FINDING_KINDS_H

enum lh_finding_kind {
#define X(e, rule, level, title) e,
#include "common/finding_kinds.def"
#undef X
  LH_FINDING_KIND_COUNT
};

#endif
