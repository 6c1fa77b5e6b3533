/* report_contention.c - the per-lock contention profile (--contention), on stderr.
 *
 * The library measures, with the profile on, each lock's acquisitions, the acquisitions that had
 * to wait, and the total and longest wait and hold times (`contention` records). Here the
 * records of all runs are added up per lock (a lock merged across runs is one row) and the locks
 * are listed by total wait, then acquisitions: the lock that throttles the program comes first.
 * At most LH_CONTENTION_ROWS rows; the JSON report is where a script looks for all of them. */
#include "report_contention.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

#define LH_CONTENTION_ROWS 20

struct row {
  const char *name;
  struct lh_lock_profile p;
};

static int by_wait(const void *a, const void *b) {
  const struct row *x = a, *y = b;
  if (x->p.wait_ns != y->p.wait_ns) return x->p.wait_ns < y->p.wait_ns ? 1 : -1;
  if (x->p.acquisitions != y->p.acquisitions) return x->p.acquisitions < y->p.acquisitions ? 1 : -1;
  return strcmp(x->name, y->name);
}

/* A duration for people: "1.25 s", "71.8 ms", "640 us", "90 ns". */
static void duration(char *buf, size_t cap, uint64_t ns) {
  if (ns >= 1000000000ull) snprintf(buf, cap, "%.2f s", ns / 1e9);
  else if (ns >= 1000000ull) snprintf(buf, cap, "%.1f ms", ns / 1e6);
  else if (ns >= 1000ull) snprintf(buf, cap, "%.0f us", ns / 1e3);
  else snprintf(buf, cap, "%llu ns", (unsigned long long)ns);
}

static size_t collect(const struct lh_model *m, char **names, struct row **out) {
  struct row *rows = lh_xcalloc(m->nlocks ? m->nlocks : 1, sizeof *rows);
  bool *seen = lh_xcalloc(m->nlocks ? m->nlocks : 1, sizeof *seen);
  size_t n = 0;
  size_t *slot = lh_xcalloc(m->nlocks ? m->nlocks : 1, sizeof *slot);
  for (size_t i = 0; i < m->nprofiles; i++) {
    const struct lh_lock_profile *p = &m->profiles[i];
    if (p->lock >= m->nlocks) continue;
    if (!seen[p->lock]) {
      seen[p->lock] = true;
      slot[p->lock] = n;
      rows[n].name = names[p->lock];
      rows[n].p.lock = p->lock;
      n++;
    }
    struct lh_lock_profile *r = &rows[slot[p->lock]].p;
    r->acquisitions += p->acquisitions;
    r->contended += p->contended;
    r->wait_ns += p->wait_ns;
    r->hold_ns += p->hold_ns;
    if (p->max_wait_ns > r->max_wait_ns) r->max_wait_ns = p->max_wait_ns;
    if (p->max_hold_ns > r->max_hold_ns) r->max_hold_ns = p->max_hold_ns;
  }
  free(seen);
  free(slot);
  qsort(rows, n, sizeof *rows, by_wait);
  *out = rows;
  return n;
}

void lh_report_contention(FILE *out, const struct lh_model *m, char **names, const char *prefix) {
  struct row *rows;
  size_t n = collect(m, names, &rows);
  if (n == 0) {
    fprintf(out, "%s lockhound: no contention profile in these runs (record one with "
                 "`lockhound run --contention`)\n", prefix);
    free(rows);
    return;
  }
  fprintf(out, "%s lockhound: lock contention, the locks threads waited for most first:\n", prefix);
  fprintf(out, "%s   %-28s %12s %18s %11s %11s %11s %11s\n", prefix, "lock", "acquisitions",
          "had to wait", "total wait", "longest", "total hold", "longest");
  for (size_t i = 0; i < n && i < LH_CONTENTION_ROWS; i++) {
    const struct lh_lock_profile *p = &rows[i].p;
    char tw[24], mw[24], th[24], mh[24], waited[40];
    duration(tw, sizeof tw, p->wait_ns);
    duration(mw, sizeof mw, p->max_wait_ns);
    duration(th, sizeof th, p->hold_ns);
    duration(mh, sizeof mh, p->max_hold_ns);
    snprintf(waited, sizeof waited, "%llu (%.1f%%)", (unsigned long long)p->contended,
             p->acquisitions ? 100.0 * (double)p->contended / (double)p->acquisitions : 0.0);
    fprintf(out, "%s   %-28s %12llu %18s %11s %11s %11s %11s\n", prefix, rows[i].name,
            (unsigned long long)p->acquisitions, waited, tw, mw, th, mh);
  }
  if (n > LH_CONTENTION_ROWS)
    fprintf(out, "%s   (%zu more locks)\n", prefix, n - LH_CONTENTION_ROWS);
  free(rows);
}
