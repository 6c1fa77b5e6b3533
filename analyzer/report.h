/* report.h - what every report format needs: the model, the findings and how to name things. */
#ifndef LH_REPORT_H
#define LH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"
#include "findings.h"
#include "model.h"
#include "symbolize.h"

struct lh_report {
  const struct lh_model *m;
  const struct lh_findings *findings;
  const struct lh_analysis_stats *stats;
  char **lock_names;          /* per model lock (lock_names.c) */
  struct lh_symbolizer *sym;
  bool verbose;               /* also show notes */
};

/* "T1", or "T1@4242" when the report covers several processes (thread numbers repeat). */
void lh_thread_label(const struct lh_model *m, uint32_t thread, char *buf, size_t size);

/* The text report on out (report_text.c). */
void lh_report_text(FILE *out, const struct lh_report *r);

/* The "Possible unsafe locking scenario" table of a finding (scenario_table.c); every line
 * starts with prefix. */
void lh_scenario_table(FILE *out, const char *prefix, const struct lh_report *r,
                       const struct lh_finding *f);

/* The JSON report into path (report_json.c). Returns 0, or -1 after a message on stderr. */
int lh_report_json(const char *path, const struct lh_report *r);

#endif
