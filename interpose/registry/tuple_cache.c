/* tuple_cache.c - see tuple_cache.h. */
#include "registry/tuple_cache.h"

#include <stdlib.h>

#include "base/table_memory.h"

/* Far table: the index word of key, or the free one where it would go. */
static uint32_t *probe_far(const struct lh_tuple_far *f, uintptr_t addr, uint64_t fp) {
  uint32_t mask = f->index_cap - 1, i = lh_tuple_far_hash(addr, fp) & mask;
  while (f->index[i]) {
    const struct lh_tuple_slot *s = &f->entries[f->index[i] - 1];
    if (s->fp == fp && s->addr == addr) break;
    i = (i + 1) & mask;
  }
  return &f->index[i];
}

struct lh_tuple_slot *lh_tuple_cache_get_far(const struct lh_tuple_cache *c, uintptr_t addr,
                                             uint64_t fp) {
  if (!c->far || c->far->index_cap == 0) return NULL;
  uint32_t at = *probe_far(c->far, addr, fp);
  return at ? &c->far->entries[at - 1] : NULL;
}

/* Near table: the slot of the key, or a free slot of its window, or NULL when the window is
 * full. */
static struct lh_tuple_slot *probe_near(struct lh_tuple_slot *slots, uint32_t cap, uintptr_t addr,
                                        uint64_t fp) {
  uint32_t i = lh_tuple_near_index(addr, cap);
  for (int p = 0; p < LH_TUPLE_NEAR_PROBES; p++, i = (i + 1) & (cap - 1))
    if (!slots[i].addr || (slots[i].fp == fp && slots[i].addr == addr)) return &slots[i];
  return NULL;
}

static void free_far(struct lh_tuple_far *f) {
  if (!f) return;
  lh_table_free(f->index, f->index_cap, sizeof *f->index);
  lh_table_free(f->entries, f->room, sizeof *f->entries);
  free(f);
}

/* Makes room for one more far entry: the dense array twice as large when full (grown in place),
 * the index twice as large at half load (rebuilt from the array: 4 bytes an entry to write). */
static bool grow_far(struct lh_tuple_cache *c) {
  struct lh_tuple_far *f = c->far;
  if (!f && !(f = c->far = calloc(1, sizeof *f))) return false;
  if (f->n == f->room) {
    uint32_t room = f->room ? f->room * 2 : 32;
    struct lh_tuple_slot *e = lh_table_grow(f->entries, f->room, room, sizeof *e);
    if (!e) return false;
    f->entries = e;
    f->room = room;
  }
  if ((f->n + 1) * 2 > f->index_cap) {
    uint32_t cap = f->index_cap ? f->index_cap * 2 : 64, *old = f->index, old_cap = f->index_cap;
    uint32_t *index = lh_table_alloc(cap, sizeof *index);
    if (!index) return false;
    f->index = index;
    f->index_cap = cap;
    for (uint32_t j = 0; j < f->n; j++) *probe_far(f, f->entries[j].addr, f->entries[j].fp) = j + 1;
    lh_table_free(old, old_cap, sizeof *old);
  }
  return true;
}

/* The slot of (addr, fp) (found, or free and taken), or NULL when memory runs out. */
static struct lh_tuple_slot *place(struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp) {
  struct lh_tuple_slot *s = probe_near(c->slots, c->cap, addr, fp);
  if (!s) {
    s = lh_tuple_cache_get_far(c, addr, fp);
    if (!s) {
      if (!grow_far(c)) return NULL;
      uint32_t *at = probe_far(c->far, addr, fp);
      *at = ++c->far->n;
      s = &c->far->entries[*at - 1]; /* zeroed: the array only ever grows between rebuilds */
    }
  }
  if (!s->addr) {
    s->addr = addr;
    s->fp = fp;
    c->n++;
  }
  return s;
}

/* Drops the entries keep rejects, then lays the rest out again in new tables, the near one twice
 * as large when they still fill more than a quarter of it. */
static bool rebuild(struct lh_tuple_cache *c, lh_tuple_keep_fn keep) {
  struct lh_tuple_far *far = c->far;
  struct lh_tuple_slot *tables[2] = {c->slots, far ? far->entries : NULL};
  uint32_t caps[2] = {c->cap, far ? far->n : 0}, kept = 0;
  for (int t = 0; t < 2; t++)
    for (uint32_t i = 0; i < caps[t]; i++)
      if (tables[t][i].addr) {
        if (keep && !keep(&tables[t][i]))
          tables[t][i].addr = 0; /* the old tables are only read from now on */
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
  bool ok = true;
  for (int t = 0; t < 2; t++)
    for (uint32_t i = 0; i < caps[t]; i++)
      if (tables[t][i].addr) {
        struct lh_tuple_slot *s = place(c, tables[t][i].addr, tables[t][i].fp);
        if (s)
          s->value = tables[t][i].value;
        else
          ok = false; /* forgotten: recorded again next time, which is harmless */
      }
  lh_table_free(tables[0], caps[0], sizeof *tables[0]);
  free_far(far);
  return ok || c->n > 0;
}

bool lh_tuple_cache_put_pruning(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                                const struct lh_tuple_value *value, lh_tuple_keep_fn keep) {
  if (lh_tuple_cache_will_rebuild(c) && !rebuild(c, keep)) return false;
  struct lh_tuple_slot *s = place(c, key->addr, lh_tuple_fp(key->held_hash, key->pc, key->meta));
  if (!s) return false;
  s->value = *value;
  return true;
}

void lh_tuple_cache_clear(struct lh_tuple_cache *c) {
  lh_table_free(c->slots, c->cap, sizeof *c->slots);
  free_far(c->far);
  *c = (struct lh_tuple_cache){0};
}
