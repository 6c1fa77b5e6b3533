/* pointer_table.c - see pointer_table.h. */
#include "base/pointer_table.h"

#include <stdlib.h>
#include <string.h>

bool lh_pointer_table_reserve(struct lh_pointer_table *t, uint32_t need) {
  if (need < t->cap) return true;
  uint32_t cap = t->cap ? t->cap : 64;
  while (cap <= need) cap *= 2;
  void **v = realloc(t->v, cap * sizeof *v);
  if (!v) return false;
  memset(v + t->cap, 0, (cap - t->cap) * sizeof *v);
  t->v = v;
  t->cap = cap;
  return true;
}
