/* report.c - naming helpers shared by the report formats. */
#include "report/report.h"

#include <stdio.h>

void lh_thread_label(const struct lh_model *m, uint32_t thread, char *buf, size_t size) {
  const struct lh_thread *t = &m->threads[thread];
  if (m->nfiles > 1) snprintf(buf, size, "T%d@%lld", t->id, m->files[t->file].pid);
  else snprintf(buf, size, "T%d", t->id);
}
