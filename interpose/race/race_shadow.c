/* race_shadow.c - the two-level shadow table (race_shadow.h). */
#include "race/race_shadow.h"

#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

#define L1_BITS LH_SHADOW_L1_BITS
#define L2_BITS LH_SHADOW_L2_BITS
#define CHUNK_BYTES ((size_t)LH_SHADOW_GRANULES * sizeof(struct lh_race_granule))
#define L2_BYTES (((size_t)1 << L2_BITS) * sizeof(void *))

/* The first level: written only by compare-and-swap from NULL to a mapped second level, never
 * changed again; read by every thread without a lock. */
struct lh_race_granule **lh_shadow_l1[1u << L1_BITS];
#define l1 lh_shadow_l1

/* Maps n zeroed bytes aligned to n (a power of two), so that a chunk can be one huge page. */
static void *map_zeroed(size_t n) {
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  char *p = mmap(NULL, 2 * n, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) return NULL;
  char *aligned = (char *)(((uintptr_t)p + n - 1) & ~(uintptr_t)(n - 1));
  if (aligned > p) munmap(p, (size_t)(aligned - p));
  if (aligned + n < p + 2 * n) munmap(aligned + n, (size_t)(p + 2 * n - (aligned + n)));
  p = aligned;
  return p;
}

/* Installs a freshly mapped level in *slot unless another thread won the race to it. */
static void *install(void **slot, size_t n) {
  void *cur = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (cur) return cur;
  void *fresh = map_zeroed(n);
  if (!fresh) return NULL;
  if (__atomic_compare_exchange_n(slot, &cur, fresh, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return fresh;
  munmap(fresh, n);
  return cur;
}

static struct lh_race_granule *chunk_of(uintptr_t addr, bool create) {
  if (addr >> (L1_BITS + 32) || addr < ((uintptr_t)1 << LH_SHADOW_CHUNK_BITS)) return NULL;
  void **l1slot = (void **)&l1[addr >> 32];
  struct lh_race_granule **l2 =
      create ? install(l1slot, L2_BYTES) : __atomic_load_n(l1slot, __ATOMIC_ACQUIRE);
  if (!l2) return NULL;
  void **l2slot = (void **)&l2[(addr >> LH_SHADOW_CHUNK_BITS) & ((1u << L2_BITS) - 1)];
  return create ? install(l2slot, CHUNK_BYTES) : __atomic_load_n(l2slot, __ATOMIC_ACQUIRE);
}

struct lh_race_granule *lh_shadow_granule_slow(uintptr_t addr) {
  struct lh_race_granule *c = chunk_of(addr, true);
  return c ? &c[(addr >> 3) & (LH_SHADOW_GRANULES - 1)] : NULL;
}

/* Clears the shadow of [lo, hi) inside one chunk; a whole chunk goes back to the kernel (it reads
 * as zeroes again, and costs no memory until touched). */
static void forget_in_chunk(struct lh_race_granule *c, uintptr_t lo, uintptr_t hi) {
  size_t first = (lo >> 3) & (LH_SHADOW_GRANULES - 1);
  size_t last = ((hi - 1) >> 3) & (LH_SHADOW_GRANULES - 1);
  size_t bytes = (last - first + 1) * sizeof *c;
  if (bytes == CHUNK_BYTES)
    madvise(c, CHUNK_BYTES, MADV_DONTNEED);
  else
    memset(&c[first], 0, bytes);
}

void lh_shadow_forget(uintptr_t addr, size_t size) {
  if (size == 0) return;
  uintptr_t end = addr + size < addr ? UINTPTR_MAX : addr + size;
  const uintptr_t chunk = (uintptr_t)1 << LH_SHADOW_CHUNK_BITS;
  for (uintptr_t lo = addr; lo < end;) {
    uintptr_t next = (lo & ~(chunk - 1)) + chunk;
    uintptr_t hi = next < end && next > lo ? next : end;
    struct lh_race_granule *c = chunk_of(lo, false);
    if (c) forget_in_chunk(c, lo, hi);
    if (next <= lo) break;
    lo = next;
  }
}

void lh_shadow_prefer_huge_pages(uintptr_t addr, size_t size) {
  const uintptr_t chunk = (uintptr_t)1 << LH_SHADOW_CHUNK_BITS;
  uintptr_t lo = (addr + chunk - 1) & ~(chunk - 1), end = addr + size;
  for (; lo + chunk <= end && lo + chunk > lo; lo += chunk) {
    struct lh_race_granule *c = chunk_of(lo, true);
    if (c) madvise(c, CHUNK_BYTES, MADV_HUGEPAGE);
  }
}
