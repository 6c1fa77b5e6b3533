/* tuple_cache.c - see tuple_cache.h. */
#include "registry/tuple_cache.h"

#include "base/table_memory.h"

/* Far table: the slot of key, or the free slot where it would go. */
static struct lh_tuple_slot *probe_far(struct lh_tuple_slot *slots, uint32_t cap,
                                       const struct lh_tuple_key *k) {
  uint32_t i = (uint32_t)lh_tuple_key_hash(k) & (cap - 1);
  while (slots[i].used && !lh_tuple_key_eq(&slots[i].key, k)) i = (i + 1) & (cap - 1);
  return &slots[i];
}

struct lh_tuple_slot *lh_tuple_cache_get_far(const struct lh_tuple_cache *c,
                                             const struct lh_tuple_key *key) {
  if (c->far_cap == 0) return NULL;
  struct lh_tuple_slot *s = probe_far(c->far, c->far_cap, key);
  return s->used ? s : NULL;
}

/* Near table: the slot of key, or a free slot of its window, or NULL when the window is full. */
static struct lh_tuple_slot *probe_near(struct lh_tuple_slot *slots, uint32_t cap,
                                        const struct lh_tuple_key *k) {
  uint32_t i = lh_tuple_near_index(k->addr, cap);
  for (int p = 0; p < LH_TUPLE_NEAR_PROBES; p++, i = (i + 1) & (cap - 1))
    if (!slots[i].used || lh_tuple_key_eq(&slots[i].key, k)) return &slots[i];
  return NULL;
}

/* Makes room for one more far entry: twice the table at half load. */
static bool grow_far(struct lh_tuple_cache *c) {
  if ((c->far_n + 1) * 2 <= c->far_cap) return true;
  uint32_t cap = c->far_cap ? c->far_cap * 2 : 64;
  struct lh_tuple_slot *slots = lh_table_alloc(cap, sizeof *slots);
  if (!slots) return false;
  for (uint32_t i = 0; i < c->far_cap; i++)
    if (c->far[i].used) *probe_far(slots, cap, &c->far[i].key) = c->far[i];
  lh_table_free(c->far, c->far_cap, sizeof *c->far);
  c->far = slots;
  c->far_cap = cap;
  return true;
}

/* The slot for key (found, or free and marked used), or NULL when memory runs out. */
static struct lh_tuple_slot *place(struct lh_tuple_cache *c, const struct lh_tuple_key *key) {
  struct lh_tuple_slot *s = probe_near(c->slots, c->cap, key);
  if (!s) {
    s = c->far_cap ? probe_far(c->far, c->far_cap, key) : NULL;
    if (!s || !s->used) {
      if (!grow_far(c)) return NULL;
      s = probe_far(c->far, c->far_cap, key);
      c->far_n++;
    }
  }
  if (!s->used) {
    s->used = true;
    s->key = *key;
    c->n++;
  }
  return s;
}

/* Drops the entries keep rejects, then lays the rest out again in new tables, the near one twice
 * as large when they still fill more than a quarter of it. */
static bool rebuild(struct lh_tuple_cache *c, lh_tuple_keep_fn keep) {
  struct lh_tuple_slot *tables[2] = {c->slots, c->far};
  uint32_t caps[2] = {c->cap, c->far_cap}, kept = 0;
  for (int t = 0; t < 2; t++)
    for (uint32_t i = 0; i < caps[t]; i++)
      if (tables[t][i].used) {
        if (keep && !keep(&tables[t][i]))
          tables[t][i].used = false; /* the old tables are only read from now on */
        else
          kept++;
      }
  uint32_t cap = c->cap == 0 ? 64 : (kept + 1) * 4 > c->cap ? c->cap * 2 : c->cap;
  struct lh_tuple_slot *slots = lh_table_alloc(cap, sizeof *slots);
  if (!slots) return false;
  c->slots = slots;
  c->cap = cap;
  c->n = 0;
  c->far = NULL;
  c->far_cap = c->far_n = 0;
  bool ok = true;
  for (int t = 0; t < 2; t++)
    for (uint32_t i = 0; i < caps[t]; i++)
      if (tables[t][i].used) {
        struct lh_tuple_slot *s = place(c, &tables[t][i].key);
        if (s)
          s->value = tables[t][i].value;
        else
          ok = false; /* forgotten: recorded again next time, which is harmless */
      }
  lh_table_free(tables[0], caps[0], sizeof *tables[0]);
  lh_table_free(tables[1], caps[1], sizeof *tables[1]);
  return ok || c->n > 0;
}

bool lh_tuple_cache_put_pruning(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                                const struct lh_tuple_value *value, lh_tuple_keep_fn keep) {
  if (lh_tuple_cache_will_rebuild(c) && !rebuild(c, keep)) return false;
  struct lh_tuple_slot *s = place(c, key);
  if (!s) return false;
  s->value = *value;
  return true;
}

void lh_tuple_cache_clear(struct lh_tuple_cache *c) {
  lh_table_free(c->slots, c->cap, sizeof *c->slots);
  lh_table_free(c->far, c->far_cap, sizeof *c->far);
  *c = (struct lh_tuple_cache){0};
}
