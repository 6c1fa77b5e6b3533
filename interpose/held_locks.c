/* held_locks.c - see held_locks.h. Removal is usually of the last entry (locks are mostly
 * released in reverse order); out-of-order release shifts the tail down, O(depth). */
#include "held_locks.h"

#include <stdlib.h>
#include <string.h>

void lh_held_init(struct lh_held_set *s) {
  s->v = s->inline_v;
  s->n = 0;
  s->cap = LH_HELD_INLINE;
  s->hash = 0;
}

void lh_held_free(struct lh_held_set *s) {
  if (s->v != s->inline_v)
    free(s->v);
  lh_held_init(s);
}

/* A 64-bit mix (splitmix64 finaliser): entries are summed, so each must spread its bits. */
uint64_t lh_held_entry_hash(uint32_t lock, uint8_t mode, uint32_t stack) {
  uint64_t x = ((uint64_t)lock << 32) ^ ((uint64_t)stack << 1) ^ mode;
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

int lh_held_find(const struct lh_held_set *s, uintptr_t addr) {
  for (int i = (int)s->n - 1; i >= 0; i--)
    if (s->v[i].addr == addr)
      return i;
  return -1;
}

static bool grow(struct lh_held_set *s) {
  uint32_t cap = s->cap * 2;
  struct lh_held_entry *v = malloc(cap * sizeof *v);
  if (!v)
    return false;
  memcpy(v, s->v, s->n * sizeof *v);
  if (s->v != s->inline_v)
    free(s->v);
  s->v = v;
  s->cap = cap;
  return true;
}

bool lh_held_push(struct lh_held_set *s, const struct lh_held_entry *e) {
  if (s->v == NULL)
    lh_held_init(s);
  if (s->n == s->cap && !grow(s))
    return false;
  s->v[s->n++] = *e;
  s->hash += lh_held_entry_hash(e->lock, e->mode, e->stack);
  return true;
}

void lh_held_remove(struct lh_held_set *s, int i) {
  struct lh_held_entry *e = &s->v[i];
  s->hash -= lh_held_entry_hash(e->lock, e->mode, e->stack);
  memmove(e, e + 1, (s->n - (uint32_t)i - 1) * sizeof *e);
  s->n--;
}
