/* analysis.h - from a loaded model to the list of findings. */
#ifndef LH_ANALYSIS_H
#define LH_ANALYSIS_H

#include "analysis/cycle_search.h"
#include "analysis/findings.h"
#include "model/model.h"

struct lh_analysis_options {
  unsigned max_cycle_length; /* default 8 */
};

struct lh_analysis_stats {
  size_t edges; /* lock-order edges */
  struct lh_cycle_stats cycles;
  size_t covered;   /* cycles not reported: all their edges are in reported cycles */
  size_t undecided; /* cycles the iGoodlock search gave up on (too many choices) */
};

/* Runs the lock-order pipeline on a finished model (lh_model_finish). */
struct lh_findings *lh_analyse(const struct lh_model *m, const struct lh_analysis_options *o,
                               struct lh_analysis_stats *stats);

#endif
