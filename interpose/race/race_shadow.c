/* race_shadow.c - the shadow table and the arena of granule extensions
 * (race_shadow.h). */
#include "race/race_shadow.h"

#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

#include "base/read_mostly.h"
#include "race/race_spin.h"

#define PLANE_BYTES LH_SHADOW_PLANE_BYTES
#define CHUNK_BYTES LH_SHADOW_CHUNK_BYTES
#define CHUNK_MAP_BYTES (CHUNK_BYTES + LH_SHADOW_PAGE) /* the planes, then plane 1's page bits */
#define TABLE_BYTES (((size_t)1 << LH_SHADOW_TABLE_BITS) * sizeof(void *))

/* The table: NULL until reserved, then never changed (race_shadow.h). Read by every instrumented
 * access: on a line of its own (read_mostly.h), not beside the extension arena's lock. */
uintptr_t *lh_shadow_table LH_READ_MOSTLY;

/* Maps n zeroed bytes aligned to `align` (a power of two, at most n), so that a chunk's plane 0
 * can be one huge page and a granule finds its chunk by rounding down. */
static void *map_zeroed(size_t n, size_t align) {
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  size_t len = n + align;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) return NULL;
  char *aligned = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
  if (aligned > p) munmap(p, (size_t)(aligned - p));
  if (aligned + n < p + len) munmap(aligned + n, (size_t)(p + len - (aligned + n)));
  return aligned;
}

