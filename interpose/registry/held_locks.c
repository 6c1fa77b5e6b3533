/* held_locks.c - see held_locks.h. Removal is usually of the last entry (locks are mostly
 * released in reverse order); out-of-order release shifts the tail down, O(depth). */
#include "registry/held_locks.h"

#include <stdlib.h>

void lh_held_init(struct lh_held_set *s) {
  s->v = NULL;
  s->retired = NULL;
  s->n = 0;
  s->cap = 0;
  s->hash = 0;
}

void lh_held_free(struct lh_held_set *s) {
  free(s->v);
  while (s->retired) {
    void *next = *(void **)s->retired;
    free(s->retired);
    s->retired = next;
  }
  lh_held_init(s);
}

/* A 64-bit mix (splitmix64 finaliser): entries are summed, so each must spread its bits. */
bool lh_held_grow(struct lh_held_set *s) {
  uint32_t cap = s->v ? s->cap * 2 : LH_HELD_FIRST;
  struct lh_held_entry *v = malloc(cap * sizeof *v);
  if (!v) return false;
  if (s->v) memcpy(v, s->v, s->n * sizeof *v);
  memset(v + s->n, 0, (cap - s->n) * sizeof *v); /* nothing above n to reuse (recorder.h) */
  /* The old array is retired, not freed: the watchdog may be reading it (it reads held sets of
   * blocked threads without stopping them). Retired arrays go with the set, at thread exit. */
  if (s->v) {
    *(void **)s->v = s->retired;
    s->retired = s->v;
  }
  __atomic_store_n(&s->v, v, __ATOMIC_RELEASE);
  s->cap = cap;
  return true;
}
