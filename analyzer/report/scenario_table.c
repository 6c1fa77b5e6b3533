/* scenario_table.c - the "possible unsafe locking scenario" of a lock-order cycle, and the
 * step-by-step interleaving that --explain adds.
 *
 * One column per thread of the cycle and one row per lock call, in an order that deadlocks:
 * first every thread takes the lock it holds, then every thread asks for the lock it wants, which
 * the next thread holds. Reading down the table, the reader sees the interleaving that hangs.
 * Read/write acquisitions of rwlocks are written read_lock()/write_lock(). lh_scenario_rows is the
 * layout alone; deadlocks seen at run time (report_incident.c) use it with what really happened.
 * The steps table is the same schedule with a step number per row, what each call got ("got it",
 * "waits for T2") and a last row where every thread is stuck. A data race gets the same layout
 * (lh_race_steps_table): a row per access, in the column of its thread, and a last row with what
 * can come of it. Widths are counted in characters, not bytes, so that Russian text lines up too. */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "report/report.h"
#include "report/report_race.h"

#define MIN_COLUMN 22

char *lh_scenario_call(const struct lh_report *r, uint32_t lock, uint8_t mode) {
  const char *fn = "lock";
  if (r->m->locks[lock].kind == LH_LOCK_RWLOCK)
    fn = mode == LH_MODE_READ ? "read_lock" : "write_lock";
  char *s;
  if (asprintf(&s, "%s(%s);", fn, lh_report_lock_names(r)[lock]) < 0) return lh_xstrdup("?");
  return s;
}

/* text, then spaces up to width characters (nothing after the last column). */
static void cell(FILE *out, const char *text, size_t width, bool last) {
  fputs(text, out);
  size_t w = lh_text_width(text);
  if (!last)
    for (; w < width; w++) fputc(' ', out);
}

/* ---- fitting a table into LH_TEXT_COLUMNS ----
 * Every row of these tables fills one cell, in the column of the thread that acts, so a row may
 * run on into the empty columns to its right: what must fit is the cell's start (its column times
 * the width) plus its text. A table is first drawn with columns as wide as its widest cell (plus
 * room to breathe); when that is wider than the line, the columns shrink to what every row allows
 * (a text then runs on under the next threads' labels, which the reader follows as a staircase);
 * when even columns just wide enough for the thread labels do not fit (long lock names, many
 * threads), the table becomes a list: one row per call, the acting thread's label first. */

/* Columns left for the cells of a table whose rows start after prefix, 5 spaces and lead
 * characters (the step number's column). */
static size_t room(const char *prefix, size_t lead) {
  size_t used = lh_text_width(prefix) + 5 + lead;
  return used + 20 < LH_TEXT_COLUMNS ? LH_TEXT_COLUMNS - used : 20;
}

struct layout {
  size_t width; /* of a column; 0: the list layout */
  size_t label; /* the list layout: width of the label column */
};

/* The layout of cells (column[j], text[j]) under labels, with ideal the width that holds every
 * cell whole. */
static struct layout fit(size_t avail, size_t ideal, const char *const *labels, size_t n,
                         const size_t *column, const char *const *text, size_t nrows) {
  size_t widest_label = 0;
  for (size_t i = 0; i < n; i++)
    if (lh_text_width(labels[i]) > widest_label) widest_label = lh_text_width(labels[i]);
  size_t most = (size_t)-1; /* the widest column every row allows */
  for (size_t j = 0; j < nrows; j++) {
    size_t len = lh_text_width(text[j]);
    if (column[j] == 0) continue;
    size_t w = avail > len ? (avail - len) / column[j] : 0;
    if (w < most) most = w;
  }
  if (n > 1) {
    size_t len = lh_text_width(labels[n - 1]);
    size_t w = avail > len ? (avail - len) / (n - 1) : 0;
    if (w < most) most = w;
  }
  if (ideal <= most) return (struct layout){ideal, 0};
  if (most >= widest_label + 2) return (struct layout){most, 0};
  return (struct layout){0, widest_label + 2};
}

