/* race_contexts.c - per-thread tables of access contexts (race_contexts.h). */
#include "race_alloc.h"
#include "race_contexts.h"

#include "race_spin.h"

#define PAGE_BITS 12
#define NPAGES ((LH_CTX_MAX >> PAGE_BITS) + 1)
#define CACHE_BITS 12
#define MAX_SLOTS 8192

struct cache_entry {
  uint32_t lsid, stack, ctx;
};

struct table {
  struct lh_race_ctx *pages[NPAGES]; /* published with release stores; never moved or freed */
  uint32_t next;                     /* owner only */
  struct cache_entry cache[1u << CACHE_BITS]; /* owner only */
};

/* tables[slot]: created by the slot's thread under `lock`, then never changed or freed. */
static lh_spin lock;
static struct table *tables[MAX_SLOTS];

static struct table *table_of(uint32_t slot, bool create) {
  if (slot >= MAX_SLOTS)
    return NULL;
  struct table *t = __atomic_load_n(&tables[slot], __ATOMIC_ACQUIRE);
  if (t || !create)
    return t;
  lh_spin_lock(&lock);
  t = tables[slot];
  if (!t && (t = __libc_calloc(1, sizeof *t))) {
    t->next = 1;
    __atomic_store_n(&tables[slot], t, __ATOMIC_RELEASE);
  }
  lh_spin_unlock(&lock);
  return t;
}

static uint32_t append(struct table *t, uint32_t lsid, uint32_t stack) {
  uint32_t id = t->next;
  if (id > LH_CTX_MAX)
    return 0;
  struct lh_race_ctx *page = t->pages[id >> PAGE_BITS];
  if (!page) {
    page = __libc_calloc((size_t)1 << PAGE_BITS, sizeof *page);
    if (!page)
      return 0;
    __atomic_store_n(&t->pages[id >> PAGE_BITS], page, __ATOMIC_RELEASE);
  }
  page[id & ((1u << PAGE_BITS) - 1)] = (struct lh_race_ctx){lsid, stack};
  __atomic_thread_fence(__ATOMIC_RELEASE); /* the entry is visible before any cell names it */
  t->next = id + 1;
  return id;
}

uint32_t lh_ctx_intern(uint32_t slot, uint32_t lsid, uint32_t stack) {
  struct table *t = table_of(slot, true);
  if (!t)
    return 0;
  uint32_t h = (uint32_t)(((uint64_t)lsid * 0x9e3779b97f4a7c15ull ^ stack) * 0xff51afd7ed558ccdull >> 40);
  struct cache_entry *e = &t->cache[h & ((1u << CACHE_BITS) - 1)];
  if (e->ctx && e->lsid == lsid && e->stack == stack)
    return e->ctx;
  uint32_t id = append(t, lsid, stack);
  if (id)
    *e = (struct cache_entry){lsid, stack, id};
  return id;
}

bool lh_ctx_get(uint32_t slot, uint32_t ctx, struct lh_race_ctx *out) {
  struct table *t = table_of(slot, false);
  if (!t || ctx == 0 || ctx > LH_CTX_MAX)
    return false;
  struct lh_race_ctx *page = __atomic_load_n(&t->pages[ctx >> PAGE_BITS], __ATOMIC_ACQUIRE);
  if (!page)
    return false;
  *out = page[ctx & ((1u << PAGE_BITS) - 1)];
  return true;
}

void lh_ctx_fork_lock(bool take) { take ? lh_spin_lock(&lock) : lh_spin_unlock(&lock); }
