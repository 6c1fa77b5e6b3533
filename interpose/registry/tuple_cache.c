/* tuple_cache.c - see tuple_cache.h. */
#include "registry/tuple_cache.h"

#include <stdlib.h>
#include <string.h>

#include "base/table_memory.h"

static uint64_t entry_fp(const struct lh_tuple_far_entry *e) {
  return (uint64_t)e->fp_hi << 32 | e->fp_lo;
}

/* A far record's hash: its address and every field of its value. */
static uint32_t record_hash(uintptr_t addr, const struct lh_tuple_value *v) {
  uint64_t h = (addr ^ v->lock) * 0xff51afd7ed558ccdull;
  h = (h ^ ((uint64_t)v->stack << 32 | v->epoch)) * 0x9e3779b97f4a7c15ull;
  h = (h ^ ((uint64_t)v->code_gen << 8 | v->again)) * 0xc4ceb9fe1a85ec53ull;
  return (uint32_t)(h >> 32);
}

static bool same_record(const struct lh_tuple_slot *r, uintptr_t addr,
                        const struct lh_tuple_value *v) {
  return r->addr == addr && r->value.lock == v->lock && r->value.stack == v->stack &&
         r->value.epoch == v->epoch && r->value.code_gen == v->code_gen &&
         r->value.again == v->again;
}

/* Far table: the index word of (addr, fp), or the free one where it would go. */
static uint32_t *probe_far(const struct lh_tuple_far *f, uintptr_t addr, uint64_t fp) {
  uint32_t mask = f->index_cap - 1, i = lh_tuple_far_hash(addr, fp) & mask;
  for (; f->index[i]; i = (i + 1) & mask) {
    const struct lh_tuple_far_entry *e = &f->entries[f->index[i] - 1];
    if (entry_fp(e) == fp && f->values[e->value].addr == addr) break;
  }
  return &f->index[i];
}

/* The records' index word of (addr, v), or the free one where it would go. */
static uint32_t *probe_record(const struct lh_tuple_far *f, uintptr_t addr,
                              const struct lh_tuple_value *v) {
  uint32_t mask = f->values_index_cap - 1, i = record_hash(addr, v) & mask;
  while (f->values_index[i] && !same_record(&f->values[f->values_index[i] - 1], addr, v))
    i = (i + 1) & mask;
  return &f->values_index[i];
}

struct lh_tuple_slot *lh_tuple_cache_get_far(const struct lh_tuple_cache *c, uintptr_t addr,
                                             uint64_t fp) {
  const struct lh_tuple_far *f = c->far;
  if (!f || f->index_cap == 0) return NULL;
  uint32_t at = *probe_far(f, addr, fp);
  return at ? &f->values[f->entries[at - 1].value] : NULL;
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
  lh_table_free(f->values_index, f->values_index_cap, sizeof *f->values_index);
  lh_table_free(f->values, f->values_room, sizeof *f->values);
  free(f);
}

/* Room for one more element of a dense array of n: twice as large when full, grown in place. */
static bool array_room(void **v, uint32_t *room, uint32_t n, size_t size) {
  if (n < *room) return true;
  if (*room > UINT32_MAX / 4) return false;
  uint32_t more = *room ? *room * 2 : 32;
  void *p = lh_table_grow(*v, *room, more, size);
  if (!p) return false;
  *v = p;
  *room = more;
  return true;
}

static uint32_t entry_hash_at(const struct lh_tuple_far *f, uint32_t j) {
  const struct lh_tuple_far_entry *e = &f->entries[j];
  return lh_tuple_far_hash(f->values[e->value].addr, entry_fp(e));
}

static uint32_t record_hash_at(const struct lh_tuple_far *f, uint32_t j) {
  return record_hash(f->values[j].addr, &f->values[j].value);
}

/* A new index of cap words (a power of two, more than twice n) for the first n positions of a
 * dense array (hash_at gives the hash of a position's key), in place of the old one; false, and
 * the old one kept, when memory runs out. */
