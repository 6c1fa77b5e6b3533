/* race_cache.c - see race_cache.h. */
#include "race/race_cache.h"

#include <sys/mman.h>

void *lh_rcache_make(struct lh_rcache *c, size_t size) {
  uint32_t bits = c->bits ? c->bits : LH_RCACHE_MIN_BITS;
  void *p = mmap(NULL, size << bits, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  c->entries = p == MAP_FAILED ? NULL : p;
  c->bits = bits;
  c->shift = 64 - bits;
  c->misses = 0;
  return c->entries;
}

void lh_rcache_missed(struct lh_rcache *c, size_t size) {
  if (++c->misses < 4u << c->bits || c->bits >= LH_RCACHE_MAX_BITS) return;
  uint32_t bits = c->bits + 1;
  lh_rcache_free(c, size);
  c->bits = bits; /* mapped again at the next look-up */
}

void lh_rcache_free(struct lh_rcache *c, size_t size) {
  if (c->entries) munmap(c->entries, size << c->bits);
  c->entries = NULL;
  c->misses = 0;
}
