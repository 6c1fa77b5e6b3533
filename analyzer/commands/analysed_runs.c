/* analysed_runs.c - see analysed_runs.h. */
#include "commands/analysed_runs.h"
#include "symbols/frames.h"

#include <string.h>

#include "model/run_loader.h"
#include "symbols/cond_wait_sites.h"
#include "symbols/lock_names.h"
#include "symbols/python_names.h"

int lh_analysed_runs_load(struct lh_analysed_runs *a, char *const *files, size_t nfiles,
                          FILE *diag) {
  memset(a, 0, sizeof *a);
  a->m = lh_model_new();
  return lh_load_run_files(a->m, files, nfiles, diag) != 0 ? LH_EXIT_USAGE : 0;
}

void lh_analysed_runs_analyse(struct lh_analysed_runs *a, const struct lh_options *o) {
  lh_model_finish(a->m);
  struct lh_analysis_options ao = {o->max_cycle_length};
  a->sym = lh_sym_new();
  lh_frames_show_interpreter(o->verbose);
  lh_sym_set_source_roots(a->sym, (const char *const *)o->source_roots, o->nsource_roots);
  lh_python_mark_acquisitions(a->sym, a->m); /* before the analysis: tries order nothing */
  lh_cond_wait_sites_check(a->sym, a->m);    /* its findings are incidents */
  a->findings = lh_analyse(a->m, &ao, &a->stats);
  a->report = (struct lh_report){a->m,   a->findings, &a->stats,        &a->lock_names,
                                 a->sym, o->verbose,  o->error_exitcode};
}

void lh_analysed_runs_free(struct lh_analysed_runs *a) {
  if (a->lock_names.names) lh_lock_names_free(a->lock_names.names, a->m->nlocks);
  if (a->sym) lh_sym_free(a->sym);
  if (a->findings) lh_findings_free(a->findings);
  if (a->m) lh_model_free(a->m);
  memset(a, 0, sizeof *a);
}
