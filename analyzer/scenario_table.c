/* scenario_table.c - the "possible unsafe locking scenario" of a lock-order cycle.
 *
 * One column per thread of the cycle and one row per lock call, in an order that deadlocks:
 * first every thread takes the lock it holds, then every thread asks for the lock it wants, which
 * the next thread holds. Reading down the table, the reader sees the interleaving that hangs.
 * Read/write acquisitions of rwlocks are written read_lock()/write_lock(). lh_scenario_rows is the
 * layout alone; deadlocks seen at run time (report_incident.c) use it with what really happened. */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "report.h"

#define MIN_COLUMN 22

char *lh_scenario_call(const struct lh_report *r, uint32_t lock, uint8_t mode) {
  const char *fn = "lock";
  if (r->m->locks[lock].kind == LH_LOCK_RWLOCK) fn = mode == LH_MODE_READ ? "read_lock" : "write_lock";
  char *s;
  if (asprintf(&s, "%s(%s);", fn, r->lock_names[lock]) < 0) return lh_xstrdup("?");
  return s;
}

static void row(FILE *out, const char *prefix, size_t width, size_t column, const char *text, const char *mark) {
  fprintf(out, "%s     %*s%s%s\n", prefix, (int)(width * column), "", text, mark);
}

void lh_scenario_rows(FILE *out, const char *prefix, const char *title,
                      const struct lh_scenario_column *cols, size_t n, const char *wanted_mark,
                      const char *banner) {
  size_t width = MIN_COLUMN;
  for (size_t i = 0; i < n; i++) {
    for (size_t h = 0; h < cols[i].nheld; h++)
      if (strlen(cols[i].held[h]) + 4 > width) width = strlen(cols[i].held[h]) + 4;
    if (cols[i].wanted && strlen(cols[i].wanted) + 4 > width) width = strlen(cols[i].wanted) + 4;
  }
  fprintf(out, "%s   %s\n%s\n", prefix, title, prefix);
  fprintf(out, "%s     ", prefix);
  for (size_t i = 0; i < n; i++) fprintf(out, "%-*s", i + 1 < n ? (int)width : 0, cols[i].label);
  fprintf(out, "\n%s     ", prefix);
  for (size_t i = 0; i < n; i++) fprintf(out, "%-*s", i + 1 < n ? (int)width : 0, "----");
  fputc('\n', out);
  for (size_t i = 0; i < n; i++)
    for (size_t h = 0; h < cols[i].nheld; h++) row(out, prefix, width, i, cols[i].held[h], "");
  for (size_t i = 0; i < n; i++)
    if (cols[i].wanted) row(out, prefix, width, i, cols[i].wanted, wanted_mark);
  fprintf(out, "%s\n%s    %s\n", prefix, prefix, banner);
}

void lh_scenario_table(FILE *out, const char *prefix, const struct lh_report *r,
                       const struct lh_finding *f) {
  size_t n = f->n;
  struct lh_scenario_column *cols = lh_xcalloc(n, sizeof *cols);
  char (*labels)[64] = lh_xcalloc(n, sizeof *labels);
  for (size_t i = 0; i < n; i++) {
    const struct lh_tuple *t = &r->m->tuples[f->steps[i].tuple];
    lh_thread_label(r->m, t->thread, labels[i], sizeof labels[i]);
    cols[i].label = labels[i];
    cols[i].held = lh_xcalloc(1, sizeof *cols[i].held);
    cols[i].held[0] = lh_scenario_call(r, f->locks[i], t->held[f->steps[i].held].mode);
    cols[i].nheld = 1;
    cols[i].wanted = lh_scenario_call(r, t->lock, t->mode);
  }
  lh_scenario_rows(out, prefix, "Possible unsafe locking scenario:", cols, n, "", "*** DEADLOCK ***");
  for (size_t i = 0; i < n; i++) {
    free(cols[i].held[0]);
    free(cols[i].held);
    free(cols[i].wanted);
  }
  free(cols);
  free(labels);
}
