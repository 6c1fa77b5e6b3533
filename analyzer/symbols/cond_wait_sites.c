/* cond_wait_sites.c - see cond_wait_sites.h. */
#include "symbols/cond_wait_sites.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/finding_kinds.h"
#include "base/grow.h"
#include "base/input_file.h"
#include "symbols/frames.h"
#include "symbols/source_loops.h"

#define MAX_FRAMES 16

/* The context of frame f's call, reading its file only where a report may show it. */
static enum lh_loop_context frame_context(struct lh_symbolizer *sym,
                                          const struct lh_shown_frame *f) {
  char real[PATH_MAX], why[LH_INPUT_WHY_SIZE];
  size_t ndirs, len;
  if (!f->module || !realpath(f->file, real) || lh_path_is_pseudo(real)) return LH_LOOP_UNKNOWN;
  const char *const *dirs = lh_sym_source_dirs(sym, f->module, &ndirs);
  if (!lh_path_under(real, dirs, ndirs)) return LH_LOOP_UNKNOWN;
  char *text = lh_input_slurp(real, LH_INPUT_SHOWN_SOURCE, &len, why);
  if (!text) return LH_LOOP_UNKNOWN;
  enum lh_loop_context c = lh_loop_context_of(text, len, f->line);
  free(text);
  return c;
}

/* Frames whose source may be the program's: a system library's never is, and its debug
 * information (libc6-dbg's for the thread's start_thread, say) took 100 ms to load in every
 * report, findings or not (issue 11). */
static bool may_be_readable(const char *module_path) {
  return !lh_module_is_system_library(module_path);
}

/* "if", "no-loop", or NULL when the wait at this stack is fine or cannot be judged. */
static const char *judge(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack) {
  struct lh_shown_frame f[MAX_FRAMES];
  size_t n = lh_frames_of_stack_where(sym, m, stack, f, MAX_FRAMES, may_be_readable);
  bool read_one = false;
  for (size_t i = 0; i < n; i++) {
    if (!f[i].file || f[i].line <= 0 || f[i].python) {
      if (read_one) return NULL; /* called from code lockhound cannot read */
      continue;
    }
    read_one = true;
    switch (frame_context(sym, &f[i])) {
    case LH_LOOP_UNDER_IF: return "if";
    case LH_LOOP_UNCONDITIONAL: continue; /* its caller may loop */
    default: return NULL;
    }
  }
  /* every frame up to the thread's start read, none loops; a full array may have been cut */
  return read_one && n < MAX_FRAMES ? "no-loop" : NULL;
}

static void add_finding(struct lh_model *m, const struct lh_cond_wait_site *w, const char *detail) {
  struct lh_incident x = {.file = w->file,
                          .kind = LH_FINDING_COND_WAIT_NOT_IN_LOOP,
                          .exitcode = -1,
                          .action = lh_xstrdup("continue"),
                          .detail = lh_xstrdup(detail),
                          .lock = LH_NONE,
                          .object = (int32_t)w->object,
                          .thread = LH_NONE};
  x.threads = lh_xcalloc(1, sizeof *x.threads);
  x.nthreads = 1;
  x.threads[0] = (struct lh_incident_thread){.thread = w->thread,
                                             .waits = {.lock = LH_NONE,
                                                       .object = LH_NONE,
                                                       .mutex = LH_NONE,
                                                       .joins = LH_NONE,
                                                       .stack = LH_NONE},
                                             .stack = w->stack,
                                             .tries = {.lock = LH_NONE}};
  lh_model_add_incident(m, &x);
}

void lh_cond_wait_sites_check(struct lh_symbolizer *sym, struct lh_model *m) {
  if (!m->nwait_sites) return;
  bool *judged = lh_xcalloc(m->nstacks ? m->nstacks : 1, sizeof *judged);
  for (size_t i = 0; i < m->nwait_sites; i++) {
    const struct lh_cond_wait_site *w = &m->wait_sites[i];
    if (w->stack < 0 || (size_t)w->stack >= m->nstacks || judged[w->stack] ||
        lh_model_stack_is_python(m, w->stack))
      continue;
    judged[w->stack] = true; /* one finding per place, however many runs waited there */
    const char *detail = judge(sym, m, w->stack);
    if (detail) add_finding(m, w, detail);
  }
  free(judged);
}
