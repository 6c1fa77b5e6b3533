/* findings.h - the list of findings: one per distinct problem, in a stable order, with stable ids. */
#ifndef LH_FINDINGS_H
#define LH_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/igoodlock.h"
#include "base/finding_kinds.h"
#include "model/model.h"

struct lh_finding {
  enum lh_finding_kind kind;
  enum lh_level level;
  char *key;   /* what makes it distinct; the order of findings is the order of keys */
  char id[17]; /* 16 hex digits: FNV-1a 64 of the key */
  /* lock-order cycles: */
  size_t n;        /* cycle length */
  uint32_t *locks; /* l_1 .. l_n: step i holds locks[i] and wants locks[(i+1) % n] */
  struct lh_step *steps;
  /* run-time findings (incident_findings.c): */
  int32_t incident; /* the model's incident it comes from; LH_NONE for a lock-order cycle */
  size_t nabout, nobjects;
  uint32_t *about;   /* the locks it is about (sorted by key, each once) */
  uint32_t *objects; /* the objects it is about (sorted by key, each once) */
};

struct lh_findings {
  struct lh_finding *items;
  size_t n, cap;
  struct lh_finding_index *index; /* key -> finding, for deduplication */
};

struct lh_findings *lh_findings_new(void);
void lh_findings_free(struct lh_findings *f);

/* Adds a lock-order cycle found by the search (locks[i] -> locks[i+1] by steps[i]). The cycle is
 * rotated to start at the lock with the smallest key; a cycle whose key is already present is
 * dropped. Returns whether it was added. */
bool lh_findings_add_cycle(struct lh_findings *f, const struct lh_model *m, enum lh_level level,
                           const uint32_t *locks, const struct lh_step *steps, size_t n);

/* Adds *x (its key set, taking ownership of its key and arrays) unless a finding with the same key
 * is present, in which case x's parts are freed. Sets the id. Returns whether it was added. */
bool lh_findings_insert(struct lh_findings *f, struct lh_finding *x);

/* Adds the finding of the model's incident i (incident_findings.c). Returns whether it was new. */
bool lh_findings_add_incident(struct lh_findings *f, const struct lh_model *m, uint32_t i);

/* Sorts by key: the same input gives the same order. */
void lh_findings_sort(struct lh_findings *f);

size_t lh_findings_count(const struct lh_findings *f, enum lh_level level);
/* Drops finding i (a suppressed one); the others keep their order. */
void lh_findings_remove(struct lh_findings *f, size_t i);

/* Building keys: text appended to a growing string; a stack's site (its first frame as module path
 * + module-relative offset, "?" when unknown). */
void lh_key_append(char **buf, size_t *len, size_t *cap, const char *text);
void lh_key_append_site(char **buf, size_t *len, size_t *cap, const struct lh_model *m,
                        int32_t stack);

/* FNV-1a 64 of text as 16 lower-case hex digits. */
void lh_stable_id(const char *text, char out[17]);

#endif
