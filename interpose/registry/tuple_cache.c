/* tuple_cache.c - see tuple_cache.h. */
#include "registry/tuple_cache.h"

#include <stdlib.h>

static struct lh_tuple_slot *probe(struct lh_tuple_slot *slots, uint32_t cap,
                                   const struct lh_tuple_key *k) {
  uint32_t i = (uint32_t)lh_tuple_key_hash(k) & (cap - 1);
  while (slots[i].used && !lh_tuple_key_eq(&slots[i].key, k)) i = (i + 1) & (cap - 1);
  return &slots[i];
}

/* Drops the entries keep rejects, then lays the rest out again, in a table twice as large when
 * they still fill more than a quarter of this one. */
static bool rebuild(struct lh_tuple_cache *c, lh_tuple_keep_fn keep) {
  if (keep)
    for (uint32_t i = 0; i < c->cap; i++)
      if (c->slots[i].used && !keep(&c->slots[i])) {
        c->slots[i].used = false; /* the old table is only read from now on */
        c->n--;
      }
  uint32_t cap = c->cap == 0 ? 64 : (c->n + 1) * 4 > c->cap ? c->cap * 2 : c->cap;
  struct lh_tuple_slot *slots = calloc(cap, sizeof *slots);
  if (!slots) return false;
  for (uint32_t i = 0; i < c->cap; i++)
    if (c->slots[i].used) *probe(slots, cap, &c->slots[i].key) = c->slots[i];
  free(c->slots);
  c->slots = slots;
  c->cap = cap;
  return true;
}

bool lh_tuple_cache_put_pruning(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                                const struct lh_tuple_value *value, lh_tuple_keep_fn keep) {
  if (lh_tuple_cache_will_rebuild(c) && !rebuild(c, keep)) return false;
  struct lh_tuple_slot *s = probe(c->slots, c->cap, key);
  if (!s->used) {
    s->used = true;
    s->key = *key;
    c->n++;
  }
  s->value = *value;
  return true;
}

void lh_tuple_cache_clear(struct lh_tuple_cache *c) {
  free(c->slots);
  c->slots = NULL;
  c->cap = c->n = 0;
}
