/* report_text.c - the human-readable report, on stderr, in the style people know from valgrind
 * (every line prefixed ==PID==, a closing ERROR SUMMARY) and lockdep (the whole cycle, a stack per
 * step, and a table of the interleaving that deadlocks).
 *
 * Each finding says what happened in one sentence, then for each thread of the cycle which lock
 * it holds (and where it took it) and which lock it wants (and where), then the scenario table.
 * Notes (cycles that thread creation/join keeps from deadlocking) are shown with --verbose only
 * and never count as errors; warnings (a wait cycle that a timeout will break) are shown and
 * counted apart. Findings the library saw happen at run time are told by report_incident.c, data
 * races by report_race.c. After 1000 findings the rest are only counted (the JSON report has
 * them all). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/text_escape.h"
#include "report/i18n/explanations.h"
#include "report/report.h"
#include "report/report_race.h"
#include "symbols/frames.h"

#define LH_MAX_SHOWN_FINDINGS 1000 /* like valgrind: past this, more reports help nobody */

#include "symbols/lock_names.h"

#define text lh_text

static const char *mode_note(const struct text *x, uint32_t lock, uint8_t mode) {
  if (x->r->m->locks[lock].kind != LH_LOCK_RWLOCK) return "";
  return lh_msg(x->lang, mode == LH_MODE_READ ? LH_MSG_FOR_READING : LH_MSG_FOR_WRITING);
}

static void step_lines(const struct text *x, const struct lh_finding *f, size_t i) {
  const struct lh_report *r = x->r;
  const struct lh_tuple *t = &r->m->tuples[f->steps[i].tuple];
  const struct lh_held *h = &t->held[f->steps[i].held];
  char label[64];
  lh_thread_label(r->m, t->thread, label, sizeof label);
  fprintf(x->out, "%s   %s ", x->prefix, label);
  lh_text_thread_origin(x, t->thread);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_HOLDS_TAKEN_AT), r->lock_names[h->lock],
          mode_note(x, h->lock, h->mode));
  fputc('\n', x->out);
  lh_text_stack(x, h->stack);
  fprintf(x->out, "%s     ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_AND_WANTS_AT), r->lock_names[t->lock],
          mode_note(x, t->lock, t->mode));
  fputc('\n', x->out);
  lh_text_stack(x, t->stack);
  fprintf(x->out, "%s\n", x->prefix);
}

static void chain(const struct text *x, const struct lh_finding *f) {
  for (size_t i = 0; i <= f->n; i++)
    fprintf(x->out, "%s%s", i ? " -> " : "", x->r->lock_names[f->locks[i % f->n]]);
}

static void finding(const struct text *x, const struct lh_finding *f) {
  if (f->kind == LH_FINDING_DATA_RACE) {
    lh_text_race(x, f);
    return;
  }
  if (f->incident != LH_NONE) {
    lh_text_incident(x, f);
    return;
  }
  bool note = f->level == LH_LEVEL_NOTE;
  bool one_thread = f->kind == LH_FINDING_SINGLE_THREAD_LOCK_ORDER;
  enum lh_lang lang = x->lang;
  const char *prefix = note                           ? lh_msg(lang, LH_MSG_NOTE_PREFIX)
                       : f->level == LH_LEVEL_WARNING ? lh_msg(lang, LH_MSG_WARNING_PREFIX)
                                                      : "";
  fprintf(x->out, "%s lockhound: %s%s: %s [id %s]\n", x->prefix, prefix, lh_kind_rule(f->kind),
          note ? lh_msg(lang, LH_MSG_NOTE_TITLE) : lh_kind_title_in(lang, f->kind), f->id);
  fprintf(x->out, "%s   ", x->prefix);
  if (one_thread)
    fprintf(x->out, lh_msg(lang, LH_MSG_ONE_THREAD_TAKES), f->n,
            lh_word(lang, LH_WORD_LOCK, (long long)f->n));
  else
    fprintf(x->out, lh_msg(lang, LH_MSG_TAKE_LOCKS), f->n,
            lh_word(lang, LH_WORD_THREAD, (long long)f->n), f->n,
            lh_word(lang, LH_WORD_LOCK, (long long)f->n),
            lh_msg(lang, f->n == 2 ? LH_MSG_IN_OPPOSITE_ORDERS : LH_MSG_IN_A_CYCLE));
  chain(x, f);
  fputc('\n', x->out);
  if (one_thread) fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(lang, LH_MSG_ONE_THREAD_WHY));
  char *group = lh_cycle_group_sentence(x->r, lang, f);
  if (group) fprintf(x->out, "%s   %s\n", x->prefix, group);
  free(group);
  if (note)
    fprintf(x->out, "%s   %s\n%s   %s\n", x->prefix, lh_msg(lang, LH_MSG_NOTE_APART_1), x->prefix,
            lh_msg(lang, LH_MSG_NOTE_APART_2));
  fprintf(x->out, "%s\n", x->prefix);
  for (size_t i = 0; i < f->n; i++) step_lines(x, f, i);
  if (!note && !one_thread) {
    lh_scenario_table(x, f);
    fprintf(x->out, "%s\n", x->prefix);
  }
}