static bool index_remake(uint32_t **index, uint32_t *cap, uint32_t new_cap, uint32_t n,
                         const struct lh_tuple_far *f,
                         uint32_t (*hash_at)(const struct lh_tuple_far *, uint32_t)) {
  uint32_t *v = lh_table_alloc(new_cap, sizeof *v), mask = new_cap - 1;
  if (!v) return false;
  lh_table_free(*index, *cap, sizeof **index);
  *index = v;
  *cap = new_cap;
  for (uint32_t j = 0; j < n; j++) {
    uint32_t i = hash_at(f, j) & mask;
    while (v[i]) i = (i + 1) & mask;
    v[i] = j + 1;
  }
  return true;
}

/* Room in an index of n positions for one more: at one more than half load, a new index twice
 * as large. */
static bool index_room(uint32_t **index, uint32_t *cap, uint32_t n, const struct lh_tuple_far *f,
                       uint32_t (*hash_at)(const struct lh_tuple_far *, uint32_t)) {
  if ((n + 1) * 2 <= *cap) return true;
  if (*cap > UINT32_MAX / 4) return false;
  return index_remake(index, cap, *cap ? *cap * 2 : 64, n, f, hash_at);
}

/* The position of the record (addr, v), added when new; UINT32_MAX when memory runs out. */
static uint32_t intern_record(struct lh_tuple_far *f, uintptr_t addr,
                              const struct lh_tuple_value *v) {
  if (f->values_index_cap) {
    uint32_t at = *probe_record(f, addr, v);
    if (at) return at - 1;
  }
  if (!array_room((void **)&f->values, &f->values_room, f->nvalues, sizeof *f->values) ||
      !index_room(&f->values_index, &f->values_index_cap, f->nvalues, f, record_hash_at))
    return UINT32_MAX;
  f->values[f->nvalues] = (struct lh_tuple_slot){.addr = addr, .value = *v};
  *probe_record(f, addr, v) = ++f->nvalues;
  return f->nvalues - 1;
}

/* (addr, fp) -> v in the far table, the entry made when new; false when memory runs out. */
static bool place_far(struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp,
                      const struct lh_tuple_value *v) {
  struct lh_tuple_far *f = c->far;
  if (!f && !(f = c->far = calloc(1, sizeof *f))) return false;
  uint32_t value = intern_record(f, addr, v);
  if (value == UINT32_MAX) return false;
  uint32_t at = f->index_cap ? *probe_far(f, addr, fp) : 0;
  if (at) {
    f->entries[at - 1].value = value; /* the old record stays for the others that share it */
    return true;
  }
  if (!array_room((void **)&f->entries, &f->room, f->n, sizeof *f->entries) ||
      !index_room(&f->index, &f->index_cap, f->n, f, entry_hash_at))
    return false;
  f->entries[f->n] = (struct lh_tuple_far_entry){(uint32_t)fp, (uint32_t)(fp >> 32), value};
  *probe_far(f, addr, fp) = ++f->n;
  c->n++;
  return true;
}

/* (addr, fp) -> v: in its near window while the window has room, else in the far table. */
static bool place(struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp,
                  const struct lh_tuple_value *v) {
  struct lh_tuple_slot *s = probe_near(c->slots, c->cap, addr, fp);
  if (!s) return place_far(c, addr, fp, v);
  if (!s->addr) {
    s->addr = addr;
    s->fp = fp;
    c->n++;
  }
  s->value = *v;
  return true;
}

/* Which of the far table's records keep accepts (NULL with keep NULL or no memory: all). */
static bool *records_kept(const struct lh_tuple_far *f, lh_tuple_keep_fn keep) {
  bool *kept = keep && f && f->nvalues ? malloc(f->nvalues) : NULL;
  if (kept)
    for (uint32_t r = 0; r < f->nvalues; r++) kept[r] = keep(&f->values[r]);
  return kept;
}

/* A new index for the far table's n entries, at most half full. */
static bool index_rebuild(struct lh_tuple_far *f) {
  uint32_t cap = 64;
  while (cap < 2 * (f->n + 1)) cap *= 2;
  return index_remake(&f->index, &f->index_cap, cap, f->n, f, entry_hash_at);
}

