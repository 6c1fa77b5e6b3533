/* scenario_table.c - the "possible unsafe locking scenario" of a lock-order cycle.
 *
 * One column per thread of the cycle and one row per lock call, in an order that deadlocks:
 * first every thread takes the lock it holds, then every thread asks for the lock it wants, which
 * the next thread holds. Reading down the table, the reader sees the interleaving that hangs.
 * Read/write acquisitions of rwlocks are written read_lock()/write_lock(). */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "report.h"

#define MIN_COLUMN 22

static char *call(const struct lh_report *r, uint32_t lock, uint8_t mode) {
  const char *fn = "lock";
  if (r->m->locks[lock].kind == LH_LOCK_RWLOCK) fn = mode == LH_MODE_READ ? "read_lock" : "write_lock";
  char *s;
  if (asprintf(&s, "%s(%s);", fn, r->lock_names[lock]) < 0) return lh_xstrdup("?");
  return s;
}

static void row(FILE *out, const char *prefix, size_t width, size_t column, const char *text) {
  fprintf(out, "%s     %*s%s\n", prefix, (int)(width * column), "", text);
}

void lh_scenario_table(FILE *out, const char *prefix, const struct lh_report *r,
                       const struct lh_finding *f) {
  size_t n = f->n;
  char **held = lh_xcalloc(n, sizeof *held), **wanted = lh_xcalloc(n, sizeof *wanted);
  size_t width = MIN_COLUMN;
  for (size_t i = 0; i < n; i++) {
    const struct lh_tuple *t = &r->m->tuples[f->steps[i].tuple];
    held[i] = call(r, f->locks[i], t->held[f->steps[i].held].mode);
    wanted[i] = call(r, t->lock, t->mode);
    if (strlen(held[i]) + 4 > width) width = strlen(held[i]) + 4;
    if (strlen(wanted[i]) + 4 > width) width = strlen(wanted[i]) + 4;
  }
  fprintf(out, "%s   Possible unsafe locking scenario:\n%s\n", prefix, prefix);
  fprintf(out, "%s     ", prefix);
  for (size_t i = 0; i < n; i++) {
    char label[64];
    lh_thread_label(r->m, r->m->tuples[f->steps[i].tuple].thread, label, sizeof label);
    fprintf(out, "%-*s", i + 1 < n ? (int)width : 0, label);
  }
  fprintf(out, "\n%s     ", prefix);
  for (size_t i = 0; i < n; i++) fprintf(out, "%-*s", i + 1 < n ? (int)width : 0, "----");
  fputc('\n', out);
  for (size_t i = 0; i < n; i++) row(out, prefix, width, i, held[i]);
  for (size_t i = 0; i < n; i++) row(out, prefix, width, i, wanted[i]);
  fprintf(out, "%s\n%s    *** DEADLOCK ***\n", prefix, prefix);
  for (size_t i = 0; i < n; i++) {
    free(held[i]);
    free(wanted[i]);
  }
  free(held);
  free(wanted);
}