/* One row: step number (when step_width), then text in its column (or after its label). */
static void table_row(FILE *out, const char *prefix, const struct layout *l, const char *num,
                      size_t step_width, const char *label, size_t column, const char *text,
                      const char *mark) {
  fprintf(out, "%s%s    ", prefix, mark);
  if (step_width) cell(out, num, step_width, false);
  if (l->width)
    fprintf(out, "%*s%s\n", (int)(l->width * column), "", text);
  else {
    cell(out, label, l->label, false);
    fprintf(out, "%s\n", text);
  }
}

/* The two header lines: labels and dashes (the list layout has one column, the thread). */
static void table_header(FILE *out, const char *prefix, const struct layout *l, const char *step,
                         size_t step_width, const char *const *labels, size_t n) {
  if (!l->width && !step_width) return; /* a list without steps: the labels say it all */
  for (int line = 0; line < 2; line++) {
    fprintf(out, "%s     ", prefix);
    if (step_width) cell(out, line ? "----" : step, step_width, !l->width);
    if (l->width)
      for (size_t i = 0; i < n; i++) cell(out, line ? "----" : labels[i], l->width, i + 1 == n);
    fputc('\n', out);
  }
}

static size_t ideal_width(const char *const *text, size_t nrows, size_t extra) {
  size_t width = MIN_COLUMN;
  for (size_t j = 0; j < nrows; j++)
    if (lh_text_width(text[j]) + 4 > width) width = lh_text_width(text[j]) + 4;
  if (extra + 4 > width) width = extra + 4;
  return width;
}

void lh_scenario_rows(FILE *out, const char *prefix, const char *title,
                      const struct lh_scenario_column *cols, size_t n, const char *wanted_mark,
                      const char *banner) {
  size_t nrows = 0;
  for (size_t i = 0; i < n; i++) nrows += cols[i].nheld + (cols[i].wanted != NULL);
  char **text = lh_xcalloc(nrows ? nrows : 1, sizeof *text);
  size_t *column = lh_xcalloc(nrows ? nrows : 1, sizeof *column);
  const char **labels = lh_xcalloc(n ? n : 1, sizeof *labels);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    labels[i] = cols[i].label;
    for (size_t h = 0; h < cols[i].nheld; h++, k++) {
      text[k] = lh_xstrdup(cols[i].held[h]);
      column[k] = i;
    }
  }
  for (size_t i = 0; i < n; i++)
    if (cols[i].wanted) {
      if (asprintf(&text[k], "%s%s", cols[i].wanted, wanted_mark) < 0)
        text[k] = lh_xstrdup(cols[i].wanted);
      column[k++] = i;
    }
  /* the ideal width leaves the wanted mark out: it may run on into the next column */
  size_t width = MIN_COLUMN;
  for (size_t i = 0; i < n; i++) {
    for (size_t h = 0; h < cols[i].nheld; h++)
      if (lh_text_width(cols[i].held[h]) + 4 > width) width = lh_text_width(cols[i].held[h]) + 4;
    if (cols[i].wanted && lh_text_width(cols[i].wanted) + 4 > width)
      width = lh_text_width(cols[i].wanted) + 4;
  }
  struct layout l =
      fit(room(prefix, 0), width, labels, n, column, (const char *const *)text, nrows);
  fprintf(out, "%s   %s\n%s\n", prefix, title, prefix);
  table_header(out, prefix, &l, NULL, 0, labels, n);
  for (size_t j = 0; j < nrows; j++)
    table_row(out, prefix, &l, NULL, 0, labels[column[j]], column[j], text[j], " ");
  fprintf(out, "%s\n%s    %s\n", prefix, prefix, banner);
  for (size_t j = 0; j < nrows; j++) free(text[j]);
  free(text);
  free(column);
  free(labels);
}

