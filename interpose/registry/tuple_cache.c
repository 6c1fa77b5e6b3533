/* tuple_cache.c - see tuple_cache.h. */
#include "registry/tuple_cache.h"

#include "registry/tuple_families.h"

#include <stdlib.h>
#include <string.h>

#include "base/table_memory.h"

static uint64_t slot_key(const struct lh_tuple_far_slot *s) {
  return (uint64_t)s->key_hi << 32 | s->key_lo;
}

/* Where the slot of a key of hash h would be alone: the hash's high half scaled to cap. */
static uint32_t home_of(uint64_t h, uint32_t cap) {
  return (uint32_t)(((h >> 32) * (uint64_t)cap) >> 32);
}

static uint64_t slot_hash(const struct lh_tuple_far_slot *s) {
  return lh_tuple_far_hash(slot_key(s));
}

/* The slots a table of cap homes has: runs that start at the last homes spill past them (a run at
 * seven eighths load is some tens of slots, rarely a few hundred; one that reaches the end makes
 * the table grow). Every slot is resident once the table has grown (its slots move through all
 * of it), so the spill is kept small: cap / 16 made memcached's tables 6% larger. */
static uint32_t alloc_for(uint32_t cap) { return cap + cap / 128 + 64; }

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

/* The records' index word of (addr, v), or the free one where it would go. */
static uint32_t *probe_record(const struct lh_tuple_far *f, uintptr_t addr,
                              const struct lh_tuple_value *v) {
  uint32_t mask = f->values_index_cap - 1, i = record_hash(addr, v) & mask;
  while (f->values_index[i] && !same_record(&f->values[f->values_index[i] - 1], addr, v))
    i = (i + 1) & mask;
  return &f->values_index[i];
}

/* The slot of (addr, key) in the far table, or NULL when the tuple is not there. From the key's
 * home on, the slots are in the order of their hashes, so a miss stops at the first slot of a
 * larger hash (or a free one), not at the end of the run: at seven eighths full a run is tens of
 * slots long, and walking it to its end made every new tuple's look-ups cost that (`perf
 * annotate` on memcached: probe_far 5.7% of the server's samples). */
static struct lh_tuple_far_slot *probe_far(const struct lh_tuple_far *f, uintptr_t addr,
                                           uint64_t key) {
  uint64_t h = lh_tuple_far_hash(key);
  for (struct lh_tuple_far_slot *s = &f->slots[home_of(h, f->cap)]; s->record; s++) {
    uint64_t k = slot_key(s);
    if (k == key) {
      if (f->values[s->record - 1].addr == addr) return s;
    } else if (lh_tuple_far_hash(k) > h) {
      return NULL;
    }
  }
  return NULL;
}

