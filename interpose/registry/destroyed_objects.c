/* destroyed_objects.c - see destroyed_objects.h. */
#include "registry/destroyed_objects.h"

int lh_destroyed_any;
static uintptr_t slots[LH_DESTROYED_SLOTS];

static inline uint32_t home_of(uintptr_t a) {
  /* Objects are at least 4-byte aligned and often in arrays: mix the bits above the alignment. */
  uint64_t h = (uint64_t)(a >> 3) * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 40) & (LH_DESTROYED_SLOTS - 1);
}

static inline uintptr_t *slot_at(uint32_t home, uint32_t i) {
  return &slots[(home + i) & (LH_DESTROYED_SLOTS - 1)];
}

bool lh_destroyed_find(const void *addr) {
  uintptr_t a = (uintptr_t)addr;
  uint32_t home = home_of(a);
  for (uint32_t i = 0; i < LH_DESTROYED_WINDOW; i++) {
    uintptr_t v = __atomic_load_n(slot_at(home, i), __ATOMIC_ACQUIRE);
    if (v == a) return true;
    if (v == 0) return false; /* never used: nothing further in the window */
  }
  return false;
}

void lh_destroyed_add(const void *addr) {
  uintptr_t a = (uintptr_t)addr;
  if (a <= LH_DESTROYED_GONE || lh_destroyed_find(addr)) return;
  uint32_t home = home_of(a);
  __atomic_store_n(&lh_destroyed_any, 1, __ATOMIC_RELAXED);
  for (uint32_t i = 0; i < LH_DESTROYED_WINDOW; i++) {
    uintptr_t *s = slot_at(home, i);
    uintptr_t v = __atomic_load_n(s, __ATOMIC_RELAXED);
    if ((v == 0 || v == LH_DESTROYED_GONE) &&
        __atomic_compare_exchange_n(s, &v, a, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
      return;
  }
  __atomic_store_n(slot_at(home, 0), a, __ATOMIC_RELEASE); /* full: forget the oldest guess */
}

void lh_destroyed_remove(const void *addr) {
  uintptr_t a = (uintptr_t)addr;
  if (!__atomic_load_n(&lh_destroyed_any, __ATOMIC_RELAXED)) return;
  uint32_t home = home_of(a);
  for (uint32_t i = 0; i < LH_DESTROYED_WINDOW; i++) {
    uintptr_t *s = slot_at(home, i);
    uintptr_t v = __atomic_load_n(s, __ATOMIC_RELAXED);
    if (v == 0) return;
    if (v == a)
      __atomic_compare_exchange_n(s, &v, LH_DESTROYED_GONE, false, __ATOMIC_RELEASE,
                                  __ATOMIC_RELAXED);
  }
}
