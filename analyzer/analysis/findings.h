/* findings.h - the list of findings: one per distinct problem, in a stable order, with stable ids.
 *
 * Every finding is described twice, in two vocabularies (struct lh_key_words): its key, in exact
 * words (module offsets, merge keys), says which findings are the same within one analysis; its
 * id text, in stable words (function, file base name, line relative to the function, variable
 * names: finding_ids.c), is hashed into the id, which stays the same across rebuilds, build
 * folders, compilers and optimisation levels. */
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
  char *key;     /* what makes it distinct; the order of findings is the order of keys */
  char *id_text; /* the same in stable words (NULL: the key); owned */
  char id[17];   /* 16 hex digits: FNV-1a 64 of the id text, made unique (finding_ids.c) */
  /* lock-order cycles: one example cycle, and how many cycles its steps' sites make */
  size_t n;        /* cycle length */
  uint32_t *locks; /* l_1 .. l_n: step i holds locks[i] and wants locks[(i+1) % n] */
  struct lh_step *steps;
  size_t cycles; /* cycles through the same sites, grouped here (1: the example alone); their
                  * locks are `about` */
  /* run-time findings (incident_findings.c): */
  int32_t incident; /* the model's incident it comes from; LH_NONE for a lock-order cycle */
  size_t nabout, nobjects, about_cap;
  uint32_t *about;   /* the locks it is about (sorted by key, each once); for a lock-order
                      * cycle, the locks of every cycle grouped in it */
  uint32_t *objects; /* the objects it is about (sorted by key, each once) */
};

struct lh_findings {
  struct lh_finding *items;
  size_t n, cap;
  struct lh_finding_index *index; /* key -> finding, for deduplication */
  struct lh_stable_words *stable; /* memo of the stable words (finding_ids.c), made on demand */
};

/* The words keys are made of: exact, or stable (see the top of this file). */
struct lh_key_words {
  struct lh_findings *f;
  const struct lh_model *m;
  bool stable;
};

/* Appends the site of a stack: exact, its first frame as module path + module-relative offset
 * ("?" when unknown); stable, "function file:+N" (N lines into the function). */
void lh_key_site(const struct lh_key_words *w, char **buf, size_t *len, size_t *cap, int32_t stack);
/* A lock or object (LH_NONE: ""): exact, its merge key; stable, its variable's name or its
 * kind and creation site. The string lives as long as the model or the findings. */
const char *lh_key_lock(const struct lh_key_words *w, int32_t lock);
const char *lh_key_object(const struct lh_key_words *w, int32_t object);

struct lh_findings *lh_findings_new(void);
void lh_findings_free(struct lh_findings *f);

/* Adds a lock-order cycle found by the search (locks[i] -> locks[i+1] by steps[i]). Cycles of one
 * level whose steps have the same sites (the same lines, reached with other locks: one bug) are
 * one finding: the first is its example, the others add their locks to it. Returns whether a
 * new finding was made. */
bool lh_findings_add_cycle(struct lh_findings *f, const struct lh_model *m,
                           enum lh_finding_kind kind, enum lh_level level, const uint32_t *locks,
                           const struct lh_step *steps, size_t n);

/* Adds *x (its key set, and its id text or NULL; taking ownership of them and of its arrays)
 * unless a finding with the same key is present, in which case x's parts are freed. Sets the id.
 * Returns whether it was added. */
bool lh_findings_insert(struct lh_findings *f, struct lh_finding *x);

/* Adds the finding of the model's incident i (incident_findings.c). Returns whether it was new. */
bool lh_findings_add_incident(struct lh_findings *f, const struct lh_model *m, uint32_t i);

/* Sorts by key (the same input gives the same order), and makes ids unique: a finding whose id
 * text hashes like an earlier one's gets the hash of its id text and "#2", "#3"... */
void lh_findings_sort(struct lh_findings *f, const struct lh_model *m);

size_t lh_findings_count(const struct lh_findings *f, enum lh_level level);
/* Drops finding i (a suppressed one); the others keep their order. */
void lh_findings_remove(struct lh_findings *f, size_t i);

/* Building keys: text appended to a growing string; a stack's exact site (its first frame as
 * module path + module-relative offset, "?" when unknown). */
void lh_key_append(char **buf, size_t *len, size_t *cap, const char *text);
void lh_key_append_site(char **buf, size_t *len, size_t *cap, const struct lh_model *m,
                        int32_t stack);

/* FNV-1a 64 of text as 16 lower-case hex digits. */
void lh_stable_id(const char *text, char out[17]);

/* finding_ids.c: the stable words, and freeing their memo. */
void lh_stable_site(struct lh_findings *f, const struct lh_model *m, int32_t stack, char **buf,
                    size_t *len, size_t *cap);
const char *lh_stable_lock(struct lh_findings *f, const struct lh_model *m, int32_t lock);
const char *lh_stable_object(struct lh_findings *f, const struct lh_model *m, int32_t object);
void lh_stable_words_free(struct lh_stable_words *w);
/* The analysis's symbolizer (for key words; one per process, freed at exit). */
struct lh_symbolizer *lh_key_symbolizer(void);
void lh_findings_unique_ids(struct lh_findings *f);

#endif