struct lh_scenario_column *lh_scenario_columns(const struct lh_report *r,
                                               const struct lh_finding *f) {
  size_t n = f->n;
  struct lh_scenario_column *cols = lh_xcalloc(n ? n : 1, sizeof *cols);
  for (size_t i = 0; i < n; i++) {
    const struct lh_tuple *t = &r->m->tuples[f->steps[i].tuple];
    char label[64];
    lh_thread_label(r->m, t->thread, label, sizeof label);
    cols[i].label = lh_xstrdup(label);
    cols[i].held = lh_xcalloc(1, sizeof *cols[i].held);
    cols[i].held[0] = lh_scenario_call(r, f->locks[i], t->held[f->steps[i].held].mode);
    cols[i].nheld = 1;
    cols[i].wanted = lh_scenario_call(r, t->lock, t->mode);
  }
  /* the lock step i wants is the one step i+1 holds */
  for (size_t i = 0; i < n; i++) cols[i].wanted_from = cols[(i + 1) % n].label;
  return cols;
}

void lh_scenario_columns_free(struct lh_scenario_column *cols, size_t n) {
  for (size_t i = 0; i < n; i++) {
    for (size_t h = 0; h < cols[i].nheld; h++) free(cols[i].held[h]);
    free(cols[i].held);
    free(cols[i].wanted);
    free((char *)cols[i].label);
  }
  free(cols);
}

void lh_scenario_table(const struct lh_text *x, const struct lh_finding *f) {
  struct lh_scenario_column *cols = lh_scenario_columns(x->r, f);
  lh_scenario_rows(x->out, x->prefix, lh_msg(x->lang, LH_MSG_SCENARIO_TITLE), cols, f->n, "",
                   lh_msg(x->lang, LH_MSG_BANNER_DEADLOCK));
  lh_scenario_columns_free(cols, f->n);
}

/* ---- --explain and `lockhound replay`: the schedule, step by step ---- */

/* "lock(lock_b);  waits for T2" (caller frees). */
static char *step_text(const struct lh_text *x, const char *call, const char *from, bool got) {
  char *s, what[128] = "";
  if (got)
    snprintf(what, sizeof what, "%s", lh_msg(x->lang, LH_MSG_STEPS_GOT_IT));
  else if (from)
    snprintf(what, sizeof what, lh_msg(x->lang, LH_MSG_STEPS_WAITS_FOR), from);
  if (asprintf(&s, "%s%s%s", call, *what ? "  " : "", what) < 0) return lh_xstrdup(call);
  return s;
}

void lh_schedule_of_columns(const struct lh_text *x, const struct lh_scenario_column *cols,
                            size_t n, bool timed, struct lh_schedule *s) {
  *s = (struct lh_schedule){0};
  s->ncols = n;
  s->labels = lh_xcalloc(n ? n : 1, sizeof *s->labels);
  for (size_t i = 0; i < n; i++) {
    s->labels[i] = lh_xstrdup(cols[i].label);
    s->nrows += cols[i].nheld + (cols[i].wanted != NULL);
  }
  s->rows = lh_xcalloc(s->nrows ? s->nrows : 1, sizeof *s->rows);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t h = 0; h < cols[i].nheld; h++)
      s->rows[k++] = (struct lh_schedule_row){i, step_text(x, cols[i].held[h], NULL, true)};
  for (size_t i = 0; i < n; i++)
    if (cols[i].wanted)
      s->rows[k++] =
          (struct lh_schedule_row){i, step_text(x, cols[i].wanted, cols[i].wanted_from, false)};
  s->stuck = lh_xstrdup(
      lh_msg(x->lang, timed ? LH_MSG_STEPS_UNTIL_TIMEOUT : LH_MSG_STEPS_BLOCKED_FOR_EVER));
}

void lh_schedule_of_inversion(const struct lh_text *x, const struct lh_finding *f,
                              struct lh_schedule *s) {
  struct lh_scenario_column *cols = lh_scenario_columns(x->r, f);
  lh_schedule_of_columns(x, cols, f->n, false, s);
  lh_scenario_columns_free(cols, f->n);
}

