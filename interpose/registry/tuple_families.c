/* tuple_families.c - see tuple_families.h. */
#include "registry/tuple_families.h"

#include <stdlib.h>
#include <string.h>

#include "base/table_memory.h"

static uint32_t filter_bucket(uintptr_t addr, uint64_t key) {
  return (uint32_t)(lh_tuple_family_hash(addr, key) >> 20) & (LH_FAMILY_FILTER - 1);
}

static bool same_value(const struct lh_tuple_value *a, const struct lh_tuple_value *b) {
  return a->lock == b->lock && a->stack == b->stack && a->epoch == b->epoch &&
         a->code_gen == b->code_gen && a->again == b->again;
}

/* The free slot where a family of (addr, key) goes in a table of cap entries. */
static struct lh_tuple_family *free_slot(struct lh_tuple_family *v, uint32_t cap, uintptr_t addr,
                                         uint64_t key) {
  uint32_t mask = cap - 1, i = (uint32_t)(lh_tuple_family_hash(addr, key) >> 32) & mask;
  while (v[i].record.addr) i = (i + 1) & mask;
  return &v[i];
}

/* The table with room for one more family (at most three quarters full: a family is 64 bytes,
 * and every entry's line is touched, so a sparser table costs memory and saves few probes; a
 * hit reads 2.5 slots on average at that load): twice as large when it would not be. false when
 * memory runs out. */
static bool table_room(struct lh_tuple_families *fs) {
  if ((fs->n + 1) * 4 <= fs->cap * 3) return true;
  uint32_t cap = fs->cap ? fs->cap * 2 : 16;
  struct lh_tuple_family *v = lh_table_alloc(cap, sizeof *v);
  if (!v) return false;
  for (uint32_t i = 0; i < fs->cap; i++)
    if (fs->v[i].record.addr)
      *free_slot(v, cap, fs->v[i].record.addr, fs->v[i].record.fp) = fs->v[i];
  lh_table_free(fs->v, fs->cap, sizeof *fs->v);
  fs->v = v;
  fs->cap = cap;
  return true;
}

/* f's bitmap made to cover lock id `lock`, within LH_FAMILY_SPAN ids; false when it cannot. A
 * bitmap that must grow takes twice its span (up to the limit), towards the new id, so that ids
 * met one after another copy it a logarithmic number of times. */
static bool cover(struct lh_tuple_family *f, uint32_t lock) {
  uint64_t lo = lock & ~63u, hi = ((uint64_t)lock | 63u) + 1;
  uint64_t base = f->base, end = base + 64ull * f->words;
  if (f->words) {
    if (lock >= base && lock < end) return true;
    lo = lo < base ? lo : base;
    hi = hi > end ? hi : end;
  }
  if (hi - lo > LH_FAMILY_SPAN) return false;
  uint64_t grown = 128ull * f->words < LH_FAMILY_SPAN ? 128ull * f->words : LH_FAMILY_SPAN;
  if (hi - lo < grown) {
    if (lock >= base) {
      hi = lo + grown < (1ull << 32) ? lo + grown : 1ull << 32;
    } else {
      lo = hi > grown ? hi - grown : 0;
    }
  }
  uint32_t words = (uint32_t)((hi - lo) / 64);
  uint64_t *bits = calloc(words, sizeof *bits);
  if (!bits) return false;
  if (f->words) memcpy(bits + (base - lo) / 64, f->bits, f->words * sizeof *bits);
  free(f->bits);
  f->bits = bits;
  f->base = (uint32_t)lo;
  f->words = words;
  return true;
}

