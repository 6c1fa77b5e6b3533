/* race_findings.c - a data race as a finding, deduplicated by the pair of code sites.
 *
 * The library writes one record per pair of access stacks, but runs are merged and different
 * stacks share their innermost frames (the same statement reached through other callers), so a
 * race is one finding per *pair of sites*: the innermost frame of each access's stack, as
 * FILE:LINE when the debug info tells (both halves of `counter++`, a read and a write at two pcs
 * of one line, are one site), else module path + offset. The pair is unordered (T1 reading at a
 * and T2 writing at b is the race of T2 reading at b and T1 writing at a, seen the other way), so
 * the key is the rule id and the two sites in sorted order. No address, thread number or time is
 * in it: the same race in another run of the program has the same key, hence the same id. The
 * finding shown is the first record with that key, in the order the files were read. The
 * variable is not in the key: one statement racing on counts[1] in one run and counts[2] in
 * another is one bug.
 *
 * Sites are symbolised here, during the analysis, which has no symbolizer of its own: key_sym
 * below is created on the first race and kept (modules are opened once), then freed at exit. */
#include "analysis/race_findings.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "symbols/frames.h"

/* The symbolizer of race keys. Owned by this file: created on the first data race, kept for the
 * life of the process so that every later analysis reuses its open modules, freed at exit. The
 * analyzer is single-threaded. */
char *lh_race_site(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack) {
  struct lh_shown_frame top[1];
  char *site = NULL;
  if (lh_frames_of_stack(sym, m, stack, top, 1) == 1 && top[0].file && top[0].line > 0) {
    if (asprintf(&site, "%s:%d", top[0].file, top[0].line) < 0) site = NULL;
    if (site) return site;
  }
  size_t len = 0, cap = 0;
  lh_key_append_site(&site, &len, &cap, m, stack);
  return site;
}

/* The kind and the two sites in stable words, in order. */
static char *race_id_text(struct lh_findings *f, const struct lh_model *m,
                          const struct lh_race *r) {
  char *a = NULL, *b = NULL, *text = NULL;
  size_t la = 0, ca = 0, lb = 0, cb = 0, len = 0, cap = 0;
  lh_stable_site(f, m, r->access[0].stack, &a, &la, &ca);
  lh_stable_site(f, m, r->access[1].stack, &b, &lb, &cb);
  bool swap = strcmp(a, b) > 0;
  lh_key_append(&text, &len, &cap, lh_kind_rule(LH_FINDING_DATA_RACE));
  lh_key_append(&text, &len, &cap, "\n");
  lh_key_append(&text, &len, &cap, swap ? b : a);
  lh_key_append(&text, &len, &cap, "\n");
  lh_key_append(&text, &len, &cap, swap ? a : b);
  free(a);
  free(b);
  return text;
}

bool lh_findings_add_race(struct lh_findings *f, const struct lh_model *m, uint32_t i) {
  const struct lh_race *r = m->incidents[i].race;
  struct lh_symbolizer *sym = lh_key_symbolizer();
  char *a = lh_race_site(sym, m, r->access[0].stack), *b = lh_race_site(sym, m, r->access[1].stack);
  if (strcmp(a, b) > 0) {
    char *t = a;
    a = b;
    b = t;
  }
  char *key = NULL;
  size_t len = 0, cap = 0;
  lh_key_append(&key, &len, &cap, lh_kind_rule(LH_FINDING_DATA_RACE));
  lh_key_append(&key, &len, &cap, "\n");
  lh_key_append(&key, &len, &cap, a);
  lh_key_append(&key, &len, &cap, "\n");
  lh_key_append(&key, &len, &cap, b);
  free(a);
  free(b);
  struct lh_finding x = {.kind = LH_FINDING_DATA_RACE,
                         .level = lh_kind_level(LH_FINDING_DATA_RACE),
                         .key = key,
                         .id_text = race_id_text(f, m, r),
                         .incident = (int32_t)i};
  return lh_findings_insert(f, &x);
}