/* With -v or --explain, once: a run in which no process looked for data races (none built with
 * `lockhound cc`, and every one ended in order, so its `end` record would have said) found none
 * because none were looked for. Not said of a Python program, which `lockhound cc` cannot build. */
static void races_not_looked_for(const struct text *x) {
  const struct lh_model *m = x->r->m;
  if (m->nfiles == 0 || m->npyframes) return; /* a Python program: python.md says what to do */
  for (size_t i = 0; i < m->nfiles; i++)
    if (m->files[i].races || !m->files[i].ended ||
        (m->files[i].exe && strstr(lh_basename(m->files[i].exe), "python")))
      return;
  fprintf(x->out, "%s lockhound: %s\n", x->prefix, lh_msg(x->lang, LH_MSG_RACES_NEED_CC));
}

static void summary(const struct text *x) {
  const struct lh_findings *fs = x->r->findings;
  size_t errors = lh_findings_count(fs, LH_LEVEL_ERROR),
         notes = lh_findings_count(fs, LH_LEVEL_NOTE),
         warnings = lh_findings_count(fs, LH_LEVEL_WARNING);
  size_t by_kind[LH_FINDING_KIND_COUNT] = {0};
  for (size_t i = 0; i < fs->n; i++)
    if (fs->items[i].level == LH_LEVEL_ERROR) by_kind[fs->items[i].kind]++;
  if (notes && !x->r->verbose) {
    fprintf(x->out, "%s lockhound: ", x->prefix);
    fprintf(x->out, lh_msg(x->lang, notes == 1 ? LH_MSG_NOTE_NOT_SHOWN : LH_MSG_NOTES_NOT_SHOWN),
            notes);
    fputc('\n', x->out);
  }
  if (x->r->verbose || x->explain) races_not_looked_for(x);
  /* The summary line stays English in every language: like valgrind's, scripts and CI parse it. */
  fprintf(x->out, "%s ERROR SUMMARY: %zu error%s from %zu context%s", x->prefix, errors,
          errors == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
  const char *sep = " (";
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++)
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
/* --explain: the kind told for a student, and for a cycle the schedule that hangs, step by step. */
static void explanation(const struct text *x, const struct lh_finding *f) {
  const struct lh_explanation *e = lh_explanation(x->lang, f->kind);
  if (!e) return;
  const char *p = x->prefix;
  fprintf(x->out, "%s   %s\n", p, lh_msg(x->lang, LH_MSG_EXPLAIN_TITLE));
  fprintf(x->out, "%s     %s\n", p, lh_msg(x->lang, LH_MSG_EXPLAIN_WHAT));
  for (size_t i = 0; i < LH_EXPLAIN_LINES && e->what[i]; i++)
    fprintf(x->out, "%s       %s\n", p, e->what[i]);
  fprintf(x->out, "%s     %s\n", p, lh_msg(x->lang, LH_MSG_EXPLAIN_WHY));
  for (size_t i = 0; i < LH_EXPLAIN_LINES && e->why[i]; i++)
    fprintf(x->out, "%s       %s\n", p, e->why[i]);
  fprintf(x->out, "%s     %s\n", p, lh_msg(x->lang, LH_MSG_EXPLAIN_FIXES));
  for (size_t i = 0; i < LH_EXPLAIN_LINES && e->fixes[i]; i++)
    fprintf(x->out, "%s       - %s\n", p, e->fixes[i]);
  fprintf(x->out, "%s\n", p);
  if (!lh_explain_has_steps(f->kind)) return;
  if (f->kind == LH_FINDING_DATA_RACE) {
    lh_text_race_steps(x, f);
  } else if (f->incident != LH_NONE) {
    lh_text_incident_steps(x, f);
  } else {
    struct lh_scenario_column *cols = lh_scenario_columns(x->r, f);
    lh_scenario_steps(x, cols, f->n, false);
    lh_scenario_columns_free(cols, f->n);
  }
}

static void finding_explained(struct text *x, const struct lh_finding *f) {
  finding(x, f);
  if (x->explain) explanation(x, f);
}

static void finding_at_once(struct text *x, const struct lh_finding *f) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (!mem) {
    finding_explained(x, f);
    return;
  }
  FILE *out = x->out;
  x->out = mem;
  finding_explained(x, f);
  fclose(mem);
  x->out = out;
  fwrite(buf, 1, len, out);
  free(buf);
}

