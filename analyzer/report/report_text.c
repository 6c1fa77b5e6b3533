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
  fprintf(x->out, lh_msg(x->lang, LH_MSG_HOLDS_TAKEN_AT), lh_report_lock_names(r)[h->lock],
          mode_note(x, h->lock, h->mode));
  fputc('\n', x->out);
  lh_text_stack(x, h->stack);
  fprintf(x->out, "%s     ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_AND_WANTS_AT), lh_report_lock_names(r)[t->lock],
          mode_note(x, t->lock, t->mode));
  fputc('\n', x->out);
  lh_text_stack(x, t->stack);
  fprintf(x->out, "%s\n", x->prefix);
}

static void chain(const struct text *x, const struct lh_finding *f) {
  for (size_t i = 0; i <= f->n; i++)
    fprintf(x->out, "%s%s", i ? " -> " : "", lh_report_lock_names(x->r)[f->locks[i % f->n]]);
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
  if (!note && !one_thread && !x->explain) { /* --explain shows it step by step, once */
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

bool lh_schedule_of_finding(const struct lh_text *x, const struct lh_finding *f,
                            struct lh_schedule *s) {
  *s = (struct lh_schedule){0};
  if (!lh_explain_has_steps(f->kind)) return false;
  if (f->kind == LH_FINDING_DATA_RACE) {
    lh_race_schedule(x, f, s);
    return true;
  }
  if (f->incident != LH_NONE) return lh_schedule_of_incident(x, f, s);
  if (f->n == 0) return false;
  lh_schedule_of_inversion(x, f, s);
  return true;
}

/* The lines of a part of an explanation (at most n, NULL-ended) as one paragraph filled to the
 * width of the line: first before its first line, then before the others. The catalogue's lines
 * are short, but the pid prefix and the indentation vary; filled, no line ends in one word. */
static void paragraph(const struct text *x, const char *first, const char *then,
                      const char *const *lines, size_t n) {
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  if (!mem) return;
  for (size_t i = 0; i < n && lines[i]; i++) fprintf(mem, "%s%s", i ? " " : "", lines[i]);
  fclose(mem);
  size_t lead = lh_text_width(x->prefix) + lh_text_width(first);
  size_t room = lead + 20 < LH_TEXT_COLUMNS ? LH_TEXT_COLUMNS - lead : 20;
  const char *at = text, *mark = first;
  while (*at) {
    size_t cut = 0, w = 0, i = 0;
    for (; at[i]; i++) {
      if (at[i] == ' ') {
        if (w > room && cut) break;
        cut = i;
      }
      if (((unsigned char)at[i] & 0xC0) != 0x80) w++;
    }
    if ((!at[i] && w <= room) || !cut) cut = i;
    fprintf(x->out, "%s%s%.*s\n", x->prefix, mark, (int)cut, at);
    at += cut;
    while (*at == ' ') at++;
    mark = then;
  }
  free(text);
}

/* What goes wrong, why, and the usual fixes: the three parts of an explanation. */
static void explanation_parts(const struct text *x, const struct lh_explanation *e) {
  const char *p = x->prefix;
  fprintf(x->out, "%s     %s\n", p, lh_msg(x->lang, LH_MSG_EXPLAIN_WHAT));
  paragraph(x, "       ", "       ", e->what, LH_EXPLAIN_LINES);
  fprintf(x->out, "%s     %s\n", p, lh_msg(x->lang, LH_MSG_EXPLAIN_WHY));
  paragraph(x, "       ", "       ", e->why, LH_EXPLAIN_LINES);
  fprintf(x->out, "%s     %s\n", p, lh_msg(x->lang, LH_MSG_EXPLAIN_FIXES));
  for (size_t i = 0; i < LH_EXPLAIN_LINES && e->fixes[i]; i++)
    paragraph(x, "       - ", "         ", &e->fixes[i], 1);
  fprintf(x->out, "%s\n", p);
}

/* --explain: the kind told for a student, once per report (a later finding of the kind refers to
 * the first), and for a cycle or a race the schedule that goes wrong, step by step. */
static void explanation(struct text *x, const struct lh_finding *f) {
  const struct lh_explanation *e = lh_explanation(x->lang, f->kind);
  if (!e) return;
  const char *p = x->prefix;
  if (x->explained[f->kind]) {
    fprintf(x->out, "%s   ", p);
    fprintf(x->out, lh_msg(x->lang, LH_MSG_EXPLAINED_ABOVE), lh_kind_rule(f->kind),
            x->explained[f->kind]);
    fprintf(x->out, "\n%s\n", p);
  } else {
    x->explained[f->kind] = x->number;
    fprintf(x->out, "%s   %s\n", p, lh_msg(x->lang, LH_MSG_EXPLAIN_TITLE));
    explanation_parts(x, e);
  }
  char name[256];
  if (lh_race_double_checked(x, f, name, sizeof name)) {
    fprintf(x->out, "%s   ", p);
    if (x->explained_dcl) {
      fprintf(x->out, lh_msg(x->lang, LH_MSG_PATTERN_DCL_ABOVE), name, x->explained_dcl);
      fprintf(x->out, "\n%s\n", p);
    } else {
      const struct lh_explanation *d = lh_explanation_double_checked(x->lang);
      x->explained_dcl = x->number;
      fprintf(x->out, lh_msg(x->lang, LH_MSG_PATTERN_DCL), name);
      fputc('\n', x->out);
      explanation_parts(x, d);
    }
  }
  struct lh_schedule s;
  if (lh_schedule_of_finding(x, f, &s)) {
    lh_schedule_print(x, &s, s.nrows + 1, 0, NULL);
    lh_schedule_free(&s);
  }
}

/* ---- fitting lines into LH_TEXT_COLUMNS ----
 * Tables are laid out to fit (scenario_table.c); a sentence longer than the line is wrapped here,
 * at spaces, each continuation with the line's prefix and its indentation plus two. Never broken:
 * "[id ...]" (kept whole for searches), a `quoted command` (to be copied), and the ERROR SUMMARY
 * line (scripts parse it, as valgrind's). A word longer than a line stays whole on a line of its
 * own. */

/* Whether s[i] is a space where a line may break. */
static bool breakable(const char *s, size_t i, bool quoted) {
  return s[i] == ' ' && !quoted && !(i >= 3 && strncmp(s + i - 3, "[id", 3) == 0);
}

static void wrapped_line(FILE *out, const char *prefix, const char *line, size_t len) {
  char *l = strndup(line, len);
  if (!l) abort();
  size_t plen = strlen(prefix);
  if (lh_text_width(l) <= LH_TEXT_COLUMNS || strstr(l, "ERROR SUMMARY") ||
      strncmp(l, prefix, plen) != 0) {
    fprintf(out, "%s\n", l);
    free(l);
    return;
  }
  const char *at = l + plen;
  size_t indent = strspn(at, " ");
  at += indent;
  size_t width = lh_text_width(prefix) + indent, room = LH_TEXT_COLUMNS - width;
  bool quoted = false;
  fprintf(out, "%s%*s", prefix, (int)indent, "");
  while (*at) {
    /* the longest run of whole words that fits room; a word longer than room alone */
    size_t i = 0, w = 0, cut = 0;
    bool q = quoted, q_cut = quoted, found = false;
    for (; at[i]; i++) {
      if (breakable(at, i, q)) {
        if (w > room) break;
        cut = i, q_cut = q, found = true;
      }
      if (at[i] == '`') q = !q;
      if (((unsigned char)at[i] & 0xC0) != 0x80) w++;
    }
    if ((!at[i] && w <= room) || !found) cut = i, q_cut = q;
    fwrite(at, 1, cut, out);
    fputc('\n', out);
    quoted = q_cut;
    at += cut;
    while (*at == ' ') at++;
    if (*at) {
      fprintf(out, "%s%*s", prefix, (int)indent + 2, "");
      room = width + 2 < LH_TEXT_COLUMNS ? LH_TEXT_COLUMNS - width - 2 : 1;
    }
  }
  free(l);
}

/* buf (whole lines) onto out, every line fitted to LH_TEXT_COLUMNS. */
static void wrapped_write(FILE *out, const char *prefix, const char *buf, size_t len) {
  const char *end = buf + len;
  while (buf < end) {
    const char *nl = memchr(buf, '\n', (size_t)(end - buf));
    size_t n = nl ? (size_t)(nl - buf) : (size_t)(end - buf);
    wrapped_line(out, prefix, buf, n);
    buf += n + (nl != NULL);
  }
}

/* One finding, formatted in memory and written at once: stderr is unbuffered, and a report of
 * thousands of lines would otherwise cost one write(2) per piece of a line. The lines this file
 * writes (a lock-order finding, the explanation) are fitted to the line; the families' own
 * (report_incident.c, report_race.c) are written as they are. */
static void finding_at_once(struct text *x, const struct lh_finding *f) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (!mem) {
    finding(x, f);
    if (x->explain) explanation(x, f);
    return;
  }
  FILE *out = x->out;
  x->out = mem;
  finding(x, f);
  fflush(mem);
  size_t own = f->kind == LH_FINDING_DATA_RACE || f->incident != LH_NONE ? len : 0;
  if (x->explain) explanation(x, f);
  fclose(mem);
  x->out = out;
  fwrite(buf, 1, own, out);
  wrapped_write(out, x->prefix, buf + own, len - own);
  free(buf);
}

void lh_report_text(FILE *out, const struct lh_report *r) {
  lh_report_text_styled(out, r, (struct lh_text_style){LH_LANG_EN, false});
}

void lh_report_text_styled(FILE *out, const struct lh_report *r, struct lh_text_style style) {
  FILE *real_out = out;
  struct text x = {.out = out,
                   .r = r,
                   .object_names = lh_report_object_names(r),
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
    x.number = ++shown;
    finding_at_once(&x, f);
  }
  /* the closing lines, fitted to the line too */
  char *tail = NULL;
  size_t tail_len = 0;
  FILE *mem = open_memstream(&tail, &tail_len);
  if (mem) out = x.out = mem;
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
    /* what the run saw, from the `calls` records: every lock, not only those the run file
     * describes (the nested ones); files of older libraries have only the lock records */
    bool counted = m->nfiles > 0;
    unsigned long long taken = 0, used = 0;
    for (size_t i = 0; i < m->nfiles; i++) {
      const struct lh_run_file *rf = &m->files[i];
      counted &= rf->counted;
      taken += rf->lock_calls > rf->failed_locks ? rf->lock_calls - rf->failed_locks : 0;
      used += rf->locks_used;
    }
    fprintf(out, "%s lockhound: ", x.prefix);
    if (counted)
      fprintf(out, lh_msg(lang, LH_MSG_STATISTICS_SEEN), m->nfiles,
              lh_word(lang, LH_WORD_RUN_FILE, (long long)m->nfiles), m->nthreads, taken, used,
              m->nlocks, r->stats->edges, cycles, lh_word(lang, LH_WORD_CYCLE, (long long)cycles));
    else
      fprintf(out, lh_msg(lang, LH_MSG_STATISTICS), m->nfiles,
              lh_word(lang, LH_WORD_RUN_FILE, (long long)m->nfiles), m->nthreads, m->nlocks,
              r->stats->edges, cycles, lh_word(lang, LH_WORD_CYCLE, (long long)cycles));
    fputc('\n', out);
  }
  summary(&x);
  if (mem) {
    fclose(mem);
    out = x.out = real_out;
    wrapped_write(out, x.prefix, tail, tail_len);
    free(tail);
  }
  lh_lock_names_free(x.object_names, r->m->nobjects);
}
