/* fuzz_run_loader.c - libFuzzer harness for the run-file loader and everything after it.
 *
 * Each input is treated as a run file: loaded, and when accepted, analysed, named and reported
 * (text and JSON to /dev/null), so any input that crashes or corrupts memory anywhere in the
 * pipeline is found. Build and run (clang only; see tests/fuzz/CMakeLists.txt):
 *   cmake -S tests/fuzz -B build-fuzz -DCMAKE_C_COMPILER=clang && cmake --build build-fuzz
 *   build-fuzz/fuzz_run_loader -max_total_time=60 /tmp/corpus/run tests/fixtures/runs
 * The fixtures directory is a good seed corpus (given second: libFuzzer writes into the first). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "symbols/lock_names.h"
#include "model/model.h"
#include "report/report.h"
#include "model/run_loader.h"
#include "symbols/symbolize.h"

/* One symbolizer for the whole fuzzing session (owned here, never freed: the process ends). */
static struct lh_symbolizer *sym;
static FILE *null_out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!sym) {
    sym = lh_sym_new();
    null_out = fopen("/dev/null", "w");
  }
  struct lh_model *m = lh_model_new();
  if (lh_load_run_text(m, "fuzz.lhrun", (const char *)data, size, null_out) == 0) {
    lh_model_finish(m);
    struct lh_analysis_options o = {8};
    struct lh_analysis_stats stats;
    struct lh_findings *f = lh_analyse(m, &o, &stats);
    char **names = lh_lock_names(sym, m);
    struct lh_lock_name_memo memo = {names};
    struct lh_report r = {m, f, &stats, &memo, sym, true};
    lh_report_text(null_out, &r);
    lh_report_json("/dev/null", &r);
    lh_lock_names_free(names, m->nlocks);
    lh_findings_free(f);
  }
  lh_model_free(m);
  return 0;
}
