/* cond_mutexes.c - see cond_mutexes.h. */
#include "registry/cond_mutexes.h"

static struct { uintptr_t cond, mutex; } slots[LH_COND_MUTEX_SLOTS];

static inline uint32_t slot_of(const void *cond) {
  uint64_t h = (uint64_t)((uintptr_t)cond >> 3) * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 40) & (LH_COND_MUTEX_SLOTS - 1);
}

void lh_cond_mutex_set(const void *cond, const void *mutex) {
  uint32_t i = slot_of(cond);
  if (__atomic_load_n(&slots[i].cond, __ATOMIC_RELAXED) == (uintptr_t)cond &&
      __atomic_load_n(&slots[i].mutex, __ATOMIC_RELAXED) == (uintptr_t)mutex)
    return; /* the usual case: the same pair again */
  /* key cleared first, so that a reader never pairs this condvar with the old mutex */
  __atomic_store_n(&slots[i].cond, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&slots[i].mutex, (uintptr_t)mutex, __ATOMIC_RELEASE);
  __atomic_store_n(&slots[i].cond, (uintptr_t)cond, __ATOMIC_RELEASE);
}

void lh_cond_mutex_forget_cond(const void *cond) {
  uint32_t i = slot_of(cond);
  if (__atomic_load_n(&slots[i].cond, __ATOMIC_RELAXED) == (uintptr_t)cond)
    __atomic_store_n(&slots[i].cond, 0, __ATOMIC_RELEASE);
}

uintptr_t lh_cond_mutex_get(const void *cond) {
  uint32_t i = slot_of(cond);
  uintptr_t key = __atomic_load_n(&slots[i].cond, __ATOMIC_ACQUIRE);
  if (key != (uintptr_t)cond || key == 0) return 0;
  uintptr_t mutex = __atomic_load_n(&slots[i].mutex, __ATOMIC_ACQUIRE);
  return __atomic_load_n(&slots[i].cond, __ATOMIC_ACQUIRE) == key ? mutex : 0;
}