/* The family of (addr, key) whose value is v, or NULL; *any* tells whether the key has one. */
static struct lh_tuple_family *family_with_value(const struct lh_tuple_families *fs, uintptr_t addr,
                                                 uint64_t key, const struct lh_tuple_value *v,
                                                 bool *any) {
  *any = false;
  if (!fs->cap) return NULL;
  uint32_t mask = fs->cap - 1;
  for (uint32_t i = (uint32_t)(lh_tuple_family_hash(addr, key) >> 32) & mask; fs->v[i].record.addr;
       i = (i + 1) & mask) {
    struct lh_tuple_family *f = &fs->v[i];
    if (f->record.addr != addr || f->record.fp != key) continue;
    *any = true;
    if (same_value(&f->record.value, v)) return f;
  }
  return NULL;
}

bool lh_tuple_family_join(struct lh_tuple_families **fsp, uintptr_t addr, uint64_t fp,
                          const struct lh_tuple_top *t, const struct lh_tuple_value *v) {
  struct lh_tuple_families *fs = *fsp;
  if (!fs && !(fs = *fsp = calloc(1, sizeof *fs))) return false;
  uint64_t key = lh_tuple_family_key(fp, t);
  bool any;
  struct lh_tuple_family *f = family_with_value(fs, addr, key, v, &any);
  if (!f) {
    uint8_t *seen = &fs->filter[filter_bucket(addr, key)];
    if (!any && *seen < LH_FAMILY_AFTER) {
      ++*seen;
      return false;
    }
    if (!table_room(fs)) return false;
    f = free_slot(fs->v, fs->cap, addr, key);
    *f = (struct lh_tuple_family){.record = {.addr = addr, .fp = key, .value = *v},
                                  .below = t->held_hash - t->hash,
                                  .top_fp = lh_tuple_entry_fp(t->hash, t->lock)};
    fs->n++;
  }
  if (!cover(f, t->lock)) return false; /* a new family stays, empty: others may join it */
  uint32_t i = t->lock - f->base;
  if (!(f->bits[i >> 6] >> (i & 63) & 1)) fs->members++;
  f->bits[i >> 6] |= 1ull << (i & 63);
  return true;
}

void lh_tuple_family_leave(struct lh_tuple_families *fs, struct lh_tuple_family *f, uint32_t lock) {
  if (!lh_tuple_family_has(f, lock)) return;
  uint32_t i = lock - f->base;
  f->bits[i >> 6] &= ~(1ull << (i & 63));
  fs->members--;
}

uint32_t lh_tuple_families_compact(struct lh_tuple_families *fs, lh_tuple_family_keep_fn keep,
                                   lh_tuple_family_place_fn place_near, void *ctx) {
  if (!fs || !fs->cap) return 0;
  struct lh_tuple_family *old = fs->v;
  uint32_t old_cap = fs->cap, kept = 0;
  fs->v = NULL;
  fs->cap = fs->n = fs->members = 0;
  for (uint32_t i = 0; i < old_cap; i++) {
    struct lh_tuple_family *f = &old[i];
    if (!f->record.addr) continue;
    uint32_t members = 0;
    if (!keep || keep(&f->record))
      for (uint32_t w = 0; w < f->words; w++)
        for (uint64_t b = f->bits[w]; b; b &= b - 1) {
          uint32_t lock = f->base + w * 64 + (uint32_t)__builtin_ctzll(b);
          if (place_near(ctx, f->record.addr, lh_tuple_family_member_fp(f, lock), &f->record.value))
            f->bits[w] &= ~(1ull << (lock - f->base - w * 64));
          else
            members++;
        }
    if (members == 0 || !table_room(fs)) { /* no memory: recorded again next time, harmless */
      free(f->bits);
      continue;
    }
    *free_slot(fs->v, fs->cap, f->record.addr, f->record.fp) = *f;
    fs->n++;
    fs->members += members;
    kept += members;
  }
  lh_table_free(old, old_cap, sizeof *old);
  return kept;
}

void lh_tuple_families_free(struct lh_tuple_families *fs) {
  if (!fs) return;
  for (uint32_t i = 0; i < fs->cap; i++)
    if (fs->v[i].record.addr) free(fs->v[i].bits);
  lh_table_free(fs->v, fs->cap, sizeof *fs->v);
  free(fs);
}
