/* finding_kinds.c - see finding_kinds.h. Tables generated from common/finding_kinds.def. */
#include "base/finding_kinds.h"

#include <string.h>

static const char *const rules[] = {
#define X(e, rule, level, title) rule,
#include "common/finding_kinds.def"
#undef X
};
static const char *const titles[] = {
#define X(e, rule, level, title) title,
#include "common/finding_kinds.def"
#undef X
};
static const enum lh_level levels[] = {
#define X(e, rule, level, title) level,
#include "common/finding_kinds.def"
#undef X
};

const char *lh_kind_rule(enum lh_finding_kind kind) {
  return kind < LH_FINDING_KIND_COUNT ? rules[kind] : "?";
}
const char *lh_kind_title(enum lh_finding_kind kind) {
  return kind < LH_FINDING_KIND_COUNT ? titles[kind] : "?";
}
const char *lh_level_name(enum lh_level level) {
  return level == LH_LEVEL_NOTE ? "note" : level == LH_LEVEL_WARNING ? "warning" : "error";
}
enum lh_level lh_kind_level(enum lh_finding_kind kind) {
  return kind < LH_FINDING_KIND_COUNT ? levels[kind] : LH_LEVEL_ERROR;
}

int lh_kind_of_rule(const char *rule) {
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++)
    if (strcmp(rules[k], rule) == 0) return k;
  return -1;
}
