/* race_contexts.c - per-thread tables of access contexts (race_contexts.h). */
#include "race/race_contexts.h"
#include "race/race_alloc.h"

#include "race/race_cache.h"
#include "race/race_spin.h"

/* Pages that double: page k holds FIRST_PAGE << k contexts, so a thread that used a few dozen
 * keeps half a KiB after its end (its pages stay: cells may name them), and one that used all
 * LH_CTX_MAX has NPAGES pages. */
#define FIRST_PAGE_BITS 6
#define NPAGES (LH_CTX_BITS - FIRST_PAGE_BITS + 1)

/* Page k covers ids [F * (2^k - 1), F * (2^(k+1) - 1)), F = 1 << FIRST_PAGE_BITS. */
static inline unsigned page_of(uint32_t id, uint32_t *offset) {
  unsigned k = 31u - (unsigned)__builtin_clz((id >> FIRST_PAGE_BITS) + 1);
  *offset = id - (((1u << k) - 1) << FIRST_PAGE_BITS);
  return k;
}
#define MAX_SLOTS 8192

struct cache_entry {
  uint32_t lsid, stack, op, ctx;
};

struct table {
  struct lh_race_ctx *pages[NPAGES]; /* published with release stores; never moved or freed */
  uint32_t next;                     /* owner only */
  struct lh_rcache cache;            /* owner only: freed at its end */
};

/* tables[slot]: created by the slot's thread under `lock`, then never changed or freed. */
static lh_spin lock;
static struct table *tables[MAX_SLOTS];

static struct table *table_of(uint32_t slot, bool create) {
  if (slot >= MAX_SLOTS) return NULL;
  struct table *t = __atomic_load_n(&tables[slot], __ATOMIC_ACQUIRE);
  if (t || !create) return t;
  lh_spin_lock(&lock);
  t = tables[slot];
  if (!t && (t = __libc_calloc(1, sizeof *t))) {
    t->next = 1;
    __atomic_store_n(&tables[slot], t, __ATOMIC_RELEASE);
  }
  lh_spin_unlock(&lock);
  return t;
}

static uint32_t append(struct table *t, uint32_t lsid, uint32_t stack, uint32_t op) {
  uint32_t id = t->next;
  if (id > LH_CTX_MAX) return 0;
  uint32_t offset;
  unsigned k = page_of(id, &offset);
  struct lh_race_ctx *page = t->pages[k];
  if (!page) {
    page = __libc_calloc((size_t)1 << (FIRST_PAGE_BITS + k), sizeof *page);
    if (!page) return 0;
    __atomic_store_n(&t->pages[k], page, __ATOMIC_RELEASE);
  }
  page[offset] = (struct lh_race_ctx){lsid, stack, op};
  __atomic_thread_fence(__ATOMIC_RELEASE); /* the entry is visible before any cell names it */
  t->next = id + 1;
  return id;
}

uint32_t lh_ctx_intern(uint32_t slot, uint32_t lsid, uint32_t stack, uint32_t op) {
  struct table *t = table_of(slot, true);
  if (!t) return 0;
  uint64_t h = ((uint64_t)lsid * 0x9e3779b97f4a7c15ull ^ stack) * 0xff51afd7ed558ccdull;
  struct cache_entry *e = lh_rcache_slot(&t->cache, h, sizeof *e);
  if (e && e->ctx && e->lsid == lsid && e->stack == stack && e->op == op) return e->ctx;
  uint32_t id = append(t, lsid, stack, op);
  if (e) lh_rcache_missed(&t->cache, sizeof *e);
  if (id && e && (e = lh_rcache_slot(&t->cache, h, sizeof *e)))
    *e = (struct cache_entry){lsid, stack, op, id};
  return id;
}

void lh_ctx_thread_done(uint32_t slot) {
  struct table *t = table_of(slot, false);
  if (t) {
    lh_rcache_free(&t->cache, sizeof(struct cache_entry));
  }
}

bool lh_ctx_get(uint32_t slot, uint32_t ctx, struct lh_race_ctx *out) {
  struct table *t = table_of(slot, false);
  if (!t || ctx == 0 || ctx > LH_CTX_MAX) return false;
  uint32_t offset;
  struct lh_race_ctx *page = __atomic_load_n(&t->pages[page_of(ctx, &offset)], __ATOMIC_ACQUIRE);
  if (!page) return false;
  *out = page[offset];
  return true;
}

void lh_ctx_fork_lock(bool take) { take ? lh_spin_lock(&lock) : lh_spin_unlock(&lock); }