/* The far table's entries, in place: those whose record keep rejected (records[r] false) go,
 * those whose window in c's new near table has room move there, the rest stay, with their
 * records copied into new, smaller arrays and a new index. In place, so that a rebuild never has
 * two far tables at once (memcached's workers: 0.7 MB each, issue 11). An entry left here had a
 * full window when it was looked at, and windows only fill up until the next rebuild, so a free
 * slot in a window still proves a key absent from both tables. */
static void far_compact(struct lh_tuple_cache *c, struct lh_tuple_far *f, const bool *records) {
  struct lh_tuple_far kept_records = {0};
  uint32_t j = 0;
  for (uint32_t i = 0; i < f->n; i++) {
    struct lh_tuple_far_entry e = f->entries[i];
    if (records && !records[e.value]) continue;
    const struct lh_tuple_slot *r = &f->values[e.value];
    struct lh_tuple_slot *s = probe_near(c->slots, c->cap, r->addr, entry_fp(&e));
    if (s) {
      *s = (struct lh_tuple_slot){.addr = r->addr, .fp = entry_fp(&e), .value = r->value};
      c->n++;
      continue;
    }
    e.value = intern_record(&kept_records, r->addr, &r->value);
    if (e.value == UINT32_MAX) continue; /* no memory: recorded again next time, harmless */
    f->entries[j++] = e;
    c->n++;
  }
  memset(&f->entries[j], 0, (size_t)(f->n - j) * sizeof *f->entries);
  f->n = j;
  lh_table_free(f->values_index, f->values_index_cap, sizeof *f->values_index);
  lh_table_free(f->values, f->values_room, sizeof *f->values);
  f->values = kept_records.values;
  f->values_room = kept_records.values_room;
  f->values_index = kept_records.values_index;
  f->values_index_cap = kept_records.values_index_cap;
  f->nvalues = kept_records.nvalues;
  if (!index_rebuild(f)) { /* no memory: the entries cannot be found, so they go */
    lh_table_free(f->index, f->index_cap, sizeof *f->index); /* it names the old positions */
    f->index = NULL;
    f->index_cap = 0;
    c->n -= f->n;
    f->n = 0;
  }
}

/* Drops the entries keep rejects, then lays the rest out again: a new near table, twice as large
 * when they still fill more than a quarter of it, and the far table compacted in place. */
static bool rebuild(struct lh_tuple_cache *c, lh_tuple_keep_fn keep) {
  struct lh_tuple_far *far = c->far;
  struct lh_tuple_slot *old = c->slots;
  uint32_t old_cap = c->cap, kept = 0;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i].addr) {
      if (keep && !keep(&old[i]))
        old[i].addr = 0; /* the old table is only read from now on */
      else
        kept++;
    }
  bool *records = records_kept(far, keep);
  for (uint32_t j = 0; far && j < far->n; j++) kept += !records || records[far->entries[j].value];
  uint32_t cap = c->cap == 0 ? 64 : (kept + 1) * 4 > c->cap ? c->cap * 2 : c->cap;
  struct lh_tuple_slot *slots = lh_table_alloc(cap, sizeof *slots);
  if (!slots) {
    free(records);
    return false;
  }
  *c = (struct lh_tuple_cache){.slots = slots, .cap = cap, .far = far};
  if (far) far_compact(c, far, records);
  free(records);
  bool ok = true;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i].addr) ok &= place(c, old[i].addr, old[i].fp, &old[i].value);
  /* What place could not keep for want of memory is recorded again next time: harmless. */
  lh_table_free(old, old_cap, sizeof *old);
  return ok || c->n > 0;
}

bool lh_tuple_cache_put_pruning(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                                const struct lh_tuple_value *value, lh_tuple_keep_fn keep) {
  if (lh_tuple_cache_will_rebuild(c) && !rebuild(c, keep)) return false;
  return place(c, key->addr, lh_tuple_fp(key->held_hash, key->pc, key->meta), value);
}

void lh_tuple_cache_clear(struct lh_tuple_cache *c) {
  lh_table_free(c->slots, c->cap, sizeof *c->slots);
  free_far(c->far);
  *c = (struct lh_tuple_cache){0};
}