void lh_schedule_free(struct lh_schedule *s) {
  for (size_t i = 0; i < s->ncols; i++) free(s->labels[i]);
  for (size_t j = 0; j < s->nrows; j++) free(s->rows[j].text);
  free(s->labels);
  free(s->rows);
  free(s->stuck);
  free(s->outcome);
  *s = (struct lh_schedule){0};
}

/* The outcome of a race across the columns, wrapped at spaces under its own first column. */
static void outcome_lines(FILE *out, const char *prefix, const char *text, size_t step_width) {
  size_t avail = room(prefix, step_width);
  while (*text) {
    size_t cut = 0, w = 0, i = 0;
    for (; text[i]; i++) {
      if (text[i] == ' ') {
        if (w > avail && cut) break;
        cut = i;
      }
      if (((unsigned char)text[i] & 0xC0) != 0x80) w++;
    }
    if (!text[i] && w <= avail) cut = i;
    if (!cut) cut = i;
    fwrite(text, 1, cut, out);
    text += cut;
    while (*text == ' ') text++;
    if (*text) fprintf(out, "\n%s     %*s", prefix, (int)step_width, "");
  }
}

void lh_schedule_print(const struct lh_text *x, const struct lh_schedule *s, size_t upto,
                       size_t highlight, const char *title) {
  FILE *out = x->out;
  const char *step = lh_msg(x->lang, LH_MSG_STEPS_STEP);
  size_t step_width = lh_text_width(step) + 2;
  if (step_width < 6) step_width = 6;
  size_t nrows = s->nrows;
  const char **text = lh_xcalloc(nrows ? nrows : 1, sizeof *text);
  size_t *column = lh_xcalloc(nrows ? nrows : 1, sizeof *column);
  for (size_t j = 0; j < nrows; j++) {
    text[j] = s->rows[j].text;
    column[j] = s->rows[j].column;
  }
  size_t ideal = ideal_width(text, nrows, s->stuck ? lh_text_width(s->stuck) : 0);
  struct layout l = fit(room(x->prefix, step_width), ideal, (const char *const *)s->labels,
                        s->ncols, column, text, nrows);
  fprintf(out, "%s   %s\n%s\n", x->prefix, title ? title : lh_msg(x->lang, LH_MSG_STEPS_TITLE),
          x->prefix);
  table_header(out, x->prefix, &l, step, step_width, (const char *const *)s->labels, s->ncols);
  char num[24];
  for (size_t j = 0; j < nrows && j < upto; j++) {
    snprintf(num, sizeof num, "%zu", j + 1);
    table_row(out, x->prefix, &l, num, step_width, s->labels[column[j]], column[j], text[j],
              j + 1 == highlight ? ">" : " ");
  }
  if (upto > nrows) { /* the last row: what becomes of the threads */
    snprintf(num, sizeof num, "%zu", nrows + 1);
    fprintf(out, "%s%s    ", x->prefix, nrows + 1 == highlight ? ">" : " ");
    cell(out, num, step_width, false);
    if (s->outcome)
      outcome_lines(out, x->prefix, s->outcome, step_width);
    else if (l.width && l.width >= lh_text_width(s->stuck) + 2)
      for (size_t i = 0; i < s->ncols; i++) cell(out, s->stuck, l.width, i + 1 == s->ncols);
    else
      fprintf(out, lh_msg(x->lang, LH_MSG_STEPS_EVERY_THREAD), s->stuck);
    fputc('\n', out);
  }
  fprintf(out, "%s\n", x->prefix);
  free(text);
  free(column);
}

void lh_scenario_steps(const struct lh_text *x, const struct lh_scenario_column *cols, size_t n,
                       bool timed) {
  struct lh_schedule s;
  lh_schedule_of_columns(x, cols, n, timed, &s);
  lh_schedule_print(x, &s, s.nrows + 1, 0, NULL);
  lh_schedule_free(&s);
}
