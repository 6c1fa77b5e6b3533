/* report_contention.c - the per-lock contention profile (--contention), on stderr.
 *
 * The library measures, with the profile on, each lock's acquisitions, the acquisitions that had
 * to wait, and the total and longest wait and hold times (`contention` records). Here the
 * records of all runs are added up per lock (a lock merged across runs is one row) and the locks
 * are listed by total wait, then acquisitions: the lock that throttles the program comes first.
 * At most LH_CONTENTION_ROWS rows; the JSON report is where a script looks for all of them. */
#include "report/report_contention.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "report/i18n/messages.h"

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

/* A duration for people: "1.25 s", "71.8 ms", "640 us", "90 ns"; in Russian with a decimal comma
 * and Russian units ("71,8 мс"). */
static void duration(char *buf, size_t cap, uint64_t ns, enum lh_lang lang) {
  if (ns >= 1000000000ull)
    snprintf(buf, cap, "%.2f %s", ns / 1e9, lh_msg(lang, LH_MSG_UNIT_S));
  else if (ns >= 1000000ull)
    snprintf(buf, cap, "%.1f %s", ns / 1e6, lh_msg(lang, LH_MSG_UNIT_MS));
  else if (ns >= 1000ull)
    snprintf(buf, cap, "%.0f %s", ns / 1e3, lh_msg(lang, LH_MSG_UNIT_US));
  else
    snprintf(buf, cap, "%llu %s", (unsigned long long)ns, lh_msg(lang, LH_MSG_UNIT_NS));
  if (lang == LH_LANG_RU) {
    char *dot = strchr(buf, '.');
    if (dot) *dot = ',';
  }
}

/* s padded to width display columns (UTF-8 aware), left- or right-aligned. */
static void cell(FILE *out, const char *s, size_t width, bool right) {
  size_t w = lh_text_width(s);
  size_t pad = w < width ? width - w : 0;
  if (right)
    fprintf(out, " %*s%s", (int)pad, "", s);
  else
    fprintf(out, " %s%*s", s, (int)pad, "");
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
  lh_sort(rows, n, sizeof *rows, by_wait);
  *out = rows;
  return n;
}

void lh_report_contention(FILE *out, const struct lh_model *m, char **names, const char *prefix,
                          enum lh_lang lang) {
  struct row *rows;
  size_t n = collect(m, names, &rows);
  if (n == 0) {
    fprintf(out, "%s lockhound: %s\n", prefix, lh_msg(lang, LH_MSG_CONTENTION_NONE));
    free(rows);
    return;
  }
  static const size_t widths[7] = {28, 12, 18, 14, 14, 14, 14};
  static const enum lh_msg heads[7] = {
      LH_MSG_COL_LOCK,    LH_MSG_COL_ACQUISITIONS, LH_MSG_COL_HAD_TO_WAIT, LH_MSG_COL_TOTAL_WAIT,
      LH_MSG_COL_LONGEST, LH_MSG_COL_TOTAL_HOLD,   LH_MSG_COL_LONGEST};
  fprintf(out, "%s lockhound: %s\n", prefix, lh_msg(lang, LH_MSG_CONTENTION_HEADER));
  fprintf(out, "%s  ", prefix);
  for (int c = 0; c < 7; c++) cell(out, lh_msg(lang, heads[c]), widths[c], c > 0);
  fputc('\n', out);
  for (size_t i = 0; i < n && i < LH_CONTENTION_ROWS; i++) {
    const struct lh_lock_profile *p = &rows[i].p;
    char text[7][64];
    snprintf(text[0], sizeof text[0], "%s", rows[i].name);
    snprintf(text[1], sizeof text[1], "%llu", (unsigned long long)p->acquisitions);
    snprintf(text[2], sizeof text[2], "%llu (%.1f%%)", (unsigned long long)p->contended,
             p->acquisitions ? 100.0 * (double)p->contended / (double)p->acquisitions : 0.0);
    if (lang == LH_LANG_RU) {
      char *dot = strchr(text[2], '.');
      if (dot) *dot = ',';
    }
    duration(text[3], sizeof text[3], p->wait_ns, lang);
    duration(text[4], sizeof text[4], p->max_wait_ns, lang);
    duration(text[5], sizeof text[5], p->hold_ns, lang);
    duration(text[6], sizeof text[6], p->max_hold_ns, lang);
    fprintf(out, "%s  ", prefix);
    for (int c = 0; c < 7; c++) cell(out, text[c], widths[c], c > 0);
    fputc('\n', out);
  }
  if (n > LH_CONTENTION_ROWS) {
    fprintf(out, "%s   ", prefix);
    fprintf(out, lh_msg(lang, LH_MSG_MORE_LOCKS), n - LH_CONTENTION_ROWS);
    fputc('\n', out);
  }
  free(rows);
}
