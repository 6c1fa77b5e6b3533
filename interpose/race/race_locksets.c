/* race_locksets.c - interning locksets (race_locksets.h). */
#include "race/race_locksets.h"
#include "race/race_alloc.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "race/race_spin.h"

#define PAGE_BITS 12
#define NPAGES 4096

struct interned {
  UT_hash_handle hh;
  uint32_t id;
  struct lh_lockset set; /* must be last: flexible array */
};

/* Owned by `lock`: the content hash and the next id. Pages of `by_id` are published with a
 * release store and read without the lock. */
static lh_spin lock;
static struct interned *by_content;
static uint32_t next_id = 1;
static const struct lh_lockset **by_id[NPAGES];

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Gives s the next id and makes it readable by id; 0 when out of ids or memory. */
static uint32_t publish(struct interned *s) {
  uint32_t id = next_id;
  uint32_t page = id >> PAGE_BITS;
  if (page >= NPAGES) return 0;
  const struct lh_lockset **p = __atomic_load_n(&by_id[page], __ATOMIC_RELAXED);
  if (!p) {
    p = __libc_calloc((size_t)1 << PAGE_BITS, sizeof *p);
    if (!p) return 0;
    __atomic_store_n(&by_id[page], p, __ATOMIC_RELEASE);
  }
  __atomic_store_n(&p[id & ((1u << PAGE_BITS) - 1)], &s->set, __ATOMIC_RELEASE);
  next_id++;
  return id;
}

static uint32_t intern(const uint32_t *e, uint32_t n) {
  size_t bytes = n * sizeof *e;
  uint32_t id = 0;
  lh_spin_lock(&lock);
  struct interned *s;
  HASH_FIND(hh, by_content, e, bytes, s);
  if (s) {
    id = s->id;
  } else if ((s = __libc_malloc(sizeof *s + bytes))) {
    s->set.n = n;
    memcpy(s->set.e, e, bytes);
    s->id = publish(s);
    if (s->id) {
      HASH_ADD_KEYPTR(hh, by_content, s->set.e, bytes, s);
      id = s->id;
    } else {
      __libc_free(s);
    }
  }
  lh_spin_unlock(&lock);
  return id;
}

uint32_t lh_lockset_intern_held(const struct lh_held_set *h) {
  if (h->n == 0) return 0;
  uint32_t small[32];
  uint32_t *e = h->n <= 32 ? small : __libc_malloc(h->n * sizeof *e);
  if (!e) return 0;
  uint32_t n = 0;
  for (uint32_t i = 0; i < h->n; i++) e[n++] = h->v[i].lock << 1 | (h->v[i].mode == LH_MODE_READ);
  qsort(e, n, sizeof *e, cmp_u32);
  uint32_t id = intern(e, n);
  if (e != small) __libc_free(e);
  return id;
}

void lh_lockset_fork_lock(bool take) { take ? lh_spin_lock(&lock) : lh_spin_unlock(&lock); }

const struct lh_lockset *lh_lockset_get(uint32_t id) {
  if (id == 0 || (id >> PAGE_BITS) >= NPAGES) return NULL;
  const struct lh_lockset **p = __atomic_load_n(&by_id[id >> PAGE_BITS], __ATOMIC_ACQUIRE);
  return p ? __atomic_load_n(&p[id & ((1u << PAGE_BITS) - 1)], __ATOMIC_ACQUIRE) : NULL;
}

bool lh_lockset_protects(uint32_t a, uint32_t b) {
  const struct lh_lockset *x = lh_lockset_get(a), *y = lh_lockset_get(b);
  if (!x || !y) return false;
  for (uint32_t i = 0, j = 0; i < x->n && j < y->n;) {
    uint32_t lx = x->e[i] >> 1, ly = y->e[j] >> 1;
    if (lx < ly) {
      i++;
    } else if (ly < lx) {
      j++;
    } else {
      if (!(x->e[i] & 1) || !(y->e[j] & 1)) return true; /* one of them held it for writing */
      i++;
      j++;
    }
  }
  return false;
}
