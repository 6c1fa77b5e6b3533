/* destroyed_objects.c - see destroyed_objects.h. */
#include "registry/destroyed_objects.h"

#include <stddef.h>
#include <sys/mman.h>

#include "base/cold_data.h"

int lh_destroyed_any;
/* The first level, page-aligned so that it is one page; the second, mapped once by the first add
 * that needs it and never unmapped (a signal handler may be reading it). */
LH_PAGE_TABLE static uintptr_t small_slots[LH_DESTROYED_SMALL];
static uintptr_t *large_slots;

struct level {
  uintptr_t *v;
  uint32_t mask;
};

static inline uint32_t hash_of(uintptr_t a) {
  /* Objects are at least 4-byte aligned and often in arrays: mix the bits above the alignment. */
  uint64_t h = (uint64_t)(a >> 3) * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 40);
}

static inline uintptr_t *slot_at(struct level l, uint32_t home, uint32_t i) {
  return &l.v[(home + i) & l.mask];
}

/* The levels that exist, first level first; returns how many. */
static inline int levels(struct level out[2]) {
  out[0] = (struct level){small_slots, LH_DESTROYED_SMALL - 1};
  uintptr_t *large = __atomic_load_n(&large_slots, __ATOMIC_ACQUIRE);
  if (!large) return 1;
  out[1] = (struct level){large, LH_DESTROYED_LARGE - 1};
  return 2;
}

static bool find_in(struct level l, uintptr_t a) {
  uint32_t home = hash_of(a);
  for (uint32_t i = 0; i < LH_DESTROYED_WINDOW; i++) {
    uintptr_t v = __atomic_load_n(slot_at(l, home, i), __ATOMIC_ACQUIRE);
    if (v == a) return true;
    if (v == 0) return false; /* never used: nothing further in the window */
  }
  return false;
}

bool lh_destroyed_find(const void *addr) {
  struct level l[2];
  int n = levels(l);
  for (int k = 0; k < n; k++)
    if (find_in(l[k], (uintptr_t)addr)) return true;
  return false;
}

bool lh_destroyed_large(void) { return __atomic_load_n(&large_slots, __ATOMIC_ACQUIRE) != NULL; }

/* Whether a free slot of a's window took it. */
static bool add_in(struct level l, uintptr_t a) {
  uint32_t home = hash_of(a);
  for (uint32_t i = 0; i < LH_DESTROYED_WINDOW; i++) {
    uintptr_t *s = slot_at(l, home, i);
    uintptr_t v = __atomic_load_n(s, __ATOMIC_RELAXED);
    if ((v == 0 || v == LH_DESTROYED_GONE) &&
        __atomic_compare_exchange_n(s, &v, a, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
      return true;
  }
  return false;
}

/* The second level, mapped by the first caller; NULL when the kernel has no memory. A destroy is
 * never called from a signal handler (sem_destroy and pthread_cond_destroy are not
 * async-signal-safe), so mapping here is allowed. */
static uintptr_t *large_level(void) {
  uintptr_t *large = __atomic_load_n(&large_slots, __ATOMIC_ACQUIRE);
  if (large) return large;
  size_t bytes = LH_DESTROYED_LARGE * sizeof *large;
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  if (__atomic_compare_exchange_n(&large_slots, &large, (uintptr_t *)p, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_ACQUIRE))
    return p;
  munmap(p, bytes); /* another thread mapped it first */
  return large;
}

void lh_destroyed_add(const void *addr) {
  uintptr_t a = (uintptr_t)addr;
  if (a <= LH_DESTROYED_GONE || lh_destroyed_find(addr)) return;
  __atomic_store_n(&lh_destroyed_any, 1, __ATOMIC_RELAXED);
  struct level l[2];
  int n = levels(l);
  if (add_in(l[n - 1], a)) return;
  if (n == 1 && (l[1].v = large_level())) {
    l[1].mask = LH_DESTROYED_LARGE - 1;
    n = 2;
    if (add_in(l[1], a)) return;
  }
  __atomic_store_n(slot_at(l[n - 1], hash_of(a), 0), a, __ATOMIC_RELEASE); /* forget the oldest */
}

static void remove_in(struct level l, uintptr_t a) {
  uint32_t home = hash_of(a);
  for (uint32_t i = 0; i < LH_DESTROYED_WINDOW; i++) {
    uintptr_t *s = slot_at(l, home, i);
    uintptr_t v = __atomic_load_n(s, __ATOMIC_RELAXED);
    if (v == 0) return;
    if (v == a)
      __atomic_compare_exchange_n(s, &v, LH_DESTROYED_GONE, false, __ATOMIC_RELEASE,
                                  __ATOMIC_RELAXED);
  }
}

void lh_destroyed_remove(const void *addr) {
  if (!__atomic_load_n(&lh_destroyed_any, __ATOMIC_RELAXED)) return;
  struct level l[2];
  int n = levels(l);
  for (int k = 0; k < n; k++) remove_in(l[k], (uintptr_t)addr);
}
