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
  if (asprintf(&s, "%s(%s);", fn, r->lock_names[lock]) < 0) return lh_xstrdup("?");
  return s;
}

/* text, then spaces up to width characters (nothing after the last column). */
static void cell(FILE *out, const char *text, size_t width, bool last) {
  fputs(text, out);
  size_t w = lh_text_width(text);
  if (!last)
    for (; w < width; w++) fputc(' ', out);
}

static void row(FILE *out, const char *prefix, size_t width, size_t column, const char *text,
                const char *mark) {
  fprintf(out, "%s     %*s%s%s\n", prefix, (int)(width * column), "", text, mark);
}

void lh_scenario_rows(FILE *out, const char *prefix, const char *title,
                      const struct lh_scenario_column *cols, size_t n, const char *wanted_mark,
                      const char *banner) {
  size_t width = MIN_COLUMN;
  for (size_t i = 0; i < n; i++) {
    for (size_t h = 0; h < cols[i].nheld; h++)
      if (lh_text_width(cols[i].held[h]) + 4 > width) width = lh_text_width(cols[i].held[h]) + 4;
    if (cols[i].wanted && lh_text_width(cols[i].wanted) + 4 > width)
      width = lh_text_width(cols[i].wanted) + 4;
  }
  fprintf(out, "%s   %s\n%s\n", prefix, title, prefix);
  fprintf(out, "%s     ", prefix);
  for (size_t i = 0; i < n; i++) cell(out, cols[i].label, width, i + 1 == n);
  fprintf(out, "\n%s     ", prefix);
  for (size_t i = 0; i < n; i++) cell(out, "----", width, i + 1 == n);
  fputc('\n', out);
  for (size_t i = 0; i < n; i++)
    for (size_t h = 0; h < cols[i].nheld; h++) row(out, prefix, width, i, cols[i].held[h], "");
  for (size_t i = 0; i < n; i++)
    if (cols[i].wanted) row(out, prefix, width, i, cols[i].wanted, wanted_mark);
  fprintf(out, "%s\n%s    %s\n", prefix, prefix, banner);
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

/* ---- --explain: step by step ---- */

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

static void step_row(FILE *out, const char *prefix, size_t step, size_t step_width, size_t width,
                     size_t column, const char *text) {
  char num[24];
  snprintf(num, sizeof num, "%zu", step);
  fprintf(out, "%s     ", prefix);
  cell(out, num, step_width, false);
  fprintf(out, "%*s%s\n", (int)(width * column), "", text);
}

void lh_scenario_steps(const struct lh_text *x, const struct lh_scenario_column *cols, size_t n,
                       bool timed) {
  FILE *out = x->out;
  const char *stuck =
      lh_msg(x->lang, timed ? LH_MSG_STEPS_UNTIL_TIMEOUT : LH_MSG_STEPS_BLOCKED_FOR_EVER);
  size_t nrows = 0;
  for (size_t i = 0; i < n; i++) nrows += cols[i].nheld + (cols[i].wanted != NULL);
  char **texts = lh_xcalloc(nrows ? nrows : 1, sizeof *texts);
  size_t *column = lh_xcalloc(nrows ? nrows : 1, sizeof *column);
  size_t k = 0, width = MIN_COLUMN;
  for (size_t i = 0; i < n; i++)
    for (size_t h = 0; h < cols[i].nheld; h++, k++) {
      texts[k] = step_text(x, cols[i].held[h], NULL, true);
      column[k] = i;
    }
  for (size_t i = 0; i < n; i++)
    if (cols[i].wanted) {
      texts[k] = step_text(x, cols[i].wanted, cols[i].wanted_from, false);
      column[k++] = i;
    }
  for (size_t j = 0; j < nrows; j++)
    if (lh_text_width(texts[j]) + 4 > width) width = lh_text_width(texts[j]) + 4;
  if (lh_text_width(stuck) + 4 > width) width = lh_text_width(stuck) + 4;
  const char *step = lh_msg(x->lang, LH_MSG_STEPS_STEP);
  size_t step_width = lh_text_width(step) + 2;
  if (step_width < 6) step_width = 6;

  fprintf(out, "%s   %s\n%s\n%s     ", x->prefix, lh_msg(x->lang, LH_MSG_STEPS_TITLE), x->prefix,
          x->prefix);
  cell(out, step, step_width, false);
  for (size_t i = 0; i < n; i++) cell(out, cols[i].label, width, i + 1 == n);
  fprintf(out, "\n%s     ", x->prefix);
  cell(out, "----", step_width, false);
  for (size_t i = 0; i < n; i++) cell(out, "----", width, i + 1 == n);
  fputc('\n', out);
  for (size_t j = 0; j < nrows; j++)
    step_row(out, x->prefix, j + 1, step_width, width, column[j], texts[j]);
  char num[24];
  snprintf(num, sizeof num, "%zu", nrows + 1);
  fprintf(out, "%s     ", x->prefix);
  cell(out, num, step_width, false);
  for (size_t i = 0; i < n; i++) cell(out, stuck, width, i + 1 == n);
  fprintf(out, "\n%s\n", x->prefix);
  for (size_t j = 0; j < nrows; j++) free(texts[j]);
  free(texts);
  free(column);
}

/* ---- --explain: a data race, step by step ---- */

void lh_race_steps_table(const struct lh_text *x, const char *const *labels, size_t ncols,
                         const struct lh_race_step *rows, size_t nrows, const char *outcome) {
  FILE *out = x->out;
  size_t width = MIN_COLUMN;
  for (size_t j = 0; j < nrows; j++)
    if (lh_text_width(rows[j].text) + 4 > width) width = lh_text_width(rows[j].text) + 4;
  const char *step = lh_msg(x->lang, LH_MSG_STEPS_STEP);
  size_t step_width = lh_text_width(step) + 2;
  if (step_width < 6) step_width = 6;
  fprintf(out, "%s   %s\n%s\n%s     ", x->prefix, lh_msg(x->lang, LH_MSG_STEPS_TITLE), x->prefix,
          x->prefix);
  cell(out, step, step_width, false);
  for (size_t i = 0; i < ncols; i++) cell(out, labels[i], width, i + 1 == ncols);
  fprintf(out, "\n%s     ", x->prefix);
  cell(out, "----", step_width, false);
  for (size_t i = 0; i < ncols; i++) cell(out, "----", width, i + 1 == ncols);
  fputc('\n', out);
  for (size_t j = 0; j < nrows; j++)
    step_row(out, x->prefix, j + 1, step_width, width, rows[j].column, rows[j].text);
  char num[24];
  snprintf(num, sizeof num, "%zu", nrows + 1);
  fprintf(out, "%s     ", x->prefix);
  cell(out, num, step_width, false);
  fprintf(out, "%s\n%s\n", outcome, x->prefix);
}