struct lh_tuple_slot *lh_tuple_cache_get_far(const struct lh_tuple_cache *c, uintptr_t addr,
                                             uint64_t fp) {
  const struct lh_tuple_far *f = c->far;
  if (!f || f->cap == 0) return NULL;
  const struct lh_tuple_far_slot *s = probe_far(f, addr, lh_tuple_far_key(addr, fp));
  return s ? &f->values[s->record - 1] : NULL;
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
  lh_table_free(f->slots, f->alloc, sizeof *f->slots);
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

static uint32_t record_hash_at(const struct lh_tuple_far *f, uint32_t j) {
  return record_hash(f->values[j].addr, &f->values[j].value);
}

/* Room in the records' index for one more: at one more than half load, a new index twice as
 * large. */
static bool records_index_room(struct lh_tuple_far *f) {
  if ((f->nvalues + 1) * 2 <= f->values_index_cap) return true;
  if (f->values_index_cap > UINT32_MAX / 4) return false;
  uint32_t cap = f->values_index_cap ? f->values_index_cap * 2 : 64, mask = cap - 1;
  uint32_t *v = lh_table_alloc(cap, sizeof *v);
  if (!v) return false;
  lh_table_free(f->values_index, f->values_index_cap, sizeof *f->values_index);
  f->values_index = v;
  f->values_index_cap = cap;
  for (uint32_t j = 0; j < f->nvalues; j++) {
    uint32_t i = record_hash_at(f, j) & mask;
    while (v[i]) i = (i + 1) & mask;
    v[i] = j + 1;
  }
  return true;
}

/* The position of the record (addr, v), added when new; UINT32_MAX when memory runs out. */
static uint32_t intern_record(struct lh_tuple_far *f, uintptr_t addr,
                              const struct lh_tuple_value *v) {
  if (f->values_index_cap) {
    uint32_t at = *probe_record(f, addr, v);
    if (at) return at - 1;
  }
  if (!array_room((void **)&f->values, &f->values_room, f->nvalues, sizeof *f->values) ||
      !records_index_room(f))
    return UINT32_MAX;
  f->values[f->nvalues] = (struct lh_tuple_slot){.addr = addr, .value = *v};
  *probe_record(f, addr, v) = ++f->nvalues;
  return f->nvalues - 1;
}

/* The far table with cap homes, in place. In the order of their hashes, each slot goes to its
 * new home or right after the slot before, which is never before where it is (a home grows with
 * the capacity, and a run only lengthens): the table grows (lh_table_grow), the slots move to its
 * end, last first (each to a place at or after its own, and free), then forward to their places,
 * first first (each to a place at or before the one it leaves, which the ones before have left).
 * false, the table as it was, when memory runs out. */
static bool far_grow(struct lh_tuple_far *f, uint32_t cap) {
  if (cap > UINT32_MAX / 2) return false;
  uint32_t alloc = alloc_for(cap), next = 0;
  for (uint32_t i = 0; i < f->alloc; i++) /* where the last slot will be: within alloc? */
    if (f->slots[i].record) {
      uint32_t home = home_of(slot_hash(&f->slots[i]), cap);
      next = (home > next ? home : next) + 1;
    }
  if (next + 1 > alloc) alloc = next + 1; /* the last slot stays free */
  struct lh_tuple_far_slot *v = lh_table_grow(f->slots, f->alloc, alloc, sizeof *v);
  if (!v) return false;
  uint32_t to = alloc - 1;
  for (uint32_t i = f->alloc; i-- > 0;)
    if (v[i].record && --to != i) {
      v[to] = v[i];
      v[i] = (struct lh_tuple_far_slot){0};
    }
  next = 0;
  for (uint32_t i = to; i < alloc - 1; i++) {
    struct lh_tuple_far_slot s = v[i];
    v[i] = (struct lh_tuple_far_slot){0};
    uint32_t at = home_of(slot_hash(&s), cap);
    at = at > next ? at : next;
    v[at] = s;
    next = at + 1;
  }
  f->slots = v;
  f->cap = cap;
  f->alloc = alloc;
  return true;
}

/* The far table's next capacity: a quarter more (it grows at seven eighths full, so it is 70% to
 * 87.5% full: ordered slots keep a look-up short at that load, a hit 4 or 5 slots on average and
 * a miss stopping at the first larger hash, where growing by half at three quarters left it half
 * full, 0.7 MB more for memcached's three tables). */
static uint32_t far_grown(uint32_t cap) { return cap ? cap + cap / 4 + 1 : 64; }

/* Puts s in its place in the order of hashes, the slots after it up to the first free one moved
 * up by one; false when that free slot is the last (the table must grow first). */
static bool far_insert(struct lh_tuple_far *f, struct lh_tuple_far_slot s) {
  uint64_t h = slot_hash(&s);
  uint32_t i = home_of(h, f->cap), j;
  while (f->slots[i].record && slot_hash(&f->slots[i]) <= h) i++;
  for (j = i; f->slots[j].record; j++) {
  }
  if (j + 1 >= f->alloc) return false;
  memmove(&f->slots[i + 1], &f->slots[i], (size_t)(j - i) * sizeof s);
  f->slots[i] = s;
  return true;
}

/* (addr, fp) -> v in the far table, the slot made when new; false when memory runs out. */
static bool place_far(struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp,
                      const struct lh_tuple_value *v) {
  struct lh_tuple_far *f = c->far;
  if (!f && !(f = c->far = calloc(1, sizeof *f))) return false;
  uint32_t value = intern_record(f, addr, v);
  if (value == UINT32_MAX) return false;
  uint64_t key = lh_tuple_far_key(addr, fp);
  struct lh_tuple_far_slot *at = f->cap ? probe_far(f, addr, key) : NULL;
  if (at) {
    at->record = value + 1; /* the old record stays for the others that share it */
    return true;
  }
  struct lh_tuple_far_slot s = {(uint32_t)key, (uint32_t)(key >> 32), value + 1};
  if ((uint64_t)(f->n + 1) * 8 > (uint64_t)f->cap * 7 && !far_grow(f, far_grown(f->cap)))
    return false;
  while (!far_insert(f, s)) /* a run reached the end: more homes shorten it */
    if (!far_grow(f, far_grown(f->cap))) return false;
  f->n++;
  c->n++;
  return true;
}

/* (addr, fp) -> v for a tuple whose near window is full: in its family (held set top) when it
 * is one or may join one, else in the far table. A member whose value changed leaves its family
 * for the far table; a tuple already far stays there. */
static bool place_beyond(struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp,
                         const struct lh_tuple_value *v, const struct lh_tuple_top *top) {
  if (top) {
    struct lh_tuple_family *f =
        lh_tuple_family_of(c->families, addr, lh_tuple_family_key(fp, top), top->lock);
    if (f) {
      if (same_record(&f->record, addr, v)) return true;
      lh_tuple_family_leave(c->families, f, top->lock);
      c->n--;
    } else if (!lh_tuple_cache_get_far(c, addr, fp) &&
               lh_tuple_family_join(&c->families, addr, fp, top, v)) {
      c->n++;
      return true;
    }
  }
  return place_far(c, addr, fp, v);
}

/* (addr, fp) -> v: in its near window while the window has room, else beyond it. */
static bool place(struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp,
                  const struct lh_tuple_value *v, const struct lh_tuple_top *top) {
  struct lh_tuple_slot *s = probe_near(c->slots, c->cap, addr, fp);
  if (!s) return place_beyond(c, addr, fp, v, top);
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

/* The far table's slots, in place: those whose record keep rejected (records[r] false) go,
 * those whose window in c's new near table has room move there, the rest move back, in order,
 * to their home or right after the slot before (never after where they were), with their records
 * copied into new, smaller arrays. In place, so that a rebuild never has two far tables at once
 * (memcached's workers: 0.7 MB each, issue 11). A slot left here had a full window when it was
 * looked at, and windows only fill up until the next rebuild, so a free slot in a window still
 * proves a key absent from both tables. */
static void far_compact(struct lh_tuple_cache *c, struct lh_tuple_far *f, const bool *records) {
  struct lh_tuple_far kept_records = {0};
  uint32_t next = 0, n = 0;
  for (uint32_t i = 0; i < f->alloc; i++) {
    struct lh_tuple_far_slot e = f->slots[i];
    if (!e.record) continue;
    f->slots[i] = (struct lh_tuple_far_slot){0};
    if (records && !records[e.record - 1]) continue;
    const struct lh_tuple_slot *r = &f->values[e.record - 1];
    uint64_t fp = lh_tuple_far_key(r->addr, slot_key(&e)); /* the key's xor undone */
    struct lh_tuple_slot *s = probe_near(c->slots, c->cap, r->addr, fp);
    if (s) {
      *s = (struct lh_tuple_slot){.addr = r->addr, .fp = fp, .value = r->value};
      c->n++;
      continue;
    }
    uint32_t value = intern_record(&kept_records, r->addr, &r->value);
    if (value == UINT32_MAX) continue; /* no memory: recorded again next time, harmless */
    e.record = value + 1;
    uint32_t at = home_of(slot_hash(&e), f->cap);
    at = at > next ? at : next;
    f->slots[at] = e;
    next = at + 1;
    n++;
    c->n++;
  }
  f->n = n;
  lh_table_free(f->values_index, f->values_index_cap, sizeof *f->values_index);
  lh_table_free(f->values, f->values_room, sizeof *f->values);
  f->values = kept_records.values;
  f->values_room = kept_records.values_room;
  f->values_index = kept_records.values_index;
  f->values_index_cap = kept_records.values_index_cap;
  f->nvalues = kept_records.nvalues;
}

/* A family member offered by lh_tuple_families_compact: into the new near table when its window
 * there has room. */
static bool place_near_if_room(void *ctx, uintptr_t addr, uint64_t fp,
                               const struct lh_tuple_value *v) {
  struct lh_tuple_cache *c = ctx;
  struct lh_tuple_slot *s = probe_near(c->slots, c->cap, addr, fp);
  if (!s) return false;
  if (!s->addr) c->n++;
  *s = (struct lh_tuple_slot){.addr = addr, .fp = fp, .value = *v};
  return true;
}

/* Drops the entries keep rejects, then lays the rest out again: a new near table, twice as large
 * when they still fill more than a quarter of it, and the far table compacted in place. */
static bool rebuild(struct lh_tuple_cache *c, lh_tuple_keep_fn keep) {
  struct lh_tuple_far *far = c->far;
  struct lh_tuple_slot *old = c->slots;
  uint32_t old_cap = c->cap, kept = 0;
  unsigned char *written = lh_table_resident_pages(old, old_cap, sizeof *old);
  for (uint32_t i = 0; i < old_cap; i++)
    if (lh_table_page_resident(written, i * sizeof *old) && old[i].addr) {
      if (keep && !keep(&old[i]))
        old[i].addr = 0; /* the old table is only read from now on */
      else
        kept++;
    }
  bool *records = records_kept(far, keep);
  for (uint32_t j = 0; far && j < far->alloc; j++)
    kept += far->slots[j].record && (!records || records[far->slots[j].record - 1]);
  struct lh_tuple_families *families = c->families;
  kept += families ? families->members : 0; /* before keep: an upper bound is enough here */
  uint32_t cap = c->cap == 0 ? 64 : (kept + 1) * 4 > c->cap ? c->cap * 2 : c->cap;
  struct lh_tuple_slot *slots = lh_table_alloc(cap, sizeof *slots);
  if (!slots) {
    free(records);
    free(written);
    return false;
  }
  *c = (struct lh_tuple_cache){.slots = slots, .cap = cap, .far = far, .families = families};
  if (far) far_compact(c, far, records);
  free(records);
  c->n += lh_tuple_families_compact(families, keep, place_near_if_room, c);
  bool ok = true;
  for (uint32_t i = 0; i < old_cap; i++)
    if (lh_table_page_resident(written, i * sizeof *old) && old[i].addr)
      ok &= place(c, old[i].addr, old[i].fp, &old[i].value, 0);
  free(written);
  /* What place could not keep for want of memory is recorded again next time: harmless. */
  lh_table_free(old, old_cap, sizeof *old);
  return ok || c->n > 0;
}

bool lh_tuple_cache_put_held(struct lh_tuple_cache *c, const struct lh_tuple_key *key,
                             const struct lh_tuple_value *value, const struct lh_tuple_top *top,
                             lh_tuple_keep_fn keep) {
  if (lh_tuple_cache_will_rebuild(c) && !rebuild(c, keep)) return false;
  return place(c, key->addr, lh_tuple_fp(key->held_hash, key->pc, key->meta), value, top);
}

/* How far slot i is from the start of its tuple's window. */
static uint32_t window_offset(const struct lh_tuple_cache *c, uint32_t i) {
  return (i - lh_tuple_near_index(c->slots[i].addr, c->cap)) & (c->cap - 1);
}

struct lh_tuple_slot *lh_tuple_cache_move_forward(struct lh_tuple_cache *c, struct lh_tuple_slot *s,
                                                  uint32_t *turns) {
  uint32_t first = lh_tuple_near_index(s->addr, c->cap), mask = c->cap - 1;
  uint32_t p = ((uint32_t)(s - c->slots) - first) & mask;
  for (uint32_t k = 0; k < LH_TUPLE_FAST_PROBES; k++) {
    uint32_t q = (*turns + k) % LH_TUPLE_FAST_PROBES, to = (first + q) & mask;
    if (window_offset(c, to) + (p - q) >= LH_TUPLE_NEAR_PROBES) continue;
    struct lh_tuple_slot hot = *s;
    *s = c->slots[to];
    c->slots[to] = hot;
    ++*turns;
    return &c->slots[to];
  }
  return s;
}

/* Takes slot d out of the far table: the slots after it that are past their homes move back by
 * one, so that the order of hashes and the runs from each home stay as probe_far needs them. */
static void far_remove(struct lh_tuple_far *f, uint32_t d) {
  uint32_t j = d + 1;
  for (; f->slots[j].record && home_of(slot_hash(&f->slots[j]), f->cap) < j; j++)
    f->slots[j - 1] = f->slots[j];
  f->slots[j - 1] = (struct lh_tuple_far_slot){0};
  f->n--;
}

/* Whether the near window that starts at slot i is full. */
static bool window_full(const struct lh_tuple_cache *c, uint32_t i) {
  for (int p = 0; p < LH_TUPLE_NEAR_PROBES; p++, i = (i + 1) & (c->cap - 1))
    if (!c->slots[i].addr) return false;
  return true;
}

/* A slot of addr's (full) window whose tuple may go to the far table: its own window is full too,
 * so that its look-ups still end there. The window's first slot always qualifies (its tuple's
 * window starts at or before it, and every slot from that start up to it was taken when the tuple
 * was placed, nothing being freed between rebuilds); the search starts at a slot that turns with
 * the promotions, so that no one slot is always the one given up. */
static struct lh_tuple_slot *promotion_victim(const struct lh_tuple_cache *c, uintptr_t addr) {
  uint32_t first = lh_tuple_near_index(addr, c->cap);
  uint32_t turn = c->far ? c->far->hits / LH_TUPLE_PROMOTE_EVERY : 0;
  for (uint32_t k = 0; k < LH_TUPLE_NEAR_PROBES; k++) {
    uint32_t i = (first + (turn + k) % LH_TUPLE_NEAR_PROBES) & (c->cap - 1);
    if (window_full(c, lh_tuple_near_index(c->slots[i].addr, c->cap))) return &c->slots[i];
  }
  return &c->slots[first];
}

struct lh_tuple_slot *lh_tuple_cache_promote_held(struct lh_tuple_cache *c, uintptr_t addr,
                                                  uint64_t fp, const struct lh_tuple_top *top) {
  struct lh_tuple_far *f = c->far;
  uint64_t key = lh_tuple_far_key(addr, fp);
  struct lh_tuple_far_slot *at = f && f->cap && c->cap ? probe_far(f, addr, key) : NULL;
  struct lh_tuple_family *fam =
      !at && top && c->cap
          ? lh_tuple_family_of(c->families, addr, lh_tuple_family_key(fp, top), top->lock)
          : NULL;
  if ((!at && !fam) || !window_full(c, lh_tuple_near_index(addr, c->cap))) return NULL;
  struct lh_tuple_slot *v = promotion_victim(c, addr);
  struct lh_tuple_value value = at ? f->values[at->record - 1].value : fam->record.value;
  struct lh_tuple_slot hot = {.addr = addr, .fp = fp, .value = value};
  struct lh_tuple_slot cold = *v;
  if (!place_far(c, cold.addr, cold.fp, &cold.value)) return NULL;
  c->n--; /* place_far counted cold as a new tuple; it was counted near */
  if (at) {
    at = probe_far(c->far, addr, key); /* the far table may have grown */
    far_remove(c->far, (uint32_t)(at - c->far->slots));
  } else {
    lh_tuple_family_leave(c->families, fam, top->lock);
  }
  *v = hot;
  return v;
}

void lh_tuple_cache_clear(struct lh_tuple_cache *c) {
  lh_table_free(c->slots, c->cap, sizeof *c->slots);
  free_far(c->far);
  lh_tuple_families_free(c->families);
  *c = (struct lh_tuple_cache){0};
}
