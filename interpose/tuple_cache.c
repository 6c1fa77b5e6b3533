/* tuple_cache.c - see tuple_cache.h. */
#include "tuple_cache.h"

#include <stdlib.h>

static uint64_t key_hash(const struct lh_tuple_key *k) {
  uint64_t h = k->held_hash ^ ((uint64_t)k->lock * 0x9e3779b97f4a7c15ull);
  h ^= (uint64_t)k->pc * 0xff51afd7ed558ccdull;
  h ^= ((uint64_t)k->seg << 20) ^ ((uint64_t)k->mode << 8) ^ k->flags;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 29);
}

static bool key_eq(const struct lh_tuple_key *a, const struct lh_tuple_key *b) {
  return a->held_hash == b->held_hash && a->pc == b->pc && a->lock == b->lock &&
         a->seg == b->seg && a->mode == b->mode && a->flags == b->flags;
}

static struct lh_tuple_slot *probe(struct lh_tuple_slot *slots, uint32_t cap,
                                   const struct lh_tuple_key *k) {
  uint32_t i = (uint32_t)key_hash(k) & (cap - 1);
  while (slots[i].used && !key_eq(&slots[i].key, k))
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

bool lh_tuple_cache_get(const struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                        uint32_t *stack) {
  if (c->cap == 0)
    return false;
  struct lh_tuple_slot *s = probe(c->slots, c->cap, key);
  if (!s->used)
    return false;
  *stack = s->stack;
  return true;
}

static bool grow(struct lh_tuple_cache *c) {
  uint32_t cap = c->cap ? c->cap * 2 : 64;
  struct lh_tuple_slot *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return false;
  for (uint32_t i = 0; i < c->cap; i++)
    if (c->slots[i].used)
      *probe(slots, cap, &c->slots[i].key) = c->slots[i];
  free(c->slots);
  c->slots = slots;
  c->cap = cap;
  return true;
}

bool lh_tuple_cache_put(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                        uint32_t stack) {
  if ((c->n + 1) * 2 > c->cap && !grow(c))
    return false;
  struct lh_tuple_slot *s = probe(c->slots, c->cap, key);
  if (!s->used) {
    s->used = true;
    s->key = *key;
    c->n++;
  }
  s->stack = stack;
  return true;
}

void lh_tuple_cache_clear(struct lh_tuple_cache *c) {
  free(c->slots);
  c->slots = NULL;
  c->cap = c->n = 0;
}
