/* address_index.c - see address_index.h. */
#include "base/address_index.h"

#include "base/table_memory.h"

/* A page's addresses take a run of 1024 slots at a place hashed from the page number; in a table
 * of 1024 slots or fewer, where every run would start at slot 0, the page's hash still moves it. */
static uint32_t home(uintptr_t addr, uint32_t cap) {
  uint32_t page = (uint32_t)(((uint64_t)(addr >> 12) * 0x9e3779b97f4a7c15ull) >> 40);
  return ((cap > 1024 ? page << 10 : page) + (uint32_t)((addr >> 2) & 0x3ff)) & (cap - 1);
}

/* The slot of addr, or the free slot where it would go. */
static struct lh_address_slot *probe(struct lh_address_slot *slots, uint32_t cap, uintptr_t addr) {
  uint32_t i = home(addr, cap);
  while (slots[i].addr && slots[i].addr != addr) i = (i + 1) & (cap - 1);
  return &slots[i];
}

void *lh_address_index_find(const struct lh_address_index *x, uintptr_t addr) {
  if (x->cap == 0 || addr == 0) return NULL;
  struct lh_address_slot *s = probe(x->slots, x->cap, addr);
  return s->addr ? s->value : NULL;
}

static bool grow(struct lh_address_index *x) {
  /* one page at first: a hash spreads a program's first locks over all of the first table */
  uint32_t cap = x->cap ? x->cap * 2 : (uint32_t)(4096 / sizeof *x->slots);
  struct lh_address_slot *slots = lh_table_alloc(cap, sizeof *slots);
  if (!slots) return false;
  for (uint32_t i = 0; i < x->cap; i++)
    if (x->slots[i].addr) *probe(slots, cap, x->slots[i].addr) = x->slots[i];
  lh_table_free(x->slots, x->cap, sizeof *x->slots);
  x->slots = slots;
  x->cap = cap;
  return true;
}

bool lh_address_index_put(struct lh_address_index *x, uintptr_t addr, void *value) {
  if (addr == 0) return false;
  if ((x->n + 1) * 2 > x->cap && !grow(x)) return false;
  struct lh_address_slot *s = probe(x->slots, x->cap, addr);
  if (!s->addr) {
    s->addr = addr;
    x->n++;
  }
  s->value = value;
  return true;
}

/* Whether home h lies cyclically in (from, to]. */
static bool between(uint32_t from, uint32_t h, uint32_t to) {
  return from <= to ? from < h && h <= to : from < h || h <= to;
}

void lh_address_index_remove(struct lh_address_index *x, uintptr_t addr) {
  if (x->cap == 0 || addr == 0) return;
  uint32_t mask = x->cap - 1, i = (uint32_t)(probe(x->slots, x->cap, addr) - x->slots);
  if (!x->slots[i].addr) return;
  x->n--;
  /* Backward shift: an entry further along moves into the hole unless its home lies between the
   * hole and itself (then it is where a probe from its home reaches it already). */
  for (uint32_t j = (i + 1) & mask; x->slots[j].addr; j = (j + 1) & mask) {
    if (between(i, home(x->slots[j].addr, x->cap), j)) continue;
    x->slots[i] = x->slots[j];
    i = j;
  }
  x->slots[i] = (struct lh_address_slot){0, NULL};
}

void lh_address_index_free(struct lh_address_index *x) {
  lh_table_free(x->slots, x->cap, sizeof *x->slots);
  *x = (struct lh_address_index){0};
}