bool lh_shadow_reserve(void) {
  if (__atomic_load_n(&lh_shadow_table, __ATOMIC_ACQUIRE)) return true;
  void *fresh = mmap(NULL, TABLE_BYTES, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (fresh == MAP_FAILED) return false;
  uintptr_t *none = NULL;
  if (!__atomic_compare_exchange_n(&lh_shadow_table, &none, (uintptr_t *)fresh, false,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    munmap(fresh, TABLE_BYTES); /* another thread's came first */
  return true;
}

/* The shadow of the chunk that holds addr; with create, mapped if it has none yet (a thread that
 * loses the race to install it takes the winner's). */
static struct lh_race_granule *chunk_of(uintptr_t addr, bool create) {
  if (addr >> LH_SHADOW_ADDR_BITS || addr < ((uintptr_t)1 << LH_SHADOW_CHUNK_BITS)) return NULL;
  if (create ? !lh_shadow_reserve() : !__atomic_load_n(&lh_shadow_table, __ATOMIC_ACQUIRE))
    return NULL;
  uintptr_t at = addr & ~(((uintptr_t)1 << LH_SHADOW_CHUNK_BITS) - 1);
  uintptr_t *slot = &lh_shadow_table[addr >> LH_SHADOW_CHUNK_BITS];
  uintptr_t e = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (e || !create) return e ? (struct lh_race_granule *)(e + at) : NULL;
  char *fresh = map_zeroed(CHUNK_MAP_BYTES, CHUNK_BYTES);
  if ((uintptr_t)fresh == at) { /* its entry would be 0 (race_shadow.h): take another place */
    char *other = map_zeroed(CHUNK_MAP_BYTES, CHUNK_BYTES);
    munmap(fresh, CHUNK_MAP_BYTES);
    fresh = other;
  }
  if (!fresh) return NULL;
  if (__atomic_compare_exchange_n(slot, &e, (uintptr_t)fresh - at, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_ACQUIRE))
    return (struct lh_race_granule *)fresh;
  munmap(fresh, CHUNK_MAP_BYTES);
  return (struct lh_race_granule *)(e + at);
}

struct lh_race_granule *lh_shadow_granule_slow(uintptr_t addr) {
  struct lh_race_granule *c = chunk_of(addr, true);
  return c ? &c[(addr >> 3) & (LH_SHADOW_GRANULES - 1)] : NULL;
}

/* The extension arena: LH_SHADOW_EXT_MAX extensions of address space, reserved at the first need
 * and never unmapped (a late reader of a marker always reads mapped memory). Owned by ext_lock: the
 * free list (indexes linked through a free extension's cell[0]) and the next never-used index
 * (index 0 is never used, so that a marker is never 0). ext_arena is written once, under the lock,
 * before any marker names it; ext_live counts the extensions in use, read without the lock by
 * lh_shadow_forget, which looks for markers only when some extension is in use. */
struct lh_race_ext *lh_shadow_ext_arena;
#define ext_arena lh_shadow_ext_arena
bool lh_shadow_ext_exhausted; /* written under ext_lock, read anywhere */
static bool ext_unavailable;
static lh_spin ext_lock;
static uint32_t ext_next = 1, ext_free_head;
static uint32_t ext_live;

uint64_t lh_shadow_ext_new(void) {
  uint32_t idx = 0;
  lh_spin_lock(&ext_lock);
  if (!ext_arena && !ext_unavailable) {
    void *p = mmap(NULL, (size_t)LH_SHADOW_EXT_MAX * sizeof(struct lh_race_ext),
                   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
      ext_unavailable = true;
    else
      __atomic_store_n(&ext_arena, p, __ATOMIC_RELEASE);
  }
  if (ext_arena) {
    if (ext_free_head) {
      idx = ext_free_head;
      ext_free_head = (uint32_t)ext_arena[idx].cell[0];
    } else if (ext_next < LH_SHADOW_EXT_MAX) {
      idx = ext_next++;
    }
    if (idx) __atomic_store_n(&ext_live, ext_live + 1, __ATOMIC_RELAXED);
  }
  if (!idx) __atomic_store_n(&lh_shadow_ext_exhausted, true, __ATOMIC_RELAXED);
  lh_spin_unlock(&ext_lock);
  if (!idx) return 0;
  struct lh_race_ext *e = &ext_arena[idx];
  for (int i = 0; i < LH_SHADOW_EXT_CELLS; i++) __atomic_store_n(&e->cell[i], 0, __ATOMIC_RELAXED);
  return (uint64_t)idx << 32;
}

void lh_shadow_ext_free(uint64_t marker) {
  uint32_t idx = lh_cell_ext_index(marker);
  if (!lh_cell_is_ext(marker) || idx == 0 || idx >= LH_SHADOW_EXT_MAX) return;
  lh_spin_lock(&ext_lock);
  __atomic_store_n(&ext_arena[idx].cell[0], ext_free_head, __ATOMIC_RELAXED);
  ext_free_head = idx;
  __atomic_store_n(&ext_live, ext_live - 1, __ATOMIC_RELAXED);
  __atomic_store_n(&lh_shadow_ext_exhausted, false, __ATOMIC_RELAXED);
  lh_spin_unlock(&ext_lock);
}

void lh_shadow_fork_lock(bool take) { take ? lh_spin_lock(&ext_lock) : lh_spin_unlock(&ext_lock); }

/* Gives back the extensions of granules [first, last] of chunk c before they are cleared. */
static void free_extensions(struct lh_race_granule *c, size_t first, size_t last) {
  for (size_t i = first; i <= last; i++) {
    uint64_t *cell = lh_granule_cell(&c[i], LH_SHADOW_CELLS - 1);
    uint64_t m = lh_granule_load(&c[i], LH_SHADOW_CELLS - 1, __ATOMIC_RELAXED);
    if (lh_cell_is_ext(m) &&
        __atomic_compare_exchange_n(cell, &m, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      lh_shadow_ext_free(m);
  }
}

/* Clears the shadow of [lo, hi) inside one chunk; a whole chunk goes back to the kernel (it reads
 * as zeroes again, and costs no memory until touched). */
static void forget_in_chunk(struct lh_race_granule *c, uintptr_t lo, uintptr_t hi) {
  size_t first = (lo >> 3) & (LH_SHADOW_GRANULES - 1);
  size_t last = ((hi - 1) >> 3) & (LH_SHADOW_GRANULES - 1);
  size_t bytes = (last - first + 1) * sizeof(uint64_t);
  if (__atomic_load_n(&ext_live, __ATOMIC_RELAXED)) free_extensions(c, first, last);
  if (bytes == PLANE_BYTES) {
    madvise(c, CHUNK_BYTES, MADV_DONTNEED);
    memset((char *)c + CHUNK_BYTES, 0, PLANE_BYTES / LH_SHADOW_PAGE / 8); /* no page written */
    return;
  }
  memset(&c[first], 0, bytes);
  /* plane 1 only where it was written: a page of it never written stays unbacked */
  for (size_t g = first; g <= last;) {
    size_t page_end = (g / (LH_SHADOW_PAGE / 8) + 1) * (LH_SHADOW_PAGE / 8);
    size_t to = page_end <= last ? page_end : last + 1;
    for (int i = 1; i < LH_SHADOW_CELLS; i++)
      if (lh_plane1_used(&c[g])) memset(lh_granule_cell(&c[g], i), 0, (to - g) * sizeof(uint64_t));
    g = to;
  }
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
    if (c) madvise(c, PLANE_BYTES, MADV_HUGEPAGE); /* plane 1 stays unbacked where unused */
  }
}
