/* race_heap.c - the heap block table (race_heap.h). */
#include "race/race_heap.h"
#include "race/race_alloc.h"

#include <malloc.h>
#include <uthash.h>

#include "race/race.h"
#include "race/race_shadow.h"
#include "race/race_spin.h"
#include "race/race_stacks.h"

#define STRIPES 64
#define BIG ((size_t)64 << 10)
#define ALIGN 16 /* glibc's malloc alignment on 64-bit */

struct block {
  struct lh_heap_block b;
  UT_hash_handle hh; /* keyed by b.addr */
  struct block *next_big, *prev_big;
};

/* Each stripe's hash and its blocks are owned by the stripe's spinlock; the big-block list by
 * big_lock (taken after a stripe lock, never before). */
static struct {
  lh_spin lock;
  struct block *map;
} stripes[STRIPES];
static lh_spin big_lock;
static struct block *bigs;

static unsigned stripe_of(uintptr_t a) {
  return (unsigned)((a >> 4) * 0x9e3779b97f4a7c15ull >> 58);
}

/* Takes a big block out of the big-block list (nothing for a small one). */
static void unlink_big(struct block *k) {
  if (k->b.size < BIG) return;
  lh_spin_lock(&big_lock);
  if (k->prev_big)
    k->prev_big->next_big = k->next_big;
  else
    bigs = k->next_big;
  if (k->next_big) k->next_big->prev_big = k->prev_big;
  lh_spin_unlock(&big_lock);
}

void lh_heap_allocated(uintptr_t addr, size_t size, uintptr_t pc) {
  if (size >= ((size_t)2 << LH_SHADOW_CHUNK_BITS)) lh_shadow_prefer_huge_pages(addr, size);
  struct block *k = __libc_calloc(1, sizeof *k);
  if (!k) return;
  struct lh_race_thread *r = &lh_self.race;
  k->b.addr = addr;
  k->b.size = size;
  k->b.thread = lh_self.registered ? lh_self.id : -1;
  k->b.stack = lh_race_stack_here(r, pc);
  unsigned s = stripe_of(addr);
  lh_spin_lock(&stripes[s].lock);
  struct block *old;
  HASH_FIND(hh, stripes[s].map, &addr, sizeof addr, old);
  if (old) /* a block freed behind our back (before race mode): replace it */
    HASH_DEL(stripes[s].map, old);
  HASH_ADD(hh, stripes[s].map, b.addr, sizeof k->b.addr, k);
  if (size >= BIG) {
    lh_spin_lock(&big_lock);
    k->next_big = bigs;
    if (bigs) bigs->prev_big = k;
    bigs = k;
    lh_spin_unlock(&big_lock);
  }
  lh_spin_unlock(&stripes[s].lock);
  if (old) unlink_big(old);
  __libc_free(old);
}

void lh_heap_freeing(void *p) {
  uintptr_t addr = (uintptr_t)p;
  unsigned s = stripe_of(addr);
  lh_spin_lock(&stripes[s].lock);
  struct block *k;
  HASH_FIND(hh, stripes[s].map, &addr, sizeof addr, k);
  if (k) {
    HASH_DEL(stripes[s].map, k);
    unlink_big(k);
  }
  lh_spin_unlock(&stripes[s].lock);
  lh_shadow_forget(addr, malloc_usable_size(p));
  __libc_free(k);
}

void lh_heap_fork_lock(bool take) {
  for (unsigned i = 0; i < STRIPES; i++)
    take ? lh_spin_lock(&stripes[i].lock) : lh_spin_unlock(&stripes[i].lock);
  take ? lh_spin_lock(&big_lock) : lh_spin_unlock(&big_lock);
}

static bool lookup_start(uintptr_t start, uintptr_t addr, struct lh_heap_block *out) {
  unsigned s = stripe_of(start);
  bool found = false;
  lh_spin_lock(&stripes[s].lock);
  struct block *k;
  HASH_FIND(hh, stripes[s].map, &start, sizeof start, k);
  if (k && addr < k->b.addr + k->b.size) {
    *out = k->b;
    found = true;
  }
  lh_spin_unlock(&stripes[s].lock);
  return found;
}

bool lh_heap_block_of(uintptr_t addr, struct lh_heap_block *out) {
  uintptr_t a = addr & ~(uintptr_t)(ALIGN - 1);
  for (uintptr_t start = a; start + BIG > a && start > 0; start -= ALIGN)
    if (lookup_start(start, addr, out)) return true;
  bool found = false;
  lh_spin_lock(&big_lock);
  for (struct block *k = bigs; k && !found; k = k->next_big)
    if (addr >= k->b.addr && addr < k->b.addr + k->b.size) {
      *out = k->b;
      found = true;
    }
  lh_spin_unlock(&big_lock);
  return found;
}
