/* report_text.c - the human-readable report, on stderr, in the style people know from valgrind
 * (every line prefixed ==PID==, a closing ERROR SUMMARY) and lockdep (the whole cycle, a stack per
 * step, and a table of the interleaving that deadlocks).
 *
 * Each finding says what happened in one sentence, then for each thread of the cycle which lock
 * it holds (and where it took it) and which lock it wants (and where), then the scenario table.
 * Notes (cycles that thread creation/join keeps from deadlocking) are shown with --verbose only
 * and never count as errors; warnings (a wait cycle that a timeout will break) are shown and
 * counted apart. Findings the library saw happen at run time are told by report_incident.c. After 1000 findings the rest are only counted (the JSON report has
 * them all). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "report.h"

#define TEXT_FRAMES 8
#define LH_MAX_SHOWN_FINDINGS 1000 /* like valgrind: past this, more reports help nobody */

#include "lock_names.h"

#define text lh_text

static void frame_line(const struct text *x, size_t i, const struct lh_shown_frame *f) {
  fprintf(x->out, "%s       #%zu ", x->prefix, i);
  if (f->function) fputs(f->function, x->out);
  else fprintf(x->out, "0x%" PRIx64, f->offset);
  if (f->file && f->line > 0) fprintf(x->out, " %s:%d", lh_basename(f->file), f->line);
  else if (f->module) fprintf(x->out, " (%s)", lh_basename(f->module));
  fputc('\n', x->out);
}

void lh_text_stack(const struct text *x, int32_t stack) {
  struct lh_shown_frame frames[TEXT_FRAMES];
  size_t n = lh_frames_of_stack(x->r->sym, x->r->m, stack, frames, TEXT_FRAMES);
  if (n == 0) fprintf(x->out, "%s       (no stack recorded)\n", x->prefix);
  for (size_t i = 0; i < n; i++) frame_line(x, i, &frames[i]);
}

void lh_text_thread_origin(const struct text *x, uint32_t thread) {
  const struct lh_thread *t = &x->r->m->threads[thread];
  if (strcmp(t->how, "main") == 0) {
    fputs("(main thread)", x->out);
    return;
  }
  if (strcmp(t->how, "fork") == 0) {
    fputs("(the thread of a forked child)", x->out);
    return;
  }
  struct lh_shown_frame f[1];
  if (lh_frames_of_stack(x->r->sym, x->r->m, t->stack, f, 1) == 0) {
    fputs("(created at an unknown place)", x->out);
    return;
  }
  fputs("(created at ", x->out);
  if (f[0].function) fputs(f[0].function, x->out);
  else fprintf(x->out, "0x%" PRIx64, f[0].offset);
  if (f[0].file && f[0].line > 0) fprintf(x->out, " %s:%d", lh_basename(f[0].file), f[0].line);
  fputc(')', x->out);
}

static const char *mode_note(const struct lh_report *r, uint32_t lock, uint8_t mode) {
  if (r->m->locks[lock].kind != LH_LOCK_RWLOCK) return "";
  return mode == LH_MODE_READ ? " (for reading)" : " (for writing)";
}

static void step_lines(const struct text *x, const struct lh_finding *f, size_t i) {
  const struct lh_report *r = x->r;
  const struct lh_tuple *t = &r->m->tuples[f->steps[i].tuple];
  const struct lh_held *h = &t->held[f->steps[i].held];
  char label[64];
  lh_thread_label(r->m, t->thread, label, sizeof label);
  fprintf(x->out, "%s   %s ", x->prefix, label);
  lh_text_thread_origin(x, t->thread);
  fprintf(x->out, " holds %s%s, taken at\n", r->lock_names[h->lock], mode_note(r, h->lock, h->mode));
  lh_text_stack(x, h->stack);
  fprintf(x->out, "%s     and wants %s%s, at\n", x->prefix, r->lock_names[t->lock],
          mode_note(r, t->lock, t->mode));
  lh_text_stack(x, t->stack);
  fprintf(x->out, "%s\n", x->prefix);
}

static void chain(const struct text *x, const struct lh_finding *f) {
  for (size_t i = 0; i <= f->n; i++)
    fprintf(x->out, "%s%s", i ? " -> " : "", x->r->lock_names[f->locks[i % f->n]]);
}

static void finding(const struct text *x, const struct lh_finding *f) {
  if (f->incident != LH_NONE) {
    lh_text_incident(x, f);
    return;
  }
  bool note = f->level == LH_LEVEL_NOTE;
  fprintf(x->out, "%s lockhound: %s%s: %s [id %s]\n", x->prefix, note ? "note: " : "",
          lh_kind_rule(f->kind),
          note ? "lock order inversion kept apart by thread creation/join" : lh_kind_title(f->kind),
          f->id);
  fprintf(x->out, "%s   %zu threads take %zu locks %s: ", x->prefix, f->n, f->n,
          f->n == 2 ? "in opposite orders" : "in a cycle");
  chain(x, f);
  fputc('\n', x->out);
  if (note)
    fprintf(x->out,
            "%s   but never at the same time: thread creation or join orders them, so this run\n"
            "%s   cannot deadlock; it would if these threads ever ran concurrently.\n",
            x->prefix, x->prefix);
  fprintf(x->out, "%s\n", x->prefix);
  for (size_t i = 0; i < f->n; i++) step_lines(x, f, i);
  if (!note) {
    lh_scenario_table(x->out, x->prefix, x->r, f);
    fprintf(x->out, "%s\n", x->prefix);
  }
}

