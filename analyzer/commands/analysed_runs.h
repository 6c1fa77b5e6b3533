/* analysed_runs.h - the step every command that reads run files shares (report, graph, and run,
 * which reports on the files its program left): load and merge them into one model, analyse it,
 * and name what the findings refer to - everything a report writer needs (struct lh_report). */
#ifndef LH_ANALYSED_RUNS_H
#define LH_ANALYSED_RUNS_H

#include <stdio.h>

#include "analysis/analysis.h"
#include "commands/options.h"
#include "model/model.h"
#include "report/report.h"
#include "symbols/symbolize.h"

struct lh_analysed_runs {
  struct lh_model *m;
  struct lh_findings *findings; /* NULL until analysed */
  struct lh_analysis_stats stats;
  struct lh_symbolizer *sym;
  struct lh_lock_name_memo lock_names; /* made when a report first names a lock */
  struct lh_report report;             /* over all of the above, once analysed */
};

/* Loads files into a new model, messages on diag. Returns 0, or LH_EXIT_USAGE when a file
 * cannot be used (the message is printed); a->m is made either way (lh_analysed_runs_free). */
int lh_analysed_runs_load(struct lh_analysed_runs *a, char *const *files, size_t nfiles,
                          FILE *diag);
/* Merges, analyses (o->max_cycle_length) and names; the report shows notes when o->verbose, and
 * its sources only under o's --source-root directories (if any). */
void lh_analysed_runs_analyse(struct lh_analysed_runs *a, const struct lh_options *o);
void lh_analysed_runs_free(struct lh_analysed_runs *a);

#endif
