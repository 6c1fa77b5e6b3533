/* fuzz_suppressions.c - libFuzzer harness for the suppression-file reader (suppressions.c through
 * input_file.c's line reader) and the matching of its rules.
 *
 * Each input is a suppression file: read from memory under the same limits as a file, and when
 * accepted, applied to the findings of tests/fixtures/runs/ab_ba.lhrun (analysed afresh for each
 * input, since applying removes findings). Build and run (clang only; tests/fuzz/CMakeLists.txt):
 *   build-fuzz/fuzz_suppressions -max_total_time=60 /tmp/corpus/supp */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/analysis.h"
#include "symbols/lock_names.h"
#include "model/model.h"
#include "report/report.h"
#include "model/run_loader.h"
#include "report/suppressions.h"
#include "symbols/symbolize.h"

/* The fixture's model and a symbolizer, for the whole fuzzing session (owned here, never freed:
 * the process ends). */
static struct lh_model *model;
static struct lh_symbolizer *sym;
static FILE *null_out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!model) {
    null_out = fopen("/dev/null", "w");
    model = lh_model_new();
    if (lh_load_run_file(model, LH_FIXTURES "/ab_ba.lhrun", null_out) != 0) abort();
    lh_model_finish(model);
    sym = lh_sym_new();
  }
  struct lh_suppressions *s = lh_suppressions_new();
  if (lh_suppressions_load_text(s, "fuzz.supp", (const char *)data, size, null_out) == 0) {
    struct lh_analysis_options o = {8};
    struct lh_analysis_stats stats;
    struct lh_findings *f = lh_analyse(model, &o, &stats);
    char **names = lh_lock_names(sym, model);
    struct lh_lock_name_memo memo = {names};
    struct lh_report r = {model, f, &stats, &memo, sym, true, 66};
    char **object_names = lh_object_names(sym, model);
    lh_suppressions_apply(s, &r, f, object_names);
    lh_lock_names_free(object_names, model->nobjects);
    lh_lock_names_free(names, model->nlocks);
    lh_findings_free(f);
  }
  lh_suppressions_free(s);
  return 0;
}