void lh_report_text(FILE *out, const struct lh_report *r) {
  lh_report_text_styled(out, r, (struct lh_text_style){LH_LANG_EN, false});
}

void lh_report_text_styled(FILE *out, const struct lh_report *r, struct lh_text_style style) {
  struct text x = {.out = out,
                   .r = r,
                   .object_names = lh_object_names(r->sym, r->m),
                   .lang = style.lang,
                   .explain = style.explain};
  enum lh_lang lang = style.lang;
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
  if (unshown) {
    fprintf(out, "%s lockhound: ", x.prefix);
    fprintf(out, lh_msg(lang, LH_MSG_MORE_FINDINGS), LH_MAX_SHOWN_FINDINGS, unshown);
    fputc('\n', out);
  }
  if (r->stats && r->stats->covered) {
    fprintf(out, "%s lockhound: ", x.prefix);
    fprintf(out, lh_msg(lang, r->stats->covered == 1 ? LH_MSG_LONGER_CYCLE : LH_MSG_LONGER_CYCLES),
            r->stats->covered);
    fputc('\n', out);
  }
  if (r->stats && r->stats->undecided) {
    fprintf(out, "%s lockhound: ", x.prefix);
    fprintf(
        out,
        lh_msg(lang, r->stats->undecided == 1 ? LH_MSG_UNDECIDED_CYCLE : LH_MSG_UNDECIDED_CYCLES),
        r->stats->undecided);
    fputc('\n', out);
  }
  if (r->stats && r->stats->cycles.truncated)
    fprintf(out, "%s lockhound: %s\n", x.prefix, lh_msg(lang, LH_MSG_SEARCH_TRUNCATED));
  if (r->verbose && r->stats) {
    const struct lh_model *m = r->m;
    size_t cycles = r->stats->cycles.cycles;
    fprintf(out, "%s lockhound: ", x.prefix);
    fprintf(out, lh_msg(lang, LH_MSG_STATISTICS), m->nfiles,
            lh_word(lang, LH_WORD_RUN_FILE, (long long)m->nfiles), m->nthreads, m->nlocks,
            r->stats->edges, cycles, lh_word(lang, LH_WORD_CYCLE, (long long)cycles));
    fputc('\n', out);
  }
  summary(&x);
  lh_lock_names_free(x.object_names, r->m->nobjects);
}
