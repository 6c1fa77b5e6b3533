/* id_pool.h - dense ids handed out again once forgotten (lock_registry.c, object_registry.c).
 *
 * Ids index dense tables (pointer_table.h), so they stay small: a forgotten id that never reached
 * the run file goes back to the pool and is the next one handed out; one that was written stays
 * retired (the analyzer knows it). Not thread-safe: the caller holds the recorder lock. When the
 * free list cannot grow, a forgotten id is simply never handed out again. */
#ifndef LH_ID_POOL_H
#define LH_ID_POOL_H

#include <stdint.h>
#include <stdlib.h>

struct lh_id_pool {
  uint32_t next; /* ids below this have been handed out */
  uint32_t *free, nfree, cap;
};

/* The id the next lh_id_take will give (UINT32_MAX: none left). */
static inline uint32_t lh_id_peek(const struct lh_id_pool *p) {
  return p->nfree ? p->free[p->nfree - 1] : p->next;
}

/* Takes the id lh_id_peek gave, once the caller could use it. */
static inline void lh_id_take(struct lh_id_pool *p) {
  if (p->nfree)
    p->nfree--;
  else
    p->next++;
}

static inline void lh_id_give_back(struct lh_id_pool *p, uint32_t id) {
  if (p->nfree == p->cap) {
    uint32_t cap = p->cap ? 2 * p->cap : 64;
    uint32_t *v = realloc(p->free, cap * sizeof *v);
    if (!v) return;
    p->free = v;
    p->cap = cap;
  }
  p->free[p->nfree++] = id;
}

#endif
