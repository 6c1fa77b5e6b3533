/* race_findings.h - data races as findings: one per pair of code sites, and the memory they race on.
 *
 * A data race comes from the library as a `finding` record of kind data-race (run_loader.c keeps
 * it as an incident with its `race`). race_findings.c turns it into a finding deduplicated by its
 * two sites; race_variables.c says which memory it is (a global's name, a heap block, an
 * address); report_race.c tells it (text, JSON, the --explain interleaving). */
#ifndef LH_RACE_FINDINGS_H
#define LH_RACE_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/findings.h"
#include "model/model.h"
#include "symbols/symbolize.h"

/* Adds the finding of the model's data-race incident i, unless a race between the same two code
 * sites is already there. Returns whether it was new. */
bool lh_findings_add_race(struct lh_findings *f, const struct lh_model *m, uint32_t i);

/* The site of a stack's innermost frame, as a key: "FILE:LINE" (the file as the debug info
 * names it) when sym can tell, else module path + "+" + module-relative pc in hex, "?" without
 * a stack. Caller frees. */
char *lh_race_site(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack);

/* Which memory a race is on (race_variables.c). */
enum lh_race_memory { LH_RACE_GLOBAL, LH_RACE_HEAP, LH_RACE_OTHER };

struct lh_race_variable {
  enum lh_race_memory memory;
  char *name;  /* as expectations name it: "stats.hits", "heap:make_node", "addr:0x7ffc10" */
  char *shown; /* in sentences and tables: "stats.hits", "heap:make_node+16", "0x7ffc10" */
  const char *decl_file; /* a global's definition (DWARF), NULL when unknown; the symbolizer's */
  int decl_line;
  const char *module; /* a global's module path (the model's) */
  uint64_t offset;    /* heap: from the start of the block */
  uint64_t bytes;     /* how many bytes both accesses touch */
};

/* Names the memory of race r; sym may be NULL (then no DWARF names). Free with
 * lh_race_variable_free. */
void lh_race_variable(struct lh_symbolizer *sym, const struct lh_model *m, const struct lh_race *r,
                      struct lh_race_variable *out);
void lh_race_variable_free(struct lh_race_variable *v);

#endif
