/* cond_wait_sites.h - `cond-wait-not-in-loop`: condition-variable waits whose condition nothing
 * checks again when they return (an `if` where a `while` belongs), found by reading the program's
 * source at each place it waited (the library's `cond_wait_site` records).
 *
 * Algorithm: for each wait site's stack, innermost frame first, frames without a source line are
 * skipped (the C library, libstdc++'s condition_variable::wait); the first frame with one is read
 * (source_loops.h). In a loop: nothing to say. Under an `if` with no `else` and no loop that
 * checks: the finding (detail "if"). Unconditional in its function: the caller's call is read the
 * same way (a wait in a helper that its caller loops around is fine), and a wait that no loop
 * re-runs up to the thread's start is the finding (detail "no-loop"). Anything else, or a source
 * file that may not be read, gives nothing.
 *
 * Limits: source files are read only where a report may show them (under --source-root, else the
 * directories the module was built from: symbolize.h, lh_sym_source_dirs) - a program built
 * elsewhere, or without -g, is not checked. Python programs are not checked. The heuristics and
 * their blind spots are source_loops.h's. */
#ifndef LH_COND_WAIT_SITES_H
#define LH_COND_WAIT_SITES_H

#include "model/model.h"
#include "symbols/symbolize.h"

/* Adds an incident to m for each wait site found waiting outside a loop. Call before the analysis
 * (lh_analyse turns incidents into findings), after the source roots are set. */
void lh_cond_wait_sites_check(struct lh_symbolizer *sym, struct lh_model *m);

#endif