static void summary(const struct text *x) {
  const struct lh_findings *fs = x->r->findings;
  size_t errors = lh_findings_count(fs, LH_LEVEL_ERROR), notes = lh_findings_count(fs, LH_LEVEL_NOTE),
         warnings = lh_findings_count(fs, LH_LEVEL_WARNING);
  size_t by_kind[LH_KIND_COUNT] = {0};
  for (size_t i = 0; i < fs->n; i++)
    if (fs->items[i].level == LH_LEVEL_ERROR) by_kind[fs->items[i].kind]++;
  if (notes && !x->r->verbose)
    fprintf(x->out, "%s lockhound: %zu note%s not shown (-v shows %s)\n", x->prefix, notes,
            notes == 1 ? "" : "s", notes == 1 ? "it" : "them");
  fprintf(x->out, "%s ERROR SUMMARY: %zu error%s from %zu context%s", x->prefix, errors,
          errors == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
  const char *sep = " (";
  for (int k = 0; k < LH_KIND_COUNT; k++)
    if (by_kind[k]) {
      fprintf(x->out, "%s%s: %zu", sep, lh_kind_rule((enum lh_finding_kind)k), by_kind[k]);
      sep = ", ";
    }
  if (*sep == ',') fputc(')', x->out);
  if (warnings) fprintf(x->out, "; %zu warning%s", warnings, warnings == 1 ? "" : "s");
  fputc('\n', x->out);
}

/* One finding, formatted in memory and written at once: stderr is unbuffered, and a report of
 * thousands of lines would otherwise cost one write(2) per piece of a line. */
static void finding_at_once(struct text *x, const struct lh_finding *f) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (!mem) {
    finding(x, f);
    return;
  }
  FILE *out = x->out;
  x->out = mem;
  finding(x, f);
  fclose(mem);
  x->out = out;
  fwrite(buf, 1, len, out);
  free(buf);
}

void lh_report_text(FILE *out, const struct lh_report *r) {
  struct text x = {.out = out, .r = r, .object_names = lh_object_names(r->sym, r->m)};
  /* Like valgrind, lines carry a pid: that of the process that started first (the program that
   * `lockhound run` started, when it forked or exec'd others). */
  const struct lh_run_file *first = r->m->nfiles ? &r->m->files[0] : NULL;
  for (size_t i = 1; i < r->m->nfiles; i++)
    if (r->m->files[i].start_ns < first->start_ns) first = &r->m->files[i];
  snprintf(x.prefix, sizeof x.prefix, "==%lld==", first ? first->pid : 0LL);
  size_t shown = 0, unshown = 0;
  for (size_t i = 0; i < r->findings->n; i++) {
    const struct lh_finding *f = &r->findings->items[i];
    if (f->level == LH_LEVEL_NOTE && !r->verbose) continue;
    if (shown == LH_MAX_SHOWN_FINDINGS) {
      unshown++;
      continue;
    }
    finding_at_once(&x, f);
    shown++;
  }
  if (unshown)
    fprintf(out, "%s lockhound: more than %d findings; %zu more are not shown (--json FILE lists them all)\n",
            x.prefix, LH_MAX_SHOWN_FINDINGS, unshown);
  if (r->stats && r->stats->covered)
    fprintf(out, "%s lockhound: %zu longer cycle%s made only of lock pairs reported above %s not shown\n",
            x.prefix, r->stats->covered, r->stats->covered == 1 ? "" : "s",
            r->stats->covered == 1 ? "is" : "are");
  if (r->stats && r->stats->undecided)
    fprintf(out, "%s lockhound: %zu cycle%s had too many ways to choose their acquisitions to be "
            "checked fully; they are not reported, and may hide a deadlock\n",
            x.prefix, r->stats->undecided, r->stats->undecided == 1 ? "" : "s");
  if (r->stats && r->stats->cycles.truncated)
    fprintf(out, "%s lockhound: the cycle search hit its limit: some cycles may be missing\n", x.prefix);
  if (r->verbose && r->stats) {
    const struct lh_model *m = r->m;
    size_t cycles = r->stats->cycles.cycles;
    fprintf(out, "%s lockhound: %zu run file%s, %zu threads, %zu locks, %zu lock-order edges, %zu cycle%s checked\n",
            x.prefix, m->nfiles, m->nfiles == 1 ? "" : "s", m->nthreads, m->nlocks, r->stats->edges,
            cycles, cycles == 1 ? "" : "s");
  }
  summary(&x);
  lh_lock_names_free(x.object_names, r->m->nobjects);
}
